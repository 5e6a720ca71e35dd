//! The message lifecycle (engine/lifecycle/): deletes, history clears,
//! revokes, edits, the global receive option, the app state and private
//! read receipts — their effect on counts, their envelopes, the server's
//! answers (refusals included), and the server's own revokes, deletes and
//! clears in any order, repeated, before their messages. `verify()` must
//! agree after every operation.

mod common;
use common::*;
use imcore::engine::{AppState, Inbound, InboundEdit, InboundReceipt, InboundRevoke, Outbound};
use imcore::{
    AllReceiveOpt, CleanTarget, EngineConfig, Error, MsgStatus, OutgoingMessage, ReceiveOpt,
};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000;

fn ids(e: &TestEngine, conv: &imcore::ConvKey) -> Vec<String> {
    let mut v: Vec<String> = e
        .messages(conv, None, 100)
        .unwrap()
        .into_iter()
        .map(|m| m.msg_id)
        .collect();
    v.reverse();
    v
}

fn last(e: &TestEngine, conv: &imcore::ConvKey) -> Option<String> {
    e.conversation(conv).unwrap().last_message.map(|m| m.msg_id)
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn outbound(e: &mut TestEngine) -> Vec<imcore::engine::OutboundEnvelope> {
    e.drain_changes()
        .into_iter()
        .flat_map(|c| c.outbound)
        .collect()
}

fn revoke(conv: imcore::ConvKey, id: &str, by: &str) -> Inbound {
    Inbound::Revoke(InboundRevoke {
        conv,
        msg_id: id.into(),
        revoker: by.into(),
        reason: "oops".into(),
        time: NOW + 5,
    })
}

fn send(e: &mut TestEngine, id: &str, conv: imcore::ConvKey, status: MsgStatus) {
    e.send_message(
        id,
        OutgoingMessage {
            conv,
            need_read_receipt: true,
            excluded_from_unread: false,
            excluded_from_last_message: false,
            at_users: Vec::new(),
            body: "{}".into(),
        },
        status,
    )
    .unwrap();
}

#[test]
fn deleting_unread_messages_lowers_the_count_and_moves_the_preview() {
    let mut e = engine("me");
    e.receive(vec![
        from_peer("a", "bob", NOW - 30),
        from_peer("b", "bob", NOW - 20),
        from_peer("c", "bob", NOW - 10),
    ])
    .unwrap();
    assert_eq!(e.total_unread(), 3);
    e.drain_changes();
    e.delete_messages(&c2c("bob"), &s(&["c"]), false).unwrap();
    e.verify().unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
    assert_eq!(last(&e, &c2c("bob")).as_deref(), Some("b"));
    assert_eq!(ids(&e, &c2c("bob")), s(&["a", "b"]));
    assert!(e.message_by_id("c").unwrap().is_none());
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].total_unread, Some(2));
    assert_eq!(ch[0].changed, vec![c2c("bob")]);
    // A deleted id stays a duplicate: delivered again, it is not counted.
    let r = e.receive(vec![from_peer("c", "bob", NOW - 10)]).unwrap();
    assert_eq!((r.stored, r.duplicates), (0, 1));
    assert_eq!(e.total_unread(), 2);
    // Deleting a read message changes no count.
    e.clean_unread(&CleanTarget::Conversation(c2c("bob")), 0, 0)
        .unwrap();
    e.delete_messages(&c2c("bob"), &s(&["a"]), false).unwrap();
    assert_eq!(e.total_unread(), 0);
    assert_eq!(ids(&e, &c2c("bob")), s(&["b"]));
    let e = e.reopen();
    e.verify().unwrap();
    assert_eq!(ids(&e, &c2c("bob")), s(&["b"]));
    assert_eq!(last(&e, &c2c("bob")).as_deref(), Some("b"));
}

