//! The transport's envelopes (docs/TRANSPORT.md): inbound ones read into
//! the engine's `Inbound`, outbound ones written from `OutboundEnvelope`.

use crate::boundary::{self, Reject};
use crate::tim::json::{self, Obj};
use imcore::engine::{
    ConversationSync, GroupChange, Inbound, InboundReceipt, Outbound, OutboundEnvelope, RosterOp,
};
use imcore::{ConvKey, ConvType, CountPref, GroupType, IncomingMessage, ReceiveOpt, SyncPhase};
use serde_json::{json, Value};
fn key_of(o: &Obj<'_>, id_key: &str, type_key: &str) -> boundary::Checked<ConvKey> {
    let id = o.str(id_key)?;
    let id = o.require(id_key, id)?;
    let t = o.i64(type_key)?;
    let t = o.require(type_key, t)?;
    let t = boundary::conv_type(
        i32::try_from(t).unwrap_or(-1),
        &format!("{}.{type_key}", o.ctx),
    )?;
    boundary::conv_key(id, t, &format!("{}.{id_key}", o.ctx))
}

fn parse_message(v: &Value, ctx: &str) -> boundary::Checked<IncomingMessage> {
    let o = Obj::new(v, ctx)?;
    let msg_id = o.str("message_msg_id")?;
    let msg_id = o.require("message_msg_id", msg_id)?.to_owned();
    let conv = key_of(&o, "message_conv_id", "message_conv_type")?;
    let sender = o.str("message_sender")?;
    let sender = o.require("message_sender", sender)?.to_owned();
    let server_time = o.u64("message_server_time")?;
    let server_time = o.require("message_server_time", server_time)?;
    json::check_elem_array(&o, false)?;
    let flags = json::MessageFlags::read(&o)?;
    let m = IncomingMessage {
        msg_id,
        conv,
        sender,
        server_time,
        seq: o.u64("message_seq")?.unwrap_or(0),
        from_self: o.bool("message_is_from_self")?.unwrap_or(false),
        need_read_receipt: flags.need_read_receipt,
        excluded_from_unread: flags.excluded_from_unread,
        excluded_from_last_message: flags.excluded_from_last_message,
        at_users: flags.at_users,
        online_only: o.bool("message_is_online_msg")?.unwrap_or(false),
        body: v.to_string(),
    };
    Ok(m)
}

/// The head of an envelope as the fast reading reads it: its kind and, for
/// a `message`, the message as the host wrote it.
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    message: &'a serde_json::value::RawValue,
}

/// A `message` envelope read without building a JSON tree: typed, borrowing
/// the push's text, the message kept as the host wrote it. Only for the
/// common, well-formed case: `None` (a wrong type, a duplicate or missing
/// key, another kind) hands the envelope to [`parse_envelope`], which finds
/// and names the problem or reads what this one does not.
fn parse_message_fast(text: &str) -> Option<Inbound> {
    let head: Head<'_> = serde_json::from_str(text).ok()?;
    message_fast(&head)
}

