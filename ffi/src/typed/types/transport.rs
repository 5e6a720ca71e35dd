//! Transport records: sync phases, read positions, outbound envelopes and
//! their acks.

use super::*;
use imcore::engine::{GroupChange, Outbound, ReadPosition as CoreReadPosition};
use imcore::ConvKey;

/// Server sync lifecycle, reported by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncPhase {
    /// Sync started (`onSyncStarted`).
    Started,
    /// Sync finished (`onSyncFinished`).
    Finished,
    /// Sync failed (`onSyncFailed`).
    Failed,
}

/// A read position (C2C by time, group by sequence) in an envelope.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadPosition {
    /// The conversation.
    pub conversation_id: String,
    /// C2C: read up to this time (seconds); 0 for groups.
    pub timestamp: u64,
    /// Group: read up to this sequence; 0 for C2C.
    pub sequence: u64,
    /// The position's version (`read_version`): positions merge by the
    /// greater (version, position); raised by every mark-unread.
    pub version: u64,
}

impl From<CoreReadPosition> for ReadPosition {
    fn from(p: CoreReadPosition) -> Self {
        ReadPosition {
            conversation_id: p.conv.v2_id(),
            timestamp: p.timestamp,
            sequence: p.sequence,
            version: p.version,
        }
    }
}

/// What an outbound envelope asks the server to do. Conversation ids are
/// from my side (`c2c_<peer>`): a transport delivering to the peer turns
/// them around (`c2c_<me>`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OutboundPayload {
    /// Send a message (status `Sending` until acked).
    Message {
        /// The message.
        message: MessageInfo,
    },
    /// My read receipts for messages of one conversation.
    Receipts {
        /// The conversation.
        conversation_id: String,
        /// The messages read.
        message_ids: Vec<String>,
    },
    /// Read positions I moved (for my other devices; C2C: for the peer).
    ReadPositions {
        /// One per conversation.
        positions: Vec<ReadPosition>,
    },
    /// Pin / unpin.
    Pin {
        /// The conversation.
        conversation_id: String,
        /// Pinned.
        stick_top: bool,
    },
    /// Marks set or cleared.
    Marks {
        /// The conversations.
        conversation_ids: Vec<String>,
        /// Mark bits.
        mark_types: u64,
        /// Set (true) or clear.
        enable: bool,
    },
    /// Count preference.
    CountPreference {
        /// The conversation.
        conversation_id: String,
        /// The preference.
        preference: CountPreference,
    },
    /// Receive option.
    ReceiveOption {
        /// The conversation.
        conversation_id: String,
        /// The option.
        option: ReceiveOption,
    },
    /// Tencent custom data.
    CustomData {
        /// The conversations.
        conversation_ids: Vec<String>,
        /// The data.
        data: String,
    },
    /// Server extension.
    ServerExtension {
        /// The conversation.
        conversation_id: String,
        /// The extension.
        extension: String,
    },
    /// Conversations deleted.
    Delete {
        /// The conversations.
        conversation_ids: Vec<String>,
        /// Their messages too.
        clear_message: bool,
    },
    /// A conversation group was created with these conversations.
    GroupCreate {
        /// Group name.
        name: String,
        /// Conversations.
        conversation_ids: Vec<String>,
    },
    /// A conversation group was deleted.
    GroupDelete {
        /// Group name.
        name: String,
    },
    /// A conversation group was renamed.
    GroupRename {
        /// Old name.
        old_name: String,
        /// New name.
        new_name: String,
    },
    /// Conversations added to a group.
    GroupAdd {
        /// Group name.
        name: String,
        /// Conversations.
        conversation_ids: Vec<String>,
    },
    /// Conversations removed from a group.
    GroupRemove {
        /// Group name.
        name: String,
        /// Conversations.
        conversation_ids: Vec<String>,
    },
    /// Read positions I moved while read receipts are private: for my other
    /// devices only; the server sends no receipt to others.
    PrivateReadPositions {
        /// One per conversation.
        positions: Vec<ReadPosition>,
    },
    /// Messages deleted with the server's copy.
    MessageDelete {
        /// The conversation.
        conversation_id: String,
        /// The messages.
        message_ids: Vec<String>,
    },
    /// A conversation's history cleared up to a position.
    ClearHistory {
        /// The conversation.
        conversation_id: String,
        /// C2C: up to this time (seconds); 0 for groups.
        timestamp: u64,
        /// Group: up to this sequence; 0 for C2C.
        sequence: u64,
    },
    /// A message revoked.
    Revoke {
        /// The conversation.
        conversation_id: String,
        /// The message.
        message_id: String,
        /// Why (may be empty).
        reason: String,
    },
    /// A message's content edited (applied when the server accepts it).
    ModifyMessage {
        /// The conversation.
        conversation_id: String,
        /// The message.
        message_id: String,
        /// The new message JSON.
        message_json: String,
    },
    /// The global receive option (applied when the server accepts it).
    AllReceiveOption {
        /// The option.
        option: AllReceiveOption,
    },
    /// The app went to the background (with the badge number) or came back.
    AppState {
        /// In the background.
        background: bool,
        /// The badge number (0 in the foreground).
        unread_count: u32,
    },
}