#[test]
fn a_list_delete_is_all_or_nothing() {
    let mut e = engine("me");
    e.receive(vec![
        from_peer("a", "bob", NOW - 30),
        from_peer("x", "eve", NOW),
    ])
    .unwrap();
    // One id unknown, one of another conversation: each fails the whole call.
    for bad in [s(&["a", "nope"]), s(&["a", "x"])] {
        let err = e.delete_messages(&c2c("bob"), &bad, true).unwrap_err();
        assert!(matches!(err, Error::MessageNotFound(_)), "{err}");
        assert!(err.to_string().contains("[1]"), "{err}");
    }
    assert!(e.delete_messages(&c2c("bob"), &[], true).is_err());
    assert!(e.delete_messages(&c2c("nobody"), &s(&["a"]), true).is_err());
    assert_eq!(e.total_unread(), 2);
    assert_eq!(ids(&e, &c2c("bob")), s(&["a"]));
    // Deleting twice: the second time the id is gone.
    e.delete_messages(&c2c("bob"), &s(&["a", "a"]), false)
        .unwrap();
    assert!(e.delete_messages(&c2c("bob"), &s(&["a"]), false).is_err());
    e.verify().unwrap();
}

#[test]
fn clearing_history_reads_and_drops_everything_up_to_the_newest() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    e.receive(vec![
        in_group("g1", "team", "bob", 1),
        in_group("g2", "team", "bob", 2),
    ])
    .unwrap();
    let mut at = in_group("g3", "team", "bob", 3);
    at.at_users = vec!["me".into()];
    e.receive(vec![at]).unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 3);
    e.drain_changes();
    e.clear_history(&group("team")).unwrap();
    e.verify().unwrap();
    let c = e.conversation(&group("team")).unwrap();
    assert_eq!(
        (c.unread, c.last_message.is_none(), c.at_infos.len()),
        (0, true, 0)
    );
    assert!(ids(&e, &group("team")).is_empty());
    let out = outbound(&mut e);
    assert!(matches!(&out[..], [o] if matches!(&o.item,
        Outbound::ClearHistory { position } if position.sequence == 3 && position.timestamp == 0)));
    // A late message at or before the clear is a repeat; a newer one counts.
    let r = e
        .receive(vec![
            in_group("late", "team", "bob", 2),
            in_group("g4", "team", "bob", 4),
        ])
        .unwrap();
    assert_eq!((r.stored, r.duplicates), (1, 1));
    assert_eq!(e.unread_of(&group("team")).unwrap(), 1);
    assert_eq!(ids(&e, &group("team")), s(&["g4"]));
    // The server refuses it: it stays cleared here and is queued again.
    let id = out[0].envelope_id;
    e.ack_outbound(id, 80001, 0, 0).unwrap();
    let again = e.outbox().unwrap();
    assert!(again
        .iter()
        .any(|o| o.envelope_id > id && matches!(o.item, Outbound::ClearHistory { .. })));
    let e = e.reopen();
    e.verify().unwrap();
    assert_eq!(ids(&e, &group("team")), s(&["g4"]));
}

#[test]
fn the_servers_clear_converges_with_messages_in_any_order() {
    // Clear first (the conversation is unknown), then the messages.
    let mut a = engine("me");
    a.apply_inbound(vec![Inbound::ClearHistory {
        conv: c2c("bob"),
        timestamp: NOW - 10,
        sequence: 0,
    }])
    .unwrap();
    a.receive(vec![
        from_peer("m1", "bob", NOW - 20),
        from_peer("m2", "bob", NOW - 10),
        from_peer("m3", "bob", NOW),
    ])
    .unwrap();
    // Messages first, then the clear.
    let mut b = engine("me");
    b.receive(vec![
        from_peer("m3", "bob", NOW),
        from_peer("m1", "bob", NOW - 20),
        from_peer("m2", "bob", NOW - 10),
    ])
    .unwrap();
    b.apply_inbound(vec![Inbound::ClearHistory {
        conv: c2c("bob"),
        timestamp: NOW - 10,
        sequence: 0,
    }])
    .unwrap();
    for e in [&a, &b] {
        e.verify().unwrap();
        assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1);
        assert_eq!(ids(e, &c2c("bob")), s(&["m3"]));
        assert_eq!(last(e, &c2c("bob")).as_deref(), Some("m3"));
    }
    // The wrong kind of position is refused, naming the key.
    let err = b
        .apply_inbound(vec![Inbound::ClearHistory {
            conv: c2c("bob"),
            timestamp: 0,
            sequence: 5,
        }])
        .unwrap_err();
    assert!(err.to_string().contains("[0] clear_history"), "{err}");
}

