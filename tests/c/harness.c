#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int h_passed, h_failed;
static pthread_mutex_t h_lock = PTHREAD_MUTEX_INITIALIZER;

void h_check(int ok, const char *what, const char *file, int line) {
    pthread_mutex_lock(&h_lock);
    if (ok) {
        h_passed++;
    } else {
        h_failed++;
        char err[512] = "";
        IMCoreGetLastError(err, sizeof err);
        fprintf(stderr, "FAIL %s:%d: %s (last imcore error: %s)\n", file, line, what, err);
    }
    pthread_mutex_unlock(&h_lock);
}

void h_check_int(long long got, long long want, const char *what, const char *file, int line) {
    if (got != want) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s is %lld, expected %lld", what, got, want);
        h_check(0, msg, file, line);
    } else {
        h_check(1, what, file, line);
    }
}

void h_check_contains(const char *hay, const char *needle, const char *what, const char *file,
                      int line) {
    int ok = hay && needle && strstr(hay, needle);
    if (!ok) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s (\"%.600s\") does not contain \"%s\"", what,
                 hay ? hay : "(null)", needle);
        h_check(0, msg, file, line);
    } else {
        h_check(1, what, file, line);
    }
}

int h_finish(void) {
    printf("%d passed, %d failed\n", h_passed, h_failed);
    fflush(stdout);
    return h_failed ? 1 : 0;
}

int slow(void) { return getenv("IMCORE_UNDER_VALGRIND") != NULL; }

void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

Call *call_new(void) {
    Call *c = calloc(1, sizeof *c);
    pthread_mutex_init(&c->m, NULL);
    pthread_cond_init(&c->c, NULL);
    return c;
}

void call_free(Call *c) {
    if (!c) return;
    pthread_mutex_destroy(&c->m);
    pthread_cond_destroy(&c->c);
    free(c->desc);
    free(c->json);
    free(c);
}

void call_cb(int32_t code, const char *desc, const char *json, const void *user_data) {
    Call *c = (Call *)user_data;
    pthread_mutex_lock(&c->m);
    c->calls++;
    c->code = code;
    free(c->desc);
    free(c->json);
    c->desc = strdup(desc ? desc : "(NULL)");
    c->json = strdup(json ? json : "(NULL)");
    pthread_cond_broadcast(&c->c);
    pthread_mutex_unlock(&c->m);
}

void members_cb(const char *json, uint64_t next_seq, bool is_finished, const void *user_data) {
    Call *c = (Call *)user_data;
    pthread_mutex_lock(&c->m);
    c->calls++;
    c->code = 0;
    free(c->json);
    c->json = strdup(json ? json : "(NULL)");
    c->next_seq = next_seq;
    c->finished = is_finished;
    pthread_cond_broadcast(&c->c);
    pthread_mutex_unlock(&c->m);
}

int call_wait(Call *c) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += slow() ? 60 : 5;
    pthread_mutex_lock(&c->m);
    while (c->calls == 0) {
        if (pthread_cond_timedwait(&c->c, &c->m, &until) != 0) break;
    }
    int n = c->calls;
    pthread_mutex_unlock(&c->m);
    return n > 0;
}

Call *code_call_with(int ret, Call *c, int want, const char *what, const char *file, int line) {
    char msg[600];
    snprintf(msg, sizeof msg, "%s returns TIM_SUCC (got %d)", what, ret);
    h_check(ret == TIM_SUCC, msg, file, line);
    if (ret != TIM_SUCC) return c;
    snprintf(msg, sizeof msg, "%s calls back", what);
    h_check(call_wait(c), msg, file, line);
    sleep_ms(slow() ? 20 : 2); /* a second call would show up here */
    pthread_mutex_lock(&c->m);
    snprintf(msg, sizeof msg, "%s calls back exactly once (got %d)", what, c->calls);
    h_check(c->calls == 1, msg, file, line);
    snprintf(msg, sizeof msg, "%s: code %d (%s), expected %d", what, c->code,
             c->desc ? c->desc : "", want);
    h_check(c->code == want, msg, file, line);
    pthread_mutex_unlock(&c->m);
    return c;
}

