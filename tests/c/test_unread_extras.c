/*
 * imcore's unread extensions through the C ABI (issue 15): unread mention
 * counts (ConvInfo key, total, by filter), mark unread from a message and
 * its read_version on the outbound envelope, count preferences (badge,
 * totals, filter, envelope), the unread explanation, and the total before
 * the first sync. Rules: docs/ENGINE.md, "Mentions, count preferences,
 * moving back"; keys: docs/C-ABI.md, "Unread extensions".
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char last_err[1024];
static const char *err(void) {
    IMCoreGetLastError(last_err, sizeof last_err);
    return last_err;
}

/* The last outbound envelope (the callback keeps a copy). */
static pthread_mutex_t out_m = PTHREAD_MUTEX_INITIALIZER;
static char *last_out;
static int outs;
static void on_out(const char *json, const void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&out_m);
    free(last_out);
    last_out = strdup(json);
    outs++;
    pthread_mutex_unlock(&out_m);
    /* The server accepts everything (a transport may ack from here). */
    char *ack = fmt("{\"envelope_id\":%lld,\"code\":0}", jint(jget(json, "envelope_id")));
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
}

/* Total listener: the last value and how many times it fired. */
static pthread_mutex_t tot_m = PTHREAD_MUTEX_INITIALIZER;
static int totals;
static long long last_total = -1;
static void on_total(int32_t total, const void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&tot_m);
    totals++;
    last_total = total;
    pthread_mutex_unlock(&tot_m);
}

/* Mention listeners: the total and the by-filter one (last values, calls). */
static pthread_mutex_t men_m = PTHREAD_MUTEX_INITIALIZER;
static long long last_mentions = -1, last_filter_mentions = -1;
static int mention_calls, filter_mention_calls;
static char last_filter_text[256];
static void on_mentions(int32_t total, const void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&men_m);
    mention_calls++;
    last_mentions = total;
    pthread_mutex_unlock(&men_m);
}
static void on_filter_mentions(const char *filter, int32_t total, const void *user_data) {
    (void)user_data;
    pthread_mutex_lock(&men_m);
    filter_mention_calls++;
    last_filter_mentions = total;
    snprintf(last_filter_text, sizeof last_filter_text, "%s", filter);
    pthread_mutex_unlock(&men_m);
}

static long long mentions_total(void) {
    Call *c = call_new();
    RUN(c, IMCoreConvGetTotalUnreadMentionCount(call_cb, c));
    long long n = jint(jget(c->json, "conv_unread_mention_count"));
    call_free(c);
    return n;
}

static long long conv_key_int(const char *peer, const char *key) {
    char *l = conv_list();
    long long n = conv_int(l, peer, key);
    free(l);
    return n;
}

/* Team: 1 plain, 2 @me, 3 @all, 4 mine. */
static void push_team(uint64_t now) {
    char *m1 = msg_env("t1", "team", 2, "bob", now, 1, NULL);
    char *m2 = msg_env("t2", "team", 2, "bob", now, 2,
                       "\"message_group_at_user_array\":[\"me\"]");
    char *m3 = msg_env("t3", "team", 2, "carol", now, 3,
                       "\"message_group_at_user_array\":[\"__kImSDK_MessageAtALL__\"]");
    char *m4 = msg_env("t4", "team", 2, "me", now, 4, "\"message_is_from_self\":true");
    char *all = fmt("[%s,%s,%s,%s]", m1, m2, m3, m4);
    push_ok(all);
    free(m1), free(m2), free(m3), free(m4), free(all);
}

static void test_mentions(void) {
    CHECK_EQ(conv_key_int("team", "conv_unread_num"), 3);
    CHECK_EQ(conv_key_int("team", "conv_unread_mention_num"), 2);
    CHECK_EQ(conv_key_int("team", "conv_badge_num"), 3);
    CHECK_EQ(mentions_total(), 2);
    Call *c = call_new();
    RUN(c, IMCoreConvGetUnreadMentionCountByFilter(
               "{\"conversation_list_filter_has_unread_mention\":true}", call_cb, c));
    CHECK_EQ(jint(jget(c->json, "conv_unread_mention_count")), 2);
    call_free(c);
    c = call_new();
    RUN(c, TIMConvGetUnreadMessageCountByFilter(
               "{\"conversation_list_filter_has_unread_mention\":false}", call_cb, c));
    CHECK_EQ(jint(jget(c->json, "conv_get_total_unread_message_count_result_unread_count")), 1);
    call_free(c);
    /* A bad filter value is refused before anything runs. */
    CHECK_EQ(IMCoreConvGetUnreadMentionCountByFilter(
                 "{\"conversation_list_filter_count_pref\":7}", call_cb, NULL),
             TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "conversation_list_filter_count_pref");
}

