//! The typed face's logs: the log listener and the log file get every
//! refused call with its reason, every read-position move with its source,
//! every ack and refusal, each received message's counting decision; never
//! a body. The listener runs with no lock held (it calls the client back)
//! and is not called after it was cleared.
//!
//! The logger is process-wide and other tests of this binary log too, so
//! every assertion looks for this test's own ids.

use super::*;
use std::sync::{Arc, Mutex};

const BODY: &str = "LOG-TEST-SECRET-BODY";

struct Lines {
    lines: Mutex<Vec<(LogLevel, String)>>,
    client: Mutex<Option<Arc<ImClient>>>,
    reentrant: Mutex<u32>,
}

struct Listener(Arc<Lines>);

impl LogListener for Listener {
    fn on_log(&self, level: LogLevel, line: String) {
        // A call into the client would deadlock if a lock were held.
        let c = self.0.client.lock().unwrap().clone();
        if let Some(c) = c {
            let _ = c.get_login_user();
            *self.0.reentrant.lock().unwrap() += 1;
        }
        self.0.lines.lock().unwrap().push((level, line));
    }
}

struct NoTransport(Arc<Mutex<Vec<OutboundEnvelope>>>);

impl OutboundTransport for NoTransport {
    fn send(&self, envelope: OutboundEnvelope) {
        self.0.lock().unwrap().push(envelope);
    }
}

fn has(lines: &Lines, level: LogLevel, needle: &str) -> bool {
    flush_log();
    lines
        .lines
        .lock()
        .unwrap()
        .iter()
        .any(|(l, s)| *l == level && s.contains(needle))
}

fn msg(id: &str, conv: &str, sender: &str, time: u64, seq: u64) -> IncomingMessage {
    IncomingMessage {
        text: Some(BODY.into()),
        ..super::tests::msg(id, conv, sender, time, seq)
    }
}

