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
    let hashed = |id: &str| imcore::store::msg_hash(id) as u64 >> 32;
    assert_eq!(rand("server-abc"), hashed("server-abc"));
    assert_ne!(unique_id("a"), unique_id("b"));
    // Not TIM's shape: four parts, an empty part, letters, above i64::MAX.
    for id in ["1-2-3-4", "1--3", "1-2-x", "1-2-18446744073709551615"] {
        assert_eq!(rand(id), hashed(id), "{id}");
    }
    // Every unique id and rand fits a signed 64-bit integer (hosts parse
    // JSON numbers so), and ids whose hash has the top bit set are found too.
    let mut top_bit = 0;
    for i in 0..200 {
        let id = format!("m{i}");
        assert!(unique_id(&id) <= i64::MAX as u64 && rand(&id) <= i64::MAX as u64);
        top_bit += usize::from(imcore::store::msg_hash(&id) < 0);
    }
    assert!(top_bit > 0);
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
    assert!(e
        .find_by_unique_id(&c2c("bob"), u64::MAX)
        .unwrap()
        .is_none());
    // Both halves of the hash space: ids whose hash is negative and not.
    let ids: Vec<String> = (0..40).map(|i| format!("h{i}")).collect();
    e.receive(
        ids.iter()
            .enumerate()
            .map(|(i, id)| from_peer(id, "hal", NOW + i as u64))
            .collect(),
    )
    .unwrap();
    assert!(ids.iter().any(|id| imcore::store::msg_hash(id) < 0));
    assert!(ids.iter().any(|id| imcore::store::msg_hash(id) >= 0));
    for id in &ids {
        let m = e.find_by_unique_id(&c2c("hal"), unique_id(id)).unwrap();
        assert_eq!(m.map(|m| m.msg_id).as_deref(), Some(id.as_str()));
    }
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
