/*
 * Threads and lifecycle: callbacks that call back into imcore (including
 * the call that triggered them), eight threads calling at once while events
 * fire (with a final count check), pumped mode, TIMUninit from a callback,
 * no callback after TIMUninit returns, and init → login → logout → login as
 * another user → uninit → init again.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- reentrancy -- */
static int reentrant_depth;
static Call *reentrant_done;

static void reentrant_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)desc;
    (void)json;
    (void)ud;
    CHECK_EQ(code, 0);
    int d = __atomic_add_fetch(&reentrant_depth, 1, __ATOMIC_SEQ_CST);
    if (d < 5) {
        /* The very call that triggered this callback, from inside it. */
        CHECK_EQ(TIMConvGetTotalUnreadMessageCount(reentrant_cb, NULL), TIM_SUCC);
    } else {
        CHECK_EQ(TIMConvGetConvList(call_cb, reentrant_done), TIM_SUCC);
    }
}

static int conv_event_reentered;
static void conv_event_reenter(int32_t ev, const char *json, const void *ud) {
    (void)json;
    (void)ud;
    if (ev == kTIMConvEvent_Add || ev == kTIMConvEvent_Update) {
        /* Any call from inside a listener: returns at once, no deadlock. */
        char buf[128];
        CHECK_EQ(TIMGetLoginUserID(buf), TIM_SUCC);
        CHECK_EQ(TIMConvGetConversationGroupList(NULL, NULL), TIM_SUCC);
        __atomic_add_fetch(&conv_event_reentered, 1, __ATOMIC_SEQ_CST);
    }
}

static void test_reentrancy(void) {
    reentrant_done = call_new();
    CHECK_EQ(TIMConvGetTotalUnreadMessageCount(reentrant_cb, NULL), TIM_SUCC);
    CHECK(call_wait(reentrant_done));
    CHECK_EQ(__atomic_load_n(&reentrant_depth, __ATOMIC_SEQ_CST), 5);
    call_free(reentrant_done);
    TIMSetConvEventCallback(conv_event_reenter, NULL);
    char *e = msg_env("r1", "ravi", 1, "ravi", 1700000000, 0, NULL);
    char *arr = fmt("[%s]", e);
    push_ok(arr);
    free(e);
    free(arr);
    sleep_ms(slow() ? 300 : 30);
    CHECK(__atomic_load_n(&conv_event_reentered, __ATOMIC_SEQ_CST) >= 1);
    TIMSetConvEventCallback(NULL, NULL);
}

/* --------------------------------------------------------- 8 threads -- */
#define THREADS 8
static int per_thread(void) { return slow() ? 15 : 60; }
static long long msgs_seen;
static int total_events;
static int comm_calls;

static void count_new(const char *json, const void *ud) {
    (void)ud;
    __atomic_add_fetch(&msgs_seen, jlen(json), __ATOMIC_SEQ_CST);
}
static void count_total(int32_t n, const void *ud) {
    (void)n;
    (void)ud;
    __atomic_add_fetch(&total_events, 1, __ATOMIC_SEQ_CST);
}
static void count_comm(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)desc;
    (void)json;
    (void)ud;
    if (code != 0) fprintf(stderr, "callback code %d: %s\n", code, desc);
    __atomic_add_fetch(&comm_calls, 1, __ATOMIC_SEQ_CST);
}

static void *worker(void *arg) {
    int t = (int)(intptr_t)arg;
    char peer[32];
    snprintf(peer, sizeof peer, "peer%d", t);
    for (int i = 0; i < per_thread(); i++) {
        char id[64];
        snprintf(id, sizeof id, "t%d-%d", t, i);
        char *e = msg_env(id, peer, 1, peer, 1700000000 + (uint64_t)i, 0, NULL);
        char *arr = fmt("[%s]", e);
        CHECK_EQ(IMCoreInboundPush(arr, count_comm, NULL), TIM_SUCC);
        free(e);
        free(arr);
        /* Reads and writes on other conversations meanwhile. */
        CHECK_EQ(TIMConvGetTotalUnreadMessageCount(count_comm, NULL), TIM_SUCC);
        if (i % 10 == 0) {
            CHECK_EQ(TIMConvGetConvList(count_comm, NULL), TIM_SUCC);
            CHECK_EQ(TIMMsgSendMessage("shared", 1, "{\"message_elem_array\":[]}", NULL, count_comm, NULL), TIM_SUCC);
            CHECK_EQ(TIMConvPinConversation(peer, 1, (uint8_t)(i % 20 == 0), count_comm, NULL), TIM_SUCC);
        }
    }
    return NULL;
}

