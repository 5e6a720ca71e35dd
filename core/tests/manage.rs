//! Conversation management as NIM's V2 conversation service and Tencent's
//! conversation API offer it, with edge cases: limits, unknown ids, empty
//! lists and repeated calls. Every test ends with `verify()`.

mod common;
use common::*;
use imcore::engine::Outbound;
use imcore::*;

fn seeded() -> TestEngine {
    let mut e = engine("alice");
    e.receive(vec![
        from_peer("a1", "bob", 100),
        from_peer("a2", "bob", 101),
        from_peer("c1", "carol", 102),
        in_group("g1", "team", "dave", 1),
        in_group("g2", "club", "erin", 1),
    ])
    .unwrap();
    e.drain_changes();
    e
}

#[test]
fn create_is_idempotent_and_fires_added_once() {
    let mut e = engine("alice");
    let c = e.create_conversation(&c2c("zed")).unwrap();
    assert_eq!((c.unread, c.last_message.is_none()), (0, true));
    let again = e.create_conversation(&c2c("zed")).unwrap();
    assert_eq!(c.key, again.key);
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].added, vec![c2c("zed")]);
    assert_eq!(e.conversation_count(), 1);
    e.verify().unwrap();
}

#[test]
fn get_by_ids_reports_missing_ones() {
    let e = seeded();
    let (found, missing) = e
        .conversations(&[c2c("bob"), c2c("nobody"), group("team")])
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(missing, vec![c2c("nobody")]);
    assert!(matches!(
        e.conversation(&c2c("nobody")),
        Err(Error::ConversationNotFound(_))
    ));
}

#[test]
fn list_by_offset_and_option() {
    let mut e = seeded();
    e.create_group("work", "", &[group("team"), c2c("carol")])
        .unwrap();
    e.clean_unread(&CleanTarget::parse("c2c_carol").unwrap(), 0, 0)
        .unwrap();
    let all = ConversationFilter::default();
    let p1 = e.list_by_offset(&all, 0, 3).unwrap();
    assert_eq!(
        (p1.conversations.len(), p1.finished, p1.next_cursor),
        (3, false, 3)
    );
    let p2 = e.list_by_offset(&all, 3, 3).unwrap();
    assert_eq!((p2.conversations.len(), p2.finished), (1, true));
    let groups_only = ConversationFilter::of_type(ConvType::Group);
    assert_eq!(
        e.list_by_offset(&groups_only, 0, 10)
            .unwrap()
            .conversations
            .len(),
        2
    );
    let ungrouped = ConversationFilter {
        groups: Some(vec![]),
        ..Default::default()
    };
    let keys: Vec<_> = e
        .list_by_offset(&ungrouped, 0, 10)
        .unwrap()
        .conversations
        .into_iter()
        .map(|c| c.key)
        .collect();
    assert_eq!(keys, vec![group("club"), c2c("bob")]);
    let in_work = ConversationFilter {
        groups: Some(vec!["work".into()]),
        ..Default::default()
    };
    assert_eq!(
        e.list_by_offset(&in_work, 0, 10)
            .unwrap()
            .conversations
            .len(),
        2
    );
    let only_unread = ConversationFilter {
        has_unread: Some(true),
        ..Default::default()
    };
    let unread: Vec<_> = e
        .list_by_offset(&only_unread, 0, 10)
        .unwrap()
        .conversations
        .into_iter()
        .map(|c| c.key.peer)
        .collect();
    assert_eq!(unread, vec!["club", "team", "bob"]);
    assert!(matches!(
        e.list_by_offset(&all, 0, 0),
        Err(Error::InvalidParam(_))
    ));
    e.verify().unwrap();
}

#[test]
fn delete_one_and_many_with_and_without_messages() {
    let mut e = seeded();
    e.set_outbox_enabled(true);
    e.delete_conversation(&c2c("bob"), true).unwrap();
    assert_eq!(e.total_unread(), 3);
    assert!(e.message_by_id("a1").unwrap().is_none(), "messages deleted");
    let failures = e
        .delete_conversations(&[c2c("carol"), c2c("ghost"), group("team")], false)
        .unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].id, "c2c_ghost");
    assert!(e.message_by_id("c1").unwrap().is_some(), "messages kept");
    assert_eq!(e.total_unread(), 1);
    let ch = e.drain_changes();
    assert_eq!(ch[1].deleted, vec![c2c("carol"), group("team")]);
    assert!(matches!(ch[1].outbound[0].item, Outbound::Delete { .. }));
    assert!(matches!(
        e.delete_conversation(&c2c("bob"), false),
        Err(Error::ConversationNotFound(_))
    ));
    let too_many: Vec<ConvKey> = (0..101).map(|i| c2c(&format!("u{i}"))).collect();
    assert!(matches!(
        e.delete_conversations(&too_many, false),
        Err(Error::LimitExceeded(_))
    ));
    assert!(matches!(
        e.delete_conversations(&[], false),
        Err(Error::InvalidParam(_))
    ));
    e.verify().unwrap();
}

