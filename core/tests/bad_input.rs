//! Bad input: every public `Engine` function given bad input returns a
//! typed `imcore::Error` of the right variant and changes nothing — not the
//! conversation list, not the total, not a row of the store (compared table
//! by table through a second, read-only connection), and no event is queued.

mod common;
use common::*;
use imcore::{
    marks, message, CleanTarget, ConvKey, ConvType, ConversationFilter, Engine, EngineConfig,
    Error, GroupType, IncomingMessage, MsgStatus, OutgoingMessage, ReceiveOpt,
};
use rusqlite::{Connection, OpenFlags};

const USER: &str = "alice";
const APP: u64 = 1400000000;

fn tweak(c: &mut EngineConfig) {
    c.pin_limit = 2;
    c.receive_batch_max = 50;
    c.group_limit = 3;
}

/// Everything an operation could change.
#[derive(Debug, PartialEq)]
struct Snapshot {
    conversations: Vec<imcore::Conversation>,
    total: u64,
    groups: Vec<imcore::ConversationGroup>,
    subscriptions: Vec<ConversationFilter>,
    /// Every row of every table, through a second connection.
    rows: Vec<String>,
}

fn dump(te: &TestEngine) -> Vec<String> {
    let path = imcore::store::db_path(te.dir.path(), APP, USER).unwrap();
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let vals: Vec<rusqlite::types::Value> =
                    (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{t}: {vals:?}"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.extend(rows);
    }
    out
}

fn snapshot(te: &TestEngine) -> Snapshot {
    te.verify().unwrap();
    Snapshot {
        conversations: te.all_conversations().unwrap(),
        total: te.total_unread(),
        groups: te.conversation_groups(),
        subscriptions: te.subscriptions(),
        rows: dump(te),
    }
}

/// `$call` fails with an error matching `$variant` and changes nothing.
macro_rules! rejects {
    ($te:ident, $variant:pat, $call:expr) => {{
        let before = snapshot(&$te);
        let got = $call;
        match &got {
            Err(e) => {
                assert!(
                    matches!(e, $variant),
                    "{}: expected {}, got {e:?}",
                    stringify!($call),
                    stringify!($variant)
                );
                assert!(!e.to_string().is_empty());
            }
            Ok(v) => panic!(
                "{}: expected {}, got Ok({v:?})",
                stringify!($call),
                stringify!($variant)
            ),
        }
        assert_eq!(
            snapshot(&$te),
            before,
            "{} changed state",
            stringify!($call)
        );
        assert!(
            $te.drain_changes().is_empty(),
            "{} queued events",
            stringify!($call)
        );
    }};
}

/// `$call` succeeds, reporting every id in `$ids` as a per-id failure with
/// the "conversation not found" code, and changes nothing.
macro_rules! fails_each {
    ($te:ident, $ids:expr, $call:expr) => {{
        let before = snapshot(&$te);
        let failures = $call.unwrap_or_else(|e| panic!("{}: {e}", stringify!($call)));
        let ids: Vec<String> = failures.iter().map(|f| f.id.clone()).collect();
        let want: Vec<String> = $ids.iter().map(|k: &ConvKey| k.v2_id()).collect();
        assert_eq!(ids, want, "{}", stringify!($call));
        for f in &failures {
            assert_eq!(f.code, 6004, "{f:?}");
            assert!(!f.message.is_empty());
        }
        assert_eq!(
            snapshot(&$te),
            before,
            "{} changed state",
            stringify!($call)
        );
        assert!($te.drain_changes().is_empty());
    }};
}