Call *ok_call_with(int ret, Call *c, const char *what, const char *file, int line) {
    return code_call_with(ret, c, 0, what, file, line);
}

char *fmt(const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

/* ---- JSON scanning ---- */
static const char *ws(const char *p) {
    while (p && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
    return p;
}

static const char *skip_string(const char *p) {
    p++; /* opening quote */
    while (*p && *p != '"') {
        if (*p == '\\' && p[1]) p++;
        p++;
    }
    return *p ? p + 1 : p;
}

static const char *skip_value(const char *p) {
    p = ws(p);
    if (!p || !*p) return p;
    if (*p == '"') return skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') {
                p = skip_string(p);
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') {
                depth--;
                if (depth == 0) return p + 1;
            }
            p++;
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']') p++;
    return p;
}

const char *jget(const char *obj, const char *key) {
    obj = ws(obj);
    if (!obj || *obj != '{') return NULL;
    const char *p = ws(obj + 1);
    size_t klen = strlen(key);
    while (p && *p == '"') {
        const char *kstart = p + 1;
        const char *kend = skip_string(p) - 1;
        p = ws(kend + 1);
        if (*p != ':') return NULL;
        const char *v = ws(p + 1);
        if ((size_t)(kend - kstart) == klen && strncmp(kstart, key, klen) == 0) return v;
        p = ws(skip_value(v));
        if (*p == ',') p = ws(p + 1);
    }
    return NULL;
}

const char *jat(const char *arr, int i) {
    arr = ws(arr);
    if (!arr || *arr != '[') return NULL;
    const char *p = ws(arr + 1);
    int k = 0;
    while (p && *p && *p != ']') {
        if (k == i) return p;
        p = ws(skip_value(p));
        if (*p == ',') p = ws(p + 1);
        k++;
    }
    return NULL;
}

int jlen(const char *arr) {
    arr = ws(arr);
    if (!arr || *arr != '[') return -1;
    int n = 0;
    while (jat(arr, n)) n++;
    return n;
}

long long jint(const char *v) {
    if (!v) return 0;
    return strtoll(v, NULL, 10);
}

int jbool(const char *v) {
    if (!v) return -1;
    if (strncmp(v, "true", 4) == 0) return 1;
    if (strncmp(v, "false", 5) == 0) return 0;
    return -1;
}

int jstreq(const char *v, const char *s) {
    if (!v || *v != '"') return 0;
    size_t n = strlen(s);
    return strncmp(v + 1, s, n) == 0 && v[1 + n] == '"';
}

const char *jfind(const char *arr, const char *key, const char *val) {
    for (int i = 0;; i++) {
        const char *o = jat(arr, i);
        if (!o) return NULL;
        if (jstreq(jget(o, key), val)) return o;
    }
}

long long conv_int(const char *conv_array, const char *id, const char *key) {
    const char *o = jfind(conv_array, "conv_id", id);
    return o ? jint(jget(o, key)) : -1;
}

#ifdef _WIN32
/* mingw-w64: no mkdtemp/nftw; paths are UTF-8 and go through the wide-character APIs. */
#include <windows.h>

static wchar_t *wide(const char *utf8) {
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
    if (n <= 0) {
        fprintf(stderr, "not UTF-8: %s\n", utf8);
        exit(2);
    }
    wchar_t *w = malloc(sizeof(wchar_t) * (size_t)n);
    MultiByteToWideChar(CP_UTF8, 0, utf8, -1, w, n);
    return w;
}

char *make_temp_dir(void) {
    char base[MAX_PATH];
    DWORD len = GetTempPathA(sizeof base, base);
    if (len == 0 || len >= sizeof base) {
        fprintf(stderr, "GetTempPathA failed\n");
        exit(2);
    }
    /* Forward slashes: Windows accepts them, and the path goes into JSON strings unescaped. */
    for (char *p = base; *p; p++)
        if (*p == '\\') *p = '/';
    for (unsigned i = 0; i < 1000; i++) {
        char *t = fmt("%simcore-c-%lu-%u", base, (unsigned long)GetCurrentProcessId(), i);
        if (CreateDirectoryA(t, NULL)) return t;
        free(t);
    }
    fprintf(stderr, "cannot create a temporary directory\n");
    exit(2);
}