#[test]
fn extensions_custom_data_and_drafts() {
    let mut e = seeded();
    e.set_server_extension(&c2c("bob"), "server").unwrap();
    e.set_local_extension(&c2c("bob"), "local").unwrap();
    e.set_custom_data(&[c2c("bob"), c2c("carol")], "custom")
        .unwrap();
    e.set_draft(&c2c("bob"), Some(("{\"text\":\"unsent\"}", 123)))
        .unwrap();
    let c = e.conversation(&c2c("bob")).unwrap();
    assert_eq!(
        (
            c.server_ext.as_str(),
            c.local_ext.as_str(),
            c.custom_data.as_str()
        ),
        ("server", "local", "custom")
    );
    assert_eq!(c.draft.as_ref().map(|d| d.edit_time), Some(123));
    assert_eq!(e.conversation(&c2c("carol")).unwrap().custom_data, "custom");
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 4, "each change is an update event");
    assert!(ch.iter().all(|c| c.total_unread.is_none()));
    e.set_draft(&c2c("bob"), None).unwrap();
    assert!(e.conversation(&c2c("bob")).unwrap().draft.is_none());
    assert!(matches!(
        e.set_server_extension(&c2c("bob"), &"x".repeat(1025)),
        Err(Error::InvalidParam(_))
    ));
    e.set_server_extension(&c2c("bob"), &"x".repeat(1024))
        .unwrap();
    assert!(matches!(
        e.set_custom_data(&[c2c("bob")], &"x".repeat(257)),
        Err(Error::InvalidParam(_))
    ));
    let failures = e.set_custom_data(&[c2c("ghost")], "x").unwrap();
    assert_eq!(
        failures[0].code,
        Error::ConversationNotFound(String::new()).code()
    );
    e.verify().unwrap();
}

#[test]
fn pins_order_and_limit() {
    let mut e = engine("alice");
    e.engine = Engine::open(
        e.dir.path(),
        7,
        "alice",
        EngineConfig {
            pin_limit: 2,
            ..config(&e.clock)
        },
    )
    .unwrap();
    for (i, p) in ["a", "b", "c", "d"].iter().enumerate() {
        e.receive(vec![from_peer(&format!("m{i}"), p, 100 + i as u64)])
            .unwrap();
    }
    e.pin_conversation(&c2c("a"), true).unwrap();
    e.set_now(1_700_000_500);
    e.pin_conversation(&c2c("b"), true).unwrap();
    e.pin_conversation(&c2c("b"), true).unwrap();
    match e.pin_conversation(&c2c("c"), true) {
        Err(Error::LimitExceeded(m)) => assert!(m.contains('2'), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(!e.conversation(&c2c("c")).unwrap().pinned);
    let pinned: Vec<_> = e
        .pinned_conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.key.peer)
        .collect();
    assert_eq!(pinned, vec!["b", "a"], "newest pin first");
    let order: Vec<_> = e
        .all_conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.key.peer)
        .collect();
    assert_eq!(order, vec!["b", "a", "d", "c"]);
    e.pin_conversation(&c2c("a"), false).unwrap();
    e.pin_conversation(&c2c("c"), true).unwrap();
    let order: Vec<_> = e
        .all_conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.key.peer)
        .collect();
    assert_eq!(order, vec!["c", "b", "d", "a"]);
    e.verify().unwrap();
}

#[test]
fn marks_set_and_clear_and_unread_mark_never_counts() {
    let mut e = seeded();
    let failures = e
        .mark_conversations(
            &[c2c("carol"), c2c("ghost")],
            marks::UNREAD | marks::STAR,
            true,
        )
        .unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(
        e.conversation(&c2c("carol")).unwrap().marks,
        marks::UNREAD | marks::STAR
    );
    assert_eq!(
        e.total_unread(),
        5,
        "marking unread shows a dot, not a count"
    );
    e.mark_conversations(&[c2c("carol")], marks::STAR, false)
        .unwrap();
    assert_eq!(e.conversation(&c2c("carol")).unwrap().marks, marks::UNREAD);
    e.mark_conversations(&[c2c("carol")], 1 << 40, true)
        .unwrap();
    assert!(matches!(
        e.mark_conversations(&[c2c("carol")], 1 << 20, true),
        Err(Error::InvalidParam(_))
    ));
    assert!(matches!(
        e.mark_conversations(&[c2c("carol")], 0, true),
        Err(Error::InvalidParam(_))
    ));
    e.verify().unwrap();
}

