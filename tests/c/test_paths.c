/*
 * Non-ASCII data folders and user ids. The host passes UTF-8; the store is
 * created at exactly that path (on Windows through the wide-character file
 * APIs: a byte-for-byte ANSI path would name a different folder), found again
 * after TIMUninit + TIMInit, and a non-ASCII user id and conversation id round
 * trip through login, receive and the conversation list.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *USER = "用户-ü";    /* the logged-in user */
static const char *PEER = "张三-José"; /* a C2C peer: its conv_id is its user id */

/* imcore_<app>_<hex of the user id's UTF-8 bytes>.db, as core/src/store documents. */
static char *store_file(const char *dir, const char *user) {
    size_t n = strlen(user);
    char *hex = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) snprintf(hex + 2 * i, 3, "%02x", (unsigned char)user[i]);
    char *path = fmt("%s/imcore_1400000000_%s.db", dir, hex);
    free(hex);
    return path;
}

static void logout_ok(void) {
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
}

int main(void) {
    char *base = make_temp_dir();
    char *dir = fmt("%s/数据-données-ü", base);
    CHECK_EQ(mkdir_utf8(dir), 0);

    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok(USER);
    char *e = msg_env("m1", PEER, 1, PEER, 1700000001, 0, NULL);
    char *batch = fmt("[%s]", e);
    push_ok(batch);
    free(batch);
    free(e);
    CHECK_EQ(total_unread(), 1);
    char *list = conv_list();
    CHECK(jfind(list, "conv_id", PEER) != NULL);
    CHECK_EQ(conv_int(list, PEER, "conv_unread_num"), 1);
    free(list);
    logout_ok();
    CHECK_EQ(TIMUninit(), TIM_SUCC);

    /* The store sits in the non-ASCII folder under the documented name. */
    char *file = store_file(dir, USER);
    CHECK(file_exists_utf8(file));
    free(file);

    /* Found again after a restart: the unread message is still there. */
    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok(USER);
    CHECK_EQ(total_unread(), 1);
    list = conv_list();
    CHECK_EQ(conv_int(list, PEER, "conv_unread_num"), 1);
    free(list);
    logout_ok();
    CHECK_EQ(TIMUninit(), TIM_SUCC);

    rm_rf(base);
    free(dir);
    free(base);
    return h_finish();
}
