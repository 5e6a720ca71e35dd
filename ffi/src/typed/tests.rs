//! Unit tests of the uniffi API with listeners and transports written in
//! Rust (the foreign-language suites run the same flows through uniffi).

use super::*;
use std::sync::{Arc, Mutex};

/// A temporary folder removed on drop (no dev-dependency needed).
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let p = std::env::temp_dir().join(format!(
        "imcore-api-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    TempDir(p)
}

fn client(dir: &TempDir, user: &str) -> Arc<ImClient> {
    let c = ImClient::new(ClientConfig {
        data_dir: dir.path().to_string_lossy().into_owned(),
        app_id: 7,
        revoked_messages_count: false,
        count_marked_unread_as_one: false,
    })
    .unwrap();
    c.login(user.into()).unwrap();
    c
}

pub(super) fn msg(id: &str, conv: &str, sender: &str, time: u64, seq: u64) -> IncomingMessage {
    IncomingMessage {
        message_id: id.into(),
        conversation_id: conv.into(),
        sender_id: sender.into(),
        server_time: time,
        seq,
        text: Some("hi".into()),
        ..Default::default()
    }
}

/// Records conversation events as strings, with the thread name.
#[derive(Default)]
struct Rec {
    log: Mutex<Vec<String>>,
    threads: Mutex<Vec<String>>,
    on_call: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

struct RecListener(Arc<Rec>);

impl RecListener {
    fn push(&self, s: String) {
        self.0
            .threads
            .lock()
            .unwrap()
            .push(std::thread::current().name().unwrap_or("").to_owned());
        self.0.log.lock().unwrap().push(s);
        if let Some(f) = self.0.on_call.lock().unwrap().as_ref() {
            f();
        }
    }
}

impl ConversationListener for RecListener {
    fn on_sync_started(&self) {
        self.push("sync_started".into());
    }
    fn on_sync_finished(&self) {
        self.push("sync_finished".into());
    }
    fn on_sync_failed(&self, reason: String) {
        self.push(format!("sync_failed {reason}"));
    }
    fn on_conversation_created(&self, c: Conversation) {
        self.push(format!("created {}", c.conversation_id));
    }
    fn on_conversation_deleted(&self, ids: Vec<String>) {
        self.push(format!("deleted {ids:?}"));
    }
    fn on_conversation_changed(&self, cs: Vec<Conversation>) {
        let ids: Vec<_> = cs.iter().map(|c| c.conversation_id.as_str()).collect();
        self.push(format!("changed {ids:?}"));
    }
    fn on_total_unread_count_changed(&self, n: u64) {
        self.push(format!("total {n}"));
    }
    fn on_unread_count_changed_by_filter(&self, f: ConversationFilter, n: u64) {
        self.push(format!("filter {:?} {n}", f.conversation_types));
    }
    fn on_conversation_read_time_updated(&self, id: String, t: u64) {
        self.push(format!("read_time {id} {t}"));
    }
}

fn log(r: &Rec) -> Vec<String> {
    r.log.lock().unwrap().clone()
}

#[test]
fn events_arrive_in_order_on_the_dispatcher_thread() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(Rec::default());
    let _h = c.add_conversation_listener(Box::new(RecListener(rec.clone())));
    // The total listener starts with the first read of the total.
    assert_eq!(c.get_total_unread_count(), Ok(0));
    c.receive_sync_phase(SyncPhase::Started, String::new())
        .unwrap();
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    c.receive_messages(vec![msg("m2", "c2c_bob", "bob", 101, 0)])
        .unwrap();
    c.clear_total_unread_count().unwrap();
    c.receive_sync_phase(SyncPhase::Finished, String::new())
        .unwrap();
    assert!(c.flush_events(5000));
    assert_eq!(
        log(&rec),
        [
            "sync_started",
            "created c2c_bob",
            "total 1",
            "changed [\"c2c_bob\"]",
            "total 2",
            "changed [\"c2c_bob\"]",
            "total 0",
            "sync_finished"
        ]
    );
    let threads = rec.threads.lock().unwrap().clone();
    assert!(
        threads.iter().all(|t| t == "imcore-dispatcher"),
        "{threads:?}"
    );
    assert!(!c.is_dispatcher_thread());
}

#[test]
fn dropping_the_handle_unregisters() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(Rec::default());
    let h = c.add_conversation_listener(Box::new(RecListener(rec.clone())));
    assert!(h.is_active());
    drop(h);
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    assert!(c.flush_events(5000));
    assert!(log(&rec).is_empty());
}

