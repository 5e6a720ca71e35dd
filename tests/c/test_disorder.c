/*
 * Disorder through the C ABI: the regression tests of the defects found by
 * adversarial testing (issue "Right under disorder"): partly applied pushes,
 * future-stamped messages, read positions of the wrong kind, receipts naming
 * another conversation or sent by a stranger, a group sequence at the end of
 * its range, the list order after a synced history, oversized messages and
 * the store file's permissions. Rules: docs/ENGINE.md, "Disorder".
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char last_err[1024];
static const char *err(void) {
    IMCoreGetLastError(last_err, sizeof last_err);
    return last_err;
}

static long long unread_of(const char *peer) {
    char *l = conv_list();
    long long n = conv_int(l, peer, "conv_unread_num");
    free(l);
    return n;
}

/* The message JSON of one id (NULL when not stored); free it. */
static char *find_message(const char *id) {
    Call *c = call_new();
    char *arr = fmt("[\"%s\"]", id);
    RUN(c, TIMMsgFindMessages(arr, call_cb, c));
    free(arr);
    char *m = NULL;
    if (c->json && jlen(c->json) == 1) {
        const char *e = jat(c->json, 0);
        m = strdup(e);
    }
    call_free(c);
    return m;
}

/* One message of a push: id, server time, sequence. */
typedef struct {
    const char *id;
    uint64_t time;
    uint64_t seq;
} M;

/* Pushes messages of one conversation, all from `sender`, in one push. */
static void push_msgs(const char *conv, int type, const char *sender, const M *ms, int n) {
    char *arr = strdup("[");
    for (int i = 0; i < n; i++) {
        char *e = msg_env(ms[i].id, conv, type, sender, ms[i].time, ms[i].seq, NULL);
        char *next = fmt("%s%s%s", arr, i ? "," : "", e);
        free(arr), free(e);
        arr = next;
    }
    char *all = fmt("%s]", arr);
    push_ok(all);
    free(arr), free(all);
}
#define PUSH(conv, type, sender, ...)                                           \
    do {                                                                        \
        const M ms_[] = {__VA_ARGS__};                                          \
        push_msgs((conv), (type), (sender), ms_, (int)(sizeof ms_ / sizeof ms_[0])); \
    } while (0)

/* Pushes `envs` and expects the push refused with `code`, the error naming
   `needle` (and `where`, when given), and nothing stored (message `probe`
   absent). */
static void refused_at(const char *envs, int code, const char *needle, const char *where,
                       const char *probe) {
    Call *c = call_new();
    int r = IMCoreInboundPush(envs, call_cb, c);
    CHECK_EQ(r, code);
    if (r != code) printf("  push: %s\n  error: %s\n", envs, err());
    CHECK_CONTAINS(err(), needle);
    if (where) CHECK_CONTAINS(err(), where);
    sleep_ms(slow() ? 200 : 20);
    CHECK_EQ(c->calls, 0);
    call_free(c);
    char *m = find_message(probe);
    CHECK(m == NULL);
    free(m);
}

static void refused(const char *envs, int code, const char *needle, const char *probe) {
    refused_at(envs, code, needle, NULL, probe);
}

