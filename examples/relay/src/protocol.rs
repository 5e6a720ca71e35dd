//! The envelope protocol of docs/TRANSPORT.md, server side: what one
//! outbound envelope of a device does, and the ack it gets. The one module
//! that knows envelope shapes (kept small so that it can follow changes of
//! the protocol).
//!
//! What each kind does (every change of one envelope in one transaction):
//! - `message`: stamped with the server's time (and, in a group, the next
//!   sequence); appended to the stream of the peer (C2C: with the
//!   receiver's view of the conversation id) or of every group member, and
//!   to the sender's own stream (`message_is_from_self`) so the sender's
//!   other devices get it; the ack carries the stamps;
//! - `read_position`: appended to the sender's own stream (its other
//!   devices move their positions); for C2C also to the peer's as a
//!   conversation-level `receipt`;
//! - `receipt`: one `receipt` per message to that message's sender;
//! - every other kind (pin, mark, …) is accepted and not forwarded (this
//!   example keeps no conversation state to snapshot);
//! - a malformed envelope is refused with 6017 and a description.
//!
//! A repeated `(user, device, envelope_id)` gets the answer it got the first
//! time and changes nothing.

use crate::store::{Store, Tx};
use serde_json::{json, Value};

/// The refusal code for a malformed envelope (TIM's invalid parameter).
pub const MALFORMED: i32 = 6017;

/// What the relay answers a device for one envelope, and which users'
/// streams grew (to wake their connected devices).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The ack (`{"envelope_id","code","desc","message_server_time","message_seq"}`).
    pub ack: Value,
    /// Users whose streams got envelopes.
    pub woken: Vec<String>,
}

/// Applies one outbound envelope of `user`'s `device` at server time `now`
/// (seconds).
pub fn handle(
    store: &mut Store,
    user: &str,
    device: &str,
    envelope: &Value,
    now: u64,
) -> rusqlite::Result<Outcome> {
    let Some(id) = envelope.get("envelope_id").and_then(Value::as_u64) else {
        return Ok(Outcome {
            ack: json!({"envelope_id": 0, "code": MALFORMED, "desc": "envelope_id is missing"}),
            woken: vec![],
        });
    };
    store.tx(|tx| {
        if let Some(prev) = tx.answered(user, device, id)? {
            let ack = serde_json::from_str(&prev).unwrap_or(Value::Null);
            return Ok(Outcome { ack, woken: vec![] });
        }
        let mut woken = Vec::new();
        let ack = match apply(tx, user, envelope, now, &mut woken)? {
            Ok((time, seq)) => json!({"envelope_id": id, "code": 0, "desc": "",
                                      "message_server_time": time, "message_seq": seq}),
            Err(desc) => json!({"envelope_id": id, "code": MALFORMED, "desc": desc}),
        };
        tx.answer(user, device, id, &ack.to_string())?;
        woken.sort();
        woken.dedup();
        Ok(Outcome { ack, woken })
    })
}

/// Replaces a group's roster and tells every member (old and new) with a
/// `group_members` envelope.
pub fn set_group(
    store: &mut Store,
    group: &str,
    members: &[String],
) -> rusqlite::Result<Vec<String>> {
    store.tx(|tx| {
        let mut told = tx.members(group)?;
        tx.set_members(group, members)?;
        told.extend(members.iter().cloned());
        told.sort();
        told.dedup();
        let env = json!({"kind": "group_members", "group_id": group, "group_type": 1, "op": "set",
                         "members": members});
        for u in &told {
            tx.append(u, &env.to_string())?;
        }
        Ok(told)
    })
}

type Applied = Result<(u64, u64), String>;

