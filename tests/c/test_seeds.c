/*
 * The vendor-doc flows through the C ABI: seed 000 (total unread, its
 * change callback, mark all read), seed 002 (filters and subscriptions,
 * cleaning one C2C / one group / up to a time or sequence / all C2C / all
 * groups / everything, messages excluded from unread), seed 003 (read
 * receipts: C2C per message and per conversation, group counts against the
 * roster, read-member lists, the receiver sending receipts).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
static int totals[64];
static int n_totals;
static char *filter_events[64];
static int filter_totals[64];
static int n_filter;
static char *receipts[16];
static int n_receipts;
static char *updates[64];
static int n_updates;
static char *outbound[64];
static int n_outbound;

static void on_total(int32_t n, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&lk);
    if (n_totals < 64) totals[n_totals++] = n;
    pthread_mutex_unlock(&lk);
}
static void on_filter(const char *f, int32_t n, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&lk);
    if (n_filter < 64) {
        filter_events[n_filter] = strdup(f);
        filter_totals[n_filter++] = n;
    }
    pthread_mutex_unlock(&lk);
}
static void on_receipt(const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&lk);
    if (n_receipts < 16) receipts[n_receipts++] = strdup(json);
    pthread_mutex_unlock(&lk);
}
static void on_conv(int32_t ev, const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&lk);
    if (ev == kTIMConvEvent_Update && n_updates < 64) updates[n_updates++] = strdup(json);
    pthread_mutex_unlock(&lk);
}
/* The fake server: records every envelope and accepts state changes
   (everything but messages, which the tests ack with stamps) at once, from
   inside the callback, as a host's transport may. The call that made the
   change completes on that ack. */
static void on_outbound(const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&lk);
    if (n_outbound < 64) outbound[n_outbound++] = strdup(json);
    pthread_mutex_unlock(&lk);
    if (!strstr(json, "\"kind\":\"message\"")) {
        char *ack = fmt("{\"envelope_id\":%lld,\"code\":0}", jint(jget(json, "envelope_id")));
        CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
        free(ack);
    }
}

static void reset(void) {
    sleep_ms(slow() ? 300 : 30);
    pthread_mutex_lock(&lk);
    for (int i = 0; i < n_filter; i++) free(filter_events[i]);
    for (int i = 0; i < n_receipts; i++) free(receipts[i]);
    for (int i = 0; i < n_updates; i++) free(updates[i]);
    for (int i = 0; i < n_outbound; i++) free(outbound[i]);
    n_totals = n_filter = n_receipts = n_updates = n_outbound = 0;
    pthread_mutex_unlock(&lk);
}

static void settle(void) { sleep_ms(slow() ? 300 : 30); }

static void push_msgs(const char *conv, int type, const char *sender, int from, int to,
                      uint64_t time0, const char *extra) {
    char *arr = strdup("[");
    for (int i = from; i < to; i++) {
        char id[64];
        snprintf(id, sizeof id, "%s-%s-%d", conv, sender, i);
        char *e = msg_env(id, conv, type, sender, time0 + (uint64_t)i, type == 2 ? (uint64_t)i + 1 : 0, extra);
        char *n = fmt("%s%s%s", arr, i > from ? "," : "", e);
        free(arr);
        free(e);
        arr = n;
    }
    char *n = fmt("%s]", arr);
    free(arr);
    push_ok(n);
    free(n);
}

static long long unread_of(const char *id) {
    char *l = conv_list();
    long long n = conv_int(l, id, "conv_unread_num");
    free(l);
    return n;
}

static void clean(const char *id, uint64_t ts, uint64_t seq) {
    Call *c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount(id, ts, seq, call_cb, c));
    call_free(c);
}

/* Seed 000: total, its change callback (after the first Get), mark all read. */
static void seed000(void) {
    login_ok("alice");
    TIMSetConvTotalUnreadMessageCountChangedCallback(on_total, NULL);
    TIMSetConvEventCallback(on_conv, NULL);
    push_msgs("bob", 1, "bob", 0, 2, 1700000100, NULL);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_totals, 0); /* not before the first TIMConvGetTotalUnreadMessageCount */
    pthread_mutex_unlock(&lk);
    CHECK_EQ(total_unread(), 2);
    push_msgs("carol", 1, "carol", 0, 1, 1700000100, NULL);
    push_msgs("team", 2, "dave", 0, 1, 1700000100, NULL);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_totals, 2);
    CHECK_EQ(totals[n_totals - 1], 4);
    pthread_mutex_unlock(&lk);
    reset();
    Call *c = call_new();
    RUN(c, TIMMsgMarkAllMessageAsRead(call_cb, c));
    call_free(c);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_totals, 1);
    CHECK_EQ(totals[0], 0);
    CHECK_EQ(n_updates, 1);
    CHECK_EQ(jlen(updates[0]), 3);
    for (int i = 0; i < 3; i++) CHECK_EQ(jint(jget(jat(updates[0], i), "conv_unread_num")), 0);
    pthread_mutex_unlock(&lk);
    CHECK_EQ(total_unread(), 0);
    reset();
}

