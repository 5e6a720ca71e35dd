//! The C face: TIM-compatible functions taking JSON strings and reporting
//! through `(code, desc, json, user_data)` callbacks, plus the `IMCore…`
//! extensions of `docs/TRANSPORT.md`.
//!
//! - [`runtime`]: the global state (init, the logged-in engine), the
//!   registered listeners and the delivery of callbacks (dispatcher thread
//!   or pumped);
//! - [`json`]: every TIM JSON key, in and out (conversations, messages,
//!   receipts, transport envelopes);
//! - [`events`]: the shared notification list rendered as TIM callbacks;
//! - the exports, by what they do: [`manager`] (init, login, config),
//!   [`conv`] (conversations), [`unread`] (counts, filters, clean),
//!   [`conv_group`] (conversation groups), [`msg`] (send, history),
//!   [`msg_read`] (read reports, receive options, receipts), [`listeners`]
//!   (the listeners imcore calls), [`unfired`] (the ones it never calls),
//!   [`transport`] (inbound push, outbound envelopes and acks), [`host`]
//!   (callback mode, connection events, the last error).

pub mod conv;
pub mod conv_group;
pub mod events;
pub mod host;
pub mod json;
pub mod listeners;
pub mod manager;
pub mod msg;
pub mod msg_opt;
pub mod msg_read;
pub mod runtime;
pub mod transport;
pub mod unfired;
pub mod unread;

use std::ffi::{c_char, c_void};

/// `TIMConvType`: invalid.
pub const kTIMConv_Invalid: i32 = 0;
/// `TIMConvType`: one-to-one chat.
pub const kTIMConv_C2C: i32 = 1;
/// `TIMConvType`: group chat.
pub const kTIMConv_Group: i32 = 2;
/// `TIMConvEvent`: conversations added.
pub const kTIMConvEvent_Add: i32 = 0;
/// `TIMConvEvent`: conversations deleted.
pub const kTIMConvEvent_Del: i32 = 1;
/// `TIMConvEvent`: conversations changed.
pub const kTIMConvEvent_Update: i32 = 2;
/// `TIMConvEvent`: server sync started (payload "").
pub const kTIMConvEvent_Start: i32 = 3;
/// `TIMConvEvent`: server sync finished (payload "").
pub const kTIMConvEvent_Finish: i32 = 4;
/// `TIMLoginStatus`: logged in.
pub const kTIMLoginStatus_Logined: i32 = 1;
/// `TIMLoginStatus`: not logged in.
pub const kTIMLoginStatus_UnLogined: i32 = 3;
/// `TIMNetworkStatus`: connected.
pub const kTIMConnected: i32 = 0;
/// `TIMNetworkStatus`: disconnected.
pub const kTIMDisconnected: i32 = 1;
/// `TIMNetworkStatus`: connecting.
pub const kTIMConnecting: i32 = 2;
/// `TIMNetworkStatus`: connecting failed.
pub const kTIMConnectFailed: i32 = 3;
/// `TIMReceiveMessageOpt`: receive and notify.
pub const kTIMRecvMsgOpt_Receive: i32 = 0;
/// `TIMReceiveMessageOpt`: do not receive.
pub const kTIMRecvMsgOpt_Not_Receive: i32 = 1;
/// `TIMReceiveMessageOpt`: receive without notifying.
pub const kTIMRecvMsgOpt_Not_Notify: i32 = 2;
/// `TIMReceiveMessageOpt`: no notification except @-mentions.
pub const kTIMRecvMsgOpt_Not_Notify_Except_At: i32 = 3;
/// `TIMReceiveMessageOpt`: do not receive except @-mentions.
pub const kTIMRecvMsgOpt_Not_Receive_Except_At: i32 = 4;
/// `TIMGroupMessageReadMembersFilter`: members who read the message.
pub const TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_READ: i32 = 0;
/// `TIMGroupMessageReadMembersFilter`: members who have not read it.
pub const TIM_GROUP_MESSAGE_READ_MEMBERS_FILTER_UNREAD: i32 = 1;
/// `IMCoreSetCallbackMode`: callbacks on imcore's dispatcher thread (default).
pub const IMCORE_CALLBACK_MODE_THREAD: i32 = 0;
/// `IMCoreSetCallbackMode`: callbacks delivered by `IMCorePollCallbacks`.
pub const IMCORE_CALLBACK_MODE_PUMPED: i32 = 1;

