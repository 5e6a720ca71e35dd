//! Conversation functions.
//!
//! Error split (every function): refusals found before anything runs are
//! returned (state, NULL, UTF-8, JSON, enum ranges, malformed ids:
//! TIM_ERR_CONV for a malformed conversation id, TIM_ERR_GROUP for a
//! malformed group id); everything the engine finds while executing
//! (unknown conversation 6004, unknown conversation group 10010, limits
//! 7016, invalid values 6017, storage 70xx) arrives in the callback with
//! `imcore::Error::code()` and its message as `desc`. Either way a failed
//! call changes nothing.

use crate::boundary::{arg_opt_str, arg_str, arg_str_or_empty};
use crate::boundary::{c_bool, conv_key, conv_type, guard, Reject};
use crate::tim::json::{self, Obj};
use crate::tim::runtime::{self, op};
use crate::*;
use serde_json::{json, Value};
use std::ffi::{c_char, c_void};
/// The locally stored conversation list, in list order (pinned first).
/// Callback json: array of ConvInfo.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMConvGetConvList(cb: TIMCommCallback, user_data: *const c_void) -> i32 {
    guard("TIMConvGetConvList", || {
        op(cb, user_data, |s| {
            Ok(json::conv_infos(&s.engine.all_conversations()?))
        })
    })
}

/// Conversations by id. `json_get_conv_list_param`: array of
/// `{"get_conversation_list_param_conv_id": "<raw id>",
///   "get_conversation_list_param_conv_type": 1|2}`.
/// Callback json: array of ConvInfo of those that exist (unknown ones are left out).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL,
/// type out of range); TIM_ERR_JSON; TIM_ERR_CONV (empty / too long id).
#[no_mangle]
pub unsafe extern "C" fn TIMConvGetConvInfo(
    json_get_conv_list_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvGetConvInfo", || {
        runtime::check_logged_in()?;
        const W: &str = "json_get_conv_list_param";
        let text = arg_str!(json_get_conv_list_param, W)?;
        let v = json::parse(text, W)?;
        let mut keys = Vec::new();
        for (i, item) in json::array(&v, W)?.iter().enumerate() {
            let o = Obj::new(item, format!("{W}[{i}]"))?;
            let id = o.str("get_conversation_list_param_conv_id")?;
            let id = o.require("get_conversation_list_param_conv_id", id)?;
            let t = o.i64("get_conversation_list_param_conv_type")?;
            let t = o.require("get_conversation_list_param_conv_type", t)?;
            let t = conv_type(
                i32::try_from(t).unwrap_or(-1),
                &format!("{W}[{i}].get_conversation_list_param_conv_type"),
            )?;
            keys.push(conv_key(
                id,
                t,
                &format!("{W}[{i}].get_conversation_list_param_conv_id"),
            )?);
        }
        op(cb, user_data, move |s| {
            let (found, _) = s.engine.conversations(&keys)?;
            // In the order asked for.
            let list: Vec<_> = keys
                .iter()
                .filter_map(|k| found.iter().find(|c| &c.key == k))
                .collect();
            Ok(json::conv_infos(list))
        })
    })
}

/// One page of the conversations a filter selects, in list order.
/// `filter`: TIMConversationListFilter JSON (NULL / "" / `null` = none);
/// `next_seq`: 0 first, then the previous page's
/// `conversation_list_result_next_seq`; `count` 1..=1000 (more is clamped).
/// Callback json: `{"conversation_list_result_conv_list":[ConvInfo…],
/// "conversation_list_result_next_seq":n,"conversation_list_result_is_finished":b}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_JSON;
/// TIM_ERR_PARAM (count 0, filter conv type out of range).
#[no_mangle]
pub unsafe extern "C" fn TIMConvGetConversationListByFilter(
    filter: *const c_char,
    next_seq: u64,
    count: u32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvGetConversationListByFilter", || {
        runtime::check_logged_in()?;
        let text = arg_opt_str!(filter, "filter")?;
        let f = json::filter(text, "filter")?;
        if count == 0 {
            return Err(Reject::param("count is 0"));
        }
        let count = count.min(1000);
        op(cb, user_data, move |s| {
            let page = s.engine.list_conversations(&f, next_seq, count)?;
            Ok(json::conv_page(&page))
        })
    })
}

/// Deletes a conversation and its messages. A conv event `Del` fires first.
/// Callback: code 0, json ""; 6004 when it does not exist.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM
/// (NULL, type out of range); TIM_ERR_CONV / TIM_ERR_GROUP (malformed id).
#[no_mangle]
pub unsafe extern "C" fn TIMConvDelete(
    conv_id: *const c_char,
    conv_type_: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvDelete", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        op(cb, user_data, move |s| {
            s.engine.delete_conversation(&key, true)?;
            Ok(String::new())
        })
    })
}

/// Reads `conv_id` + `conv_type` into a key.
///
/// # Safety
/// `conv_id` is NULL or a valid C string.
pub(crate) fn raw_key(id: &str, t: i32) -> boundary::Checked<imcore::ConvKey> {
    let t = conv_type(t, "conv_type")?;
    conv_key(id, t, "conv_id")
}

