//! Message functions. The error split is the one of [`crate::conv`]:
//! refusals before anything runs are returned, engine errors arrive in the
//! callback (6004 unknown conversation, 6010 unknown message, 6017 invalid,
//! 7013 receipts not supported for the group type, 7016 limits).

use crate::boundary::{self, conv_type, guard, opt_str, req_str, Reject};
use crate::conv::raw_key;
use crate::json::{self, Obj};
use crate::runtime::{self, comm, op, op_batch, Cb, PendingSend, Session};
use crate::*;
use imcore::{CleanTarget, ConvKey, ConvType, MsgStatus, OutgoingMessage, ReceiveOpt};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh message id: `<user hash>-<seconds>-<random>`, the shape of TIM's.
fn new_msg_id(user: &str, now: u64) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut x = nanos
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // splitmix64
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    let tiny = user.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) % 1_000_000_000_000_000;
    format!("{tiny}-{now}-{}", x % 4_294_967_296)
}

/// What a send needs from its JSON.
struct SendParam {
    need_read_receipt: bool,
    excluded_from_unread: bool,
    excluded_from_last_message: bool,
    at_users: Vec<String>,
    body: String,
}

fn send_param(text: &str) -> boundary::Sync<SendParam> {
    const W: &str = "json_msg_param";
    let v = json::parse(text, W)?;
    let o = Obj::new(&v, W)?;
    match o.get("message_elem_array") {
        Some(Value::Array(_)) => {}
        Some(_) => {
            return Err(Reject::json(format!(
                "{W}.message_elem_array must be an array"
            )))
        }
        None => return Err(Reject::json(format!("{W}.message_elem_array is missing"))),
    }
    Ok(SendParam {
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
        body: v.to_string(),
    })
}

/// Sends a message: stores it as mine (it becomes the last message; it never
/// counts unread) and writes its new id, NUL-terminated, into
/// `message_id_buffer` (≥ 128 bytes, may be NULL) before returning.
/// `json_msg_param`: a Message object (`message_elem_array` required; flags
/// `message_need_read_receipt`, `message_is_excluded_from_unread_count`,
/// `message_excluded_from_last_message`, `message_group_at_user_array`).
/// With an outbound callback set, an envelope of kind "message" goes to the
/// host and the callback fires when `IMCoreOutboundAck` answers it (status 2
/// stamped with the server's time and sequence, or the ack's code with
/// status 3). Without one (loopback) it succeeds at once, stamped locally.
/// Callback json: the Message.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSendMessage(
    conv_id: *const c_char,
    conv_type_: i32,
    json_msg_param: *const c_char,
    message_id_buffer: *mut c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSendMessage", || {
        // SAFETY: the host passes NULL or valid C strings and a NULL or
        // 128-byte buffer.
        unsafe {
            send(
                conv_id,
                conv_type_,
                json_msg_param,
                message_id_buffer,
                cb,
                user_data,
            )
        }
    })
}

/// The deprecated form of TIMMsgSendMessage without an id buffer.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSendNewMsg(
    conv_id: *const c_char,
    conv_type_: i32,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSendNewMsg", || {
        // SAFETY: as TIMMsgSendMessage, with no buffer.
        unsafe {
            send(
                conv_id,
                conv_type_,
                json_msg_param,
                std::ptr::null_mut(),
                cb,
                user_data,
            )
        }
    })
}

