//! The transport extension (`docs/TRANSPORT.md`): inbound envelopes, the
//! outbound callback and its acks, the callback mode, and the connection
//! events the host reports.

use crate::boundary::{self, guard, guard_value, req_str, Reject};
use crate::json::{self, Obj};
use crate::runtime::{self, comm, lock, op_batch, op_batch_try, Cb, Session, CORE};
use crate::*;
use imcore::engine::{
    ConversationSync, GroupChange, Inbound, InboundReceipt, Outbound, OutboundEnvelope, RosterOp,
};
use imcore::{ConvKey, ConvType, GroupType, IncomingMessage, ReceiveOpt, SyncPhase};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};

// ------------------------------------------------------------- inbound --

fn key_of(o: &Obj<'_>, id_key: &str, type_key: &str) -> boundary::Sync<ConvKey> {
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

fn parse_message(v: &Value, ctx: &str) -> boundary::Sync<IncomingMessage> {
    let o = Obj::new(v, ctx)?;
    let msg_id = o.str("message_msg_id")?;
    let msg_id = o.require("message_msg_id", msg_id)?.to_owned();
    let conv = key_of(&o, "message_conv_id", "message_conv_type")?;
    let sender = o.str("message_sender")?;
    let sender = o.require("message_sender", sender)?.to_owned();
    let server_time = o.u64("message_server_time")?;
    let server_time = o.require("message_server_time", server_time)?;
    if let Some(elems) = o.get("message_elem_array") {
        if !elems.is_array() {
            return Err(Reject::json(format!(
                "{ctx}.message_elem_array must be an array"
            )));
        }
    }
    let m = IncomingMessage {
        msg_id,
        conv,
        sender,
        server_time,
        seq: o.u64("message_seq")?.unwrap_or(0),
        from_self: o.bool("message_is_from_self")?.unwrap_or(false),
        need_read_receipt: o.bool("message_need_read_receipt")?.unwrap_or(false),
        excluded_from_unread: o
            .bool("message_is_excluded_from_unread_count")?
            .unwrap_or(false),
        excluded_from_last_message: o
            .bool("message_excluded_from_last_message")?
            .unwrap_or(false),
        at_users: o
            .strings("message_group_at_user_array")?
            .unwrap_or_default(),
        online_only: o.bool("message_is_online_msg")?.unwrap_or(false),
        body: v.to_string(),
    };
    Ok(m)
}

/// A `message` envelope read without building a JSON tree: typed, borrowing
/// the push's text, the message kept as the host wrote it. Only for the
/// common, well-formed case: `None` (a wrong type, a duplicate or missing
/// key, another kind) hands the envelope to [`parse_envelope`], which finds
/// and names the problem or reads what this one does not.
fn parse_message_fast(text: &str) -> Option<Inbound> {
    use serde::Deserialize;
    use serde_json::value::RawValue;
    use std::borrow::Cow;
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        message: &'a RawValue,
    }
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
    let env: Envelope<'_> = serde_json::from_str(text).ok()?;
    if env.kind != "message" {
        return None;
    }
    let body = env.message.get();
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

/// Reads a push's envelopes: each the fast way when it can, else through a
/// JSON tree, which names what is wrong as `[index].key`.
fn parse_push(text: &str, what: &str) -> boundary::Sync<Vec<Inbound>> {
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

fn parse_envelope(v: &Value, ctx: &str) -> boundary::Sync<Inbound> {
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
                pinned: c.bool("conv_is_pinned")?.unwrap_or(false),
                marks,
                recv_opt,
                groups: c
                    .strings("conv_conversation_group_array")?
                    .unwrap_or_default(),
                custom_data: c.str("conv_custom_data")?.unwrap_or("").to_owned(),
                server_ext: o.str("server_ext")?.unwrap_or("").to_owned(),
                deleted: o.bool("deleted")?.unwrap_or(false),
            })
        }
        other => match crate::msg_lifecycle::parse_envelope(&o, other) {
            Some(parsed) => parsed?,
            None => {
                return Err(Reject::param(format!(
                    "{ctx}.kind {other:?} is not one of message, receipt, read_position, \
                     group_members, sync, conversation, {}",
                    crate::msg_lifecycle::INBOUND_KINDS
                )))
            }
        },
    })
}

