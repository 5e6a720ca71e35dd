/*
 * Lifecycle and listener races (issue 12, defects 5, 6 and 7), through the
 * C ABI:
 *
 * 5. TIMInit racing TIMUninit (and TIMLogin / TIMLogout) on several threads:
 *    every interleaving ends consistent (initialised with a dispatcher, or
 *    not initialised), no callback runs on a thread inside an imcore call
 *    (it would run under imcore's lock: a login callback that reads the
 *    total would deadlock), and every accepted call calls back exactly once.
 * 6. Once a setter or remover returns (on a thread other than the one inside
 *    that listener), the old listener is not running and is never called
 *    again: TIMRemoveRecvNewMsgCallback(L2) while L1 of the same batch runs,
 *    TIMSetConvEventCallback(NULL) while that listener runs and while events
 *    flow, and a listener that removes itself.
 * 7. Pumped mode: callbacks are never concurrent and always in order, also
 *    while TIMUninit runs as another thread polls, and while another thread
 *    switches between the modes.
 *
 * A watchdog ends the program with a failure when it hangs (a deadlock).
 * Iteration counts are smaller under valgrind (IMCORE_UNDER_VALGRIND).
 */
#include "harness.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "FAIL: test_lifecycle hung (deadlock?)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(3);
}

/* Set while this thread is inside an imcore call that must not run a
 * callback on it (every call but TIMUninit and IMCorePollCallbacks). */
static __thread int inside_call;
static int callback_inside_call;

#define IN_CALL(expr)                                                                              \
    __extension__({                                                                                \
        inside_call = 1;                                                                           \
        int r_ = (expr);                                                                           \
        inside_call = 0;                                                                           \
        r_;                                                                                        \
    })

static void note_thread(void) {
    if (inside_call) __atomic_add_fetch(&callback_inside_call, 1, __ATOMIC_SEQ_CST);
}

/* ============================================ 5: lifecycle races ======== */

/* One accepted call: its callback must run exactly once. */
typedef struct Tracked {
    int calls;
    int reentered; /* the login callback read the total from inside */
} Tracked;

#define MAX_TRACKED 4096
static Tracked tracked[MAX_TRACKED];
static int n_tracked;
static int total_calls_done;

static Tracked *track(void) {
    int i = __atomic_fetch_add(&n_tracked, 1, __ATOMIC_SEQ_CST);
    if (i >= MAX_TRACKED) {
        fprintf(stderr, "too many tracked calls\n");
        abort();
    }
    return &tracked[i];
}

static void total_from_login_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)code;
    (void)desc;
    (void)json;
    (void)ud;
    note_thread();
    __atomic_add_fetch(&total_calls_done, 1, __ATOMIC_SEQ_CST);
}

static void tracked_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)desc;
    (void)json;
    Tracked *t = (Tracked *)ud;
    note_thread();
    __atomic_add_fetch(&t->calls, 1, __ATOMIC_SEQ_CST);
    if (code == 0 && !inside_call) {
        /* Allowed by the docs: a callback reads the total. With a callback
         * run under imcore's lock this deadlocks (the watchdog fires). */
        int r = IN_CALL(TIMConvGetTotalUnreadMessageCount(total_from_login_cb, NULL));
        if (r == TIM_SUCC) __atomic_add_fetch(&t->reentered, 1, __ATOMIC_SEQ_CST);
    }
}

static pthread_barrier_t race_barrier;

static void *race_uninit(void *arg) {
    (void)arg;
    pthread_barrier_wait(&race_barrier);
    TIMUninit(); /* TIM_SUCC or TIM_ERR_SDKUNINIT: both fine */
    return NULL;
}

static void *race_init_login(void *arg) {
    (void)arg;
    pthread_barrier_wait(&race_barrier);
    IN_CALL(init_in(dir));
    Tracked *t = track();
    if (IN_CALL(TIMLogin("alice", "", tracked_cb, t)) != TIM_SUCC) t->calls = -1000; /* refused */
    return NULL;
}

