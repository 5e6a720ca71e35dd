/*
 * Every export of libimcore with good and bad input: NULL pointers,
 * malformed JSON, wrong JSON types, unknown ids, out-of-range enums, calls
 * before init, before login, after logout, and twice.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANY(f) ((f)(void (*)(void))never_called)

static char last_err[1024];
static const char *err(void) {
    IMCoreGetLastError(last_err, sizeof last_err);
    return last_err;
}

/* Listener recorders. */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static int conv_events[5];
static char *last_conv_json[5];
static int total_calls;
static int last_total = -1;
static int net_calls, net_status = -1, kicked, expired, experimental_calls;
static int new_msg_calls;
static char *new_msgs;

static void on_conv(int32_t ev, const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&ev_lock);
    if (ev >= 0 && ev < 5) {
        conv_events[ev]++;
        free(last_conv_json[ev]);
        last_conv_json[ev] = strdup(json);
    }
    pthread_mutex_unlock(&ev_lock);
}
static void on_total(int32_t n, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&ev_lock);
    total_calls++;
    last_total = n;
    pthread_mutex_unlock(&ev_lock);
}
static void on_net(int32_t status, int32_t code, const char *desc, const void *ud) {
    (void)code;
    (void)desc;
    CHECK(strcmp((const char *)ud, "net-ud") == 0);
    pthread_mutex_lock(&ev_lock);
    net_calls++;
    net_status = status;
    pthread_mutex_unlock(&ev_lock);
}
static void on_kicked(const void *ud) {
    (void)ud;
    __atomic_add_fetch(&kicked, 1, __ATOMIC_SEQ_CST);
}
static void on_expired(const void *ud) {
    (void)ud;
    __atomic_add_fetch(&expired, 1, __ATOMIC_SEQ_CST);
}
static void on_experimental(const char *key, const char *data, const void *ud) {
    (void)key;
    (void)data;
    (void)ud;
    __atomic_add_fetch(&experimental_calls, 1, __ATOMIC_SEQ_CST);
}
static void on_new_msg(const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&ev_lock);
    new_msg_calls++;
    free(new_msgs);
    new_msgs = strdup(json);
    pthread_mutex_unlock(&ev_lock);
}
static void on_new_msg_2(const char *json, const void *ud) {
    (void)json;
    (void)ud;
}
static void on_log(int32_t level, const char *log, const void *ud) {
    (void)level;
    (void)log;
    (void)ud;
}
static void on_receipt(const char *json, const void *ud) {
    (void)json;
    (void)ud;
}
static void on_filter(const char *f, int32_t n, const void *ud) {
    (void)f;
    (void)n;
    (void)ud;
}
static void on_group_2(const char *a, const char *b, const void *ud) {
    (void)a;
    (void)b;
    (void)ud;
}
static void on_group_1(const char *a, const void *ud) {
    (void)a;
    (void)ud;
}

static void wait_idle(void) { sleep_ms(slow() ? 300 : 30); }

/* Every call that needs a logged-in user, expecting `want`. */
static void all_need_login(int want) {
    char buf[128];
    CHECK_EQ(TIMConvGetConvList(call_cb, NULL), want);
    CHECK_EQ(TIMConvGetConvInfo("[]", call_cb, NULL), want);
    CHECK_EQ(TIMConvGetConversationListByFilter(NULL, 0, 10, call_cb, NULL), want);
    CHECK_EQ(TIMConvDelete("bob", 1, call_cb, NULL), want);
    CHECK_EQ(TIMConvDeleteConversationList("[\"c2c_bob\"]", 0, call_cb, NULL), want);
    CHECK_EQ(TIMConvSetDraft("bob", 1, NULL), want);
    CHECK_EQ(TIMConvCancelDraft("bob", 1), want);
    CHECK_EQ(TIMConvSetConversationCustomData("[\"c2c_bob\"]", "x", call_cb, NULL), want);
    CHECK_EQ(TIMConvPinConversation("bob", 1, 1, call_cb, NULL), want);
    CHECK_EQ(TIMConvMarkConversation("[\"c2c_bob\"]", 1, 1, call_cb, NULL), want);
    CHECK_EQ(TIMConvGetTotalUnreadMessageCount(call_cb, NULL), want);
    CHECK_EQ(TIMConvGetUnreadMessageCountByFilter("{}", call_cb, NULL), want);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter("{}"), want);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter("{}"), want);
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("", 0, 0, call_cb, NULL), want);
    CHECK_EQ(TIMConvCreateConversationGroup("g", "[]", call_cb, NULL), want);
    CHECK_EQ(TIMConvGetConversationGroupList(call_cb, NULL), want);
    CHECK_EQ(TIMConvDeleteConversationGroup("g", call_cb, NULL), want);
    CHECK_EQ(TIMConvRenameConversationGroup("g", "h", call_cb, NULL), want);
    CHECK_EQ(TIMConvAddConversationsToGroup("g", "[]", call_cb, NULL), want);
    CHECK_EQ(TIMConvDeleteConversationsFromGroup("g", "[]", call_cb, NULL), want);
    CHECK_EQ(TIMConvCreate("bob", 1, call_cb, NULL), want);
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[]}", buf, call_cb, NULL), want);
    CHECK_EQ(TIMMsgSendNewMsg("bob", 1, "{\"message_elem_array\":[]}", call_cb, NULL), want);
    CHECK_EQ(TIMMsgGetMsgList("bob", 1, NULL, call_cb, NULL), want);
    CHECK_EQ(TIMMsgFindMessages("[]", call_cb, NULL), want);
    CHECK_EQ(TIMMsgReportReaded("bob", 1, NULL, call_cb, NULL), want);
    CHECK_EQ(TIMMsgMarkAllMessageAsRead(call_cb, NULL), want);
    CHECK_EQ(TIMMsgSetC2CReceiveMessageOpt("[\"bob\"]", 0, call_cb, NULL), want);
    CHECK_EQ(TIMMsgGetC2CReceiveMessageOpt("[\"bob\"]", call_cb, NULL), want);
    CHECK_EQ(TIMMsgSetGroupReceiveMessageOpt("g", 0, call_cb, NULL), want);
    CHECK_EQ(TIMMsgSendMessageReadReceipts("[]", call_cb, NULL), want);
    CHECK_EQ(TIMMsgGetMessageReadReceipts("[]", call_cb, NULL), want);
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList("{\"message_msg_id\":\"x\"}", 0, 0, 10, members_cb, NULL), want);
    CHECK_EQ(IMCoreInboundPush("[]", call_cb, NULL), want);
    CHECK_EQ(IMCoreOutboundAck("{\"envelope_id\":1}"), want);
}

