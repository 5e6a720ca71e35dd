//! Message lifecycle records (revokes, edits, the global receive option, the
//! app state) and the lifecycle envelopes' payloads. The client methods are
//! in `typed/lifecycle.rs`.

use super::{OutboundPayload, ReceiveOption};
use imcore::engine::{AppState, Outbound};

/// The global receive option (do-not-disturb for every conversation). It
/// shapes the server's offline pushes; unread counts do not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct AllReceiveOption {
    /// The option.
    pub option: ReceiveOption,
    /// Start of the daily quiet period: hour (0..=23).
    pub start_hour: u32,
    /// Minute (0..=59).
    pub start_minute: u32,
    /// Second (0..=59).
    pub start_second: u32,
    /// Start as a UTC timestamp in seconds (0 = daily from the hour above).
    pub start_time_stamp: u64,
    /// Length in seconds (0 = for ever).
    pub duration: u32,
}

impl From<imcore::AllReceiveOpt> for AllReceiveOption {
    fn from(o: imcore::AllReceiveOpt) -> Self {
        AllReceiveOption {
            option: o.opt.into(),
            start_hour: o.start_hour,
            start_minute: o.start_minute,
            start_second: o.start_second,
            start_time_stamp: o.start_time_stamp,
            duration: o.duration,
        }
    }
}

impl From<AllReceiveOption> for imcore::AllReceiveOpt {
    fn from(o: AllReceiveOption) -> Self {
        imcore::AllReceiveOpt {
            opt: o.option.into(),
            start_hour: o.start_hour,
            start_minute: o.start_minute,
            start_second: o.start_second,
            start_time_stamp: o.start_time_stamp,
            duration: o.duration,
        }
    }
}

/// The typed payload of a lifecycle envelope.
pub(crate) fn payload(item: Outbound) -> OutboundPayload {
    match item {
        Outbound::PrivateReadPositions { positions } => OutboundPayload::PrivateReadPositions {
            positions: positions.into_iter().map(Into::into).collect(),
        },
        Outbound::MessageDelete { conv, msg_ids } => OutboundPayload::MessageDelete {
            conversation_id: conv.v2_id(),
            message_ids: msg_ids,
        },
        Outbound::ClearHistory { position } => OutboundPayload::ClearHistory {
            conversation_id: position.conv.v2_id(),
            timestamp: position.timestamp,
            sequence: position.sequence,
        },
        Outbound::Revoke {
            conv,
            msg_id,
            reason,
        } => OutboundPayload::Revoke {
            conversation_id: conv.v2_id(),
            message_id: msg_id,
            reason,
        },
        Outbound::ModifyMessage { conv, msg_id, body } => OutboundPayload::ModifyMessage {
            conversation_id: conv.v2_id(),
            message_id: msg_id,
            message_json: body,
        },
        Outbound::AllReceiveOpt { opt } => OutboundPayload::AllReceiveOption { option: opt.into() },
        Outbound::AppState { state } => match state {
            AppState::Foreground => OutboundPayload::AppState {
                background: false,
                unread_count: 0,
            },
            AppState::Background { unread_count } => OutboundPayload::AppState {
                background: true,
                unread_count,
            },
        },
        other => unreachable!("not a lifecycle envelope: {other:?}"),
    }
}

/// A message revoked by the server's word.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RevokedMessageInfo {
    /// Its conversation (`c2c_<peer>` / `group_<group>`).
    pub conversation_id: String,
    /// The message id.
    pub message_id: String,
    /// Its server time.
    pub server_time: u64,
    /// Its group sequence (0 for C2C).
    pub seq: u64,
    /// Sent by me.
    pub is_self: bool,
    /// Who revoked it.
    pub revoker: String,
    /// Why (may be empty).
    pub reason: String,
}

impl From<imcore::RevokedMessage> for RevokedMessageInfo {
    fn from(r: imcore::RevokedMessage) -> Self {
        RevokedMessageInfo {
            conversation_id: r.conv.v2_id(),
            message_id: r.msg_id,
            server_time: r.server_time,
            seq: r.seq,
            is_self: r.from_self,
            revoker: r.revoker,
            reason: r.reason,
        }
    }
}

/// Who revoked a message, why and when.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RevocationInfo {
    /// The revoker's user id.
    pub revoker: String,
    /// The reason (may be empty).
    pub reason: String,
    /// When (seconds).
    pub time: u64,
}

/// A revoke the server sent (for `receiveRevokes`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InboundRevoke {
    /// The message's conversation.
    pub conversation_id: String,
    /// The message.
    pub message_id: String,
    /// Who revoked it.
    pub revoker: String,
    /// Why (may be empty).
    pub reason: String,
    /// When (seconds; 0 = now).
    pub time: u64,
}

/// An edit the server sent (for `receiveMessageEdits`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InboundMessageEdit {
    /// The message's conversation.
    pub conversation_id: String,
    /// The message.
    pub message_id: String,
    /// The new message JSON.
    pub message_json: String,
    /// The server's version (greater wins; 0 = unversioned).
    pub version: u64,
}

/// The app state recorded for the push service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct AppStateInfo {
    /// In the background.
    pub background: bool,
    /// The badge number shown while in the background (0 in the foreground).
    pub unread_count: u32,
}