/// The message of an envelope whose head was read (see [`parse_message_fast`]).
fn message_fast(head: &Head<'_>) -> Option<Inbound> {
    use serde::Deserialize;
    use serde_json::value::RawValue;
    use std::borrow::Cow;
    #[derive(Deserialize)]
    struct Message<'a> {
        #[serde(borrow)]
        message_msg_id: Cow<'a, str>,
        #[serde(borrow)]
        message_conv_id: Cow<'a, str>,
        message_conv_type: i64,
        #[serde(borrow)]
        message_sender: Cow<'a, str>,
        message_server_time: u64,
        message_seq: Option<u64>,
        message_is_from_self: Option<bool>,
        message_need_read_receipt: Option<bool>,
        message_is_excluded_from_unread_count: Option<bool>,
        message_excluded_from_last_message: Option<bool>,
        message_group_at_user_array: Option<Vec<String>>,
        message_is_online_msg: Option<bool>,
        #[serde(borrow)]
        message_elem_array: Option<&'a RawValue>,
    }
    if head.kind != "message" {
        return None;
    }
    let body = head.message.get();
    let m: Message<'_> = serde_json::from_str(body).ok()?;
    if m.message_elem_array
        .is_some_and(|e| !e.get().starts_with('[') && e.get() != "null")
    {
        return None;
    }
    let t = match m.message_conv_type {
        1 => ConvType::C2c,
        2 => ConvType::Group,
        _ => return None,
    };
    Some(Inbound::Message(IncomingMessage {
        msg_id: m.message_msg_id.into_owned(),
        conv: ConvKey::new(t, m.message_conv_id.as_ref()).ok()?,
        sender: m.message_sender.into_owned(),
        server_time: m.message_server_time,
        seq: m.message_seq.unwrap_or(0),
        from_self: m.message_is_from_self.unwrap_or(false),
        need_read_receipt: m.message_need_read_receipt.unwrap_or(false),
        excluded_from_unread: m.message_is_excluded_from_unread_count.unwrap_or(false),
        excluded_from_last_message: m.message_excluded_from_last_message.unwrap_or(false),
        at_users: m.message_group_at_user_array.unwrap_or_default(),
        online_only: m.message_is_online_msg.unwrap_or(false),
        body: body.to_owned(),
    }))
}

/// Reads a push's envelopes: a push of `message` envelopes only in one
/// pass over the array when every one reads the fast way; otherwise each
/// envelope the fast way when it can, else through a JSON tree, which names
/// what is wrong as `[index].key`.
pub(crate) fn parse_push(text: &str, what: &str) -> boundary::Checked<Vec<Inbound>> {
    if let Ok(heads) = serde_json::from_str::<Vec<Head<'_>>>(text) {
        if let Some(envs) = heads.iter().map(message_fast).collect::<Option<Vec<_>>>() {
            return Ok(envs);
        }
    }
    let raws: Vec<&serde_json::value::RawValue> = match serde_json::from_str(text) {
        Ok(r) => r,
        // Not an array of JSON values: the tree reading says why.
        Err(_) => {
            let v = json::parse(text, what)?;
            return json::array(&v, what)?
                .iter()
                .enumerate()
                .map(|(i, e)| parse_envelope(e, &format!("[{i}]")))
                .collect();
        }
    };
    raws.iter()
        .enumerate()
        .map(|(i, raw)| match parse_message_fast(raw.get()) {
            Some(e) => Ok(e),
            None => {
                let v = json::parse(raw.get(), what)?;
                parse_envelope(&v, &format!("[{i}]"))
            }
        })
        .collect()
}