unsafe fn send(
    conv_id: *const c_char,
    conv_type_: i32,
    json_msg_param: *const c_char,
    buf: *mut c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> boundary::Sync<i32> {
    runtime::check_logged_in()?;
    // SAFETY: forwarded from the export.
    let key = unsafe { raw_key(conv_id, conv_type_) }?;
    // SAFETY: as above.
    let text = unsafe { req_str(json_msg_param, "json_msg_param") }?;
    let p = send_param(text)?;
    let ud = user_data as usize;
    let buf = buf as usize;
    op_batch(move |s| {
        let now = s.engine.now();
        let status = if s.engine.outbox_enabled() {
            MsgStatus::Sending
        } else {
            MsgStatus::SendSucc
        };
        let msg = OutgoingMessage {
            conv: key,
            need_read_receipt: p.need_read_receipt,
            excluded_from_unread: p.excluded_from_unread,
            excluded_from_last_message: p.excluded_from_last_message,
            at_users: p.at_users,
            body: p.body,
        };
        let mut result = Err(imcore::Error::Storage("no attempt".into()));
        for _ in 0..3 {
            let id = new_msg_id(s.engine.user_id(), now);
            result = s.engine.send_message(&id, msg.clone(), status);
            match &result {
                Err(imcore::Error::InvalidParam(m)) if m.contains("already used") => continue,
                _ => break,
            }
        }
        let id = result
            .as_ref()
            .map(|m| m.msg_id.clone())
            .unwrap_or_default();
        // SAFETY: the host's buffer holds at least 128 bytes (or is NULL);
        // a generated id is far shorter.
        let _ = unsafe { boundary::write_c_buf(buf as *mut c_char, 128, &id, "message id") };
        if s.own_sends.len() > 4096 {
            s.own_sends.clear();
        }
        s.own_sends.insert(id.clone());
        let changes = s.engine.drain_changes();
        let envelope = changes
            .iter()
            .flat_map(|c| c.outbound.iter())
            .find(|e| matches!(&e.item, imcore::engine::Outbound::Message { message } if message.msg_id == id))
            .map(|e| e.envelope_id);
        let mut batch = crate::events::convert_all(s, changes);
        match (result, envelope) {
            (Ok(_), Some(env)) => {
                s.pending_sends.insert(
                    env,
                    PendingSend {
                        cb,
                        ud,
                        result: None,
                    },
                );
            }
            (Ok(m), None) => batch.push(comm(cb, ud, Ok(json::message(&m).to_string()))),
            (Err(e), _) => batch.push(comm(cb, ud, Err(e))),
        }
        batch
    })
}

/// Messages of a conversation, newest first. `json_get_msg_param` (NULL /
/// "" / `null` = the newest 20): `msg_getmsglist_param_last_msg` (a Message;
/// its `message_msg_id` is the anchor, excluded), `msg_getmsglist_param_count`
/// (default 20, at most 1000), `msg_getmsglist_param_is_forward` (true =
/// newer than the anchor, else older). Other keys (ramble, time range, seq
/// array, type array) are accepted and ignored: imcore has only the local store.
/// Callback json: array of Message; 6004 unknown conversation; 6010 unknown anchor.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetMsgList(
    conv_id: *const c_char,
    conv_type_: i32,
    json_get_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetMsgList", || {
        runtime::check_logged_in()?;
        const W: &str = "json_get_msg_param";
        // SAFETY: the host passes NULL or valid C strings.
        let key = unsafe { raw_key(conv_id, conv_type_) }?;
        // SAFETY: as above.
        let text = unsafe { opt_str(json_get_msg_param, W) }?;
        let (mut anchor, mut count, mut forward) = (None, 20u32, false);
        if let Some(v) = json::parse_opt(text, W)? {
            let o = Obj::new(&v, W)?;
            if let Some(m) = o.get("msg_getmsglist_param_last_msg") {
                let m = Obj::new(m, format!("{W}.msg_getmsglist_param_last_msg"))?;
                anchor = m
                    .str("message_msg_id")?
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
            }
            if let Some(c) = o.u64("msg_getmsglist_param_count")? {
                if c > 0 {
                    count = c.min(1000) as u32;
                }
            }
            forward = o.bool("msg_getmsglist_param_is_forward")?.unwrap_or(false);
        }
        op(cb, user_data, move |s| {
            let list = if forward {
                newer_than(s, &key, anchor.as_deref(), count)?
            } else {
                s.engine.messages(&key, anchor.as_deref(), count)?
            };
            Ok(json::messages(&list))
        })
    })
}