static void *race_logout(void *arg) {
    (void)arg;
    pthread_barrier_wait(&race_barrier);
    Tracked *t = track();
    if (IN_CALL(TIMLogout(tracked_cb, t)) != TIM_SUCC) t->calls = -1000;
    Tracked *u = track();
    if (IN_CALL(TIMConvGetTotalUnreadMessageCount(tracked_cb, u)) != TIM_SUCC) u->calls = -1000;
    return NULL;
}

/* After a race: the state is one of the consistent ones. */
static void check_consistent(int iter) {
    Tracked *t = track();
    int r = IN_CALL(TIMLogin("alice", "", tracked_cb, t));
    if (r == TIM_ERR_SDKUNINIT) {
        t->calls = -1000;
        CHECK_EQ(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
        CHECK_EQ(IN_CALL(init_in(dir)), TIM_SUCC);
        t = track();
        r = IN_CALL(TIMLogin("alice", "", tracked_cb, t));
    }
    if (r != TIM_SUCC) {
        char msg[128];
        snprintf(msg, sizeof msg, "iteration %d: TIMLogin after the race returned %d", iter, r);
        h_check(0, msg, __FILE__, __LINE__);
        t->calls = -1000;
        return;
    }
    /* Initialised: the login callback arrives on the dispatcher thread. */
    for (int i = 0; i < (slow() ? 6000 : 1000) && __atomic_load_n(&t->calls, __ATOMIC_SEQ_CST) == 0; i++)
        sleep_ms(1);
    if (__atomic_load_n(&t->calls, __ATOMIC_SEQ_CST) != 1) {
        char msg[128];
        snprintf(msg, sizeof msg, "iteration %d: the login callback ran %d times", iter, t->calls);
        h_check(0, msg, __FILE__, __LINE__);
    }
}

static void test_init_uninit_races(void) {
    int iters = slow() ? 25 : 300;
    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok("alice");
    for (int i = 0; i < iters; i++) {
        int three = i % 3 == 2;
        pthread_barrier_init(&race_barrier, NULL, three ? 3 : 2);
        pthread_t a, b, c;
        pthread_create(&a, NULL, race_uninit, NULL);
        pthread_create(&b, NULL, race_init_login, NULL);
        if (three) pthread_create(&c, NULL, race_logout, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        if (three) pthread_join(c, NULL);
        pthread_barrier_destroy(&race_barrier);
        check_consistent(i);
        if (__atomic_load_n(&callback_inside_call, __ATOMIC_SEQ_CST)) break;
    }
    CHECK_EQ(__atomic_load_n(&callback_inside_call, __ATOMIC_SEQ_CST), 0);
    /* TIMUninit delivers everything queued: every accepted call called back
     * exactly once (and each login callback could read the total). */
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    int wrong = 0, accepted = 0;
    for (int i = 0; i < n_tracked; i++) {
        if (tracked[i].calls < 0) continue;
        accepted++;
        if (tracked[i].calls != 1) wrong++;
    }
    CHECK(accepted >= iters);
    CHECK_EQ(wrong, 0);
    CHECK_EQ(__atomic_load_n(&callback_inside_call, __ATOMIC_SEQ_CST), 0);
}

/* ======================================= 6: removal is final ============ */

static int removed_flag;    /* set by the main thread after a remover returned */
static int late_calls;      /* calls of a removed listener after that */
static int l1_entered, l1_calls, l2_calls;

static void wait_flag(int *flag, int want, int ms) {
    for (int i = 0; i < ms && __atomic_load_n(flag, __ATOMIC_SEQ_CST) != want; i++) sleep_ms(1);
}

static void l1(const char *json, const void *ud) {
    (void)json;
    (void)ud;
    if (__atomic_add_fetch(&l1_calls, 1, __ATOMIC_SEQ_CST) == 1) {
        /* First batch: hold on until the main thread removed L2. */
        __atomic_store_n(&l1_entered, 1, __ATOMIC_SEQ_CST);
        wait_flag(&removed_flag, 1, slow() ? 20000 : 5000);
    }
}

static void l2(const char *json, const void *ud) {
    (void)json;
    (void)ud;
    __atomic_add_fetch(&l2_calls, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&removed_flag, __ATOMIC_SEQ_CST)) __atomic_add_fetch(&late_calls, 1, __ATOMIC_SEQ_CST);
}

static void flow_placeholder(const char *json, const void *ud) {
    (void)json;
    (void)ud;
}

static void push_message(const char *id, const char *peer) {
    char *e = msg_env(id, peer, 1, peer, 1700000000, 0, NULL);
    char *arr = fmt("[%s]", e);
    CHECK_EQ(IMCoreInboundPush(arr, NULL, NULL), TIM_SUCC);
    free(e);
    free(arr);
}

/* Waits until everything queued so far was delivered (a result callback
 * queued now arrives after it). */
static void drain(void) {
    Call *c = call_new();
    CHECK_EQ(TIMConvGetTotalUnreadMessageCount(call_cb, c), TIM_SUCC);
    CHECK(call_wait(c));
    call_free(c);
}

static void test_remove_during_batch(void) {
    removed_flag = late_calls = l1_entered = l1_calls = l2_calls = 0;
    TIMAddRecvNewMsgCallback(l1, NULL);
    TIMAddRecvNewMsgCallback(l2, NULL);
    push_message("rm-1", "rita");
    wait_flag(&l1_entered, 1, slow() ? 20000 : 5000);
    CHECK(l1_entered);
    TIMRemoveRecvNewMsgCallback(l2); /* while L1 of the same batch runs */
    __atomic_store_n(&removed_flag, 1, __ATOMIC_SEQ_CST);
    push_message("rm-2", "rita");
    drain();
    CHECK_EQ(__atomic_load_n(&l1_calls, __ATOMIC_SEQ_CST), 2);
    CHECK_EQ(__atomic_load_n(&l2_calls, __ATOMIC_SEQ_CST), 0);
    CHECK_EQ(__atomic_load_n(&late_calls, __ATOMIC_SEQ_CST), 0);
    TIMRemoveRecvNewMsgCallback(l1);
}

/* A listener still running when its setter returns would be freed under
 * its feet by a C# host. */
static int slow_active, slow_calls;
static void slow_conv_event(int32_t ev, const char *json, const void *ud) {
    (void)ev;
    (void)json;
    (void)ud;
    __atomic_store_n(&slow_active, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&slow_calls, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&removed_flag, __ATOMIC_SEQ_CST)) __atomic_add_fetch(&late_calls, 1, __ATOMIC_SEQ_CST);
    sleep_ms(slow() ? 300 : 100);
    __atomic_store_n(&slow_active, 0, __ATOMIC_SEQ_CST);
}