/// Applies a push as the engine does (every envelope checked first, then
/// applied in order) and builds the callback's JSON.
fn apply(s: &mut Session, envs: Vec<Inbound>) -> Result<Value, imcore::Error> {
    let r = s.engine.apply_inbound(envs)?;
    Ok(json!({
        "applied": r.applied,
        "messages_stored": r.messages.stored,
        "messages_duplicate": r.messages.duplicates,
        "messages_online": r.messages.online,
    }))
}

/// Host → imcore: a JSON array of inbound envelopes (see docs/TRANSPORT.md),
/// each an object with "kind": "message", "receipt", "read_position",
/// "group_members", "sync" or "conversation".
///
/// Every envelope is parsed and checked against every rule first: a
/// malformed one refuses the whole push (nothing applied) with TIM_ERR_JSON /
/// TIM_ERR_PARAM / TIM_ERR_CONV and a description naming `[index].key`; one
/// the engine's rules refuse (a range, a limit, the wrong kind of read
/// position) with TIM_ERR_PARAM and `[index] kind id: problem`. Then they are applied in
/// order, consecutive "message" (and "receipt", "conversation") envelopes in
/// one transaction; only a storage failure can stop that midway (push the
/// same array again: every kind is idempotent). Events (new messages, conv
/// events, receipts, totals) come before the result.
/// Callback json: `{"applied":n,"messages_stored":n,"messages_duplicate":n,
/// "messages_online":n}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn IMCoreInboundPush(
    json_envelope_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreInboundPush", || {
        runtime::check_logged_in()?;
        const W: &str = "json_envelope_array";
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_envelope_array, W) }?;
        let envs = parse_push(text, W)?;
        let ud = user_data as usize;
        op_batch_try(move |s| {
            // Every rule of every envelope, before anything is applied.
            s.engine
                .check_inbound(&envs)
                .map_err(|e| Reject::param(boundary::strip(&e)))?;
            let result = apply(s, envs).map(|v| v.to_string());
            let mut batch = crate::events::collect(s);
            if cb.is_some() {
                batch.push(comm(cb, ud, result));
            }
            Ok(batch)
        })
    })
}

// ------------------------------------------------------------ outbound --

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
                       "sequence": p.sequence})
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
        other => crate::msg_lifecycle::envelope_json(id, other)
            .expect("every other kind is a lifecycle envelope"),
    };
    v.to_string()
}

/// Every envelope not yet acknowledged, for delivery again (at login with
/// an outbound callback, and when one is set).
pub fn redeliver(s: &mut Session) -> Vec<Cb> {
    match s.engine.outbox() {
        Ok(envs) => envs
            .iter()
            .map(|e| Cb::Outbound(outbound_json(e)))
            .collect(),
        Err(e) => vec![Cb::Log(6, format!("cannot read the outbox: {e}"))],
    }
}

/// Registers (NULL: unregisters) the host's outbound callback. While one is
/// set, imcore runs with its outbox: every change the server keeps (a
/// message sent, receipts sent, read positions moved, pin, marks, receive
/// option, custom data, delete, conversation groups) queues an envelope
/// (a JSON object with "envelope_id" and "kind") that is passed to this
/// callback, one call each, after that operation's events and before its
/// result; sends stay "sending" until IMCoreOutboundAck. Envelopes are kept
/// in the store until acknowledged and are passed again after each login
/// and when the callback is set. With none set (loopback), sends succeed at
/// once, stamped with the local clock and the next local sequence.
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetOutboundCallback(
    cb: IMCoreOutboundCallback,
    user_data: *const c_void,
) {
    crate::boundary::guard_void("IMCoreSetOutboundCallback", || {
        let f = cb.map(|f| f as usize);
        runtime::set_slot(|l| &mut l.outbound, f, user_data as usize);
        let mut core = lock(&CORE);
        if let Some(s) = core.session.as_mut() {
            s.engine.set_outbox_enabled(f.is_some());
            if f.is_some() {
                let batch = redeliver(s);
                runtime::send(batch);
            }
        }
    });
}

