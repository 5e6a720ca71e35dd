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

use crate::boundary::{c_bool, conv_key, conv_type, guard, opt_str, req_str, str_or_empty, Reject};
use crate::json::{self, Obj};
use crate::runtime::{self, op};
use crate::*;
use imcore::{CleanTarget, ConversationFilter};
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
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(json_get_conv_list_param, W) }?;
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
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { opt_str(filter, "filter") }?;
        let f = json::filter(text, "filter")?;
        if count == 0 {
            return Err(Reject::param("count is 0"));
        }
        let count = count.min(1000);
        op(cb, user_data, move |s| {
            let page = s.engine.list_conversations(&f, next_seq, count)?;
            Ok(json!({
                "conversation_list_result_conv_list":
                    page.conversations.iter().map(json::conv_info).collect::<Vec<_>>(),
                "conversation_list_result_next_seq": page.next_cursor,
                "conversation_list_result_is_finished": page.finished,
            })
            .to_string())
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
        // SAFETY: the host passes NULL or a valid C string.
        let key = unsafe { raw_key(conv_id, conv_type_) }?;
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
pub(crate) unsafe fn raw_key(conv_id: *const c_char, t: i32) -> boundary::Sync<imcore::ConvKey> {
    // SAFETY: forwarded.
    let id = unsafe { req_str(conv_id, "conv_id") }?;
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
        // SAFETY: the host passes NULL or a valid C string.
        let (ids, keys) = unsafe { id_array(conversation_id_array) }?;
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
pub(crate) unsafe fn id_array(
    p: *const c_char,
) -> boundary::Sync<(Vec<String>, Vec<imcore::ConvKey>)> {
    // SAFETY: forwarded.
    let text = unsafe { req_str(p, "conversation_id_array") }?;
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
        // SAFETY: the host passes NULL or valid C strings.
        let key = unsafe { raw_key(conv_id, conv_type_) }?;
        // SAFETY: as above.
        let text = unsafe { opt_str(json_draft_param, "json_draft_param") }?;
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
) -> boundary::Sync<i32> {
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
        // SAFETY: the host passes NULL or a valid C string.
        let key = unsafe { raw_key(conv_id, conv_type_) }?;
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
        // SAFETY: the host passes NULL or valid C strings.
        let (ids, keys) = unsafe { id_array(conversation_id_array) }?;
        // SAFETY: as above.
        let data = unsafe { str_or_empty(custom_data, "custom_data") }?.to_owned();
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
        // SAFETY: the host passes NULL or a valid C string.
        let key = unsafe { raw_key(conv_id, conv_type_) }?;
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
        // SAFETY: the host passes NULL or a valid C string.
        let (ids, keys) = unsafe { id_array(conversation_id_array) }?;
        let enable = c_bool(enable_mark);
        op(cb, user_data, move |s| {
            let failures = s.engine.mark_conversations(&keys, mark_type, enable)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}

/// The total unread count of every unmuted conversation (receive options
/// 1, 2 and 3 are left out). From the first call on, the total-unread
/// listener fires on every change (as TIM does).
/// Callback json: `{"conv_get_total_unread_message_count_result_unread_count":n}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMConvGetTotalUnreadMessageCount(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvGetTotalUnreadMessageCount", || {
        op(cb, user_data, |s| {
            s.total_listening = true;
            Ok(json::unread_result(s.engine.total_unread()))
        })
    })
}

/// Parses a filter for the unread calls: muted conversations are left out,
/// as in the total.
fn unread_filter(text: Option<&str>) -> boundary::Sync<ConversationFilter> {
    let mut f = json::filter(text, "filter")?;
    f.ignore_muted = true;
    Ok(f)
}

/// The unread total of the conversations a filter selects (muted ones left
/// out, as in the total). Callback json as TIMConvGetTotalUnreadMessageCount.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL,
/// conv type out of range); TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMConvGetUnreadMessageCountByFilter(
    filter: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvGetUnreadMessageCountByFilter", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(filter, "filter") }?;
        let f = unread_filter(Some(text))?;
        op(cb, user_data, move |s| {
            Ok(json::unread_result(s.engine.unread_by_filter(&f)?))
        })
    })
}