/// The `count` messages just newer than `anchor` (oldest ones when no
/// anchor), newest first: scans back from the newest in pages.
fn newer_than(
    s: &mut Session,
    key: &ConvKey,
    anchor: Option<&str>,
    count: u32,
) -> Result<Vec<imcore::StoredMessage>, imcore::Error> {
    if let Some(a) = anchor {
        // An unknown anchor is an error, as for the backward direction.
        if s.engine.message_by_id(a)?.is_none() {
            return Err(imcore::Error::MessageNotFound(a.to_owned()));
        }
    }
    let mut newer = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = s.engine.messages(key, before.as_deref(), 1000)?;
        let last = page.len() < 1000;
        for m in page {
            if Some(m.msg_id.as_str()) == anchor {
                let start = newer.len().saturating_sub(count as usize);
                return Ok(newer.split_off(start));
            }
            before = Some(m.msg_id.clone());
            newer.push(m);
        }
        if last {
            break;
        }
    }
    let start = newer.len().saturating_sub(count as usize);
    Ok(newer.split_off(start))
}

/// Messages by id. `json_message_id_array`: array of message ids.
/// Callback json: array of the Messages found, in the order asked.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM; TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgFindMessages(
    json_message_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgFindMessages", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_message_id_array, "json_message_id_array") }?;
        let ids = json::string_array(text, "json_message_id_array")?;
        op(cb, user_data, move |s| {
            let mut found = Vec::new();
            for id in &ids {
                if let Some(m) = s.engine.message_by_id(id)? {
                    found.push(m);
                }
            }
            Ok(json::messages(&found))
        })
    })
}

/// Marks a conversation read (deprecated TIM API, still used by Unity):
/// `conv_id` NULL / "" = every conversation of `conv_type`; `json_msg_param`
/// NULL / "" / `null` = up to the newest message, else a Message up to which
/// to read (by its `message_msg_id`, or its `message_server_time` (C2C) /
/// `message_seq` (group)). Conv events `Update` follow. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgReportReaded(
    conv_id: *const c_char,
    conv_type_: i32,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgReportReaded", || {
        runtime::check_logged_in()?;
        const W: &str = "json_msg_param";
        // SAFETY: the host passes NULL or valid C strings.
        let id = unsafe { opt_str(conv_id, "conv_id") }?.unwrap_or("");
        let t = conv_type(conv_type_, "conv_type")?;
        // SAFETY: as above.
        let text = unsafe { opt_str(json_msg_param, W) }?;
        let msg = json::parse_opt(text, W)?;
        let (mut anchor, mut time, mut seq) = (None, 0, 0);
        if let Some(v) = &msg {
            let o = Obj::new(v, W)?;
            anchor = o
                .str("message_msg_id")?
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            time = o.u64("message_server_time")?.unwrap_or(0);
            seq = o.u64("message_seq")?.unwrap_or(0);
        }
        let target = if id.is_empty() {
            match t {
                ConvType::C2c => CleanTarget::AllC2c,
                ConvType::Group => CleanTarget::AllGroups,
            }
        } else {
            CleanTarget::Conversation(boundary::conv_key(id, t, "conv_id")?)
        };
        op(cb, user_data, move |s| {
            if let (Some(a), CleanTarget::Conversation(_)) = (&anchor, &target) {
                let m = s
                    .engine
                    .message_by_id(a)?
                    .ok_or_else(|| imcore::Error::MessageNotFound(a.clone()))?;
                time = m.server_time;
                seq = m.seq;
            }
            match (&target, t) {
                (CleanTarget::Conversation(_), ConvType::C2c) if msg.is_some() && time > 0 => {
                    s.engine.clean_unread(&target, time, 0)?
                }
                (CleanTarget::Conversation(_), ConvType::Group) if msg.is_some() && seq > 0 => {
                    s.engine.clean_unread(&target, 0, seq)?
                }
                _ => s.engine.clean_unread(&target, 0, 0)?,
            }
            Ok(String::new())
        })
    })
}

/// Marks every conversation read. Conv events `Update` follow.
/// Callback: code 0, json "". Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgMarkAllMessageAsRead(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgMarkAllMessageAsRead", || {
        op(cb, user_data, |s| {
            s.engine.mark_all_read()?;
            Ok(String::new())
        })
    })
}

