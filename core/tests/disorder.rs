//! Disorder at the engine: skewed clocks, receipts that name the wrong
//! conversation or no known one, receipts for messages that never arrive,
//! and a push checked whole before any of it applies. The C ABI side of the
//! same rules is tests/c/test_disorder.c; the rules are in docs/ENGINE.md,
//! "Disorder".

mod common;
use common::*;
use imcore::engine::{Inbound, InboundReceipt, RosterOp};
use imcore::{CleanTarget, EngineConfig, Error, MsgStatus, OutgoingMessage};

const NOW: u64 = 1_700_000_000;

fn outgoing(conv: imcore::ConvKey) -> OutgoingMessage {
    OutgoingMessage {
        conv,
        need_read_receipt: false,
        excluded_from_unread: false,
        excluded_from_last_message: false,
        at_users: Vec::new(),
        body: "{}".into(),
    }
}

fn store_rows(e: &TestEngine, sql: &str) -> i64 {
    let path = imcore::store::db_path(e.dir.path(), 1400000000, e.user_id()).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn order(e: &TestEngine) -> Vec<String> {
    e.all_conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.key.peer)
        .collect()
}

#[test]
fn a_future_stamped_message_does_not_hide_later_ones() {
    let mut e = engine("me");
    e.receive(vec![
        from_peer("a", "bob", NOW - 100),
        from_peer("b", "bob", NOW - 50),
    ])
    .unwrap();
    // Years ahead: ordered as if it arrived now.
    e.receive(vec![from_peer("f", "bob", NOW + 10 * 365 * 86_400)])
        .unwrap();
    e.clean_unread(&CleanTarget::Conversation(c2c("bob")), 0, 0)
        .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 0);
    e.receive(vec![
        from_peer("n1", "bob", NOW - 30),
        from_peer("n2", "bob", NOW),
    ])
    .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
    let c = &e.all_conversations().unwrap()[0];
    assert_eq!(c.last_message.as_ref().unwrap().msg_id, "n2");
    // It is stored with the latest time trusted.
    assert_eq!(e.message_by_id("f").unwrap().unwrap().server_time, NOW + 60);
    // Within the tolerance a time is trusted as it is.
    e.receive(vec![from_peer("t", "bob", NOW + 59)]).unwrap();
    assert_eq!(
        e.all_conversations().unwrap()[0]
            .last_message
            .as_ref()
            .unwrap()
            .msg_id,
        "t"
    );
    e.verify().unwrap();
    // The same after a crash (the rows are re-derived from the messages).
    let e = e.crash_reopen_with(|_| {});
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 3);
    e.verify().unwrap();
}

#[test]
fn a_local_read_stops_at_the_newest_stored_message() {
    let mut e = engine("me");
    e.receive(vec![from_peer("a", "eve", NOW - 10)]).unwrap();
    // Cleaning up to an hour ahead reads what is stored…
    e.clean_unread(&CleanTarget::Conversation(c2c("eve")), NOW + 3600, 0)
        .unwrap();
    assert_eq!(e.unread_of(&c2c("eve")).unwrap(), 0);
    // …not what arrives after it.
    e.receive(vec![from_peer("b", "eve", NOW)]).unwrap();
    assert_eq!(e.unread_of(&c2c("eve")).unwrap(), 1);
    // A group: a sequence past the newest stored one reads up to that one.
    e.receive(vec![in_group("g1", "team", "dan", 3)]).unwrap();
    e.clean_unread(&CleanTarget::Conversation(group("team")), 0, 100)
        .unwrap();
    e.receive(vec![in_group("g2", "team", "dan", 4)]).unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 1);
    // Another device's position is not limited: it may have seen more.
    e.apply_read_position(&group("team"), 0, 100).unwrap();
    e.receive(vec![in_group("g3", "team", "dan", 50)]).unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 0);
    e.verify().unwrap();
}

