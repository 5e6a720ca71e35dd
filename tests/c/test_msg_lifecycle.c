/*
 * The message lifecycle through the C ABI (core engine/lifecycle.rs):
 * TIMMsgDelete / TIMMsgListDelete / TIMMsgClearHistoryMessage lower the
 * counts; TIMMsgRevoke and the server's revokes (the revoke listener with
 * MessageLocator JSON, status 6, a revoked unread message stops counting,
 * a refusal restores it); TIMMsgModifyMessage and the update listener; the
 * global receive option and its listener; TIMMsgDoBackground /
 * TIMMsgDoForeground; private read receipts; and disorder: a revoke before
 * its message, repeats, a push with one bad lifecycle envelope refused whole.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char last_err[1024];
static const char *err(void) {
    IMCoreGetLastError(last_err, sizeof last_err);
    return last_err;
}

static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
static int revoke_calls, update_calls, opt_calls, outbound_calls;
static char *last_revoke, *last_update, *last_opt, *last_outbound;

static void keep(int *n, char **slot, const char *json) {
    pthread_mutex_lock(&lk);
    (*n)++;
    free(*slot);
    *slot = strdup(json);
    pthread_mutex_unlock(&lk);
}
static void on_revoke(const char *json, const void *ud) {
    (void)ud;
    keep(&revoke_calls, &last_revoke, json);
}
static void on_update(const char *json, const void *ud) {
    (void)ud;
    keep(&update_calls, &last_update, json);
}
static void on_opt(const char *json, const void *ud) {
    (void)ud;
    keep(&opt_calls, &last_opt, json);
}
static void on_outbound(const char *json, const void *ud) {
    (void)ud;
    keep(&outbound_calls, &last_outbound, json);
}

static long long unread_of(const char *peer) {
    char *l = conv_list();
    long long n = conv_int(l, peer, "conv_unread_num");
    free(l);
    return n;
}

/* The message JSON of one id (NULL when not found); free it. */
static char *find_message(const char *id) {
    Call *c = call_new();
    char *arr = fmt("[\"%s\"]", id);
    RUN(c, TIMMsgFindMessages(arr, call_cb, c));
    free(arr);
    char *m = NULL;
    if (c->json && jlen(c->json) == 1) m = strdup(jat(c->json, 0));
    call_free(c);
    return m;
}

/* The unsigned number `v` (a JSON value) as text: the harness reads
 * integers as long long, and a unique id takes all 64 bits. */
static unsigned long long ju64(const char *v) {
    return v ? strtoull(v, NULL, 10) : 0;
}

static void push_c2c(const char *id, const char *peer, uint64_t t) {
    char *e = msg_env(id, peer, 1, peer, t, 0, NULL);
    char *arr = fmt("[%s]", e);
    push_ok(arr);
    free(e), free(arr);
}

static void test_refusals_before_anything(void) {
    /* Not logged in. */
    CHECK_EQ(TIMMsgClearHistoryMessage("bob", 1, call_cb, NULL), TIM_ERR_NOTLOGIN);
    CHECK_EQ(TIMMsgGetAllReceiveMessageOpt(call_cb, NULL), TIM_ERR_NOTLOGIN);
    CHECK_EQ(TIMMsgDoBackground(3, call_cb, NULL), TIM_ERR_NOTLOGIN);
    CHECK_EQ(IMCoreMsgSetPrivateReadReceipts(1, call_cb, NULL), TIM_ERR_NOTLOGIN);
}

