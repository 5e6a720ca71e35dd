//! The flows of the vendor docs (seeds 000, 001, 002): totals, change
//! events, cleaning each way, mark-all-read, excluded messages, muted
//! conversations, filters with several subscriptions, non-counting groups.

mod common;
use common::*;
use imcore::*;

fn totals(changes: &[Changes]) -> Vec<u64> {
    changes.iter().filter_map(|c| c.total_unread).collect()
}

#[test]
fn seed000_total_change_event_and_mark_all_read() {
    let mut e = engine("alice");
    assert_eq!(e.total_unread(), 0);
    e.receive(vec![
        from_peer("m1", "bob", 100),
        from_peer("m2", "bob", 101),
        from_peer("m3", "carol", 102),
        in_group("g1", "team", "dave", 1),
    ])
    .unwrap();
    assert_eq!(e.total_unread(), 4);
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 1, "one batch per operation");
    assert_eq!(ch[0].total_unread, Some(4));
    assert_eq!(ch[0].added.len(), 3);

    e.mark_all_read().unwrap();
    assert_eq!(e.total_unread(), 0);
    let ch = e.drain_changes();
    assert_eq!(totals(&ch), vec![0]);
    let mut changed = ch[0].changed.clone();
    changed.sort();
    assert_eq!(changed, vec![c2c("bob"), c2c("carol"), group("team")]);
    for c in e.all_conversations().unwrap() {
        assert_eq!(c.unread, 0, "{} still shows a badge", c.key);
    }
    e.verify().unwrap();
    // Marking read again is a successful no-op without events.
    e.mark_all_read().unwrap();
    assert!(e.drain_changes().is_empty());
}

#[test]
fn seed001_clean_one_c2c_one_group_then_all() {
    let mut e = engine("alice");
    e.receive(vec![
        from_peer("m1", "bob", 100),
        from_peer("m2", "carol", 100),
        in_group("g1", "team", "dave", 1),
        in_group("g2", "team", "dave", 2),
    ])
    .unwrap();
    e.drain_changes();
    e.clean_unread(&CleanTarget::parse("c2c_bob").unwrap(), 0, 0)
        .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 0);
    assert_eq!(e.total_unread(), 3);
    e.clean_unread(&CleanTarget::parse("group_team").unwrap(), 0, 0)
        .unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 0);
    assert_eq!(e.total_unread(), 1);
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 2);
    assert_eq!(ch[0].changed, vec![c2c("bob")]);
    assert_eq!(ch[1].changed, vec![group("team")]);
    e.verify().unwrap();
}

#[test]
fn seed002_clean_c2c_up_to_a_timestamp_leaves_later_messages() {
    let mut e = engine("alice");
    e.receive(
        (0..5)
            .map(|i| from_peer(&format!("m{i}"), "bob", 100 + i))
            .collect(),
    )
    .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 5);
    // Up to 102 inclusive: 100, 101, 102 read; 103, 104 left.
    e.clean_unread(&CleanTarget::parse("c2c_bob").unwrap(), 102, 999)
        .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
    assert_eq!(e.conversation(&c2c("bob")).unwrap().read_time, 102);
    // Positions only move forward: an older timestamp changes nothing.
    e.clean_unread(&CleanTarget::parse("c2c_bob").unwrap(), 101, 0)
        .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
    // 0 = everything.
    e.clean_unread(&CleanTarget::parse("c2c_bob").unwrap(), 0, 0)
        .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 0);
    // Everything read means up to the whole second of the newest message,
    // the position announced to the other devices (issue 13.1): a later
    // message of that second is read; one of a later second counts.
    e.receive(vec![from_peer("m9", "bob", 104)]).unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 0);
    e.receive(vec![from_peer("m10", "bob", 105)]).unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1);
    e.verify().unwrap();
}

#[test]
fn seed002_clean_group_up_to_a_sequence() {
    let mut e = engine("alice");
    e.receive(
        (1..=6)
            .map(|s| in_group(&format!("g{s}"), "team", "dave", s))
            .collect(),
    )
    .unwrap();
    e.clean_unread(&CleanTarget::parse("group_team").unwrap(), 12345, 4)
        .unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 2);
    assert_eq!(e.conversation(&group("team")).unwrap().read_seq, 4);
    // A late message with an old sequence arrives already read.
    e.receive(vec![in_group("g0", "team", "dave", 3)]).unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 2);
    e.verify().unwrap();
}