fn parse_envelope(v: &Value, ctx: &str) -> boundary::Checked<Inbound> {
    let o = Obj::new(v, ctx)?;
    let kind = o.str("kind")?;
    let kind = o.require("kind", kind)?;
    Ok(match kind {
        "message" => {
            let m = o
                .get("message")
                .ok_or_else(|| Reject::json(format!("{ctx}.message is missing")))?;
            Inbound::Message(parse_message(m, &format!("{ctx}.message"))?)
        }
        "receipt" => {
            let r = o
                .get("receipt")
                .ok_or_else(|| Reject::json(format!("{ctx}.receipt is missing")))?;
            let r = Obj::new(r, format!("{ctx}.receipt"))?;
            let conv = key_of(&r, "msg_receipt_conv_id", "msg_receipt_conv_type")?;
            let reader = match r.str("msg_receipt_user_id")? {
                Some(u) => u.to_owned(),
                None if conv.conv_type == ConvType::C2c => conv.peer.clone(),
                None => {
                    return Err(Reject::json(format!(
                        "{ctx}.receipt.msg_receipt_user_id is missing"
                    )))
                }
            };
            Inbound::Receipt(InboundReceipt {
                conv,
                msg_id: r.str("msg_receipt_msg_id")?.unwrap_or("").to_owned(),
                reader,
                timestamp: r.u64("msg_receipt_time_stamp")?.unwrap_or(0),
            })
        }
        "read_position" => {
            let key = key_of(&o, "conv_id", "conv_type")?;
            Inbound::ReadPosition {
                conv: key,
                timestamp: o.u64("timestamp")?.unwrap_or(0),
                sequence: o.u64("sequence")?.unwrap_or(0),
                version: o.u64("read_version")?,
            }
        }
        "group_members" => {
            let id = o.str("group_id")?;
            let id = o.require("group_id", id)?;
            let key = boundary::conv_key(id, ConvType::Group, &format!("{ctx}.group_id"))?;
            let gt = match o.i64("group_type")? {
                None => None,
                Some(t) => Some(GroupType::from_i64(t).map_err(|_| {
                    Reject::param(format!("{ctx}.group_type is {t}; expected 0..=5"))
                })?),
            };
            let op = match o.str("op")?.unwrap_or("set") {
                "set" => RosterOp::Set,
                "add" => RosterOp::Add,
                "remove" => RosterOp::Remove,
                other => {
                    return Err(Reject::param(format!(
                        "{ctx}.op is {other:?}; expected \"set\", \"add\" or \"remove\""
                    )))
                }
            };
            let members = o.strings("members")?.unwrap_or_default();
            Inbound::Members {
                group: key,
                group_type: gt,
                op,
                members,
            }
        }
        "sync" => {
            let phase = o.str("phase")?;
            let phase = match o.require("phase", phase)? {
                "start" => SyncPhase::Started,
                "finish" => SyncPhase::Finished,
                "failed" => SyncPhase::Failed,
                other => {
                    return Err(Reject::param(format!(
                        "{ctx}.phase is {other:?}; expected \"start\", \"finish\" or \"failed\""
                    )))
                }
            };
            Inbound::Sync {
                phase,
                server_time: o.u64("server_time")?.unwrap_or(0),
            }
        }
        "conversation" => {
            let c = o
                .get("conversation")
                .ok_or_else(|| Reject::json(format!("{ctx}.conversation is missing")))?;
            let c = Obj::new(c, format!("{ctx}.conversation"))?;
            let key = key_of(&c, "conv_id", "conv_type")?;
            let marks = match c.get("conv_mark_array") {
                None => 0,
                Some(Value::Array(a)) => a.iter().enumerate().try_fold(0u64, |acc, (i, m)| {
                    m.as_u64().map(|b| acc | b).ok_or_else(|| {
                        Reject::json(format!(
                            "{ctx}.conversation.conv_mark_array[{i}] must be an unsigned integer"
                        ))
                    })
                })?,
                Some(_) => {
                    return Err(Reject::json(format!(
                        "{ctx}.conversation.conv_mark_array must be an array"
                    )))
                }
            };
            let recv_opt = match c.i64("conv_recv_opt")? {
                None => ReceiveOpt::Receive,
                Some(v) => ReceiveOpt::from_i64(v).map_err(|_| {
                    Reject::param(format!(
                        "{ctx}.conversation.conv_recv_opt is {v}; expected 0..=4"
                    ))
                })?,
            };
            let count_pref = match c.i64("conv_count_pref")? {
                None => CountPref::All,
                Some(v) => CountPref::from_i64(v).map_err(|_| {
                    Reject::param(format!(
                        "{ctx}.conversation.conv_count_pref is {v}; expected 0..=2"
                    ))
                })?,
            };
            let group_type = match c.i64("conv_group_type")? {
                None => None,
                Some(t) => Some(GroupType::from_i64(t).map_err(|_| {
                    Reject::param(format!("{ctx}.conversation.conv_group_type is {t}"))
                })?),
            };
            Inbound::Conversation(ConversationSync {
                key: Some(key),
                update_time: o.u64("update_time")?.unwrap_or(0),
                group_type,
                read_timestamp: c.u64("conv_c2c_read_timestamp")?.unwrap_or(0),
                read_sequence: c.u64("conv_group_read_sequence")?.unwrap_or(0),
                read_version: o.u64("read_version")?,
                pinned: c.bool("conv_is_pinned")?.unwrap_or(false),
                marks,
                recv_opt,
                count_pref,
                groups: c
                    .strings("conv_conversation_group_array")?
                    .unwrap_or_default(),
                custom_data: c.str("conv_custom_data")?.unwrap_or("").to_owned(),
                server_ext: o.str("server_ext")?.unwrap_or("").to_owned(),
                deleted: o.bool("deleted")?.unwrap_or(false),
            })
        }
        other => match super::lifecycle::parse_envelope(&o, other) {
            Some(parsed) => parsed?,
            None => {
                return Err(Reject::param(format!(
                    "{ctx}.kind {other:?} is not one of message, receipt, read_position, \
                     group_members, sync, conversation, {}",
                    super::lifecycle::INBOUND_KINDS
                )))
            }
        },
    })
}