#[test]
fn a_far_future_group_message_does_not_hold_the_top_of_the_list() {
    let mut e = engine("me");
    let mut m = in_group("g", "team", "dan", 1);
    m.server_time = NOW + 10 * 365 * 86_400;
    e.receive(vec![m]).unwrap();
    e.receive(vec![from_peer("a", "bob", NOW)]).unwrap();
    assert_eq!(order(&e), ["team", "bob"]);
    // Once the clock passes the tolerance a newer message goes above it.
    e.set_now(NOW + 120);
    e.receive(vec![from_peer("b", "bob", NOW + 120)]).unwrap();
    assert_eq!(order(&e), ["bob", "team"]);
    e.verify().unwrap();
}

#[test]
fn the_list_orders_a_synced_history_by_its_newest_messages() {
    let mut e = engine("me");
    e.receive(vec![from_peer("a", "old", NOW - 7300)]).unwrap();
    e.receive(vec![from_peer("b", "newer", NOW - 7100)])
        .unwrap();
    e.receive(vec![from_peer("c", "mid", NOW - 7200)]).unwrap();
    assert_eq!(order(&e), ["newer", "mid", "old"]);
    // A conversation made by hand is active from when it was made.
    e.create_conversation(&c2c("fresh")).unwrap();
    assert_eq!(order(&e)[0], "fresh");
    e.verify().unwrap();
}

#[test]
fn the_server_time_corrects_a_skewed_device_clock() {
    let mut e = engine("me");
    // The device is an hour ahead of the server.
    e.observe_server_time(NOW - 3600);
    assert_eq!(e.now(), NOW - 3600);
    let sent = e
        .send_message("s1", outgoing(c2c("bob")), MsgStatus::SendSucc)
        .unwrap();
    assert_eq!(sent.server_time, NOW - 3600);
    // A peer's message of the server's now is after my message, not before.
    e.receive(vec![from_peer("p", "bob", NOW - 3599)]).unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1);
    // Times out of range are ignored.
    e.observe_server_time(0);
    e.observe_server_time(u64::MAX);
    assert_eq!(e.now(), NOW - 3600);
    e.verify().unwrap();
}

#[test]
fn the_last_group_sequence_has_no_successor() {
    let mut e = engine("me");
    let mut last = in_group("g", "team", "dan", 1);
    last.seq = i64::MAX as u64;
    e.receive(vec![last]).unwrap();
    let r = e.send_message("s", outgoing(group("team")), MsgStatus::SendSucc);
    assert!(matches!(r, Err(Error::LimitExceeded(_))), "{r:?}");
    assert!(e.message_by_id("s").unwrap().is_none());
    e.verify().unwrap();
}

fn receipt(conv: imcore::ConvKey, msg: &str, reader: &str) -> InboundReceipt {
    InboundReceipt {
        conv,
        msg_id: msg.into(),
        reader: reader.into(),
        timestamp: NOW,
    }
}

#[test]
fn receipts_for_unknown_conversations_show_nothing() {
    let mut e = engine("me");
    let batch = (0..300)
        .map(|i| receipt(c2c(&format!("ghost{i}")), "", &format!("ghost{i}")))
        .collect();
    e.apply_receipts(batch).unwrap();
    assert!(e.all_conversations().unwrap().is_empty());
    assert!(e.drain_changes().iter().all(|c| c.added.is_empty()));
    e.verify().unwrap();
}

#[test]
fn receipts_for_messages_that_never_arrive_are_bounded() {
    fn small(c: &mut EngineConfig) {
        c.pending_receipts_max = 5;
    }
    let mut e = engine_with("me", small);
    e.set_group_members(
        &group("team"),
        None,
        RosterOp::Set,
        &["me".into(), "dan".into()],
    )
    .unwrap();
    e.receive(vec![in_group("x", "team", "dan", 1)]).unwrap();
    for chunk in 0..4 {
        let batch = (0..10)
            .map(|i| InboundReceipt {
                timestamp: NOW + chunk * 10 + i,
                ..receipt(group("team"), &format!("never{chunk}-{i}"), "dan")
            })
            .collect();
        e.apply_receipts(batch).unwrap();
    }
    assert_eq!(store_rows(&e, "SELECT count(*) FROM receipt"), 5);
    // The newest are kept: a late message still finds its receipt.
    let mut mine = in_group("never3-9", "team", "me", 2);
    mine.from_self = true;
    e.receive(vec![mine]).unwrap();
    assert_eq!(e.message_by_id("never3-9").unwrap().unwrap().read_count, 1);
    // Settled receipts no longer count against the bound.
    e.apply_receipts(
        (0..10)
            .map(|i| receipt(group("team"), &format!("later{i}"), "dan"))
            .collect(),
    )
    .unwrap();
    assert_eq!(
        store_rows(&e, "SELECT count(*) FROM receipt WHERE msg_id = 'never3-9'"),
        1
    );
    assert_eq!(
        store_rows(&e, "SELECT count(*) FROM receipt WHERE pending = 1"),
        5
    );
    e.verify().unwrap();
}

