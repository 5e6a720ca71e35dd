//! Unread counts: the total, counts by filter and their subscriptions,
//! and `TIMConvCleanConversationUnreadMessageCount`. Errors split as in
//! `conv`.

use crate::boundary::{arg_str, arg_str_or_empty};
use crate::boundary::{guard, Reject};
use crate::tim::json::{self};
use crate::tim::runtime::{self, op};
use crate::*;
use imcore::{CleanTarget, ConversationFilter};
use std::ffi::{c_char, c_void};
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
fn unread_filter(text: Option<&str>) -> boundary::Checked<ConversationFilter> {
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
        let text = arg_str!(filter, "filter")?;
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
        let text = arg_str!(filter, "filter")?.to_owned();
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
        let text = arg_str!(filter, "filter")?;
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
        let id = arg_str_or_empty!(conversation_id, "conversation_id")?;
        let target = CleanTarget::parse(id)
            .map_err(|e| Reject::conv(format!("conversation_id: {}", boundary::strip(&e))))?;
        op(cb, user_data, move |s| {
            s.engine
                .clean_unread(&target, clean_timestamp, clean_sequence)?;
            Ok(String::new())
        })
    })
}
