//! Cleaning every conversation (of a type, or of all types) takes a
//! set-based path; it must leave exactly what clearing each conversation
//! one by one leaves: rows, memory, events and the outbox envelope.

mod common;
use common::*;
use imcore::engine::Outbound;
use imcore::*;
use rusqlite::Connection;

const APP: u64 = 1400000000;
const USER: &str = "alice";

/// Every shape a clean meets, in this order of first appearance: unread
/// C2C, a C2C read already, my own newest message, a group with an @me, a
/// non-counting group, a muted C2C, a deleted C2C with unread, a group
/// without unread. Two subscribed filters; a transport attached.
fn scenario() -> (TestEngine, Vec<ConvKey>) {
    let mut e = engine(USER);
    let mut own = from_peer("d1", "dan", 104);
    own.from_self = true;
    let mut at_me = in_group("g2", "team", "dave", 2);
    at_me.at_users = vec![USER.to_owned()];
    e.receive(vec![
        from_peer("b1", "bob", 100),
        from_peer("b2", "bob", 101),
        from_peer("c1", "carol", 102),
        from_peer("d0", "dan", 103),
        own,
        in_group("g1", "team", "dave", 1),
        at_me,
        in_group("r1", "room", "erin", 7),
        from_peer("e1", "erin", 105),
        from_peer("f1", "fay", 106),
        in_group("q1", "quiet", "gus", 3),
    ])
    .unwrap();
    e.set_group_type(&group("room"), GroupType::AvChatRoom)
        .unwrap();
    e.set_receive_opt(&c2c("erin"), ReceiveOpt::NotReceive)
        .unwrap();
    e.delete_conversation(&c2c("fay"), false).unwrap();
    e.clean_unread(&CleanTarget::Conversation(c2c("carol")), 0, 0)
        .unwrap();
    e.clean_unread(&CleanTarget::Conversation(group("quiet")), 0, 0)
        .unwrap();
    e.subscribe_filter(&ConversationFilter::of_type(ConvType::Group))
        .unwrap();
    e.subscribe_filter(&ConversationFilter::default()).unwrap();
    e.set_outbox_enabled(true);
    e.drain_changes();
    e.set_now(1_700_000_500);
    let keys = vec![
        c2c("bob"),
        c2c("carol"),
        c2c("dan"),
        group("team"),
        group("room"),
        c2c("erin"),
        group("quiet"),
    ];
    (e, keys)
}

fn rows(te: &TestEngine) -> Vec<String> {
    let path = imcore::store::db_path(te.dir.path(), APP, USER).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare("SELECT * FROM conversation ORDER BY id")
        .unwrap();
    // Every column but where each records its move for the explanation
    // (the set-based clean in `bulk_*`, one by one in `read_move`); the
    // explanations are compared apart.
    let cols: Vec<usize> = (0..stmt.column_count())
        .filter(|&i| !stmt.column_name(i).unwrap().starts_with("bulk_"))
        .collect();
    stmt.query_map([], |r| {
        let vals: Vec<rusqlite::types::Value> =
            cols.iter().map(|&i| r.get(i)).collect::<Result<_, _>>()?;
        Ok(format!("{vals:?}"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn clean_all_equals_clearing_each_conversation() {
    // A clean, and the conversations it selects.
    type Case = (fn(&mut Engine) -> Result<()>, fn(&ConvKey) -> bool);
    let cases: [Case; 6] = [
        (|e| e.clean_unread(&CleanTarget::All, 0, 0), |_| true),
        (
            |e| e.clean_unread(&CleanTarget::AllC2c, 7, 9),
            |k| k.conv_type == ConvType::C2c,
        ),
        (
            |e| e.clean_unread(&CleanTarget::AllGroups, 0, 0),
            |k| k.conv_type == ConvType::Group,
        ),
        (|e| e.mark_all_read(), |_| true),
        (
            |e| e.clear_unread_by_types(&[ConvType::Group, ConvType::C2c]),
            |_| true,
        ),
        (
            |e| e.clear_unread_by_types(&[ConvType::C2c, ConvType::C2c]),
            |k| k.conv_type == ConvType::C2c,
        ),
    ];
    for (n, (clean, selects)) in cases.into_iter().enumerate() {
        let (mut fast, keys) = scenario();
        let (mut each, _) = scenario();
        clean(&mut fast).unwrap();
        let picked: Vec<ConvKey> = keys.into_iter().filter(selects).collect();
        assert!(each.clear_unread_by_ids(&picked).unwrap().is_empty());

        let (got, want) = (fast.drain_changes(), each.drain_changes());
        assert_eq!(got, want, "case {n}: events");
        assert_eq!(got.len(), 1, "case {n}");
        assert!(!got[0].changed.is_empty(), "case {n}");
        assert_eq!(got[0].outbound.len(), 1, "case {n}");
        assert!(matches!(
            &got[0].outbound[0].item,
            Outbound::ReadPositions { positions } if positions.len() == got[0].changed.len()
        ));
        assert_eq!(fast.outbox().unwrap(), each.outbox().unwrap(), "case {n}");
        assert_eq!(rows(&fast), rows(&each), "case {n}: rows");
        // The same explanation (the last move: a local clean, same marks).
        for k in &picked {
            let (x, y) = (
                fast.explain_unread(k).unwrap(),
                each.explain_unread(k).unwrap(),
            );
            assert_eq!(x, y, "case {n}: explanation of {k}");
        }
        assert_eq!(fast.total_unread(), each.total_unread(), "case {n}");
        assert_eq!(
            fast.all_conversations().unwrap(),
            each.all_conversations().unwrap(),
            "case {n}"
        );
        fast.verify().unwrap();

        // A second clean finds nothing to read: no events, no envelope.
        clean(&mut fast).unwrap();
        assert!(fast.drain_changes().is_empty(), "case {n}");
        let fast = fast.reopen();
        assert_eq!(
            fast.all_conversations().unwrap(),
            each.all_conversations().unwrap(),
            "case {n}: after reopen"
        );
        fast.verify().unwrap();
    }
}

#[test]
fn clean_all_changes_nothing_when_the_store_disagrees_with_memory() {
    let (mut e, _) = scenario();
    // Another writer reads bob behind the engine's back.
    let path = imcore::store::db_path(e.dir.path(), APP, USER).unwrap();
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE conversation SET read_pos = max_pos WHERE peer = 'bob'",
            [],
        )
        .unwrap();
    let before = rows(&e);
    let total = e.total_unread();
    let convs = e.all_conversations().unwrap();
    assert!(matches!(
        e.clean_unread(&CleanTarget::All, 0, 0),
        Err(Error::StoreUnusable(_))
    ));
    assert_eq!(rows(&e), before);
    assert_eq!(e.total_unread(), total);
    assert_eq!(e.all_conversations().unwrap(), convs);
    assert!(e.drain_changes().is_empty());
    assert!(e.outbox().unwrap().is_empty());
}
