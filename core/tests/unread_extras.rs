//! Issue 15's unread features through the engine: unread mentions, mark
//! unread from a message (and how a move back travels), count preferences
//! (and their refusal), the unread explanation and totals before the first
//! sync. The model test (`model.rs`) draws them at random; these name the
//! cases.

mod common;
use common::*;
use imcore::engine::{ConversationSync, Outbound};
use imcore::explain::{NotCountedReason, ReadMoveSource, TotalReason, READ_HISTORY_MAX};
use imcore::*;

fn at(mut m: IncomingMessage, users: &[&str]) -> IncomingMessage {
    m.at_users = users.iter().map(|u| u.to_string()).collect();
    m
}

fn team() -> ConvKey {
    group("team")
}

/// Team with five messages: 1 plain, 2 @me, 3 @all, 4 excluded @me, 5 mine.
fn team_engine() -> TestEngine {
    let mut e = engine("me");
    let mut excluded = at(in_group("t4", "team", "bob", 4), &["me"]);
    excluded.excluded_from_unread = true;
    let mut mine = in_group("t5", "team", "me", 5);
    mine.from_self = true;
    e.receive(vec![
        in_group("t1", "team", "bob", 1),
        at(in_group("t2", "team", "bob", 2), &["me"]),
        at(in_group("t3", "team", "carol", 3), &[message::AT_ALL]),
        excluded,
        mine,
    ])
    .unwrap();
    e
}

#[test]
fn mentions_count_like_unread_and_follow_the_read_position() {
    let mut e = team_engine();
    assert_eq!(e.unread_of(&team()).unwrap(), 3);
    // The excluded @me shows in the @-info but is no unread mention.
    assert_eq!(e.mentions_of(&team()).unwrap(), 2);
    assert_eq!(e.total_unread_mentions(), 2);
    let c = e.conversation(&team()).unwrap();
    assert_eq!((c.mentions, c.badge, c.at_infos.len()), (2, 3, 3));
    e.drain_changes();
    e.clean_unread(&CleanTarget::Conversation(team()), 0, 2)
        .unwrap();
    assert_eq!(e.mentions_of(&team()).unwrap(), 1);
    let ch = e.drain_changes();
    assert_eq!(ch[0].total_mentions, Some(1));
    // C2C messages carry no @.
    e.receive(vec![at(from_peer("c1", "bob", 1_700_000_000), &["me"])])
        .unwrap();
    assert_eq!(e.mentions_of(&c2c("bob")).unwrap(), 0);
    // A non-counting group counts no mention either.
    e.set_group_type(&team(), GroupType::AvChatRoom).unwrap();
    assert_eq!(e.total_unread_mentions(), 0);
    e.verify().unwrap();
    let e = e.reopen();
    assert_eq!(e.total_unread_mentions(), 0);
    e.verify().unwrap();
}

#[test]
fn a_filter_selects_and_sums_unread_mentions_and_reports_changes() {
    let mut e = team_engine();
    e.receive(vec![in_group("q1", "quiet", "bob", 1)]).unwrap();
    let with = ConversationFilter {
        has_unread_mention: Some(true),
        ..Default::default()
    };
    assert_eq!(e.subscribe_filter(&with).unwrap(), 3);
    assert_eq!(e.mentions_by_filter(&with).unwrap(), 2);
    let without = ConversationFilter {
        has_unread_mention: Some(false),
        ..Default::default()
    };
    assert_eq!(e.unread_by_filter(&without).unwrap(), 1);
    e.drain_changes();
    e.receive(vec![at(in_group("t6", "team", "bob", 6), &["me"])])
        .unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].filter_totals, vec![(with.clone(), 4)]);
    assert_eq!(ch[0].filter_mention_totals, vec![(with, 3)]);
    e.verify().unwrap();
}

