//! A message's unique id and rand (TIM's `message_unique_id` /
//! `message_rand`, the MessageLocator's `_unique_id` / `_rand`): derived
//! from the message id, the same after a reopen and on the revoke event, and
//! a message can be found by its unique id (from the tail in memory and from
//! the store).

mod common;
use common::*;
use imcore::engine::{Inbound, InboundRevoke};
use imcore::message::{rand, unique_id};

const NOW: u64 = 1_700_000_000;

#[test]
fn rand_is_the_last_part_of_a_tim_shaped_id_and_a_hash_otherwise() {
    assert_eq!(
        rand("144115233874815003-1620877708-1038050731"),
        1_038_050_731
    );
    let other = rand("server-abc");
    assert_eq!(other, unique_id("server-abc") >> 32);
    assert_ne!(unique_id("a"), unique_id("b"));
    // Not TIM's shape: four parts, an empty part, letters.
    for id in ["1-2-3-4", "1--3", "1-2-x"] {
        assert_eq!(rand(id), unique_id(id) >> 32, "{id}");
    }
}

#[test]
fn a_message_is_found_by_its_unique_id_in_its_conversation_only() {
    let mut e = engine("me");
    e.receive(vec![
        from_peer("a", "bob", NOW - 2),
        from_peer("b", "bob", NOW - 1),
        in_group("g1", "grp", "carl", 1),
    ])
    .unwrap();
    let b = e.message_by_id("b").unwrap().unwrap();
    assert_eq!(b.unique_id(), unique_id("b"));
    assert_eq!(b.rand(), rand("b"));
    // From the tail in memory.
    let found = e.find_by_unique_id(&c2c("bob"), b.unique_id()).unwrap();
    assert_eq!(found.map(|m| m.msg_id), Some("b".to_owned()));
    assert!(e
        .find_by_unique_id(&c2c("eve"), b.unique_id())
        .unwrap()
        .is_none());
    assert!(e
        .find_by_unique_id(&c2c("bob"), unique_id("zz"))
        .unwrap()
        .is_none());
    // From the store, after a reopen: the same numbers.
    let e = e.reopen();
    let found = e
        .find_by_unique_id(&group("grp"), unique_id("g1"))
        .unwrap()
        .unwrap();
    assert_eq!(found.msg_id, "g1");
    assert_eq!(found.rand(), rand("g1"));
}

#[test]
fn the_revoke_event_names_the_message_the_host_holds() {
    let mut e = engine("me");
    e.receive(vec![from_peer("r", "bob", NOW - 1)]).unwrap();
    let held = e.message_by_id("r").unwrap().unwrap();
    e.drain_changes();
    e.apply_inbound(vec![Inbound::Revoke(InboundRevoke {
        conv: c2c("bob"),
        msg_id: "r".into(),
        revoker: "bob".into(),
        reason: String::new(),
        time: NOW,
    })])
    .unwrap();
    let revoked: Vec<_> = e
        .drain_changes()
        .into_iter()
        .flat_map(|c| c.revoked)
        .collect();
    assert_eq!(revoked.len(), 1);
    let by_uid = e
        .find_by_unique_id(&revoked[0].conv, unique_id(&revoked[0].msg_id))
        .unwrap()
        .unwrap();
    assert_eq!(by_uid.msg_id, held.msg_id);
    assert!(by_uid.is_revoked());
}