#[test]
fn conversation_groups_full_cycle() {
    let mut e = seeded();
    let (g, failures) = e
        .create_group("work", "ext", &[c2c("bob"), c2c("ghost")])
        .unwrap();
    assert_eq!((g.name.as_str(), failures.len()), ("work", 1));
    assert!(matches!(
        e.create_group("work", "", &[]),
        Err(Error::GroupExists(_))
    ));
    assert!(matches!(
        e.create_group("", "", &[]),
        Err(Error::InvalidParam(_))
    ));
    assert!(matches!(
        e.create_group(&"x".repeat(33), "", &[]),
        Err(Error::InvalidParam(_))
    ));
    e.create_group("fun", "", &[c2c("bob"), group("club")])
        .unwrap();
    let bob = e.conversation(&c2c("bob")).unwrap();
    assert_eq!(
        bob.groups,
        vec!["fun".to_string(), "work".to_string()],
        "a conversation may be in several"
    );
    let filter = ConversationFilter {
        groups: Some(vec!["work".into()]),
        ..Default::default()
    };
    assert_eq!(e.subscribe_filter(&filter).unwrap(), 2);
    e.add_to_group("work", &[group("team")]).unwrap();
    assert_eq!(e.unread_by_filter(&filter).unwrap(), 3);
    e.rename_group("work", "job").unwrap();
    assert_eq!(
        e.unread_by_filter(&filter).unwrap(),
        0,
        "the filter names the old group"
    );
    let job = ConversationFilter {
        groups: Some(vec!["job".into()]),
        ..Default::default()
    };
    assert_eq!(e.unread_by_filter(&job).unwrap(), 3);
    assert_eq!(
        e.conversation(&c2c("bob")).unwrap().groups,
        vec!["fun".to_string(), "job".to_string()]
    );
    e.clear_unread_by_group("job").unwrap();
    assert_eq!(e.total_unread(), 2);
    let failures = e
        .remove_from_group("job", &[c2c("bob"), c2c("carol")])
        .unwrap();
    assert_eq!(failures.len(), 1, "carol is not in the group");
    e.delete_group("fun").unwrap();
    assert!(e.conversation(&c2c("bob")).unwrap().groups.is_empty());
    assert!(matches!(
        e.delete_group("fun"),
        Err(Error::GroupNotFound(_))
    ));
    let names: Vec<_> = e
        .conversation_groups()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, vec!["job"]);
    for i in 0..19 {
        e.create_group(&format!("g{i}"), "", &[]).unwrap();
    }
    assert!(matches!(
        e.create_group("one-too-many", "", &[]),
        Err(Error::LimitExceeded(_))
    ));
    let e = e.reopen();
    assert_eq!(e.conversation_groups().len(), 20);
    assert_eq!(
        e.conversation(&group("team")).unwrap().groups,
        vec!["job".to_string()]
    );
    e.verify().unwrap();
}

#[test]
fn unread_by_ids_and_clears_by_ids_types_and_all() {
    let mut e = seeded();
    assert_eq!(
        e.unread_by_ids(&[c2c("bob"), c2c("ghost"), group("team")])
            .unwrap(),
        3
    );
    let failures = e.clear_unread_by_ids(&[c2c("bob"), c2c("ghost")]).unwrap();
    assert_eq!(
        failures.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        vec!["c2c_ghost"]
    );
    assert_eq!(e.total_unread(), 3);
    e.clear_unread_by_types(&[ConvType::Group]).unwrap();
    assert_eq!(e.total_unread(), 1);
    assert!(matches!(
        e.clear_unread_by_types(&[]),
        Err(Error::InvalidParam(_))
    ));
    e.receive(vec![in_group("g3", "team", "dave", 2)]).unwrap();
    e.mark_all_read().unwrap();
    assert_eq!(e.total_unread(), 0);
    e.verify().unwrap();
}

#[test]
fn read_time_moves_forward_only() {
    let mut e = seeded();
    let t = e.mark_conversation_read(&c2c("bob")).unwrap();
    assert_eq!(t, 101);
    assert_eq!(e.read_mark(&c2c("bob")).unwrap(), 101);
    assert_eq!(e.mark_conversation_read(&group("team")).unwrap(), 1);
    e.apply_read_position(&c2c("bob"), 50, 0).unwrap();
    assert_eq!(e.read_mark(&c2c("bob")).unwrap(), 101);
    assert!(matches!(
        e.mark_conversation_read(&c2c("ghost")),
        Err(Error::ConversationNotFound(_))
    ));
    e.verify().unwrap();
}

