//! Multi-device convergence: two engines fed the same inbound operations in
//! different orders (with repeats) end in identical conversation state and
//! counts — read positions merge by the maximum of (version, position), so
//! versioned positions (mark-unread on another device) move them back in
//! any order alike; server states merge by update time.

mod common;
use common::*;
use imcore::engine::{ConversationSync, InboundReceipt, Outbound, RosterOp};
use imcore::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Msg {
        id: u16,
        conv: u8,
        time: u64,
        seq: u64,
        self_: bool,
        excluded: bool,
        at_me: bool,
    },
    ReadPos {
        conv: u8,
        time: u64,
        seq: u64,
        /// `None`: a position without a version (forward only).
        version: Option<u64>,
    },
    State {
        conv: u8,
        update: u64,
        pinned: bool,
        marks: u64,
        opt: u8,
        groups: Vec<u8>,
        ext: u8,
        pref: u8,
        /// The snapshot's read position and its version (`None`: none).
        read: Option<(u64, u64)>,
    },
    Receipt {
        conv: u8,
        msg: u16,
        reader: u8,
    },
}

/// Conversations 0..4 are C2C, 4..8 groups (6 and 7 are AVChatRoom-free Work groups).
fn key(conv: u8) -> ConvKey {
    if conv < 4 {
        c2c(&format!("p{conv}"))
    } else {
        group(&format!("g{conv}"))
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        // A message id always carries the same content (as from a server).
        5 => (0u16..60, 0u8..8).prop_map(|(id, conv)| Op::Msg {
                id, conv, time: 1_700_000_000 + u64::from(id * 7 % 20), seq: u64::from(id) + 1,
                self_: id % 5 == 0, excluded: id % 3 == 0, at_me: id % 4 == 1,
            }),
        2 => (0u8..8, 0u64..20, 0u64..60).prop_map(|(conv, t, seq)| Op::ReadPos {
            conv, time: 1_700_000_000 + t, seq: seq + 1, version: None }),
        // Versioned positions: a mark-unread elsewhere moves back (0 = nothing read).
        2 => (0u8..8, 0u64..20, 0u64..60, 0u64..4).prop_map(|(conv, t, seq, v)| Op::ReadPos {
            conv, time: if t == 0 { 0 } else { 1_700_000_000 + t }, seq, version: Some(v) }),
        2 => (
            (0u8..8, 0u64..10, any::<bool>(), 0u64..4, 0u8..5),
            (proptest::collection::vec(0u8..3, 0..3), 0u8..3, 0u8..3),
            proptest::option::of((0u64..20, 0u64..4)),
        )
            .prop_map(|((conv, update, pinned, marks, opt), (groups, ext, pref), read)| Op::State {
                conv, update, pinned, marks, opt, groups, ext, pref, read }),
        1 => (0u8..8, 0u16..60, 0u8..4).prop_map(|(conv, msg, reader)| Op::Receipt { conv, msg, reader }),
    ]
}

/// Applies one operation. `versioned`: every read position carries its
/// version (the protocol with mark-unread); otherwise none does (forward
/// only, as before versions). The two are not mixed: a position without a
/// version merges within the version the device is at, which depends on
/// what it merged before.
fn apply(e: &mut TestEngine, op: &Op, versioned: bool) {
    match op {
        Op::Msg {
            id,
            conv,
            time,
            seq,
            self_,
            excluded,
            at_me,
        } => {
            let k = key(*conv);
            let sender = if *self_ {
                "me".to_string()
            } else {
                k.peer.clone()
            };
            let seq = if k.conv_type == ConvType::Group {
                *seq
            } else {
                0
            };
            // Message ids are unique per conversation in this model.
            let mut m = IncomingMessage::new(&format!("m{conv}-{id}"), k, &sender, *time, seq);
            m.excluded_from_unread = *excluded;
            m.need_read_receipt = true;
            if *at_me {
                m.at_users = vec!["me".into()];
            }
            e.receive(vec![m]).unwrap();
        }
        Op::ReadPos {
            conv,
            time,
            seq,
            version,
        } => {
            let k = key(*conv);
            let (t, s) = if k.conv_type == ConvType::C2c {
                (*time, 0)
            } else {
                (0, *seq)
            };
            if versioned {
                e.apply_read_position_versioned(&k, t, s, Some(version.unwrap_or(0)))
                    .unwrap();
            } else if t > 0 || s > 0 {
                e.apply_read_position(&k, t, s).unwrap();
            }
        }
        Op::State {
            conv,
            update,
            pinned,
            marks,
            opt,
            groups,
            ext,
            pref,
            read,
        } => {
            let k = key(*conv);
            let (read_timestamp, read_sequence, read_version) = match read {
                Some((at, v)) if k.conv_type == ConvType::C2c => {
                    (if *at == 0 { 0 } else { 1_700_000_000 + at }, 0, Some(*v))
                }
                Some((at, v)) => (0, *at, Some(*v)),
                None => (0, 0, Some(0)),
            };
            let read_version = read_version.filter(|_| versioned);
            e.merge_conversations(vec![ConversationSync {
                key: Some(k),
                update_time: *update,
                pinned: *pinned,
                marks: *marks,
                recv_opt: ReceiveOpt::from_i64(i64::from(*opt)).unwrap(),
                count_pref: CountPref::from_i64(i64::from(*pref)).unwrap(),
                groups: groups.iter().map(|g| format!("cg{g}")).collect(),
                server_ext: format!("ext{ext}"),
                read_timestamp,
                read_sequence,
                read_version,
                ..Default::default()
            }])
            .unwrap();
        }
        Op::Receipt { conv, msg, reader } => {
            let k = key(*conv);
            let reader = if k.conv_type == ConvType::C2c {
                k.peer.clone()
            } else {
                format!("u{reader}")
            };
            e.apply_receipts(vec![InboundReceipt {
                msg_id: format!("m{conv}-{msg}"),
                conv: k,
                reader,
                timestamp: 1,
            }])
            .unwrap();
        }
    }
}