/// Deletes several conversations (V2 ids, at most 100), keeping their
/// messages unless `clear_message` (non-zero = true). Callback json: array
/// of TIMConversationOperationResult, one per id in order (code 0 or 6004…).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL);
/// TIM_ERR_JSON; TIM_ERR_CONV (an id without `c2c_` / `group_`).
#[no_mangle]
pub unsafe extern "C" fn TIMConvDeleteConversationList(
    conversation_id_array: *const c_char,
    clear_message: u8,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvDeleteConversationList", || {
        runtime::check_logged_in()?;
        let (ids, keys) = id_array(arg_str!(conversation_id_array, "conversation_id_array")?)?;
        let clear = c_bool(clear_message);
        op(cb, user_data, move |s| {
            let failures = s.engine.delete_conversations(&keys, clear)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}

/// Reads a `conversation_id_array` of V2 ids.
///
/// # Safety
/// `p` is NULL or a valid C string.
pub(crate) fn id_array(text: &str) -> boundary::Checked<(Vec<String>, Vec<imcore::ConvKey>)> {
    json::v2_keys(text, "conversation_id_array")
}

/// Sets a conversation's draft (synchronous, no callback; conv events
/// `Update` follow). `json_draft_param`: `{"draft_msg":{…},
/// "draft_user_define":"…","draft_edit_time":s}` (0 / absent time = now);
/// NULL / "" / `null` cancels the draft.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV (malformed id or unknown conversation: the
/// call has no callback, so that is returned too).
#[no_mangle]
pub unsafe extern "C" fn TIMConvSetDraft(
    conv_id: *const c_char,
    conv_type_: i32,
    json_draft_param: *const c_char,
) -> i32 {
    guard("TIMConvSetDraft", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let text = arg_opt_str!(json_draft_param, "json_draft_param")?;
        let draft = match json::parse_opt(text, "json_draft_param")? {
            None => None,
            Some(v) => {
                let o = Obj::new(&v, "json_draft_param")?;
                let time = o.u64("draft_edit_time")?.unwrap_or(0);
                let user = o.str("draft_user_define")?.unwrap_or("");
                let msg = match o.get("draft_msg") {
                    None => json!({"message_elem_array": []}),
                    Some(m @ Value::Object(_)) => m.clone(),
                    Some(_) => {
                        return Err(Reject::json("json_draft_param.draft_msg must be an object"))
                    }
                };
                let content = json!({"draft_msg": msg, "draft_user_define": user}).to_string();
                Some((content, time))
            }
        };
        sync_op(move |s| {
            s.engine
                .set_draft(&key, draft.as_ref().map(|(c, t)| (c.as_str(), *t)))
        })
    })
}

/// Runs a synchronous engine operation (no callback): its events are still
/// queued; an engine error becomes TIM_ERR_CONV (unknown conversation) or
/// TIM_ERR_PARAM, its text in `IMCoreGetLastError`.
pub(crate) fn sync_op(
    f: impl FnOnce(&mut runtime::Session) -> Result<(), imcore::Error>,
) -> boundary::Checked<i32> {
    let mut failed = None;
    op(None, std::ptr::null(), |s| {
        if let Err(e) = f(s) {
            failed = Some(e);
        }
        Ok(String::new())
    })?;
    match failed {
        None => Ok(TIM_SUCC),
        Some(e @ imcore::Error::ConversationNotFound(_)) => Err(Reject::conv(e.to_string())),
        Some(e) => Err(Reject::param(e.to_string())),
    }
}

/// Cancels a conversation's draft (synchronous). Returns as TIMConvSetDraft.
#[no_mangle]
pub unsafe extern "C" fn TIMConvCancelDraft(conv_id: *const c_char, conv_type_: i32) -> i32 {
    guard("TIMConvCancelDraft", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        sync_op(move |s| s.engine.set_draft(&key, None))
    })
}

/// Sets the custom data (≤ 256 bytes; NULL = "") of conversations (V2 ids).
/// Callback json: array of TIMConversationOperationResult; 6017 in the
/// callback when the data is too long.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMConvSetConversationCustomData(
    conversation_id_array: *const c_char,
    custom_data: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvSetConversationCustomData", || {
        runtime::check_logged_in()?;
        let (ids, keys) = id_array(arg_str!(conversation_id_array, "conversation_id_array")?)?;
        let data = arg_str_or_empty!(custom_data, "custom_data")?.to_owned();
        op(cb, user_data, move |s| {
            let failures = s.engine.set_custom_data(&keys, &data)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}

/// Pins (`is_pinned` non-zero) or unpins a conversation. Callback: code 0,
/// json ""; 6004 unknown conversation; 7016 past the pin limit (100).
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMConvPinConversation(
    conv_id: *const c_char,
    conv_type_: i32,
    is_pinned: u8,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvPinConversation", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let pinned = c_bool(is_pinned);
        op(cb, user_data, move |s| {
            s.engine.pin_conversation(&key, pinned)?;
            Ok(String::new())
        })
    })
}

/// Sets (`enable_mark` non-zero) or clears mark bits (`mark_type`: star 1,
/// unread 2, fold 4, hide 8, app bits 1<<32..1<<63) on conversations (V2
/// ids). Callback json: array of TIMConversationOperationResult; 6017 for a
/// mark type with other bits.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMConvMarkConversation(
    conversation_id_array: *const c_char,
    mark_type: u64,
    enable_mark: u8,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvMarkConversation", || {
        runtime::check_logged_in()?;
        let (ids, keys) = id_array(arg_str!(conversation_id_array, "conversation_id_array")?)?;
        let enable = c_bool(enable_mark);
        op(cb, user_data, move |s| {
            let failures = s.engine.mark_conversations(&keys, mark_type, enable)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}

/// Creates an empty conversation (deprecated in TIM; idempotent: an
/// existing one is returned unchanged). A conv event `Add` fires for a new
/// one. Callback json: its ConvInfo.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn TIMConvCreate(
    conv_id: *const c_char,
    conv_type_: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvCreate", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        op(cb, user_data, move |s| {
            let c = s.engine.create_conversation(&key)?;
            Ok(json::conv_info(&c).to_string())
        })
    })
}
