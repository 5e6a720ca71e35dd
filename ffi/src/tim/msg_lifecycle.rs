//! The message lifecycle (core `engine/lifecycle/`): deleting, clearing,
//! revoking and editing messages, the global receive option, the app state
//! for push badges, and private read receipts. With a transport every call
//! that queues an envelope completes when the server answers it
//! (docs/TRANSPORT.md).

use crate::boundary::{arg_str, c_bool, guard, Reject};
use crate::tim::conv::raw_key;
use crate::tim::json::{self, lifecycle as lj, Obj};
use crate::tim::runtime::{self, op};
use crate::*;
use imcore::engine::AppState;
use imcore::{AllReceiveOpt, ConvKey, ReceiveOpt};
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};

/// The `message_msg_id` of a Message object (`what` names it in errors).
fn msg_id_of(v: &Value, what: &str) -> crate::boundary::Checked<String> {
    let o = Obj::new(v, what)?;
    let id = o.str("message_msg_id")?;
    Ok(o.require("message_msg_id", id)?.to_owned())
}

/// Deletes one message of a conversation (`json_msgdel_param`:
/// `{"msg_delete_param_msg": Message, "msg_delete_param_is_ramble": bool}`;
/// the Message needs its `message_msg_id`; `is_ramble` true also deletes the
/// server's copy, relayed to my other devices, default false: this device
/// only). An unread message lowers the unread count; the preview moves to
/// the newest message left. Callback: code 0, json ""; 6010 when the message
/// is not in the conversation.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgDelete(
    conv_id: *const c_char,
    conv_type: i32,
    json_msgdel_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgDelete", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type)?;
        let v = json::parse(
            arg_str!(json_msgdel_param, "json_msgdel_param")?,
            "json_msgdel_param",
        )?;
        let o = Obj::new(&v, "json_msgdel_param")?;
        let m = o.get("msg_delete_param_msg");
        let m = o.require("msg_delete_param_msg", m)?;
        let id = msg_id_of(m, "json_msgdel_param.msg_delete_param_msg")?;
        let ramble = o.bool("msg_delete_param_is_ramble")?.unwrap_or(false);
        op(cb, user_data, move |s| {
            s.engine.delete_messages(&key, &[id], ramble)?;
            Ok(String::new())
        })
    })
}

/// Deletes messages of a conversation, here and on the server
/// (`json_msg_array`: 1..=100 Message objects with their `message_msg_id`).
/// All or nothing: an id not in the conversation fails the call (6010,
/// naming `[index]`) and deletes nothing. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgListDelete(
    conv_id: *const c_char,
    conv_type: i32,
    json_msg_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgListDelete", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type)?;
        let v = json::parse(
            arg_str!(json_msg_array, "json_msg_array")?,
            "json_msg_array",
        )?;
        let arr = json::array(&v, "json_msg_array")?;
        let ids = arr
            .iter()
            .enumerate()
            .map(|(i, m)| msg_id_of(m, &format!("json_msg_array[{i}]")))
            .collect::<crate::boundary::Checked<Vec<String>>>()?;
        op(cb, user_data, move |s| {
            s.engine.delete_messages(&key, &ids, true)?;
            Ok(String::new())
        })
    })
}

/// How a MessageLocator names its message.
enum Locator {
    /// `message_locator_msg_id` (imcore's own key in the locator).
    Id(String),
    /// `message_locator_unique_id`.
    UniqueId(u64),
}

/// Reads one MessageLocator: its `message_locator_msg_id` when present and
/// not empty, else its `message_locator_unique_id` (not 0).
fn locator_of(v: &Value, what: &str) -> crate::boundary::Checked<Locator> {
    let o = Obj::new(v, what)?;
    if let Some(id) = o.str("message_locator_msg_id")?.filter(|id| !id.is_empty()) {
        return Ok(Locator::Id(id.to_owned()));
    }
    match o.u64("message_locator_unique_id")? {
        Some(uid) if uid != 0 => Ok(Locator::UniqueId(uid)),
        _ => Err(Reject::param(format!(
            "{what} names no message: it needs message_locator_unique_id (not 0) or \
             message_locator_msg_id"
        ))),
    }
}

/// The most locators one `TIMMsgFindByMsgLocatorList` takes.
const MAX_LOCATORS: usize = 100;

