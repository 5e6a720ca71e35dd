//! Conversation snapshots handed to callers.

use crate::message::StoredMessage;
use crate::types::{ConvKey, GroupType, ReceiveOpt};
use serde::{Deserialize, Serialize};

/// A draft kept on a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The draft content (JSON, e.g. a message element array).
    pub content: String,
    /// Edit time in seconds.
    pub edit_time: u64,
}

/// An @-mention of me in a group that I have not read yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AtInfo {
    /// Sequence of the @-message.
    pub seq: u64,
    /// 1 = @me, 2 = @all, 3 = @all and @me (`TIMGroupAtType`).
    pub at_type: u8,
}

/// A conversation as callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    /// Type and peer.
    pub key: ConvKey,
    /// Group type (groups only).
    pub group_type: Option<GroupType>,
    /// Unread count (derived from the messages after the read position).
    pub unread: u64,
    /// Receive option.
    pub recv_opt: ReceiveOpt,
    /// Ordering key: pinned conversations above all others, newest first.
    pub order_key: u64,
    /// Last activity (seconds).
    pub active_time: u64,
    /// Pinned (stick top).
    pub pinned: bool,
    /// Mark bits.
    pub marks: u64,
    /// Names of the conversation groups it belongs to.
    pub groups: Vec<String>,
    /// Unread @-mentions of me.
    pub at_infos: Vec<AtInfo>,
    /// The last message, if any.
    pub last_message: Option<StoredMessage>,
    /// The draft, if any.
    pub draft: Option<Draft>,
    /// Tencent custom data (≤ 256 bytes).
    pub custom_data: String,
    /// Server extension (≤ 1024 bytes, synced).
    pub server_ext: String,
    /// Local extension (never synced).
    pub local_ext: String,
    /// C2C: I have read everything up to this time (seconds).
    pub read_time: u64,
    /// Group: I have read everything up to this sequence.
    pub read_seq: u64,
    /// C2C: the peer has read my messages up to this time (seconds).
    pub peer_read_time: u64,
    /// Creation time (seconds).
    pub create_time: u64,
    /// Last update time (seconds).
    pub update_time: u64,
}

/// A conversation group (Tencent: name-keyed; NIM: with an id and extension).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationGroup {
    /// Stable id.
    pub id: u64,
    /// Unique name.
    pub name: String,
    /// Server extension.
    pub server_ext: String,
    /// Creation time (seconds).
    pub create_time: u64,
    /// Update time (seconds).
    pub update_time: u64,
}

/// One page of a conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationPage {
    /// The conversations, in list order.
    pub conversations: Vec<Conversation>,
    /// Pass back as the cursor of the next page (0 when finished).
    pub next_cursor: u64,
    /// No more conversations after this page.
    pub finished: bool,
}

/// The failure of one id in a batch operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationFailure {
    /// The id as the caller gave it.
    pub id: String,
    /// The error code ([`crate::Error::code`]).
    pub code: i32,
    /// What went wrong.
    pub message: String,
}

impl OperationFailure {
    /// The failure of conversation `key` with error `e`.
    pub(crate) fn new(key: &ConvKey, e: &crate::error::Error) -> Self {
        OperationFailure {
            id: key.v2_id(),
            code: e.code(),
            message: e.to_string(),
        }
    }
}