/// A store with C2C and group conversations, my own message, a deleted
/// conversation, two pins (the limit), a conversation group and a
/// subscription.
fn fixture() -> TestEngine {
    let mut e = engine_with(USER, tweak);
    let mut at = in_group("g2", "team", "dave", 2);
    at.at_users = vec![USER.into()];
    e.receive(vec![
        from_peer("b1", "bob", 100),
        from_peer("b2", "bob", 101),
        from_peer("c1", "carol", 100),
        from_peer("d1", "dan", 100),
        in_group("g1", "team", "dave", 1),
        at,
        in_group("g3", "team", "dave", 3),
    ])
    .unwrap();
    e.send_message("mine", outgoing(c2c("bob")), MsgStatus::SendSucc)
        .unwrap();
    e.delete_conversation(&c2c("dan"), false).unwrap();
    e.pin_conversation(&c2c("bob"), true).unwrap();
    e.pin_conversation(&group("team"), true).unwrap();
    e.create_group("friends", "", &[c2c("bob")]).unwrap();
    e.mark_conversations(&[c2c("carol")], marks::STAR, true)
        .unwrap();
    e.set_receive_opt(&c2c("carol"), ReceiveOpt::NotNotify)
        .unwrap();
    e.subscribe_filter(&ConversationFilter::of_type(ConvType::C2c))
        .unwrap();
    e.drain_changes();
    assert_eq!(e.total_unread(), 5);
    e
}

fn outgoing(conv: ConvKey) -> OutgoingMessage {
    OutgoingMessage {
        conv,
        need_read_receipt: false,
        excluded_from_unread: false,
        excluded_from_last_message: false,
        at_users: vec![],
        body: "{}".into(),
    }
}

/// Keys built without validation (the fields are public).
fn raw(conv_type: ConvType, peer: &str) -> ConvKey {
    ConvKey {
        conv_type,
        peer: peer.to_owned(),
    }
}

fn malformed_peers() -> Vec<String> {
    vec![String::new(), "a\0b".into(), "x".repeat(300)]
}

#[test]
fn unknown_and_deleted_conversations() {
    let mut e = fixture();
    for k in [c2c("nobody"), group("nothing"), c2c("dan")] {
        rejects!(e, Error::ConversationNotFound(_), e.unread_of(&k));
        rejects!(e, Error::ConversationNotFound(_), e.conversation(&k));
        rejects!(e, Error::ConversationNotFound(_), e.read_mark(&k));
        rejects!(e, Error::ConversationNotFound(_), e.messages(&k, None, 10));
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.delete_conversation(&k, true)
        );
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.pin_conversation(&k, true)
        );
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.set_server_extension(&k, "x")
        );
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.set_local_extension(&k, "x")
        );
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.set_draft(&k, Some(("draft", 0)))
        );
        rejects!(e, Error::ConversationNotFound(_), e.set_draft(&k, None));
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.clean_unread(&CleanTarget::Conversation(k.clone()), 0, 0)
        );
        rejects!(
            e,
            Error::ConversationNotFound(_),
            e.mark_conversation_read(&k)
        );
        // Batch calls report the unknown ids one by one and do the rest.
        let ks = [k.clone()];
        fails_each!(e, ks, e.mark_conversations(&ks, marks::STAR, true));
        fails_each!(e, ks, e.set_custom_data(&ks, "data"));
        fails_each!(e, ks, e.delete_conversations(&ks, true));
        fails_each!(e, ks, e.clear_unread_by_ids(&ks));
        fails_each!(e, ks, e.add_to_group("friends", &ks));
        fails_each!(e, ks, e.remove_from_group("friends", &ks));
    }
    // Unknown ids add nothing to a sum.
    assert_eq!(e.unread_by_ids(&[c2c("nobody"), c2c("dan")]).unwrap(), 0);
    // A message id that is not stored.
    rejects!(
        e,
        Error::MessageNotFound(_),
        e.messages(&c2c("bob"), Some("nope"), 10)
    );
    rejects!(
        e,
        Error::MessageNotFound(_),
        e.messages(&c2c("bob"), Some("c1"), 10)
    );
    rejects!(
        e,
        Error::MessageNotFound(_),
        e.complete_send("nope", true, 200, 0)
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.complete_send("b1", true, 200, 0)
    );
    assert_eq!(e.message_by_id("nope").unwrap(), None);
}