/// Everything a user can see, in a form that does not depend on local ids.
fn observe(e: &TestEngine) -> (u64, Vec<String>) {
    let mut convs: Vec<String> = e
        .all_conversations()
        .unwrap()
        .into_iter()
        .map(|c| {
            let last = c.last_message.map(|m| (m.msg_id, m.read_count, m.is_peer_read));
            format!(
                "{} unread={} mentions={} badge={} pref={:?} version={} pinned={} marks={} opt={:?} groups={:?} read={}/{} last={:?} at={:?} ext={} active={} order={}",
                c.key, c.unread, c.mentions, c.badge, c.count_pref, c.read_version, c.pinned,
                c.marks, c.recv_opt, c.groups, c.read_time, c.read_seq,
                last, c.at_infos, c.server_ext, c.active_time, c.order_key >> 20
            )
        })
        .collect();
    convs.sort();
    convs.push(format!("mentions={}", e.total_unread_mentions()));
    (e.total_unread(), convs)
}

fn fresh(user: &str) -> TestEngine {
    let mut e = engine(user);
    let roster: Vec<String> = (0..4)
        .map(|u| format!("u{u}"))
        .chain(["me".into()])
        .collect();
    for g in 4..8 {
        e.set_group_members(&key(g), Some(GroupType::Work), RosterOp::Set, &roster)
            .unwrap();
    }
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn same_operations_in_any_order_converge(
        ops in proptest::collection::vec(op(), 1..80),
        order in any::<proptest::sample::Index>(),
        repeats in proptest::collection::vec(any::<proptest::sample::Index>(), 0..10),
        versioned in any::<bool>(),
    ) {
        let mut a = fresh("me");
        let mut b = fresh("me");
        for o in &ops {
            apply(&mut a, o, versioned);
        }
        // A permutation of the same operations plus some repeats.
        let mut shuffled: Vec<Op> = ops.clone();
        shuffled.extend(repeats.iter().map(|i| ops[i.index(ops.len())].clone()));
        let n = shuffled.len();
        let seed = order.index(usize::MAX / 2) as u64;
        let mut x = seed | 1;
        for i in (1..n).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        for o in &shuffled {
            apply(&mut b, o, versioned);
        }
        a.verify().unwrap();
        b.verify().unwrap();
        prop_assert_eq!(observe(&a), observe(&b));
    }
}

#[test]
fn another_devices_read_position_fires_the_read_time_event_once() {
    let mut e = engine("me");
    e.receive(vec![from_peer("a", "bob", 100), from_peer("b", "bob", 200)])
        .unwrap();
    e.drain_changes();
    e.apply_read_position(&c2c("bob"), 150, 0).unwrap();
    let ch = e.drain_changes();
    assert_eq!(ch[0].read_time_updated, vec![(c2c("bob"), 150)]);
    assert_eq!(ch[0].total_unread, Some(1));
    e.apply_read_position(&c2c("bob"), 120, 0).unwrap();
    assert!(e.drain_changes().is_empty(), "an older position is a no-op");
}

