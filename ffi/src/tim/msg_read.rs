//! Reading: read reports (`TIMMsgReportReaded`, mark-all-read) and the
//! read receipts of my messages.

use crate::boundary::{self, conv_type, guard, Reject};
use crate::boundary::{arg_opt_str, arg_str};
use crate::tim::json::{self, Obj};
use crate::tim::runtime::{self, op, op_batch, Cb};
use crate::*;
use imcore::{CleanTarget, ConvType};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};
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
        let id = arg_opt_str!(conv_id, "conv_id")?.unwrap_or("");
        let t = conv_type(conv_type_, "conv_type")?;
        let text = arg_opt_str!(json_msg_param, W)?;
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

/// Reads a JSON array of Message objects (or of message id strings) into ids.
fn message_ids(text: &str, what: &str) -> boundary::Checked<Vec<String>> {
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
        let text = arg_str!(json_msg_array, "json_msg_array")?;
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
        let text = arg_str!(json_msg_array, "json_msg_array")?;
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
        let text = arg_str!(json_msg, "json_msg")?;
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
            let mut batch = crate::tim::events::collect(s);
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