/// Host → imcore: the server's answer to one outbound envelope:
/// `{"envelope_id":n,"code":0,"desc":"","message_server_time":s,"message_seq":q,"update_time":u}`
/// (`code` 0 = accepted; the two stamps apply to message envelopes, 0 or
/// absent time = now; `update_time`, 0 or absent = not given: the server's
/// update time of the conversations an accepted pin, mark, receive option,
/// custom data or extension touched, which orders the change against
/// conversation snapshots). For a message, the send's callback fires now:
/// code 0 with the stamped Message (status 2), or the ack's code and desc
/// with the Message in status 3 (send failed; it stays stored). Every other
/// call whose change queued an envelope (pin, mark, receive option, custom
/// data, receipts, clean / mark read, delete, conversation groups) completes
/// now too: code 0 with its result, or the ack's code and desc. A refused
/// setting goes back to the value the server last confirmed; refused read
/// positions and deletes stay and are queued again for the next resend; a
/// refused receipt may be sent again; group changes stay (docs/TRANSPORT.md,
/// "Several devices"). A refusal is also reported to the experimental-notify
/// listener as key "imcore_outbound_failed" with the ack JSON as data.
/// Synchronous, no callback of its own.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM
/// (NULL, unknown or already answered envelope, stamps out of range);
/// TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn IMCoreOutboundAck(json_ack: *const c_char) -> i32 {
    guard("IMCoreOutboundAck", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_ack, "json_ack") }?;
        let v = json::parse(text, "json_ack")?;
        let o = Obj::new(&v, "json_ack")?;
        let id = o.u64("envelope_id")?;
        let id = o.require("envelope_id", id)?;
        let code = o.i64("code")?.unwrap_or(0);
        let code = i32::try_from(code)
            .map_err(|_| Reject::param(format!("json_ack.code {code} is out of range")))?;
        let desc = o.str("desc")?.unwrap_or("").to_owned();
        let time = o.u64("message_server_time")?.unwrap_or(0);
        let seq = o.u64("message_seq")?.unwrap_or(0);
        let update_time = o.u64("update_time")?.unwrap_or(0);
        let ack_text = v.to_string();
        let mut failed = None;
        op_batch(|s| {
            let outcome = s.engine.ack_outbound_at(id, code, time, seq, update_time);
            let mut batch = crate::events::collect(s);
            match outcome {
                Err(e) => failed = Some(e),
                Ok(out) => {
                    let pending = s.pending_sends.remove(&id);
                    match (&out.envelope.item, pending) {
                        (Outbound::Message { .. }, Some(p)) => {
                            let json = out
                                .message
                                .as_ref()
                                .map(|m| json::message(m).to_string())
                                .unwrap_or_default();
                            batch.push(Cb::Comm {
                                cb: p.cb,
                                ud: p.ud,
                                code,
                                desc: if code == 0 { String::new() } else { desc },
                                json,
                            });
                        }
                        (Outbound::Message { .. }, None) => {}
                        (_, pending) => {
                            if code != 0 {
                                batch.push(Cb::Experimental(
                                    "imcore_outbound_failed".into(),
                                    ack_text,
                                ));
                            }
                            // The call that made the change completes now.
                            if let Some(p) = pending {
                                batch.push(Cb::Comm {
                                    cb: p.cb,
                                    ud: p.ud,
                                    code,
                                    desc: if code == 0 { String::new() } else { desc },
                                    json: if code == 0 {
                                        p.result.unwrap_or_default()
                                    } else {
                                        String::new()
                                    },
                                });
                            }
                        }
                    }
                }
            }
            batch
        })?;
        match failed {
            None => Ok(TIM_SUCC),
            Some(e) => Err(Reject::param(boundary::strip(&e))),
        }
    })
}

// ----------------------------------------------------- delivery control --

/// Chooses where callbacks run: 0 (`IMCORE_CALLBACK_MODE_THREAD`, default)
/// on imcore's dispatcher thread; 1 (`IMCORE_CALLBACK_MODE_PUMPED`) only
/// inside IMCorePollCallbacks on the host's thread (e.g. Unity's main
/// thread). Switching to 1 stops and joins the thread (what it already took
/// is delivered before this returns; called from a callback, the thread ends
/// when that callback returns); switching to 0 starts it again. May be
/// called before TIMInit. Returns TIM_SUCC, or TIM_ERR_PARAM for another value.
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetCallbackMode(mode: i32) -> i32 {
    guard("IMCoreSetCallbackMode", || {
        if mode != IMCORE_CALLBACK_MODE_THREAD && mode != IMCORE_CALLBACK_MODE_PUMPED {
            return Err(Reject::param(format!("mode is {mode}; expected 0 or 1")));
        }
        runtime::set_mode(mode);
        Ok(TIM_SUCC)
    })
}

