//! imcore's unread extensions on the C face (`IMCore*`; TIM has none of
//! them): unread mention totals, mark unread from a message, count
//! preferences, the unread explanation and whether the total is synced.
//! Errors split as in `conv` (docs/C-ABI.md, "Unread extensions").

use crate::boundary::host::Registered;
use crate::boundary::{arg_str, guard, guard_void, Reject};
use crate::tim::conv::raw_key;
use crate::tim::json;
use crate::tim::runtime::{self, op, set_slot};
use crate::*;
use imcore::{ConversationFilter, CountPref};
use serde_json::json;
use std::ffi::{c_char, c_void};

/// The unread mention total: counted messages after the read position
/// that @-mention me or everyone, over every unmuted conversation whose
/// count preference is not "none" (O(1)).
/// Callback json: `{"conv_unread_mention_count":n}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn IMCoreConvGetTotalUnreadMentionCount(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreConvGetTotalUnreadMentionCount", || {
        op(cb, user_data, |s| {
            Ok(json::mention_result(s.engine.total_unread_mentions()))
        })
    })
}

/// The unread mention total of the conversations a filter selects (a
/// TIMConversationListFilter; muted ones left out, as in the total). A
/// filter subscribed with TIMConvSubscribeUnreadMessageCountByFilter keeps
/// this sum too. Callback json as IMCoreConvGetTotalUnreadMentionCount.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL,
/// a value out of range); TIM_ERR_JSON.
#[no_mangle]
pub unsafe extern "C" fn IMCoreConvGetUnreadMentionCountByFilter(
    filter: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreConvGetUnreadMentionCountByFilter", || {
        runtime::check_logged_in()?;
        let text = arg_str!(filter, "filter")?;
        let f: ConversationFilter = ConversationFilter {
            ignore_muted: true,
            ..json::filter(Some(text), "filter")?
        };
        op(cb, user_data, move |s| {
            Ok(json::mention_result(s.engine.mentions_by_filter(&f)?))
        })
    })
}

/// Marks a conversation unread from message `msg_id` on: its read position
/// moves back to just before the message (C2C: to the end of the second
/// before, as C2C positions travel in whole seconds) under a new version,
/// and is announced to my other devices like any read position. The unread
/// count becomes that of the counted messages from there on; Tencent's
/// "unread" mark bit is not touched. A message already unread changes
/// nothing. Conv event `Update` comes first.
/// Callback json: `{"conv_unread_num":n}`; 6004 unknown conversation, 6010
/// unknown message, 6017 a message of another conversation.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL,
/// type out of range); TIM_ERR_CONV / TIM_ERR_GROUP (malformed id).
#[no_mangle]
pub unsafe extern "C" fn IMCoreConvMarkUnreadFrom(
    conv_id: *const c_char,
    conv_type_: i32,
    msg_id: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreConvMarkUnreadFrom", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let msg_id = arg_str!(msg_id, "msg_id")?.to_owned();
        op(cb, user_data, move |s| {
            let n = s.engine.mark_unread_from(&key, &msg_id)?;
            Ok(json!({ "conv_unread_num": n }).to_string())
        })
    })
}

/// Sets a conversation's count preference: 0 all (default), 1 mentions
/// only (the badge `conv_badge_num` is the mention count and only mentions
/// enter the totals), 2 none (no badge, nothing in the totals). Synced to
/// my other devices like the receive option (`count_pref` envelope); a
/// refusal restores the server's value. A conversation not seen yet keeps
/// it for when it appears. Callback: code 0, json "".
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL,
/// type or preference out of range); TIM_ERR_CONV / TIM_ERR_GROUP.
#[no_mangle]
pub unsafe extern "C" fn IMCoreConvSetCountPref(
    conv_id: *const c_char,
    conv_type_: i32,
    pref: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreConvSetCountPref", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        let pref = CountPref::from_i64(i64::from(pref))
            .map_err(|_| Reject::param(format!("pref is {pref}; expected 0, 1 or 2")))?;
        op(cb, user_data, move |s| {
            s.engine.set_count_pref(&key, pref)?;
            Ok(String::new())
        })
    })
}

/// Explains one conversation's badge: its read position (read time or
/// sequence, version) and where it came from (the last move and the kept
/// history: local_clean, other_device, server_sync, mark_unread, delete,
/// with times), each counting message after it, the messages that do not
/// count and why (from_me, excluded_from_unread, online_only,
/// duplicate_id, before_read_position, revoked, group_type_never_counts),
/// and whether the conversation is in the total (counted, mentions_only,
/// marked_unread_as_one, muted, count_pref_none, hidden). Keys in
/// docs/C-ABI.md. Callback: code 0 with the explanation; 6004 for a
/// conversation never seen.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN; TIM_ERR_PARAM (NULL,
/// type out of range); TIM_ERR_CONV / TIM_ERR_GROUP (malformed id).
#[no_mangle]
pub unsafe extern "C" fn IMCoreConvExplainUnread(
    conv_id: *const c_char,
    conv_type_: i32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreConvExplainUnread", || {
        runtime::check_logged_in()?;
        let key = raw_key(arg_str!(conv_id, "conv_id")?, conv_type_)?;
        op(cb, user_data, move |s| {
            Ok(json::explanation(&s.engine.explain_unread(&key)?))
        })
    })
}

/// Whether the total unread count is synced: the first sync of this login
/// finished (a `sync` envelope of phase `finish`), or no outbound callback
/// is set (nothing to sync). Until then the total may lag behind the
/// server; the total listener fires once more, with the same or a new
/// value, when the first sync finishes. Callback json:
/// `{"conv_total_unread_synced":true|false,
///   "conv_get_total_unread_message_count_result_unread_count":n}`.
/// Returns TIM_SUCC; TIM_ERR_SDKUNINIT; TIM_ERR_NOTLOGIN.
#[no_mangle]
pub unsafe extern "C" fn IMCoreConvGetTotalUnreadSynced(
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> i32 {
    guard("IMCoreConvGetTotalUnreadSynced", || {
        op(cb, user_data, |s| {
            Ok(json!({
                "conv_total_unread_synced": s.engine.total_synced(),
                "conv_get_total_unread_message_count_result_unread_count":
                    s.engine.total_unread(),
            })
            .to_string())
        })
    })
}

/// Registers (NULL: unregisters) the listener for: The unread mention total
/// (as IMCoreConvGetTotalUnreadMentionCount), on every change. Same
/// signature as the total-unread listener. `user_data` is passed back
/// untouched.
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetConvTotalUnreadMentionCountChangedCallback(
    cb: TIMConvTotalUnreadMessageCountChangedCallback,
    user_data: *const c_void,
) {
    guard_void(
        "IMCoreSetConvTotalUnreadMentionCountChangedCallback",
        || {
            set_slot(
                |l| &mut l.total_mentions,
                Registered::new(cb, user_data as usize),
            )
        },
    );
}

/// Registers (NULL: unregisters) the listener for: A subscribed filter's
/// unread mention total (subscribe with
/// TIMConvSubscribeUnreadMessageCountByFilter), with the filter JSON exactly
/// as subscribed (once per distinct subscribed text). Same signature as the
/// by-filter unread listener. `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn IMCoreSetConvUnreadMentionCountChangedByFilterCallback(
    cb: TIMConvTotalUnreadMessageCountChangedByFilterCallback,
    user_data: *const c_void,
) {
    guard_void(
        "IMCoreSetConvUnreadMentionCountChangedByFilterCallback",
        || {
            set_slot(
                |l| &mut l.filter_mentions,
                Registered::new(cb, user_data as usize),
            )
        },
    );
}
