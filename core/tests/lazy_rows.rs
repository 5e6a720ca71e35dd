//! Receives leave conversation rows and message keys to a later flush
//! (docs/ENGINE.md, "Lazy rows"): what the store holds in between, when the
//! flush happens, and what an open after a crash re-derives.

mod common;
use common::*;
use imcore::store;
use rusqlite::Connection;

const APP: u64 = 1400000000;

/// A second connection on the engine's store, as an inspector.
fn peek(te: &TestEngine) -> Connection {
    let path = store::db_path(te.dir.path(), APP, te.user_id()).unwrap();
    Connection::open(path).unwrap()
}

/// The stored `unread` column of C2C conversation `peer`.
fn stored_unread(c: &Connection, peer: &str) -> i64 {
    c.query_row(
        "SELECT unread FROM conversation WHERE conv_type = 1 AND peer = ?1",
        [peer],
        |r| r.get(0),
    )
    .unwrap()
}

fn rows_upto(c: &Connection) -> i64 {
    c.query_row(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rows_upto'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn keys(c: &Connection) -> i64 {
    c.query_row("SELECT count(*) FROM message_key", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_receive_leaves_rows_and_keys_to_the_next_other_operation() {
    let mut te = engine("alice");
    te.receive(vec![
        from_peer("m1", "bob", 100),
        from_peer("m2", "bob", 101),
        from_peer("m3", "carol", 102),
    ])
    .unwrap();
    let c = peek(&te);
    // Memory (and everything a caller sees) is current...
    assert_eq!(te.unread_of(&c2c("bob")).unwrap(), 2);
    assert!(te.message_by_id("m2").unwrap().is_some());
    // ...the rows and the key table are not yet.
    assert_eq!(stored_unread(&c, "bob"), 0);
    assert_eq!((keys(&c), rows_upto(&c)), (0, 0));
    te.verify().unwrap();

    // Any other operation writes them, in its own transaction.
    te.pin_conversation(&c2c("carol"), true).unwrap();
    assert_eq!(stored_unread(&c, "bob"), 2);
    assert_eq!(stored_unread(&c, "carol"), 1);
    assert_eq!((keys(&c), rows_upto(&c)), (3, 3));
    te.verify().unwrap();
}

#[test]
fn a_crash_loses_nothing_the_receive_reported() {
    let mut te = engine("alice");
    te.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    te.pin_conversation(&c2c("bob"), true).unwrap(); // rows written up to m1
    te.set_now(1_700_000_500);
    te.receive(vec![
        from_peer("m2", "bob", 200),
        from_peer("m3", "carol", 201),
    ])
    .unwrap();
    let before: Vec<_> = te.all_conversations().unwrap();
    assert_eq!(te.total_unread(), 3);

    // Killed before anything wrote the rows: the open replays m2 and m3.
    let mut te = te.crash_reopen_with(|_| {});
    te.verify().unwrap();
    assert_eq!(te.total_unread(), 3);
    let after = te.all_conversations().unwrap();
    let strip = |v: &[imcore::Conversation]| -> Vec<String> {
        v.iter()
            .map(|c| {
                format!(
                    "{} unread={} order={} pinned={} last={:?}",
                    c.key,
                    c.unread,
                    c.order_key,
                    c.pinned,
                    c.last_message.as_ref().map(|m| m.msg_id.clone())
                )
            })
            .collect()
    };
    assert_eq!(strip(&after), strip(&before));
    // The tail's ids are known again: found, and duplicates refused.
    assert!(te.message_by_id("m3").unwrap().is_some());
    let r = te.receive(vec![from_peer("m2", "bob", 200)]).unwrap();
    assert_eq!((r.stored, r.duplicates), (0, 1));
    // A clean close writes everything: nothing left to replay.
    let te = te.reopen();
    let c = peek(&te);
    assert_eq!(stored_unread(&c, "bob"), 2);
    assert_eq!(keys(&c), 3);
    te.verify().unwrap();
}

#[test]
fn the_tail_is_flushed_before_it_passes_the_configured_size() {
    let mut te = engine_with("alice", |c| c.lazy_row_messages = 5);
    te.receive(vec![
        from_peer("m1", "bob", 100),
        from_peer("m2", "bob", 101),
    ])
    .unwrap();
    let c = peek(&te);
    assert_eq!(stored_unread(&c, "bob"), 0, "2 pending: deferred");
    te.receive(vec![
        from_peer("m3", "bob", 102),
        from_peer("m4", "bob", 103),
        from_peer("m5", "bob", 104),
        from_peer("m6", "bob", 105),
    ])
    .unwrap();
    assert_eq!(stored_unread(&c, "bob"), 6, "6 > 5 pending: written");
    assert_eq!((keys(&c), rows_upto(&c)), (6, 6));
    te.verify().unwrap();

    // 0 = rows written with every receive.
    let mut te = engine_with("alice", |c| c.lazy_row_messages = 0);
    te.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    assert_eq!(stored_unread(&peek(&te), "bob"), 1);
}

#[test]
fn a_stale_conversation_reports_the_time_of_its_last_change() {
    let mut te = engine("alice");
    te.set_now(1_700_000_100);
    te.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    te.pin_conversation(&c2c("carol"), true).unwrap_err(); // unknown: nothing written
    te.set_now(1_700_000_200);
    te.receive(vec![from_peer("m2", "bob", 101)]).unwrap();
    te.set_now(1_700_000_300);
    assert_eq!(
        te.conversation(&c2c("bob")).unwrap().update_time,
        1_700_000_200
    );
    // Written by an operation on another conversation: the same time.
    te.receive(vec![from_peer("m3", "dave", 102)]).unwrap();
    te.pin_conversation(&c2c("dave"), true).unwrap();
    assert_eq!(
        te.conversation(&c2c("bob")).unwrap().update_time,
        1_700_000_200
    );
}

#[test]
fn deleting_messages_deletes_their_keys_in_the_table_and_the_tail() {
    let mut te = engine("alice");
    te.receive(vec![from_peer("old", "bob", 100)]).unwrap();
    te.create_conversation(&c2c("carol")).unwrap(); // flushes: "old" in the table
    te.receive(vec![from_peer("new", "bob", 101)]).unwrap(); // "new" in the tail
    te.delete_conversation(&c2c("bob"), true).unwrap();
    te.verify().unwrap();
    assert!(te.message_by_id("old").unwrap().is_none());
    assert!(te.message_by_id("new").unwrap().is_none());
    assert_eq!(keys(&peek(&te)), 0);
    // The ids stay repeats (issue 13.7): the delete read them, nothing
    // comes back.
    let r = te
        .receive(vec![
            from_peer("old", "bob", 100),
            from_peer("new", "bob", 101),
        ])
        .unwrap();
    assert_eq!((r.stored, r.duplicates), (0, 2));
    assert_eq!(te.total_unread(), 0);
    te.verify().unwrap();
}