#[test]
fn listeners_may_call_back_and_even_close_the_client() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(Rec::default());
    let weak = Arc::downgrade(&c);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    *rec.on_call.lock().unwrap() = Some(Box::new(move || {
        if let Some(c) = weak.upgrade() {
            // Calls back into the client: no lock is held by the dispatcher.
            seen2.lock().unwrap().push((
                c.get_total_unread_count().ok(),
                c.is_dispatcher_thread(),
                c.flush_events(10),
            ));
        }
    }));
    let _h = c.add_conversation_listener(Box::new(RecListener(rec.clone())));
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    assert!(c.flush_events(5000));
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|s| *s == (Some(1), true, false)),
        "{seen:?}"
    );

    // Closing from inside a listener does not wait for its own thread.
    let weak = Arc::downgrade(&c);
    *rec.on_call.lock().unwrap() = Some(Box::new(move || {
        if let Some(c) = weak.upgrade() {
            c.close();
        }
    }));
    c.receive_messages(vec![msg("m2", "c2c_bob", "bob", 101, 0)])
        .unwrap();
    for _ in 0..500 {
        if c.get_total_unread_count().is_err() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(matches!(
        c.get_total_unread_count(),
        Err(ImError::NotLoggedIn(_))
    ));
}

/// A transport that records envelopes and optionally panics.
struct Capture {
    got: Arc<Mutex<Vec<OutboundEnvelope>>>,
    panic: bool,
}

impl OutboundTransport for Capture {
    fn send(&self, envelope: OutboundEnvelope) {
        self.got.lock().unwrap().push(envelope);
        if self.panic {
            panic!("transport failure (expected in this test)");
        }
    }
}

/// Attaches a [`Capture`] transport; returns what it records.
fn capture(c: &ImClient, panic: bool) -> Arc<Mutex<Vec<OutboundEnvelope>>> {
    let got = Arc::new(Mutex::new(Vec::new()));
    c.set_outbound_transport(Box::new(Capture {
        got: got.clone(),
        panic,
    }))
    .unwrap();
    got
}

#[test]
fn envelopes_go_to_the_transport_until_acked_and_come_back_after_login() {
    let dir = tempdir();
    let c = client(&dir, "alice");
    // Loopback without a transport: sent at once.
    let m = c
        .send_text_message("c2c_bob".into(), "one".into(), false)
        .unwrap();
    assert_eq!(m.status, MessageStatus::Succeeded);
    assert!(c.get_pending_outbound().unwrap().is_empty());

    let got = capture(&c, true);
    let m = c
        .send_text_message("c2c_bob".into(), "two".into(), true)
        .unwrap();
    assert_eq!(m.status, MessageStatus::Sending);
    c.stick_top_conversation("c2c_bob".into(), true).unwrap();
    assert!(c.flush_events(5000));
    let kinds: Vec<_> = got.lock().unwrap().iter().map(|e| e.kind.clone()).collect();
    assert_eq!(kinds, ["message", "pin"]);
    let env = got.lock().unwrap()[0].clone();
    let json: serde_json::Value = serde_json::from_str(&env.json).unwrap();
    assert_eq!(json["envelope_id"], env.envelope_id);
    assert_eq!(json["kind"], "message");
    match &env.payload {
        OutboundPayload::Message { message } => {
            assert_eq!(message.text.as_deref(), Some("two"));
            assert!(message.need_read_receipt);
        }
        other => panic!("unexpected payload {other:?}"),
    }

    // Unacked envelopes are handed over again after the next login.
    c.logout().unwrap();
    got.lock().unwrap().clear();
    c.login("alice".into()).unwrap();
    assert!(c.flush_events(5000));
    assert_eq!(got.lock().unwrap().len(), 2);

    let ack = c
        .ack_outbound(env.envelope_id, 0, 1_700_000_500, 0)
        .unwrap();
    let stamped = ack.message.unwrap();
    assert_eq!(
        (stamped.status, stamped.server_time),
        (MessageStatus::Succeeded, 1_700_000_500)
    );
    assert!(matches!(
        c.ack_outbound(env.envelope_id, 0, 0, 0),
        Err(ImError::InvalidParam(_))
    ));
    assert_eq!(c.get_pending_outbound().unwrap().len(), 1);
    // A failed send stays, marked failed.
    let m = c
        .send_text_message("c2c_bob".into(), "three".into(), false)
        .unwrap();
    let pending = c.get_pending_outbound().unwrap();
    let id = pending.last().unwrap().envelope_id;
    let failed = c.ack_outbound(id, 80001, 0, 0).unwrap().message.unwrap();
    assert_eq!(
        (failed.message_id, failed.status),
        (m.message_id, MessageStatus::Failed)
    );
    c.clear_outbound_transport();
    let m = c
        .send_text_message("c2c_bob".into(), "four".into(), false)
        .unwrap();
    assert_eq!(m.status, MessageStatus::Succeeded);
}