/// Subscribes to a filter's unread total (synchronous): every later change
/// fires the by-filter listener with `filter` exactly as given here. Each
/// distinct text subscribed gets its own notification; subscribing the same
/// text twice is a no-op.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM; TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn TIMConvSubscribeUnreadMessageCountByFilter(filter: *const c_char) -> i32 {
    guard("TIMConvSubscribeUnreadMessageCountByFilter", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(filter, "filter") }?.to_owned();
        let f = unread_filter(Some(&text))?;
        sync_op(move |s| {
            s.engine.subscribe_filter(&f)?;
            match s.filter_subs.iter_mut().find(|(g, _)| g == &f) {
                Some((_, texts)) => {
                    if !texts.contains(&text) {
                        texts.push(text);
                    }
                }
                None => s.filter_subs.push((f, vec![text])),
            }
            Ok(())
        })
    })
}

/// Ends the subscriptions of a filter (every text that selects the same
/// conversations). Unsubscribing an unknown filter is a successful no-op.
/// Returns as TIMConvSubscribeUnreadMessageCountByFilter.
#[no_mangle]
pub unsafe extern "C" fn TIMConvUnsubscribeUnreadMessageCountByFilter(
    filter: *const c_char,
) -> i32 {
    guard("TIMConvUnsubscribeUnreadMessageCountByFilter", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let text = unsafe { req_str(filter, "filter") }?;
        let f = unread_filter(Some(text))?;
        sync_op(move |s| {
            s.filter_subs.retain(|(g, _)| g != &f);
            s.engine.unsubscribe_filter(&f)
        })
    })
}

/// Cleans unread (TIM 7.1+): `conversation_id` `c2c_<user>` (up to
/// `clean_timestamp` seconds, 0 = all), `group_<group>` (up to
/// `clean_sequence`, 0 = all), `"c2c"` / `"group"` (every conversation of
/// that type), NULL or `""` (every conversation). Conv events `Update`
/// with the new counts come first. Callback: code 0, json ""; 6004 for an
/// unknown conversation.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_CONV (malformed id).
#[no_mangle]
pub unsafe extern "C" fn TIMConvCleanConversationUnreadMessageCount(
    conversation_id: *const c_char,
    clean_timestamp: u64,
    clean_sequence: u64,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvCleanConversationUnreadMessageCount", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let id = unsafe { str_or_empty(conversation_id, "conversation_id") }?;
        let target = CleanTarget::parse(id)
            .map_err(|e| Reject::conv(format!("conversation_id: {}", boundary::strip(&e))))?;
        op(cb, user_data, move |s| {
            s.engine
                .clean_unread(&target, clean_timestamp, clean_sequence)?;
            Ok(String::new())
        })
    })
}

/// Reads a conversation-group name (required, non-empty).
///
/// # Safety
/// `p` is NULL or a valid C string.
unsafe fn group_name(p: *const c_char, what: &str) -> boundary::Sync<String> {
    // SAFETY: forwarded.
    let name = unsafe { req_str(p, what) }?;
    if name.is_empty() {
        return Err(Reject::param(format!("{what} is empty")));
    }
    Ok(name.to_owned())
}