#[test]
fn a_revoked_unread_message_stops_counting_unless_configured() {
    let mut e = engine("me");
    let mut at = in_group("g1", "team", "bob", 1);
    at.at_users = vec!["me".into()];
    e.receive(vec![at, in_group("g2", "team", "bob", 2)])
        .unwrap();
    assert_eq!(e.conversation(&group("team")).unwrap().at_infos.len(), 1);
    e.drain_changes();
    e.apply_inbound(vec![revoke(group("team"), "g1", "bob")])
        .unwrap();
    e.verify().unwrap();
    let c = e.conversation(&group("team")).unwrap();
    assert_eq!((c.unread, c.at_infos.len()), (1, 0));
    let m = e.message_by_id("g1").unwrap().unwrap();
    assert!(m.is_revoked() && m.is_read);
    let who = e.revocation("g1").unwrap().unwrap();
    assert_eq!(
        (who.revoker.as_str(), who.reason.as_str(), who.time),
        ("bob", "oops", NOW + 5)
    );
    let ch = e.drain_changes();
    assert_eq!(ch[0].revoked.len(), 1);
    assert_eq!(ch[0].revoked[0].seq, 1);
    assert_eq!(ch[0].total_unread, Some(1));
    // A repeat changes nothing and fires nothing.
    e.apply_inbound(vec![revoke(group("team"), "g1", "bob")])
        .unwrap();
    assert!(e.drain_changes().is_empty());
    // One naming another conversation is ignored.
    e.apply_inbound(vec![revoke(group("other"), "g2", "bob")])
        .unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 1);
    assert!(!e.message_by_id("g2").unwrap().unwrap().is_revoked());

    // NetEase's default: a revoked message keeps counting.
    let mut k = engine_with("me", |c: &mut EngineConfig| c.revoked_messages_count = true);
    k.receive(vec![in_group("g1", "team", "bob", 1)]).unwrap();
    k.apply_inbound(vec![revoke(group("team"), "g1", "bob")])
        .unwrap();
    k.verify().unwrap();
    assert_eq!(k.unread_of(&group("team")).unwrap(), 1);
    assert!(k.message_by_id("g1").unwrap().unwrap().is_revoked());
}

#[test]
fn revokes_deletes_and_edits_before_their_message_apply_when_it_arrives() {
    let mut e = engine("me");
    e.apply_inbound(vec![
        revoke(c2c("bob"), "r", "bob"),
        Inbound::MessageDelete {
            conv: c2c("bob"),
            msg_ids: s(&["d"]),
        },
        Inbound::Edit(InboundEdit {
            conv: c2c("bob"),
            msg_id: "x".into(),
            body: r#"{"edited":1}"#.into(),
            version: 3,
        }),
        Inbound::Edit(InboundEdit {
            conv: c2c("bob"),
            msg_id: "x".into(),
            body: r#"{"edited":0}"#.into(),
            version: 2,
        }),
    ])
    .unwrap();
    assert_eq!(e.conversation_count(), 0, "nothing shows a conversation");
    assert!(e.drain_changes().iter().all(|c| c.revoked.is_empty()));
    // A revoke naming another conversation does not apply to this message.
    e.apply_inbound(vec![revoke(c2c("eve"), "y", "eve")])
        .unwrap();
    let r = e
        .receive(vec![
            from_peer("r", "bob", NOW - 3),
            from_peer("d", "bob", NOW - 2),
            from_peer("x", "bob", NOW - 1),
            from_peer("y", "bob", NOW),
        ])
        .unwrap();
    assert_eq!((r.stored, r.duplicates), (3, 1));
    e.verify().unwrap();
    assert_eq!(
        e.unread_of(&c2c("bob")).unwrap(),
        2,
        "x and y; r revoked, d deleted"
    );
    assert!(e.message_by_id("r").unwrap().unwrap().is_revoked());
    assert!(e.message_by_id("d").unwrap().is_none());
    assert_eq!(
        e.message_by_id("x").unwrap().unwrap().body,
        r#"{"edited":1}"#
    );
    assert!(!e.message_by_id("y").unwrap().unwrap().is_revoked());
    // Delivered again: still repeats (the delete's record stays).
    let r = e.receive(vec![from_peer("d", "bob", NOW - 2)]).unwrap();
    assert_eq!(r.duplicates, 1);
    let e = e.reopen();
    e.verify().unwrap();
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 2);
}

