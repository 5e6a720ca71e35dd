//! Listener registration. Every setter stores one slot, replaced on each
//! call; NULL unregisters. `TIMAddRecvNewMsgCallback` keeps several,
//! deduplicated by function pointer. Listeners are read when a callback is
//! delivered, so a change applies to everything not yet delivered, and a
//! setter or remover waits for a call in progress of the listener it
//! replaces (on another thread): when it returns, the old listener is not
//! running and is never called again (runtime.rs, docs/C-ABI.md).
//!
//! The setters of events imcore does not have are in `unfired`.

use crate::boundary::guard_void;
use crate::boundary::host::Registered;
use crate::tim::runtime::{self, set_slot};
use crate::*;
use std::ffi::{c_char, c_void};

/// Registers (NULL: unregisters) the listener for: Conversation events: Add / Update / Del with a ConvInfo array (Del: ConvInfo with the id and type and empty values), Start / Finish with "" (from inbound "sync" envelopes).
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvEventCallback(
    cb: TIMConvEventCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvEventCallback", || {
        set_slot(
            |l| &mut l.conv_event,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: The total unread count (muted conversations left out), on every change after the first TIMConvGetTotalUnreadMessageCount of the login.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvTotalUnreadMessageCountChangedCallback(
    cb: TIMConvTotalUnreadMessageCountChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvTotalUnreadMessageCountChangedCallback", || {
        set_slot(
            |l| &mut l.total_unread,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: A subscribed filter's unread total, with the filter JSON exactly as subscribed (once per distinct subscribed text).
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvUnreadMessageCountChangedByFilterCallback(
    cb: TIMConvTotalUnreadMessageCountChangedByFilterCallback,
    user_data: *const c_void,
) {
    guard_void(
        "TIMSetConvUnreadMessageCountChangedByFilterCallback",
        || {
            set_slot(
                |l| &mut l.filter_unread,
                Registered::new(cb, user_data as usize),
            )
        },
    );
}

/// Registers (NULL: unregisters) the listener for: A conversation group was created: its name and a JSON array of the V2 ids (`c2c_<user>` / `group_<group>`) it holds.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvConversationGroupCreatedCallback(
    cb: TIMConvConversationGroupCreatedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvConversationGroupCreatedCallback", || {
        set_slot(
            |l| &mut l.group_created,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: A conversation group was deleted.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvConversationGroupDeletedCallback(
    cb: TIMConvConversationGroupDeletedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvConversationGroupDeletedCallback", || {
        set_slot(
            |l| &mut l.group_deleted,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: A conversation group was renamed (old name, new name).
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvConversationGroupNameChangedCallback(
    cb: TIMConvConversationGroupNameChangedCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvConversationGroupNameChangedCallback", || {
        set_slot(
            |l| &mut l.group_renamed,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: Conversations were added to a group: name and a JSON array of V2 ids.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvConversationsAddedToGroupCallback(
    cb: TIMConvConversationsAddedToGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvConversationsAddedToGroupCallback", || {
        set_slot(
            |l| &mut l.group_added,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: Conversations were removed from a group: name and a JSON array of V2 ids (3-argument callback, as the Unity layer binds it).
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetConvConversationsDeletedFromGroupCallback(
    cb: TIMConvConversationsDeletedFromGroupCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetConvConversationsDeletedFromGroupCallback", || {
        set_slot(
            |l| &mut l.group_removed,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: Read receipts of my messages: a JSON array of MessageReceipt (from inbound "receipt" envelopes).
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgReadedReceiptCallback(
    cb: TIMMsgReadedReceiptCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgReadedReceiptCallback", || {
        set_slot(|l| &mut l.receipt, Registered::new(cb, user_data as usize))
    });
}

/// Registers (NULL: unregisters) the listener for: Network status, as the host reports it with IMCoreSetNetworkStatus.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetNetworkStatusListenerCallback(
    cb: TIMNetworkStatusListenerCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetNetworkStatusListenerCallback", || {
        set_slot(|l| &mut l.network, Registered::new(cb, user_data as usize))
    });
}

/// Registers (NULL: unregisters) the listener for: Kicked offline, as the host reports it with IMCoreNotifyKickedOffline.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetKickedOfflineCallback(
    cb: TIMKickedOfflineCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetKickedOfflineCallback", || {
        set_slot(|l| &mut l.kicked, Registered::new(cb, user_data as usize))
    });
}

/// Registers (NULL: unregisters) the listener for: User sig expired, as the host reports it with IMCoreNotifyUserSigExpired.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetUserSigExpiredCallback(
    cb: TIMUserSigExpiredCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetUserSigExpiredCallback", || {
        set_slot(
            |l| &mut l.sig_expired,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Registers (NULL: unregisters) the listener for: imcore's log lines at the level set by `TIMSetConfig` (`set_config_callback_log_level`, else `set_config_log_level`; default 4 info): refused calls with the reason (5 warn), read-position moves with their source, envelope acks and refusals, sync phases (4 info), each received message's counting decision (3 debug), internal errors (6 error). Never contains message bodies, the user sig or experimental-API log content. Lines are delivered like every callback (dispatcher thread or `IMCorePollCallbacks`), after `TIMInit`.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetLogCallback(cb: TIMLogCallback, user_data: *const c_void) {
    guard_void("TIMSetLogCallback", || {
        set_slot(|l| &mut l.log, Registered::new(cb, user_data as usize));
        crate::logging::set_callback(cb.map(|_| runtime::log as fn(i32, &str)));
    });
}

/// Registers (NULL: unregisters) the listener for: Experimental notifications. imcore sends key "imcore_sync_failed" (data "") for an inbound sync envelope with phase "failed", and "imcore_outbound_failed" (data: the ack JSON) when the server refuses a non-message envelope.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetExperimentalNotifyCallback(
    cb: TIMExperimentalNotifyCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetExperimentalNotifyCallback", || {
        set_slot(
            |l| &mut l.experimental,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Adds a new-message listener: a JSON array of Message for messages that
/// arrive through inbound "message" envelopes (not my own sends from this
/// device). Adding the same function again only replaces its `user_data`
/// (no double delivery). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn TIMAddRecvNewMsgCallback(
    cb: TIMRecvNewMsgCallback,
    user_data: *const c_void,
) {
    guard_void("TIMAddRecvNewMsgCallback", || {
        if let Some(r) = Registered::new(cb, user_data as usize) {
            runtime::add_new_msg(r);
        }
    });
}

/// Removes a new-message listener added with the same function pointer
/// (unknown or NULL: no-op).
#[no_mangle]
pub unsafe extern "C" fn TIMRemoveRecvNewMsgCallback(cb: TIMRecvNewMsgCallback) {
    guard_void("TIMRemoveRecvNewMsgCallback", || {
        if let Some(f) = cb {
            runtime::remove_new_msg(f);
        }
    });
}

/// Callback type of `TIMSetMsgRevokeCallback`: a JSON array of MessageLocator.
pub type TIMMsgRevokeCallback =
    Option<unsafe extern "C" fn(json_msg_locator_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) the listener for: Messages revoked by the server's word (the sender, an admin, another of my devices), a JSON array of MessageLocator (`message_locator_conv_id`, `_conv_type`, `_is_revoked` true, `_time`, `_seq`, `_is_self`, `_rand` and `_unique_id` (the same numbers as the Message's `message_rand` / `message_unique_id`), plus `message_locator_msg_id`, `message_revoker_user_id`, `message_revoke_reason`); once per message. A revoke from this device (`TIMMsgRevoke`) reports through its callback instead.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgRevokeCallback(
    cb: TIMMsgRevokeCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgRevokeCallback", || {
        set_slot(|l| &mut l.revoke, Registered::new(cb, user_data as usize))
    });
}

/// Callback type of `TIMSetMsgUpdateCallback`: a JSON array of Message.
pub type TIMMsgUpdateCallback =
    Option<unsafe extern "C" fn(json_msg_array: *const c_char, user_data: *const c_void)>;

/// Registers (NULL: unregisters) the listener for: Messages whose content was edited (`TIMMsgModifyMessage` here once applied, or a `message_update` envelope), a JSON array of Message as they are now.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgUpdateCallback(
    cb: TIMMsgUpdateCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgUpdateCallback", || {
        set_slot(
            |l| &mut l.msg_update,
            Registered::new(cb, user_data as usize),
        )
    });
}

/// Callback type of `TIMSetMsgAllMessageReceiveOptionCallback`.
pub type TIMMsgAllMessageReceiveOptionCallback = Option<
    unsafe extern "C" fn(json_receive_message_opt_info: *const c_char, user_data: *const c_void),
>;

/// Registers (NULL: unregisters) the listener for: The global receive option changed (set here and applied, or an `all_receive_opt` envelope), with the keys of `TIMMsgGetAllReceiveMessageOpt`.
/// `user_data` is passed back untouched.
#[no_mangle]
pub unsafe extern "C" fn TIMSetMsgAllMessageReceiveOptionCallback(
    cb: TIMMsgAllMessageReceiveOptionCallback,
    user_data: *const c_void,
) {
    guard_void("TIMSetMsgAllMessageReceiveOptionCallback", || {
        set_slot(
            |l| &mut l.all_recv_opt,
            Registered::new(cb, user_data as usize),
        )
    });
}