/* Seed 002: filters, subscriptions, every way of cleaning, excluded messages. */
static void seed002(void) {
    TIMSetConvUnreadMessageCountChangedByFilterCallback(on_filter, NULL);
    push_msgs("bob", 1, "bob", 10, 15, 1700000200, NULL);  /* bob: 5 */
    push_msgs("carol", 1, "carol", 10, 13, 1700000200, NULL); /* carol: 3 */
    push_msgs("team", 2, "dave", 10, 16, 1700000200, NULL); /* team: seq 11..16 */
    CHECK_EQ(total_unread(), 14);
    Call *c = call_new();
    RUN(c, TIMConvCreateConversationGroup("friends", "[\"c2c_bob\"]", call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, TIMConvMarkConversation("[\"group_team\"]", 1, 1, call_cb, c));
    call_free(c);
    const char *groups_only = "{\"conversation_list_filter_conv_type\":2}";
    const char *friends = "{ \"conversation_list_filter_conversation_group\" : \"friends\" }";
    const char *starred = "{\"conversation_list_filter_mark_type\":1,\"conversation_list_filter_conv_type\":0}";
    c = call_new();
    RUN(c, TIMConvGetUnreadMessageCountByFilter(starred, call_cb, c));
    CHECK_CONTAINS(c->json, "_unread_count\":6");
    call_free(c);
    c = call_new();
    RUN(c, TIMConvGetUnreadMessageCountByFilter("{\"conversation_list_filter_conversation_group\":\"\"}", call_cb, c));
    CHECK_CONTAINS(c->json, "_unread_count\":9"); /* in no group: carol + team */
    call_free(c);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter(groups_only), TIM_SUCC);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter(friends), TIM_SUCC);
    reset();
    push_msgs("team", 2, "dave", 16, 17, 1700000200, NULL);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_filter, 1);
    CHECK(n_filter > 0 && strcmp(filter_events[0], groups_only) == 0); /* as subscribed */
    CHECK_EQ(filter_totals[0], 7);
    pthread_mutex_unlock(&lk);
    reset();
    push_msgs("bob", 1, "bob", 15, 16, 1700000200, NULL);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_filter, 1);
    CHECK(n_filter > 0 && strcmp(filter_events[0], friends) == 0); /* spaces kept */
    CHECK_EQ(filter_totals[0], 6);
    pthread_mutex_unlock(&lk);

    /* Clean one C2C up to a time: later ones stay. bob-bob-12 is at +12. */
    clean("c2c_bob", 1700000212, 0);
    CHECK_EQ(unread_of("bob"), 3);
    clean("c2c_bob", 1700000205, 0); /* backwards: nothing */
    CHECK_EQ(unread_of("bob"), 3);
    /* Clean a group up to a sequence. team has seq 11..17. */
    clean("group_team", 0, 14);
    CHECK_EQ(unread_of("team"), 3);
    /* All C2C, then all groups, then everything. */
    clean("c2c", 0, 0);
    CHECK_EQ(unread_of("bob"), 0);
    CHECK_EQ(unread_of("carol"), 0);
    CHECK_EQ(unread_of("team"), 3);
    push_msgs("carol", 1, "carol", 20, 22, 1700000300, NULL);
    clean("group", 0, 0);
    CHECK_EQ(unread_of("team"), 0);
    CHECK_EQ(total_unread(), 2);
    clean("", 0, 0);
    CHECK_EQ(total_unread(), 0);
    /* Excluded from unread; my own messages from another device. */
    push_msgs("bob", 1, "bob", 30, 32, 1700000400, "\"message_is_excluded_from_unread_count\":true");
    push_msgs("bob", 1, "alice", 32, 33, 1700000400, "\"message_is_from_self\":true");
    CHECK_EQ(unread_of("bob"), 0);
    char id[128];
    c = call_new();
    RUN(c, TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[],\"message_is_excluded_from_unread_count\":false}", id, call_cb, c));
    call_free(c);
    CHECK_EQ(unread_of("bob"), 0);
    /* Muted conversations leave the total, keep their own count. */
    push_msgs("carol", 1, "carol", 40, 42, 1700000500, NULL);
    c = call_new();
    RUN(c, TIMMsgSetC2CReceiveMessageOpt("[\"carol\"]", 2, call_cb, c));
    call_free(c);
    CHECK_EQ(unread_of("carol"), 2);
    CHECK_EQ(total_unread(), 0);
    c = call_new();
    RUN(c, TIMMsgSetC2CReceiveMessageOpt("[\"carol\"]", 0, call_cb, c));
    call_free(c);
    CHECK_EQ(total_unread(), 2);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter(groups_only), TIM_SUCC);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter(friends), TIM_SUCC);
    reset();
    push_msgs("team", 2, "dave", 17, 18, 1700000200, NULL);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_filter, 0); /* unsubscribed */
    pthread_mutex_unlock(&lk);
    reset();
}