fn recv_opt(opt: i32) -> boundary::Sync<ReceiveOpt> {
    ReceiveOpt::from_i64(i64::from(opt)).map_err(|_| {
        Reject::param(format!(
            "opt is {opt}; expected 0..=4 (TIMReceiveMessageOpt)"
        ))
    })
}

/// Reads a JSON array of 1..=30 user ids into C2C keys.
fn user_keys(text: &str, what: &str) -> boundary::Sync<Vec<(String, ConvKey)>> {
    let ids = json::string_array(text, what)?;
    if ids.is_empty() || ids.len() > 30 {
        return Err(Reject::param(format!(
            "{what} holds {} ids; 1..=30 are allowed",
            ids.len()
        )));
    }
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let k = boundary::conv_key(&id, ConvType::C2c, &format!("{what}[{i}]"))?;
            Ok((id, k))
        })
        .collect()
}

/// Sets the receive option (`opt` 0..=4: receive, not receive, no notify,
/// no notify except @, not receive except @) of C2C conversations
/// (`json_identifier_array`: 1..=30 user ids; unknown ones are remembered
/// for when they appear). Muting (1, 2, 3) takes the unread out of the
/// total at once. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSetC2CReceiveMessageOpt(
    json_identifier_array: *const c_char,
    opt: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSetC2CReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_identifier_array, "json_identifier_array") }?;
        let keys = user_keys(text, "json_identifier_array")?;
        let opt = recv_opt(opt)?;
        op(cb, user_data, move |s| {
            for (_, k) in &keys {
                s.engine.set_receive_opt(k, opt)?;
            }
            Ok(String::new())
        })
    })
}

/// The receive options of C2C conversations (1..=30 user ids). Callback
/// json: `[{"msg_recv_msg_opt_result_identifier":id,"msg_recv_msg_opt_result_opt":n}]`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetC2CReceiveMessageOpt(
    json_identifier_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetC2CReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_identifier_array, "json_identifier_array") }?;
        let keys = user_keys(text, "json_identifier_array")?;
        op(cb, user_data, move |s| {
            let arr: Vec<Value> = keys
                .iter()
                .map(|(id, k)| {
                    json!({
                        "msg_recv_msg_opt_result_identifier": id,
                        "msg_recv_msg_opt_result_opt": s.engine.receive_opt(k).as_i64(),
                    })
                })
                .collect();
            Ok(Value::Array(arr).to_string())
        })
    })
}

/// Sets a group's receive option (`opt` 0..=4). Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_GROUP (NULL / empty / too long group id).
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSetGroupReceiveMessageOpt(
    group_id: *const c_char,
    opt: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSetGroupReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let id = unsafe { opt_str(group_id, "group_id") }?
            .ok_or_else(|| Reject::new(TIM_ERR_GROUP, "group_id is NULL"))?;
        let key = boundary::conv_key(id, ConvType::Group, "group_id")?;
        let opt = recv_opt(opt)?;
        op(cb, user_data, move |s| {
            s.engine.set_receive_opt(&key, opt)?;
            Ok(String::new())
        })
    })
}

/// Reads a JSON array of Message objects (or of message id strings) into ids.
fn message_ids(text: &str, what: &str) -> boundary::Sync<Vec<String>> {
    let v = json::parse(text, what)?;
    let arr = json::array(&v, what)?;
    arr.iter()
        .enumerate()
        .map(|(i, m)| match m {
            Value::String(s) => Ok(s.clone()),
            _ => {
                let o = Obj::new(m, format!("{what}[{i}]"))?;
                let id = o.str("message_msg_id")?;
                Ok(o.require("message_msg_id", id)?.to_owned())
            }
        })
        .collect()
}

/// Sends my read receipts for received messages that ask for one
/// (`json_msg_array`: Messages of one conversation, each with its
/// `message_msg_id`; at most 100). Unread counts do not change. With an
/// outbound callback an envelope of kind "receipt" goes to the host.
/// Callback: code 0, json ""; 6010 unknown message, 6017 mixed
/// conversations / not asking for a receipt / my own message, 7013 group
/// type without receipts.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM; TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSendMessageReadReceipts(
    json_msg_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSendMessageReadReceipts", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_msg_array, "json_msg_array") }?;
        let ids = message_ids(text, "json_msg_array")?;
        op(cb, user_data, move |s| {
            s.engine.send_receipts(&ids)?;
            Ok(String::new())
        })
    })
}