static void test_mark_unread(void) {
    Call *c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount("group_team", 0, 0, call_cb, c));
    call_free(c);
    CHECK_EQ(conv_key_int("team", "conv_unread_num"), 0);
    c = call_new();
    RUN(c, IMCoreConvMarkUnreadFrom("team", 2, "t2", call_cb, c));
    CHECK_EQ(jint(jget(c->json, "conv_unread_num")), 2);
    call_free(c);
    CHECK_EQ(conv_key_int("team", "conv_group_read_sequence"), 1);
    CHECK(conv_key_int("team", "conv_read_version") > 0);
    /* Announced with its version. */
    pthread_mutex_lock(&out_m);
    CHECK(last_out != NULL);
    if (last_out) {
        CHECK_CONTAINS(last_out, "\"kind\":\"read_position\"");
        CHECK_CONTAINS(last_out, "\"read_version\":");
        CHECK_CONTAINS(last_out, "\"sequence\":1");
    }
    pthread_mutex_unlock(&out_m);
    /* Errors: unknown message (6010), another conversation's (6017), NULL. */
    c = call_new();
    RUN_CODE(c, IMCoreConvMarkUnreadFrom("team", 2, "nope", call_cb, c), 6010);
    call_free(c);
    c = call_new();
    RUN_CODE(c, IMCoreConvMarkUnreadFrom("bob", 1, "t2", call_cb, c), 6017);
    call_free(c);
    CHECK_EQ(IMCoreConvMarkUnreadFrom("team", 2, NULL, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "msg_id");
    CHECK_EQ(IMCoreConvMarkUnreadFrom("team", 9, "t2", call_cb, NULL), TIM_ERR_PARAM);
    /* Another device's higher version moves the position back; a lower one
       does nothing. */
    char *back = fmt("[{\"kind\":\"read_position\",\"conv_id\":\"team\",\"conv_type\":2,"
                     "\"sequence\":0,\"read_version\":%lld}]",
                     conv_key_int("team", "conv_read_version") + 1);
    push_ok(back);
    free(back);
    CHECK_EQ(conv_key_int("team", "conv_unread_num"), 3);
    push_ok("[{\"kind\":\"read_position\",\"conv_id\":\"team\",\"conv_type\":2,"
            "\"sequence\":3,\"read_version\":1}]");
    CHECK_EQ(conv_key_int("team", "conv_unread_num"), 3);
}

