//! Message records: messages, sends, received batches, receipts and
//! read-member pages, chat-group rosters.

use super::super::error::ApiResult;
use super::*;
use imcore::GroupType as CoreGroupType;

/// Group type (Tencent `TIMGroupType`): decides whether a group counts
/// unread (not AvChatRoom / Meeting) and supports receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum GroupType {
    /// Public (stranger social) group.
    Public,
    /// Work group.
    Work,
    /// Meeting group (no unread counting).
    Meeting,
    /// Broadcast chat room.
    BChatRoom,
    /// Live broadcast group (no unread counting).
    AvChatRoom,
    /// Community.
    Community,
}

impl From<CoreGroupType> for GroupType {
    fn from(t: CoreGroupType) -> Self {
        match t {
            CoreGroupType::Public => GroupType::Public,
            CoreGroupType::Work => GroupType::Work,
            CoreGroupType::Meeting => GroupType::Meeting,
            CoreGroupType::BChatRoom => GroupType::BChatRoom,
            CoreGroupType::AvChatRoom => GroupType::AvChatRoom,
            CoreGroupType::Community => GroupType::Community,
        }
    }
}

impl From<GroupType> for CoreGroupType {
    fn from(t: GroupType) -> Self {
        match t {
            GroupType::Public => CoreGroupType::Public,
            GroupType::Work => CoreGroupType::Work,
            GroupType::Meeting => CoreGroupType::Meeting,
            GroupType::BChatRoom => CoreGroupType::BChatRoom,
            GroupType::AvChatRoom => CoreGroupType::AvChatRoom,
            GroupType::Community => CoreGroupType::Community,
        }
    }
}

/// Delivery state of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum MessageStatus {
    /// Waiting for the server's ack.
    Sending,
    /// Sent (acked) or received.
    Succeeded,
    /// The server refused it (non-zero ack code).
    Failed,
}

impl From<imcore::MsgStatus> for MessageStatus {
    fn from(s: imcore::MsgStatus) -> Self {
        match s {
            imcore::MsgStatus::Sending => MessageStatus::Sending,
            imcore::MsgStatus::SendSucc => MessageStatus::Succeeded,
            imcore::MsgStatus::SendFail => MessageStatus::Failed,
        }
    }
}

/// An unread @-mention of me in a group.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AtInfo {
    /// Sequence of the @-message.
    pub seq: u64,
    /// 1 = @me, 2 = @all, 3 = @all and @me.
    pub at_type: u8,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MessageInfo {
    /// Unique message id.
    pub message_id: String,
    /// Its conversation (`c2c_<peer>` / `group_<group>`, from my side).
    pub conversation_id: String,
    /// Sender's user id.
    pub sender_id: String,
    /// Server time in seconds (the local clock while sending).
    pub server_time: u64,
    /// Group sequence (0 when unknown).
    pub seq: u64,
    /// Delivery state.
    pub status: MessageStatus,
    /// The message JSON (TIM shape, e.g. `{"message_elem_array":[…]}`).
    pub body: String,
    /// The text of the first text element of `body`, if any.
    pub text: Option<String>,
    /// Sent by me (this or another device).
    pub is_self: bool,
    /// The sender asks for read receipts.
    pub need_read_receipt: bool,
    /// I sent my read receipt for it.
    pub receipt_sent: bool,
    /// Not counted as unread.
    pub excluded_from_unread: bool,
    /// Does not become the last message.
    pub excluded_from_last_message: bool,
    /// I have read it (always true for my own).
    pub is_read: bool,
    /// C2C, my message: the peer has read it.
    pub is_peer_read: bool,
    /// Group, my message: members who have read it.
    pub read_count: u64,
    /// Group, my message: members who have not.
    pub unread_count: u64,
}

impl From<imcore::StoredMessage> for MessageInfo {
    fn from(m: imcore::StoredMessage) -> Self {
        MessageInfo {
            text: text_of(&m.body),
            is_self: m.from_self(),
            need_read_receipt: m.need_read_receipt(),
            receipt_sent: m.receipt_sent(),
            excluded_from_unread: m.excluded_from_unread(),
            excluded_from_last_message: m.excluded_from_last_message(),
            message_id: m.msg_id,
            conversation_id: m.conv.v2_id(),
            sender_id: m.sender,
            server_time: m.server_time,
            seq: m.seq,
            status: m.status.into(),
            body: m.body,
            is_read: m.is_read,
            is_peer_read: m.is_peer_read,
            read_count: m.read_count,
            unread_count: m.unread_count,
        }
    }
}

/// The text of the first text element (`elem_type` 0) of a TIM message JSON.
pub(crate) fn text_of(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("message_elem_array")?
        .as_array()?
        .iter()
        .find(|e| e.get("elem_type").and_then(|t| t.as_i64()).unwrap_or(0) == 0)
        .and_then(|e| e.get("text_elem_content"))
        .and_then(|t| t.as_str())
        .map(str::to_owned)
}

/// The TIM message JSON of a plain text message.
pub(crate) fn text_body(text: &str) -> String {
    serde_json::json!({
        "message_elem_array": [{"elem_type": 0, "text_elem_content": text}]
    })
    .to_string()
}