/// In pumped mode, delivers up to `max_batches` queued batches (one batch =
/// one operation's events and its result; 0 = everything queued when it is
/// called: batches queued meanwhile, by its callbacks or other threads, wait
/// for the next poll, so a poll always ends) on the calling thread, in
/// order, and returns how many it delivered. Returns 0 in
/// thread mode, and when another thread is polling at the moment. A callback
/// may call it again (nested delivery continues in order).
#[no_mangle]
pub unsafe extern "C" fn IMCorePollCallbacks(max_batches: u32) -> i32 {
    guard_value("IMCorePollCallbacks", 0, || {
        i32::try_from(runtime::poll(max_batches)).unwrap_or(i32::MAX)
    })
}

fn notify(cb: Cb) -> boundary::Sync<i32> {
    runtime::check_init()?;
    runtime::send(vec![cb]);
    Ok(TIM_SUCC)
}

/// Host → imcore: the connection state changed (`status`: 0 connected,
/// 1 disconnected, 2 connecting, 3 connect failed). Fires the network-status
/// listener with code 0 and desc "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_PARAM (status out of range).
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetNetworkStatus(status: i32) -> i32 {
    guard("IMCoreSetNetworkStatus", || {
        network(status, 0, String::new())
    })
}

/// As IMCoreSetNetworkStatus, with the `code` and `desc` (may be NULL) the
/// listener receives (e.g. 9508 and the transport's error text).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_PARAM (status out of range,
/// desc not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetNetworkStatusEx(
    status: i32,
    code: i32,
    desc: *const c_char,
) -> i32 {
    guard("IMCoreSetNetworkStatusEx", || {
        // SAFETY: the host passes NULL or a valid C string.
        let desc = unsafe { boundary::str_or_empty(desc, "desc") }?.to_owned();
        network(status, code, desc)
    })
}

fn network(status: i32, code: i32, desc: String) -> boundary::Sync<i32> {
    if !(0..=3).contains(&status) {
        return Err(Reject::param(format!("status is {status}; expected 0..=3")));
    }
    notify(Cb::Network(status, code, desc))
}

/// Host → imcore: this account logged in elsewhere and the server kicked
/// this device. Fires the kicked-offline listener (the app usually calls
/// TIMLogout). Returns TIM_SUCC or TIM_ERR_SDKUNINIT.
#[no_mangle]
pub unsafe extern "C" fn IMCoreNotifyKickedOffline() -> i32 {
    guard("IMCoreNotifyKickedOffline", || notify(Cb::Kicked))
}

/// Host → imcore: the server refused the user sig as expired. Fires the
/// user-sig-expired listener. Returns TIM_SUCC or TIM_ERR_SDKUNINIT.
#[no_mangle]
pub unsafe extern "C" fn IMCoreNotifyUserSigExpired() -> i32 {
    guard("IMCoreNotifyUserSigExpired", || notify(Cb::SigExpired))
}

/// Copies the description of the last call refused on this thread (""
/// after a call that succeeded) into `buffer` of `buffer_len` bytes,
/// NUL-terminated and truncated to fit (at a UTF-8 boundary). Returns the
/// full length in bytes (without the NUL), or TIM_ERR_PARAM for a NULL
/// buffer or a length of 0. Does not itself reset the last error.
#[no_mangle]
pub unsafe extern "C" fn IMCoreGetLastError(buffer: *mut c_char, buffer_len: u32) -> i32 {
    let text = boundary::last_error();
    guard_value("IMCoreGetLastError", TIM_ERR_PARAM, || {
        if buffer.is_null() || buffer_len == 0 {
            return TIM_ERR_PARAM;
        }
        let mut end = text.len().min(buffer_len as usize - 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        // SAFETY: the host provides `buffer_len` writable bytes; `end + 1`
        // of them are written.
        let _ = unsafe { boundary::write_c_buf(buffer, end + 1, &text[..end], "error") };
        i32::try_from(text.len()).unwrap_or(i32::MAX)
    })
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
    }
}