static void test_count_pref(void) {
    long long before = total_unread();
    Call *c = call_new();
    RUN(c, IMCoreConvSetCountPref("team", 2, 1, call_cb, c));
    call_free(c);
    CHECK_EQ(conv_key_int("team", "conv_count_pref"), 1);
    CHECK_EQ(conv_key_int("team", "conv_badge_num"), 2);
    CHECK_EQ(total_unread(), before - 1);
    pthread_mutex_lock(&out_m);
    if (last_out) {
        CHECK_CONTAINS(last_out, "\"kind\":\"count_pref\"");
        CHECK_CONTAINS(last_out, "\"pref\":1");
    }
    pthread_mutex_unlock(&out_m);
    c = call_new();
    RUN(c, TIMConvGetUnreadMessageCountByFilter("{\"conversation_list_filter_count_pref\":1}",
                                                call_cb, c));
    CHECK_EQ(jint(jget(c->json, "conv_get_total_unread_message_count_result_unread_count")), 2);
    call_free(c);
    CHECK_EQ(IMCoreConvSetCountPref("team", 2, 3, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "pref is 3");
    c = call_new();
    RUN(c, IMCoreConvSetCountPref("team", 2, 2, call_cb, c));
    call_free(c);
    CHECK_EQ(mentions_total(), 0);
    c = call_new();
    RUN(c, IMCoreConvSetCountPref("team", 2, 0, call_cb, c));
    call_free(c);
}

static void test_explain(void) {
    Call *c = call_new();
    RUN(c, IMCoreConvExplainUnread("team", 2, call_cb, c));
    const char *x = c->json;
    CHECK_EQ(jint(jget(x, "conv_unread_num")), 3);
    CHECK_EQ(jlen(jget(x, "explain_counted")), 3);
    const char *mine = jfind(jget(x, "explain_not_counted"), "message_msg_id", "t4");
    CHECK(mine != NULL);
    if (mine) CHECK(jstreq(jget(mine, "explain_reason"), "from_me"));
    const char *last = jget(x, "explain_last_move");
    CHECK(last != NULL);
    if (last) {
        CHECK(jstreq(jget(last, "read_move_source"), "other_device"));
        CHECK_EQ(jbool(jget(last, "read_move_backward")), 1);
    }
    CHECK(jlen(jget(x, "explain_history")) >= 3);
    CHECK(jstreq(jget(x, "explain_total_reason"), "counted"));
    CHECK_EQ(jint(jget(x, "explain_total_contribution")), 3);
    call_free(c);
    c = call_new();
    RUN_CODE(c, IMCoreConvExplainUnread("nobody", 1, call_cb, c), 6004);
    call_free(c);
    CHECK_EQ(IMCoreConvExplainUnread(NULL, 1, call_cb, NULL), TIM_ERR_PARAM);
}

/* The mention listeners fire on changes of the mention totals only. */
static void test_mention_listeners(uint64_t now) {
    const char *f = "{\"conversation_list_filter_has_unread_mention\":true}";
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter(f), TIM_SUCC);
    pthread_mutex_lock(&men_m);
    int calls = mention_calls, fcalls = filter_mention_calls;
    long long before = last_mentions;
    pthread_mutex_unlock(&men_m);
    CHECK_EQ(before, mentions_total());
    /* A plain message changes no mention total. */
    char *plain = msg_env("t6", "team", 2, "bob", now, 6, NULL);
    char *arr = fmt("[%s]", plain);
    push_ok(arr);
    free(plain), free(arr);
    pthread_mutex_lock(&men_m);
    CHECK_EQ(mention_calls, calls);
    pthread_mutex_unlock(&men_m);
    char *m = msg_env("t5", "team", 2, "bob", now, 5, "\"message_group_at_user_array\":[\"me\"]");
    arr = fmt("[%s]", m);
    push_ok(arr);
    free(m), free(arr);
    pthread_mutex_lock(&men_m);
    CHECK_EQ(mention_calls, calls + 1);
    CHECK_EQ(last_mentions, before + 1);
    CHECK_EQ(filter_mention_calls, fcalls + 1);
    CHECK_EQ(last_filter_mentions, before + 1);
    CHECK(strcmp(last_filter_text, f) == 0);
    pthread_mutex_unlock(&men_m);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter(f), TIM_SUCC);
}

/* With an outbound callback the total is provisional until the first sync
   finishes; the finish fires the total listener once more. */
static void test_synced_total(void) {
    Call *c = call_new();
    RUN(c, IMCoreConvGetTotalUnreadSynced(call_cb, c));
    CHECK_EQ(jbool(jget(c->json, "conv_total_unread_synced")), 0);
    call_free(c);
    pthread_mutex_lock(&tot_m);
    int fired = totals;
    pthread_mutex_unlock(&tot_m);
    push_ok("[{\"kind\":\"sync\",\"phase\":\"start\"},{\"kind\":\"sync\",\"phase\":\"finish\"}]");
    c = call_new();
    RUN(c, IMCoreConvGetTotalUnreadSynced(call_cb, c));
    CHECK_EQ(jbool(jget(c->json, "conv_total_unread_synced")), 1);
    long long total =
        jint(jget(c->json, "conv_get_total_unread_message_count_result_unread_count"));
    call_free(c);
    pthread_mutex_lock(&tot_m);
    CHECK_EQ(totals, fired + 1);
    CHECK_EQ(last_total, total);
    pthread_mutex_unlock(&tot_m);
}

/* "imcore_count_marked_unread_as_one": a conversation marked unread (mark
   bit 2) with no unread message counts 1 in its badge and the total; its
   real count replaces the 1; without the key the mark is a dot only. A
   wrong-typed key is refused by TIMInit. */
