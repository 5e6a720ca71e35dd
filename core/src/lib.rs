//! imcore: the state engine of an IM client.
//!
//! Conversations, unread counters, read positions and read receipts, kept
//! durable in one SQLite store per user. The crate is pure Rust: no FFI, no
//! network, and one thread of its own per open store, which only runs WAL
//! checkpoints ([`store::checkpoint`]). The host's transport pushes what the server sends
//! into an [`Engine`]; every operation is one transaction and yields one
//! coalesced [`Changes`] batch for the faces (C ABI, bindings) to deliver.
//!
//! Counting rules: a conversation's unread count is *derived* from its
//! counted messages after its read position; read positions only move
//! forward, through one function; the total and every filter total are
//! cached sums adjusted by the exact change of each conversation, so reading
//! them is O(1). [`Engine::verify`] recomputes everything from the store.

pub mod config;
pub mod conversation;
pub mod engine;
pub mod error;
pub mod events;
pub mod explain;
pub mod filter;
pub mod message;
pub mod store;
pub mod types;

pub use config::{Durability, EngineConfig};
pub use conversation::{
    AtInfo, Conversation, ConversationGroup, ConversationPage, Draft, OperationFailure,
};
pub use engine::{CleanTarget, Engine, ReceiveReport};
pub use error::{Error, Result};
pub use events::{AllReceiveOpt, Changes, GroupEvent, ReceiptUpdate, RevokedMessage, SyncPhase};
pub use explain::UnreadExplanation;
pub use filter::ConversationFilter;
pub use message::{IncomingMessage, MsgStatus, OutgoingMessage, StoredMessage};
pub use types::{marks, ConvKey, ConvType, CountPref, GroupType, ReceiveOpt};