#[test]
fn seed002_clean_all_c2c_all_groups_and_everything() {
    let mut e = engine("alice");
    let mut batch = vec![];
    for p in ["bob", "carol"] {
        for i in 0..3 {
            batch.push(from_peer(&format!("{p}{i}"), p, 100 + i));
        }
    }
    for g in ["t1", "t2"] {
        for s in 1..=2 {
            batch.push(in_group(&format!("{g}-{s}"), g, "dave", s));
        }
    }
    e.receive(batch).unwrap();
    assert_eq!(e.total_unread(), 10);
    // The timestamp is ignored for "c2c".
    e.clean_unread(&CleanTarget::parse("c2c").unwrap(), 100, 0)
        .unwrap();
    assert_eq!(e.total_unread(), 4);
    assert_eq!(e.unread_of(&c2c("carol")).unwrap(), 0);
    assert_eq!(e.unread_of(&group("t1")).unwrap(), 2);
    e.receive(vec![from_peer("late", "bob", 200)]).unwrap();
    e.clean_unread(&CleanTarget::parse("group").unwrap(), 0, 1)
        .unwrap();
    assert_eq!(e.total_unread(), 1);
    e.clean_unread(&CleanTarget::parse("").unwrap(), 0, 0)
        .unwrap();
    assert_eq!(e.total_unread(), 0);
    e.verify().unwrap();
}

#[test]
fn seed002_excluded_from_unread_and_own_messages_never_count() {
    let mut e = engine("alice");
    let mut excluded = from_peer("x", "bob", 100);
    excluded.excluded_from_unread = true;
    let mut mine = from_peer("mine", "bob", 101);
    mine.from_self = true;
    let mut also_mine = from_peer("mine2", "bob", 102);
    also_mine.sender = "alice".into();
    e.receive(vec![excluded, mine, also_mine, from_peer("y", "bob", 103)])
        .unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1);
    let conv = e.conversation(&c2c("bob")).unwrap();
    assert_eq!(conv.last_message.unwrap().msg_id, "y");
    // Excluded from the last message: stored, not shown as the preview.
    let mut hidden = from_peer("z", "bob", 104);
    hidden.excluded_from_last_message = true;
    e.receive(vec![hidden]).unwrap();
    let conv = e.conversation(&c2c("bob")).unwrap();
    assert_eq!(conv.last_message.unwrap().msg_id, "y");
    assert_eq!(conv.unread, 2);
    // Sending never adds unread and becomes the last message.
    let sent = e
        .send_message(
            "s1",
            OutgoingMessage {
                conv: c2c("bob"),
                need_read_receipt: false,
                excluded_from_unread: false,
                excluded_from_last_message: false,
                at_users: vec![],
                body: "{}".into(),
            },
            MsgStatus::SendSucc,
        )
        .unwrap();
    assert!(sent.from_self());
    let conv = e.conversation(&c2c("bob")).unwrap();
    assert_eq!(conv.unread, 2);
    assert_eq!(conv.last_message.unwrap().msg_id, "s1");
    e.verify().unwrap();
}

#[test]
fn muted_conversations_are_left_out_of_the_total_at_once() {
    let mut e = engine("alice");
    e.receive(vec![
        from_peer("a", "bob", 100),
        from_peer("b", "carol", 100),
    ])
    .unwrap();
    assert_eq!(e.total_unread(), 2);
    e.drain_changes();
    for (opt, counted) in [
        (ReceiveOpt::NotNotify, false),
        (ReceiveOpt::Receive, true),
        (ReceiveOpt::NotReceive, false),
        (ReceiveOpt::NotNotifyExceptAt, false),
        (ReceiveOpt::NotReceiveExceptAt, true),
    ] {
        e.set_receive_opt(&c2c("bob"), opt).unwrap();
        assert_eq!(e.total_unread(), if counted { 2 } else { 1 }, "{opt:?}");
        // The conversation keeps its own count either way.
        assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1);
    }
    e.set_receive_opt(&c2c("bob"), ReceiveOpt::NotNotify)
        .unwrap();
    let ch = e.drain_changes();
    assert_eq!(totals(&ch), vec![1, 2, 1, 2, 1]);
    // Messages to a muted conversation still count in it, not in the total.
    e.receive(vec![from_peer("c", "bob", 101)]).unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
    assert_eq!(e.total_unread(), 1);
    // A receive option set before the conversation exists is kept.
    e.set_receive_opt(&c2c("erin"), ReceiveOpt::NotNotify)
        .unwrap();
    assert!(e.conversation(&c2c("erin")).is_err());
    e.receive(vec![from_peer("d", "erin", 100)]).unwrap();
    assert_eq!(e.total_unread(), 1);
    e.verify().unwrap();
}