#[test]
fn a_push_is_checked_whole_before_anything_applies() {
    let mut e = engine("me");
    let before = e.all_conversations().unwrap();
    let items = vec![
        Inbound::Message(from_peer("ok", "bob", NOW)),
        Inbound::ReadPosition {
            conv: c2c("bob"),
            timestamp: 99_999_999_999,
            sequence: 0,
            version: None,
        },
    ];
    let err = e.apply_inbound(items).unwrap_err();
    assert!(matches!(err, Error::InvalidParam(_)));
    assert!(
        err.to_string().contains("[1] read_position: c2c_bob"),
        "{err}"
    );
    assert_eq!(e.all_conversations().unwrap(), before);
    assert!(e.message_by_id("ok").unwrap().is_none());
    assert!(e.drain_changes().is_empty());
    // Too long a message is refused with its index.
    let mut big = from_peer("big", "bob", NOW);
    big.body = format!("{{\"t\":\"{}\"}}", "a".repeat(40 * 1024));
    let err = e
        .apply_inbound(vec![
            Inbound::Message(from_peer("ok", "bob", NOW)),
            Inbound::Message(big),
        ])
        .unwrap_err();
    assert!(matches!(err, Error::LimitExceeded(_)), "{err}");
    assert!(
        err.to_string().contains("[1] message: message \"big\""),
        "{err}"
    );
    assert!(e.message_by_id("ok").unwrap().is_none());
}

#[cfg(unix)]
#[test]
fn the_store_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mut e = engine("me");
    e.receive(vec![from_peer("a", "bob", NOW)]).unwrap();
    for entry in std::fs::read_dir(e.dir.path()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", entry.path().display());
    }
}

#[test]
fn a_pending_send_does_not_carry_a_clock_that_runs_ahead() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    e.receive(vec![from_peer("a", "bob", NOW - 100)]).unwrap();
    // The device clock is a minute ahead of the server; no server time yet.
    e.set_now(NOW + 60);
    e.send_message("s1", outgoing(c2c("bob")), MsgStatus::Sending)
        .unwrap();
    e.clean_unread(&CleanTarget::Conversation(c2c("bob")), 0, 0)
        .unwrap();
    // The clean announced what is stored, not the device's minute ahead.
    let env = e.outbox().unwrap();
    let announced = env
        .iter()
        .find_map(|o| match &o.item {
            imcore::engine::Outbound::ReadPositions { positions } => Some(positions[0].timestamp),
            _ => None,
        })
        .unwrap();
    assert_eq!(announced, NOW - 100);
    // A peer message the server stamps now counts here as on every device.
    e.receive(vec![from_peer("b", "bob", NOW + 30)]).unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1);
    e.verify().unwrap();
}

#[test]
fn a_refused_send_is_never_peer_read() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    e.send_message("s1", outgoing(c2c("bob")), MsgStatus::Sending)
        .unwrap();
    let env = e.outbox().unwrap()[0].envelope_id;
    e.ack_outbound(env, 20007, 0, 0).unwrap();
    e.apply_receipts(vec![receipt(c2c("bob"), "", "bob")])
        .unwrap();
    let m = e.message_by_id("s1").unwrap().unwrap();
    assert_eq!(m.status, MsgStatus::SendFail);
    assert!(!m.is_peer_read);
    e.verify().unwrap();
}
