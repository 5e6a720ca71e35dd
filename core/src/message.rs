//! Messages as the engine stores them: the metadata that counting, receipts
//! and the last-message preview need, plus the message body as JSON.

use crate::error::{invalid, Result};
use crate::types::{check_id, ConvKey, ConvType};
use serde::{Deserialize, Serialize};

/// The `@all` marker in a group message's @-user list.
pub const AT_ALL: &str = "__kImSDK_MessageAtALL__";

/// Latest accepted server time (seconds): year 2500. Later values are
/// rejected as out of range (they would overflow the position encoding).
pub const MAX_TIME: u64 = 16_725_225_600;

/// A message that arrived from the server (or from another of my devices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingMessage {
    /// Unique message id; a second delivery of the same id is a no-op.
    pub msg_id: String,
    /// The conversation, from the receiver's view (peer id for C2C).
    pub conv: ConvKey,
    /// Sender's user id.
    pub sender: String,
    /// Server time in seconds.
    pub server_time: u64,
    /// Group sequence (groups: must be > 0 unless online-only).
    pub seq: u64,
    /// Sent by me from another device: never unread.
    pub from_self: bool,
    /// The sender asks for read receipts.
    pub need_read_receipt: bool,
    /// Not counted as unread.
    pub excluded_from_unread: bool,
    /// Does not become the conversation's last message.
    pub excluded_from_last_message: bool,
    /// Group @-user list; [`AT_ALL`] means everyone.
    pub at_users: Vec<String>,
    /// Online-only message: delivered to listeners, never stored or counted.
    pub online_only: bool,
    /// The message as JSON (elements, custom fields) for previews and history.
    pub body: String,
}

impl IncomingMessage {
    /// A plain text-less message with defaults; handy in tests and tools.
    pub fn new(msg_id: &str, conv: ConvKey, sender: &str, server_time: u64, seq: u64) -> Self {
        IncomingMessage {
            msg_id: msg_id.to_owned(),
            conv,
            sender: sender.to_owned(),
            server_time,
            seq,
            from_self: false,
            need_read_receipt: false,
            excluded_from_unread: false,
            excluded_from_last_message: false,
            at_users: Vec::new(),
            online_only: false,
            body: "{}".to_owned(),
        }
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        check_id("message_msg_id", &self.msg_id)?;
        check_id("conversation peer id", &self.conv.peer)?;
        check_id("message_sender", &self.sender)?;
        if self.server_time == 0 || self.server_time > MAX_TIME {
            return Err(invalid(format!(
                "message {:?}: message_server_time {} is not in 1..={MAX_TIME}",
                self.msg_id, self.server_time
            )));
        }
        if self.conv.conv_type == ConvType::Group && self.seq == 0 && !self.online_only {
            return Err(invalid(format!(
                "message {:?}: a group message needs message_seq > 0",
                self.msg_id
            )));
        }
        if self.seq > i64::MAX as u64 {
            return Err(invalid(format!(
                "message {:?}: message_seq {} is out of range",
                self.msg_id, self.seq
            )));
        }
        for u in &self.at_users {
            check_id("message_group_at_user_array item", u)?;
        }
        Ok(())
    }
}

/// Bits of the `flags` column of a stored message.
pub mod flags {
    /// Sent by me (this or another device).
    pub const FROM_SELF: i64 = 1;
    /// The sender asked for read receipts.
    pub const NEED_RECEIPT: i64 = 2;
    /// Excluded from unread counts.
    pub const EXCLUDED_UNREAD: i64 = 4;
    /// Excluded from the last message.
    pub const EXCLUDED_LAST: i64 = 8;
    /// Counts as unread when after the read position (derived at insert:
    /// not from self, not excluded).
    pub const COUNTED: i64 = 16;
    /// @-mentions me.
    pub const AT_ME: i64 = 32;
    /// @-mentions everyone.
    pub const AT_ALL: i64 = 64;
    /// I sent my read receipt for this message.
    pub const RECEIPT_SENT: i64 = 128;
    /// Revoked (by its sender or an admin); see `engine/lifecycle/revoke.rs`.
    pub const REVOKED: i64 = 256;
    /// Deleted: the row stays (so the id stays a duplicate) but no query
    /// returns it, and it never counts.
    pub const DELETED: i64 = 512;
    /// Revoked on this device, the server's answer not in yet: a refusal
    /// restores the message unless the server's own revoke came meanwhile.
    pub const REVOKE_PENDING: i64 = 1024;
    /// The bits a recount reads: what the `message_pos` table keeps of
    /// `flags`, set at the receive and changed with the message's own flags
    /// by a revoke or delete (`engine/lifecycle/`).
    pub const RECOUNT: i64 = COUNTED | AT_ME | AT_ALL;
}