/* Defect 1: a push is all or nothing, and its error names the envelope. */
static void test_push_all_or_nothing(uint64_t now) {
    char *good = msg_env("p1", "pat", 1, "pat", now - 10, 0, NULL);
    struct {
        const char *env;
        const char *needle;
    } bad[] = {
        {"{\"kind\":\"read_position\",\"conv_id\":\"pat\",\"conv_type\":1,\"timestamp\":99999999999}",
         "[1] read_position: c2c_pat"},
        {"{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"pat\",\"msg_receipt_conv_type\":1,"
         "\"msg_receipt_msg_id\":\"x\",\"msg_receipt_time_stamp\":99999999999}}",
         "msg_receipt_time_stamp"},
        {"{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"team\",\"msg_receipt_conv_type\":2,"
         "\"msg_receipt_msg_id\":\"\",\"msg_receipt_user_id\":\"dave\"}}",
         "msg_receipt_msg_id"},
        {"{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"pat\",\"msg_receipt_conv_type\":1,"
         "\"msg_receipt_msg_id\":\"" /* 300 bytes */
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
         "msg_receipt_msg_id"},
        {"{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"team\",\"msg_receipt_conv_type\":2,"
         "\"msg_receipt_msg_id\":\"x\",\"msg_receipt_user_id\":\"\"}}",
         "msg_receipt_user_id"},
        {"{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"team\",\"msg_receipt_conv_type\":2,"
         "\"msg_receipt_msg_id\":\"x\",\"msg_receipt_user_id\":\"a\\u0000b\"}}",
         "msg_receipt_user_id"},
        {"{\"kind\":\"group_members\",\"group_id\":\"team\",\"members\":[\"ok\",\"\"]}", "members[1]"},
        {"{\"kind\":\"conversation\",\"update_time\":1,\"conversation\":{\"conv_id\":\"pat\",\"conv_type\":1,"
         "\"conv_mark_array\":[16]}}",
         "conv_mark_array"},
        {"{\"kind\":\"conversation\",\"update_time\":1,\"conversation\":{\"conv_id\":\"pat\",\"conv_type\":1,"
         "\"conv_custom_data\":\""
         "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789012345678901234567890123456789\"}}",
         "conv_custom_data"},
        {"{\"kind\":\"conversation\",\"update_time\":1,\"conversation\":{\"conv_id\":\"pat\",\"conv_type\":1,"
         "\"conv_conversation_group_array\":[\"\"]}}",
         "conv_conversation_group_array"},
        {"{\"kind\":\"conversation\",\"update_time\":1,\"conversation\":{\"conv_id\":\"pat\",\"conv_type\":1,"
         "\"conv_c2c_read_timestamp\":99999999999}}",
         "conv_c2c_read_timestamp"},
        {"{\"kind\":\"conversation\",\"update_time\":18446744073709551615,\"conversation\":{\"conv_id\":\"pat\","
         "\"conv_type\":1}}",
         "update_time"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *arr = fmt("[%s,%s]", good, bad[i].env);
        refused_at(arr, TIM_ERR_PARAM, bad[i].needle, "[1]", "p1");
        free(arr);
    }
    /* An elem array that is an object is refused, not taken as []. */
    char *obj = fmt("[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"p2\",\"message_conv_id\":\"pat\","
                    "\"message_conv_type\":1,\"message_sender\":\"pat\",\"message_server_time\":%llu,"
                    "\"message_elem_array\":{}}}]",
                    (unsigned long long)now);
    refused(obj, TIM_ERR_JSON, "[0].message.message_elem_array", "p2");
    free(obj);
    /* Nothing of the refused pushes arrived: the conversation does not exist. */
    char *l = conv_list();
    CHECK(jfind(l, "conv_id", "pat") == NULL);
    free(l);
    /* The good envelope alone goes through. */
    char *one = fmt("[%s]", good);
    push_ok(one);
    free(one);
    CHECK_EQ(unread_of("pat"), 1);
    free(good);
}

/* Defect 2: a future-stamped message does not hide the messages after it. */
static void test_future_stamps(uint64_t now) {
    PUSH("fut", 1, "fut", {"f1", now - 100, 0}, {"f2", now - 50, 0}, {"f3", now + 3600, 0});
    CHECK_EQ(unread_of("fut"), 3);
    Call *c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount("c2c_fut", 0, 0, call_cb, c));
    call_free(c);
    CHECK_EQ(unread_of("fut"), 0);
    PUSH("fut", 1, "fut", {"f4", now, 0}, {"f5", now, 0}, {"f6", now + 1, 0});
    CHECK_EQ(unread_of("fut"), 3);
    char *l = conv_list();
    const char *conv = jfind(l, "conv_id", "fut");
    CHECK(jstreq(jget(jget(conv, "conv_last_msg"), "message_msg_id"), "f6"));
    free(l);

    /* A report-read with a message stamped an hour ahead (not stored) reads
       what is stored, not what arrives later. */
    PUSH("eve", 1, "eve", {"e1", now - 10, 0});
    char *ahead = fmt("{\"message_server_time\":%llu}", (unsigned long long)(now + 3600));
    c = call_new();
    RUN(c, TIMMsgReportReaded("eve", kTIMConv_C2C, ahead, call_cb, c));
    call_free(c);
    free(ahead);
    CHECK_EQ(unread_of("eve"), 0);
    PUSH("eve", 1, "eve", {"e2", now, 0});
    CHECK_EQ(unread_of("eve"), 1);

    /* A group sequence far ahead: sequences are the server's order, so
       after reading it a lower sequence is an older message (read), a
       higher one counts. */
    push_ok("[{\"kind\":\"group_members\",\"group_id\":\"far\",\"group_type\":1,\"members\":[\"me\",\"gus\"]}]");
    PUSH("far", 2, "gus", {"g1", now, 1}, {"g2", now, 1099511627776ULL});
    CHECK_EQ(unread_of("far"), 2);
    c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount("group_far", 0, 0, call_cb, c));
    call_free(c);
    PUSH("far", 2, "gus", {"g3", now, 2}, {"g4", now, 1099511627777ULL});
    CHECK_EQ(unread_of("far"), 1);
}