/// A message to send.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SendMessageParams {
    /// Plain text; used when `body` is absent.
    #[uniffi(default = None)]
    pub text: Option<String>,
    /// The full message JSON (TIM shape); wins over `text`.
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// Ask the receivers for read receipts.
    #[uniffi(default = false)]
    pub need_read_receipt: bool,
    /// Receivers do not count it as unread.
    #[uniffi(default = false)]
    pub excluded_from_unread: bool,
    /// Does not become the last message.
    #[uniffi(default = false)]
    pub excluded_from_last_message: bool,
    /// Group @-user ids (`__kImSDK_MessageAtALL__` = everyone).
    #[uniffi(default)]
    pub at_user_ids: Vec<String>,
    /// The message id; `null` = a new unique id.
    #[uniffi(default = None)]
    pub message_id: Option<String>,
}

/// A message the host's transport received from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct IncomingMessage {
    /// Unique id; the same id twice is stored once.
    pub message_id: String,
    /// From the receiver's side: `c2c_<sender>` or `group_<group>`.
    pub conversation_id: String,
    /// Sender's user id.
    pub sender_id: String,
    /// Server time in seconds (> 0).
    pub server_time: u64,
    /// Group sequence (> 0 for groups); 0 for C2C.
    #[uniffi(default = 0)]
    pub seq: u64,
    /// Plain text; used when `body` is absent.
    #[uniffi(default = None)]
    pub text: Option<String>,
    /// The message JSON; wins over `text`.
    #[uniffi(default = None)]
    pub body: Option<String>,
    /// I sent it from another device.
    #[uniffi(default = false)]
    pub is_self: bool,
    /// The sender asks for read receipts.
    #[uniffi(default = false)]
    pub need_read_receipt: bool,
    /// Not counted as unread.
    #[uniffi(default = false)]
    pub excluded_from_unread: bool,
    /// Does not become the last message.
    #[uniffi(default = false)]
    pub excluded_from_last_message: bool,
    /// Group @-user ids.
    #[uniffi(default)]
    pub at_user_ids: Vec<String>,
    /// Online-only: delivered to listeners, never stored or counted.
    #[uniffi(default = false)]
    pub online_only: bool,
}

impl IncomingMessage {
    pub(crate) fn to_core(&self) -> ApiResult<imcore::IncomingMessage> {
        Ok(imcore::IncomingMessage {
            msg_id: self.message_id.clone(),
            conv: conv_key(&self.conversation_id)?,
            sender: self.sender_id.clone(),
            server_time: self.server_time,
            seq: self.seq,
            from_self: self.is_self,
            need_read_receipt: self.need_read_receipt,
            excluded_from_unread: self.excluded_from_unread,
            excluded_from_last_message: self.excluded_from_last_message,
            at_users: self.at_user_ids.clone(),
            online_only: self.online_only,
            body: body_of(self.body.as_deref(), self.text.as_deref()),
        })
    }
}

pub(crate) fn body_of(body: Option<&str>, text: Option<&str>) -> String {
    match (body, text) {
        (Some(b), _) => b.to_owned(),
        (None, Some(t)) => text_body(t),
        (None, None) => "{}".to_owned(),
    }
}

/// What a `receiveMessages` call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ReceiveReport {
    /// Newly stored.
    pub stored: u64,
    /// Already stored before (same id): no-ops.
    pub duplicates: u64,
    /// Online-only, passed to listeners only.
    pub online: u64,
}

/// A receipt that arrived for one of my messages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InboundReceipt {
    /// `c2c_<reader>` or `group_<group>` (the reader's conversation with me).
    pub conversation_id: String,
    /// The message read; empty for C2C = the reader read the whole
    /// conversation up to `timestamp`.
    pub message_id: String,
    /// Who read it.
    pub reader_id: String,
    /// When (seconds).
    pub timestamp: u64,
}

/// The read state of one of my messages (or, with an empty message id, a
/// C2C peer having read the conversation up to `timestamp`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MessageReceipt {
    /// The conversation.
    pub conversation_id: String,
    /// The message (empty for a C2C conversation-level read).
    pub message_id: String,
    /// C2C: the peer's read time; else the time the receipt was applied.
    pub timestamp: u64,
    /// C2C: the peer has read it.
    pub is_peer_read: bool,
    /// Group: members who have read it.
    pub read_count: u64,
    /// Group: members who have not.
    pub unread_count: u64,
}

impl From<imcore::ReceiptUpdate> for MessageReceipt {
    fn from(r: imcore::ReceiptUpdate) -> Self {
        MessageReceipt {
            conversation_id: r.conv.v2_id(),
            message_id: r.msg_id,
            timestamp: r.timestamp,
            is_peer_read: r.is_peer_read,
            read_count: r.read_count,
            unread_count: r.unread_count,
        }
    }
}

/// One page of a group message's read (or unread) members.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GroupMessageReadMembers {
    /// User ids, sorted.
    pub members: Vec<String>,
    /// Cursor of the next page (0 when finished).
    pub next_cursor: u64,
    /// No more members.
    pub finished: bool,
}

/// How `setGroupMembers` applies the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum GroupMemberOp {
    /// Replace the roster.
    Set,
    /// Add members.
    Add,
    /// Remove members.
    Remove,
}
