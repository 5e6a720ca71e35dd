//! The TIM JSON of the message-lifecycle envelopes (docs/TRANSPORT.md):
//! `message_delete`, `clear_history`, `revoke`, `modify_message`,
//! `all_receive_opt`, `app_state` and private read positions, in both
//! directions.

use crate::boundary::{self, Reject};
use crate::tim::json::Obj;
use imcore::engine::{AppState, Inbound, InboundEdit, InboundRevoke, Outbound};
use imcore::{AllReceiveOpt, ConvKey, ConvType, ReceiveOpt};
use serde_json::{json, Value};

/// The envelope kinds this module reads.
pub const INBOUND_KINDS: &str =
    "revoke, message_delete, clear_history, message_update, all_receive_opt";

/// The TIM keys of the global receive option (`TIMMsgGetAllReceiveMessageOpt`).
pub fn all_receive_opt_json(o: &AllReceiveOpt) -> Value {
    json!({
        "msg_all_recv_msg_opt_level": o.opt.as_i64(),
        "msg_all_recv_msg_opt_start_hour": o.start_hour,
        "msg_all_recv_msg_opt_start_minute": o.start_minute,
        "msg_all_recv_msg_opt_start_second": o.start_second,
        "msg_all_recv_msg_opt_start_time_stamp": o.start_time_stamp,
        "msg_all_recv_msg_duration": o.duration,
    })
}

fn conv_fields(k: &ConvKey) -> (String, i64) {
    (k.peer.clone(), k.conv_type.as_i64())
}

/// The JSON of a lifecycle envelope; None for the other kinds.
pub fn envelope_json(id: u64, item: &Outbound) -> Option<Value> {
    Some(match item {
        Outbound::PrivateReadPositions { positions } => json!({
            "envelope_id": id, "kind": "read_position", "private": true,
            "positions": positions.iter().map(|p| {
                let (c, t) = conv_fields(&p.conv);
                json!({"conv_id": c, "conv_type": t, "timestamp": p.timestamp,
                       "sequence": p.sequence})
            }).collect::<Vec<_>>(),
        }),
        Outbound::MessageDelete { conv, msg_ids } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "message_delete", "conv_id": c, "conv_type": t,
                   "msg_id_array": msg_ids})
        }
        Outbound::ClearHistory { position } => {
            let (c, t) = conv_fields(&position.conv);
            json!({"envelope_id": id, "kind": "clear_history", "conv_id": c, "conv_type": t,
                   "timestamp": position.timestamp, "sequence": position.sequence})
        }
        Outbound::Revoke {
            conv,
            msg_id,
            reason,
        } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "revoke", "conv_id": c, "conv_type": t,
                   "msg_id": msg_id, "reason": reason})
        }
        Outbound::ModifyMessage { conv, msg_id, body } => {
            let (c, t) = conv_fields(conv);
            let message = serde_json::from_str::<Value>(body).unwrap_or_else(|_| json!({}));
            json!({"envelope_id": id, "kind": "modify_message", "conv_id": c, "conv_type": t,
                   "msg_id": msg_id, "message": message})
        }
        Outbound::AllReceiveOpt { opt } => {
            let mut v = all_receive_opt_json(opt);
            v["envelope_id"] = json!(id);
            v["kind"] = json!("all_receive_opt");
            v
        }
        Outbound::AppState { state } => match state {
            AppState::Foreground => {
                json!({"envelope_id": id, "kind": "app_state", "state": "foreground"})
            }
            AppState::Background { unread_count } => json!({
                "envelope_id": id, "kind": "app_state", "state": "background",
                "unread_count": unread_count,
            }),
        },
        _ => return None,
    })
}

fn key_of(o: &Obj<'_>) -> boundary::Checked<ConvKey> {
    let id = o.str("conv_id")?;
    let id = o.require("conv_id", id)?;
    let t = o.i64("conv_type")?;
    let t = o.require("conv_type", t)?;
    let t = boundary::conv_type(
        i32::try_from(t).unwrap_or(-1),
        &format!("{}.conv_type", o.ctx),
    )?;
    boundary::conv_key(id, t, &format!("{}.conv_id", o.ctx))
}

fn required_str(o: &Obj<'_>, key: &str) -> boundary::Checked<String> {
    let v = o.str(key)?;
    Ok(o.require(key, v)?.to_owned())
}

