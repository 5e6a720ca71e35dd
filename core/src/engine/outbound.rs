//! What the engine asks the server to do: the outbound items, the
//! envelopes that carry them, the outcome of the server's answer, and how an
//! envelope is stored in the outbox table. Vocabulary only: this module
//! imports none of the engine's operations (the queue and its acks live in
//! [`super::outbox`]).

use crate::error::{Error, Result};
use crate::message::StoredMessage;
use crate::types::{AllReceiveOpt, AppState, ConvKey, ConvType, CountPref, ReceiveOpt};
use serde::{Deserialize, Serialize};

/// A read position I moved on this device (announced to my other devices and,
/// for C2C, to the peer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadPosition {
    /// The conversation.
    pub conv: ConvKey,
    /// C2C: read up to this time (seconds); 0 for groups.
    pub timestamp: u64,
    /// Group: read up to this sequence; 0 for C2C.
    pub sequence: u64,
    /// The position's version (raised by every mark-unread; positions merge
    /// by the greater (version, position)).
    #[serde(default)]
    pub version: u64,
}

/// A conversation-group change the server keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum GroupChange {
    /// Created with these conversations.
    Create {
        /// Group name.
        name: String,
        /// Initial conversations.
        convs: Vec<ConvKey>,
    },
    /// Deleted.
    Delete {
        /// Group name.
        name: String,
    },
    /// Renamed.
    Rename {
        /// Old name.
        old: String,
        /// New name.
        new: String,
    },
    /// Conversations added.
    Add {
        /// Group name.
        name: String,
        /// Conversations.
        convs: Vec<ConvKey>,
    },
    /// Conversations removed.
    Remove {
        /// Group name.
        name: String,
        /// Conversations.
        convs: Vec<ConvKey>,
    },
}

/// What must reach the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outbound {
    /// A message I send.
    Message {
        /// The message as stored (status "sending").
        message: StoredMessage,
    },
    /// Read receipts I send for messages of one conversation.
    Receipts {
        /// The conversation.
        conv: ConvKey,
        /// The messages read.
        msg_ids: Vec<String>,
    },
    /// Read positions I moved.
    ReadPositions {
        /// One per conversation.
        positions: Vec<ReadPosition>,
    },
    /// Pin / unpin.
    Pin {
        /// The conversation.
        conv: ConvKey,
        /// Pinned or not.
        pinned: bool,
    },
    /// Marks set or cleared.
    Marks {
        /// The conversations.
        convs: Vec<ConvKey>,
        /// Mark bits.
        mark: u64,
        /// Set (true) or clear.
        enable: bool,
    },
    /// Receive option.
    ReceiveOpt {
        /// The conversation.
        conv: ConvKey,
        /// The option.
        opt: ReceiveOpt,
    },
    /// Count preference (what the badge and the totals count).
    CountPref {
        /// The conversation.
        conv: ConvKey,
        /// The preference.
        pref: CountPref,
    },
    /// Tencent custom data.
    CustomData {
        /// The conversations.
        convs: Vec<ConvKey>,
        /// The data.
        data: String,
    },
    /// Server extension.
    ServerExtension {
        /// The conversation.
        conv: ConvKey,
        /// The extension.
        ext: String,
    },
    /// Conversations deleted.
    Delete {
        /// The conversations.
        convs: Vec<ConvKey>,
        /// Their messages too.
        clear_messages: bool,
    },
    /// A conversation-group change.
    Group {
        /// The change.
        change: GroupChange,
    },
    /// Read positions I moved while read receipts are private: like
    /// `ReadPositions` for my other devices, but the server turns them into
    /// no receipt for others.
    PrivateReadPositions {
        /// One per conversation.
        positions: Vec<ReadPosition>,
    },
    /// Messages deleted with the server's copy.
    MessageDelete {
        /// The conversation.
        conv: ConvKey,
        /// The messages.
        msg_ids: Vec<String>,
    },
    /// A conversation's history cleared up to a position.
    ClearHistory {
        /// The conversation and the position (time for C2C, sequence for groups).
        position: ReadPosition,
    },
    /// A message revoked.
    Revoke {
        /// The conversation.
        conv: ConvKey,
        /// The message.
        msg_id: String,
        /// Why (may be empty).
        reason: String,
    },
    /// A message's content edited (applied when the server accepts it).
    ModifyMessage {
        /// The conversation.
        conv: ConvKey,
        /// The message.
        msg_id: String,
        /// The new message JSON.
        body: String,
    },
    /// The global receive option (applied when the server accepts it).
    AllReceiveOpt {
        /// The option.
        opt: AllReceiveOpt,
    },
    /// The app went to the background (with the badge number) or came back.
    AppState {
        /// The state.
        state: AppState,
    },
}

/// An outbound item with its envelope id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundEnvelope {
    /// Unique, increasing envelope id; the server's ack names it.
    pub envelope_id: u64,
    /// What to send.
    pub item: Outbound,
}