#[test]
fn mark_unread_moves_the_read_position_back_to_just_before_the_message() {
    let mut e = team_engine();
    e.mark_all_read().unwrap();
    assert_eq!(e.unread_of(&team()).unwrap(), 0);
    e.set_outbox_enabled(true);
    e.drain_changes();
    // From t2 on: t2 and t3 count (t4 excluded, t5 mine).
    assert_eq!(e.mark_unread_from(&team(), "t2").unwrap(), 2);
    assert_eq!(e.mentions_of(&team()).unwrap(), 2);
    let c = e.conversation(&team()).unwrap();
    assert_eq!(c.read_seq, 1);
    assert!(c.read_version >= 1_700_000_000, "{}", c.read_version);
    // Announced like any read position, with its version.
    let out = e.outbox().unwrap();
    let Outbound::ReadPositions { positions } = &out.last().unwrap().item else {
        panic!("{out:?}")
    };
    assert_eq!(
        (positions[0].sequence, positions[0].version),
        (1, c.read_version)
    );
    // A message already unread changes nothing; an unknown one and one of
    // another conversation are refused; Tencent's mark bit is untouched.
    assert_eq!(e.mark_unread_from(&team(), "t3").unwrap(), 2);
    assert!(matches!(
        e.mark_unread_from(&team(), "nope"),
        Err(Error::MessageNotFound(_))
    ));
    e.receive(vec![from_peer("c1", "bob", 1_700_000_000)])
        .unwrap();
    assert!(matches!(
        e.mark_unread_from(&team(), "c1"),
        Err(Error::InvalidParam(_))
    ));
    assert_eq!(e.conversation(&team()).unwrap().marks, 0);
    // A read after it moves forward again, under the same version.
    let version = e.conversation(&team()).unwrap().read_version;
    e.clean_unread(&CleanTarget::Conversation(team()), 0, 0)
        .unwrap();
    let c = e.conversation(&team()).unwrap();
    assert_eq!((c.unread, c.read_version), (0, version));
    // From the first message: nothing read.
    e.mark_unread_from(&team(), "t1").unwrap();
    let c = e.conversation(&team()).unwrap();
    assert_eq!((c.read_seq, c.unread), (0, 3));
    assert!(c.read_version > version);
    e.verify().unwrap();
}

#[test]
fn a_c2c_mark_unread_moves_to_the_end_of_the_second_before() {
    let mut e = engine("me");
    e.receive(vec![
        from_peer("a", "bob", 1_700_000_000),
        from_peer("b", "bob", 1_700_000_001),
        from_peer("c", "bob", 1_700_000_001),
        from_peer("d", "bob", 1_700_000_002),
    ])
    .unwrap();
    e.mark_all_read().unwrap();
    // From "c": the whole second of "c" is unread, "b" with it.
    assert_eq!(e.mark_unread_from(&c2c("bob"), "c").unwrap(), 3);
    assert_eq!(
        e.conversation(&c2c("bob")).unwrap().read_time,
        1_700_000_000
    );
    e.verify().unwrap();
}

#[test]
fn a_move_back_travels_by_version_in_any_order() {
    // Device a marks unread; device b read further meanwhile at the old
    // version. Whatever order b gets the two positions in, it ends where
    // a is; a ignores b's stale read.
    let mut a = team_engine();
    a.mark_all_read().unwrap();
    a.mark_unread_from(&team(), "t2").unwrap();
    let back = a.conversation(&team()).unwrap();
    for order in 0..2 {
        let mut b = team_engine();
        b.mark_all_read().unwrap();
        let stale = (0, 5, Some(0));
        let moved = (0, back.read_seq, Some(back.read_version));
        let ops = if order == 0 {
            [stale, moved]
        } else {
            [moved, stale]
        };
        for (t, s, v) in ops {
            b.apply_read_position_versioned(&team(), t, s, v).unwrap();
        }
        let c = b.conversation(&team()).unwrap();
        assert_eq!(
            (c.read_seq, c.read_version, c.unread),
            (back.read_seq, back.read_version, back.unread),
            "order {order}"
        );
        // A position without a version only moves forward.
        b.apply_read_position(&team(), 0, 1).unwrap();
        assert_eq!(b.conversation(&team()).unwrap().read_seq, 1);
        b.verify().unwrap();
    }
    a.apply_read_position_versioned(&team(), 0, 5, Some(0))
        .unwrap();
    assert_eq!(a.unread_of(&team()).unwrap(), back.unread);
    // A snapshot carries the version too.
    let mut c = team_engine();
    c.merge_conversations(vec![ConversationSync {
        key: Some(team()),
        update_time: 3,
        read_sequence: 0,
        read_version: Some(back.read_version),
        ..Default::default()
    }])
    .unwrap();
    assert_eq!(c.unread_of(&team()).unwrap(), 3);
    assert_eq!(
        c.conversation(&team()).unwrap().read_version,
        back.read_version
    );
    c.verify().unwrap();
}

#[test]
fn count_preferences_change_badges_totals_and_filters() {
    let mut e = team_engine();
    e.receive(vec![from_peer("c1", "bob", 1_700_000_000)])
        .unwrap();
    assert_eq!(e.total_unread(), 4);
    e.set_count_pref(&team(), CountPref::MentionsOnly).unwrap();
    assert_eq!(e.total_unread(), 3);
    assert_eq!(e.conversation(&team()).unwrap().badge, 2);
    assert_eq!(e.conversation(&team()).unwrap().unread, 3);
    let only = ConversationFilter {
        count_pref: Some(CountPref::MentionsOnly),
        ..Default::default()
    };
    assert_eq!(e.unread_by_filter(&only).unwrap(), 2);
    e.set_count_pref(&team(), CountPref::None).unwrap();
    assert_eq!((e.total_unread(), e.total_unread_mentions()), (1, 0));
    let x = e.explain_unread(&team()).unwrap();
    assert_eq!(
        (x.total_contribution, x.total_reason),
        (0, TotalReason::CountPrefNone)
    );
    // Kept across a reopen.
    let mut e = e.reopen();
    assert_eq!(e.count_pref(&team()), CountPref::None);
    assert_eq!(e.total_unread(), 1);
    // A preference for a conversation not seen yet waits for it.
    e.set_count_pref(&group("later"), CountPref::None).unwrap();
    e.receive(vec![in_group("l1", "later", "bob", 1)]).unwrap();
    assert_eq!(e.total_unread(), 1);
    e.verify().unwrap();
}