#[test]
fn the_log_says_why_a_badge_is_what_it_is() {
    let dir = std::env::temp_dir().join(format!("imcore-log-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let lines = Arc::new(Lines {
        lines: Mutex::new(Vec::new()),
        client: Mutex::new(None),
        reentrant: Mutex::new(0),
    });
    set_log_listener(Box::new(Listener(lines.clone())), LogLevel::Debug);
    set_log_file(
        Some(dir.join("logs").to_string_lossy().into_owned()),
        LogLevel::Debug,
    )
    .unwrap();
    // A log directory that cannot be made is refused, naming it.
    let e = set_log_file(Some("/proc/imcore-no/logs".into()), LogLevel::Info).unwrap_err();
    assert!(matches!(e, ImError::InvalidParam(ref m) if m.contains("/proc/imcore-no")));
    set_log_file(
        Some(dir.join("logs").to_string_lossy().into_owned()),
        LogLevel::Debug,
    )
    .unwrap();

    std::fs::create_dir_all(dir.join("data")).unwrap();
    let c = ImClient::new(ClientConfig {
        data_dir: dir.join("data").to_string_lossy().into_owned(),
        app_id: 9,
        revoked_messages_count: false,
        count_marked_unread_as_one: false,
    })
    .unwrap();
    *lines.client.lock().unwrap() = Some(c.clone());
    // Refused before login, and a refused input after it.
    assert!(c.get_total_unread_count().is_err());
    assert!(has(
        &lines,
        LogLevel::Warn,
        "refused with code 6014: no user is logged in"
    ));
    c.login("logalice".into()).unwrap();
    assert!(has(
        &lines,
        LogLevel::Info,
        "opened the store of logalice: 0 conversations"
    ));
    let sent = Arc::new(Mutex::new(Vec::new()));
    c.set_outbound_transport(Box::new(NoTransport(sent.clone())))
        .unwrap();
    assert!(c
        .clean_conversation_unread_message_count("x_logbob".into(), 0, 0)
        .is_err());
    assert!(
        has(&lines, LogLevel::Warn, "refused with code 6017: ")
            && has(&lines, LogLevel::Warn, "x_logbob")
    );
    assert!(c
        .receive_messages(vec![msg("lm-0", "c2c_logbob", "logbob", 0, 0)])
        .is_err());
    assert!(has(&lines, LogLevel::Warn, "lm-0"));

    // Receives: each message's decision.
    c.receive_messages(vec![
        msg("lm-1", "c2c_logbob", "logbob", 1_700_000_100, 0),
        msg("lm-2", "group_logteam", "logdave", 1_700_000_101, 5),
        msg("lm-3", "group_logteam", "logalice", 1_700_000_102, 6),
    ])
    .unwrap();
    c.receive_messages(vec![msg("lm-1", "c2c_logbob", "logbob", 1_700_000_100, 0)])
        .unwrap();
    assert!(has(
        &lines,
        LogLevel::Debug,
        "receive lm-1 in c2c_logbob from logbob: counted; unread now 1"
    ));
    assert!(has(
        &lines,
        LogLevel::Debug,
        "receive lm-3 in group_logteam from logalice: not counted: from me"
    ));
    assert!(has(
        &lines,
        LogLevel::Debug,
        "receive lm-1 in c2c_logbob: a duplicate"
    ));

    // The three sources of a read-position move.
    c.mark_conversation_read("c2c_logbob".into()).unwrap();
    assert!(has(
        &lines,
        LogLevel::Info,
        "read position of c2c_logbob moved from local to 1700000100: unread 1 -> 0"
    ));
    c.receive_read_position("group_logteam".into(), 0, 5)
        .unwrap();
    assert!(has(
        &lines,
        LogLevel::Info,
        "read position of group_logteam moved from other device to 5: unread 1 -> 0"
    ));
    c.receive_conversation_sync(vec![ConversationSyncState {
        conversation_id: "group_logteam".into(),
        update_time: 3,
        group_type: None,
        read_timestamp: 0,
        read_sequence: 6,
        read_version: None,
        count_preference: None,
        stick_top: false,
        mark_types: 0,
        receive_option: None,
        group_ids: vec![],
        custom_data: String::new(),
        server_extension: String::new(),
        deleted: false,
    }])
    .unwrap();
    assert!(has(
        &lines,
        LogLevel::Info,
        "read position of group_logteam moved from sync to 6"
    ));

    // Acks: accepted and refused.
    c.flush_events(5_000);
    let env = sent.lock().unwrap().last().unwrap().envelope_id;
    c.ack_outbound(env, 0, 1_700_000_200, 0).unwrap();
    assert!(has(
        &lines,
        LogLevel::Info,
        &format!("ack of envelope {env} (read_position): accepted")
    ));
    c.send_text_message("c2c_logbob".into(), BODY.into(), false)
        .unwrap();
    c.flush_events(5_000);
    let env = sent.lock().unwrap().last().unwrap().envelope_id;
    c.ack_outbound(env, 20007, 0, 0).unwrap();
    assert!(has(
        &lines,
        LogLevel::Warn,
        &format!("ack of envelope {env} (message): refused by the server with code 20007")
    ));
    assert!(c.ack_outbound(env, 0, 0, 0).is_err());
    assert!(has(
        &lines,
        LogLevel::Warn,
        &format!("envelope {env} is unknown or was answered already")
    ));

    // The listener's level: warn only; the file keeps debug.
    set_log_listener(Box::new(Listener(lines.clone())), LogLevel::Warn);
    c.receive_read_position("c2c_logbob".into(), 1_700_000_300, 0)
        .unwrap();
    flush_log();
    assert!(!has(
        &lines,
        LogLevel::Info,
        "moved from other device to 1700000300"
    ));

    // Cleared: not called again.
    clear_log_listener();
    let before = lines.lines.lock().unwrap().len();
    assert!(c.get_conversation("c2c_lognobody".into()).is_err());
    flush_log();
    assert_eq!(lines.lines.lock().unwrap().len(), before);
    assert!(*lines.reentrant.lock().unwrap() > 0);
    *lines.client.lock().unwrap() = None;
    c.close();

    let all = lines.lines.lock().unwrap();
    assert!(
        all.iter().all(|(_, s)| !s.contains(BODY)),
        "a body was logged"
    );
    let file = std::fs::read_to_string(dir.join("logs").join("imcore.log")).unwrap();
    for needle in [
        "refused with code 6017",
        "moved from local",
        "moved from other device to 1700000300",
        "moved from sync",
        "(read_position): accepted",
        "refused by the server with code 20007",
        "c2c_lognobody",
        "lm-1 in c2c_logbob from logbob: counted",
    ] {
        assert!(
            file.contains(needle),
            "the log file has no line with {needle:?}"
        );
    }
    assert!(!file.contains(BODY), "a body was logged to the file");
    set_log_file(None, LogLevel::Info).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