#[test]
fn malformed_ids() {
    let mut e = fixture();
    for peer in malformed_peers() {
        for t in [ConvType::C2c, ConvType::Group] {
            assert!(matches!(
                ConvKey::new(t, peer.as_str()),
                Err(Error::InvalidParam(_))
            ));
            let prefix = if t == ConvType::C2c { "c2c_" } else { "group_" };
            assert!(matches!(
                CleanTarget::parse(&format!("{prefix}{peer}")),
                Err(Error::InvalidParam(_))
            ));
            let k = raw(t, &peer);
            // Calls that would create a conversation refuse the id ...
            rejects!(e, Error::InvalidParam(_), e.create_conversation(&k));
            rejects!(
                e,
                Error::InvalidParam(_),
                e.set_receive_opt(&k, ReceiveOpt::NotNotify)
            );
            rejects!(e, Error::InvalidParam(_), e.apply_read_position(&k, 100, 1));
            rejects!(
                e,
                Error::InvalidParam(_),
                e.send_message("s-new", outgoing(k.clone()), MsgStatus::SendSucc)
            );
            let m = IncomingMessage::new("new", k.clone(), "bob", 100, 1);
            rejects!(e, Error::InvalidParam(_), e.receive(vec![m]));
            if t == ConvType::Group {
                rejects!(
                    e,
                    Error::InvalidParam(_),
                    e.set_group_type(&k, GroupType::Work)
                );
            }
            // ... and lookups do not find it.
            rejects!(e, Error::ConversationNotFound(_), e.unread_of(&k));
            rejects!(e, Error::ConversationNotFound(_), e.conversation(&k));
            rejects!(
                e,
                Error::ConversationNotFound(_),
                e.pin_conversation(&k, true)
            );
            rejects!(
                e,
                Error::ConversationNotFound(_),
                e.delete_conversation(&k, false)
            );
        }
        // Message ids, senders and @-users.
        let mut bad = vec![
            IncomingMessage::new(&peer, c2c("bob"), "bob", 100, 0),
            IncomingMessage::new("new", c2c("bob"), &peer, 100, 0),
        ];
        let mut at = in_group("new", "team", "dave", 9);
        at.at_users = vec![USER.into(), peer.clone()];
        bad.push(at);
        for m in bad {
            rejects!(e, Error::InvalidParam(_), e.receive(vec![m.clone()]));
        }
        rejects!(
            e,
            Error::InvalidParam(_),
            e.send_message(&peer, outgoing(c2c("bob")), MsgStatus::Sending)
        );
        // Filters naming impossible groups.
        let f = ConversationFilter {
            groups: Some(vec!["a\0b".into()]),
            ..Default::default()
        };
        let long = ConversationFilter {
            groups: Some(vec!["g".repeat(1025)]),
            ..Default::default()
        };
        for f in [f, long] {
            rejects!(e, Error::InvalidParam(_), e.unread_by_filter(&f));
            rejects!(e, Error::InvalidParam(_), e.subscribe_filter(&f));
            rejects!(e, Error::InvalidParam(_), e.unsubscribe_filter(&f));
            rejects!(e, Error::InvalidParam(_), e.list_conversations(&f, 0, 10));
            rejects!(e, Error::InvalidParam(_), e.list_by_offset(&f, 0, 10));
        }
    }
    for id in ["foo", "c2c", "C2C_bob", "group-team", "c2c_", "group_"] {
        if id == "c2c" {
            continue; // the "all C2C" selector
        }
        assert!(
            matches!(CleanTarget::parse(id), Err(Error::InvalidParam(_))),
            "{id}"
        );
    }
    // A message id already used by a received message cannot be sent.
    rejects!(
        e,
        Error::InvalidParam(_),
        e.send_message("b1", outgoing(c2c("newpeer")), MsgStatus::SendSucc)
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.set_group_type(&c2c("bob"), GroupType::Work)
    );
}

#[test]
fn bad_user_ids_open_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for user in ["".to_owned(), "a\0b".to_owned(), "u".repeat(4097)] {
        let r = Engine::open(dir.path(), APP, &user, EngineConfig::default());
        assert!(matches!(r, Err(Error::InvalidParam(_))), "{user:?}");
        let r = imcore::store::db_path(dir.path(), APP, &user);
        assert!(matches!(r, Err(Error::InvalidParam(_))), "{user:?}");
        let path = dir.path().join("explicit.db");
        let r = Engine::open_path(&path, &user, EngineConfig::default());
        assert!(matches!(r, Err(Error::InvalidParam(_))), "{user:?}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a file was created"
    );
}