#[test]
fn a_refused_count_preference_goes_back_to_the_servers_value() {
    let mut e = team_engine();
    e.set_outbox_enabled(true);
    e.set_count_pref(&team(), CountPref::MentionsOnly).unwrap();
    let env = e.outbox().unwrap().last().unwrap().envelope_id;
    e.ack_outbound_at(env, 0, 0, 0, 4).unwrap();
    e.set_count_pref(&team(), CountPref::None).unwrap();
    let env = e.outbox().unwrap().last().unwrap().envelope_id;
    e.ack_outbound_at(env, 10007, 0, 0, 0).unwrap();
    assert_eq!(e.count_pref(&team()), CountPref::MentionsOnly);
    assert_eq!(e.total_unread(), 2);
    // A newer snapshot sets it.
    e.merge_conversations(vec![ConversationSync {
        key: Some(team()),
        update_time: 5,
        count_pref: CountPref::None,
        ..Default::default()
    }])
    .unwrap();
    assert_eq!(e.total_unread(), 0);
    e.verify().unwrap();
}

#[test]
fn a_conversation_marked_unread_counts_one_when_so_configured() {
    let mut e = engine_with("me", |c| c.count_marked_unread_as_one = true);
    e.receive(vec![from_peer("c1", "bob", 1_700_000_000)])
        .unwrap();
    e.mark_all_read().unwrap();
    e.mark_conversations(&[c2c("bob")], marks::UNREAD, true)
        .unwrap();
    assert_eq!(e.total_unread(), 1);
    assert_eq!(e.conversation(&c2c("bob")).unwrap().unread, 0);
    let x = e.explain_unread(&c2c("bob")).unwrap();
    assert_eq!(x.total_reason, TotalReason::MarkedUnreadAsOne);
    // Not on top of a count, and not with preference "none".
    e.receive(vec![from_peer("c2", "bob", 1_700_000_001)])
        .unwrap();
    assert_eq!(e.total_unread(), 1);
    e.set_count_pref(&c2c("bob"), CountPref::None).unwrap();
    assert_eq!(e.total_unread(), 0);
    e.verify().unwrap();
    // Without the option the bit is a dot only.
    let mut f = engine("me");
    f.receive(vec![from_peer("c1", "bob", 1_700_000_000)])
        .unwrap();
    f.mark_all_read().unwrap();
    f.mark_conversations(&[c2c("bob")], marks::UNREAD, true)
        .unwrap();
    assert_eq!(f.total_unread(), 0);
}