/* Defect 3: a read position of the wrong kind is refused, not "everything". */
static void test_wrong_kind_positions(uint64_t now) {
    PUSH("rp", 1, "rp", {"r1", now - 20, 0}, {"r2", now - 10, 0});
    push_ok("[{\"kind\":\"group_members\",\"group_id\":\"gk\",\"group_type\":1,\"members\":[\"me\",\"gil\"]}]");
    PUSH("gk", 2, "gil", {"k1", now - 20, 5}, {"k2", now - 10, 6});
    refused("[{\"kind\":\"read_position\",\"conv_id\":\"rp\",\"conv_type\":1,\"sequence\":1}]", TIM_ERR_PARAM,
            "sequence", "none");
    refused("[{\"kind\":\"read_position\",\"conv_id\":\"gk\",\"conv_type\":2,\"timestamp\":1}]", TIM_ERR_PARAM,
            "timestamp", "none");
    refused("[{\"kind\":\"read_position\",\"conv_id\":\"rp\",\"conv_type\":1}]", TIM_ERR_PARAM, "timestamp",
            "none");
    refused("[{\"kind\":\"conversation\",\"update_time\":9,\"conversation\":{\"conv_id\":\"gk\",\"conv_type\":2,"
            "\"conv_c2c_read_timestamp\":1}}]",
            TIM_ERR_PARAM, "conv_c2c_read_timestamp", "none");
    refused("[{\"kind\":\"conversation\",\"update_time\":9,\"conversation\":{\"conv_id\":\"rp\",\"conv_type\":1,"
            "\"conv_group_read_sequence\":1}}]",
            TIM_ERR_PARAM, "conv_group_read_sequence", "none");
    CHECK_EQ(unread_of("rp"), 2);
    CHECK_EQ(unread_of("gk"), 2);
    /* The right kinds move them. */
    push_ok("[{\"kind\":\"read_position\",\"conv_id\":\"gk\",\"conv_type\":2,\"sequence\":5}]");
    CHECK_EQ(unread_of("gk"), 1);
}

/* Defect 4: receipts apply to my messages in the conversation they name,
   from its peer or its members only. */
static void test_receipt_scope(uint64_t now) {
    char id[128] = {0};
    Call *c = call_new();
    RUN(c, TIMMsgSendMessage("carol", kTIMConv_C2C,
                             "{\"message_elem_array\":[],\"message_need_read_receipt\":true}", id, call_cb, c));
    call_free(c);
    char *r = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"mallory\",\"msg_receipt_conv_type\":1,"
                  "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_time_stamp\":%llu}}]",
                  id, (unsigned long long)now);
    push_ok(r);
    free(r);
    char *m = find_message(id);
    CHECK(m && jbool(jget(m, "message_is_peer_read")) == 0);
    free(m);
    /* The same receipt from carol's conversation applies. */
    r = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"carol\",\"msg_receipt_conv_type\":1,"
            "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_time_stamp\":%llu}}]",
            id, (unsigned long long)now);
    push_ok(r);
    free(r);
    m = find_message(id);
    CHECK(m && jbool(jget(m, "message_is_peer_read")) == 1);
    free(m);
    /* A receipt for a conversation never seen leaves no trace. */
    push_ok("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"ghost\",\"msg_receipt_conv_type\":1,"
            "\"msg_receipt_msg_id\":\"zz\"}}]");
    char *l = conv_list();
    CHECK(jfind(l, "conv_id", "ghost") == NULL);
    free(l);

    /* Groups: my message in t2; a receipt naming t1 from erin (a member of
       t2, not of t1) and one in t2 from a stranger count nowhere; erin's
       receipt naming t2 counts. */
    push_ok("[{\"kind\":\"group_members\",\"group_id\":\"t1\",\"group_type\":1,\"members\":[\"me\",\"dave\"]},"
            "{\"kind\":\"group_members\",\"group_id\":\"t2\",\"group_type\":1,\"members\":[\"me\",\"erin\",\"fay\"]}]");
    char gid[128] = {0};
    c = call_new();
    RUN(c, TIMMsgSendMessage("t2", kTIMConv_Group,
                             "{\"message_elem_array\":[],\"message_need_read_receipt\":true}", gid, call_cb, c));
    call_free(c);
    r = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"t1\",\"msg_receipt_conv_type\":2,"
            "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_user_id\":\"erin\"}},"
            "{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"t2\",\"msg_receipt_conv_type\":2,"
            "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_user_id\":\"stranger\"}}]",
            gid, gid);
    push_ok(r);
    free(r);
    char *q = fmt("[{\"message_msg_id\":\"%s\"}]", gid);
    c = call_new();
    RUN(c, TIMMsgGetMessageReadReceipts(q, call_cb, c));
    CHECK_EQ(jint(jget(jat(c->json, 0), "msg_receipt_read_count")), 0);
    CHECK_EQ(jint(jget(jat(c->json, 0), "msg_receipt_unread_count")), 2);
    call_free(c);
    r = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"t2\",\"msg_receipt_conv_type\":2,"
            "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_user_id\":\"erin\"}}]",
            gid);
    push_ok(r);
    free(r);
    c = call_new();
    RUN(c, TIMMsgGetMessageReadReceipts(q, call_cb, c));
    CHECK_EQ(jint(jget(jat(c->json, 0), "msg_receipt_read_count")), 1);
    call_free(c);
    free(q);
}

