//! Read receipts between two (or more) engines joined by an in-process
//! loopback that carries each engine's outbound envelopes to the others,
//! the way a host transport and server would.

mod common;
use common::*;
use imcore::engine::{InboundReceipt, Outbound, RosterOp};
use imcore::*;
use proptest::prelude::*;

/// A tiny "server": delivers every queued envelope of `from` to `to` and
/// acknowledges it with a server time and sequence.
fn pump(from: &mut TestEngine, to: &mut TestEngine, server_time: u64, next_seq: &mut u64) {
    let sender = from.user_id().to_owned();
    for env in from.outbox().unwrap() {
        let mut seq = 0;
        match &env.item {
            Outbound::Message { message } => {
                if message.conv.conv_type == ConvType::Group {
                    *next_seq += 1;
                    seq = *next_seq;
                }
                // The receiver sees the conversation from its side.
                let conv = match message.conv.conv_type {
                    ConvType::C2c => c2c(&sender),
                    ConvType::Group => message.conv.clone(),
                };
                let mut m = IncomingMessage::new(&message.msg_id, conv, &sender, server_time, seq);
                m.need_read_receipt = message.need_read_receipt();
                m.excluded_from_unread = message.excluded_from_unread();
                m.body = message.body.clone();
                to.receive(vec![m]).unwrap();
            }
            Outbound::Receipts { conv, msg_ids } => {
                let conv = match conv.conv_type {
                    ConvType::C2c => c2c(&sender),
                    ConvType::Group => conv.clone(),
                };
                let receipts = msg_ids
                    .iter()
                    .map(|id| InboundReceipt {
                        conv: conv.clone(),
                        msg_id: id.clone(),
                        reader: sender.clone(),
                        timestamp: server_time,
                    })
                    .collect();
                to.apply_receipts(receipts).unwrap();
            }
            Outbound::ReadPositions { positions } => {
                let receipts = positions
                    .iter()
                    .filter(|p| p.conv.conv_type == ConvType::C2c)
                    .map(|p| InboundReceipt {
                        conv: c2c(&sender),
                        msg_id: String::new(),
                        reader: sender.clone(),
                        timestamp: p.timestamp,
                    })
                    .collect::<Vec<_>>();
                if !receipts.is_empty() {
                    to.apply_receipts(receipts).unwrap();
                }
            }
            _ => {}
        }
        from.ack_outbound(env.envelope_id, 0, server_time, seq)
            .unwrap();
    }
}

fn send(e: &mut TestEngine, id: &str, conv: ConvKey, need_receipt: bool) -> StoredMessage {
    e.send_message(
        id,
        OutgoingMessage {
            conv,
            need_read_receipt: need_receipt,
            excluded_from_unread: false,
            excluded_from_last_message: false,
            at_users: vec![],
            body: r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}]}"#.into(),
        },
        MsgStatus::Sending,
    )
    .unwrap()
}

fn receipts_events(e: &mut TestEngine) -> Vec<ReceiptUpdate> {
    e.drain_changes()
        .into_iter()
        .flat_map(|c| c.receipts)
        .collect()
}

#[test]
fn c2c_message_receipt_round_trip() {
    let mut alice = engine("alice");
    let mut bob = engine("bob");
    alice.set_outbox_enabled(true);
    bob.set_outbox_enabled(true);
    let mut seq = 0;
    let sent = send(&mut alice, "a1", c2c("bob"), true);
    assert_eq!(sent.status, MsgStatus::Sending);
    pump(&mut alice, &mut bob, 1_700_000_010, &mut seq);
    assert_eq!(
        alice.message_by_id("a1").unwrap().unwrap().status,
        MsgStatus::SendSucc
    );
    let got = bob.message_by_id("a1").unwrap().unwrap();
    assert!(got.need_read_receipt() && !got.receipt_sent());
    assert_eq!(bob.unread_of(&c2c("alice")).unwrap(), 1);
    bob.drain_changes();

    // Bob reads and sends his receipt: no unread change, no second envelope.
    assert_eq!(
        bob.send_receipts(&["a1".into()]).unwrap(),
        vec!["a1".to_string()]
    );
    assert!(bob.message_by_id("a1").unwrap().unwrap().receipt_sent());
    assert_eq!(bob.unread_of(&c2c("alice")).unwrap(), 1);
    assert!(bob.send_receipts(&["a1".into()]).unwrap().is_empty());
    assert_eq!(bob.outbox().unwrap().len(), 1);

    alice.drain_changes();
    pump(&mut bob, &mut alice, 1_700_000_020, &mut seq);
    let ev = receipts_events(&mut alice);
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].msg_id.as_str(), ev[0].is_peer_read), ("a1", true));
    let pulled = alice.receipts_of(&["a1".into()]).unwrap();
    assert!(pulled[0].is_peer_read);
    let m = alice.message_by_id("a1").unwrap().unwrap();
    assert!(m.peer_receipt && m.is_peer_read);
    // A duplicate receipt changes nothing and fires nothing.
    alice
        .apply_receipts(vec![InboundReceipt {
            conv: c2c("bob"),
            msg_id: "a1".into(),
            reader: "bob".into(),
            timestamp: 1_700_000_030,
        }])
        .unwrap();
    assert!(receipts_events(&mut alice).is_empty());
}