/* Seed 003: read receipts. */
static void seed003(void) {
    TIMSetMsgReadedReceiptCallback(on_receipt, NULL);
    char c2c_id[128], grp_id[128];
    /* Sender side (alice): a C2C message asking for a receipt. */
    Call *c = call_new();
    RUN(c, TIMMsgSendMessage("bob", 1,
                             "{\"message_conv_id\":\"bob\",\"message_conv_type\":1,"
                             "\"message_cloud_custom_str\":\"unity local custom data\","
                             "\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"read me\"}],"
                             "\"message_need_read_receipt\":true}",
                             c2c_id, call_cb, c));
    CHECK_EQ(jbool(jget(c->json, "message_need_read_receipt")), 1);
    CHECK_EQ(jbool(jget(c->json, "message_receipt_peer_read")), 0);
    call_free(c);
    char *rc = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"bob\",\"msg_receipt_conv_type\":1,"
                   "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_time_stamp\":1700001000,\"msg_receipt_user_id\":\"bob\"}}]",
                   c2c_id);
    push_ok(rc);
    free(rc);
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_receipts, 1);
    if (n_receipts) {
        const char *r = jat(receipts[0], 0);
        CHECK(jstreq(jget(r, "msg_receipt_msg_id"), c2c_id));
        CHECK(jstreq(jget(r, "msg_receipt_conv_id"), "bob"));
        CHECK_EQ(jbool(jget(r, "msg_receipt_is_peer_read")), 1);
    }
    pthread_mutex_unlock(&lk);
    char *q = fmt("[{\"message_msg_id\":\"%s\"}]", c2c_id);
    c = call_new();
    RUN(c, TIMMsgGetMessageReadReceipts(q, call_cb, c));
    CHECK_EQ(jbool(jget(jat(c->json, 0), "msg_receipt_is_peer_read")), 1);
    call_free(c);
    free(q);
    q = fmt("[\"%s\"]", c2c_id);
    c = call_new();
    RUN(c, TIMMsgFindMessages(q, call_cb, c));
    CHECK_EQ(jbool(jget(jat(c->json, 0), "message_receipt_peer_read")), 1);
    CHECK_EQ(jbool(jget(jat(c->json, 0), "message_is_peer_read")), 1);
    call_free(c);
    free(q);
    /* C2C conversation-level read (empty msg id). */
    reset();
    push_ok("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"bob\",\"msg_receipt_conv_type\":1,"
            "\"msg_receipt_msg_id\":\"\",\"msg_receipt_time_stamp\":4000000000}}]");
    settle();
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_receipts, 1);
    if (n_receipts) CHECK_EQ(jint(jget(jat(receipts[0], 0), "msg_receipt_time_stamp")), 4000000000LL);
    pthread_mutex_unlock(&lk);

    /* Group: a work group with a roster of 4 (3 besides me). */
    push_ok("[{\"kind\":\"group_members\",\"group_id\":\"work\",\"group_type\":1,\"op\":\"set\","
            "\"members\":[\"alice\",\"bob\",\"carol\",\"dave\"]}]");
    c = call_new();
    RUN(c, TIMMsgSendMessage("work", 2, "{\"message_elem_array\":[],\"message_need_read_receipt\":true}", grp_id, call_cb, c));
    call_free(c);
    reset();
    rc = fmt("[{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"work\",\"msg_receipt_conv_type\":2,"
             "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_user_id\":\"bob\"}},"
             "{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"work\",\"msg_receipt_conv_type\":2,"
             "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_user_id\":\"carol\"}},"
             "{\"kind\":\"receipt\",\"receipt\":{\"msg_receipt_conv_id\":\"work\",\"msg_receipt_conv_type\":2,"
             "\"msg_receipt_msg_id\":\"%s\",\"msg_receipt_user_id\":\"carol\"}}]",
             grp_id, grp_id, grp_id);
    push_ok(rc);
    free(rc);
    settle();
    q = fmt("[{\"message_msg_id\":\"%s\"}]", grp_id);
    c = call_new();
    RUN(c, TIMMsgGetMessageReadReceipts(q, call_cb, c));
    CHECK_EQ(jint(jget(jat(c->json, 0), "msg_receipt_read_count")), 2);
    CHECK_EQ(jint(jget(jat(c->json, 0), "msg_receipt_unread_count")), 1);
    call_free(c);
    free(q);
    pthread_mutex_lock(&lk);
    CHECK(n_receipts >= 1);
    if (n_receipts) {
        const char *last = receipts[n_receipts - 1];
        CHECK_EQ(jint(jget(jat(last, jlen(last) - 1), "msg_receipt_read_count")), 2);
    }
    pthread_mutex_unlock(&lk);
    q = fmt("{\"message_msg_id\":\"%s\"}", grp_id);
    c = call_new();
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList(q, TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ, 0, 1, members_cb, c), TIM_SUCC);
    CHECK(call_wait(c));
    CHECK_EQ(jlen(c->json), 1);
    CHECK(jstreq(jget(jat(c->json, 0), "group_member_info_identifier"), "bob"));
    CHECK_EQ(c->finished, 0);
    uint64_t next = c->next_seq;
    call_free(c);
    c = call_new();
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList(q, 0, next, 1, members_cb, c), TIM_SUCC);
    CHECK(call_wait(c));
    CHECK(jstreq(jget(jat(c->json, 0), "group_member_info_identifier"), "carol"));
    CHECK_EQ(c->finished, 1);
    call_free(c);
    c = call_new();
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList(q, TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_UNREAD, 0, 100, members_cb, c), TIM_SUCC);
    CHECK(call_wait(c));
    CHECK_EQ(jlen(c->json), 1);
    CHECK(jstreq(jget(jat(c->json, 0), "group_member_info_identifier"), "dave"));
    CHECK(jstreq(jget(jat(c->json, 0), "group_member_info_group_id"), "work"));
    call_free(c);
    free(q);

    /* Receiver side (bob): a message from alice that asks for a receipt. */
    c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    login_ok("bob");
    IMCoreSetOutboundCallback(on_outbound, NULL);
    push_msgs("alice", 1, "alice", 0, 2, 1700002000, "\"message_need_read_receipt\":true");
    c = call_new();
    RUN(c, TIMMsgGetMsgList("alice", 1, NULL, call_cb, c));
    CHECK_EQ(jlen(c->json), 2);
    CHECK_EQ(jbool(jget(jat(c->json, 0), "message_need_read_receipt")), 1);
    CHECK_EQ(jbool(jget(jat(c->json, 0), "message_has_sent_receipt")), 0);
    call_free(c);
    CHECK_EQ(unread_of("alice"), 2);
    reset();
    c = call_new();
    RUN(c, TIMMsgSendMessageReadReceipts("[{\"message_msg_id\":\"alice-alice-0\"},{\"message_msg_id\":\"alice-alice-1\"}]", call_cb, c));
    call_free(c);
    CHECK_EQ(unread_of("alice"), 2); /* receipts do not change unread */
    pthread_mutex_lock(&lk);
    CHECK_EQ(n_outbound, 1);
    if (n_outbound) {
        CHECK_CONTAINS(outbound[0], "\"kind\":\"receipt\"");
        CHECK_EQ(jlen(jget(outbound[0], "msg_id_array")), 2);
    }
    pthread_mutex_unlock(&lk);
    c = call_new();
    RUN(c, TIMMsgFindMessages("[\"alice-alice-0\"]", call_cb, c));
    CHECK_EQ(jbool(jget(jat(c->json, 0), "message_has_sent_receipt")), 1);
    call_free(c);
    /* Cleaning announces the read position. */
    clean("c2c_alice", 0, 0);
    pthread_mutex_lock(&lk);
    CHECK(n_outbound >= 2);
    if (n_outbound >= 2) CHECK_CONTAINS(outbound[n_outbound - 1], "\"kind\":\"read_position\"");
    pthread_mutex_unlock(&lk);
    IMCoreSetOutboundCallback(NULL, NULL);
    reset();
}

int main(void) {
    char *dir = make_temp_dir();
    CHECK_EQ(init_in(dir), TIM_SUCC);
    seed000();
    seed002();
    seed003();
    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, NULL);
    TIMSetConvUnreadMessageCountChangedByFilterCallback(NULL, NULL);
    TIMSetMsgReadedReceiptCallback(NULL, NULL);
    TIMSetConvEventCallback(NULL, NULL);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    reset();
    rm_rf(dir);
    free(dir);
    return h_finish();
}