static void test_bad_arguments(void) {
    CHECK_EQ(TIMMsgDelete(NULL, 1, "{}", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgDelete("bob", 7, "{}", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgDelete("bob", 1, "{", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMMsgDelete("bob", 1, "{\"msg_delete_param_msg\":{}}", call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "message_msg_id");
    CHECK_EQ(TIMMsgListDelete("bob", 1, "{}", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMMsgListDelete("bob", 1, "[{\"message_msg_id\":\"a\"},{}]", call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "json_msg_array[1]");
    CHECK_EQ(TIMMsgRevoke("bob", 1, NULL, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgModifyMessage("{\"message_msg_id\":\"a\"}", call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "message_conv_id");
    CHECK_EQ(TIMMsgSetAllReceiveMessageOpt(5, 0, 0, 0, 0, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgSetAllReceiveMessageOpt(2, 24, 0, 0, 0, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "start_hour");
    CHECK_EQ(TIMMsgSetAllReceiveMessageOpt(2, 1, -1, 0, 0, call_cb, NULL), TIM_ERR_PARAM);
}

static void test_delete_and_clear(uint64_t now) {
    push_c2c("d1", "dora", now - 30);
    push_c2c("d2", "dora", now - 20);
    push_c2c("d3", "dora", now - 10);
    long long total = total_unread();
    CHECK_EQ(unread_of("dora"), 3);
    Call *c = call_new();
    RUN(c, TIMMsgDelete("dora", 1, "{\"msg_delete_param_msg\":{\"message_msg_id\":\"d3\"}}", call_cb, c));
    call_free(c);
    CHECK_EQ(unread_of("dora"), 2);
    CHECK_EQ(total_unread(), total - 1);
    char *l = conv_list();
    const char *dora = jfind(l, "conv_id", "dora");
    CHECK(jstreq(jget(jget(dora, "conv_last_msg"), "message_msg_id"), "d2"));
    free(l);
    char *m = find_message("d3");
    CHECK(m == NULL);
    free(m);
    /* All or nothing: one unknown id, nothing deleted, 6010 naming it. */
    c = call_new();
    RUN_CODE(c, TIMMsgListDelete("dora", 1, "[{\"message_msg_id\":\"d1\"},{\"message_msg_id\":\"zz\"}]",
                                 call_cb, c), 6010);
    CHECK_CONTAINS(c->desc, "[1]");
    call_free(c);
    CHECK_EQ(unread_of("dora"), 2);
    /* Delivered again, a deleted id is a repeat. */
    char *e = msg_env("d3", "dora", 1, "dora", now - 10, 0, NULL);
    char *arr = fmt("[%s]", e);
    c = call_new();
    RUN(c, IMCoreInboundPush(arr, call_cb, c));
    CHECK_EQ(jint(jget(c->json, "messages_duplicate")), 1);
    call_free(c);
    free(e), free(arr);
    CHECK_EQ(unread_of("dora"), 2);
    c = call_new();
    RUN(c, TIMMsgClearHistoryMessage("dora", 1, call_cb, c));
    call_free(c);
    CHECK_EQ(unread_of("dora"), 0);
    CHECK_EQ(total_unread(), total - 3);
    c = call_new();
    RUN(c, TIMMsgGetMsgList("dora", 1, "{\"msg_getmsglist_param_count\":20}", call_cb, c));
    CHECK_EQ(jlen(c->json), 0);
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMMsgClearHistoryMessage("nobody", 1, call_cb, c), 6004);
    call_free(c);
}

static void test_revoke_and_disorder(uint64_t now) {
    TIMSetMsgRevokeCallback(on_revoke, "rv");
    /* A revoke before its message: kept, applied when it arrives. */
    push_ok("[{\"kind\":\"revoke\",\"conv_id\":\"rita\",\"conv_type\":1,\"msg_id\":\"r1\","
            "\"revoker\":\"rita\",\"reason\":\"typo\"}]");
    push_c2c("r1", "rita", now - 5);
    push_c2c("r2", "rita", now - 4);
    CHECK_EQ(unread_of("rita"), 1);
    char *m = find_message("r1");
    CHECK(m && jint(jget(m, "message_status")) == 6);
    CHECK(m && jstreq(jget(m, "message_revoker_user_id"), "rita"));
    CHECK(m && jstreq(jget(m, "message_revoke_reason"), "typo"));
    free(m);
    pthread_mutex_lock(&lk);
    CHECK_EQ(revoke_calls, 0); /* nothing was shown revoked */
    pthread_mutex_unlock(&lk);
    /* The server's revoke of a stored unread message: the listener, once. */
    /* The Message the host holds carries the unique id and rand its
     * revoke's locator names. */
    m = find_message("r2");
    unsigned long long r2_uid = m ? ju64(jget(m, "message_unique_id")) : 0;
    unsigned long long r2_rand = m ? ju64(jget(m, "message_rand")) : 0;
    CHECK(r2_uid != 0);
    CHECK(r2_rand != 0);
    free(m);
    const char *rv = "[{\"kind\":\"revoke\",\"conv_id\":\"rita\",\"conv_type\":1,\"msg_id\":\"r2\","
                     "\"revoker\":\"rita\",\"reason\":\"\",\"time\":1700000000}]";
    push_ok(rv);
    push_ok(rv);
    CHECK_EQ(unread_of("rita"), 0);
    pthread_mutex_lock(&lk);
    CHECK_EQ(revoke_calls, 1);
    CHECK_EQ(jlen(last_revoke), 1);
    const char *loc = jat(last_revoke, 0);
    CHECK(jstreq(jget(loc, "message_locator_conv_id"), "rita"));
    CHECK_EQ(jint(jget(loc, "message_locator_conv_type")), 1);
    CHECK_EQ(jbool(jget(loc, "message_locator_is_revoked")), 1);
    CHECK_EQ(jbool(jget(loc, "message_locator_is_self")), 0);
    CHECK_EQ(jint(jget(loc, "message_locator_time")), (long long)(now - 4));
    CHECK(jstreq(jget(loc, "message_revoker_user_id"), "rita"));
    CHECK(jstreq(jget(loc, "message_locator_msg_id"), "r2"));
    CHECK(ju64(jget(loc, "message_locator_unique_id")) == r2_uid);
    CHECK(ju64(jget(loc, "message_locator_rand")) == r2_rand);
    pthread_mutex_unlock(&lk);
    /* Revoked, the same numbers in history (and status 6 in every route). */
    m = find_message("r2");
    CHECK(m && ju64(jget(m, "message_unique_id")) == r2_uid);
    CHECK(m && jint(jget(m, "message_status")) == 6);
    free(m);
    {
        Call *h = call_new();
        RUN(h, TIMMsgGetMsgList("rita", 1, "{\"msg_getmsglist_param_count\":10}", call_cb, h));
        const char *hm = jfind(h->json, "message_msg_id", "r2");
        CHECK(hm && jint(jget(hm, "message_status")) == 6);
        CHECK(hm && ju64(jget(hm, "message_unique_id")) == r2_uid);
        CHECK(hm && ju64(jget(hm, "message_rand")) == r2_rand);
        call_free(h);
    }
    /* The locator back in: by unique id alone, by id; another
     * conversation's, or an unknown one, finds nothing. */
    {
        Call *f = call_new();
        char *by_uid = fmt("[{\"message_locator_unique_id\":%llu},{\"message_locator_unique_id\":1,"
                           "\"message_locator_msg_id\":\"r1\"},{\"message_locator_unique_id\":12345}]",
                           r2_uid);
        RUN(f, TIMMsgFindByMsgLocatorList("rita", 1, by_uid, call_cb, f));
        free(by_uid);
        CHECK_EQ(jlen(f->json), 2);
        CHECK(jstreq(jget(jat(f->json, 0), "message_msg_id"), "r2"));
        CHECK_EQ(jint(jget(jat(f->json, 0), "message_status")), 6);
        CHECK(jstreq(jget(jat(f->json, 0), "message_revoker_user_id"), "rita"));
        CHECK(jstreq(jget(jat(f->json, 1), "message_msg_id"), "r1"));
        call_free(f);
        f = call_new();
        pthread_mutex_lock(&lk);
        char *as_given = strdup(last_revoke); /* the listener's own array */
        pthread_mutex_unlock(&lk);
        RUN(f, TIMMsgFindByMsgLocatorList("rita", 1, as_given, call_cb, f));
        CHECK_EQ(jlen(f->json), 1);
        CHECK(jstreq(jget(jat(f->json, 0), "message_msg_id"), "r2"));
        call_free(f);
        f = call_new();
        RUN(f, TIMMsgFindByMsgLocatorList("dora", 1, as_given, call_cb, f));
        CHECK_EQ(jlen(f->json), 0);
        call_free(f);
        free(as_given);
        CHECK_EQ(TIMMsgFindByMsgLocatorList("rita", 1, "[{\"message_locator_unique_id\":0}]", call_cb, NULL),
                 TIM_ERR_PARAM);
        CHECK_CONTAINS(err(), "json_msg_locator_array[0]");
        CHECK_EQ(TIMMsgFindByMsgLocatorList("rita", 1, "[]", call_cb, NULL), TIM_ERR_PARAM);
        CHECK_EQ(TIMMsgFindByMsgLocatorList("rita", 1, "{}", call_cb, NULL), TIM_ERR_JSON);
        CHECK_EQ(TIMMsgFindByMsgLocatorList("rita", 9, "[{\"message_locator_msg_id\":\"r2\"}]", call_cb, NULL),
                 TIM_ERR_PARAM);
    }
    /* One bad lifecycle envelope refuses the whole push. */
    char *e = msg_env("r3", "rita", 1, "rita", now - 3, 0, NULL);
    char *bad = fmt("[%s,{\"kind\":\"clear_history\",\"conv_id\":\"rita\",\"conv_type\":1,\"sequence\":4}]", e);
    CHECK_EQ(IMCoreInboundPush(bad, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "[1] clear_history");
    free(e), free(bad);
    m = find_message("r3");
    CHECK(m == NULL);
    free(m);
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"revoke\",\"conv_id\":\"rita\",\"conv_type\":1,\"msg_id\":\"x\"}]",
                               call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "revoker");
    /* The server's delete and clear from another device. */
    push_c2c("r4", "rita", now - 2);
    push_c2c("r5", "rita", now - 1);
    CHECK_EQ(unread_of("rita"), 2);
    push_ok("[{\"kind\":\"message_delete\",\"conv_id\":\"rita\",\"conv_type\":1,\"msg_id_array\":[\"r4\",\"nope\"]}]");
    CHECK_EQ(unread_of("rita"), 1);
    char *clear = fmt("[{\"kind\":\"clear_history\",\"conv_id\":\"rita\",\"conv_type\":1,\"timestamp\":%llu}]",
                      (unsigned long long)now);
    push_ok(clear);
    free(clear);
    CHECK_EQ(unread_of("rita"), 0);
    /* "nope" arrives later: deleted before it came, not stored. */
    push_c2c("nope", "rita", now + 1);
    m = find_message("nope");
    CHECK(m == NULL);
    free(m);
    CHECK_EQ(unread_of("rita"), 0);
}

static void test_modify_and_options(void) {
    TIMSetMsgUpdateCallback(on_update, NULL);
    TIMSetMsgAllMessageReceiveOptionCallback(on_opt, NULL);
    char id[128];
    Call *c = call_new();
    RUN(c, TIMMsgSendMessage("mo", 1, "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"v1\"}]}",
                             id, call_cb, c));
    /* A message id of TIM's shape <sender>-<time>-<random>: its rand is the
     * random part, in the send's result and in history alike. */
    const char *dash = strrchr(id, '-');
    CHECK(dash != NULL);
    unsigned long long want_rand = dash ? strtoull(dash + 1, NULL, 10) : 1;
    CHECK(ju64(jget(c->json, "message_rand")) == want_rand);
    unsigned long long sent_uid = ju64(jget(c->json, "message_unique_id"));
    CHECK(sent_uid != 0);
    call_free(c);
    char *sent = find_message(id);
    CHECK(sent && ju64(jget(sent, "message_rand")) == want_rand);
    CHECK(sent && ju64(jget(sent, "message_unique_id")) == sent_uid);
    free(sent);
    char *edit = fmt("{\"message_msg_id\":\"%s\",\"message_conv_id\":\"mo\",\"message_conv_type\":1,"
                     "\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"v2\"}]}", id);
    c = call_new();
    RUN(c, TIMMsgModifyMessage(edit, call_cb, c));
    CHECK_CONTAINS(c->json, "\"v2\"");
    call_free(c);
    free(edit);
    pthread_mutex_lock(&lk);
    CHECK_EQ(update_calls, 1);
    CHECK_CONTAINS(last_update, "\"v2\"");
    pthread_mutex_unlock(&lk);
    c = call_new();
    RUN(c, TIMMsgSetAllReceiveMessageOpt(2, 22, 30, 0, 3600, call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgGetAllReceiveMessageOpt(call_cb, c));
    CHECK_EQ(jint(jget(c->json, "msg_all_recv_msg_opt_level")), 2);
    CHECK_EQ(jint(jget(c->json, "msg_all_recv_msg_opt_start_hour")), 22);
    CHECK_EQ(jint(jget(c->json, "msg_all_recv_msg_opt_start_minute")), 30);
    CHECK_EQ(jint(jget(c->json, "msg_all_recv_msg_duration")), 3600);
    call_free(c);
    pthread_mutex_lock(&lk);
    CHECK_EQ(opt_calls, 1);
    CHECK_EQ(jint(jget(last_opt, "msg_all_recv_msg_opt_level")), 2);
    pthread_mutex_unlock(&lk);
    /* Another device's option, at a version. */
    push_ok("[{\"kind\":\"all_receive_opt\",\"msg_all_recv_msg_opt_level\":1,\"update_time\":9}]");
    pthread_mutex_lock(&lk);
    CHECK_EQ(opt_calls, 2);
    CHECK_EQ(jint(jget(last_opt, "msg_all_recv_msg_opt_level")), 1);
    pthread_mutex_unlock(&lk);
    /* The app state for the push badge. */
    c = call_new();
    RUN(c, TIMMsgDoBackground(7, call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, IMCoreMsgGetAppState(call_cb, c));
    CHECK(jstreq(jget(c->json, "state"), "background"));
    CHECK_EQ(jint(jget(c->json, "unread_count")), 7);
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgDoForeground(call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, IMCoreMsgGetAppState(call_cb, c));
    CHECK(jstreq(jget(c->json, "state"), "foreground"));
    call_free(c);
}

/* Waits until the outbound callback has run `n` times in all. */
static void wait_outbound(int n) {
    for (int i = 0; i < (slow() ? 3000 : 500); i++) {
        pthread_mutex_lock(&lk);
        int k = outbound_calls;
        pthread_mutex_unlock(&lk);
        if (k >= n) return;
        sleep_ms(2);
    }
}

/* The last outbound envelope's id and a copy of it. */
static long long last_env(char **copy) {
    pthread_mutex_lock(&lk);
    long long id = jint(jget(last_outbound, "envelope_id"));
    if (copy) *copy = strdup(last_outbound);
    pthread_mutex_unlock(&lk);
    return id;
}

static void test_with_transport(uint64_t now) {
    IMCoreSetOutboundCallback(on_outbound, NULL);
    push_c2c("t1", "tom", now - 2);
    char *e = msg_env("t2", "tom", 1, "tom", now - 1, 0, "\"message_need_read_receipt\":true");
    char *arr = fmt("[%s]", e);
    push_ok(arr);
    free(e), free(arr);
    CHECK_EQ(unread_of("tom"), 2);
    /* My revoke (as if an admin) goes out; the callback waits for the ack. */
    int before = outbound_calls;
    Call *c = call_new();
    CHECK_EQ(TIMMsgRevoke("tom", 1, "{\"message_msg_id\":\"t2\",\"message_revoke_reason\":\"spam\"}",
                          call_cb, c), TIM_SUCC);
    wait_outbound(before + 1);
    char *env;
    long long id = last_env(&env);
    CHECK(jstreq(jget(env, "kind"), "revoke"));
    CHECK(jstreq(jget(env, "msg_id"), "t2"));
    CHECK(jstreq(jget(env, "reason"), "spam"));
    free(env);
    CHECK_EQ(c->calls, 0);
    CHECK_EQ(unread_of("tom"), 1);
    /* Refused: the callback gets the code, the message counts again. */
    char *ack = fmt("{\"envelope_id\":%lld,\"code\":10031,\"desc\":\"too late\"}", id);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 10031);
    call_free(c);
    CHECK_EQ(unread_of("tom"), 2);
    char *m = find_message("t2");
    CHECK(m && jint(jget(m, "message_status")) == 2);
    free(m);
    /* A delete with the server's copy: a message_delete envelope. */
    before = outbound_calls;
    c = call_new();
    CHECK_EQ(TIMMsgDelete("tom", 1, "{\"msg_delete_param_msg\":{\"message_msg_id\":\"t1\"},"
                                    "\"msg_delete_param_is_ramble\":true}", call_cb, c), TIM_SUCC);
    wait_outbound(before + 1);
    id = last_env(&env);
    CHECK(jstreq(jget(env, "kind"), "message_delete"));
    CHECK(jstreq(jat(jget(env, "msg_id_array"), 0), "t1"));
    free(env);
    ack = fmt("{\"envelope_id\":%lld,\"code\":0}", id);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 0);
    call_free(c);
    CHECK_EQ(unread_of("tom"), 1);
    /* An edit goes to the server; the callback waits for the ack and then
     * reports the message as edited, as the typed face returns it. */
    int updates = update_calls;
    before = outbound_calls;
    c = call_new();
    CHECK_EQ(TIMMsgModifyMessage("{\"message_msg_id\":\"t2\",\"message_conv_id\":\"tom\",\"message_conv_type\":1,"
                                 "\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"edited\"}]}",
                                 call_cb, c), TIM_SUCC);
    wait_outbound(before + 1);
    id = last_env(&env);
    CHECK(jstreq(jget(env, "kind"), "modify_message"));
    free(env);
    CHECK_EQ(c->calls, 0);
    m = find_message("t2");
    CHECK(m && strstr(m, "\"edited\"") == NULL); /* not stored before the ack */
    free(m);
    ack = fmt("{\"envelope_id\":%lld,\"code\":0}", id);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 0);
    CHECK(c->json && jstreq(jget(c->json, "message_msg_id"), "t2"));
    CHECK_CONTAINS(c->json, "\"edited\"");
    call_free(c);
    m = find_message("t2");
    CHECK(m && strstr(m, "\"edited\"") != NULL);
    free(m);
    for (int i = 0; i < (slow() ? 3000 : 500); i++) {
        pthread_mutex_lock(&lk);
        int k = update_calls;
        pthread_mutex_unlock(&lk);
        if (k > updates) break;
        sleep_ms(2);
    }
    pthread_mutex_lock(&lk);
    CHECK_EQ(update_calls, updates + 1);
    CHECK_CONTAINS(last_update, "\"edited\"");
    pthread_mutex_unlock(&lk);
    /* Private read receipts: the position still goes out, marked private. */
    c = call_new();
    RUN(c, IMCoreMsgSetPrivateReadReceipts(1, call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, IMCoreMsgGetPrivateReadReceipts(call_cb, c));
    CHECK_EQ(jbool(jget(c->json, "private_read_receipts")), 1);
    call_free(c);
    before = outbound_calls;
    c = call_new();
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("c2c_tom", 0, 0, call_cb, c), TIM_SUCC);
    wait_outbound(before + 1);
    id = last_env(&env);
    CHECK(jstreq(jget(env, "kind"), "read_position"));
    CHECK_EQ(jbool(jget(env, "private")), 1);
    free(env);
    ack = fmt("{\"envelope_id\":%lld,\"code\":0}", id);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    call_free(c);
    CHECK_EQ(unread_of("tom"), 0);
    c = call_new();
    RUN(c, TIMMsgSendMessageReadReceipts("[{\"message_msg_id\":\"t2\"}]", call_cb, c));
    call_free(c);
    pthread_mutex_lock(&lk);
    CHECK_EQ(outbound_calls, before + 1); /* no receipt went out */
    pthread_mutex_unlock(&lk);
    IMCoreSetOutboundCallback(NULL, NULL);
}

static int receipt_calls;
static char *last_receipt;
static void on_receipt(const char *json, const void *ud) {
    (void)ud;
    keep(&receipt_calls, &last_receipt, json);
}

/* A C2C message receipt carries the time the peer read it (TIM 8.1); 0 in
 * the envelope means its arrival time. */
static void test_c2c_receipt_read_time(void) {
    TIMSetMsgReadedReceiptCallback(on_receipt, NULL);
    char id[128];
    Call *c = call_new();
    RUN(c, TIMMsgSendMessage("rex", 1, "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"r\"}],"
                                       "\"message_need_read_receipt\":true}", id, call_cb, c));
    call_free(c);
    char *rc = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"rex\",\"msg_receipt_conv_type\":1,"
                   "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_time_stamp\":1700001234,\"msg_receipt_user_id\":\"rex\"}}]",
                   id);
    push_ok(rc);
    free(rc);
    for (int i = 0; i < (slow() ? 3000 : 500); i++) {
        pthread_mutex_lock(&lk);
        int k = receipt_calls;
        pthread_mutex_unlock(&lk);
        if (k > 0) break;
        sleep_ms(2);
    }
    pthread_mutex_lock(&lk);
    CHECK_EQ(receipt_calls, 1);
    const char *r = last_receipt ? jat(last_receipt, 0) : NULL;
    CHECK(r && jstreq(jget(r, "msg_receipt_msg_id"), id));
    CHECK_EQ(r ? jint(jget(r, "msg_receipt_time_stamp")) : 0, 1700001234);
    pthread_mutex_unlock(&lk);
    TIMSetMsgReadedReceiptCallback(NULL, NULL);
}

/* TIMInit's "imcore_revoked_messages_count": a revoked unread message
 * keeps counting (NetEase's option); the default (above) lowers the count. */
static void test_revoked_messages_can_keep_counting(uint64_t now) {
    char *dir = make_temp_dir();
    CHECK_EQ(TIMInit(1400000000ULL, "{\"imcore_revoked_messages_count\":\"yes\"}"), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "imcore_revoked_messages_count");
    char *cfg = fmt("{\"sdk_config_config_file_path\":\"%s\",\"imcore_revoked_messages_count\":true}", dir);
    CHECK_EQ(TIMInit(1400000000ULL, cfg), TIM_SUCC);
    free(cfg);
    login_ok("me");
    push_c2c("k1", "kim", now - 2);
    push_c2c("k2", "kim", now - 1);
    push_ok("[{\"kind\":\"revoke\",\"conv_id\":\"kim\",\"conv_type\":1,\"msg_id\":\"k2\",\"revoker\":\"kim\"}]");
    char *m = find_message("k2");
    CHECK(m && jint(jget(m, "message_status")) == 6);
    free(m);
    CHECK_EQ(unread_of("kim"), 2);
    /* Deletes still lower it. */
    push_ok("[{\"kind\":\"message_delete\",\"conv_id\":\"kim\",\"conv_type\":1,\"msg_id_array\":[\"k2\"]}]");
    CHECK_EQ(unread_of("kim"), 1);
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    rm_rf(dir);
    free(dir);
}

int main(void) {
    char *dir = make_temp_dir();
    CHECK_EQ(init_in(dir), TIM_SUCC);
    test_refusals_before_anything();
    login_ok("me");
    uint64_t now = 1700000000;
    test_bad_arguments();
    test_delete_and_clear(now);
    test_revoke_and_disorder(now);
    test_modify_and_options();
    test_with_transport(now);
    test_c2c_receipt_read_time();
    TIMSetMsgRevokeCallback(NULL, NULL);
    TIMSetMsgUpdateCallback(NULL, NULL);
    TIMSetMsgAllMessageReceiveOptionCallback(NULL, NULL);
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    test_revoked_messages_can_keep_counting(now);
    free(last_revoke), free(last_update), free(last_opt), free(last_outbound), free(last_receipt);
    rm_rf(dir);
    free(dir);
    return h_finish();
}