#[test]
fn pending_operations_are_bounded_per_conversation() {
    let mut e = engine_with("me", |c: &mut EngineConfig| c.pending_message_ops_max = 3);
    for i in 0..6 {
        e.set_now(NOW + i);
        e.apply_inbound(vec![revoke(c2c("bob"), &format!("m{i}"), "bob")])
            .unwrap();
    }
    e.receive(
        (0..6)
            .map(|i| from_peer(&format!("m{i}"), "bob", NOW + i))
            .collect(),
    )
    .unwrap();
    e.verify().unwrap();
    // The three oldest pending revokes were dropped.
    assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 3);
    assert!(!e.message_by_id("m0").unwrap().unwrap().is_revoked());
    assert!(e.message_by_id("m5").unwrap().unwrap().is_revoked());
}

#[test]
fn my_revoke_goes_to_the_server_and_a_refusal_restores_the_message() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    let mut at = in_group("g1", "team", "bob", 1);
    at.at_users = vec!["me".into()];
    e.receive(vec![at]).unwrap();
    e.drain_changes();
    // As an admin I revoke bob's message.
    let m = e.revoke_message(&group("team"), "g1", "spam").unwrap();
    assert!(m.is_revoked());
    e.verify().unwrap();
    assert_eq!(e.unread_of(&group("team")).unwrap(), 0);
    let out = outbound(&mut e);
    let id = out[0].envelope_id;
    assert!(
        matches!(&out[0].item, Outbound::Revoke { msg_id, reason, .. } if msg_id == "g1" && reason == "spam")
    );
    assert!(
        e.revoke_message(&group("team"), "g1", "").is_err(),
        "revoked already"
    );
    // Refused: back to unread, with its mention.
    let ack = e.ack_outbound(id, 10031, 0, 0).unwrap();
    assert!(!ack.message.unwrap().is_revoked());
    e.verify().unwrap();
    let c = e.conversation(&group("team")).unwrap();
    assert_eq!((c.unread, c.at_infos.len()), (1, 1));
    assert!(e.revocation("g1").unwrap().is_none());

    // Again; the server's own revoke (another admin) comes before the refusal:
    // the message stays revoked.
    e.revoke_message(&group("team"), "g1", "").unwrap();
    let id = outbound(&mut e)[0].envelope_id;
    e.apply_inbound(vec![revoke(group("team"), "g1", "alice")])
        .unwrap();
    assert!(
        e.drain_changes().iter().all(|c| c.revoked.is_empty()),
        "revoked here already"
    );
    e.ack_outbound(id, 10031, 0, 0).unwrap();
    e.verify().unwrap();
    assert!(e.message_by_id("g1").unwrap().unwrap().is_revoked());
    assert_eq!(e.unread_of(&group("team")).unwrap(), 0);
    assert_eq!(e.revocation("g1").unwrap().unwrap().revoker, "alice");

    // Accepted: confirmed; a later refusal of nothing changes nothing.
    e.receive(vec![in_group("g2", "team", "bob", 2)]).unwrap();
    e.revoke_message(&group("team"), "g2", "").unwrap();
    let id = outbound(&mut e)[0].envelope_id;
    e.ack_outbound(id, 0, 0, 0).unwrap();
    e.apply_inbound(vec![revoke(group("team"), "g2", "me")])
        .unwrap();
    e.verify().unwrap();
    assert!(e.message_by_id("g2").unwrap().unwrap().is_revoked());
    assert_eq!(e.unread_of(&group("team")).unwrap(), 0);
}

#[test]
fn a_message_not_sent_cannot_be_revoked() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    send(&mut e, "mine", c2c("bob"), MsgStatus::Sending);
    let err = e.revoke_message(&c2c("bob"), "mine", "").unwrap_err();
    assert!(err.to_string().contains("not sent"), "{err}");
    assert!(e.revoke_message(&c2c("bob"), "ghost", "").is_err());
    let long = "x".repeat(1000);
    assert!(e.revoke_message(&c2c("bob"), "mine", &long).is_err());
}