static void test_before_init(void) {
    char buf[128];
    const char *v = TIMGetSDKVersion();
    CHECK(v != NULL);
    CHECK_CONTAINS(v, "imcore-");
    CHECK(TIMGetServerTime() > 1600000000ULL);
    CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    CHECK_EQ(TIMGetLoginUserID(buf), TIM_ERR_SDKUNINIT);
    CHECK_EQ(TIMGetLoginUserID(NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMUninit(), TIM_ERR_SDKUNINIT);
    CHECK_EQ(TIMLogin("alice", "sig", call_cb, NULL), TIM_ERR_SDKUNINIT);
    CHECK_EQ(TIMLogout(call_cb, NULL), TIM_ERR_SDKUNINIT);
    all_need_login(TIM_ERR_SDKUNINIT);
    CHECK_EQ(IMCoreSetNetworkStatus(0), TIM_ERR_SDKUNINIT);
    CHECK_EQ(IMCoreSetNetworkStatusEx(0, 0, NULL), TIM_ERR_SDKUNINIT);
    CHECK_EQ(IMCoreNotifyKickedOffline(), TIM_ERR_SDKUNINIT);
    CHECK_EQ(IMCoreNotifyUserSigExpired(), TIM_ERR_SDKUNINIT);

    /* The Unity layer's pre-init calls: a real callback, then NULL callbacks. */
    Call *c = call_new();
    int r = callExperimentalAPI(
        "{\"request_internal_operation\":\"internal_operation_set_ui_platform\","
        "\"request_set_ui_platform_param\":5}",
        call_cb, c);
    CHECK_EQ(r, TIM_SUCC);
    CHECK_EQ(c->calls, 1); /* before init it runs before returning */
    CHECK_EQ(c->code, 0);
    call_free(c);
    CHECK_EQ(callExperimentalAPI("{\"request_internal_operation\":\"internal_operation_write_log\","
                                 "\"request_write_log_log_level_param\":4,"
                                 "\"request_write_log_log_content_param\":\"usersig=SECRET\","
                                 "\"request_write_log_func_name_param\":\"Init\"}",
                                 NULL, NULL),
             TIM_SUCC);
    c = call_new();
    CHECK_EQ(callExperimentalAPI("{\"request_internal_operation\":\"no_such_op\"}", call_cb, c), TIM_SUCC);
    CHECK_EQ(c->code, 7013);
    call_free(c);
    CHECK_EQ(callExperimentalAPI(NULL, NULL, NULL), TIM_ERR_PARAM);
    CHECK_EQ(callExperimentalAPI("{", NULL, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "json_param");
    CHECK_EQ(callExperimentalAPI("{}", NULL, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "request_internal_operation");
    CHECK_EQ(callExperimentalAPI("{\"request_internal_operation\":5}", NULL, NULL), TIM_ERR_JSON);
    CHECK_EQ(callExperimentalAPI("[]", NULL, NULL), TIM_ERR_JSON);

    CHECK_EQ(TIMSetConfig("{\"set_config_log_level\":4}", NULL, NULL), TIM_SUCC);
    c = call_new();
    CHECK_EQ(TIMSetConfig("{\"set_config_log_level\":4}", call_cb, c), TIM_SUCC);
    CHECK_EQ(c->calls, 1);
    call_free(c);
    CHECK_EQ(TIMSetConfig(NULL, NULL, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMSetConfig("nope", NULL, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMSetConfig("[1]", NULL, NULL), TIM_ERR_JSON);
    CHECK_EQ(IMCoreSetCallbackMode(7), TIM_ERR_PARAM);
    CHECK_EQ(IMCorePollCallbacks(0), 0);
    CHECK_EQ(IMCoreGetLastError(NULL, 10), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreGetLastError(buf, 0), TIM_ERR_PARAM);
    /* A tiny buffer gets a truncated, NUL-terminated text and the full length. */
    CHECK_EQ(IMCoreSetCallbackMode(9), TIM_ERR_PARAM);
    char tiny[4] = {1, 1, 1, 1};
    int full = IMCoreGetLastError(tiny, sizeof tiny);
    CHECK(full > 3);
    CHECK_EQ(tiny[3], 0);
}

static void test_init(const char *dir) {
    CHECK_EQ(TIMInit(1400000000ULL, "{"), TIM_ERR_JSON);
    CHECK_EQ(TIMInit(1400000000ULL, "{\"sdk_config_config_file_path\":5}"), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "sdk_config_config_file_path");
    CHECK_EQ(TIMInit(1400000000ULL, "{\"sdk_config_config_file_path\":\"/proc/imcore/x\"}"), TIM_ERR_PARAM);
    CHECK_EQ(init_in(dir), TIM_SUCC);
    CHECK_EQ(init_in(dir), TIM_SUCC); /* twice: a no-op */
    all_need_login(TIM_ERR_NOTLOGIN);
    CHECK_EQ(TIMLogout(call_cb, NULL), TIM_ERR_NOTLOGIN);
    char buf[128] = "x";
    CHECK_EQ(TIMGetLoginUserID(buf), TIM_ERR_NOTLOGIN);
    CHECK_EQ(buf[0], 0);
}

static void test_listeners(void) {
    /* Every setter, with a function and with NULL. */
    TIMSetConvEventCallback(on_conv, NULL);
    TIMSetConvTotalUnreadMessageCountChangedCallback(on_total, NULL);
    TIMSetConvUnreadMessageCountChangedByFilterCallback(on_filter, NULL);
    TIMSetConvUnreadMessageCountChangedByFilterCallback(NULL, NULL);
    TIMSetConvConversationGroupCreatedCallback(on_group_2, NULL);
    TIMSetConvConversationGroupDeletedCallback(on_group_1, NULL);
    TIMSetConvConversationGroupNameChangedCallback(on_group_2, NULL);
    TIMSetConvConversationsAddedToGroupCallback(on_group_2, NULL);
    TIMSetConvConversationsDeletedFromGroupCallback(on_group_2, NULL);
    TIMSetConvConversationGroupCreatedCallback(NULL, NULL);
    TIMSetConvConversationGroupDeletedCallback(NULL, NULL);
    TIMSetConvConversationGroupNameChangedCallback(NULL, NULL);
    TIMSetConvConversationsAddedToGroupCallback(NULL, NULL);
    TIMSetConvConversationsDeletedFromGroupCallback(NULL, NULL);
    TIMAddRecvNewMsgCallback(on_new_msg, "a");
    TIMAddRecvNewMsgCallback(on_new_msg, "b"); /* same function: deduplicated */
    TIMAddRecvNewMsgCallback(on_new_msg_2, NULL);
    TIMRemoveRecvNewMsgCallback(on_new_msg_2);
    TIMRemoveRecvNewMsgCallback(on_new_msg_2); /* twice: no-op */
    TIMAddRecvNewMsgCallback(NULL, NULL);
    TIMRemoveRecvNewMsgCallback(NULL);
    TIMSetMsgReadedReceiptCallback(on_receipt, NULL);
    TIMSetMsgReadedReceiptCallback(NULL, "");
    TIMSetNetworkStatusListenerCallback(on_net, "net-ud");
    TIMSetKickedOfflineCallback(on_kicked, NULL);
    TIMSetUserSigExpiredCallback(on_expired, NULL);
    TIMSetLogCallback(on_log, NULL);
    TIMSetLogCallback(NULL, NULL);
    TIMSetExperimentalNotifyCallback(on_experimental, NULL);
    IMCoreSetOutboundCallback(NULL, NULL);

    /* The listeners imcore never fires: registered, then unregistered as the
     * Unity layer does at shutdown. */
#define NEVER(setter, type) \
    setter(ANY(type), "x");  \
    setter(NULL, "")
    NEVER(TIMSetMsgElemUploadProgressCallback, TIMMsgElemUploadProgressCallback);
    NEVER(TIMSetMsgReactionsChangedCallback, TIMMsgReactionsChangedCallback);
    NEVER(TIMSetMsgExtensionsChangedCallback, TIMMsgExtensionsChangedCallback);
    NEVER(TIMSetMsgExtensionsDeletedCallback, TIMMsgExtensionsDeletedCallback);
    NEVER(TIMSetMsgGroupPinnedMessageChangedCallback, TIMMsgGroupPinnedMessageChangedCallback);
    NEVER(TIMSetGroupTipsEventCallback, TIMGroupTipsEventCallback);
    NEVER(TIMSetGroupAttributeChangedCallback, TIMGroupAttributeChangedCallback);
    NEVER(TIMSetGroupCounterChangedCallback, TIMGroupCounterChangedCallback);
    CHECK_EQ(TIMSetGroupTopicCreatedCallback(ANY(TIMGroupTopicCreatedCallback), NULL), TIM_SUCC);
    CHECK_EQ(TIMSetGroupTopicCreatedCallback(NULL, NULL), TIM_SUCC);
    CHECK_EQ(TIMSetGroupTopicDeletedCallback(ANY(TIMGroupTopicDeletedCallback), NULL), TIM_SUCC);
    CHECK_EQ(TIMSetGroupTopicDeletedCallback(NULL, NULL), TIM_SUCC);
    CHECK_EQ(TIMSetGroupTopicChangedCallback(ANY(TIMGroupTopicChangedCallback), NULL), TIM_SUCC);
    CHECK_EQ(TIMSetGroupTopicChangedCallback(NULL, NULL), TIM_SUCC);
    CHECK_EQ(TIMSetSelfInfoUpdatedCallback(ANY(TIMSelfInfoUpdatedCallback), NULL), TIM_SUCC);
    CHECK_EQ(TIMSetSelfInfoUpdatedCallback(NULL, NULL), TIM_SUCC);
    CHECK_EQ(TIMSetUserStatusChangedCallback(ANY(TIMUserStatusChangedCallback), NULL), TIM_SUCC);
    CHECK_EQ(TIMSetUserStatusChangedCallback(NULL, NULL), TIM_SUCC);
    CHECK_EQ(TIMSetUserInfoChangedCallback(ANY(TIMUserInfoChangedCallback), NULL), TIM_SUCC);
    CHECK_EQ(TIMSetUserInfoChangedCallback(NULL, NULL), TIM_SUCC);
    NEVER(TIMSetOnAddFriendCallback, TIMOnAddFriendCallback);
    NEVER(TIMSetOnDeleteFriendCallback, TIMOnDeleteFriendCallback);
    NEVER(TIMSetUpdateFriendProfileCallback, TIMUpdateFriendProfileCallback);
    NEVER(TIMSetFriendAddRequestCallback, TIMFriendAddRequestCallback);
    NEVER(TIMSetFriendApplicationListDeletedCallback, TIMFriendApplicationListDeletedCallback);
    NEVER(TIMSetFriendApplicationListReadCallback, TIMFriendApplicationListReadCallback);
    NEVER(TIMSetFriendApplicationListAddedCallback, TIMFriendApplicationListAddedCallback);
    NEVER(TIMSetFriendBlackListAddedCallback, TIMFriendBlackListAddedCallback);
    NEVER(TIMSetFriendBlackListDeletedCallback, TIMFriendBlackListDeletedCallback);
    NEVER(TIMSetFriendGroupCreatedCallback, TIMFriendGroupCreatedCallback);
    NEVER(TIMSetFriendGroupDeletedCallback, TIMFriendGroupDeletedCallback);
    NEVER(TIMSetFriendGroupNameChangedCallback, TIMFriendGroupNameChangedCallback);
    NEVER(TIMSetFriendsAddedToGroupCallback, TIMFriendsAddedToGroupCallback);
    NEVER(TIMSetFriendsDeletedFromGroupCallback, TIMFriendsDeletedFromGroupCallback);
    NEVER(TIMSetMyFollowingListChangedCallback, TIMMyFollowingListChangedCallback);
    NEVER(TIMSetMyFollowersListChangedCallback, TIMMyFollowersListChangedCallback);
    NEVER(TIMSetMutualFollowersListChangedCallback, TIMMutualFollowersListChangedCallback);
    NEVER(TIMSetOfficialAccountSubscribedCallback, TIMOfficialAccountSubscribedCallback);
    NEVER(TIMSetOfficialAccountUnsubscribedCallback, TIMOfficialAccountUnsubscribedCallback);
    NEVER(TIMSetOfficialAccountDeletedCallback, TIMOfficialAccountDeletedCallback);
    NEVER(TIMSetOfficialAccountInfoChangedCallback, TIMOfficialAccountInfoChangedCallback);
    NEVER(TIMSetSignalingReceiveNewInvitationCallback, TIMSignalingReceiveNewInvitationCallback);
    NEVER(TIMSetSignalingInviteeAcceptedCallback, TIMSignalingInviteeAcceptedCallback);
    NEVER(TIMSetSignalingInviteeRejectedCallback, TIMSignalingInviteeRejectedCallback);
    NEVER(TIMSetSignalingInvitationCancelledCallback, TIMSignalingInvitationCancelledCallback);
    NEVER(TIMSetSignalingInvitationTimeoutCallback, TIMSignalingInvitationTimeoutCallback);
    NEVER(TIMSetSignalingInvitationModifiedCallback, TIMSignalingInvitationModifiedCallback);
    NEVER(TIMSetCommunityCreateTopicCallback, TIMCommunityCreateTopicCallback);
    NEVER(TIMSetCommunityDeleteTopicCallback, TIMCommunityDeleteTopicCallback);
    NEVER(TIMSetCommunityChangeTopicInfoCallback, TIMCommunityChangeTopicInfoCallback);
    NEVER(TIMSetCommunityReceiveTopicRESTCustomDataCallback, TIMCommunityReceiveTopicRESTCustomDataCallback);
    NEVER(TIMSetCommunityCreatePermissionGroupCallback, TIMCommunityCreatePermissionGroupCallback);
    NEVER(TIMSetCommunityDeletePermissionGroupCallback, TIMCommunityDeletePermissionGroupCallback);
    NEVER(TIMSetCommunityChangePermissionGroupInfoCallback, TIMCommunityChangePermissionGroupInfoCallback);
    NEVER(TIMSetCommunityAddMembersToPermissionGroupCallback, TIMCommunityAddMembersToPermissionGroupCallback);
    NEVER(TIMSetCommunityRemoveMembersFromPermissionGroupCallback, TIMCommunityRemoveMembersFromPermissionGroupCallback);
    NEVER(TIMSetCommunityAddTopicPermissionCallback, TIMCommunityAddTopicPermissionCallback);
    NEVER(TIMSetCommunityDeleteTopicPermissionCallback, TIMCommunityDeleteTopicPermissionCallback);
    NEVER(TIMSetCommunityModifyTopicPermissionCallback, TIMCommunityModifyTopicPermissionCallback);
    /* Left registered on purpose: must never be called during the rest. */
    TIMSetGroupTipsEventCallback(ANY(TIMGroupTipsEventCallback), NULL);
    CHECK(1);
}

static void test_login(void) {
    Call *c;
    CHECK_EQ(TIMLogin(NULL, "sig", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "user_id is NULL");
    CHECK_EQ(TIMLogin("", "sig", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMLogin("\xff\xfe", "sig", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "UTF-8");
    c = call_new();
    RUN(c, TIMLogin("alice", NULL, call_cb, c)); /* a NULL sig is accepted */
    call_free(c);
    CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_Logined);
    char buf[128];
    CHECK_EQ(TIMGetLoginUserID(buf), TIM_SUCC);
    CHECK(strcmp(buf, "alice") == 0);
    login_ok("alice"); /* twice: succeeds */
    c = call_new();
    RUN_CODE(c, TIMLogin("bob", "sig", call_cb, c), 6017); /* another user: log out first */
    CHECK_CONTAINS(c->desc, "TIMLogout");
    call_free(c);
    CHECK_EQ(TIMLogin("alice", "sig", NULL, NULL), TIM_SUCC); /* NULL callback */
}

static void test_conversations(void) {
    Call *c;
    char *e1 = msg_env("m1", "bob", 1, "bob", 1700000001, 0, NULL);
    char *e2 = msg_env("m2", "bob", 1, "bob", 1700000002, 0, NULL);
    char *e3 = msg_env("g1", "team", 2, "dave", 1700000003, 1, "\"message_group_at_user_array\":[\"alice\"]");
    char *e4 = msg_env("m3", "carol", 1, "carol", 1700000004, 0, NULL);
    char *all = fmt("[%s,%s,%s,%s]", e1, e2, e3, e4);
    push_ok(all);
    free(e1), free(e2), free(e3), free(e4), free(all);
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    CHECK_EQ(conv_events[kTIMConvEvent_Add], 1);
    CHECK_EQ(jlen(last_conv_json[kTIMConvEvent_Add]), 3);
    CHECK_EQ(new_msg_calls, 1); /* on_new_msg registered twice, called once */
    CHECK_EQ(jlen(new_msgs), 4);
    pthread_mutex_unlock(&ev_lock);

    /* TIMConvGetConvList: the ConvInfo keys. */
    char *list = conv_list();
    CHECK_EQ(jlen(list), 3);
    CHECK_EQ(conv_int(list, "bob", "conv_unread_num"), 2);
    CHECK_EQ(conv_int(list, "bob", "conv_type"), 1);
    CHECK_EQ(conv_int(list, "team", "conv_type"), 2);
    const char *bob = jfind(list, "conv_id", "bob");
    CHECK_EQ(jbool(jget(bob, "conv_is_has_lastmsg")), 1);
    CHECK(jstreq(jget(jget(bob, "conv_last_msg"), "message_msg_id"), "m2"));
    CHECK_EQ(jint(jget(jget(bob, "conv_last_msg"), "message_status")), 2);
    CHECK_EQ(jlen(jget(bob, "conv_mark_array")), 0);
    CHECK_EQ(jlen(jget(bob, "conv_conversation_group_array")), 0);
    CHECK_EQ(jbool(jget(bob, "conv_is_pinned")), 0);
    CHECK(jint(jget(bob, "conv_active_time")) > 0);
    const char *team = jfind(list, "conv_id", "team");
    CHECK_EQ(jlen(jget(team, "conv_group_at_info_array")), 1);
    CHECK_EQ(jint(jget(jat(jget(team, "conv_group_at_info_array"), 0), "conv_group_at_info_at_type")), 1);
    free(list);

    /* TIMConvGetConvInfo */
    c = call_new();
    RUN(c, TIMConvGetConvInfo("[{\"get_conversation_list_param_conv_id\":\"bob\",\"get_conversation_list_param_conv_type\":1},"
                              "{\"get_conversation_list_param_conv_id\":\"nobody\",\"get_conversation_list_param_conv_type\":1}]",
                              call_cb, c));
    CHECK_EQ(jlen(c->json), 1);
    call_free(c);
    CHECK_EQ(TIMConvGetConvInfo(NULL, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvGetConvInfo("[{", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMConvGetConvInfo("{}", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMConvGetConvInfo("[{\"get_conversation_list_param_conv_id\":1,\"get_conversation_list_param_conv_type\":1}]", call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "[0].get_conversation_list_param_conv_id");
    CHECK_EQ(TIMConvGetConvInfo("[{\"get_conversation_list_param_conv_id\":\"bob\",\"get_conversation_list_param_conv_type\":7}]", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvGetConvInfo("[{\"get_conversation_list_param_conv_id\":\"\",\"get_conversation_list_param_conv_type\":1}]", call_cb, NULL), TIM_ERR_CONV);

    /* TIMConvGetConversationListByFilter: pages. */
    c = call_new();
    RUN(c, TIMConvGetConversationListByFilter("{\"conversation_list_filter_conv_type\":1}", 0, 1, call_cb, c));
    CHECK_EQ(jlen(jget(c->json, "conversation_list_result_conv_list")), 1);
    CHECK_EQ(jbool(jget(c->json, "conversation_list_result_is_finished")), 0);
    uint64_t next = (uint64_t)jint(jget(c->json, "conversation_list_result_next_seq"));
    call_free(c);
    c = call_new();
    RUN(c, TIMConvGetConversationListByFilter("{\"conversation_list_filter_conv_type\":1}", next, 10, call_cb, c));
    CHECK_EQ(jlen(jget(c->json, "conversation_list_result_conv_list")), 1);
    CHECK_EQ(jbool(jget(c->json, "conversation_list_result_is_finished")), 1);
    call_free(c);
    c = call_new();
    RUN(c, TIMConvGetConversationListByFilter("null", 0, 100, call_cb, c));
    CHECK_EQ(jlen(jget(c->json, "conversation_list_result_conv_list")), 3);
    call_free(c);
    CHECK_EQ(TIMConvGetConversationListByFilter(NULL, 0, 0, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvGetConversationListByFilter("{\"conversation_list_filter_conv_type\":\"1\"}", 0, 5, call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMConvGetConversationListByFilter("{\"conversation_list_filter_conv_type\":5}", 0, 5, call_cb, NULL), TIM_ERR_PARAM);

    /* Drafts (synchronous). */
    CHECK_EQ(TIMConvSetDraft("bob", 1, "{\"draft_msg\":{\"message_elem_array\":[]},\"draft_user_define\":\"u\",\"draft_edit_time\":1700000100}"), TIM_SUCC);
    list = conv_list();
    bob = jfind(list, "conv_id", "bob");
    CHECK_EQ(jbool(jget(bob, "conv_is_has_draft")), 1);
    CHECK(jstreq(jget(jget(bob, "conv_draft"), "draft_user_define"), "u"));
    CHECK_EQ(jint(jget(jget(bob, "conv_draft"), "draft_edit_time")), 1700000100);
    free(list);
    CHECK_EQ(TIMConvCancelDraft("bob", 1), TIM_SUCC);
    CHECK_EQ(TIMConvSetDraft("bob", 1, "{\"draft_msg\":5}"), TIM_ERR_JSON);
    CHECK_EQ(TIMConvSetDraft("nobody", 1, "{}"), TIM_ERR_CONV);
    CHECK_EQ(TIMConvSetDraft(NULL, 1, "{}"), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvSetDraft("bob", 0, "{}"), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvCancelDraft("nobody", 1), TIM_ERR_CONV);
    CHECK_EQ(TIMConvCancelDraft("bob", 3), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvSetDraft("bob", 1, "null"), TIM_SUCC); /* null cancels */

    /* Custom data, pin, marks. */
    c = call_new();
    RUN(c, TIMConvSetConversationCustomData("[\"c2c_bob\",\"c2c_nobody\"]", "cd", call_cb, c));
    CHECK_EQ(jlen(c->json), 2);
    CHECK_EQ(jint(jget(jat(c->json, 0), "conversation_operation_result_result_code")), 0);
    CHECK_EQ(jint(jget(jat(c->json, 1), "conversation_operation_result_result_code")), 6004);
    call_free(c);
    c = call_new();
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    RUN_CODE(c, TIMConvSetConversationCustomData("[\"c2c_bob\"]", big, call_cb, c), 6017);
    call_free(c);
    CHECK_EQ(TIMConvSetConversationCustomData("[\"bob\"]", "x", call_cb, NULL), TIM_ERR_CONV);
    CHECK_CONTAINS(err(), "conversation_id_array[0]");
    CHECK_EQ(TIMConvSetConversationCustomData(NULL, "x", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvSetConversationCustomData("[1]", "x", call_cb, NULL), TIM_ERR_JSON);
    c = call_new();
    RUN(c, TIMConvPinConversation("carol", 1, 2 /* any non-zero: true */, call_cb, c));
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMConvPinConversation("nobody", 1, 1, call_cb, c), 6004);
    call_free(c);
    CHECK_EQ(TIMConvPinConversation("carol", 9, 1, call_cb, NULL), TIM_ERR_PARAM);
    list = conv_list();
    CHECK(jstreq(jget(jat(list, 0), "conv_id"), "carol")); /* pinned first */
    CHECK_EQ(jbool(jget(jat(list, 0), "conv_is_pinned")), 1);
    free(list);
    c = call_new();
    RUN(c, TIMConvMarkConversation("[\"c2c_bob\"]", 1 | (1ULL << 40), 1, call_cb, c));
    call_free(c);
    list = conv_list();
    const char *marks = jget(jfind(list, "conv_id", "bob"), "conv_mark_array");
    CHECK_EQ(jlen(marks), 2);
    CHECK_EQ(jint(jat(marks, 1)), (long long)(1ULL << 40));
    free(list);
    c = call_new();
    RUN_CODE(c, TIMConvMarkConversation("[\"c2c_bob\"]", 0x10, 1, call_cb, c), 6017);
    call_free(c);

    /* Totals and filters. */
    CHECK_EQ(total_unread(), 4);
    c = call_new();
    RUN(c, TIMConvGetUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":2}", call_cb, c));
    CHECK_CONTAINS(c->json, "\"conv_get_total_unread_message_count_result_unread_count\":1");
    call_free(c);
    CHECK_EQ(TIMConvGetUnreadMessageCountByFilter(NULL, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvGetUnreadMessageCountByFilter("{\"conversation_list_filter_mark_type\":-1}", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":1}"), TIM_SUCC);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":1}"), TIM_SUCC);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter(NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvSubscribeUnreadMessageCountByFilter("{x"), TIM_ERR_JSON);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":1}"), TIM_SUCC);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":2}"), TIM_SUCC);
    CHECK_EQ(TIMConvUnsubscribeUnreadMessageCountByFilter(NULL), TIM_ERR_PARAM);

    /* Cleaning. */
    c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount("c2c_bob", 1700000001, 0, call_cb, c));
    call_free(c);
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    CHECK_EQ(last_total, 3); /* the total listener runs after the first Get */
    CHECK_EQ(conv_int(last_conv_json[kTIMConvEvent_Update], "bob", "conv_unread_num"), 1);
    pthread_mutex_unlock(&ev_lock);
    c = call_new();
    RUN_CODE(c, TIMConvCleanConversationUnreadMessageCount("c2c_nobody", 0, 0, call_cb, c), 6004);
    call_free(c);
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("bob", 0, 0, call_cb, NULL), TIM_ERR_CONV);
    c = call_new();
    RUN(c, TIMConvCleanConversationUnreadMessageCount(NULL, 0, 0, call_cb, c)); /* NULL = all */
    call_free(c);
    CHECK_EQ(total_unread(), 0);

    /* Conversation groups. */
    c = call_new();
    RUN(c, TIMConvCreateConversationGroup("friends", "[\"c2c_bob\",\"c2c_nobody\"]", call_cb, c));
    CHECK_EQ(jint(jget(jat(c->json, 1), "conversation_operation_result_result_code")), 6004);
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMConvCreateConversationGroup("friends", "[]", call_cb, c), 10021);
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMConvCreateConversationGroup("0123456789012345678901234567890123456789", "[]", call_cb, c), 6017);
    call_free(c);
    CHECK_EQ(TIMConvCreateConversationGroup("", "[]", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvCreateConversationGroup(NULL, "[]", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMConvCreateConversationGroup("g", "[\"x\"]", call_cb, NULL), TIM_ERR_CONV);
    c = call_new();
    RUN(c, TIMConvAddConversationsToGroup("friends", "[\"c2c_carol\"]", call_cb, c));
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMConvAddConversationsToGroup("nope", "[\"c2c_carol\"]", call_cb, c), 10010);
    call_free(c);
    c = call_new();
    RUN(c, TIMConvGetConversationGroupList(call_cb, c));
    CHECK(jstreq(jat(c->json, 0), "friends"));
    call_free(c);
    c = call_new();
    RUN(c, TIMConvRenameConversationGroup("friends", "pals", call_cb, c));
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMConvRenameConversationGroup("friends", "x", call_cb, c), 10010);
    call_free(c);
    CHECK_EQ(TIMConvRenameConversationGroup("pals", NULL, call_cb, NULL), TIM_ERR_PARAM);
    list = conv_list();
    CHECK(jstreq(jat(jget(jfind(list, "conv_id", "bob"), "conv_conversation_group_array"), 0), "pals"));
    free(list);
    c = call_new();
    RUN(c, TIMConvDeleteConversationsFromGroup("pals", "[\"c2c_carol\",\"c2c_nobody\"]", call_cb, c));
    CHECK_EQ(jint(jget(jat(c->json, 0), "conversation_operation_result_result_code")), 0);
    CHECK(jint(jget(jat(c->json, 1), "conversation_operation_result_result_code")) != 0);
    call_free(c);
    c = call_new();
    RUN(c, TIMConvDeleteConversationGroup("pals", call_cb, c));
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMConvDeleteConversationGroup("pals", call_cb, c), 10010);
    call_free(c);

    /* Create and delete. */
    c = call_new();
    RUN(c, TIMConvCreate("erin", 1, call_cb, c));
    CHECK(jstreq(jget(c->json, "conv_id"), "erin"));
    call_free(c);
    CHECK_EQ(TIMConvCreate("", 1, call_cb, NULL), TIM_ERR_CONV);
    CHECK_EQ(TIMConvCreate("", 2, call_cb, NULL), TIM_ERR_GROUP);
    c = call_new();
    RUN(c, TIMConvDelete("erin", 1, call_cb, c));
    call_free(c);
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    CHECK(jfind(last_conv_json[kTIMConvEvent_Del], "conv_id", "erin") != NULL);
    pthread_mutex_unlock(&ev_lock);
    c = call_new();
    RUN_CODE(c, TIMConvDelete("erin", 1, call_cb, c), 6004); /* twice */
    call_free(c);
    CHECK_EQ(TIMConvDelete(NULL, 1, call_cb, NULL), TIM_ERR_PARAM);
    c = call_new();
    RUN(c, TIMConvDeleteConversationList("[\"c2c_carol\",\"c2c_nobody\"]", 0, call_cb, c));
    CHECK_EQ(jint(jget(jat(c->json, 1), "conversation_operation_result_result_code")), 6004);
    call_free(c);
    CHECK_EQ(TIMConvDeleteConversationList("[\"carol\"]", 1, call_cb, NULL), TIM_ERR_CONV);
    CHECK_EQ(TIMConvDeleteConversationList("{}", 1, call_cb, NULL), TIM_ERR_JSON);
}

static void test_messages(void) {
    Call *c;
    char id[128];
    memset(id, 'z', sizeof id);
    c = call_new();
    RUN(c, TIMMsgSendMessage("bob", 1,
                             "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"yo\"}],"
                             "\"message_unique_id\":0,\"message_rand\":0,\"message_seq\":0,"
                             "\"message_msg_id\":\"\",\"unknown_key\":{\"a\":1}}",
                             id, call_cb, c));
    CHECK(strlen(id) > 5 && strlen(id) < 128);
    CHECK(jstreq(jget(c->json, "message_msg_id"), id));
    CHECK_EQ(jbool(jget(c->json, "message_is_from_self")), 1);
    CHECK_EQ(jint(jget(c->json, "message_status")), 2);
    CHECK(jstreq(jget(jat(jget(c->json, "message_elem_array"), 0), "text_elem_content"), "yo"));
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[]}", NULL, call_cb, c)); /* NULL buffer */
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgSendNewMsg("team", 2, "{\"message_elem_array\":[]}", call_cb, c));
    CHECK(jint(jget(c->json, "message_seq")) > 0); /* loopback: the next local sequence */
    call_free(c);
    CHECK_EQ(TIMMsgSendMessage("bob", 1, NULL, id, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{]", id, call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{}", id, call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "message_elem_array");
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[],\"message_need_read_receipt\":1}", id, call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "message_need_read_receipt");
    CHECK_EQ(TIMMsgSendMessage("bob", 5, "{\"message_elem_array\":[]}", id, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgSendMessage("", 1, "{\"message_elem_array\":[]}", id, call_cb, NULL), TIM_ERR_CONV);

    /* History. */
    c = call_new();
    RUN(c, TIMMsgGetMsgList("bob", 1, NULL, call_cb, c));
    CHECK_EQ(jlen(c->json), 4);
    CHECK(jstreq(jget(jat(c->json, 0), "message_msg_id"), id) || 1);
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgGetMsgList("bob", 1,
                            "{\"msg_getmsglist_param_last_msg\":{\"message_msg_id\":\"m2\"},"
                            "\"msg_getmsglist_param_count\":10,\"msg_getmsglist_param_is_ramble\":true,"
                            "\"msg_last_msg_id\":\"m2\",\"msg_getmsglist_param_last_msg\":{\"message_msg_id\":\"m2\"}}",
                            call_cb, c));
    CHECK_EQ(jlen(c->json), 1); /* older than m2: m1 (the duplicate key's last value wins) */
    CHECK(jstreq(jget(jat(c->json, 0), "message_msg_id"), "m1"));
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgGetMsgList("bob", 1,
                            "{\"msg_getmsglist_param_last_msg\":{\"message_msg_id\":\"m1\"},"
                            "\"msg_getmsglist_param_count\":1,\"msg_getmsglist_param_is_forward\":true}",
                            call_cb, c));
    CHECK_EQ(jlen(c->json), 1);
    CHECK(jstreq(jget(jat(c->json, 0), "message_msg_id"), "m2"));
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMMsgGetMsgList("bob", 1, "{\"msg_getmsglist_param_last_msg\":{\"message_msg_id\":\"zz\"}}", call_cb, c), 6010);
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMMsgGetMsgList("nobody", 1, "null", call_cb, c), 6004);
    call_free(c);
    CHECK_EQ(TIMMsgGetMsgList("bob", 1, "{\"msg_getmsglist_param_count\":\"x\"}", call_cb, NULL), TIM_ERR_JSON);
    c = call_new();
    RUN(c, TIMMsgFindMessages("[\"m1\",\"nope\",\"g1\"]", call_cb, c));
    CHECK_EQ(jlen(c->json), 2);
    call_free(c);
    CHECK_EQ(TIMMsgFindMessages("[1]", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMMsgFindMessages(NULL, call_cb, NULL), TIM_ERR_PARAM);

    /* Read reports. */
    char *e = msg_env("m4", "bob", 1, "bob", 1700000010, 0, NULL);
    char *e2 = msg_env("m5", "bob", 1, "bob", 1700000011, 0, NULL);
    char *arr = fmt("[%s,%s]", e, e2);
    push_ok(arr);
    free(e), free(e2), free(arr);
    c = call_new();
    RUN(c, TIMMsgReportReaded("bob", 1, "{\"message_msg_id\":\"m4\"}", call_cb, c));
    call_free(c);
    CHECK_EQ(total_unread(), 1);
    c = call_new();
    RUN(c, TIMMsgReportReaded("bob", 1, "null", call_cb, c));
    call_free(c);
    CHECK_EQ(total_unread(), 0);
    c = call_new();
    RUN(c, TIMMsgReportReaded(NULL, 2, NULL, call_cb, c));
    call_free(c);
    CHECK_EQ(TIMMsgReportReaded("bob", 0, NULL, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgReportReaded("bob", 1, "{\"message_seq\":true}", call_cb, NULL), TIM_ERR_JSON);
    c = call_new();
    RUN(c, TIMMsgMarkAllMessageAsRead(call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgMarkAllMessageAsRead(call_cb, c)); /* twice: fine */
    call_free(c);

    /* Receive options. */
    c = call_new();
    RUN(c, TIMMsgSetC2CReceiveMessageOpt("[\"bob\",\"stranger\"]", 2, call_cb, c));
    call_free(c);
    c = call_new();
    RUN(c, TIMMsgGetC2CReceiveMessageOpt("[\"bob\",\"carol\"]", call_cb, c));
    CHECK_EQ(jint(jget(jfind(c->json, "msg_recv_msg_opt_result_identifier", "bob"), "msg_recv_msg_opt_result_opt")), 2);
    CHECK_EQ(jint(jget(jfind(c->json, "msg_recv_msg_opt_result_identifier", "carol"), "msg_recv_msg_opt_result_opt")), 0);
    call_free(c);
    CHECK_EQ(TIMMsgSetC2CReceiveMessageOpt("[\"bob\"]", 9, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgSetC2CReceiveMessageOpt("[]", 0, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgSetC2CReceiveMessageOpt("[\"\"]", 0, call_cb, NULL), TIM_ERR_CONV);
    CHECK_EQ(TIMMsgGetC2CReceiveMessageOpt("x", call_cb, NULL), TIM_ERR_JSON);
    c = call_new();
    RUN(c, TIMMsgSetGroupReceiveMessageOpt("team", 1, call_cb, c));
    call_free(c);
    CHECK_EQ(TIMMsgSetGroupReceiveMessageOpt("", 1, call_cb, NULL), TIM_ERR_GROUP);
    CHECK_EQ(TIMMsgSetGroupReceiveMessageOpt(NULL, 1, call_cb, NULL), TIM_ERR_GROUP);
    CHECK_EQ(TIMMsgSetGroupReceiveMessageOpt("team", -1, call_cb, NULL), TIM_ERR_PARAM);

    /* Receipts: bad input (the flows are in test_seeds). */
    c = call_new();
    RUN_CODE(c, TIMMsgSendMessageReadReceipts("[{\"message_msg_id\":\"nope\"}]", call_cb, c), 6010);
    call_free(c);
    c = call_new();
    RUN_CODE(c, TIMMsgSendMessageReadReceipts("[]", call_cb, c), 6017);
    call_free(c);
    CHECK_EQ(TIMMsgSendMessageReadReceipts("[{}]", call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "message_msg_id");
    CHECK_EQ(TIMMsgGetMessageReadReceipts(NULL, call_cb, NULL), TIM_ERR_PARAM);
    c = call_new();
    RUN_CODE(c, TIMMsgGetMessageReadReceipts("[{\"message_msg_id\":\"m1\"}]", call_cb, c), 6017); /* not mine */
    call_free(c);
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList("{}", 0, 0, 10, members_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList("{\"message_msg_id\":\"g1\"}", 2, 0, 10, members_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList("{\"message_msg_id\":\"g1\"}", 0, 0, 0, members_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList("{\"message_msg_id\":\"g1\"}", 0, 0, 101, members_cb, NULL), TIM_ERR_PARAM);
    c = call_new();
    CHECK_EQ(TIMMsgGetGroupMessageReadMemberList("{\"message_msg_id\":\"g1\"}", 0, 0, 10, members_cb, c), TIM_SUCC);
    CHECK(call_wait(c));
    CHECK(strcmp(c->json, "") == 0); /* not my message: "" and finished */
    CHECK_EQ(c->finished, 1);
    call_free(c);
}

static int outbound_calls;
static char *last_outbound;
static void on_outbound(const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&ev_lock);
    outbound_calls++;
    free(last_outbound);
    last_outbound = strdup(json);
    pthread_mutex_unlock(&ev_lock);
}

static void test_transport(void) {
    Call *c;
    CHECK_EQ(IMCoreInboundPush(NULL, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreInboundPush("{", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(IMCoreInboundPush("{}", call_cb, NULL), TIM_ERR_JSON);
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"weird\"}]", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"message\"}]", call_cb, NULL), TIM_ERR_JSON);
    /* A bad second envelope refuses the whole push: m6 is not stored. */
    char *good = msg_env("m6", "bob", 1, "bob", 1700000020, 0, NULL);
    char *bad = msg_env("m7", "bob", 1, "bob", 0, 0, NULL);
    char *arr = fmt("[%s,%s]", good, bad);
    CHECK_EQ(IMCoreInboundPush(arr, call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "[1] message: message \"m7\"");
    free(arr);
    c = call_new();
    RUN(c, TIMMsgFindMessages("[\"m6\"]", call_cb, c));
    CHECK_EQ(jlen(c->json), 0);
    call_free(c);
    char *wrong = fmt("[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"q\",\"message_conv_id\":\"bob\","
                      "\"message_conv_type\":1,\"message_sender\":\"bob\",\"message_server_time\":\"soon\"}}]");
    CHECK_EQ(IMCoreInboundPush(wrong, call_cb, NULL), TIM_ERR_JSON);
    CHECK_CONTAINS(err(), "[0].message.message_server_time");
    free(wrong);
    /* The same message twice is a no-op. */
    arr = fmt("[%s,%s]", good, good);
    c = call_new();
    RUN(c, IMCoreInboundPush(arr, call_cb, c));
    CHECK_EQ(jint(jget(c->json, "messages_stored")), 1);
    CHECK_EQ(jint(jget(c->json, "messages_duplicate")), 1);
    call_free(c);
    free(arr), free(good), free(bad);
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"read_position\",\"conv_id\":\"bob\",\"conv_type\":1}]", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_CONTAINS(err(), "[0] read_position: c2c_bob: timestamp must be > 0");
    push_ok("[{\"kind\":\"read_position\",\"conv_id\":\"bob\",\"conv_type\":1,\"timestamp\":1700000020},"
            "{\"kind\":\"group_members\",\"group_id\":\"team\",\"group_type\":1,\"op\":\"set\",\"members\":[\"alice\",\"dave\"]},"
            "{\"kind\":\"sync\",\"phase\":\"start\"},"
            "{\"kind\":\"conversation\",\"update_time\":5,\"conversation\":{\"conv_id\":\"carol\",\"conv_type\":1,"
            "\"conv_is_pinned\":true,\"conv_mark_array\":[1],\"conv_recv_opt\":0}},"
            "{\"kind\":\"sync\",\"phase\":\"finish\"},"
            "{\"kind\":\"sync\",\"phase\":\"failed\"}]");
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    CHECK(conv_events[kTIMConvEvent_Start] >= 1);
    CHECK(conv_events[kTIMConvEvent_Finish] >= 1);
    CHECK(experimental_calls >= 1);
    pthread_mutex_unlock(&ev_lock);
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"sync\",\"phase\":\"later\"}]", call_cb, NULL), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"group_members\",\"group_id\":\"\",\"members\":[]}]", call_cb, NULL), TIM_ERR_GROUP);

    /* Outbound: with a callback, sends wait for the ack. */
    IMCoreSetOutboundCallback(on_outbound, NULL);
    char id[128];
    c = call_new();
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[]}", id, call_cb, c), TIM_SUCC);
    wait_idle();
    CHECK_EQ(c->calls, 0); /* not before the ack */
    pthread_mutex_lock(&ev_lock);
    CHECK(outbound_calls >= 1);
    CHECK_CONTAINS(last_outbound, "\"kind\":\"message\"");
    long long env = jint(jget(last_outbound, "envelope_id"));
    CHECK(jstreq(jget(jget(last_outbound, "message"), "message_msg_id"), id));
    pthread_mutex_unlock(&ev_lock);
    CHECK_EQ(IMCoreOutboundAck(NULL), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreOutboundAck("{"), TIM_ERR_JSON);
    CHECK_EQ(IMCoreOutboundAck("{\"code\":0}"), TIM_ERR_JSON);
    CHECK_EQ(IMCoreOutboundAck("{\"envelope_id\":999999}"), TIM_ERR_PARAM);
    char *ack = fmt("{\"envelope_id\":%lld,\"code\":0,\"desc\":\"\",\"message_server_time\":1700000500,\"message_seq\":0}", env);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 0);
    CHECK_EQ(jint(jget(c->json, "message_server_time")), 1700000500);
    CHECK_EQ(jint(jget(c->json, "message_status")), 2);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_ERR_PARAM); /* twice */
    free(ack);
    call_free(c);
    /* A refused send: the callback gets the server's code, status 3. */
    c = call_new();
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[]}", id, call_cb, c), TIM_SUCC);
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    env = jint(jget(last_outbound, "envelope_id"));
    pthread_mutex_unlock(&ev_lock);
    ack = fmt("{\"envelope_id\":%lld,\"code\":20007,\"desc\":\"in peer blacklist\"}", env);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 20007);
    CHECK_CONTAINS(c->desc, "blacklist");
    CHECK_EQ(jint(jget(c->json, "message_status")), 3);
    call_free(c);
    /* Other changes queue envelopes too, and their call completes when the
       server answers: a refused pin fails the call with the server's code. */
    c = call_new();
    CHECK_EQ(TIMConvPinConversation("bob", 1, 1, call_cb, c), TIM_SUCC);
    wait_idle();
    CHECK_EQ(__atomic_load_n(&c->calls, __ATOMIC_SEQ_CST), 0);
    pthread_mutex_lock(&ev_lock);
    CHECK_CONTAINS(last_outbound, "\"kind\":\"pin\"");
    env = jint(jget(last_outbound, "envelope_id"));
    pthread_mutex_unlock(&ev_lock);
    ack = fmt("{\"envelope_id\":%lld,\"code\":10004,\"desc\":\"pin refused\"}", env);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    CHECK_EQ(c->calls, 1);
    CHECK_EQ(c->code, 10004);
    CHECK_CONTAINS(c->desc, "pin refused");
    call_free(c);
    /* An accepted one completes with success. */
    c = call_new();
    CHECK_EQ(TIMConvPinConversation("bob", 1, 1, call_cb, c), TIM_SUCC);
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    env = jint(jget(last_outbound, "envelope_id"));
    pthread_mutex_unlock(&ev_lock);
    /* The ack carries the server's update time of the change (issue 13.2):
       a snapshot made before it, arriving late, leaves bob pinned; a newer
       one applies. */
    ack = fmt("{\"envelope_id\":%lld,\"code\":0,\"update_time\":50}", env);
    CHECK_EQ(IMCoreOutboundAck(ack), TIM_SUCC);
    free(ack);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 0);
    call_free(c);
    CHECK_EQ(IMCoreOutboundAck("{\"envelope_id\":1,\"update_time\":-1}"), TIM_ERR_JSON);
    {
        const char *old_snap = "[{\"kind\":\"conversation\",\"update_time\":40,"
                               "\"conversation\":{\"conv_id\":\"bob\",\"conv_type\":1}}]";
        c = call_new();
        RUN(c, IMCoreInboundPush(old_snap, call_cb, c));
        call_free(c);
        char *list = conv_list();
        CHECK_EQ(jbool(jget(jfind(list, "conv_id", "bob"), "conv_is_pinned")), 1);
        free(list);
        const char *new_snap = "[{\"kind\":\"conversation\",\"update_time\":60,"
                               "\"conversation\":{\"conv_id\":\"bob\",\"conv_type\":1}}]";
        c = call_new();
        RUN(c, IMCoreInboundPush(new_snap, call_cb, c));
        call_free(c);
        list = conv_list();
        CHECK_EQ(jbool(jget(jfind(list, "conv_id", "bob"), "conv_is_pinned")), 0);
        free(list);
    }
    /* A send still unacknowledged at logout completes with 6014. */
    c = call_new();
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[]}", id, call_cb, c), TIM_SUCC);
    IMCoreSetOutboundCallback(NULL, NULL);

    /* Connection events. */
    CHECK_EQ(IMCoreSetNetworkStatus(4), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreSetNetworkStatusEx(-1, 0, NULL), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreSetNetworkStatusEx(1, 9508, "\xff"), TIM_ERR_PARAM);
    CHECK_EQ(IMCoreSetNetworkStatusEx(kTIMDisconnected, 9508, "net down"), TIM_SUCC);
    CHECK_EQ(IMCoreSetNetworkStatus(kTIMConnected), TIM_SUCC);
    CHECK_EQ(IMCoreNotifyKickedOffline(), TIM_SUCC);
    CHECK_EQ(IMCoreNotifyUserSigExpired(), TIM_SUCC);
    wait_idle();
    pthread_mutex_lock(&ev_lock);
    CHECK_EQ(net_calls, 2);
    CHECK_EQ(net_status, 0);
    pthread_mutex_unlock(&ev_lock);
    CHECK_EQ(__atomic_load_n(&kicked, __ATOMIC_SEQ_CST), 1);
    CHECK_EQ(__atomic_load_n(&expired, __ATOMIC_SEQ_CST), 1);

    Call *out = call_new();
    RUN(out, TIMLogout(call_cb, out));
    call_free(out);
    CHECK(call_wait(c));
    CHECK_EQ(c->calls, 1);
    CHECK_EQ(c->code, 6014);
    call_free(c);
}