#[test]
fn zero_and_huge_values() {
    let mut e = fixture();
    let max = message::MAX_TIME;
    for t in [0, max + 1, u64::MAX] {
        rejects!(
            e,
            Error::InvalidParam(_),
            e.receive(vec![from_peer("n", "bob", t)])
        );
        let mut g = in_group("n", "team", "dave", 4);
        g.server_time = t;
        rejects!(e, Error::InvalidParam(_), e.receive(vec![g]));
    }
    // The largest time is accepted (checked on a fresh conversation).
    let mut fresh = fixture();
    fresh.receive(vec![from_peer("n", "zed", max)]).unwrap();
    fresh.verify().unwrap();

    rejects!(
        e,
        Error::InvalidParam(_),
        e.receive(vec![in_group("n", "team", "dave", 0)])
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.receive(vec![IncomingMessage::new(
            "n",
            group("team"),
            "dave",
            100,
            i64::MAX as u64 + 1
        )])
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.receive(vec![IncomingMessage::new(
            "n",
            group("team"),
            "dave",
            100,
            u64::MAX
        )])
    );
    for target in [
        CleanTarget::Conversation(c2c("bob")),
        CleanTarget::Conversation(group("team")),
        CleanTarget::AllC2c,
        CleanTarget::All,
    ] {
        rejects!(
            e,
            Error::InvalidParam(_),
            e.clean_unread(&target, max + 1, 0)
        );
        rejects!(
            e,
            Error::InvalidParam(_),
            e.clean_unread(&target, u64::MAX, 0)
        );
        rejects!(
            e,
            Error::InvalidParam(_),
            e.clean_unread(&target, 0, i64::MAX as u64 + 1)
        );
    }
    rejects!(
        e,
        Error::InvalidParam(_),
        e.apply_read_position(&c2c("bob"), 0, 0)
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.apply_read_position(&c2c("bob"), max + 1, 0)
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.apply_read_position(&group("team"), 0, u64::MAX)
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.set_draft(&c2c("bob"), Some(("d", max + 1)))
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.complete_send("mine", true, max + 1, 0)
    );
    rejects!(
        e,
        Error::InvalidParam(_),
        e.complete_send("mine", true, 100, u64::MAX)
    );
    let all = ConversationFilter::default();
    for n in [0, 1001] {
        rejects!(e, Error::InvalidParam(_), e.list_conversations(&all, 0, n));
        rejects!(e, Error::InvalidParam(_), e.list_by_offset(&all, 0, n));
        rejects!(e, Error::InvalidParam(_), e.messages(&c2c("bob"), None, n));
    }
}

#[test]
fn empty_batches_and_empty_id_lists() {
    let mut e = fixture();
    rejects!(e, Error::InvalidParam(_), e.receive(vec![]));
    rejects!(e, Error::InvalidParam(_), e.unread_by_ids(&[]));
    rejects!(
        e,
        Error::InvalidParam(_),
        e.mark_conversations(&[], marks::STAR, true)
    );
    rejects!(e, Error::InvalidParam(_), e.set_custom_data(&[], "x"));
    rejects!(e, Error::InvalidParam(_), e.delete_conversations(&[], true));
    rejects!(e, Error::InvalidParam(_), e.clear_unread_by_ids(&[]));
    rejects!(e, Error::InvalidParam(_), e.clear_unread_by_types(&[]));
    rejects!(e, Error::InvalidParam(_), e.add_to_group("friends", &[]));
    rejects!(
        e,
        Error::InvalidParam(_),
        e.remove_from_group("friends", &[])
    );
}

