//! The typed API for Kotlin, Swift and Python, generated with uniffi
//! (library mode) from these proc-macro exports.
//!
//! - [`ImClient`]: open with a [`ClientConfig`], `login`, NIM V2-style
//!   conversation calls (`getConversationList`, `getTotalUnreadCount`,
//!   `subscribeUnreadCountByFilter`, `clearUnreadCountByIds`,
//!   `markConversationRead`, `stickTopConversation`, groups, …), Tencent's
//!   `cleanConversationUnreadMessageCount` and `markConversation`, messages
//!   and receipts through the host's [`OutboundTransport`], and typed
//!   inbound calls (`receiveMessages`, `receiveReceipts`,
//!   `receiveReadPosition`, `setGroupMembers`, `receiveSyncPhase`).
//! - Conversation ids are Tencent V2 ids, `c2c_<userID>` / `group_<groupID>`;
//!   [`conversation_id_from_nim`] converts NIM's `me|type|target`.
//! - One error enum, [`ImError`], whose variant says what went wrong.
//! - Listeners are foreign traits ([`ConversationListener`],
//!   [`ConversationGroupListener`], [`MessageListener`],
//!   [`ReceiptListener`]) registered with a [`ListenerHandle`] that
//!   unregisters them when closed or dropped. They are called on the
//!   client's own dispatcher thread, in operation order, never while a lock
//!   is held; a call returns before its events are delivered
//!   (`flushEvents` waits for them).
//! - Logs: [`set_log_listener`] and [`set_log_file`] (process-wide).
//! - No `async` exports: every call is synchronous.

mod client;
mod conv_groups;
mod conversations;
mod dispatcher;
mod error;
mod ids;
mod inbound;
mod lifecycle;
mod listener_errors;
mod listeners;
mod log_listener;
mod messages;
mod types;
mod unread;
mod unread_extras;

pub use client::ImClient;
pub use error::{ApiResult, ImError};
pub use ids::*;
pub use listeners::{
    ConversationGroupListener, ConversationListener, ListenerHandle, MessageLifecycleListener,
    MessageListener, OutboundTransport, ReceiptListener, UnreadStatusListener,
};
pub use log_listener::{
    clear_log_listener, flush_log, set_log_file, set_log_listener, LogLevel, LogListener,
};
pub use types::*;

#[cfg(test)]
mod log_tests;
#[cfg(test)]
mod tests;