/// The read receipts of my messages (`json_msg_array`: Messages of one
/// conversation). Callback json: array of MessageReceipt.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM; TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetMessageReadReceipts(
    json_msg_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetMessageReadReceipts", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_msg_array, "json_msg_array") }?;
        let ids = message_ids(text, "json_msg_array")?;
        op(cb, user_data, move |s| {
            Ok(json::receipts(&s.engine.receipts_of(&ids)?))
        })
    })
}

/// One page of the members who read (`filter` 0) or have not read (1) one
/// of my group messages, counted against the group's roster (inbound
/// "group_members" envelopes). `json_msg`: the Message (its
/// `message_msg_id`); `next_seq` 0 first, then the callback's; `count`
/// 1..=100. Callback: `json_group_member_array` = array of
/// `{"group_member_info_identifier":id,"group_member_info_group_id":g}`,
/// `next_seq`, `is_finished`. This callback has no error code: on an engine
/// error (unknown message, not a group message) it gets "" with
/// `is_finished` true, and the error goes to the log callback.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM
/// (NULL, filter or count out of range); TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetGroupMessageReadMemberList(
    json_msg: *const c_char,
    filter: i32,
    next_seq: u64,
    count: u32,
    cb: TIMMsgGroupMessageReadMemberListCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetGroupMessageReadMemberList", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_msg, "json_msg") }?;
        let v = json::parse(text, "json_msg")?;
        let o = Obj::new(&v, "json_msg")?;
        let id = o.str("message_msg_id")?;
        let id = o.require("message_msg_id", id)?.to_owned();
        let read = match filter {
            0 => true,
            1 => false,
            other => {
                return Err(Reject::param(format!(
                    "filter is {other}; expected 0 (read) or 1 (unread)"
                )))
            }
        };
        if count == 0 || count > 100 {
            return Err(Reject::param(format!(
                "count is {count}; 1..=100 are allowed"
            )));
        }
        let ud = user_data as usize;
        op_batch(move |s| {
            let page = s.engine.read_members(&id, read, next_seq, count);
            let group = s
                .engine
                .message_by_id(&id)
                .ok()
                .flatten()
                .map(|m| m.conv.peer)
                .unwrap_or_default();
            let mut batch = crate::events::collect(s);
            let cb = match page {
                Ok(p) => Cb::ReadMembers {
                    cb,
                    ud,
                    json: Value::Array(
                        p.members
                            .iter()
                            .map(|m| {
                                json!({
                                    "group_member_info_identifier": m,
                                    "group_member_info_group_id": group,
                                })
                            })
                            .collect(),
                    )
                    .to_string(),
                    next_seq: p.next_cursor,
                    finished: p.finished,
                },
                Err(e) => {
                    batch.push(Cb::Log(
                        6,
                        format!("TIMMsgGetGroupMessageReadMemberList: {} {e}", e.code()),
                    ));
                    Cb::ReadMembers {
                        cb,
                        ud,
                        json: String::new(),
                        next_seq: 0,
                        finished: true,
                    }
                }
            };
            batch.push(cb);
            batch
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_look_like_tim_ids_and_differ() {
        let a = new_msg_id("alice", 1_700_000_000);
        let b = new_msg_id("alice", 1_700_000_000);
        assert_ne!(a, b);
        assert_eq!(a.split('-').count(), 3);
        assert!(a.len() < 64);
    }

    #[test]
    fn send_params_need_an_element_array() {
        assert!(send_param(r#"{"message_elem_array":[]}"#).is_ok());
        let e = send_param(r#"{"message_elem_array":{}}"#).err().unwrap();
        assert!(e.desc.contains("message_elem_array"));
        assert!(send_param("{}").is_err());
        let p = send_param(r#"{"message_elem_array":[],"message_need_read_receipt":true}"#)
            .ok()
            .unwrap();
        assert!(p.need_read_receipt);
    }
}