int main(void) {
    char *dir = make_temp_dir();
    test_before_init();
    test_init(dir);
    test_listeners();
    test_login();
    test_conversations();
    test_messages();
    test_transport();
    /* After logout. */
    all_need_login(TIM_ERR_NOTLOGIN);
    CHECK_EQ(TIMLogout(call_cb, NULL), TIM_ERR_NOTLOGIN);
    CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    /* A corrupt store is reported in the callback (7011), never a crash. */
    {
        /* alice's file name is imcore_<app>_<hex user id>.db */
        char *path = fmt("%s/imcore_1400000000_6d616c6c6f7279.db", dir); /* "mallory" */
        FILE *f = fopen(path, "wb");
        for (int i = 0; i < 8192; i++) fputc(i * 7 + 3, f);
        fclose(f);
        free(path);
        Call *c = call_new();
        RUN_CODE(c, TIMLogin("mallory", "", call_cb, c), 7011);
        call_free(c);
        CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    }
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    CHECK_EQ(TIMUninit(), TIM_ERR_SDKUNINIT);
    all_need_login(TIM_ERR_SDKUNINIT);
    TIMSetConvEventCallback(NULL, "");
    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, "");
    TIMRemoveRecvNewMsgCallback(on_new_msg);
    TIMSetNetworkStatusListenerCallback(NULL, "");
    TIMSetKickedOfflineCallback(NULL, "");
    TIMSetUserSigExpiredCallback(NULL, "");
    TIMSetExperimentalNotifyCallback(NULL, "");
    TIMSetGroupTipsEventCallback(NULL, "");
    for (int i = 0; i < 5; i++) free(last_conv_json[i]);
    free(new_msgs);
    free(last_outbound);
    rm_rf(dir);
    free(dir);
    return h_finish();
}