/// Delivery state of a message (`TIMMsgStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MsgStatus {
    /// Being sent.
    Sending = 1,
    /// Sent or received.
    SendSucc = 2,
    /// Sending failed.
    SendFail = 3,
}

impl MsgStatus {
    /// From the stored integer.
    pub fn from_i64(v: i64) -> Self {
        match v {
            1 => MsgStatus::Sending,
            3 => MsgStatus::SendFail,
            _ => MsgStatus::SendSucc,
        }
    }
}

/// A message as stored, returned by queries and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Unique message id.
    pub msg_id: String,
    /// Its conversation.
    pub conv: ConvKey,
    /// Sender's user id.
    pub sender: String,
    /// Server time in seconds (local clock while sending).
    pub server_time: u64,
    /// Group sequence (0 when unknown).
    pub seq: u64,
    /// `flags` bits, see [`flags`].
    pub flags: i64,
    /// Delivery state.
    pub status: MsgStatus,
    /// The message body JSON.
    pub body: String,
    /// Whether I have read it (always true for my own messages).
    pub is_read: bool,
    /// C2C: the peer read it (a receipt for it, or its time is at or before
    /// the peer's conversation read time).
    pub is_peer_read: bool,
    /// C2C: the peer sent a receipt for this very message.
    pub peer_receipt: bool,
    /// Group receipts: how many members have read it.
    pub read_count: u64,
    /// Group receipts: how many members have not read it.
    pub unread_count: u64,
}

impl StoredMessage {
    /// Sent by me.
    pub fn from_self(&self) -> bool {
        self.flags & flags::FROM_SELF != 0
    }
    /// The sender asked for receipts.
    pub fn need_read_receipt(&self) -> bool {
        self.flags & flags::NEED_RECEIPT != 0
    }
    /// I already sent my receipt.
    pub fn receipt_sent(&self) -> bool {
        self.flags & flags::RECEIPT_SENT != 0
    }
    /// Excluded from unread counts.
    pub fn excluded_from_unread(&self) -> bool {
        self.flags & flags::EXCLUDED_UNREAD != 0
    }
    /// Excluded from the last message.
    pub fn excluded_from_last_message(&self) -> bool {
        self.flags & flags::EXCLUDED_LAST != 0
    }
    /// Revoked (TIM shows it with status 6); who revoked it and why:
    /// [`crate::Engine::revocation`].
    pub fn is_revoked(&self) -> bool {
        self.flags & flags::REVOKED != 0
    }
    /// TIM's `message_unique_id`: see [`unique_id`].
    pub fn unique_id(&self) -> u64 {
        unique_id(&self.msg_id)
    }
    /// TIM's `message_rand`: see [`rand`].
    pub fn rand(&self) -> u64 {
        rand(&self.msg_id)
    }
}

/// A message's unique id (TIM's `message_unique_id`,
/// `message_locator_unique_id`): the low 63 bits of the hash of its id the
/// store already keeps to find it ([`crate::store::msg_hash`]), so it is the
/// same on every device and in every session, and a message can be found by
/// it ([`crate::Engine::find_by_unique_id`]). 63 bits, not 64: hosts parse
/// JSON numbers as signed 64-bit (Java, older Json.NET, SQLite) and a value
/// above `i64::MAX` fails there. Two ids sharing one is as likely as a
/// 63-bit collision; the message id stays the real key.
pub fn unique_id(msg_id: &str) -> u64 {
    crate::store::msg_hash(msg_id) as u64 & i64::MAX as u64
}

/// A message's random number (TIM's `message_rand`,
/// `message_locator_rand`): for an id of TIM's shape
/// `<sender>-<client time>-<random>` (three decimal parts, as
/// [`crate::Engine::new_message_id`] makes them) its last part when it is
/// at most `i64::MAX`; for any other id the high 32 bits of the id's hash.
/// Derived from the id alone, so a Message and a revoke's locator always
/// agree.
pub fn rand(msg_id: &str) -> u64 {
    let mut parts = msg_id.split('-');
    let tim_shape = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c), None) => [a, b, c]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| c.parse::<u64>().ok())
            .flatten()
            .filter(|&r| r <= i64::MAX as u64),
        _ => None,
    };
    tim_shape.unwrap_or_else(|| crate::store::msg_hash(msg_id) as u64 >> 32)
}

/// A message I send from this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    /// The conversation.
    pub conv: ConvKey,
    /// Ask the receivers for read receipts.
    pub need_read_receipt: bool,
    /// Receivers do not count it as unread.
    pub excluded_from_unread: bool,
    /// Does not become the last message.
    pub excluded_from_last_message: bool,
    /// Group @-user list.
    pub at_users: Vec<String>,
    /// The message body JSON.
    pub body: String,
}