static void rm_rf_w(const wchar_t *path) {
    size_t n = wcslen(path);
    wchar_t *pattern = malloc(sizeof(wchar_t) * (n + 3));
    memcpy(pattern, path, sizeof(wchar_t) * n);
    memcpy(pattern + n, L"\\*", sizeof(wchar_t) * 3);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L"..")) continue;
            size_t m = wcslen(fd.cFileName);
            wchar_t *child = malloc(sizeof(wchar_t) * (n + m + 2));
            memcpy(child, path, sizeof(wchar_t) * n);
            child[n] = L'\\';
            memcpy(child + n + 1, fd.cFileName, sizeof(wchar_t) * (m + 1));
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) rm_rf_w(child);
            else DeleteFileW(child);
            free(child);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(path);
}

void rm_rf(const char *path) {
    wchar_t *w = wide(path);
    rm_rf_w(w);
    free(w);
}

int mkdir_utf8(const char *path) {
    wchar_t *w = wide(path);
    int ok = CreateDirectoryW(w, NULL);
    free(w);
    return ok ? 0 : -1;
}

int file_exists_utf8(const char *path) {
    wchar_t *w = wide(path);
    DWORD a = GetFileAttributesW(w);
    free(w);
    return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}
#else
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

char *make_temp_dir(void) {
    char *t = strdup("/tmp/imcore-c-XXXXXX");
    if (!mkdtemp(t)) {
        perror("mkdtemp");
        exit(2);
    }
    return t;
}

static int rm_one(const char *p, const struct stat *s, int flag, struct FTW *f) {
    (void)s;
    (void)flag;
    (void)f;
    return remove(p);
}

void rm_rf(const char *path) { nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

int mkdir_utf8(const char *path) { return mkdir(path, 0700); }

int file_exists_utf8(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
#endif

int init_in(const char *dir) {
    char *cfg = fmt("{\"sdk_config_config_file_path\":\"%s\",\"sdk_config_log_file_path\":\"\"}", dir);
    int r = TIMInit(1400000000ULL, cfg);
    free(cfg);
    return r;
}

void login_ok(const char *user) {
    Call *c = call_new();
    RUN(c, TIMLogin(user, "sig", call_cb, c));
    call_free(c);
}

void push_ok(const char *envelopes) {
    Call *c = call_new();
    RUN(c, IMCoreInboundPush(envelopes, call_cb, c));
    call_free(c);
}

char *msg_env(const char *id, const char *conv, int type, const char *sender, uint64_t time,
              uint64_t seq, const char *extra) {
    return fmt("{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"%s\","
               "\"message_conv_id\":\"%s\",\"message_conv_type\":%d,\"message_sender\":\"%s\","
               "\"message_server_time\":%llu,\"message_seq\":%llu,"
               "\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hi %s\"}]%s%s}}",
               id, conv, type, sender, (unsigned long long)time, (unsigned long long)seq, id,
               extra && *extra ? "," : "", extra ? extra : "");
}

char *conv_list(void) {
    Call *c = call_new();
    RUN(c, TIMConvGetConvList(call_cb, c));
    char *j = c->json ? strdup(c->json) : strdup("[]");
    call_free(c);
    return j;
}

long long total_unread(void) {
    Call *c = call_new();
    RUN(c, TIMConvGetTotalUnreadMessageCount(call_cb, c));
    long long n = c->json ? jint(jget(c->json, "conv_get_total_unread_message_count_result_unread_count")) : -1;
    call_free(c);
    return n;
}

void never_called(void) {
    fprintf(stderr, "FAIL: a never-fired listener was called\n");
    abort();
}