#[test]
fn outbound_envelopes_survive_a_restart_until_acked() {
    let mut e = seeded();
    e.set_outbox_enabled(true);
    e.pin_conversation(&c2c("bob"), true).unwrap();
    e.clean_unread(&CleanTarget::All, 0, 0).unwrap();
    let pending = e.outbox().unwrap();
    assert_eq!(pending.len(), 2);
    let mut e = e.reopen();
    assert_eq!(e.outbox().unwrap(), pending);
    e.ack_outbound(pending[0].envelope_id, 0, 0, 0).unwrap();
    assert!(matches!(
        e.ack_outbound(pending[0].envelope_id, 0, 0, 0),
        Err(Error::InvalidParam(_))
    ));
    assert_eq!(e.outbox().unwrap().len(), 1);
    // Without a transport (loopback), nothing is queued.
    e.set_outbox_enabled(false);
    e.pin_conversation(&c2c("carol"), true).unwrap();
    assert_eq!(e.outbox().unwrap().len(), 1);
}

#[test]
fn a_failed_send_keeps_the_message_as_send_failed() {
    let mut e = seeded();
    e.set_outbox_enabled(true);
    let out = OutgoingMessage {
        conv: c2c("bob"),
        need_read_receipt: false,
        excluded_from_unread: false,
        excluded_from_last_message: false,
        at_users: vec![],
        body: "{}".into(),
    };
    e.send_message("s1", out, MsgStatus::Sending).unwrap();
    let env = e.outbox().unwrap().remove(0);
    let outcome = e.ack_outbound(env.envelope_id, 20007, 0, 0).unwrap();
    assert_eq!(outcome.code, 20007);
    assert_eq!(outcome.message.unwrap().status, MsgStatus::SendFail);
    assert_eq!(
        e.message_by_id("s1").unwrap().unwrap().status,
        MsgStatus::SendFail
    );
    e.verify().unwrap();
}

/// Acks every queued envelope with `code`, returning how many.
fn answer_all(e: &mut TestEngine, code: i32) -> usize {
    let pending = e.outbox().unwrap();
    for env in &pending {
        e.ack_outbound(env.envelope_id, code, 0, 0).unwrap();
    }
    pending.len()
}

#[test]
fn a_refused_change_is_undone_unless_something_newer_replaced_it() {
    let mut e = seeded();
    e.set_outbox_enabled(true);
    e.mark_conversations(&[c2c("bob")], marks::STAR, true)
        .unwrap();
    answer_all(&mut e, 0);
    e.pin_conversation(&c2c("bob"), true).unwrap();
    e.mark_conversations(&[c2c("bob"), c2c("carol")], marks::STAR | marks::FOLD, true)
        .unwrap();
    e.set_receive_opt(&c2c("bob"), ReceiveOpt::NotNotify)
        .unwrap();
    e.set_custom_data(&[c2c("bob")], "new").unwrap();
    e.set_server_extension(&c2c("carol"), "ext").unwrap();
    e.clean_unread(&CleanTarget::All, 0, 0).unwrap();
    assert_eq!(e.total_unread(), 0);
    e.drain_changes();
    assert_eq!(answer_all(&mut e, 10004), 6);
    let bob = e.conversation(&c2c("bob")).unwrap();
    assert!(!bob.pinned);
    assert_eq!(
        bob.marks,
        marks::STAR,
        "only the bits the refused change set go back"
    );
    assert_eq!(bob.recv_opt, ReceiveOpt::Receive);
    assert_eq!(bob.custom_data, "");
    let carol = e.conversation(&c2c("carol")).unwrap();
    assert_eq!((carol.marks, carol.server_ext.as_str()), (0, ""));
    assert_eq!(e.total_unread(), 0, "read positions never move back");
    let order: Vec<_> = e
        .all_conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.key.peer)
        .collect();
    assert_eq!(order[0], "club", "bob is no longer pinned first");
    assert!(
        !e.drain_changes().is_empty(),
        "the undo fires change events"
    );

    // A later local change wins over the undo of an older refused one.
    e.pin_conversation(&c2c("carol"), true).unwrap();
    let refused = e.outbox().unwrap().remove(0);
    e.pin_conversation(&c2c("carol"), false).unwrap();
    e.pin_conversation(&c2c("carol"), true).unwrap();
    e.ack_outbound(refused.envelope_id, 10004, 0, 0).unwrap();
    assert!(e.conversation(&c2c("carol")).unwrap().pinned);
    e.verify().unwrap();
}

#[test]
fn a_refused_receipt_can_be_sent_again() {
    let mut e = engine("bob");
    e.set_outbox_enabled(true);
    let mut m = from_peer("a1", "alice", 100);
    m.need_read_receipt = true;
    e.receive(vec![m]).unwrap();
    e.send_receipts(&["a1".into()]).unwrap();
    answer_all(&mut e, 20001);
    assert!(!e.message_by_id("a1").unwrap().unwrap().receipt_sent());
    assert_eq!(e.send_receipts(&["a1".into()]).unwrap().len(), 1);
}