#[test]
fn errors_name_the_variant_and_keep_core_codes() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let long = format!("c2c_{}", "x".repeat(296));
    let e = c.get_conversation(long).unwrap_err();
    assert!(matches!(e, ImError::InvalidParam(_)));
    assert_eq!(e.code(), 6017);
    let e = c.get_conversation("c2c_nobody".into()).unwrap_err();
    assert!(matches!(e, ImError::ConversationNotFound(_)), "{e:?}");
    assert_eq!(e.code(), 6004);
    assert!(e.to_string().contains("c2c_nobody"));
    assert!(matches!(
        c.login("other".into()),
        Err(ImError::InvalidParam(_))
    ));
    c.close();
    assert!(matches!(
        c.get_total_unread_count(),
        Err(ImError::NotLoggedIn(_))
    ));
    assert!(!c.flush_events(10));
}

#[test]
fn nim_ids_convert() {
    assert_eq!(
        conversation_id_from_nim("me|1|bob".into()).unwrap(),
        "c2c_bob"
    );
    assert_eq!(
        conversation_id_from_nim("me|3|a|b".into()).unwrap(),
        "group_a|b"
    );
    assert!(conversation_id_from_nim("bob".into()).is_err());
    assert!(conversation_id_from_nim("|1|bob".into()).is_err());
    assert_eq!(
        conversation_id_to_nim("me".into(), "group_g".into()).unwrap(),
        "me|2|g"
    );
    assert_eq!(
        parse_conversation_target_id("c2c_c2c_x".into()).unwrap(),
        "c2c_x"
    );
    assert_eq!(
        parse_conversation_type("c2c_x".into()).unwrap(),
        ConversationType::C2c
    );
}

#[test]
fn text_is_read_from_the_first_text_element() {
    assert_eq!(
        types::text_of(&types::text_body("hé \"q\"")).as_deref(),
        Some("hé \"q\"")
    );
    assert_eq!(types::text_of("{}"), None);
    assert_eq!(types::text_of("not json"), None);
}

struct GroupRec(Arc<Mutex<Vec<String>>>);

impl ConversationGroupListener for GroupRec {
    fn on_conversation_group_created(&self, group: ConversationGroup, ids: Vec<String>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("created {} {ids:?}", group.name));
    }
    fn on_conversation_group_deleted(&self, group_id: String) {
        self.0.lock().unwrap().push(format!("deleted {group_id}"));
    }
    fn on_conversation_group_changed(&self, old: String, group: ConversationGroup) {
        self.0
            .lock()
            .unwrap()
            .push(format!("changed {old} -> {}", group.name));
    }
    fn on_conversations_added_to_group(&self, group_id: String, ids: Vec<String>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("added {group_id} {ids:?}"));
    }
    fn on_conversations_removed_from_group(&self, group_id: String, ids: Vec<String>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("removed {group_id} {ids:?}"));
    }
}

#[test]
fn conversation_group_events() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let got = Arc::new(Mutex::new(Vec::new()));
    let _h = c.add_conversation_group_listener(Box::new(GroupRec(got.clone())));
    c.receive_messages(vec![
        msg("m1", "c2c_bob", "bob", 100, 0),
        msg("m2", "group_g", "bob", 101, 1),
    ])
    .unwrap();
    let res = c
        .create_conversation_group("work".into(), Some("ext".into()), vec!["c2c_bob".into()])
        .unwrap();
    assert_eq!(res.group.server_extension, "ext");
    c.add_conversations_to_group("work".into(), vec!["group_g".into()])
        .unwrap();
    c.remove_conversations_from_group("work".into(), vec!["c2c_bob".into()])
        .unwrap();
    c.rename_conversation_group("work".into(), "job".into())
        .unwrap();
    c.delete_conversation_group("job".into()).unwrap();
    assert!(c.flush_events(5000));
    assert_eq!(
        *got.lock().unwrap(),
        [
            "created work [\"c2c_bob\"]",
            "added work [\"group_g\"]",
            "removed work [\"c2c_bob\"]",
            "changed work -> job",
            "deleted job"
        ]
    );
}

