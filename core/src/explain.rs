//! "Why is this badge N?": the explanation of one conversation's unread
//! count ([`crate::Engine::explain_unread`]). Every number in it is derived
//! from the same rule the count is (engine/counting.rs), so the lists add up
//! to the count.

use crate::types::{ConvKey, CountPref, ReceiveOpt};
use serde::{Deserialize, Serialize};

/// At most this many messages are listed in each list of an explanation;
/// the rest are counted (`*_more`).
pub const EXPLAIN_LIST_MAX: usize = 100;

/// At most this many messages at or before the read position are listed.
pub const EXPLAIN_READ_MAX: usize = 20;

/// Read-position moves kept per conversation (the oldest is dropped).
pub const READ_HISTORY_MAX: usize = 16;

/// Who moved a read position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadMoveSource {
    /// A clean or mark-read on this device.
    LocalClean,
    /// Another of my devices (a `read_position` envelope).
    OtherDevice,
    /// The server's sync (a conversation snapshot).
    ServerSync,
    /// Mark-unread on this device (a move back).
    MarkUnread,
    /// Deleting the conversation on this device (it reads everything).
    Delete,
}

impl ReadMoveSource {
    /// The stored integer.
    pub fn as_i64(self) -> i64 {
        match self {
            ReadMoveSource::LocalClean => 0,
            ReadMoveSource::OtherDevice => 1,
            ReadMoveSource::ServerSync => 2,
            ReadMoveSource::MarkUnread => 3,
            ReadMoveSource::Delete => 4,
        }
    }
    /// From the stored integer (unknown values read as a local clean).
    pub fn from_i64(v: i64) -> Self {
        match v {
            1 => ReadMoveSource::OtherDevice,
            2 => ReadMoveSource::ServerSync,
            3 => ReadMoveSource::MarkUnread,
            4 => ReadMoveSource::Delete,
            _ => ReadMoveSource::LocalClean,
        }
    }
    /// The name used in JSON and logs.
    pub fn name(self) -> &'static str {
        match self {
            ReadMoveSource::LocalClean => "local_clean",
            ReadMoveSource::OtherDevice => "other_device",
            ReadMoveSource::ServerSync => "server_sync",
            ReadMoveSource::MarkUnread => "mark_unread",
            ReadMoveSource::Delete => "delete",
        }
    }
}

/// One move of a read position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMove {
    /// When (seconds, the engine's clock).
    pub time: u64,
    /// Who moved it.
    pub source: ReadMoveSource,
    /// The read time (C2C, seconds) or sequence (group) before.
    pub from_mark: u64,
    /// The read time or sequence after.
    pub to_mark: u64,
    /// The position's version after the move (see docs/ENGINE.md,
    /// "Moving back"): raised by every mark-unread.
    pub version: u64,
    /// The move went back (a mark-unread, here or on another device).
    pub backward: bool,
}

/// Why a message does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotCountedReason {
    /// Sent by me (this or another device).
    FromMe,
    /// Sent with "excluded from unread".
    ExcludedFromUnread,
    /// Online-only: passed to listeners, never stored.
    OnlineOnly,
    /// A repeat of a message id already stored.
    DuplicateId,
    /// At or before the read position.
    BeforeReadPosition,
    /// Revoked (with the engine's revoke option on).
    Revoked,
    /// The conversation's group type never counts unread (AVChatRoom, Meeting).
    GroupTypeNeverCounts,
}

impl NotCountedReason {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            NotCountedReason::FromMe => "from_me",
            NotCountedReason::ExcludedFromUnread => "excluded_from_unread",
            NotCountedReason::OnlineOnly => "online_only",
            NotCountedReason::DuplicateId => "duplicate_id",
            NotCountedReason::BeforeReadPosition => "before_read_position",
            NotCountedReason::Revoked => "revoked",
            NotCountedReason::GroupTypeNeverCounts => "group_type_never_counts",
        }
    }
}

/// One message in an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedMessage {
    /// The message id.
    pub msg_id: String,
    /// Its sender.
    pub sender: String,
    /// Server time (seconds).
    pub server_time: u64,
    /// Group sequence (0 for C2C).
    pub seq: u64,
    /// It @-mentions me or everyone (and counts as a mention when counted).
    pub mention: bool,
    /// Why it does not count (`None`: it counts).
    pub reason: Option<NotCountedReason>,
}

/// Why a conversation is in the total or not, and with how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TotalReason {
    /// In the total with its unread count.
    Counted,
    /// In the total with its mention count (count preference "mentions only").
    MentionsOnly,
    /// In the total as 1: marked unread with a count of 0 (engine option
    /// `count_marked_unread_as_one`).
    MarkedUnreadAsOne,
    /// Out: its receive option mutes it.
    Muted,
    /// Out: count preference "none".
    CountPrefNone,
    /// Out: deleted (not shown).
    Hidden,
}

impl TotalReason {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            TotalReason::Counted => "counted",
            TotalReason::MentionsOnly => "mentions_only",
            TotalReason::MarkedUnreadAsOne => "marked_unread_as_one",
            TotalReason::Muted => "muted",
            TotalReason::CountPrefNone => "count_pref_none",
            TotalReason::Hidden => "hidden",
        }
    }
}

/// The explanation of one conversation's badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadExplanation {
    /// The conversation.
    pub conv: ConvKey,
    /// The read time (C2C, seconds) or sequence (group): everything at or
    /// before it is read.
    pub read_mark: u64,
    /// The read position's version (0: never moved back).
    pub read_version: u64,
    /// The last move of the read position (`None`: never moved since the
    /// history was kept).
    pub last_move: Option<ReadMove>,
    /// The kept moves, oldest first (at most [`READ_HISTORY_MAX`]).
    pub history: Vec<ReadMove>,
    /// The unread count.
    pub unread: u64,
    /// The unread mentions.
    pub mentions: u64,
    /// The badge (the count the preference shows).
    pub badge: u64,
    /// The messages after the read position that count, oldest first (at
    /// most [`EXPLAIN_LIST_MAX`]).
    pub counted: Vec<ExplainedMessage>,
    /// Counting messages not listed.
    pub counted_more: u64,
    /// Messages that do not count, each with its reason: those after the
    /// read position (oldest first), then the newest ones at or before it
    /// (at most [`EXPLAIN_READ_MAX`]), then online-only and repeated
    /// deliveries of this login (kept in memory).
    pub not_counted: Vec<ExplainedMessage>,
    /// Non-counting messages after the read position not listed.
    pub not_counted_more: u64,
    /// Receive option.
    pub recv_opt: ReceiveOpt,
    /// Count preference.
    pub count_pref: CountPref,
    /// Carries Tencent's "unread" mark bit.
    pub marked_unread: bool,
    /// Its part of the total unread count.
    pub total_contribution: u64,
    /// Why it is in the total or not.
    pub total_reason: TotalReason,
}