/* Defect 8: no sequence after the greatest one; nothing wraps around. */
static void test_sequence_end(uint64_t now) {
    push_ok("[{\"kind\":\"group_members\",\"group_id\":\"big\",\"group_type\":1,\"members\":[\"me\",\"bo\"]}]");
    PUSH("big", 2, "bo", {"s1", now, 9223372036854775807ULL});
    char id[128] = {0};
    Call *c = call_new();
    RUN_CODE(c, TIMMsgSendMessage("big", kTIMConv_Group, "{\"message_elem_array\":[]}", id, call_cb, c), 7016);
    call_free(c);
    char *l = conv_list();
    const char *conv = jfind(l, "conv_id", "big");
    CHECK(jstreq(jget(jget(conv, "conv_last_msg"), "message_msg_id"), "s1"));
    free(l);
    /* A sequence past the range is refused as input. */
    char *g = msg_env("s2", "big", 2, "bo", now, 9223372036854775808ULL, NULL);
    char *arr = fmt("[%s]", g);
    refused(arr, TIM_ERR_PARAM, "message_seq", "s2");
    free(arr), free(g);
}

/* Defect 10: after a sync of old history the list is ordered by each
   conversation's newest message, not by when it arrived here. */
static void test_order_after_sync(uint64_t now) {
    char *a = msg_env("o1", "oa", 1, "oa", now - 7300, 0, NULL);
    char *b = msg_env("o2", "ob", 1, "ob", now - 7100, 0, NULL);
    char *c = msg_env("o3", "oc", 1, "oc", now - 7200, 0, NULL);
    char *arr = fmt("[%s,%s,%s]", a, b, c);
    push_ok(arr);
    free(arr), free(a), free(b), free(c);
    char *l = conv_list();
    int ia = -1, ib = -1, ic = -1;
    for (int i = 0; i < jlen(l); i++) {
        const char *id = jget(jat(l, i), "conv_id");
        if (jstreq(id, "oa")) ia = i;
        if (jstreq(id, "ob")) ib = i;
        if (jstreq(id, "oc")) ic = i;
    }
    CHECK(ib >= 0 && ib < ic && ic < ia);
    /* Older than everything else listed: below "pat" (a message of now). */
    int ipat = -1;
    for (int i = 0; i < jlen(l); i++)
        if (jstreq(jget(jat(l, i), "conv_id"), "pat")) ipat = i;
    CHECK(ipat >= 0 && ipat < ib);
    free(l);
}

/* Also expected: a message size limit, and a private store file. */
static void test_limits_and_files(const char *dir, uint64_t now) {
    size_t n = 40 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    char *env = fmt("[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"huge\",\"message_conv_id\":\"pat\","
                    "\"message_conv_type\":1,\"message_sender\":\"pat\",\"message_server_time\":%llu,"
                    "\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"%s\"}]}}]",
                    (unsigned long long)now, big);
    refused(env, TIM_ERR_PARAM, "[0] message: message \"huge\"", "huge");
    free(env);
    char id[128] = {0};
    char *body = fmt("{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"%s\"}]}", big);
    Call *c = call_new();
    RUN_CODE(c, TIMMsgSendMessage("pat", kTIMConv_C2C, body, id, call_cb, c), 7016);
    call_free(c);
    free(body), free(big);

    char *path = fmt("%s/imcore_1400000000_6d65.db", dir); /* "me" */
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0600);
    free(path);
}

int main(void) {
    char *dir = make_temp_dir();
    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok("me");
    uint64_t now = (uint64_t)time(NULL);
    test_push_all_or_nothing(now);
    test_future_stamps(now);
    test_wrong_kind_positions(now);
    test_receipt_scope(now);
    test_sequence_end(now);
    test_order_after_sync(now);
    test_limits_and_files(dir, now);
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    rm_rf(dir);
    free(dir);
    return h_finish();
}
