//! The coalesced batch of events one operation yields after it commits.

use crate::conversation::ConversationGroup;
use crate::engine::outbound::OutboundEnvelope;
use crate::filter::ConversationFilter;
use crate::message::StoredMessage;
pub use crate::types::AllReceiveOpt;
use crate::types::ConvKey;
use serde::{Deserialize, Serialize};

/// A conversation-group change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupEvent {
    /// A group was created with these conversations.
    Created(ConversationGroup, Vec<ConvKey>),
    /// A group was deleted.
    Deleted(String),
    /// A group was renamed (old name, new group).
    Renamed(String, ConversationGroup),
    /// Conversations were added to a group.
    ConversationsAdded(String, Vec<ConvKey>),
    /// Conversations were removed from a group.
    ConversationsRemoved(String, Vec<ConvKey>),
}

/// Server-sync lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncPhase {
    /// Sync started.
    Started,
    /// Sync finished.
    Finished,
    /// Sync failed.
    Failed,
}

/// A receipt applied to one of my messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptUpdate {
    /// The conversation.
    pub conv: ConvKey,
    /// The message id (empty for a C2C conversation-level read).
    pub msg_id: String,
    /// C2C: the peer's read time; per-message receipts: the receipt's time.
    pub timestamp: u64,
    /// C2C: the peer has read it.
    pub is_peer_read: bool,
    /// Group: readers so far.
    pub read_count: u64,
    /// Group: members who have not read it.
    pub unread_count: u64,
}

/// A message revoked by the server's word (another device, the sender, an
/// admin): the revoke listener's locator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokedMessage {
    /// The conversation.
    pub conv: ConvKey,
    /// The message id.
    pub msg_id: String,
    /// Its server time.
    pub server_time: u64,
    /// Its group sequence (0 for C2C).
    pub seq: u64,
    /// Sent by me.
    pub from_self: bool,
    /// Who revoked it.
    pub revoker: String,
    /// Why (may be empty).
    pub reason: String,
}

/// Everything one committed operation changed, each item once, in a
/// deterministic order (the order in which the operation first touched it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// Sync lifecycle event, if this operation was one.
    pub sync: Option<SyncPhase>,
    /// Conversations that appeared (new, or back after a delete).
    pub added: Vec<ConvKey>,
    /// Conversations whose state changed.
    pub changed: Vec<ConvKey>,
    /// Conversations deleted.
    pub deleted: Vec<ConvKey>,
    /// New total unread count, only when it changed (and once more, even
    /// unchanged, when the first sync of the login finishes).
    pub total_unread: Option<u64>,
    /// With `total_unread`: whether the total is synced, i.e. the first
    /// sync after login finished (or no transport is attached). Before, the
    /// store may lag behind the server and the total is provisional.
    pub total_synced: bool,
    /// New total of unread mentions, only when it changed.
    pub total_mentions: Option<u64>,
    /// Subscribed filters whose totals changed, each with its new total.
    pub filter_totals: Vec<(ConversationFilter, u64)>,
    /// Subscribed filters whose mention totals changed, each with its new
    /// mention total.
    pub filter_mention_totals: Vec<(ConversationFilter, u64)>,
    /// Messages newly stored (or online-only ones) for new-message listeners.
    pub new_messages: Vec<StoredMessage>,
    /// Receipts applied to my messages.
    pub receipts: Vec<ReceiptUpdate>,
    /// Read positions moved by another device: (conversation, read time or seq).
    pub read_time_updated: Vec<(ConvKey, u64)>,
    /// Conversation-group changes.
    pub groups: Vec<GroupEvent>,
    /// Envelopes queued for the server (only with a transport attached).
    pub outbound: Vec<OutboundEnvelope>,
    /// Messages revoked by the server's word (the revoke listener).
    pub revoked: Vec<RevokedMessage>,
    /// Messages whose content changed (the message-update listener).
    pub messages_updated: Vec<StoredMessage>,
    /// The global receive option, when it changed.
    pub all_receive_opt: Option<AllReceiveOpt>,
}

impl Changes {
    /// Nothing happened.
    pub fn is_empty(&self) -> bool {
        self == &Changes::default()
    }
}