#[test]
fn batches_over_the_limits() {
    let mut e = fixture();
    let msgs: Vec<IncomingMessage> = (0..51)
        .map(|i| from_peer(&format!("n{i}"), "bob", 200 + i))
        .collect();
    rejects!(e, Error::LimitExceeded(_), e.receive(msgs.clone()));
    // At the limit it is accepted.
    let mut ok = fixture();
    assert_eq!(ok.receive(msgs[..50].to_vec()).unwrap().stored, 50);

    let keys: Vec<ConvKey> = (0..101).map(|i| c2c(&format!("p{i}"))).collect();
    rejects!(e, Error::LimitExceeded(_), e.unread_by_ids(&keys));
    rejects!(
        e,
        Error::LimitExceeded(_),
        e.mark_conversations(&keys, marks::STAR, true)
    );
    rejects!(e, Error::LimitExceeded(_), e.set_custom_data(&keys, "x"));
    rejects!(
        e,
        Error::LimitExceeded(_),
        e.delete_conversations(&keys, false)
    );
    rejects!(e, Error::LimitExceeded(_), e.clear_unread_by_ids(&keys));
    rejects!(e, Error::LimitExceeded(_), e.add_to_group("friends", &keys));
    rejects!(
        e,
        Error::LimitExceeded(_),
        e.remove_from_group("friends", &keys)
    );
    let many: Vec<ConvKey> = (0..1001).map(|i| c2c(&format!("p{i}"))).collect();
    rejects!(e, Error::LimitExceeded(_), e.create_group("big", "", &many));
    // 100 ids are fine.
    assert_eq!(e.unread_by_ids(&keys[..100]).unwrap(), 0);
}

#[test]
fn sizes_of_custom_data_extensions_and_drafts() {
    let mut e = fixture();
    let bob = [c2c("bob")];
    rejects!(
        e,
        Error::InvalidParam(_),
        e.set_custom_data(&bob, &"d".repeat(257))
    );
    for ext in ["e".repeat(1025), "é".repeat(513)] {
        rejects!(
            e,
            Error::InvalidParam(_),
            e.set_server_extension(&bob[0], &ext)
        );
        rejects!(
            e,
            Error::InvalidParam(_),
            e.set_local_extension(&bob[0], &ext)
        );
        rejects!(
            e,
            Error::InvalidParam(_),
            e.set_group_extension("friends", &ext)
        );
        rejects!(e, Error::InvalidParam(_), e.create_group("new", &ext, &[]));
    }
    rejects!(
        e,
        Error::InvalidParam(_),
        e.set_draft(&bob[0], Some((&"d".repeat(64 * 1024 + 1), 0)))
    );
    // The limits themselves are accepted.
    assert!(e
        .set_custom_data(&bob, &"d".repeat(256))
        .unwrap()
        .is_empty());
    e.set_server_extension(&bob[0], &"e".repeat(1024)).unwrap();
    e.set_local_extension(&bob[0], &"e".repeat(1024)).unwrap();
    let c = e.conversation(&bob[0]).unwrap();
    assert_eq!(c.custom_data.len(), 256);
    assert_eq!((c.server_ext.len(), c.local_ext.len()), (1024, 1024));
}

#[test]
fn mark_bits_outside_the_allowed_set() {
    let mut e = fixture();
    let bob = [c2c("bob")];
    for bits in [0, 0x10, 0x8000_0000, marks::STAR | 0x10, 1 << 31 | 1 << 32] {
        for enable in [true, false] {
            rejects!(
                e,
                Error::InvalidParam(_),
                e.mark_conversations(&bob, bits, enable)
            );
        }
    }
    // Every allowed bit works.
    for bits in [
        marks::STAR,
        marks::UNREAD,
        marks::FOLD,
        marks::HIDE,
        1 << 32,
        1 << 63,
    ] {
        assert!(e.mark_conversations(&bob, bits, true).unwrap().is_empty());
    }
    assert_eq!(
        e.conversation(&bob[0]).unwrap().marks,
        0x8000_0001_0000_000F
    );
}