/// Creates a conversation group (name 1..=32 bytes, at most 20 groups) with
/// conversations (V2 ids; may be `[]`). The group-created listener fires
/// with the ids added. Callback json: array of
/// TIMConversationOperationResult; 10021 when the name exists, 7016 past a
/// limit, 6017 for a bad name.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL
/// or empty name); TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMConvCreateConversationGroup(
    group_name_: *const c_char,
    conversation_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvCreateConversationGroup", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or valid C strings.
        let name = unsafe { group_name(group_name_, "group_name") }?;
        // SAFETY: as above.
        let (ids, keys) = match unsafe { opt_str(conversation_id_array, "conversation_id_array") }?
        {
            None => (vec![], vec![]),
            Some(t) => json::v2_keys(t, "conversation_id_array")?,
        };
        op(cb, user_data, move |s| {
            let (_, failures) = s.engine.create_group(&name, "", &keys)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}

/// The conversation-group names (the local list). Callback json: array of strings.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn TIMConvGetConversationGroupList(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvGetConversationGroupList", || {
        op(cb, user_data, |s| {
            let names: Vec<String> = s
                .engine
                .conversation_groups()
                .into_iter()
                .map(|g| g.name)
                .collect();
            Ok(json!(names).to_string())
        })
    })
}

/// Deletes a conversation group (its conversations stay). The
/// group-deleted listener fires. Callback: code 0, json ""; 10010 unknown group.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM.
#[no_mangle]
pub unsafe extern "C" fn TIMConvDeleteConversationGroup(
    group_name_: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvDeleteConversationGroup", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or a valid C string.
        let name = unsafe { group_name(group_name_, "group_name") }?;
        op(cb, user_data, move |s| {
            s.engine.delete_group(&name)?;
            Ok(String::new())
        })
    })
}

/// Renames a conversation group. The name-changed listener fires.
/// Callback: code 0, json ""; 10010 unknown group; 10021 new name taken.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM.
#[no_mangle]
pub unsafe extern "C" fn TIMConvRenameConversationGroup(
    old_name: *const c_char,
    new_name: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvRenameConversationGroup", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or valid C strings.
        let old = unsafe { group_name(old_name, "old_name") }?;
        // SAFETY: as above.
        let new = unsafe { group_name(new_name, "new_name") }?;
        op(cb, user_data, move |s| {
            s.engine.rename_group(&old, &new)?;
            Ok(String::new())
        })
    })
}

/// Adds conversations (V2 ids) to a group. The added-to-group listener fires
/// with the ids added. Callback json: array of TIMConversationOperationResult;
/// 10010 unknown group.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM;
/// TIM_ERR_JSON; TIM_ERR_CONV.
#[no_mangle]
pub unsafe extern "C" fn TIMConvAddConversationsToGroup(
    group_name_: *const c_char,
    conversation_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvAddConversationsToGroup", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or valid C strings.
        let name = unsafe { group_name(group_name_, "group_name") }?;
        // SAFETY: as above.
        let (ids, keys) = unsafe { id_array(conversation_id_array) }?;
        op(cb, user_data, move |s| {
            let failures = s.engine.add_to_group(&name, &keys)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}

/// Removes conversations (V2 ids) from a group. The deleted-from-group
/// listener fires with the ids removed. Callback json: array of
/// TIMConversationOperationResult; 10010 unknown group.
/// Returns as TIMConvAddConversationsToGroup.
#[no_mangle]
pub unsafe extern "C" fn TIMConvDeleteConversationsFromGroup(
    group_name_: *const c_char,
    conversation_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("TIMConvDeleteConversationsFromGroup", || {
        runtime::check_logged_in()?;
        // SAFETY: the host passes NULL or valid C strings.
        let name = unsafe { group_name(group_name_, "group_name") }?;
        // SAFETY: as above.
        let (ids, keys) = unsafe { id_array(conversation_id_array) }?;
        op(cb, user_data, move |s| {
            let failures = s.engine.remove_from_group(&name, &keys)?;
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
        // SAFETY: the host passes NULL or a valid C string.
        let key = unsafe { raw_key(conv_id, conv_type_) }?;
        op(cb, user_data, move |s| {
            let c = s.engine.create_conversation(&key)?;
            Ok(json::conv_info(&c).to_string())
        })
    })
}