static void slow_new_msg(const char *json, const void *ud) {
    slow_conv_event(0, json, ud);
}

static void test_setter_waits_for_running_listener(void) {
    removed_flag = late_calls = slow_active = slow_calls = 0;
    TIMSetConvEventCallback(slow_conv_event, NULL);
    push_message("slow-1", "sam");
    wait_flag(&slow_active, 1, slow() ? 20000 : 5000);
    CHECK(slow_active);
    TIMSetConvEventCallback(NULL, NULL);
    CHECK_EQ(__atomic_load_n(&slow_active, __ATOMIC_SEQ_CST), 0); /* not running any more */
    __atomic_store_n(&removed_flag, 1, __ATOMIC_SEQ_CST);
    push_message("slow-2", "sam");
    drain();
    CHECK_EQ(__atomic_load_n(&late_calls, __ATOMIC_SEQ_CST), 0);

    removed_flag = late_calls = slow_active = slow_calls = 0;
    TIMAddRecvNewMsgCallback(slow_new_msg, NULL);
    push_message("slow-3", "sam");
    wait_flag(&slow_active, 1, slow() ? 20000 : 5000);
    CHECK(slow_active);
    TIMRemoveRecvNewMsgCallback(slow_new_msg);
    CHECK_EQ(__atomic_load_n(&slow_active, __ATOMIC_SEQ_CST), 0);
    __atomic_store_n(&removed_flag, 1, __ATOMIC_SEQ_CST);
    push_message("slow-4", "sam");
    drain();
    CHECK_EQ(__atomic_load_n(&late_calls, __ATOMIC_SEQ_CST), 0);
}