static void test_eight_threads(void) {
    TIMAddRecvNewMsgCallback(count_new, NULL);
    TIMSetConvTotalUnreadMessageCountChangedCallback(count_total, NULL);
    long long before = total_unread();
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    int per = per_thread();
    int expected_calls = THREADS * (per * 2 + ((per + 9) / 10) * 3);
    /* Every accepted call's callback, exactly once. */
    for (int i = 0; i < 600 && __atomic_load_n(&comm_calls, __ATOMIC_SEQ_CST) < expected_calls; i++)
        sleep_ms(50);
    sleep_ms(slow() ? 500 : 50);
    CHECK_EQ(__atomic_load_n(&comm_calls, __ATOMIC_SEQ_CST), expected_calls);
    CHECK_EQ(__atomic_load_n(&msgs_seen, __ATOMIC_SEQ_CST), (long long)THREADS * per);
    CHECK(__atomic_load_n(&total_events, __ATOMIC_SEQ_CST) >= THREADS * per);
    CHECK_EQ(total_unread(), before + (long long)THREADS * per);
    char *l = conv_list();
    for (int t = 0; t < THREADS; t++) {
        char peer[32];
        snprintf(peer, sizeof peer, "peer%d", t);
        CHECK_EQ(conv_int(l, peer, "conv_unread_num"), per);
    }
    free(l);
    TIMRemoveRecvNewMsgCallback(count_new);
    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, NULL);
}

/* -------------------------------------------------------- pumped mode -- */
static pthread_t main_thread;
static int pumped_on_main = 1;
static void pumped_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)code;
    (void)desc;
    (void)json;
    (void)ud;
    if (!pthread_equal(pthread_self(), main_thread)) pumped_on_main = 0;
}

static void test_pumped(void) {
    main_thread = pthread_self();
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_PUMPED), TIM_SUCC);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_PUMPED), TIM_SUCC); /* twice */
    Call *a = call_new(), *b = call_new();
    CHECK_EQ(TIMConvGetConvList(call_cb, a), TIM_SUCC);
    CHECK_EQ(TIMConvGetTotalUnreadMessageCount(call_cb, b), TIM_SUCC);
    CHECK_EQ(TIMConvGetConvList(pumped_cb, NULL), TIM_SUCC);
    sleep_ms(slow() ? 200 : 20);
    CHECK_EQ(a->calls, 0); /* nothing until polled */
    CHECK_EQ(IMCorePollCallbacks(1), 1);
    CHECK_EQ(a->calls, 1);
    CHECK_EQ(b->calls, 0);
    CHECK_EQ(IMCorePollCallbacks(0), 2);
    CHECK_EQ(b->calls, 1);
    CHECK_EQ(IMCorePollCallbacks(0), 0);
    CHECK(pumped_on_main);
    call_free(a);
    call_free(b);
    /* Back to the thread: what is queued meanwhile is delivered by it. */
    Call *c = call_new();
    CHECK_EQ(TIMConvGetConvList(call_cb, c), TIM_SUCC);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_THREAD), TIM_SUCC);
    CHECK(call_wait(c));
    CHECK_EQ(IMCorePollCallbacks(0), 0);
    call_free(c);
}

/* ------------------------------------------- mode switch in a callback -- */
static void switch_in_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)code;
    (void)desc;
    (void)json;
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_PUMPED), TIM_SUCC);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_THREAD), TIM_SUCC);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_PUMPED), TIM_SUCC);
    __atomic_store_n((int *)ud, 1, __ATOMIC_SEQ_CST);
}