/// Messages of a conversation by MessageLocator (`json_msg_locator_array`:
/// 1..=100 locators as the revoke listener hands them out; each is found by
/// its `message_locator_msg_id`, or without one by its
/// `message_locator_unique_id`, the `message_unique_id` of the Message; the
/// locator's other keys are not needed). Callback: code 0 with a JSON array
/// of the Messages found in the conversation, in the order asked (a locator
/// that names none is left out; revoked ones carry their revoker and reason).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (a
/// locator that names nothing, naming `[index]`, or more than 100);
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgFindByMsgLocatorList(
    conv_id: *const c_char,
    conv_type: i32,
    json_msg_locator_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgFindByMsgLocatorList", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type)?;
        let v = json::parse(
            arg_str!(json_msg_locator_array, "json_msg_locator_array")?,
            "json_msg_locator_array",
        )?;
        let arr = json::array(&v, "json_msg_locator_array")?;
        if arr.is_empty() || arr.len() > MAX_LOCATORS {
            return Err(Reject::param(format!(
                "json_msg_locator_array has {} locators; expected 1..={MAX_LOCATORS}",
                arr.len()
            )));
        }
        let locators = arr
            .iter()
            .enumerate()
            .map(|(i, l)| locator_of(l, &format!("json_msg_locator_array[{i}]")))
            .collect::<crate::boundary::Checked<Vec<Locator>>>()?;
        op(cb, user_data, move |s| {
            let mut found = Vec::new();
            for l in &locators {
                let m = match l {
                    Locator::Id(id) => s.engine.message_by_id(id)?.filter(|m| m.conv == key),
                    Locator::UniqueId(uid) => s.engine.find_by_unique_id(&key, *uid)?,
                };
                found.extend(m);
            }
            Ok(lj::messages_with_revokers(&s.engine, &found))
        })
    })
}

/// Deletes every message of a conversation, here and on the server (a
/// `clear_history` envelope): the conversation stays, with nothing unread
/// and no last message; a message arriving later at or before what was
/// cleared is a repeat, a newer one counts. Callback: code 0, json "";
/// 6004 when the conversation does not exist.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgClearHistoryMessage(
    conv_id: *const c_char,
    conv_type: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgClearHistoryMessage", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type)?;
        op(cb, user_data, move |s| {
            s.engine.clear_history(&key)?;
            Ok(String::new())
        })
    })
}

/// Revokes a message (`json_msg_param`: the Message, with its
/// `message_msg_id`; an optional `message_revoke_reason`). It stays in
/// history with `message_status` 6 (revoked); an unread one stops counting.
/// With a transport the server decides: a refusal restores it (the callback
/// gets the ack's code). Callback: code
/// 0, json ""; 6010 unknown message; 6017 not sent yet or revoked already.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgRevoke(
    conv_id: *const c_char,
    conv_type: i32,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgRevoke", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type)?;
        let v = json::parse(
            arg_str!(json_msg_param, "json_msg_param")?,
            "json_msg_param",
        )?;
        let id = msg_id_of(&v, "json_msg_param")?;
        let o = Obj::new(&v, "json_msg_param")?;
        let reason = o.str("message_revoke_reason")?.unwrap_or("").to_owned();
        op(cb, user_data, move |s| {
            s.engine.revoke_message(&key, &id, &reason)?;
            Ok(String::new())
        })
    })
}

/// Edits a message (`json_msg_param`: the whole Message as it should be now,
/// with `message_msg_id`, `message_conv_id`, `message_conv_type`; it
/// replaces the stored Message JSON, the store's own keys laid over it as
/// always). Without a transport it applies at once; with one it applies
/// when the server accepts it (a refusal changes nothing) and the callback
/// waits for the server's answer. The message-update listener fires when it
/// applies. Callback: code 0 with the Message as it is after the edit (the
/// typed face's `modifyMessage` returns the same message at once); the
/// ack's code for a refusal; 6010 unknown message; 6017 revoked; 7016 too
/// large.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgModifyMessage(
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgModifyMessage", || {
        runtime::check_logged_in()?;
        let text = arg_str!(json_msg_param, "json_msg_param")?;
        let v = json::parse(text, "json_msg_param")?;
        let id = msg_id_of(&v, "json_msg_param")?;
        let o = Obj::new(&v, "json_msg_param")?;
        let conv = o.str("message_conv_id")?;
        let conv = o.require("message_conv_id", conv)?;
        let t = o.i64("message_conv_type")?;
        let t = o.require("message_conv_type", t)?;
        let key: ConvKey = raw_key(conv, i32::try_from(t).unwrap_or(-1))?;
        let body = v.to_string();
        op(cb, user_data, move |s| {
            let m = s.engine.modify_message(&key, &id, &body)?;
            Ok(json::message(&m).to_string())
        })
    })
}