/* A listener that unregisters itself (the one case where the setter cannot
 * wait): returns at once, and the listener is not called again. */
static int self_calls;
static void self_removing(int32_t ev, const char *json, const void *ud) {
    (void)ev;
    (void)json;
    (void)ud;
    __atomic_add_fetch(&self_calls, 1, __ATOMIC_SEQ_CST);
    TIMSetConvEventCallback(NULL, NULL);
}
static int self_new_calls;
static void self_removing_new(const char *json, const void *ud) {
    (void)json;
    (void)ud;
    __atomic_add_fetch(&self_new_calls, 1, __ATOMIC_SEQ_CST);
    TIMRemoveRecvNewMsgCallback(self_removing_new);
}

static void test_self_removal(void) {
    self_calls = self_new_calls = 0;
    TIMSetConvEventCallback(self_removing, NULL);
    TIMAddRecvNewMsgCallback(self_removing_new, NULL);
    push_message("self-1", "sue");
    push_message("self-2", "sue");
    drain();
    CHECK_EQ(__atomic_load_n(&self_calls, __ATOMIC_SEQ_CST), 1);
    CHECK_EQ(__atomic_load_n(&self_new_calls, __ATOMIC_SEQ_CST), 1);
}

/* A running listener changes other listeners while the main thread removes
 * it: the remover waits for it, and its own setter calls do not wait for
 * anything (no deadlock). */
static int cross_active, cross_done;
static void cross_total(int32_t n, const void *ud) {
    (void)n;
    (void)ud;
}
static void cross_conv(int32_t ev, const char *json, const void *ud) {
    (void)ev;
    (void)json;
    (void)ud;
    if (__atomic_load_n(&cross_done, __ATOMIC_SEQ_CST)) return;
    __atomic_store_n(&cross_active, 1, __ATOMIC_SEQ_CST);
    sleep_ms(slow() ? 300 : 100);
    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, NULL);
    TIMAddRecvNewMsgCallback(flow_placeholder, NULL);
    TIMRemoveRecvNewMsgCallback(flow_placeholder);
    TIMSetConvEventCallback(cross_conv, NULL); /* itself, the same: no wait */
    __atomic_store_n(&cross_done, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cross_active, 0, __ATOMIC_SEQ_CST);
}

static void test_listener_changes_listeners_while_removed(void) {
    cross_active = cross_done = 0;
    TIMSetConvTotalUnreadMessageCountChangedCallback(cross_total, NULL);
    TIMSetConvEventCallback(cross_conv, NULL);
    push_message("cross-1", "cruz");
    wait_flag(&cross_active, 1, slow() ? 20000 : 5000);
    CHECK(cross_active);
    TIMSetConvEventCallback(NULL, NULL); /* waits for cross_conv, which calls setters */
    CHECK_EQ(__atomic_load_n(&cross_done, __ATOMIC_SEQ_CST), 1);
    CHECK_EQ(__atomic_load_n(&cross_active, __ATOMIC_SEQ_CST), 0);
    drain();
}

/* Events flow from two pusher threads while the main thread sets and
 * clears the listener: nothing arrives after a clear returned. */
static int flow_stop;
static void *flow_pusher(void *arg) {
    int p = (int)(intptr_t)arg;
    for (int i = 0; !__atomic_load_n(&flow_stop, __ATOMIC_SEQ_CST); i++) {
        char id[64], peer[32];
        snprintf(id, sizeof id, "flow-%d-%d", p, i);
        snprintf(peer, sizeof peer, "flow%d", i % 7);
        char *e = msg_env(id, peer, 1, peer, 1700000000 + (uint64_t)i, 0, NULL);
        char *arr = fmt("[%s]", e);
        IMCoreInboundPush(arr, NULL, NULL);
        free(e);
        free(arr);
        if (i % 16 == 15) sleep_ms(1);
    }
    return NULL;
}

