/*
 * A small assertion harness for the imcore C tests: counts checks, prints
 * failures with file:line, ends with "N passed, N failed"; plus helpers to
 * wait for callbacks and to read the JSON imcore returns (a minimal scanner:
 * enough to pick values out of objects and arrays, not a validator).
 */
#ifndef IMCORE_TEST_HARNESS_H
#define IMCORE_TEST_HARNESS_H

#include "imcore.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

extern int h_passed, h_failed;

void h_check(int ok, const char *what, const char *file, int line);
void h_check_int(long long got, long long want, const char *what, const char *file, int line);
void h_check_contains(const char *hay, const char *needle, const char *what, const char *file,
                      int line);
int h_finish(void);

#define CHECK(c) h_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_EQ(got, want) h_check_int((long long)(got), (long long)(want), #got, __FILE__, __LINE__)
#define CHECK_CONTAINS(hay, needle) h_check_contains((hay), (needle), #hay, __FILE__, __LINE__)

/* ---- one asynchronous call: TIMCommCallback state ---- */
typedef struct Call {
    pthread_mutex_t m;
    pthread_cond_t c;
    int calls; /* how many times the callback ran (must end at 1) */
    int code;
    char *desc;
    char *json;
    /* read-member-list callback */
    uint64_t next_seq;
    int finished;
} Call;

Call *call_new(void);
void call_free(Call *c);
/* The TIMCommCallback that records into the Call given as user_data. */
void call_cb(int32_t code, const char *desc, const char *json, const void *user_data);
/* The read-member-list callback that records into the Call. */
void members_cb(const char *json, uint64_t next_seq, bool is_finished, const void *user_data);
/* Waits until the callback ran at least once (5 s; 60 s under valgrind). */
int call_wait(Call *c);
/* Checks that `ret` is TIM_SUCC, waits, checks code 0 and exactly one call;
 * returns the Call (free it). */
#define OK(expr) ok_call(expr, #expr, __FILE__, __LINE__)
Call *ok_call_with(int ret, Call *c, const char *what, const char *file, int line);
/* Usage: Call *c = call_new(); int r = TIMX(..., call_cb, c); then ok_call_with(r, c, ...). */
#define RUN(c, expr) ok_call_with((expr), (c), #expr, __FILE__, __LINE__)
/* Checks TIM_SUCC, waits, and checks the callback's code (returns the Call). */
#define RUN_CODE(c, expr, want) code_call_with((expr), (c), (want), #expr, __FILE__, __LINE__)
Call *code_call_with(int ret, Call *c, int want, const char *what, const char *file, int line);

/* Sleeps ms milliseconds. */
void sleep_ms(int ms);
/* Non-zero when running under valgrind (IMCORE_UNDER_VALGRIND set). */
int slow(void);

/* ---- JSON reading ---- */
/* Pointer to the value of `key` in the object starting at `obj` (its '{'),
 * or NULL. Only direct members are searched. */
const char *jget(const char *obj, const char *key);
/* Number of elements of the array starting at `arr` ('['); -1 if not an array. */
int jlen(const char *arr);
/* Pointer to element i of the array, or NULL. */
const char *jat(const char *arr, int i);
/* The integer at v (0 if v is NULL or not a number). */
long long jint(const char *v);
/* 1 if v is true, 0 if false, -1 otherwise. */
int jbool(const char *v);
/* 1 if v is the JSON string s. */
int jstreq(const char *v, const char *s);
/* The element of an array of objects whose `key` is the string `val`. */
const char *jfind(const char *arr, const char *key, const char *val);
/* Shortcut: the integer `key` of the element with "conv_id" == id. */
long long conv_int(const char *conv_array, const char *id, const char *key);

/* Writes a JSON text to a freshly allocated buffer (printf style). */
char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

#endif

#ifndef IMCORE_TEST_HARNESS_EXTRA
#define IMCORE_TEST_HARNESS_EXTRA
/* A fresh temporary directory (removed by rm_rf at the end). */
char *make_temp_dir(void);
void rm_rf(const char *path);
/* mkdir of a UTF-8 path (the wide-character API on Windows); 0 on success. */
int mkdir_utf8(const char *path);
/* 1 if the UTF-8 path names an existing regular file. */
int file_exists_utf8(const char *path);
/* TIMInit with {"sdk_config_config_file_path": dir}. */
int init_in(const char *dir);
/* TIMLogin and wait; checks success. */
void login_ok(const char *user);
/* IMCoreInboundPush and wait; checks the callback code (0 expected). */
void push_ok(const char *envelopes);
/* A "message" envelope (no trailing comma). */
char *msg_env(const char *id, const char *conv, int type, const char *sender, uint64_t time,
              uint64_t seq, const char *extra);
/* Fetches the conversation list (JSON array, free it). */
char *conv_list(void);
/* The total unread count via TIMConvGetTotalUnreadMessageCount. */
long long total_unread(void);
/* A function usable for any never-called listener slot. */
void never_called(void);
#endif