/// Sets the global receive option (do-not-disturb for every conversation):
/// `opt` 0..=4 (`TIMReceiveMessageOpt`), a daily quiet period from
/// `start_hour`:`start_minute`:`start_second` lasting `duration` seconds (0:
/// for ever). It shapes the server's offline pushes; unread counts do not
/// change. Without a transport it applies at once, with one when the server
/// accepts it; the option's listener fires when it changes. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (opt
/// or a time out of range).
#[no_mangle]
pub unsafe extern "C" fn TIMMsgSetAllReceiveMessageOpt(
    opt: i32,
    start_hour: i32,
    start_minute: i32,
    start_second: i32,
    duration: u32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgSetAllReceiveMessageOpt", || {
        runtime::check_logged_in()?;
        let opt = ReceiveOpt::from_i64(i64::from(opt)).map_err(|_| {
            Reject::param(format!(
                "opt is {opt}; expected 0..=4 (TIMReceiveMessageOpt)"
            ))
        })?;
        let part = |v: i32, what: &str, max: i32| {
            if (0..=max).contains(&v) {
                Ok(v as u32)
            } else {
                Err(Reject::param(format!("{what} is {v}; expected 0..={max}")))
            }
        };
        let o = AllReceiveOpt {
            opt,
            start_hour: part(start_hour, "start_hour", 23)?,
            start_minute: part(start_minute, "start_minute", 59)?,
            start_second: part(start_second, "start_second", 59)?,
            start_time_stamp: 0,
            duration,
        };
        op(cb, user_data, move |s| {
            s.engine.set_all_receive_opt(o)?;
            Ok(String::new())
        })
    })
}

/// The global receive option. Callback json:
/// `{"msg_all_recv_msg_opt_level":n,"msg_all_recv_msg_opt_start_hour":h,
/// "msg_all_recv_msg_opt_start_minute":m,"msg_all_recv_msg_opt_start_second":s,
/// "msg_all_recv_msg_opt_start_time_stamp":t,"msg_all_recv_msg_duration":d}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgGetAllReceiveMessageOpt(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgGetAllReceiveMessageOpt", || {
        op(cb, user_data, |s| {
            Ok(lj::all_receive_opt_json(&s.engine.all_receive_opt()?).to_string())
        })
    })
}

/// The app went to the background: `unread_count` is the number the push
/// service shows on the app icon (the host's push layer reads it back with
/// `IMCoreMsgGetAppState`; with a transport it is handed over as an
/// `app_state` envelope). Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgDoBackground(
    unread_count: u32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMMsgDoBackground", || {
        op(cb, user_data, move |s| {
            s.engine
                .set_app_state(AppState::Background { unread_count })?;
            Ok(String::new())
        })
    })
}

/// The app came back to the foreground (an `app_state` envelope with a
/// transport). Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMMsgDoForeground(cb: TIMCommCallback, user_data: *const c_void) -> i32 {
    guard("TIMMsgDoForeground", || {
        op(cb, user_data, |s| {
            s.engine.set_app_state(AppState::Foreground)?;
            Ok(String::new())
        })
    })
}

/// imcore extension: the app state last recorded by `TIMMsgDoBackground` /
/// `TIMMsgDoForeground`. Callback json: `{"state":"background","unread_count":N}`
/// or `{"state":"foreground","unread_count":0}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn IMCoreMsgGetAppState(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreMsgGetAppState", || {
        op(cb, user_data, |s| {
            Ok(match s.engine.app_state()? {
                AppState::Foreground => json!({"state": "foreground", "unread_count": 0}),
                AppState::Background { unread_count } => {
                    json!({"state": "background", "unread_count": unread_count})
                }
            }
            .to_string())
        })
    })
}

/// imcore extension: private read receipts (`enabled` non-zero: on;
/// persisted per user). While on, reading still clears my counts and syncs
/// my read position to my other devices (`read_position` envelopes carry
/// `"private":true`: the server turns them into no receipt for others), and
/// `TIMMsgSendMessageReadReceipts` sends nothing (it succeeds and marks
/// nothing). Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn IMCoreMsgSetPrivateReadReceipts(
    enabled: u8,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreMsgSetPrivateReadReceipts", || {
        let on = c_bool(enabled);
        op(cb, user_data, move |s| {
            s.engine.set_private_read_receipts(on)?;
            Ok(String::new())
        })
    })
}

/// imcore extension: whether read receipts are private. Callback json:
/// `{"private_read_receipts":true|false}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn IMCoreMsgGetPrivateReadReceipts(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreMsgGetPrivateReadReceipts", || {
        op(cb, user_data, |s| {
            Ok(json!({"private_read_receipts": s.engine.private_read_receipts()}).to_string())
        })
    })
}