static void test_mode_switch_from_callback(void) {
    int done = 0;
    CHECK_EQ(TIMConvGetConvList(switch_in_cb, &done), TIM_SUCC);
    for (int i = 0; i < 200 && !__atomic_load_n(&done, __ATOMIC_SEQ_CST); i++) sleep_ms(10);
    CHECK(done);
    Call *c = call_new();
    CHECK_EQ(TIMConvGetConvList(call_cb, c), TIM_SUCC);
    int n = 0;
    for (int i = 0; i < 200 && n == 0; i++) {
        n = IMCorePollCallbacks(0);
        if (!n) sleep_ms(5);
    }
    CHECK_EQ(n, 1);
    CHECK_EQ(c->calls, 1);
    call_free(c);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_THREAD), TIM_SUCC);
}

/* ------------------------------------------------------------ lifecycle -- */
static int after_uninit;
static void late_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)code;
    (void)desc;
    (void)json;
    (void)ud;
    __atomic_add_fetch(&after_uninit, 1, __ATOMIC_SEQ_CST);
}

static void uninit_in_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)code;
    (void)desc;
    (void)json;
    CHECK_EQ(TIMUninit(), TIM_SUCC); /* from the dispatcher thread itself */
    __atomic_store_n((int *)ud, 1, __ATOMIC_SEQ_CST);
}

static void test_lifecycle(const char *dir) {
    /* Logged in as "alice" with conversations from the tests above. */
    Call *c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    login_ok("bob");
    char buf[128];
    CHECK_EQ(TIMGetLoginUserID(buf), TIM_SUCC);
    CHECK(strcmp(buf, "bob") == 0);
    char *l = conv_list();
    CHECK_EQ(jlen(l), 0); /* bob's own store */
    free(l);
    /* Queued callbacks are all delivered by TIMUninit, none after it. */
    for (int i = 0; i < 20; i++) CHECK_EQ(TIMConvGetConvList(late_cb, NULL), TIM_SUCC);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    int seen = __atomic_load_n(&after_uninit, __ATOMIC_SEQ_CST);
    CHECK_EQ(seen, 20);
    sleep_ms(slow() ? 300 : 50);
    CHECK_EQ(__atomic_load_n(&after_uninit, __ATOMIC_SEQ_CST), seen);
    CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);

    /* Init again: alice's data is still there. */
    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok("alice");
    l = conv_list();
    CHECK(jfind(l, "conv_id", "peer0") != NULL);
    free(l);
    CHECK(total_unread() > 0);

    /* TIMUninit from inside a callback on the dispatcher thread. */
    int done = 0;
    CHECK_EQ(TIMConvGetConvList(uninit_in_cb, &done), TIM_SUCC);
    for (int i = 0; i < 500 && !__atomic_load_n(&done, __ATOMIC_SEQ_CST); i++) sleep_ms(10);
    CHECK(done);
    CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    CHECK_EQ(TIMConvGetConvList(call_cb, NULL), TIM_ERR_SDKUNINIT);

    /* And once more, in pumped mode: TIMUninit delivers what is queued. */
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_PUMPED), TIM_SUCC);
    CHECK_EQ(init_in(dir), TIM_SUCC);
    c = call_new();
    CHECK_EQ(TIMLogin("carol", "", call_cb, c), TIM_SUCC);
    CHECK_EQ(IMCorePollCallbacks(0), 1);
    CHECK_EQ(c->calls, 1);
    call_free(c);
    c = call_new();
    CHECK_EQ(TIMConvGetConvList(call_cb, c), TIM_SUCC);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    CHECK_EQ(c->calls, 1);
    call_free(c);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_THREAD), TIM_SUCC);
}

int main(void) {
    char *dir = make_temp_dir();
    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok("alice");
    test_reentrancy();
    test_eight_threads();
    test_pumped();
    test_mode_switch_from_callback();
    test_lifecycle(dir);
    rm_rf(dir);
    free(dir);
    return h_finish();
}