#[test]
fn c2c_conversation_read_marks_my_earlier_messages_peer_read() {
    let mut alice = engine("alice");
    let mut bob = engine("bob");
    alice.set_outbox_enabled(true);
    bob.set_outbox_enabled(true);
    let mut seq = 0;
    send(&mut alice, "a1", c2c("bob"), false);
    pump(&mut alice, &mut bob, 1_700_000_010, &mut seq);
    send(&mut alice, "a2", c2c("bob"), false);
    pump(&mut alice, &mut bob, 1_700_000_020, &mut seq);
    // Bob cleans the conversation up to 1_700_000_010 only.
    bob.clean_unread(&CleanTarget::parse("c2c_alice").unwrap(), 1_700_000_010, 0)
        .unwrap();
    assert_eq!(bob.unread_of(&c2c("alice")).unwrap(), 1);
    alice.drain_changes();
    pump(&mut bob, &mut alice, 1_700_000_030, &mut seq);
    let ev = receipts_events(&mut alice);
    assert_eq!(ev.len(), 1);
    assert_eq!(
        (ev[0].msg_id.as_str(), ev[0].timestamp),
        ("", 1_700_000_010)
    );
    assert!(alice.message_by_id("a1").unwrap().unwrap().is_peer_read);
    assert!(!alice.message_by_id("a2").unwrap().unwrap().is_peer_read);
    assert_eq!(
        alice.conversation(&c2c("bob")).unwrap().peer_read_time,
        1_700_000_010
    );
    // An older conversation-level receipt never moves it back.
    alice
        .apply_receipts(vec![InboundReceipt {
            conv: c2c("bob"),
            msg_id: String::new(),
            reader: "bob".into(),
            timestamp: 1_600_000_000,
        }])
        .unwrap();
    assert_eq!(
        alice.conversation(&c2c("bob")).unwrap().peer_read_time,
        1_700_000_010
    );
    assert!(receipts_events(&mut alice).is_empty());
}

