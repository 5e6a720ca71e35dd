//! Records of imcore's unread extensions (TIM and NIM have none of them):
//! the unread status and the unread explanation, with their conversions
//! from the core's. The client methods are in `typed/unread_extras.rs`.

use super::{CountPreference, ReceiveOption};
use imcore::explain;

/// The unread totals with what a badge needs beyond the count.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnreadStatus {
    /// The total unread count (muted conversations and count preference
    /// "off" left out; "mentions only" adds its mentions).
    pub unread_count: u64,
    /// The total of unread mentions (@me / @all) over the same
    /// conversations.
    pub unread_mention_count: u64,
    /// The first sync of this login finished (or no transport is set).
    /// Before, the store may lag behind the server: show the total as
    /// provisional rather than a 0.
    pub synced: bool,
}

/// Who moved a read position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReadMoveSource {
    /// A clean or mark-read on this device.
    LocalClean,
    /// Another of my devices.
    OtherDevice,
    /// The server's sync.
    ServerSync,
    /// Mark-unread on this device.
    MarkUnread,
    /// Deleting the conversation on this device.
    Delete,
}

impl From<explain::ReadMoveSource> for ReadMoveSource {
    fn from(s: explain::ReadMoveSource) -> Self {
        match s {
            explain::ReadMoveSource::LocalClean => ReadMoveSource::LocalClean,
            explain::ReadMoveSource::OtherDevice => ReadMoveSource::OtherDevice,
            explain::ReadMoveSource::ServerSync => ReadMoveSource::ServerSync,
            explain::ReadMoveSource::MarkUnread => ReadMoveSource::MarkUnread,
            explain::ReadMoveSource::Delete => ReadMoveSource::Delete,
        }
    }
}

/// One move of a read position.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadMove {
    /// When (seconds).
    pub time: u64,
    /// Who moved it.
    pub source: ReadMoveSource,
    /// Read time (C2C, seconds) or sequence (group) before.
    pub from_mark: u64,
    /// Read time or sequence after.
    pub to_mark: u64,
    /// The position's version after the move.
    pub version: u64,
    /// The move went back (a mark-unread).
    pub backward: bool,
}

impl From<explain::ReadMove> for ReadMove {
    fn from(m: explain::ReadMove) -> Self {
        ReadMove {
            time: m.time,
            source: m.source.into(),
            from_mark: m.from_mark,
            to_mark: m.to_mark,
            version: m.version,
            backward: m.backward,
        }
    }
}

/// Why a message does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NotCountedReason {
    /// Sent by me.
    FromMe,
    /// Sent with "excluded from unread".
    ExcludedFromUnread,
    /// Online-only (never stored).
    OnlineOnly,
    /// A repeat of a message id already stored.
    DuplicateId,
    /// At or before the read position.
    BeforeReadPosition,
    /// Revoked.
    Revoked,
    /// The group's type never counts unread.
    GroupTypeNeverCounts,
}

impl From<explain::NotCountedReason> for NotCountedReason {
    fn from(r: explain::NotCountedReason) -> Self {
        use explain::NotCountedReason as R;
        match r {
            R::FromMe => NotCountedReason::FromMe,
            R::ExcludedFromUnread => NotCountedReason::ExcludedFromUnread,
            R::OnlineOnly => NotCountedReason::OnlineOnly,
            R::DuplicateId => NotCountedReason::DuplicateId,
            R::BeforeReadPosition => NotCountedReason::BeforeReadPosition,
            R::Revoked => NotCountedReason::Revoked,
            R::GroupTypeNeverCounts => NotCountedReason::GroupTypeNeverCounts,
        }
    }
}

/// One message of an explanation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExplainedMessage {
    /// The message id.
    pub message_id: String,
    /// Its sender.
    pub sender: String,
    /// Server time (seconds).
    pub server_time: u64,
    /// Group sequence (0 for C2C).
    pub seq: u64,
    /// It @-mentions me or everyone.
    pub mention: bool,
    /// Why it does not count (`null`: it counts).
    pub reason: Option<NotCountedReason>,
}

impl From<explain::ExplainedMessage> for ExplainedMessage {
    fn from(m: explain::ExplainedMessage) -> Self {
        ExplainedMessage {
            message_id: m.msg_id,
            sender: m.sender,
            server_time: m.server_time,
            seq: m.seq,
            mention: m.mention,
            reason: m.reason.map(Into::into),
        }
    }
}

/// Why a conversation is in the total or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TotalReason {
    /// In with its unread count.
    Counted,
    /// In with its mention count (count preference "mentions only").
    MentionsOnly,
    /// In as 1: marked unread with nothing to count.
    MarkedUnreadAsOne,
    /// Out: muted by its receive option.
    Muted,
    /// Out: count preference "off".
    CountPreferenceOff,
    /// Out: deleted.
    Hidden,
}

impl From<explain::TotalReason> for TotalReason {
    fn from(r: explain::TotalReason) -> Self {
        use explain::TotalReason as R;
        match r {
            R::Counted => TotalReason::Counted,
            R::MentionsOnly => TotalReason::MentionsOnly,
            R::MarkedUnreadAsOne => TotalReason::MarkedUnreadAsOne,
            R::Muted => TotalReason::Muted,
            R::CountPrefNone => TotalReason::CountPreferenceOff,
            R::Hidden => TotalReason::Hidden,
        }
    }
}

/// "Why is this badge N?" for one conversation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnreadExplanation {
    /// The conversation.
    pub conversation_id: String,
    /// Read time (C2C, seconds) or sequence (group).
    pub read_mark: u64,
    /// The read position's version.
    pub read_version: u64,
    /// The last move of the read position, if kept.
    pub last_move: Option<ReadMove>,
    /// The kept moves, oldest first (at most 16).
    pub history: Vec<ReadMove>,
    /// The unread count.
    pub unread_count: u64,
    /// The unread mentions.
    pub unread_mention_count: u64,
    /// The badge.
    pub badge: u64,
    /// The counting messages after the read position, oldest first (at
    /// most 100).
    pub counted: Vec<ExplainedMessage>,
    /// Counting messages not listed.
    pub counted_more: u64,
    /// The messages that do not count, each with its reason.
    pub not_counted: Vec<ExplainedMessage>,
    /// Non-counting messages after the read position not listed.
    pub not_counted_more: u64,
    /// Receive option.
    pub receive_option: ReceiveOption,
    /// Count preference.
    pub count_preference: CountPreference,
    /// Carries Tencent's "unread" mark bit.
    pub marked_unread: bool,
    /// Its part of the total.
    pub total_contribution: u64,
    /// Why it is in the total or not.
    pub total_reason: TotalReason,
}

impl From<explain::UnreadExplanation> for UnreadExplanation {
    fn from(x: explain::UnreadExplanation) -> Self {
        UnreadExplanation {
            conversation_id: x.conv.v2_id(),
            read_mark: x.read_mark,
            read_version: x.read_version,
            last_move: x.last_move.map(Into::into),
            history: x.history.into_iter().map(Into::into).collect(),
            unread_count: x.unread,
            unread_mention_count: x.mentions,
            badge: x.badge,
            counted: x.counted.into_iter().map(Into::into).collect(),
            counted_more: x.counted_more,
            not_counted: x.not_counted.into_iter().map(Into::into).collect(),
            not_counted_more: x.not_counted_more,
            receive_option: x.recv_opt.into(),
            count_preference: x.count_pref.into(),
            marked_unread: x.marked_unread,
            total_contribution: x.total_contribution,
            total_reason: x.total_reason.into(),
        }
    }
}
