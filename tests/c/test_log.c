/*
 * Logs: TIMSetLogCallback delivers the lines at the level TIMSetConfig set,
 * the log file under sdk_config_log_file_path gets them too, and the lines
 * say what happened: every refused input with its reason, every
 * read-position move with its source (local, other device, sync), every
 * envelope ack and refusal, each received message's counting decision. No
 * line holds a message body or the user sig. The callback runs with no lock
 * of imcore held (it calls imcore back), and not after it was unregistered.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY "BODY-SECRET-TEXT"
#define SIG "USER-SIG-SECRET"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *lines;       /* every delivered line, "<level> <text>\n" each */
static size_t lines_len;
static int line_calls, reentrant_ok, bad_ud;
static char last_out[4096];

static void on_log(int32_t level, const char *log, const void *ud) {
    if (ud == NULL || strcmp((const char *)ud, "log-ud") != 0) __atomic_add_fetch(&bad_ud, 1, __ATOMIC_SEQ_CST);
    /* Calling imcore from the callback would deadlock if a lock were held. */
    char buf[256];
    if (TIMGetLoginStatus() >= 0 && IMCoreGetLastError(buf, sizeof buf) >= 0)
        __atomic_add_fetch(&reentrant_ok, 1, __ATOMIC_SEQ_CST);
    char *line = fmt("%d %s\n", level, log);
    pthread_mutex_lock(&log_lock);
    size_t n = strlen(line);
    lines = realloc(lines, lines_len + n + 1);
    memcpy(lines + lines_len, line, n + 1);
    lines_len += n;
    line_calls++;
    pthread_mutex_unlock(&log_lock);
    free(line);
}

static void on_outbound(const char *json, const void *ud) {
    (void)ud;
    pthread_mutex_lock(&log_lock);
    snprintf(last_out, sizeof last_out, "%s", json);
    pthread_mutex_unlock(&log_lock);
}

static long long last_envelope(void) {
    pthread_mutex_lock(&log_lock);
    long long id = jint(jget(last_out, "envelope_id"));
    pthread_mutex_unlock(&log_lock);
    return id;
}

/* Waits until a delivered line contains `needle` (at most 5 s / 60 s). */
static int saw(const char *needle) {
    for (int i = 0; i < (slow() ? 600 : 100); i++) {
        pthread_mutex_lock(&log_lock);
        int found = lines != NULL && strstr(lines, needle) != NULL;
        pthread_mutex_unlock(&log_lock);
        if (found) return 1;
        sleep_ms(50);
    }
    fprintf(stderr, "no log line contains: %s\n", needle);
    return 0;
}
#define SAW(needle) h_check(saw(needle), "a log line contains " needle, __FILE__, __LINE__)

static int has(const char *needle) {
    pthread_mutex_lock(&log_lock);
    int found = lines != NULL && strstr(lines, needle) != NULL;
    pthread_mutex_unlock(&log_lock);
    return found;
}

static void settle(void) { sleep_ms(slow() ? 500 : 100); }

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static void ack(long long env, int code) {
    char *a = fmt("{\"envelope_id\":%lld,\"code\":%d,\"desc\":\"x\",\"message_server_time\":1700000900}", env,
                  code);
    CHECK_EQ(IMCoreOutboundAck(a), TIM_SUCC);
    free(a);
}