#[test]
fn group_of_five_read_and_unread_members_page_as_members_read() {
    let members: Vec<String> = ["alice", "bob", "carol", "dave", "erin"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut alice = engine("alice");
    alice.set_outbox_enabled(true);
    let mut others: Vec<TestEngine> = members[1..].iter().map(|u| engine(u)).collect();
    for e in std::iter::once(&mut alice).chain(others.iter_mut()) {
        e.set_outbox_enabled(true);
        e.set_group_members(
            &group("team"),
            Some(GroupType::Work),
            RosterOp::Set,
            &members,
        )
        .unwrap();
    }
    let mut seq = 0;
    send(&mut alice, "g1", group("team"), true);
    for o in others.iter_mut() {
        pump_to(&mut alice, o, &mut seq);
    }
    alice.ack_all(&mut seq);
    let read_page = |e: &TestEngine, read: bool| -> Vec<String> {
        let mut all = vec![];
        let mut cursor = 0;
        loop {
            let p = e.read_members("g1", read, cursor, 2).unwrap();
            all.extend(p.members);
            if p.finished {
                return all;
            }
            cursor = p.next_cursor;
        }
    };
    assert_eq!(
        read_page(&alice, false),
        vec!["bob", "carol", "dave", "erin"]
    );
    assert!(read_page(&alice, true).is_empty());
    for (n, o) in others.iter_mut().enumerate() {
        o.send_receipts(&["g1".into()]).unwrap();
        alice.drain_changes();
        let mut s = 0;
        pump(o, &mut alice, 1_700_000_100 + n as u64, &mut s);
        let ev = receipts_events(&mut alice);
        assert_eq!(ev.len(), 1);
        assert_eq!(
            (ev[0].read_count, ev[0].unread_count),
            (n as u64 + 1, 3 - n as u64)
        );
        let r = &alice.receipts_of(&["g1".into()]).unwrap()[0];
        assert_eq!((r.read_count, r.unread_count), (n as u64 + 1, 3 - n as u64));
        assert_eq!(read_page(&alice, true), members[1..n + 2].to_vec());
        assert_eq!(read_page(&alice, false), members[n + 2..].to_vec());
    }
    // A receipt from a non-member, or a second one from a member, changes nothing.
    alice
        .apply_receipts(vec![
            InboundReceipt {
                conv: group("team"),
                msg_id: "g1".into(),
                reader: "mallory".into(),
                timestamp: 1,
            },
            InboundReceipt {
                conv: group("team"),
                msg_id: "g1".into(),
                reader: "bob".into(),
                timestamp: 2,
            },
        ])
        .unwrap();
    let r = &alice.receipts_of(&["g1".into()]).unwrap()[0];
    assert_eq!((r.read_count, r.unread_count), (4, 0));
    assert_eq!(alice.message_by_id("g1").unwrap().unwrap().read_count, 4);
}

trait AckAll {
    fn ack_all(&mut self, seq: &mut u64);
}
impl AckAll for TestEngine {
    fn ack_all(&mut self, seq: &mut u64) {
        for env in self.outbox().unwrap() {
            *seq += 1;
            self.ack_outbound(env.envelope_id, 0, 1_700_000_050, *seq)
                .unwrap();
        }
    }
}

/// Delivers `from`'s queued messages to `to` without acknowledging them
/// (one sender, several receivers).
fn pump_to(from: &mut TestEngine, to: &mut TestEngine, seq: &mut u64) {
    let sender = from.user_id().to_owned();
    for env in from.outbox().unwrap() {
        if let Outbound::Message { message } = env.item {
            let mut m = IncomingMessage::new(
                &message.msg_id,
                message.conv.clone(),
                &sender,
                1_700_000_050,
                *seq + 1,
            );
            m.need_read_receipt = message.need_read_receipt();
            to.receive(vec![m]).unwrap();
        }
    }
}

#[test]
fn a_receipt_that_arrives_before_its_message_is_applied_when_it_arrives() {
    let mut alice = engine("alice");
    alice
        .set_group_members(
            &group("team"),
            None,
            RosterOp::Set,
            &["alice".into(), "bob".into(), "carol".into()],
        )
        .unwrap();
    alice
        .apply_receipts(vec![InboundReceipt {
            conv: group("team"),
            msg_id: "early".into(),
            reader: "bob".into(),
            timestamp: 5,
        }])
        .unwrap();
    assert!(
        receipts_events(&mut alice).is_empty(),
        "nothing to report yet"
    );
    // My message, sent from another device, arrives now.
    let mut m = in_group("early", "team", "alice", 7);
    m.from_self = true;
    m.need_read_receipt = true;
    alice.receive(vec![m]).unwrap();
    let got = alice.message_by_id("early").unwrap().unwrap();
    assert_eq!((got.read_count, got.unread_count), (1, 1));
    // Roster changes are taken into account at once.
    alice
        .set_group_members(&group("team"), None, RosterOp::Remove, &["bob".into()])
        .unwrap();
    let got = alice.message_by_id("early").unwrap().unwrap();
    assert_eq!((got.read_count, got.unread_count), (0, 1));
}

#[test]
fn unsupported_group_types_are_a_clear_error() {
    for t in [GroupType::AvChatRoom, GroupType::Community] {
        let mut bob = engine("bob");
        bob.set_group_type(&group("g"), t).unwrap();
        let mut m = in_group("m1", "g", "alice", 1);
        m.need_read_receipt = true;
        bob.receive(vec![m]).unwrap();
        match bob.send_receipts(&["m1".into()]) {
            Err(Error::NotSupported(msg)) => assert!(msg.contains("group_g"), "{msg}"),
            other => panic!("{t:?}: {other:?}"),
        }
        assert!(!bob.message_by_id("m1").unwrap().unwrap().receipt_sent());
    }
}

#[test]
fn receipt_calls_reject_mixed_conversations_own_messages_and_unknown_ids() {
    let mut bob = engine("bob");
    let mut a = from_peer("a", "alice", 100);
    a.need_read_receipt = true;
    let mut c = from_peer("c", "carol", 100);
    c.need_read_receipt = true;
    let plain = from_peer("p", "alice", 101);
    bob.receive(vec![a, c, plain]).unwrap();
    assert!(matches!(
        bob.send_receipts(&["a".into(), "c".into()]),
        Err(Error::InvalidParam(_))
    ));
    assert!(matches!(
        bob.send_receipts(&["nope".into()]),
        Err(Error::MessageNotFound(_))
    ));
    assert!(matches!(
        bob.send_receipts(&["p".into()]),
        Err(Error::InvalidParam(_))
    ));
    assert!(matches!(
        bob.send_receipts(&[]),
        Err(Error::InvalidParam(_))
    ));
    assert!(
        matches!(bob.receipts_of(&["a".into()]), Err(Error::InvalidParam(_))),
        "not mine"
    );
    assert!(!bob.message_by_id("a").unwrap().unwrap().receipt_sent());
}

#[test]
fn excluded_from_unread_messages_may_still_request_receipts() {
    let mut bob = engine("bob");
    let mut m = from_peer("x", "alice", 100);
    m.need_read_receipt = true;
    m.excluded_from_unread = true;
    bob.receive(vec![m]).unwrap();
    assert_eq!(bob.unread_of(&c2c("alice")).unwrap(), 0);
    assert_eq!(bob.send_receipts(&["x".into()]).unwrap().len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// The read count of every message equals the number of distinct roster
    /// members (minus the sender) whose receipt arrived, whatever the order,
    /// duplicates and strangers; a receipt naming another group (where every
    /// reader is a member) counts nowhere.
    #[test]
    fn read_count_is_distinct_roster_members_with_receipts(
        roster in proptest::collection::btree_set(0u8..12, 1..10),
        receipts in proptest::collection::vec((0u8..4, 0u8..16, 0u8..4), 0..60),
    ) {
        let mut alice = engine("alice");
        let roster: Vec<String> = roster.iter().map(|u| format!("u{u}")).chain(["alice".to_string()]).collect();
        alice.set_group_members(&group("g"), None, RosterOp::Set, &roster).unwrap();
        let everyone: Vec<String> = (0..16).map(|u| format!("u{u}")).chain(["alice".to_string()]).collect();
        alice.set_group_members(&group("h"), None, RosterOp::Set, &everyone).unwrap();
        let mut other = in_group("hm", "h", "alice", 1);
        other.from_self = true;
        alice.receive(vec![other]).unwrap();
        let mut model: std::collections::BTreeMap<u8, std::collections::BTreeSet<String>> = Default::default();
        // Messages 0 and 1 arrive first, 2 and 3 only after the receipts.
        for msg in 0..2u8 {
            let mut m = in_group(&format!("m{msg}"), "g", "alice", u64::from(msg) + 1);
            m.from_self = true;
            alice.receive(vec![m]).unwrap();
        }
        for chunk in receipts.chunks(7) {
            alice.apply_receipts(chunk.iter().map(|(msg, reader, conv)| InboundReceipt {
                conv: group(if *conv == 3 { "h" } else { "g" }),
                msg_id: format!("m{msg}"),
                reader: format!("u{reader}"),
                timestamp: 1,
            }).collect()).unwrap();
            for (msg, reader, conv) in chunk {
                let r = format!("u{reader}");
                if roster.contains(&r) && *conv != 3 {
                    model.entry(*msg).or_default().insert(r);
                }
            }
        }
        for msg in 2..4u8 {
            let mut m = in_group(&format!("m{msg}"), "g", "alice", u64::from(msg) + 1);
            m.from_self = true;
            alice.receive(vec![m]).unwrap();
        }
        let members = roster.len() as u64 - 1;
        for msg in 0..4u8 {
            let got = alice.message_by_id(&format!("m{msg}")).unwrap().unwrap();
            let want = model.get(&msg).map_or(0, |s| s.len() as u64);
            prop_assert_eq!((got.read_count, got.unread_count), (want, members - want));
        }
        let hm = alice.message_by_id("hm").unwrap().unwrap();
        prop_assert_eq!(hm.read_count, 0);
    }
}

/// Issue 13.10: a send the server refused never reached the peer, so a
/// conversation-level receipt later than it does not make it peer-read;
/// an accepted one of the same conversation is.
#[test]
fn a_refused_send_is_never_peer_read() {
    let mut e = engine("me");
    e.set_outbox_enabled(true);
    let out = |conv: ConvKey| OutgoingMessage {
        conv,
        need_read_receipt: true,
        excluded_from_unread: false,
        excluded_from_last_message: false,
        at_users: Vec::new(),
        body: "{}".into(),
    };
    e.send_message("refused", out(c2c("bob")), MsgStatus::Sending)
        .unwrap();
    e.send_message("accepted", out(c2c("bob")), MsgStatus::Sending)
        .unwrap();
    let ids: Vec<u64> = e.outbox().unwrap().iter().map(|x| x.envelope_id).collect();
    e.ack_outbound(ids[0], 80001, 0, 0).unwrap();
    e.ack_outbound(ids[1], 0, 1_700_000_001, 0).unwrap();
    e.apply_receipts(vec![InboundReceipt {
        conv: c2c("bob"),
        msg_id: String::new(),
        reader: "bob".into(),
        timestamp: 1_700_000_100,
    }])
    .unwrap();
    let refused = e.message_by_id("refused").unwrap().unwrap();
    assert_eq!(refused.status, MsgStatus::SendFail);
    assert!(!refused.is_peer_read);
    let receipts = e.receipts_of(&["refused".to_string()]).unwrap();
    assert!(!receipts[0].is_peer_read);
    assert!(e.message_by_id("accepted").unwrap().unwrap().is_peer_read);
}