#[test]
fn the_explanation_lists_every_message_with_its_verdict_and_the_moves() {
    let mut e = team_engine();
    let mut online = in_group("o1", "team", "bob", 0);
    online.online_only = true;
    e.receive(vec![online, in_group("t1", "team", "bob", 1)])
        .unwrap();
    e.clean_unread(&CleanTarget::Conversation(team()), 0, 1)
        .unwrap();
    let x = e.explain_unread(&team()).unwrap();
    assert_eq!((x.unread, x.mentions, x.badge, x.read_mark), (2, 2, 2, 1));
    let ids = |v: &[imcore::explain::ExplainedMessage]| {
        v.iter()
            .map(|m| (m.msg_id.clone(), m.reason))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&x.counted),
        vec![("t2".to_string(), None), ("t3".to_string(), None)]
    );
    assert_eq!(
        ids(&x.not_counted),
        vec![
            ("t4".to_string(), Some(NotCountedReason::ExcludedFromUnread)),
            ("t5".to_string(), Some(NotCountedReason::FromMe)),
            ("t1".to_string(), Some(NotCountedReason::BeforeReadPosition)),
            ("o1".to_string(), Some(NotCountedReason::OnlineOnly)),
            ("t1".to_string(), Some(NotCountedReason::DuplicateId)),
        ]
    );
    let last = x.last_move.clone().unwrap();
    assert_eq!(
        (last.source, last.from_mark, last.to_mark, last.backward),
        (ReadMoveSource::LocalClean, 0, 1, false)
    );
    assert_eq!(x.total_reason, TotalReason::Counted);
    // Every source is named; the history is bounded.
    e.apply_read_position(&team(), 0, 2).unwrap();
    e.mark_unread_from(&team(), "t2").unwrap();
    e.merge_conversations(vec![ConversationSync {
        key: Some(team()),
        update_time: 1,
        read_sequence: 3,
        ..Default::default()
    }])
    .unwrap();
    let x = e.explain_unread(&team()).unwrap();
    let sources: Vec<_> = x.history.iter().map(|m| m.source).collect();
    assert_eq!(
        sources,
        vec![
            ReadMoveSource::LocalClean,
            ReadMoveSource::OtherDevice,
            ReadMoveSource::MarkUnread,
            ReadMoveSource::ServerSync
        ]
    );
    assert!(x.history[2].backward);
    for i in 0..20 {
        e.mark_unread_from(&team(), "t1").unwrap();
        e.clean_unread(&CleanTarget::Conversation(team()), 0, 2 + i % 3)
            .unwrap();
    }
    e.mark_all_read().unwrap();
    let x = e.explain_unread(&team()).unwrap();
    assert_eq!(x.history.len(), READ_HISTORY_MAX);
    assert_eq!(x.last_move.unwrap().to_mark, 5);
    // Kept across a reopen; the never-stored ones are not.
    let e = e.reopen();
    let x = e.explain_unread(&team()).unwrap();
    assert_eq!(x.history.len(), READ_HISTORY_MAX);
    assert!(x
        .not_counted
        .iter()
        .all(|m| m.reason == Some(NotCountedReason::BeforeReadPosition)));
    // A type that never counts, and muting.
    let mut e = e;
    e.mark_unread_from(&team(), "t1").unwrap();
    e.set_group_type(&team(), GroupType::Meeting).unwrap();
    let x = e.explain_unread(&team()).unwrap();
    assert!(x.counted.is_empty());
    assert!(x
        .not_counted
        .iter()
        .any(|m| m.reason == Some(NotCountedReason::GroupTypeNeverCounts)));
    e.set_group_type(&team(), GroupType::Work).unwrap();
    e.set_receive_opt(&team(), ReceiveOpt::NotNotify).unwrap();
    let x = e.explain_unread(&team()).unwrap();
    assert_eq!(
        (x.total_contribution, x.total_reason),
        (0, TotalReason::Muted)
    );
    assert!(matches!(
        e.explain_unread(&c2c("nobody")),
        Err(Error::ConversationNotFound(_))
    ));
}

#[test]
fn the_total_is_provisional_until_the_first_sync_finishes() {
    let mut e = engine("me");
    // Without a transport there is nothing to sync.
    assert!(e.total_synced());
    e.set_outbox_enabled(true);
    assert!(!e.total_synced());
    e.receive(vec![from_peer("c1", "bob", 1_700_000_000)])
        .unwrap();
    let ch = e.drain_changes();
    assert_eq!((ch[0].total_unread, ch[0].total_synced), (Some(1), false));
    e.sync_phase(SyncPhase::Started);
    e.sync_phase(SyncPhase::Finished);
    let ch = e.drain_changes();
    assert_eq!(ch[0].total_unread, None);
    // The finish reports the total again, unchanged, now synced.
    assert_eq!(
        (ch[1].sync, ch[1].total_unread, ch[1].total_synced),
        (Some(SyncPhase::Finished), Some(1), true)
    );
    assert!(e.total_synced());
    // Only the first finish of a login does.
    e.sync_phase(SyncPhase::Finished);
    assert_eq!(e.drain_changes()[0].total_unread, None);
    e.receive(vec![from_peer("c2", "bob", 1_700_000_001)])
        .unwrap();
    assert!(e.drain_changes()[0].total_synced);
}

#[test]
fn a_revoked_message_is_explained_and_a_deleted_one_is_gone() {
    let mut e = team_engine();
    e.apply_revokes(vec![imcore::engine::InboundRevoke {
        conv: team(),
        msg_id: "t2".into(),
        revoker: "bob".into(),
        reason: String::new(),
        time: 0,
    }])
    .unwrap();
    assert_eq!(
        (
            e.unread_of(&team()).unwrap(),
            e.mentions_of(&team()).unwrap()
        ),
        (2, 1)
    );
    e.apply_message_deletes(&team(), &["t3".to_string()])
        .unwrap();
    let x = e.explain_unread(&team()).unwrap();
    assert_eq!(x.unread, 1);
    assert_eq!(x.counted.len(), 1);
    let revoked = x.not_counted.iter().find(|m| m.msg_id == "t2").unwrap();
    assert_eq!(revoked.reason, Some(NotCountedReason::Revoked));
    assert!(x.not_counted.iter().all(|m| m.msg_id != "t3"));
    assert!(matches!(
        e.mark_unread_from(&team(), "t3"),
        Err(Error::MessageNotFound(_))
    ));
    e.verify().unwrap();
}