fn apply(
    tx: &Tx<'_>,
    user: &str,
    env: &Value,
    now: u64,
    woken: &mut Vec<String>,
) -> rusqlite::Result<Applied> {
    let kind = env.get("kind").and_then(Value::as_str).unwrap_or("");
    match kind {
        "message" => message(tx, user, env, now, woken),
        "read_position" => read_positions(tx, user, env, woken),
        "receipt" => receipts(tx, user, env, now, woken),
        "revoke" | "modify_message" => to_conversation(tx, user, env, now, woken),
        "message_delete" | "clear_history" | "all_receive_opt" => {
            to_my_devices(tx, user, env, now, woken)
        }
        "pin" | "mark" | "receive_opt" | "custom_data" | "server_extension" | "delete"
        | "conversation_group" | "app_state" => Ok(Ok((0, 0))),
        other => Ok(Err(format!("unknown envelope kind {other:?}"))),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{key} is missing or not a non-empty string"))
}

fn message(
    tx: &Tx<'_>,
    user: &str,
    env: &Value,
    now: u64,
    woken: &mut Vec<String>,
) -> rusqlite::Result<Applied> {
    let Some(m) = env.get("message").filter(|m| m.is_object()) else {
        return Ok(Err("message is missing".into()));
    };
    let (conv, kind, msg_id) = match (
        str_of(m, "message_conv_id"),
        m.get("message_conv_type").and_then(Value::as_i64),
        str_of(m, "message_msg_id"),
    ) {
        (Ok(c), Some(k @ (1 | 2)), Ok(id)) => (c.to_owned(), k, id.to_owned()),
        (Err(e), _, _) | (_, _, Err(e)) => return Ok(Err(format!("message.{e}"))),
        _ => return Ok(Err("message.message_conv_type must be 1 or 2".into())),
    };
    if !tx.message(&msg_id, user, kind, &conv)? {
        // Sent again under a new envelope id (after a reinstall): delivered once.
        return Ok(Ok((now, 0)));
    }
    let seq = if kind == 2 { tx.next_seq(&conv)? } else { 0 };
    let mut out = m.clone();
    out["message_sender"] = json!(user);
    out["message_server_time"] = json!(now);
    out["message_seq"] = json!(seq);
    out["message_status"] = json!(2);
    let deliver = |to: &str, conv_id: &str, from_self: bool, woken: &mut Vec<String>| {
        let mut m = out.clone();
        m["message_conv_id"] = json!(conv_id);
        m["message_is_from_self"] = json!(from_self);
        woken.push(to.to_owned());
        tx.append(to, &json!({"kind": "message", "message": m}).to_string())
    };
    if kind == 1 {
        deliver(&conv, user, false, woken)?;
        deliver(user, &conv, true, woken)?;
    } else {
        let members = tx.members(&conv)?;
        for member in &members {
            deliver(member, &conv, member == user, woken)?;
        }
        if !members.iter().any(|m| m == user) {
            deliver(user, &conv, true, woken)?;
        }
    }
    Ok(Ok((now, seq)))
}

fn read_positions(
    tx: &Tx<'_>,
    user: &str,
    env: &Value,
    woken: &mut Vec<String>,
) -> rusqlite::Result<Applied> {
    let Some(positions) = env.get("positions").and_then(Value::as_array) else {
        return Ok(Err("positions is missing".into()));
    };
    for (i, p) in positions.iter().enumerate() {
        let (Ok(conv), Some(kind)) = (
            str_of(p, "conv_id"),
            p.get("conv_type").and_then(Value::as_i64),
        ) else {
            return Ok(Err(format!("positions[{i}] needs conv_id and conv_type")));
        };
        let time = p.get("timestamp").and_then(Value::as_u64).unwrap_or(0);
        let seq = p.get("sequence").and_then(Value::as_u64).unwrap_or(0);
        let mut mine = json!({"kind": "read_position", "conv_id": conv, "conv_type": kind});
        if kind == 1 {
            mine["timestamp"] = json!(time);
        } else {
            mine["sequence"] = json!(seq);
        }
        // The position's version travels with it (a mark-unread moves my
        // other devices back: docs/TRANSPORT.md, "Moving back"). The stream
        // is replayed in order, so the devices merge it as they would.
        if let Some(v) = p.get("read_version").and_then(Value::as_u64) {
            mine["read_version"] = json!(v);
        }
        tx.append(user, &mine.to_string())?;
        woken.push(user.to_owned());
        // A private read position (private read receipts) reaches my devices only.
        let private = env.get("private").and_then(Value::as_bool).unwrap_or(false);
        if kind == 1 && time > 0 && !private {
            let receipt = json!({"kind": "receipt", "receipt": {
                "msg_receipt_conv_id": user, "msg_receipt_conv_type": 1, "msg_receipt_msg_id": "",
                "msg_receipt_time_stamp": time, "msg_receipt_user_id": user}});
            tx.append(conv, &receipt.to_string())?;
            woken.push(conv.to_owned());
        }
    }
    Ok(Ok((0, 0)))
}

/// A revoke or an edit of a message this relay carried: to everyone in its
/// conversation (the peer and my own devices for C2C, every member for a
/// group), each with the conversation id of their side, as `revoke` /
/// `message_update` envelopes. The relay's clock is the edit's version.
fn to_conversation(
    tx: &Tx<'_>,
    user: &str,
    env: &Value,
    now: u64,
    woken: &mut Vec<String>,
) -> rusqlite::Result<Applied> {
    let msg_id = match str_of(env, "msg_id") {
        Ok(id) => id.to_owned(),
        Err(e) => return Ok(Err(e)),
    };
    let Some((sender, kind, conv)) = tx.message_of(&msg_id)? else {
        return Ok(Ok((0, 0))); // not carried here: nobody to tell
    };
    let revoke = env.get("kind").and_then(Value::as_str) == Some("revoke");
    let out = |conv_id: &str| {
        if revoke {
            json!({"kind": "revoke", "conv_id": conv_id, "conv_type": kind, "msg_id": msg_id,
                   "revoker": user, "reason": env.get("reason").cloned().unwrap_or(json!("")),
                   "time": now})
        } else {
            json!({"kind": "message_update", "conv_id": conv_id, "conv_type": kind,
                   "msg_id": msg_id, "message": env.get("message").cloned().unwrap_or(json!({})),
                   "update_time": now})
        }
    };
    if kind == 1 {
        // The message's two sides: its sender and the peer it went to.
        let peer = if sender == user {
            conv.clone()
        } else {
            sender.clone()
        };
        let me_side = if sender == user {
            conv.clone()
        } else {
            sender.clone()
        };
        tx.append(&peer, &out(user).to_string())?;
        tx.append(user, &out(&me_side).to_string())?;
        woken.push(peer);
        woken.push(user.to_owned());
    } else {
        let mut members = tx.members(&conv)?;
        if !members.iter().any(|m| m == user) {
            members.push(user.to_owned());
        }
        for m in members {
            tx.append(&m, &out(&conv).to_string())?;
            woken.push(m);
        }
    }
    Ok(Ok((0, 0)))
}

/// A delete, a history clear or the global receive option: to every device
/// of mine (the originator included), as the same envelope without its id
/// (the option with the relay's clock as its version).
fn to_my_devices(
    tx: &Tx<'_>,
    user: &str,
    env: &Value,
    now: u64,
    woken: &mut Vec<String>,
) -> rusqlite::Result<Applied> {
    let mut out = env.clone();
    if let Some(o) = out.as_object_mut() {
        o.remove("envelope_id");
        if o.get("kind").and_then(Value::as_str) == Some("all_receive_opt") {
            o.insert("update_time".into(), json!(now));
        }
    }
    tx.append(user, &out.to_string())?;
    woken.push(user.to_owned());
    Ok(Ok((0, 0)))
}

fn receipts(
    tx: &Tx<'_>,
    user: &str,
    env: &Value,
    now: u64,
    woken: &mut Vec<String>,
) -> rusqlite::Result<Applied> {
    let Some(ids) = env.get("msg_id_array").and_then(Value::as_array) else {
        return Ok(Err("msg_id_array is missing".into()));
    };
    for id in ids.iter().filter_map(Value::as_str) {
        let Some((sender, kind, conv)) = tx.message_of(id)? else {
            continue; // not a message this relay carried: nobody to tell
        };
        if sender == user {
            continue;
        }
        let conv_id = if kind == 1 { user.to_owned() } else { conv };
        let receipt = json!({"kind": "receipt", "receipt": {
            "msg_receipt_conv_id": conv_id, "msg_receipt_conv_type": kind, "msg_receipt_msg_id": id,
            "msg_receipt_time_stamp": now, "msg_receipt_user_id": user}});
        tx.append(&sender, &receipt.to_string())?;
        woken.push(sender);
    }
    Ok(Ok((0, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (Store, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("relay-proto-{}-{}", std::process::id(), rand()));
        std::fs::create_dir_all(&dir).unwrap();
        (Store::open(&dir.join("relay.db")).unwrap(), dir)
    }

    fn rand() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64
    }

    fn envelopes(s: &Store, user: &str) -> Vec<Value> {
        s.read(user, 0, 100)
            .unwrap()
            .iter()
            .map(|e| serde_json::from_str(&e.envelope).unwrap())
            .collect()
    }

    #[test]
    fn a_c2c_message_reaches_the_peer_and_my_devices_once() {
        let (mut s, _d) = store();
        let env = json!({"envelope_id": 1, "kind": "message", "message": {
            "message_msg_id": "m1", "message_conv_id": "bob", "message_conv_type": 1,
            "message_elem_array": []}});
        let out = handle(&mut s, "alice", "phone", &env, 100).unwrap();
        assert_eq!(out.ack["code"], 0);
        assert_eq!(out.ack["message_server_time"], 100);
        assert_eq!(out.woken, ["alice", "bob"]);
        let bob = envelopes(&s, "bob");
        assert_eq!(bob.len(), 1);
        assert_eq!(bob[0]["message"]["message_conv_id"], "alice");
        assert_eq!(bob[0]["message"]["message_is_from_self"], false);
        let alice = envelopes(&s, "alice");
        assert_eq!(alice[0]["message"]["message_conv_id"], "bob");
        assert_eq!(alice[0]["message"]["message_is_from_self"], true);
        // The same envelope again: the same answer, nothing appended.
        let again = handle(&mut s, "alice", "phone", &env, 200).unwrap();
        assert_eq!(again.ack, out.ack);
        assert_eq!(s.stream_len().unwrap(), 2);
    }

    #[test]
    fn a_c2c_read_position_moves_my_devices_and_tells_the_peer() {
        let (mut s, _d) = store();
        let env = json!({"envelope_id": 5, "kind": "read_position", "positions": [
            {"conv_id": "bob", "conv_type": 1, "timestamp": 150, "sequence": 0}]});
        handle(&mut s, "alice", "phone", &env, 200).unwrap();
        assert_eq!(envelopes(&s, "alice")[0]["kind"], "read_position");
        let r = &envelopes(&s, "bob")[0];
        assert_eq!(r["receipt"]["msg_receipt_conv_id"], "alice");
        assert_eq!(r["receipt"]["msg_receipt_time_stamp"], 150);
    }

    #[test]
    fn a_read_position_keeps_its_version() {
        let (mut s, _d) = store();
        let env = json!({"envelope_id": 6, "kind": "read_position", "positions": [
            {"conv_id": "team", "conv_type": 2, "timestamp": 0, "sequence": 0, "read_version": 7}]});
        handle(&mut s, "alice", "phone", &env, 200).unwrap();
        let got = envelopes(&s, "alice");
        assert_eq!(got[0]["read_version"], 7);
        assert_eq!(got[0]["sequence"], 0);
    }

    #[test]
    fn group_messages_are_numbered_and_receipts_reach_the_sender() {
        let (mut s, _d) = store();
        set_group(
            &mut s,
            "team",
            &["alice".into(), "bob".into(), "carol".into()],
        )
        .unwrap();
        let env = json!({"envelope_id": 1, "kind": "message", "message": {
            "message_msg_id": "g1", "message_conv_id": "team", "message_conv_type": 2}});
        let out = handle(&mut s, "alice", "phone", &env, 100).unwrap();
        assert_eq!(out.ack["message_seq"], 1);
        assert_eq!(out.woken, ["alice", "bob", "carol"]);
        let r = json!({"envelope_id": 1, "kind": "receipt", "conv_id": "team", "conv_type": 2,
                       "msg_id_array": ["g1"]});
        handle(&mut s, "bob", "pc", &r, 101).unwrap();
        let alice = envelopes(&s, "alice");
        let last = alice.last().unwrap();
        assert_eq!(last["receipt"]["msg_receipt_msg_id"], "g1");
        assert_eq!(last["receipt"]["msg_receipt_user_id"], "bob");
    }

    #[test]
    fn a_revoke_reaches_the_peer_and_my_devices_and_a_private_position_no_peer() {
        let (mut s, _d) = store();
        let m = json!({"envelope_id": 1, "kind": "message", "message": {
            "message_msg_id": "m1", "message_conv_id": "bob", "message_conv_type": 1}});
        handle(&mut s, "alice", "phone", &m, 100).unwrap();
        let rv = json!({"envelope_id": 2, "kind": "revoke", "conv_id": "bob", "conv_type": 1,
                        "msg_id": "m1", "reason": "oops"});
        let out = handle(&mut s, "alice", "phone", &rv, 110).unwrap();
        assert_eq!(out.ack["code"], 0);
        let bob = envelopes(&s, "bob");
        let r = bob.last().unwrap();
        assert_eq!(
            (r["kind"].as_str(), r["conv_id"].as_str()),
            (Some("revoke"), Some("alice"))
        );
        assert_eq!(r["revoker"], "alice");
        assert_eq!(r["reason"], "oops");
        let mine = envelopes(&s, "alice");
        assert_eq!(mine.last().unwrap()["conv_id"], "bob");
        // A delete with the server's copy goes to my devices only.
        let del = json!({"envelope_id": 3, "kind": "message_delete", "conv_id": "bob",
                         "conv_type": 1, "msg_id_array": ["m1"]});
        handle(&mut s, "alice", "phone", &del, 120).unwrap();
        let last = envelopes(&s, "alice").pop().unwrap();
        assert_eq!(last["kind"], "message_delete");
        assert!(last.get("envelope_id").is_none());
        assert_eq!(envelopes(&s, "bob").len(), bob.len());
        // A private read position: my devices, no receipt for bob.
        let pos = json!({"envelope_id": 4, "kind": "read_position", "private": true, "positions": [
            {"conv_id": "bob", "conv_type": 1, "timestamp": 150, "sequence": 0}]});
        handle(&mut s, "alice", "phone", &pos, 200).unwrap();
        assert_eq!(
            envelopes(&s, "alice").pop().unwrap()["kind"],
            "read_position"
        );
        assert_eq!(envelopes(&s, "bob").len(), bob.len());
        let app = json!({"envelope_id": 5, "kind": "app_state", "state": "background",
                         "unread_count": 3});
        assert_eq!(
            handle(&mut s, "alice", "phone", &app, 201).unwrap().ack["code"],
            0
        );
    }

    #[test]
    fn malformed_envelopes_are_refused_with_a_reason() {
        let (mut s, _d) = store();
        let out = handle(
            &mut s,
            "alice",
            "phone",
            &json!({"envelope_id": 3, "kind": "message"}),
            1,
        )
        .unwrap();
        assert_eq!(out.ack["code"], MALFORMED);
        assert!(out.ack["desc"].as_str().unwrap().contains("message"));
        let out = handle(
            &mut s,
            "alice",
            "phone",
            &json!({"envelope_id": 4, "kind": "weird"}),
            1,
        )
        .unwrap();
        assert_eq!(out.ack["code"], MALFORMED);
        assert_eq!(s.stream_len().unwrap(), 0);
    }
}