fn conv_fields(k: &ConvKey) -> (String, i64) {
    (k.peer.clone(), k.conv_type.as_i64())
}

/// The JSON of one outbound envelope (documented in docs/TRANSPORT.md).
pub fn outbound_json(e: &OutboundEnvelope) -> String {
    let id = e.envelope_id;
    let ids = |ks: &[ConvKey]| ks.iter().map(ConvKey::v2_id).collect::<Vec<_>>();
    let v = match &e.item {
        Outbound::Message { message } => {
            json!({"envelope_id": id, "kind": "message", "message": json::message(message)})
        }
        Outbound::Receipts { conv, msg_ids } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "receipt", "conv_id": c, "conv_type": t,
                   "msg_id_array": msg_ids})
        }
        Outbound::ReadPositions { positions } => json!({
            "envelope_id": id, "kind": "read_position",
            "positions": positions.iter().map(|p| {
                let (c, t) = conv_fields(&p.conv);
                json!({"conv_id": c, "conv_type": t, "timestamp": p.timestamp,
                       "sequence": p.sequence, "read_version": p.version})
            }).collect::<Vec<_>>(),
        }),
        Outbound::Pin { conv, pinned } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "pin", "conv_id": c, "conv_type": t,
                   "is_pinned": pinned})
        }
        Outbound::Marks {
            convs,
            mark,
            enable,
        } => json!({
            "envelope_id": id, "kind": "mark", "conversation_id_array": ids(convs),
            "mark_type": mark, "enable_mark": enable,
        }),
        Outbound::ReceiveOpt { conv, opt } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "receive_opt", "conv_id": c, "conv_type": t,
                   "opt": opt.as_i64()})
        }
        Outbound::CountPref { conv, pref } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "count_pref", "conv_id": c, "conv_type": t,
                   "pref": pref.as_i64()})
        }
        Outbound::CustomData { convs, data } => json!({
            "envelope_id": id, "kind": "custom_data", "conversation_id_array": ids(convs),
            "custom_data": data,
        }),
        Outbound::ServerExtension { conv, ext } => {
            let (c, t) = conv_fields(conv);
            json!({"envelope_id": id, "kind": "server_extension", "conv_id": c,
                   "conv_type": t, "server_ext": ext})
        }
        Outbound::Delete {
            convs,
            clear_messages,
        } => json!({
            "envelope_id": id, "kind": "delete", "conversation_id_array": ids(convs),
            "clear_message": clear_messages,
        }),
        Outbound::Group { change } => {
            let mut o = json!({"envelope_id": id, "kind": "conversation_group"});
            let (op, fields) = match change {
                GroupChange::Create { name, convs } => (
                    "create",
                    json!({"group_name": name, "conversation_id_array": ids(convs)}),
                ),
                GroupChange::Delete { name } => ("delete", json!({"group_name": name})),
                GroupChange::Rename { old, new } => {
                    ("rename", json!({"old_name": old, "new_name": new}))
                }
                GroupChange::Add { name, convs } => (
                    "add",
                    json!({"group_name": name, "conversation_id_array": ids(convs)}),
                ),
                GroupChange::Remove { name, convs } => (
                    "remove",
                    json!({"group_name": name, "conversation_id_array": ids(convs)}),
                ),
            };
            o["op"] = json!(op);
            if let (Some(o), Some(f)) = (o.as_object_mut(), fields.as_object()) {
                for (k, v) in f {
                    o.insert(k.clone(), v.clone());
                }
            }
            o
        }
        other => super::lifecycle::envelope_json(id, other)
            .expect("every other kind is a lifecycle envelope"),
    };
    v.to_string()
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// Where the fast reading reads an envelope at all, it reads it exactly
    /// as the tree reading does (the body compared as JSON).
    #[test]
    fn the_fast_reading_agrees_with_the_tree_reading() {
        let base = r#""message_msg_id":"m\u00e91","message_conv_id":"bob","message_conv_type":1,"message_sender":"bob","message_server_time":1700000000"#;
        let variants = [
            String::new(),
            r#","message_seq":null"#.into(),
            r#","message_seq":7,"message_is_from_self":true"#.into(),
            r#","message_seq":-1"#.into(),
            r#","message_seq":1.5"#.into(),
            r#","message_need_read_receipt":1"#.into(),
            r#","message_group_at_user_array":["a",null]"#.into(),
            r#","message_group_at_user_array":["a","__kImSDK_MessageAtALL__"]"#.into(),
            r#","message_elem_array":{}"#.into(),
            r#","message_elem_array":null"#.into(),
            r#", "message_elem_array" : [ {"elem_type":0} ] "#.into(),
            r#","message_conv_type":2"#.into(),
            r#","message_msg_id":"dup""#.into(),
            r#","extra":{"nested":[1,2,{"x":null}]}"#.into(),
        ];
        let mut fast_read = 0;
        for v in variants {
            for (kind, conv_type) in [("message", 1), ("message", 3), ("receipt", 1)] {
                let msg = format!("{{{base}{v}}}").replace(
                    "\"message_conv_type\":1,",
                    &format!("\"message_conv_type\":{conv_type},"),
                );
                let env = format!(r#"{{"kind":"{kind}","message":{msg}}}"#);
                let slow = json::parse(&env, "t").and_then(|v| parse_envelope(&v, "[0]"));
                match parse_message_fast(&env) {
                    None => {}
                    Some(Inbound::Message(mut fast)) => {
                        fast_read += 1;
                        let Ok(Inbound::Message(mut slow)) = slow else {
                            panic!("fast read {env}, the tree reading refused it: {slow:?}");
                        };
                        let as_json = |b: &str| serde_json::from_str::<Value>(b).unwrap();
                        assert_eq!(as_json(&fast.body), as_json(&slow.body), "{env}");
                        fast.body.clear();
                        slow.body.clear();
                        assert_eq!(fast, slow, "{env}");
                    }
                    Some(other) => panic!("{env} read as {other:?}"),
                }
            }
        }
        assert!(fast_read >= 6, "the fast reading read only {fast_read}");
        // A whole push: read in one pass when every envelope reads the fast
        // way, as each would be read alone; otherwise envelope by envelope.
        let m = |id: &str| {
            format!(
                r#"{{"kind":"message","message":{{"message_msg_id":"{id}","message_conv_id":"bob","message_conv_type":1,"message_sender":"bob","message_server_time":1,"message_elem_array":[]}}}}"#
            )
        };
        let one = |e: &str| parse_message_fast(e).expect("fast");
        let push = format!("[{},{}]", m("a"), m("b"));
        assert_eq!(
            parse_push(&push, "p").expect("read"),
            vec![one(&m("a")), one(&m("b"))]
        );
        let mixed = format!(r#"[{},{{"kind":"sync","phase":"start"}}]"#, m("a"));
        let read = parse_push(&mixed, "p").expect("read");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0], one(&m("a")));
        let bad = format!(
            r#"[{},{{"kind":"message","message":{{"message_msg_id":7}}}}]"#,
            m("a")
        );
        let err = parse_push(&bad, "p").expect_err("refused");
        assert!(
            format!("{err:?}").contains("[1].message.message_msg_id"),
            "{err:?}"
        );
    }
}
