//! Conversation groups (Tencent's conversation groups; NIM calls them
//! conversation groups too). Errors split as in `conv`.

use super::conv::id_array;
use crate::boundary::{arg_opt_str, arg_str};
use crate::boundary::{guard, Reject};
use crate::tim::json::{self};
use crate::tim::runtime::{self, op};
use crate::*;
use serde_json::json;
use std::ffi::{c_char, c_void};
/// Reads a conversation-group name (required, non-empty).
///
/// # Safety
/// `p` is NULL or a valid C string.
fn group_name(name: &str, what: &str) -> boundary::Checked<String> {
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
        let name = group_name(arg_str!(group_name_, "group_name")?, "group_name")?;
        let (ids, keys) = match arg_opt_str!(conversation_id_array, "conversation_id_array")? {
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
        let name = group_name(arg_str!(group_name_, "group_name")?, "group_name")?;
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
        let old = group_name(arg_str!(old_name, "old_name")?, "old_name")?;
        let new = group_name(arg_str!(new_name, "new_name")?, "new_name")?;
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
        let name = group_name(arg_str!(group_name_, "group_name")?, "group_name")?;
        let (ids, keys) = id_array(arg_str!(conversation_id_array, "conversation_id_array")?)?;
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
        let name = group_name(arg_str!(group_name_, "group_name")?, "group_name")?;
        let (ids, keys) = id_array(arg_str!(conversation_id_array, "conversation_id_array")?)?;
        op(cb, user_data, move |s| {
            let failures = s.engine.remove_from_group(&name, &keys)?;
            Ok(json::operation_results(&ids, &failures))
        })
    })
}