int main(void) {
    char *dir = make_temp_dir();
    char *logdir = fmt("%s/logs", dir);

    /* Levels: validated, nothing changes on a refusal. */
    CHECK_EQ(TIMSetConfig("{\"set_config_log_level\":9}", NULL, NULL), TIM_ERR_PARAM);
    CHECK_EQ(TIMSetConfig("{\"set_config_log_level\":\"debug\"}", NULL, NULL), TIM_ERR_JSON);
    CHECK_EQ(TIMSetConfig("{\"set_config_callback_log_level\":-1}", NULL, NULL), TIM_ERR_PARAM);
    /* Debug for both the file and the callback. */
    CHECK_EQ(TIMSetConfig("{\"set_config_log_level\":3}", NULL, NULL), TIM_SUCC);

    TIMSetLogCallback(on_log, "log-ud");
    char *cfg = fmt("{\"sdk_config_config_file_path\":\"%s\",\"sdk_config_log_file_path\":\"%s\"}", dir, logdir);
    CHECK_EQ(TIMInit(1400000000ULL, cfg), TIM_SUCC);
    free(cfg);
    IMCoreSetOutboundCallback(on_outbound, NULL);
    Call *c = call_new();
    RUN(c, TIMLogin("alice", SIG, call_cb, c));
    call_free(c);

    /* A refused input (synchronous): the export, the code and the reason. */
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("x_bob", 0, 0, call_cb, NULL), TIM_ERR_CONV);
    SAW("W [TIMConvCleanConversationUnreadMessageCount]");
    SAW("refused with code -5: ");
    /* A refused push names the envelope. */
    CHECK_EQ(IMCoreInboundPush("[{\"kind\":\"read_position\",\"conv_id\":\"bob\",\"conv_type\":1}]", call_cb, NULL),
             TIM_ERR_PARAM);
    SAW("[IMCoreInboundPush]");
    /* A refusal reported in the callback (an unknown conversation). */
    c = call_new();
    RUN_CODE(c, TIMConvPinConversation("nobody", 1, 1, call_cb, c), 6004);
    call_free(c);
    SAW("[TIMConvPinConversation] call: refused with code 6004");

    /* Received messages: each one's counting decision, never its body. */
    char *msgs = fmt("[{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"m-1\",\"message_conv_id\":\"bob\","
                     "\"message_conv_type\":1,\"message_sender\":\"bob\",\"message_server_time\":1700000100,"
                     "\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"" BODY "\"}]}},"
                     "{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"g-1\",\"message_conv_id\":\"team\","
                     "\"message_conv_type\":2,\"message_sender\":\"dave\",\"message_server_time\":1700000101,"
                     "\"message_seq\":7,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"" BODY "\"}]}},"
                     "{\"kind\":\"message\",\"message\":{\"message_msg_id\":\"g-2\",\"message_conv_id\":\"team\","
                     "\"message_conv_type\":2,\"message_sender\":\"alice\",\"message_server_time\":1700000102,"
                     "\"message_seq\":8,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"" BODY "\"}]}}]");
    push_ok(msgs);
    push_ok(msgs); /* again: duplicates */
    free(msgs);
    SAW("receive m-1 in c2c_bob from bob: counted; unread now 1");
    SAW("receive g-1 in group_team from dave: counted; unread now 1");
    SAW("receive g-2 in group_team from alice: not counted: from me; unread now 1");
    SAW("receive m-1 in c2c_bob: a duplicate, not counted");

    /* A local read: the move with its source, then the ack of its envelope. */
    c = call_new();
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("c2c_bob", 0, 0, call_cb, c), TIM_SUCC);
    SAW("read position of c2c_bob moved from local to 1700000100: unread 1 -> 0");
    settle();
    ack(last_envelope(), 0);
    CHECK(call_wait(c));
    call_free(c);
    SAW("(read_position): accepted");

    /* Another device read the group; then a sync snapshot moves it further. */
    push_ok("[{\"kind\":\"read_position\",\"conv_id\":\"team\",\"conv_type\":2,\"sequence\":7}]");
    SAW("read position of group_team moved from other device to 7: unread 1 -> 0");
    push_ok("[{\"kind\":\"read_position\",\"conv_id\":\"team\",\"conv_type\":2,\"sequence\":3}]");
    SAW("read position of group_team stays (from other device: not after the current one)");
    push_ok("[{\"kind\":\"sync\",\"phase\":\"start\"},"
            "{\"kind\":\"conversation\",\"update_time\":5,\"conversation\":{\"conv_id\":\"team\",\"conv_type\":2,"
            "\"conv_group_read_sequence\":8}},{\"kind\":\"sync\",\"phase\":\"finish\"}]");
    SAW("read position of group_team moved from sync to 8");
    SAW("sync Started");
    SAW("sync Finished");

    /* A send the server refuses. */
    char id[128];
    c = call_new();
    CHECK_EQ(TIMMsgSendMessage("bob", 1, "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"" BODY "\"}]}", id,
                               call_cb, c),
             TIM_SUCC);
    settle();
    ack(last_envelope(), 20007);
    CHECK(call_wait(c));
    CHECK_EQ(c->code, 20007);
    call_free(c);
    SAW("(message): refused by the server with code 20007");
    /* A refused pin is undone. */
    c = call_new();
    CHECK_EQ(TIMConvPinConversation("bob", 1, 1, call_cb, c), TIM_SUCC);
    settle();
    ack(last_envelope(), 10004);
    CHECK(call_wait(c));
    call_free(c);
    SAW("(pin): refused by the server with code 10004; its change was undone");

    /* The callback's level: warn only from now on; the file stays at debug. */
    CHECK_EQ(TIMSetConfig("{\"set_config_callback_log_level\":5}", NULL, NULL), TIM_SUCC);
    push_ok("[{\"kind\":\"read_position\",\"conv_id\":\"bob\",\"conv_type\":1,\"timestamp\":1700000200}]");
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("y_zed", 0, 0, call_cb, NULL), TIM_ERR_CONV);
    SAW("y_zed");
    CHECK(!has("moved from other device to 1700000200"));

    /* Unregistered: never called again. */
    TIMSetLogCallback(NULL, NULL);
    settle();
    pthread_mutex_lock(&log_lock);
    int before = line_calls;
    pthread_mutex_unlock(&log_lock);
    CHECK_EQ(TIMConvCleanConversationUnreadMessageCount("z_zed", 0, 0, call_cb, NULL), TIM_ERR_CONV);
    settle();
    pthread_mutex_lock(&log_lock);
    CHECK_EQ(line_calls, before);
    pthread_mutex_unlock(&log_lock);

    CHECK(__atomic_load_n(&reentrant_ok, __ATOMIC_SEQ_CST) > 0);
    CHECK_EQ(__atomic_load_n(&bad_ud, __ATOMIC_SEQ_CST), 0);
    /* Levels are TIM's numbers: warn lines at 5, info at 4, debug at 3. */
    CHECK(has("\n5 ") || strncmp(lines, "5 ", 2) == 0);
    CHECK(has("\n4 "));
    CHECK(has("\n3 "));
    /* Never a body or the sig. */
    CHECK(!has(BODY));
    CHECK(!has(SIG));

    c = call_new();
    RUN(c, TIMLogout(call_cb, c));
    call_free(c);
    CHECK_EQ(TIMUninit(), TIM_SUCC);

    /* The file has every kind of line, at debug, including what the callback
     * no longer got; never a body or the sig. */
    char *path = fmt("%s/imcore.log", logdir);
    char *file = read_file(path);
    CHECK_CONTAINS(file, "refused with code -5");
    CHECK_CONTAINS(file, "moved from local");
    CHECK_CONTAINS(file, "moved from other device to 1700000200");
    CHECK_CONTAINS(file, "moved from sync");
    CHECK_CONTAINS(file, "(read_position): accepted");
    CHECK_CONTAINS(file, "refused by the server with code 20007");
    CHECK_CONTAINS(file, "z_zed");
    CHECK_CONTAINS(file, ": counted; unread now 1");
    CHECK(strstr(file, BODY) == NULL);
    CHECK(strstr(file, SIG) == NULL);
    free(file);
    free(path);

    free(lines);
    if (!getenv("KEEP")) rm_rf(dir); else printf("%s\n", dir);
    free(logdir);
    free(dir);
    return h_finish();
}