#[test]
fn live_broadcast_and_meeting_groups_never_count() {
    let mut e = engine("alice");
    e.set_group_type(&group("live"), GroupType::AvChatRoom)
        .unwrap();
    e.set_group_type(&group("meet"), GroupType::Meeting)
        .unwrap();
    e.set_group_type(&group("work"), GroupType::Work).unwrap();
    e.receive(vec![
        in_group("l1", "live", "x", 1),
        in_group("m1", "meet", "x", 1),
        in_group("w1", "work", "x", 1),
    ])
    .unwrap();
    assert_eq!(e.total_unread(), 1);
    assert_eq!(e.unread_of(&group("live")).unwrap(), 0);
    let f = ConversationFilter::of_type(ConvType::Group);
    assert_eq!(e.unread_by_filter(&f).unwrap(), 1);
    // A group whose type is learned after its messages drops to 0 at once.
    e.receive(vec![
        in_group("z1", "later", "x", 1),
        in_group("z2", "later", "x", 2),
    ])
    .unwrap();
    assert_eq!(e.total_unread(), 3);
    e.set_group_type(&group("later"), GroupType::AvChatRoom)
        .unwrap();
    assert_eq!(e.total_unread(), 1);
    e.set_group_type(&group("later"), GroupType::Public)
        .unwrap();
    assert_eq!(e.total_unread(), 3);
    e.verify().unwrap();
}

#[test]
fn filters_and_several_subscriptions() {
    let mut e = engine("alice");
    e.receive(vec![
        from_peer("a", "bob", 100),
        from_peer("b", "carol", 100),
        in_group("g1", "team", "dave", 1),
        in_group("g2", "team", "dave", 2),
    ])
    .unwrap();
    e.create_group("friends", "", &[c2c("bob")]).unwrap();
    e.mark_conversations(&[group("team")], marks::STAR, true)
        .unwrap();
    let groups_only = ConversationFilter::of_type(ConvType::Group);
    let friends = ConversationFilter {
        groups: Some(vec!["friends".into()]),
        ..Default::default()
    };
    let ungrouped = ConversationFilter {
        groups: Some(vec![]),
        ..Default::default()
    };
    let starred = ConversationFilter {
        mark: Some(marks::STAR),
        ..Default::default()
    };
    let unmarked = ConversationFilter {
        mark: Some(0),
        ..Default::default()
    };
    assert_eq!(e.unread_by_filter(&groups_only).unwrap(), 2);
    assert_eq!(e.unread_by_filter(&friends).unwrap(), 1);
    assert_eq!(e.unread_by_filter(&ungrouped).unwrap(), 3);
    assert_eq!(e.unread_by_filter(&starred).unwrap(), 2);
    assert_eq!(e.unread_by_filter(&unmarked).unwrap(), 2);

    assert_eq!(e.subscribe_filter(&groups_only).unwrap(), 2);
    assert_eq!(e.subscribe_filter(&friends).unwrap(), 1);
    e.drain_changes();
    e.receive(vec![in_group("g3", "team", "dave", 3)]).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].filter_totals, vec![(groups_only.clone(), 3)]);
    e.receive(vec![from_peer("c", "bob", 101)]).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].filter_totals, vec![(friends.clone(), 2)]);
    // Membership changes move the filter totals at once.
    e.add_to_group("friends", &[group("team")]).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].filter_totals, vec![(friends.clone(), 5)]);
    assert_eq!(ch[0].total_unread, None, "the total did not change");
    e.unsubscribe_filter(&groups_only).unwrap();
    e.clean_unread(&CleanTarget::All, 0, 0).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].filter_totals, vec![(friends.clone(), 0)]);
    // Muted conversations: in a filter unless it ignores muted ones.
    e.receive(vec![from_peer("d", "bob", 102)]).unwrap();
    e.set_receive_opt(&c2c("bob"), ReceiveOpt::NotNotify)
        .unwrap();
    assert_eq!(e.unread_by_filter(&friends).unwrap(), 1);
    let friends_unmuted = ConversationFilter {
        ignore_muted: true,
        ..friends.clone()
    };
    assert_eq!(e.unread_by_filter(&friends_unmuted).unwrap(), 0);
    e.verify().unwrap();
}