#[test]
fn the_total_listener_is_silent_until_the_total_was_read_once_per_login() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(Rec::default());
    let _h = c.add_conversation_listener(Box::new(RecListener(rec.clone())));
    c.receive_messages(vec![msg("s1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    assert!(c.flush_events(5000));
    assert!(!log(&rec).iter().any(|l| l.starts_with("total")));
    assert_eq!(c.get_total_unread_count(), Ok(1));
    c.receive_messages(vec![msg("s2", "c2c_bob", "bob", 101, 0)])
        .unwrap();
    assert!(c.flush_events(5000));
    assert_eq!(
        log(&rec).iter().filter(|l| l.starts_with("total")).count(),
        1
    );
    assert!(log(&rec).contains(&"total 2".to_string()));
    // A new login starts silent again.
    c.logout().unwrap();
    c.login("me".into()).unwrap();
    c.receive_messages(vec![msg("s3", "c2c_bob", "bob", 102, 0)])
        .unwrap();
    assert!(c.flush_events(5000));
    assert!(!log(&rec).contains(&"total 3".to_string()));
    assert_eq!(c.get_total_unread_count(), Ok(3));
}

#[test]
fn dropping_the_client_stops_its_dispatcher() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(Rec::default());
    let h = c.add_conversation_listener(Box::new(RecListener(rec.clone())));
    assert_eq!(c.get_total_unread_count(), Ok(0));
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    // Queued events are still delivered, then the thread is joined.
    drop(c);
    assert_eq!(log(&rec), ["created c2c_bob", "total 1"]);
    // The listener was dropped with the client; the handle is inert.
    assert!(!h.is_active());
    assert_eq!(Arc::strong_count(&rec), 1);
}

#[test]
fn a_refused_envelope_undoes_its_change_and_reports_it() {
    let dir = tempdir();
    let c = client(&dir, "me");
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    let got = capture(&c, false);
    let rec = Arc::new(Rec::default());
    let _h = c.add_conversation_listener(Box::new(RecListener(rec.clone())));
    c.stick_top_conversation("c2c_bob".into(), true).unwrap();
    assert!(c.get_conversation("c2c_bob".into()).unwrap().stick_top);
    assert!(c.flush_events(5000));
    let env = got.lock().unwrap().last().cloned().unwrap();
    assert_eq!(env.kind, "pin");
    let ack = c.ack_outbound(env.envelope_id, 10007, 0, 0).unwrap();
    assert_eq!(ack.code, 10007);
    assert!(!c.get_conversation("c2c_bob".into()).unwrap().stick_top);
    assert!(c.flush_events(5000));
    let changed = log(&rec)
        .iter()
        .filter(|l| l.starts_with("changed"))
        .count();
    assert_eq!(changed, 2, "{:?}", log(&rec));
}

/// Issue 13.12: the typed face hands over the envelope JSON that
/// docs/TRANSPORT.md documents (the C ABI's shape), for every kind.
#[test]
fn outbound_json_has_the_documented_shape_on_the_typed_face() {
    let dir = tempdir();
    let c = client(&dir, "me");
    c.receive_messages(vec![
        msg("m1", "c2c_bob", "bob", 100, 0),
        msg("m2", "group_team", "bob", 100, 3),
    ])
    .unwrap();
    let got = capture(&c, false);
    c.clean_conversation_unread_message_count("c2c_bob".into(), 0, 0)
        .unwrap();
    c.stick_top_conversation("c2c_bob".into(), true).unwrap();
    c.mark_conversation(vec!["c2c_bob".into()], 1, true)
        .unwrap();
    c.set_receive_message_option("group_team".into(), ReceiveOption::NotNotify)
        .unwrap();
    c.set_conversation_custom_data(vec!["c2c_bob".into()], "d".into())
        .unwrap();
    c.create_conversation_group("friends".into(), None, vec!["c2c_bob".into()])
        .unwrap();
    c.delete_conversation("group_team".into(), false).unwrap();
    assert!(c.flush_events(5000));
    let got = got.lock().unwrap().clone();
    let kinds: Vec<&str> = got.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "read_position",
            "pin",
            "mark",
            "receive_opt",
            "custom_data",
            "conversation_group",
            "delete"
        ]
    );
    let pending = c.get_pending_outbound().unwrap();
    for (env, again) in got.iter().zip(&pending) {
        let v: serde_json::Value = serde_json::from_str(&env.json).unwrap();
        assert_eq!(v["kind"], env.kind.as_str());
        assert_eq!(v["envelope_id"], env.envelope_id);
        assert_eq!(env.json, again.json);
    }
    let v = |i: usize| serde_json::from_str::<serde_json::Value>(&got[i].json).unwrap();
    assert_eq!(v(0)["positions"][0]["conv_id"], "bob");
    assert_eq!(v(0)["positions"][0]["conv_type"], 1);
    assert_eq!(v(0)["positions"][0]["timestamp"], 100);
    assert_eq!(
        (v(1)["conv_id"].clone(), v(1)["is_pinned"].clone()),
        ("bob".into(), true.into())
    );
    assert_eq!(v(2)["conversation_id_array"][0], "c2c_bob");
    assert_eq!(
        (v(2)["mark_type"].clone(), v(2)["enable_mark"].clone()),
        (1.into(), true.into())
    );
    assert_eq!(
        (
            v(3)["conv_id"].clone(),
            v(3)["conv_type"].clone(),
            v(3)["opt"].clone()
        ),
        ("team".into(), 2.into(), 2.into())
    );
    assert_eq!(v(4)["custom_data"], "d");
    assert_eq!(
        (v(5)["op"].clone(), v(5)["group_name"].clone()),
        ("create".into(), "friends".into())
    );
    assert_eq!(v(6)["conversation_id_array"][0], "group_team");
    assert_eq!(v(6)["clear_message"], false);
}