#[test]
fn deletes_with_the_servers_copy_are_queued_and_retried_after_a_refusal() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    e.receive(vec![
        from_peer("a", "bob", NOW - 1),
        from_peer("b", "bob", NOW),
    ])
    .unwrap();
    e.drain_changes();
    e.delete_messages(&c2c("bob"), &s(&["a", "b"]), true)
        .unwrap();
    let out = outbound(&mut e);
    assert!(
        matches!(&out[0].item, Outbound::MessageDelete { msg_ids, .. } if msg_ids == &s(&["a", "b"]))
    );
    e.ack_outbound(out[0].envelope_id, 70001, 0, 0).unwrap();
    assert_eq!(e.total_unread(), 0, "a refusal does not bring them back");
    let again = e.outbox().unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].envelope_id > out[0].envelope_id);
    // Local-only deletes queue nothing.
    e.receive(vec![from_peer("c", "bob", NOW + 1)]).unwrap();
    e.drain_changes();
    e.delete_messages(&c2c("bob"), &s(&["c"]), false).unwrap();
    assert!(outbound(&mut e).is_empty());
    // The server's delete of my other device: same effect, repeats are no-ops.
    e.receive(vec![from_peer("d", "bob", NOW + 2)]).unwrap();
    for _ in 0..2 {
        e.apply_inbound(vec![Inbound::MessageDelete {
            conv: c2c("bob"),
            msg_ids: s(&["d", "a"]),
        }])
        .unwrap();
    }
    e.verify().unwrap();
    assert_eq!(e.total_unread(), 0);
    assert!(ids(&e, &c2c("bob")).is_empty());
    assert_eq!(last(&e, &c2c("bob")), None);
}