/// Reads the global receive option's TIM keys from `o`: the level is
/// required, the times default to 0.
pub fn parse_all_receive_opt(o: &Obj<'_>) -> boundary::Checked<AllReceiveOpt> {
    let level = o.i64("msg_all_recv_msg_opt_level")?;
    let level = o.require("msg_all_recv_msg_opt_level", level)?;
    let opt = ReceiveOpt::from_i64(level).map_err(|_| {
        Reject::param(format!(
            "{}.msg_all_recv_msg_opt_level is {level}; expected 0..=4",
            o.ctx
        ))
    })?;
    let small = |key: &str| -> boundary::Checked<u32> {
        match o.u64(key)? {
            None => Ok(0),
            Some(v) => u32::try_from(v)
                .map_err(|_| Reject::param(format!("{}.{key} {v} is out of range", o.ctx))),
        }
    };
    Ok(AllReceiveOpt {
        opt,
        start_hour: small("msg_all_recv_msg_opt_start_hour")?,
        start_minute: small("msg_all_recv_msg_opt_start_minute")?,
        start_second: small("msg_all_recv_msg_opt_start_second")?,
        start_time_stamp: o.u64("msg_all_recv_msg_opt_start_time_stamp")?.unwrap_or(0),
        duration: small("msg_all_recv_msg_duration")?,
    })
}

/// Reads an inbound lifecycle envelope of `kind`; None for other kinds.
pub fn parse_envelope(o: &Obj<'_>, kind: &str) -> Option<boundary::Checked<Inbound>> {
    let parse = || -> boundary::Checked<Inbound> {
        Ok(match kind {
            "revoke" => Inbound::Revoke(InboundRevoke {
                conv: key_of(o)?,
                msg_id: required_str(o, "msg_id")?,
                revoker: required_str(o, "revoker")?,
                reason: o.str("reason")?.unwrap_or("").to_owned(),
                time: o.u64("time")?.unwrap_or(0),
            }),
            "message_delete" => Inbound::MessageDelete {
                conv: key_of(o)?,
                msg_ids: {
                    let ids = o.strings("msg_id_array")?;
                    o.require("msg_id_array", ids)?
                },
            },
            "clear_history" => Inbound::ClearHistory {
                conv: key_of(o)?,
                timestamp: o.u64("timestamp")?.unwrap_or(0),
                sequence: o.u64("sequence")?.unwrap_or(0),
            },
            "message_update" => {
                let m = o
                    .get("message")
                    .ok_or_else(|| Reject::json(format!("{}.message is missing", o.ctx)))?;
                if !m.is_object() {
                    return Err(Reject::json(format!("{}.message must be an object", o.ctx)));
                }
                Inbound::Edit(InboundEdit {
                    conv: key_of(o)?,
                    msg_id: required_str(o, "msg_id")?,
                    body: m.to_string(),
                    version: o.u64("update_time")?.unwrap_or(0),
                })
            }
            "all_receive_opt" => Inbound::AllReceiveOpt {
                opt: parse_all_receive_opt(o)?,
                update_time: o.u64("update_time")?.unwrap_or(0),
            },
            _ => unreachable!("checked below"),
        })
    };
    match kind {
        "revoke" | "message_delete" | "clear_history" | "message_update" | "all_receive_opt" => {
            Some(parse())
        }
        _ => None,
    }
}

/// The revoke listener's locator (TIM's MessageLocator) of a revoked message.
pub fn locator(r: &imcore::RevokedMessage) -> Value {
    let (time, seq) = (r.server_time, r.seq);
    json!({
        "message_locator_conv_id": r.conv.peer,
        "message_locator_conv_type": r.conv.conv_type.as_i64(),
        "message_locator_is_revoked": true,
        "message_locator_time": time,
        "message_locator_seq": if r.conv.conv_type == ConvType::Group { seq } else { 0 },
        "message_locator_is_self": r.from_self,
        "message_locator_rand": imcore::message::rand(&r.msg_id),
        "message_locator_unique_id": imcore::message::unique_id(&r.msg_id),
        "message_locator_msg_id": r.msg_id,
        "message_revoker_user_id": r.revoker,
        "message_revoke_reason": r.reason,
    })
}