static void test_marked_as_one(const char *dir, uint64_t now) {
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    char *bad = fmt("{\"sdk_config_config_file_path\":\"%s\","
                    "\"imcore_count_marked_unread_as_one\":1}", dir);
    CHECK_EQ(TIMInit(1400000000ULL, bad), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "imcore_count_marked_unread_as_one");
    free(bad);
    char *cfg = fmt("{\"sdk_config_config_file_path\":\"%s\","
                    "\"imcore_count_marked_unread_as_one\":true}", dir);
    CHECK_EQ(TIMInit(1400000000ULL, cfg), TIM_SUCC);
    free(cfg);
    login_ok("marker");
    char *m = msg_env("d1", "dave", 1, "dave", now, 0, NULL);
    char *arr = fmt("[%s]", m);
    push_ok(arr);
    free(m), free(arr);
    c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount("c2c_dave", 0, 0, call_cb, c));
    call_free(c);
    CHECK_EQ(total_unread(), 0);
    c = call_new();
    RUN(c, TIMConvMarkConversation("[\"c2c_dave\"]", 2, 1, call_cb, c));
    call_free(c);
    CHECK_EQ(conv_key_int("dave", "conv_unread_num"), 0);
    CHECK_EQ(conv_key_int("dave", "conv_badge_num"), 1);
    CHECK_EQ(total_unread(), 1);
    /* Two real unread messages: the badge is 2, not 3. */
    char *m2 = msg_env("d2", "dave", 1, "dave", now + 1, 0, NULL);
    char *m3 = msg_env("d3", "dave", 1, "dave", now + 2, 0, NULL);
    arr = fmt("[%s,%s]", m2, m3);
    push_ok(arr);
    free(m2), free(m3), free(arr);
    CHECK_EQ(conv_key_int("dave", "conv_badge_num"), 2);
    CHECK_EQ(total_unread(), 2);
    /* Mark cleared and read: nothing. */
    c = call_new();
    RUN(c, TIMConvMarkConversation("[\"c2c_dave\"]", 2, 0, call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount("c2c_dave", 0, 0, call_cb, c));
    call_free(c);
    CHECK_EQ(conv_key_int("dave", "conv_badge_num"), 0);
    CHECK_EQ(total_unread(), 0);
}

int main(void) {
    char *dir = make_temp_dir();
    CHECK_EQ(IMCoreConvGetTotalUnreadMentionCount(call_cb, NULL), TIM_ERR_SDKUNINIT);
    CHECK_EQ(init_in(dir), TIM_SUCC);
    CHECK_EQ(IMCoreConvExplainUnread("bob", 1, call_cb, NULL), TIM_ERR_NOTLOGIN);
    login_ok("me");
    IMCoreSetOutboundCallback(on_out, NULL);
    TIMSetConvTotalUnreadMessageCountChangedCallback(on_total, NULL);
    IMCoreSetConvTotalUnreadMentionCountChangedCallback(on_mentions, NULL);
    IMCoreSetConvUnreadMentionCountChangedByFilterCallback(on_filter_mentions, NULL);
    uint64_t now = (uint64_t)time(NULL);
    push_team(now);
    char *b = msg_env("b1", "bob", 1, "bob", now, 0, NULL);
    char *arr = fmt("[%s]", b);
    push_ok(arr);
    free(b), free(arr);
    CHECK_EQ(total_unread(), 4); /* also starts the total listener */
    test_mentions();
    test_mark_unread();
    test_count_pref();
    test_explain();
    test_mention_listeners(now);
    test_synced_total();
    /* Unregistered: never called again. */
    IMCoreSetConvTotalUnreadMentionCountChangedCallback(NULL, NULL);
    pthread_mutex_lock(&men_m);
    int calls = mention_calls;
    pthread_mutex_unlock(&men_m);
    Call *cl = call_new();
    RUN(cl, TIMConvCleanConversationUnreadMessageCount("", 0, 0, call_cb, cl));
    call_free(cl);
    pthread_mutex_lock(&men_m);
    CHECK_EQ(mention_calls, calls);
    pthread_mutex_unlock(&men_m);
    (void)outs;
    test_marked_as_one(dir, now);
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    free(last_out);
    rm_rf(dir);
    free(dir);
    return h_finish();
}