#[test]
fn sync_lifecycle_events_and_state_merge() {
    let mut e = engine("me");
    e.sync_phase(SyncPhase::Started);
    e.merge_conversations(vec![ConversationSync {
        key: Some(c2c("bob")),
        update_time: 10,
        pinned: true,
        marks: marks::STAR,
        groups: vec!["work".into()],
        server_ext: "x".into(),
        ..Default::default()
    }])
    .unwrap();
    // An older state arriving late changes nothing.
    e.merge_conversations(vec![ConversationSync {
        key: Some(c2c("bob")),
        update_time: 5,
        ..Default::default()
    }])
    .unwrap();
    e.sync_phase(SyncPhase::Finished);
    let ch = e.drain_changes();
    assert_eq!(ch.first().unwrap().sync, Some(SyncPhase::Started));
    assert_eq!(ch.last().unwrap().sync, Some(SyncPhase::Finished));
    assert_eq!(ch[1].added, vec![c2c("bob")]);
    let c = e.conversation(&c2c("bob")).unwrap();
    assert!(c.pinned);
    assert_eq!(
        (c.marks, c.groups.clone(), c.server_ext.clone()),
        (marks::STAR, vec!["work".to_string()], "x".to_string())
    );
    assert_eq!(e.conversation_groups().len(), 1);
    e.verify().unwrap();
}

/// Issue 13.1: a C2C clean reads the whole second of the newest message,
/// the position it announces; a message of that second arriving later is
/// read on the device that cleaned, on the device that got the announced
/// position, and on the server (read time >= message time).
#[test]
fn a_clean_reads_the_whole_second_it_announces() {
    for clean in 0..4 {
        let mut a = engine("me");
        let mut b = engine("me");
        a.set_outbox_enabled(true);
        for e in [&mut a, &mut b] {
            // The messages are not in the future (docs/ENGINE.md, "Disorder").
            e.set_now(1_700_001_000);
            e.receive(vec![from_peer("m1", "bob", 1_700_000_100)])
                .unwrap();
        }
        match clean {
            0 => a.clean_unread(&CleanTarget::Conversation(c2c("bob")), 0, 0),
            1 => a.clean_unread(&CleanTarget::All, 0, 0),
            2 => a.mark_conversation_read(&c2c("bob")).map(|_| ()),
            _ => a.clear_unread_by_ids(&[c2c("bob")]).map(|_| ()),
        }
        .unwrap();
        let announced = a.outbox().unwrap();
        let Outbound::ReadPositions { positions } = &announced[0].item else {
            panic!("{announced:?}")
        };
        assert_eq!(positions[0].timestamp, 1_700_000_100);
        b.apply_read_position(&c2c("bob"), positions[0].timestamp, 0)
            .unwrap();
        for e in [&mut a, &mut b] {
            e.receive(vec![from_peer("m2", "bob", 1_700_000_100)])
                .unwrap();
            e.receive(vec![from_peer("m3", "bob", 1_700_000_101)])
                .unwrap();
            assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1, "clean {clean}");
            e.verify().unwrap();
        }
    }
}

/// Issue 13.8: a refused read position is not lost: it is queued again
/// under a new envelope id (not handed over at once) and, once the server
/// takes it, every device agrees. A refused delete is retried the same way.
#[test]
fn a_refused_read_position_or_delete_is_queued_again() {
    let mut a = engine("me");
    a.set_outbox_enabled(true);
    a.receive(vec![
        from_peer("m1", "bob", 1_700_000_100),
        from_peer("m2", "carol", 1_700_000_100),
    ])
    .unwrap();
    a.clean_unread(&CleanTarget::Conversation(c2c("bob")), 0, 0)
        .unwrap();
    a.delete_conversation(&c2c("carol"), false).unwrap();
    a.drain_changes();
    let first = a.outbox().unwrap();
    assert_eq!(first.len(), 2);
    for env in &first {
        a.ack_outbound(env.envelope_id, 10007, 0, 0).unwrap();
    }
    // Not handed over again at once (a server that keeps refusing would
    // loop), but kept for the next resend, under new ids.
    assert!(a.drain_changes().iter().all(|c| c.outbound.is_empty()));
    let again = a.outbox().unwrap();
    assert_eq!(
        again.iter().map(|e| &e.item).collect::<Vec<_>>(),
        first.iter().map(|e| &e.item).collect::<Vec<_>>()
    );
    assert!(again[0].envelope_id > first[1].envelope_id);
    assert_eq!(a.unread_of(&c2c("bob")).unwrap(), 0);
    // Accepted this time: nothing is queued any more.
    for env in &again {
        a.ack_outbound(env.envelope_id, 0, 0, 0).unwrap();
    }
    assert!(a.outbox().unwrap().is_empty());
    a.verify().unwrap();
}