#[test]
fn ten_thousand_messages_into_ten_conversations_make_one_batch() {
    let mut e = engine("alice");
    let batch = (0..10_000)
        .map(|i| from_peer(&format!("m{i}"), &format!("peer{}", i % 10), 100 + i / 10))
        .collect();
    e.receive(batch).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].added.len(), 10);
    assert!(ch[0].changed.is_empty());
    assert_eq!(ch[0].total_unread, Some(10_000));
    e.receive(
        (0..10_000)
            .map(|i| from_peer(&format!("n{i}"), &format!("peer{}", i % 10), 2000 + i / 10))
            .collect(),
    )
    .unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].changed.len(), 10);
    assert_eq!(ch[0].total_unread, Some(20_000));
    e.verify().unwrap();
}

#[test]
fn the_same_message_twice_is_a_no_op() {
    let mut e = engine("alice");
    let r = e
        .receive(vec![
            from_peer("m1", "bob", 100),
            from_peer("m1", "bob", 100),
        ])
        .unwrap();
    assert_eq!((r.stored, r.duplicates), (1, 1));
    e.drain_changes();
    let r = e.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    assert_eq!((r.stored, r.duplicates), (0, 1));
    assert_eq!(e.total_unread(), 1);
    assert!(e.drain_changes().is_empty(), "a duplicate fires nothing");
}

#[test]
fn at_mentions_add_at_info_until_read() {
    let mut e = engine("alice");
    let mut at_me = in_group("g1", "team", "dave", 1);
    at_me.at_users = vec!["alice".into()];
    let mut at_all = in_group("g2", "team", "dave", 2);
    at_all.at_users = vec![message::AT_ALL.into()];
    e.receive(vec![at_me, at_all, in_group("g3", "team", "dave", 3)])
        .unwrap();
    let c = e.conversation(&group("team")).unwrap();
    assert_eq!(c.at_infos.len(), 2);
    assert_eq!((c.at_infos[0].seq, c.at_infos[0].at_type), (1, 1));
    assert_eq!((c.at_infos[1].seq, c.at_infos[1].at_type), (2, 2));
    let with_at = ConversationFilter {
        has_at_info: Some(true),
        ..Default::default()
    };
    assert_eq!(e.unread_by_filter(&with_at).unwrap(), 3);
    e.clean_unread(&CleanTarget::parse("group_team").unwrap(), 0, 1)
        .unwrap();
    assert_eq!(e.conversation(&group("team")).unwrap().at_infos.len(), 1);
    e.clean_unread(&CleanTarget::parse("group_team").unwrap(), 0, 2)
        .unwrap();
    assert!(e.conversation(&group("team")).unwrap().at_infos.is_empty());
    assert_eq!(e.unread_by_filter(&with_at).unwrap(), 0);
    e.verify().unwrap();
}

#[test]
fn list_order_paging_and_persistence() {
    let mut e = engine("alice");
    for i in 0..25u64 {
        e.receive(vec![from_peer(
            &format!("m{i}"),
            &format!("p{i:02}"),
            1000 + i,
        )])
        .unwrap();
    }
    e.pin_conversation(&c2c("p03"), true).unwrap();
    e.set_now(1_700_000_100);
    e.pin_conversation(&c2c("p07"), true).unwrap();
    let mut seen = vec![];
    let mut cursor = 0;
    loop {
        let page = e
            .list_conversations(&ConversationFilter::default(), cursor, 10)
            .unwrap();
        seen.extend(page.conversations.iter().map(|c| c.key.peer.clone()));
        if page.finished {
            break;
        }
        cursor = page.next_cursor;
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(&seen[..4], &["p07", "p03", "p24", "p23"]);
    let e = e.reopen();
    let again: Vec<String> = e
        .all_conversations()
        .unwrap()
        .into_iter()
        .map(|c| c.key.peer)
        .collect();
    assert_eq!(again, seen);
    assert_eq!(e.total_unread(), 25);
    e.verify().unwrap();
}

#[test]
fn a_deleted_conversation_comes_back_with_a_new_message() {
    let mut e = engine("alice");
    e.receive(vec![from_peer("a", "bob", 100), from_peer("b", "bob", 101)])
        .unwrap();
    e.drain_changes();
    e.delete_conversation(&c2c("bob"), false).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].deleted, vec![c2c("bob")]);
    assert_eq!(ch[0].total_unread, Some(0));
    assert!(e.conversation(&c2c("bob")).is_err());
    e.receive(vec![from_peer("c", "bob", 102)]).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].added, vec![c2c("bob")]);
    assert_eq!(
        e.unread_of(&c2c("bob")).unwrap(),
        1,
        "old messages stay read"
    );
    e.verify().unwrap();
}