/// The result of every asynchronous call: `code` 0 or an error code, `desc`
/// the error text ("" on success), `json_params` the result JSON (may be "").
pub type TIMCommCallback = Option<
    unsafe extern "C" fn(
        code: i32,
        desc: *const c_char,
        json_params: *const c_char,
        user_data: *const c_void,
    ),
>;
/// Conversation events: `conv_event` is a `kTIMConvEvent_…` value,
/// `json_conv_array` a JSON array of ConvInfo ("" for Start / Finish).
pub type TIMConvEventCallback = Option<
    unsafe extern "C" fn(conv_event: i32, json_conv_array: *const c_char, user_data: *const c_void),
>;
/// The total unread count changed.
pub type TIMConvTotalUnreadMessageCountChangedCallback =
    Option<unsafe extern "C" fn(total_unread_count: i32, user_data: *const c_void)>;
/// A subscribed filter's unread total changed; `filter` is the filter JSON
/// exactly as it was subscribed.
pub type TIMConvTotalUnreadMessageCountChangedByFilterCallback = Option<
    unsafe extern "C" fn(filter: *const c_char, total_unread_count: i32, user_data: *const c_void),
>;
/// A conversation group was created; `conversation_array` is a JSON array of
/// the V2 ids (`c2c_<user>` / `group_<group>`) it was created with.
pub type TIMConvConversationGroupCreatedCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        conversation_array: *const c_char,
        user_data: *const c_void,
    ),
>;
/// A conversation group was deleted.
pub type TIMConvConversationGroupDeletedCallback =
    Option<unsafe extern "C" fn(group_name: *const c_char, user_data: *const c_void)>;
/// A conversation group was renamed.
pub type TIMConvConversationGroupNameChangedCallback = Option<
    unsafe extern "C" fn(
        old_name: *const c_char,
        new_name: *const c_char,
        user_data: *const c_void,
    ),
>;
/// Conversations were added to a group (`conversation_array`: V2 ids).
pub type TIMConvConversationsAddedToGroupCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        conversation_array: *const c_char,
        user_data: *const c_void,
    ),
>;
/// Conversations were removed from a group (`conversation_array`: V2 ids).
/// The 3-argument form of TIM 7.x, which the Unity 8.6 C# layer binds.
pub type TIMConvConversationsDeletedFromGroupCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        conversation_array: *const c_char,
        user_data: *const c_void,
    ),
>;
/// New messages: a JSON array of Message.
pub type TIMRecvNewMsgCallback =
    Option<unsafe extern "C" fn(json_msg_array: *const c_char, user_data: *const c_void)>;
/// Read receipts of my messages: a JSON array of MessageReceipt.
pub type TIMMsgReadedReceiptCallback = Option<
    unsafe extern "C" fn(json_msg_read_receipt_array: *const c_char, user_data: *const c_void),
>;
/// One page of a group message's read (or unread) members.
pub type TIMMsgGroupMessageReadMemberListCallback = Option<
    unsafe extern "C" fn(
        json_group_member_array: *const c_char,
        next_seq: u64,
        is_finished: bool,
        user_data: *const c_void,
    ),
>;
/// Network status (`kTIMConnected`…), with a code and description.
pub type TIMNetworkStatusListenerCallback = Option<
    unsafe extern "C" fn(status: i32, code: i32, desc: *const c_char, user_data: *const c_void),
>;
/// Kicked offline by another login.
pub type TIMKickedOfflineCallback = Option<unsafe extern "C" fn(user_data: *const c_void)>;
/// The user sig expired.
pub type TIMUserSigExpiredCallback = Option<unsafe extern "C" fn(user_data: *const c_void)>;
/// A log line (`level`: 0 off … 4 info, 5 warn, 6 error).
pub type TIMLogCallback =
    Option<unsafe extern "C" fn(level: i32, log: *const c_char, user_data: *const c_void)>;
/// Experimental notifications: a key and its data.
pub type TIMExperimentalNotifyCallback =
    Option<unsafe extern "C" fn(key: *const c_char, data: *const c_char, user_data: *const c_void)>;
/// imcore → host: one outbound envelope (JSON object) to deliver to the server.
pub type IMCoreOutboundCallback =
    Option<unsafe extern "C" fn(json_envelope: *const c_char, user_data: *const c_void)>;