/// One envelope the host must deliver to its server, then answer with
/// `ackOutbound(envelopeId, code, serverTime, seq)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OutboundEnvelope {
    /// Unique, increasing id; the ack names it.
    pub envelope_id: u64,
    /// The kind, as in `json`: `message`, `receipt`, `read_position`,
    /// `pin`, `mark`, `receive_opt`, `custom_data`, `server_extension`,
    /// `delete`, `conversation_group`.
    pub kind: String,
    /// The typed payload.
    pub payload: OutboundPayload,
    /// The same envelope as JSON: `{"envelope_id":…,"kind":…,…}`, exactly
    /// the shape docs/TRANSPORT.md documents and the C ABI hands over, for
    /// transports that forward JSON as is.
    pub json: String,
}

fn ids(keys: Vec<ConvKey>) -> Vec<String> {
    keys.iter().map(ConvKey::v2_id).collect()
}

impl From<imcore::engine::OutboundEnvelope> for OutboundEnvelope {
    fn from(e: imcore::engine::OutboundEnvelope) -> Self {
        // One envelope shape on every face: the C ABI's.
        let json = crate::tim::json::envelope::outbound_json(&e);
        let kind = serde_json::from_str::<serde_json::Value>(&json)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
            .unwrap_or_default();
        let payload = match e.item {
            Outbound::Message { message } => OutboundPayload::Message {
                message: message.into(),
            },
            Outbound::Receipts { conv, msg_ids } => OutboundPayload::Receipts {
                conversation_id: conv.v2_id(),
                message_ids: msg_ids,
            },
            Outbound::ReadPositions { positions } => OutboundPayload::ReadPositions {
                positions: positions.into_iter().map(Into::into).collect(),
            },
            Outbound::Pin { conv, pinned } => OutboundPayload::Pin {
                conversation_id: conv.v2_id(),
                stick_top: pinned,
            },
            Outbound::Marks {
                convs,
                mark,
                enable,
            } => OutboundPayload::Marks {
                conversation_ids: ids(convs),
                mark_types: mark,
                enable,
            },
            Outbound::ReceiveOpt { conv, opt } => OutboundPayload::ReceiveOption {
                conversation_id: conv.v2_id(),
                option: opt.into(),
            },
            Outbound::CountPref { conv, pref } => OutboundPayload::CountPreference {
                conversation_id: conv.v2_id(),
                preference: pref.into(),
            },
            Outbound::CustomData { convs, data } => OutboundPayload::CustomData {
                conversation_ids: ids(convs),
                data,
            },
            Outbound::ServerExtension { conv, ext } => OutboundPayload::ServerExtension {
                conversation_id: conv.v2_id(),
                extension: ext,
            },
            Outbound::Delete {
                convs,
                clear_messages,
            } => OutboundPayload::Delete {
                conversation_ids: ids(convs),
                clear_message: clear_messages,
            },
            Outbound::Group { change } => match change {
                GroupChange::Create { name, convs } => OutboundPayload::GroupCreate {
                    name,
                    conversation_ids: ids(convs),
                },
                GroupChange::Delete { name } => OutboundPayload::GroupDelete { name },
                GroupChange::Rename { old, new } => OutboundPayload::GroupRename {
                    old_name: old,
                    new_name: new,
                },
                GroupChange::Add { name, convs } => OutboundPayload::GroupAdd {
                    name,
                    conversation_ids: ids(convs),
                },
                GroupChange::Remove { name, convs } => OutboundPayload::GroupRemove {
                    name,
                    conversation_ids: ids(convs),
                },
            },
            other => lifecycle::payload(other),
        };
        OutboundEnvelope {
            envelope_id: e.envelope_id,
            kind,
            payload,
            json,
        }
    }
}

/// The server's answer to one envelope, as applied.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AckResult {
    /// The envelope answered.
    pub envelope_id: u64,
    /// The code passed in (0 = success).
    pub code: i32,
    /// For a message envelope: the message after the answer (stamped with
    /// the server time / sequence, or status `Failed`).
    pub message: Option<MessageInfo>,
}