/// Issue 13.13: `ClientConfig.dataDir` is created when missing (with its
/// parents), so the first login works.
#[test]
fn login_creates_a_missing_data_dir() {
    let dir = tempdir();
    let nested = dir.path().join("a").join("b");
    let c = ImClient::new(ClientConfig {
        data_dir: nested.to_string_lossy().into_owned(),
        app_id: 7,
        revoked_messages_count: false,
        count_marked_unread_as_one: false,
    })
    .unwrap();
    c.login("me".into()).unwrap();
    assert!(nested.is_dir());
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    assert_eq!(c.get_total_unread_count().unwrap(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&nested).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}

/// Issue 13.2 on the typed face: the ack's update time orders the accepted
/// change against a late, older snapshot.
#[test]
fn an_acks_update_time_orders_it_against_older_snapshots() {
    let dir = tempdir();
    let c = client(&dir, "me");
    c.receive_messages(vec![msg("m1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    capture(&c, false);
    c.stick_top_conversation("c2c_bob".into(), true).unwrap();
    let env = c.get_pending_outbound().unwrap().remove(0);
    c.ack_outbound_versioned(env.envelope_id, 0, 0, 0, 6)
        .unwrap();
    // A snapshot of version 5 (made before the pin) arrives late.
    c.receive_conversation_sync(vec![ConversationSyncState {
        conversation_id: "c2c_bob".into(),
        update_time: 5,
        group_type: None,
        read_timestamp: 0,
        read_sequence: 0,
        read_version: None,
        count_preference: None,
        stick_top: false,
        mark_types: 0,
        receive_option: None,
        group_ids: Vec::new(),
        custom_data: String::new(),
        server_extension: String::new(),
        deleted: false,
    }])
    .unwrap();
    assert!(c.get_conversation("c2c_bob".into()).unwrap().stick_top);
}

/// Records message-lifecycle events.
#[derive(Default)]
struct LifeRec(Mutex<Vec<String>>);

struct LifeListener(Arc<LifeRec>);

impl MessageLifecycleListener for LifeListener {
    fn on_messages_revoked(&self, revoked: Vec<RevokedMessageInfo>) {
        for r in revoked {
            self.0 .0.lock().unwrap().push(format!(
                "revoked {} {} by {}",
                r.conversation_id, r.message_id, r.revoker
            ));
        }
    }
    fn on_messages_modified(&self, messages: Vec<MessageInfo>) {
        for m in messages {
            self.0
                 .0
                .lock()
                .unwrap()
                .push(format!("modified {}", m.message_id));
        }
    }
    fn on_all_receive_option_changed(&self, option: AllReceiveOption) {
        self.0
             .0
            .lock()
            .unwrap()
            .push(format!("option {:?}", option.option));
    }
}

/// The message lifecycle on the typed face: counts follow deletes, clears
/// and revokes (also a revoke before its message, repeated); a refused revoke
/// restores; the envelopes' payloads and JSON; the lifecycle listener hears
/// each event once, and never after its handle closed.
#[test]
fn the_message_lifecycle_moves_counts_and_reaches_its_listener() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(LifeRec::default());
    let h = c.add_message_lifecycle_listener(Box::new(LifeListener(rec.clone())));
    let revoke = |id: &str| InboundRevoke {
        conversation_id: "c2c_bob".into(),
        message_id: id.into(),
        revoker: "bob".into(),
        reason: String::new(),
        time: 0,
    };
    c.receive_revokes(vec![revoke("m1")]).unwrap();
    c.receive_messages(vec![
        msg("m1", "c2c_bob", "bob", 100, 0),
        msg("m2", "c2c_bob", "bob", 101, 0),
        msg("m3", "c2c_bob", "bob", 102, 0),
    ])
    .unwrap();
    assert_eq!(c.get_total_unread_count().unwrap(), 2);
    c.receive_revokes(vec![revoke("m2"), revoke("m2")]).unwrap();
    assert_eq!(c.get_total_unread_count().unwrap(), 1);
    c.delete_messages("c2c_bob".into(), vec!["m3".into()], false)
        .unwrap();
    assert_eq!(c.get_total_unread_count().unwrap(), 0);
    assert!(matches!(
        c.delete_messages("c2c_bob".into(), vec!["nope".into()], false),
        Err(ImError::MessageNotFound(_))
    ));
    c.set_all_receive_option(AllReceiveOption {
        option: ReceiveOption::NotNotify,
        start_hour: 22,
        start_minute: 0,
        start_second: 0,
        start_time_stamp: 0,
        duration: 3600,
    })
    .unwrap();
    assert!(c.flush_events(5000));
    assert_eq!(
        *rec.0.lock().unwrap(),
        ["revoked c2c_bob m2 by bob", "option NotNotify"]
    );

    // With a transport: my revoke goes out, a refusal restores the count.
    c.receive_messages(vec![msg("m4", "c2c_bob", "bob", 103, 0)])
        .unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    c.set_outbound_transport(Box::new(Capture {
        got: got.clone(),
        panic: false,
    }))
    .unwrap();
    assert!(
        c.revoke_message("c2c_bob".into(), "m4".into(), "spam".into())
            .unwrap()
            .is_revoked
    );
    assert_eq!(c.get_total_unread_count().unwrap(), 0);
    assert!(c.flush_events(5000));
    let env = got.lock().unwrap().last().cloned().unwrap();
    assert_eq!(env.kind, "revoke");
    assert!(matches!(
        &env.payload,
        OutboundPayload::Revoke { message_id, reason, .. } if message_id == "m4" && reason == "spam"
    ));
    let v: serde_json::Value = serde_json::from_str(&env.json).unwrap();
    assert_eq!(v["msg_id"], "m4");
    c.ack_outbound(env.envelope_id, 10031, 0, 0).unwrap();
    assert_eq!(c.get_total_unread_count().unwrap(), 1);
    assert!(!c.get_message("m4".into()).unwrap().is_revoked);
    c.clear_history_messages("c2c_bob".into()).unwrap();
    assert_eq!(c.get_total_unread_count().unwrap(), 0);
    assert!(c.flush_events(5000));
    assert_eq!(got.lock().unwrap().last().unwrap().kind, "clear_history");
    h.close();
    c.receive_revokes(vec![InboundRevoke {
        conversation_id: "c2c_eve".into(),
        message_id: "e1".into(),
        revoker: "eve".into(),
        reason: String::new(),
        time: 0,
    }])
    .unwrap();
    c.receive_messages(vec![msg("e2", "c2c_eve", "eve", 104, 0)])
        .unwrap();
    c.receive_revokes(vec![InboundRevoke {
        conversation_id: "c2c_eve".into(),
        message_id: "e2".into(),
        revoker: "eve".into(),
        reason: String::new(),
        time: 0,
    }])
    .unwrap();
    assert!(c.flush_events(5000));
    assert_eq!(rec.0.lock().unwrap().len(), 2, "nothing after close");
    c.verify().unwrap();
}

// ------------------------------------------------ unread extensions (issue 15)

/// Records unread statuses and filter mention totals.
#[derive(Default)]
struct StatusRec(Mutex<Vec<String>>);

struct StatusListener(Arc<StatusRec>);

impl UnreadStatusListener for StatusListener {
    fn on_unread_status_changed(&self, s: UnreadStatus) {
        self.0 .0.lock().unwrap().push(format!(
            "status {} {} {}",
            s.unread_count, s.unread_mention_count, s.synced
        ));
    }
    fn on_unread_mention_count_changed_by_filter(&self, _f: ConversationFilter, n: u64) {
        self.0
             .0
            .lock()
            .unwrap()
            .push(format!("filter mentions {n}"));
    }
}

/// A transport that accepts every envelope at once and keeps its JSON.
struct Accept(Arc<ImClient>, Arc<Mutex<Vec<String>>>);

impl OutboundTransport for Accept {
    fn send(&self, e: OutboundEnvelope) {
        self.1.lock().unwrap().push(e.json.clone());
        let _ = self.0.ack_outbound(e.envelope_id, 0, 0, 0);
    }
}

#[test]
fn mentions_mark_unread_preferences_and_the_explanation_on_the_typed_face() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(StatusRec::default());
    let _h = c.add_unread_status_listener(Box::new(StatusListener(rec.clone())));
    let sent = Arc::new(Mutex::new(Vec::new()));
    c.set_outbound_transport(Box::new(Accept(c.clone(), sent.clone())))
        .unwrap();
    let mut at_me = msg("t2", "group_team", "bob", 1_700_000_002, 2);
    at_me.at_user_ids = vec!["me".into()];
    c.receive_messages(vec![
        msg("t1", "group_team", "bob", 1_700_000_001, 1),
        at_me,
    ])
    .unwrap();
    let mention_filter = ConversationFilter {
        has_unread_mention: Some(true),
        ..Default::default()
    };
    assert_eq!(
        c.subscribe_unread_count_by_filter(mention_filter.clone()),
        Ok(2)
    );
    assert_eq!(
        c.get_unread_mention_count_by_filter(mention_filter.clone()),
        Ok(1)
    );
    let s = c.get_unread_status().unwrap();
    assert_eq!(
        (s.unread_count, s.unread_mention_count, s.synced),
        (2, 1, false)
    );
    let conv = c.get_conversation("group_team".into()).unwrap();
    assert_eq!((conv.unread_mention_count, conv.badge), (1, 2));

    c.clear_total_unread_count().unwrap();
    assert_eq!(
        c.mark_conversation_unread_from("group_team".into(), "t2".into()),
        Ok(1)
    );
    assert!(
        c.get_conversation("group_team".into())
            .unwrap()
            .read_version
            > 0
    );
    assert!(matches!(
        c.mark_conversation_unread_from("group_team".into(), "nope".into()),
        Err(ImError::MessageNotFound(_))
    ));
    c.set_count_preference("group_team".into(), CountPreference::MentionsOnly)
        .unwrap();
    assert_eq!(
        c.get_count_preference("group_team".into()),
        Ok(CountPreference::MentionsOnly)
    );
    let x = c.explain_unread("group_team".into()).unwrap();
    assert_eq!((x.unread_count, x.badge), (1, 1));
    assert_eq!(x.counted[0].message_id, "t2");
    assert!(x.counted[0].mention);
    assert_eq!(x.total_reason, TotalReason::MentionsOnly);
    assert_eq!(x.last_move.unwrap().source, ReadMoveSource::MarkUnread);
    assert!(x
        .not_counted
        .iter()
        .any(|m| m.reason == Some(NotCountedReason::BeforeReadPosition)));
    // Another device's position: a lower version changes nothing, a higher
    // one moves back to "nothing read".
    let v = c
        .get_conversation("group_team".into())
        .unwrap()
        .read_version;
    c.receive_read_position_versioned("group_team".into(), 0, 2, Some(v - 1))
        .unwrap();
    assert_eq!(
        c.get_conversation("group_team".into())
            .unwrap()
            .unread_count,
        1
    );
    c.receive_read_position_versioned("group_team".into(), 0, 0, Some(v + 1))
        .unwrap();
    assert_eq!(
        c.get_conversation("group_team".into())
            .unwrap()
            .unread_count,
        2
    );
    c.receive_read_position_versioned("group_team".into(), 0, 1, Some(v + 1))
        .unwrap();
    c.receive_sync_phase(SyncPhase::Finished, String::new())
        .unwrap();
    assert!(c.get_unread_status().unwrap().synced);
    assert!(c.flush_events(5000));
    let log = rec.0.lock().unwrap().clone();
    assert_eq!(
        log,
        [
            "status 2 1 false",
            // (subscribed after that)
            "status 0 0 false",
            "filter mentions 0",
            "status 1 1 false",
            "filter mentions 1",
            "status 1 1 true",
        ]
    );
    let sent = sent.lock().unwrap().clone();
    assert!(
        sent.iter()
            .any(|j| j.contains("\"kind\":\"count_pref\"") && j.contains("\"pref\":1")),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .any(|j| j.contains("\"read_version\":") && j.contains("\"sequence\":1")),
        "{sent:?}"
    );
}

#[test]
fn modify_returns_the_edit_at_once_and_applies_it_when_the_server_accepts() {
    let dir = tempdir();
    let c = client(&dir, "me");
    let rec = Arc::new(LifeRec::default());
    let h = c.add_message_lifecycle_listener(Box::new(LifeListener(rec.clone())));
    c.receive_messages(vec![msg("e1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    let got = capture(&c, false);
    let edit = r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"v2"}]}"#;
    // The message as it will stand, as the C face's callback reports it.
    let m = c
        .modify_message("c2c_bob".into(), "e1".into(), edit.into())
        .unwrap();
    assert_eq!(m.text.as_deref(), Some("v2"));
    // Stored and announced only when the server accepts.
    assert_eq!(
        c.get_message("e1".into()).unwrap().text.as_deref(),
        Some("hi")
    );
    assert!(c.flush_events(5000));
    assert!(rec.0.lock().unwrap().is_empty());
    let env = got.lock().unwrap().last().cloned().unwrap();
    assert_eq!(env.kind, "modify_message");
    c.ack_outbound(env.envelope_id, 0, 0, 0).unwrap();
    assert_eq!(
        c.get_message("e1".into()).unwrap().text.as_deref(),
        Some("v2")
    );
    assert!(c.flush_events(5000));
    assert_eq!(*rec.0.lock().unwrap(), ["modified e1"]);
    // A refused edit changes nothing, though the call returned the edit.
    let m = c
        .modify_message("c2c_bob".into(), "e1".into(), edit.replace("v2", "v3"))
        .unwrap();
    assert_eq!(m.text.as_deref(), Some("v3"));
    assert!(c.flush_events(5000));
    let env = got.lock().unwrap().last().cloned().unwrap();
    c.ack_outbound(env.envelope_id, 10031, 0, 0).unwrap();
    assert_eq!(
        c.get_message("e1".into()).unwrap().text.as_deref(),
        Some("v2")
    );
    h.close();
    c.verify().unwrap();
}

#[test]
fn a_revoked_unread_message_keeps_counting_when_configured() {
    let dir = tempdir();
    let c = ImClient::new(ClientConfig {
        data_dir: dir.path().to_string_lossy().into_owned(),
        app_id: 7,
        revoked_messages_count: true,
        count_marked_unread_as_one: false,
    })
    .unwrap();
    c.login("me".into()).unwrap();
    c.receive_messages(vec![msg("r1", "c2c_bob", "bob", 100, 0)])
        .unwrap();
    c.receive_revokes(vec![InboundRevoke {
        conversation_id: "c2c_bob".into(),
        message_id: "r1".into(),
        revoker: "bob".into(),
        reason: String::new(),
        time: 0,
    }])
    .unwrap();
    assert!(c.get_message("r1".into()).unwrap().is_revoked);
    assert_eq!(c.get_total_unread_count().unwrap(), 1);
    // The default (the lifecycle test above): it stops counting.
    c.verify().unwrap();
}
