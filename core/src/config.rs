//! Engine configuration: limits and policies, all with documented defaults.

use crate::types::GroupType;
use std::sync::Arc;

/// A clock returning seconds since the Unix epoch (injectable for tests).
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// How hard a commit is pushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// WAL + `synchronous=NORMAL`: a committed change survives any process
    /// crash (kill -9); a power cut may lose the last commits, never corrupt.
    Normal,
    /// WAL + `synchronous=FULL`: every commit is fsynced before it reports success.
    Full,
}

/// Engine settings.
#[derive(Clone)]
pub struct EngineConfig {
    /// Group types whose conversations never count unread (default: AVChatRoom, Meeting).
    pub non_counting_group_types: Vec<GroupType>,
    /// Group types that support read receipts (default: Work, Public, Meeting).
    pub receipt_group_types: Vec<GroupType>,
    /// Most pinned conversations (default 100).
    pub pin_limit: usize,
    /// Most conversation groups (default 20, Tencent's limit).
    pub group_limit: usize,
    /// Longest conversation-group name in bytes (default 32).
    pub group_name_max: usize,
    /// Most groups one conversation may belong to (default 20).
    pub groups_per_conversation: usize,
    /// Most conversations in one group (default 1000).
    pub conversations_per_group: usize,
    /// Longest Tencent custom data in bytes (default 256).
    pub custom_data_max: usize,
    /// Longest server/local extension in bytes (default 1024).
    pub extension_max: usize,
    /// Most ids in one batch call (default 100).
    pub batch_ids_max: usize,
    /// Most messages in one receive batch (default 100_000).
    pub receive_batch_max: usize,
    /// Commit durability (default [`Durability::Normal`]).
    pub durability: Durability,
    /// SQLite page cache in KiB (default 32 MiB).
    pub cache_kib: i64,
    /// WAL pages between automatic checkpoints (default 8192 = 32 MiB).
    pub wal_autocheckpoint: i64,
    /// Run those checkpoints on a thread of the engine's own, with its own
    /// connection (default true), instead of inside the commit that passes
    /// the mark, where their two file syncs stalled that operation (a live
    /// message's push: up to 54 ms measured); see `store::checkpoint`.
    pub checkpoint_in_background: bool,
    /// Received messages whose conversation rows may be written later
    /// (default 20,000). A receive leaves the rows it changes stale; any
    /// other operation, closing the engine, or a receive that would pass
    /// this many pending messages writes them. After a crash, opening the
    /// store re-derives the rows from up to this many messages. 0 writes
    /// the rows with every receive.
    pub lazy_row_messages: usize,
    /// Seconds a message's server time may lie ahead of the clock and still
    /// be trusted (default 60). A message stamped further ahead is stored
    /// with the clock's time plus this tolerance, and a C2C one is ordered
    /// as if it arrived now; see docs/ENGINE.md, "Disorder".
    pub future_time_tolerance: u64,
    /// Longest message JSON in bytes, all keys included (default 32 KiB;
    /// Tencent limits a message's content to 12 KB). Longer ones are refused.
    pub message_max_bytes: usize,
    /// Receipts kept per conversation for messages not stored yet (default
    /// 1,000): a receipt may arrive before its message, but one for a
    /// message that never arrives must not be kept for ever. The oldest go
    /// first.
    pub pending_receipts_max: usize,
    /// Whether a revoked message that was unread still counts (default
    /// false: revoking an unread message lowers the count, as Matrix does
    /// for redactions; NetEase's `shouldConsiderRevokedMessageUnreadCount`
    /// is the opposite default). Applied when the revoke is applied.
    pub revoked_messages_count: bool,
    /// Revokes, deletes and edits kept per conversation for messages not
    /// stored yet (default 1,000; the oldest go first): one may arrive
    /// before its message.
    pub pending_message_ops_max: usize,
    /// Private read receipts (default false; changed at run time with
    /// [`crate::Engine::set_private_read_receipts`], which persists it):
    /// reading still clears my counts and syncs my read position to my other
    /// devices, but the server is told not to turn it into a receipt for
    /// others, and no message receipt leaves the device.
    pub private_read_receipts: bool,
    /// Count a conversation carrying Tencent's "unread" mark bit as 1 in
    /// the totals when its badge is 0 (default false: the bit is a dot that
    /// never changes a count). Not with count preference "none".
    pub count_marked_unread_as_one: bool,
    /// Source of "now" in seconds.
    pub clock: Clock,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            non_counting_group_types: vec![GroupType::AvChatRoom, GroupType::Meeting],
            receipt_group_types: vec![GroupType::Work, GroupType::Public, GroupType::Meeting],
            pin_limit: 100,
            group_limit: 20,
            group_name_max: 32,
            groups_per_conversation: 20,
            conversations_per_group: 1000,
            custom_data_max: 256,
            extension_max: 1024,
            batch_ids_max: 100,
            receive_batch_max: 100_000,
            durability: Durability::Normal,
            cache_kib: 32 * 1024,
            wal_autocheckpoint: 8192,
            checkpoint_in_background: true,
            lazy_row_messages: 20_000,
            future_time_tolerance: 60,
            message_max_bytes: 32 * 1024,
            pending_receipts_max: 1_000,
            revoked_messages_count: false,
            pending_message_ops_max: 1_000,
            private_read_receipts: false,
            count_marked_unread_as_one: false,
            clock: Arc::new(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            }),
        }
    }
}

impl std::fmt::Debug for EngineConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineConfig")
            .field("non_counting_group_types", &self.non_counting_group_types)
            .field("receipt_group_types", &self.receipt_group_types)
            .field("pin_limit", &self.pin_limit)
            .field("group_limit", &self.group_limit)
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}