#[test]
fn conversation_group_names() {
    let mut e = fixture();
    let bad = [
        String::new(),
        "n".repeat(33),
        "组".repeat(11), // 33 bytes
        "a\0b".into(),
    ];
    for name in &bad {
        rejects!(e, Error::InvalidParam(_), e.create_group(name, "", &[]));
        rejects!(e, Error::InvalidParam(_), e.rename_group("friends", name));
    }
    rejects!(
        e,
        Error::GroupExists(_),
        e.create_group("friends", "", &[c2c("carol")])
    );
    e.create_group("family", "", &[]).unwrap();
    e.drain_changes();
    rejects!(
        e,
        Error::GroupExists(_),
        e.rename_group("family", "friends")
    );
    for unknown in ["nope", ""] {
        rejects!(e, Error::GroupNotFound(_), e.delete_group(unknown));
        rejects!(e, Error::GroupNotFound(_), e.conversation_group(unknown));
        rejects!(e, Error::GroupNotFound(_), e.rename_group(unknown, "other"));
        rejects!(
            e,
            Error::GroupNotFound(_),
            e.set_group_extension(unknown, "x")
        );
        rejects!(e, Error::GroupNotFound(_), e.clear_unread_by_group(unknown));
        rejects!(
            e,
            Error::GroupNotFound(_),
            e.add_to_group(unknown, &[c2c("bob")])
        );
        rejects!(
            e,
            Error::GroupNotFound(_),
            e.remove_from_group(unknown, &[c2c("bob")])
        );
    }
    // 32 bytes is fine; then the group limit (3) is reached.
    e.create_group(&"n".repeat(32), "", &[]).unwrap();
    e.drain_changes();
    rejects!(
        e,
        Error::LimitExceeded(_),
        e.create_group("fourth", "", &[])
    );
}

#[test]
fn pin_limit() {
    let mut e = fixture();
    assert_eq!(e.pinned_conversations().unwrap().len(), 2);
    rejects!(
        e,
        Error::LimitExceeded(_),
        e.pin_conversation(&c2c("carol"), true)
    );
    // Pinning a pinned one again is a no-op, not an error.
    let before = snapshot(&e);
    e.pin_conversation(&c2c("bob"), true).unwrap();
    assert_eq!(snapshot(&e), before);
    assert!(e.drain_changes().is_empty());
    // Room again after an unpin.
    e.pin_conversation(&c2c("bob"), false).unwrap();
    e.pin_conversation(&c2c("carol"), true).unwrap();
    assert_eq!(e.drain_changes().len(), 2);
    rejects!(
        e,
        Error::LimitExceeded(_),
        e.pin_conversation(&c2c("bob"), true)
    );
}

#[test]
fn one_bad_message_fails_the_whole_batch() {
    let mut e = fixture();
    let good = |i: u64| -> IncomingMessage {
        if i & 1 == 0 {
            from_peer(&format!("ok{i}"), &format!("new{i}"), 300 + i)
        } else {
            in_group(&format!("ok{i}"), "team", "dave", 10 + i)
        }
    };
    let mut bads: Vec<IncomingMessage> = Vec::new();
    let mut m = from_peer("bad", "bob", 0);
    bads.push(m.clone());
    m.server_time = message::MAX_TIME + 1;
    bads.push(m);
    bads.push(in_group("bad", "team", "dave", 0));
    bads.push(from_peer("", "bob", 300));
    bads.push(from_peer("bad", "bob", 300));
    bads.last_mut().unwrap().sender = String::new();
    let mut m = from_peer("bad", "bob", 300);
    m.conv = raw(ConvType::C2c, "");
    bads.push(m);
    for bad in bads {
        for at in [0, 5, 10] {
            let mut batch: Vec<IncomingMessage> = (0..10).map(good).collect();
            batch.insert(at, bad.clone());
            rejects!(e, Error::InvalidParam(_), e.receive(batch));
            for i in 0..10 {
                assert_eq!(e.message_by_id(&format!("ok{i}")).unwrap(), None);
            }
        }
    }
    // The same batch without the bad message goes through.
    let r = e.receive((0..10).map(good).collect()).unwrap();
    assert_eq!(r.stored, 10);
    e.verify().unwrap();
}