/// The outcome of applying the server's answer to one envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckOutcome {
    /// The envelope answered.
    pub envelope: OutboundEnvelope,
    /// The server's code (0 = success).
    pub code: i32,
    /// For a message: the message after the answer (stamped, or "send failed").
    pub message: Option<StoredMessage>,
}

/// How read positions are stored in the outbox: one `[type, peer,
/// timestamp, sequence]` array each instead of the envelope's object form
/// (about 35 instead of 87 bytes), because a clean of everything queues one
/// envelope of up to every conversation. Written only by this version;
/// rows of either form decode.
const COMPACT_POSITIONS: &str = "{\"kind\":\"read_positions_compact\",";

#[derive(Serialize)]
struct CompactOut<'a> {
    kind: &'static str,
    p: Vec<(ConvType, &'a str, u64, u64, u64)>,
}

#[derive(Deserialize)]
struct CompactIn {
    p: Vec<CompactPos>,
}

/// One compact position: with its version, or (stores before versions)
/// without.
#[derive(Deserialize)]
#[serde(untagged)]
enum CompactPos {
    Versioned(ConvType, String, u64, u64, u64),
    Plain(ConvType, String, u64, u64),
}

/// The stored payload of an envelope.
pub(crate) fn encode(item: &Outbound) -> serde_json::Result<String> {
    match item {
        Outbound::ReadPositions { positions } => {
            let out = serde_json::to_string(&CompactOut {
                kind: "read_positions_compact",
                p: positions
                    .iter()
                    .map(|r| {
                        (
                            r.conv.conv_type,
                            r.conv.peer.as_str(),
                            r.timestamp,
                            r.sequence,
                            r.version,
                        )
                    })
                    .collect(),
            })?;
            debug_assert!(out.starts_with(COMPACT_POSITIONS));
            Ok(out)
        }
        item => serde_json::to_string(item),
    }
}

pub(crate) fn decode(id: i64, payload: &str) -> Result<OutboundEnvelope> {
    let unreadable = |e: serde_json::Error| {
        Error::StoreUnusable(format!("outbox envelope {id} is unreadable: {e}"))
    };
    let item = if payload.starts_with(COMPACT_POSITIONS) {
        let c: CompactIn = serde_json::from_str(payload).map_err(unreadable)?;
        Outbound::ReadPositions {
            positions: c
                .p
                .into_iter()
                .map(|p| {
                    let (conv_type, peer, timestamp, sequence, version) = match p {
                        CompactPos::Versioned(t, p, ts, s, v) => (t, p, ts, s, v),
                        CompactPos::Plain(t, p, ts, s) => (t, p, ts, s, 0),
                    };
                    ReadPosition {
                        conv: ConvKey { conv_type, peer },
                        timestamp,
                        sequence,
                        version,
                    }
                })
                .collect(),
        }
    } else {
        serde_json::from_str(payload).map_err(unreadable)?
    };
    Ok(OutboundEnvelope {
        envelope_id: id as u64,
        item,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions() -> Outbound {
        Outbound::ReadPositions {
            positions: vec![
                ReadPosition {
                    conv: ConvKey::c2c("bob").unwrap(),
                    timestamp: 1_700_000_000,
                    sequence: 0,
                    version: 0,
                },
                ReadPosition {
                    conv: ConvKey::group("g\"1").unwrap(),
                    timestamp: 0,
                    sequence: 42,
                    version: 1_700_000_500,
                },
            ],
        }
    }

    #[test]
    fn read_positions_are_stored_compactly_and_read_back() {
        let item = positions();
        let stored = encode(&item).unwrap();
        let full = serde_json::to_string(&item).unwrap();
        assert!(stored.len() * 2 < full.len(), "{stored} vs {full}");
        assert_eq!(decode(7, &stored).unwrap().item, item);
    }

    #[test]
    fn the_object_form_of_older_stores_still_decodes() {
        let item = positions();
        let old = serde_json::to_string(&item).unwrap();
        assert!(old.contains("\"timestamp\""), "{old}");
        assert_eq!(decode(7, &old).unwrap().item, item);
        let pin = Outbound::Pin {
            conv: ConvKey::c2c("bob").unwrap(),
            pinned: true,
        };
        assert_eq!(decode(8, &encode(&pin).unwrap()).unwrap().item, pin);
    }

    #[test]
    fn compact_positions_without_a_version_still_decode() {
        let old = r#"{"kind":"read_positions_compact","p":[["C2c","bob",1700000000,0]]}"#;
        let Outbound::ReadPositions { positions } = decode(9, old).unwrap().item else {
            panic!("not positions")
        };
        assert_eq!(positions[0].timestamp, 1_700_000_000);
        assert_eq!(positions[0].version, 0);
    }
}