#[test]
fn edits_apply_at_once_in_loopback_and_at_the_ack_with_a_transport() {
    let mut e = engine("me");
    send(&mut e, "m", c2c("bob"), MsgStatus::SendSucc);
    e.drain_changes();
    let m = e.modify_message(&c2c("bob"), "m", r#"{"v":1}"#).unwrap();
    assert_eq!(m.body, r#"{"v":1}"#);
    let ch = e.drain_changes();
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].messages_updated[0].body, r#"{"v":1}"#);
    assert_eq!(ch[0].changed, vec![c2c("bob")], "it is the preview");

    e.set_outbox_enabled(true);
    let m = e.modify_message(&c2c("bob"), "m", r#"{"v":2}"#).unwrap();
    assert_eq!(m.body, r#"{"v":2}"#, "the message as it will stand");
    assert_eq!(
        e.message_by_id("m").unwrap().unwrap().body,
        r#"{"v":1}"#,
        "not stored before the server accepts"
    );
    let id = outbound(&mut e)[0].envelope_id;
    let ack = e.ack_outbound_at(id, 0, 0, 0, 7).unwrap();
    assert_eq!(ack.message.unwrap().body, r#"{"v":2}"#);
    assert_eq!(e.drain_changes()[0].messages_updated.len(), 1);
    // An older edit from the server does not replace it; a newer one does.
    let edit = |body: &str, version| {
        Inbound::Edit(InboundEdit {
            conv: c2c("bob"),
            msg_id: "m".into(),
            body: body.into(),
            version,
        })
    };
    e.apply_inbound(vec![edit(r#"{"v":"old"}"#, 6)]).unwrap();
    assert_eq!(e.message_by_id("m").unwrap().unwrap().body, r#"{"v":2}"#);
    assert!(e.drain_changes().is_empty());
    e.apply_inbound(vec![edit(r#"{"v":3}"#, 8)]).unwrap();
    assert_eq!(e.message_by_id("m").unwrap().unwrap().body, r#"{"v":3}"#);
    // A refused edit changes nothing.
    e.modify_message(&c2c("bob"), "m", r#"{"v":4}"#).unwrap();
    let id = outbound(&mut e)[0].envelope_id;
    e.ack_outbound(id, 1, 0, 0).unwrap();
    assert_eq!(e.message_by_id("m").unwrap().unwrap().body, r#"{"v":3}"#);
    e.verify().unwrap();
    let big = format!("{{\"x\":\"{}\"}}", "y".repeat(40_000));
    assert!(matches!(
        e.modify_message(&c2c("bob"), "m", &big),
        Err(Error::LimitExceeded(_))
    ));
}

#[test]
fn the_global_receive_option_converges_by_version() {
    let dnd = |opt, hour| AllReceiveOpt {
        opt,
        start_hour: hour,
        start_minute: 0,
        start_second: 0,
        start_time_stamp: 0,
        duration: 3600,
    };
    let mut e = engine("me");
    assert_eq!(e.all_receive_opt().unwrap(), AllReceiveOpt::default());
    e.set_all_receive_opt(dnd(ReceiveOpt::NotNotify, 22))
        .unwrap();
    assert_eq!(e.all_receive_opt().unwrap(), dnd(ReceiveOpt::NotNotify, 22));
    assert_eq!(
        e.drain_changes()[0].all_receive_opt,
        Some(dnd(ReceiveOpt::NotNotify, 22))
    );
    assert!(e
        .set_all_receive_opt(dnd(ReceiveOpt::NotNotify, 24))
        .is_err());

    e.set_outbox_enabled(true);
    e.set_all_receive_opt(dnd(ReceiveOpt::Receive, 1)).unwrap();
    assert_eq!(
        e.all_receive_opt().unwrap().start_hour,
        22,
        "applied at the ack"
    );
    let id = outbound(&mut e)[0].envelope_id;
    e.ack_outbound(id, 1, 0, 0).unwrap();
    assert_eq!(e.all_receive_opt().unwrap().start_hour, 22, "refused");
    e.set_all_receive_opt(dnd(ReceiveOpt::Receive, 1)).unwrap();
    let id = outbound(&mut e)[0].envelope_id;
    // Another device's newer option arrives before my accepted one's ack.
    e.apply_inbound(vec![Inbound::AllReceiveOpt {
        opt: dnd(ReceiveOpt::NotReceive, 5),
        update_time: 20,
    }])
    .unwrap();
    e.ack_outbound_at(id, 0, 0, 0, 10).unwrap();
    assert_eq!(e.all_receive_opt().unwrap(), dnd(ReceiveOpt::NotReceive, 5));
    let e = e.reopen();
    assert_eq!(e.all_receive_opt().unwrap(), dnd(ReceiveOpt::NotReceive, 5));
}

#[test]
fn the_app_state_is_kept_and_handed_to_the_transport() {
    let mut e = engine("me");
    e.receive(vec![from_peer("a", "bob", NOW)]).unwrap();
    assert_eq!(e.app_state().unwrap(), AppState::Foreground);
    e.set_outbox_enabled(true);
    e.drain_changes();
    e.set_app_state(AppState::Background { unread_count: 1 })
        .unwrap();
    assert_eq!(
        e.app_state().unwrap(),
        AppState::Background { unread_count: 1 }
    );
    let out = outbound(&mut e);
    assert!(matches!(
        out[0].item,
        Outbound::AppState {
            state: AppState::Background { unread_count: 1 }
        }
    ));
    e.ack_outbound(out[0].envelope_id, 1, 0, 0).unwrap();
    assert!(
        e.outbox().unwrap().is_empty(),
        "a refused state is not retried"
    );
    let mut e = e.reopen();
    assert_eq!(
        e.app_state().unwrap(),
        AppState::Background { unread_count: 1 }
    );
    e.set_app_state(AppState::Foreground).unwrap();
    assert_eq!(e.app_state().unwrap(), AppState::Foreground);
}

#[test]
fn private_read_receipts_sync_my_position_but_send_no_receipt() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    let mut m = from_peer("a", "bob", NOW);
    m.need_read_receipt = true;
    e.receive(vec![m]).unwrap();
    e.set_private_read_receipts(true).unwrap();
    e.drain_changes();
    e.clean_unread(&CleanTarget::Conversation(c2c("bob")), 0, 0)
        .unwrap();
    assert_eq!(e.total_unread(), 0);
    let out = outbound(&mut e);
    assert!(
        matches!(&out[..], [o] if matches!(&o.item, Outbound::PrivateReadPositions { positions } if positions[0].timestamp == NOW))
    );
    assert!(e.send_receipts(&s(&["a"])).unwrap().is_empty());
    assert!(outbound(&mut e).is_empty());
    assert!(!e.message_by_id("a").unwrap().unwrap().receipt_sent());
    // A refused private position is queued again, still private.
    e.ack_outbound(out[0].envelope_id, 1, 0, 0).unwrap();
    assert!(matches!(
        e.outbox().unwrap()[0].item,
        Outbound::PrivateReadPositions { .. }
    ));
    // Persisted.
    let mut e = e.reopen();
    assert!(e.private_read_receipts());
    e.set_outbox_enabled(true);
    e.set_private_read_receipts(false).unwrap();
    assert_eq!(e.send_receipts(&s(&["a"])).unwrap(), s(&["a"]));
}

#[test]
fn a_c2c_receipt_carries_the_peers_read_time() {
    let mut e = engine("me");
    send(&mut e, "mine", c2c("bob"), MsgStatus::SendSucc);
    e.drain_changes();
    e.apply_receipts(vec![InboundReceipt {
        conv: c2c("bob"),
        msg_id: "mine".into(),
        reader: "bob".into(),
        timestamp: NOW - 7,
    }])
    .unwrap();
    let r = &e.drain_changes()[0].receipts[0];
    assert_eq!((r.timestamp, r.is_peer_read), (NOW - 7, true));
}

// ------------------------------------------------------------ property --

/// One thing the server sends about conversation "bob" (C2C) or "team"
/// (group): a message, a revoke, a delete, a clear or a read position.
#[derive(Debug, Clone)]
enum Op {
    Msg(bool, u8),
    Revoke(bool, u8),
    Delete(bool, u8),
    Clear(bool, u8),
    Read(bool, u8),
}

fn conv(g: bool) -> imcore::ConvKey {
    if g {
        group("team")
    } else {
        c2c("bob")
    }
}

fn msg_id(g: bool, n: u8) -> String {
    format!("{}{n}", if g { "g" } else { "c" })
}

fn op() -> impl Strategy<Value = Op> {
    let n = 1u8..12;
    prop_oneof![
        4 => (any::<bool>(), n.clone()).prop_map(|(g, n)| Op::Msg(g, n)),
        2 => (any::<bool>(), n.clone()).prop_map(|(g, n)| Op::Revoke(g, n)),
        2 => (any::<bool>(), n.clone()).prop_map(|(g, n)| Op::Delete(g, n)),
        1 => (any::<bool>(), n.clone()).prop_map(|(g, n)| Op::Clear(g, n)),
        1 => (any::<bool>(), n).prop_map(|(g, n)| Op::Read(g, n)),
    ]
}

fn inbound(o: &Op) -> Inbound {
    match *o {
        Op::Msg(g, n) => Inbound::Message(if g {
            let mut m = in_group(&msg_id(g, n), "team", "bob", u64::from(n));
            if n % 3 == 0 {
                m.at_users = vec!["me".into()];
            }
            m
        } else {
            from_peer(&msg_id(g, n), "bob", NOW + u64::from(n))
        }),
        Op::Revoke(g, n) => revoke(conv(g), &msg_id(g, n), "bob"),
        Op::Delete(g, n) => Inbound::MessageDelete {
            conv: conv(g),
            msg_ids: vec![msg_id(g, n)],
        },
        Op::Clear(g, n) => Inbound::ClearHistory {
            conv: conv(g),
            timestamp: if g { 0 } else { NOW + u64::from(n) },
            sequence: if g { u64::from(n) } else { 0 },
        },
        Op::Read(g, n) => Inbound::ReadPosition {
            conv: conv(g),
            timestamp: if g { 0 } else { NOW + u64::from(n) },
            sequence: if g { u64::from(n) } else { 0 },
            version: None,
        },
    }
}

/// What a user sees of one conversation: the count, the mentions, the
/// history (id, revoked) and the preview.
type Seen = (u64, usize, Vec<(String, bool)>, Option<String>);

/// What a user sees of "bob" and "team".
fn observe(e: &TestEngine) -> Vec<Seen> {
    [false, true]
        .into_iter()
        .map(|g| match e.conversation(&conv(g)) {
            Err(_) => (0, 0, Vec::new(), None),
            Ok(c) => (
                c.unread,
                c.at_infos.len(),
                e.messages(&conv(g), None, 100)
                    .unwrap()
                    .into_iter()
                    .map(|m| (m.msg_id.clone(), m.is_revoked()))
                    .collect(),
                c.last_message.map(|m| m.msg_id),
            ),
        })
        .collect()
}

/// The model: a message counts when it arrived (in any order), is not
/// deleted nor cleared, not revoked, and after the greatest read or clear
/// position.
fn model(ops: &[Op]) -> Vec<u64> {
    [false, true]
        .into_iter()
        .map(|g| {
            let mut read = 0u8;
            for o in ops {
                if let Op::Clear(h, n) | Op::Read(h, n) = *o {
                    if h == g {
                        read = read.max(n);
                    }
                }
            }
            (1u8..12)
                .filter(|&n| {
                    let has = |f: &dyn Fn(&Op) -> bool| ops.iter().any(f);
                    has(&|o| matches!(*o, Op::Msg(h, m) if h == g && m == n))
                        && !has(&|o| matches!(*o, Op::Revoke(h, m) | Op::Delete(h, m) if h == g && m == n))
                        && n > read
                })
                .count() as u64
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The server's messages, revokes, deletes, clears and read positions,
    /// in two different orders with repeats, one push at a time: both
    /// engines end the same, with the model's counts, and `verify()` agrees
    /// after every push.
    #[test]
    fn lifecycle_envelopes_converge_in_any_order(
        ops in proptest::collection::vec(op(), 1..40),
        seed in any::<u64>(),
        repeats in proptest::collection::vec(any::<proptest::sample::Index>(), 0..8),
    ) {
        let mut a = engine("me");
        for o in &ops {
            a.apply_inbound(vec![inbound(o)]).unwrap();
            a.verify().unwrap();
        }
        let mut shuffled = ops.clone();
        shuffled.extend(repeats.iter().map(|i| ops[i.index(ops.len())].clone()));
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut b = engine("me");
        for o in &shuffled {
            b.apply_inbound(vec![inbound(o)]).unwrap();
            b.verify().unwrap();
        }
        let b = b.reopen();
        b.verify().unwrap();
        prop_assert_eq!(observe(&a), observe(&b));
        let counts: Vec<u64> = observe(&a).iter().map(|o| o.0).collect();
        prop_assert_eq!(counts, model(&ops));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// My revokes against the server's answers and its own revokes, in any
    /// interleaving: each message ends revoked exactly when the server
    /// revoked it (one of my revokes accepted, or its own revoke), whatever
    /// the refusals, and the count is the messages it did not revoke.
    #[test]
    fn my_revokes_end_on_the_servers_word(
        ops in proptest::collection::vec((0u8..3, 0u8..6, any::<bool>()), 1..40),
    ) {
        let mut e = engine("me");
        e.receive((0..6).map(|i| in_group(&format!("g{i}"), "team", "bob", i + 1)).collect())
            .unwrap();
        e.set_outbox_enabled(true);
        let mut server = [false; 6];
        let mut pending: Vec<(u64, usize)> = Vec::new();
        for (kind, n, accept) in ops {
            let n = n as usize;
            match kind {
                0 => {
                    if e.revoke_message(&group("team"), &format!("g{n}"), "").is_ok() {
                        let id = outbound(&mut e).last().unwrap().envelope_id;
                        pending.push((id, n));
                    }
                }
                1 if !pending.is_empty() => {
                    let (id, m) = pending.remove(n % pending.len());
                    e.ack_outbound(id, if accept { 0 } else { 10031 }, 0, 0).unwrap();
                    server[m] |= accept;
                }
                _ => {
                    e.apply_inbound(vec![revoke(group("team"), &format!("g{n}"), "admin")])
                        .unwrap();
                    server[n] = true;
                }
            }
            e.verify().unwrap();
        }
        for (id, _) in pending {
            e.ack_outbound(id, 10031, 0, 0).unwrap();
        }
        e.verify().unwrap();
        for (i, revoked) in server.iter().enumerate() {
            let m = e.message_by_id(&format!("g{i}")).unwrap().unwrap();
            prop_assert_eq!(m.is_revoked(), *revoked, "g{}", i);
        }
        let left = server.iter().filter(|r| !**r).count() as u64;
        prop_assert_eq!(e.unread_of(&group("team")).unwrap(), left);
    }
}