static int flow_calls;
static void flow_listener(int32_t ev, const char *json, const void *ud) {
    (void)ev;
    (void)json;
    (void)ud;
    __atomic_add_fetch(&flow_calls, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&removed_flag, __ATOMIC_SEQ_CST)) __atomic_add_fetch(&late_calls, 1, __ATOMIC_SEQ_CST);
    sched_yield();
}
static void flow_new(const char *json, const void *ud) { flow_listener(0, json, ud); }

static void test_clear_while_events_flow(void) {
    late_calls = flow_calls = 0;
    flow_stop = 0;
    pthread_t p[2];
    for (int i = 0; i < 2; i++) pthread_create(&p[i], NULL, flow_pusher, (void *)(intptr_t)i);
    int rounds = slow() ? 10 : 60;
    for (int r = 0; r < rounds; r++) {
        __atomic_store_n(&removed_flag, 0, __ATOMIC_SEQ_CST);
        TIMSetConvEventCallback(flow_listener, NULL);
        TIMAddRecvNewMsgCallback(flow_new, NULL);
        sleep_ms(1 + r % 5);
        if (r % 2) {
            TIMSetConvEventCallback(NULL, NULL);
            TIMRemoveRecvNewMsgCallback(flow_new);
        } else {
            TIMRemoveRecvNewMsgCallback(flow_new);
            TIMSetConvEventCallback(NULL, NULL);
        }
        __atomic_store_n(&removed_flag, 1, __ATOMIC_SEQ_CST);
        sleep_ms(2);
    }
    __atomic_store_n(&flow_stop, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < 2; i++) pthread_join(p[i], NULL);
    drain();
    CHECK(__atomic_load_n(&flow_calls, __ATOMIC_SEQ_CST) > 0);
    CHECK_EQ(__atomic_load_n(&late_calls, __ATOMIC_SEQ_CST), 0);
}

/* ================================ 7: pumped mode, order and exclusion === */

static int active, concurrent, out_of_order, delivered;
static long long last_seq;

static void ordered_cb(int32_t code, const char *desc, const char *json, const void *ud) {
    (void)code;
    (void)desc;
    (void)json;
    if (__atomic_add_fetch(&active, 1, __ATOMIC_SEQ_CST) != 1) __atomic_add_fetch(&concurrent, 1, __ATOMIC_SEQ_CST);
    long long seq = (long long)(intptr_t)ud;
    long long prev = __atomic_exchange_n(&last_seq, seq, __ATOMIC_SEQ_CST);
    if (seq != prev + 1) __atomic_add_fetch(&out_of_order, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&delivered, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < 50; i++) __atomic_load_n(&active, __ATOMIC_SEQ_CST); /* a little work */
    __atomic_sub_fetch(&active, 1, __ATOMIC_SEQ_CST);
}

static void reset_order(void) {
    active = concurrent = out_of_order = delivered = 0;
    last_seq = 0;
}

static int poll_stop;
static int polls_after_uninit;
static void *poller(void *arg) {
    int one = (int)(intptr_t)arg;
    while (!__atomic_load_n(&poll_stop, __ATOMIC_SEQ_CST)) {
        if (IMCorePollCallbacks(one ? 1 : 0) == 0) sched_yield();
    }
    return NULL;
}