/// A JSON array of Message, each revoked one with who revoked it and why
/// (`message_revoker_user_id`, `message_revoke_reason`, TIM 7.4+), read from
/// the engine.
pub fn messages_with_revokers(engine: &imcore::Engine, ms: &[imcore::StoredMessage]) -> String {
    messages_noting(ms, &revocations(engine, ms), None)
}

/// Who revoked each revoked message of `ms` and why, by message id (the
/// keys [`messages_noting`] lays over a revoked message).
pub(crate) fn revocations(engine: &imcore::Engine, ms: &[imcore::StoredMessage]) -> Revokers {
    ms.iter()
        .filter(|m| m.is_revoked())
        .filter_map(|m| {
            let r = engine.revocation(&m.msg_id).ok().flatten()?;
            Some((m.msg_id.clone(), (r.revoker, r.reason)))
        })
        .collect()
}

/// Revoked messages' (revoker, reason), by message id.
pub(crate) type Revokers = std::collections::HashMap<String, (String, String)>;

/// [`messages_with_revokers`] with the revokers read beforehand, noting
/// each message written once (one without a revoker) in `note`, so a
/// conversation's last message that is one of them is spliced from this
/// text. The text is that of a `Value` array of [`super::message`]s with the
/// revokers laid over.
pub(crate) fn messages_noting<'m>(
    ms: &'m [imcore::StoredMessage],
    revokers: &Revokers,
    note: Option<&mut super::Written<'m>>,
) -> String {
    let mut out = String::with_capacity(ms.iter().map(|m| m.body.len() + 640).sum::<usize>() + 2);
    out.push('[');
    let mut spans = Vec::new();
    for (i, m) in ms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match revokers.get(&m.msg_id).filter(|_| m.is_revoked()) {
            Some((revoker, reason)) => {
                let mut v = super::message(m);
                v["message_revoker_user_id"] = json!(revoker);
                v["message_revoke_reason"] = json!(reason);
                out.push_str(&v.to_string());
            }
            None => {
                let start = out.len();
                super::write_message(&mut out, m);
                spans.push((m, start..out.len()));
            }
        }
    }
    out.push(']');
    if let Some(note) = note {
        note.add(&out, spans);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use imcore::engine::InboundRevoke;
    use imcore::{Engine, EngineConfig, IncomingMessage};

    /// The array written once is the text of the `Value` array, revoked
    /// messages (with their revokers) and the rest alike.
    #[test]
    fn messages_written_once_are_the_text_the_tree_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut e = Engine::open(dir.path(), 1, "me", EngineConfig::default()).expect("open");
        let bob = ConvKey::c2c("bob").expect("key");
        let incoming = |id: &str, t: u64, body: &str| IncomingMessage {
            body: body.into(),
            ..IncomingMessage::new(id, bob.clone(), "bob", t, 0)
        };
        e.receive(vec![
            incoming(
                "a",
                100,
                r#"{"z":1,"message_elem_array":[{"elem_type":0}]}"#,
            ),
            incoming("b", 101, r#"{"message_elem_array": [ ]}"#),
            incoming("c", 102, "{}"),
        ])
        .expect("receive");
        e.apply_inbound(vec![Inbound::Revoke(InboundRevoke {
            conv: bob.clone(),
            msg_id: "b".into(),
            revoker: "bob".into(),
            reason: "typo \"x\"".into(),
            time: 0,
        })])
        .expect("revoke");
        let ms: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|id| e.message_by_id(id).expect("read").expect("stored"))
            .collect();
        assert!(ms[1].is_revoked());
        let tree: Vec<Value> = ms
            .iter()
            .map(|m| {
                let mut v = crate::tim::json::message(m);
                if let Ok(Some(r)) = e.revocation(&m.msg_id) {
                    v["message_revoker_user_id"] = json!(r.revoker);
                    v["message_revoke_reason"] = json!(r.reason);
                }
                v
            })
            .collect();
        let mut noted = crate::tim::json::Written::default();
        let once = messages_noting(&ms, &revocations(&e, &ms), Some(&mut noted));
        assert_eq!(once, Value::Array(tree).to_string());
        assert_eq!(messages_with_revokers(&e, &ms), once);
        // The revoked one is not noted (its text carries the revoker).
        assert!(noted.text_of(&ms[1]).is_none());
        assert!(noted.text_of(&ms[0]).is_some());
    }
}