static void test_uninit_while_polling(void) {
    int n = slow() ? 1000 : 20000;
    reset_order();
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_PUMPED), TIM_SUCC);
    CHECK_EQ(init_in(dir), TIM_SUCC);
    Call *c = call_new();
    CHECK_EQ(TIMLogin("alice", "", call_cb, c), TIM_SUCC);
    while (IMCorePollCallbacks(0) > 0) {
    }
    CHECK_EQ(c->calls, 1);
    call_free(c);
    for (int i = 1; i <= n; i++)
        CHECK_EQ(TIMConvGetTotalUnreadMessageCount(ordered_cb, (void *)(intptr_t)i), TIM_SUCC);
    poll_stop = 0;
    pthread_t p;
    pthread_create(&p, NULL, poller, (void *)(intptr_t)1);
    wait_flag(&delivered, 1, 2000);
    while (__atomic_load_n(&delivered, __ATOMIC_SEQ_CST) < n / 20) sched_yield();
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    int at_return = __atomic_load_n(&delivered, __ATOMIC_SEQ_CST);
    sleep_ms(slow() ? 100 : 20);
    __atomic_store_n(&poll_stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(p, NULL);
    CHECK_EQ(at_return, n); /* everything queued, before TIMUninit returned */
    CHECK_EQ(__atomic_load_n(&delivered, __ATOMIC_SEQ_CST), n);
    CHECK_EQ(concurrent, 0);
    CHECK_EQ(out_of_order, 0);
    CHECK_EQ(IMCorePollCallbacks(0), 0);
    (void)polls_after_uninit;
}

/* Another thread switches between the modes while one thread queues and two
 * poll; TIMUninit at the end. */
static int switch_stop;
static void *mode_switcher(void *arg) {
    (void)arg;
    for (int i = 0; !__atomic_load_n(&switch_stop, __ATOMIC_SEQ_CST); i++) {
        IMCoreSetCallbackMode(i % 2 ? IMCORE_CALLBACK_MODE_THREAD : IMCORE_CALLBACK_MODE_PUMPED);
        sleep_ms(i % 3);
    }
    return NULL;
}

static void test_mode_switches_while_polling(void) {
    int n = slow() ? 600 : 10000;
    reset_order();
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_THREAD), TIM_SUCC);
    CHECK_EQ(init_in(dir), TIM_SUCC);
    login_ok("alice");
    poll_stop = switch_stop = 0;
    pthread_t p1, p2, s;
    pthread_create(&p1, NULL, poller, (void *)(intptr_t)1);
    pthread_create(&p2, NULL, poller, (void *)(intptr_t)0);
    pthread_create(&s, NULL, mode_switcher, NULL);
    for (int i = 1; i <= n; i++) {
        CHECK_EQ(TIMConvGetTotalUnreadMessageCount(ordered_cb, (void *)(intptr_t)i), TIM_SUCC);
        if (i % 500 == 0) sleep_ms(1);
    }
    __atomic_store_n(&switch_stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(s, NULL);
    CHECK_EQ(TIMUninit(), TIM_SUCC);
    int at_return = __atomic_load_n(&delivered, __ATOMIC_SEQ_CST);
    __atomic_store_n(&poll_stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(p1, NULL);
    pthread_join(p2, NULL);
    CHECK_EQ(at_return, n);
    CHECK_EQ(__atomic_load_n(&delivered, __ATOMIC_SEQ_CST), n);
    CHECK_EQ(concurrent, 0);
    CHECK_EQ(out_of_order, 0);
    CHECK_EQ(IMCoreSetCallbackMode(IMCORE_CALLBACK_MODE_THREAD), TIM_SUCC);
}

/* Runs every group, or only those named on the command line (races,
 * listeners, pumped). */
static int wanted(int argc, char **argv, const char *group) {
    if (argc < 2) return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], group) == 0) return 1;
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGALRM, on_alarm);
    alarm(slow() ? 1500 : 240);
    dir = make_temp_dir();
    if (wanted(argc, argv, "races")) test_init_uninit_races();
    if (wanted(argc, argv, "listeners")) {
        CHECK_EQ(init_in(dir), TIM_SUCC);
        login_ok("alice");
        test_remove_during_batch();
        test_setter_waits_for_running_listener();
        test_self_removal();
        test_listener_changes_listeners_while_removed();
        test_clear_while_events_flow();
        CHECK_EQ(TIMUninit(), TIM_SUCC);
    }
    if (wanted(argc, argv, "pumped")) {
        test_uninit_while_polling();
        test_mode_switches_while_polling();
    }
    rm_rf(dir);
    free(dir);
    return h_finish();
}
