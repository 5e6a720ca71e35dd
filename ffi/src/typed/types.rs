//! Records and enums of the uniffi API, and their conversions from and to
//! the core types. Conversation ids are Tencent V2 ids: `c2c_<userID>` and
//! `group_<groupID>` (see [`super::ids`] for NIM ids).

use super::error::ApiResult;
use imcore::engine::{GroupChange, Outbound, ReadPosition as CoreReadPosition};
use imcore::{ConvKey, ConvType, GroupType as CoreGroupType, ReceiveOpt};

/// Settings of an [`super::ImClient`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ClientConfig {
    /// Folder of the per-user SQLite stores (created when missing).
    pub data_dir: String,
    /// The application id; one store per (app id, user id).
    #[uniffi(default = 0)]
    pub app_id: u64,
}

/// Conversation type. Tencent: 1 = C2C, 2 = group; NIM's P2P maps to
/// `C2c`, TEAM and SUPER_TEAM to `Group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ConversationType {
    /// One-to-one chat (`c2c_<userID>`).
    C2c,
    /// Group chat (`group_<groupID>`).
    Group,
}

impl From<ConvType> for ConversationType {
    fn from(t: ConvType) -> Self {
        match t {
            ConvType::C2c => ConversationType::C2c,
            ConvType::Group => ConversationType::Group,
        }
    }
}

impl From<ConversationType> for ConvType {
    fn from(t: ConversationType) -> Self {
        match t {
            ConversationType::C2c => ConvType::C2c,
            ConversationType::Group => ConvType::Group,
        }
    }
}

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

/// A conversation's receive option (Tencent `V2TIMReceiveMessageOpt`).
/// `NotReceive`, `NotNotify` and `NotNotifyExceptAt` mute the conversation:
/// its unread stays on the conversation but leaves the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ReceiveOption {
    /// Receive and notify (default).
    Receive,
    /// Do not receive (muted).
    NotReceive,
    /// Receive without notifying (muted).
    NotNotify,
    /// Notify only for @-mentions (muted).
    NotNotifyExceptAt,
    /// Do not receive except @-mentions.
    NotReceiveExceptAt,
}

impl From<ReceiveOpt> for ReceiveOption {
    fn from(o: ReceiveOpt) -> Self {
        match o {
            ReceiveOpt::Receive => ReceiveOption::Receive,
            ReceiveOpt::NotReceive => ReceiveOption::NotReceive,
            ReceiveOpt::NotNotify => ReceiveOption::NotNotify,
            ReceiveOpt::NotNotifyExceptAt => ReceiveOption::NotNotifyExceptAt,
            ReceiveOpt::NotReceiveExceptAt => ReceiveOption::NotReceiveExceptAt,
        }
    }
}

impl From<ReceiveOption> for ReceiveOpt {
    fn from(o: ReceiveOption) -> Self {
        match o {
            ReceiveOption::Receive => ReceiveOpt::Receive,
            ReceiveOption::NotReceive => ReceiveOpt::NotReceive,
            ReceiveOption::NotNotify => ReceiveOpt::NotNotify,
            ReceiveOption::NotNotifyExceptAt => ReceiveOpt::NotNotifyExceptAt,
            ReceiveOption::NotReceiveExceptAt => ReceiveOpt::NotReceiveExceptAt,
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
    /// Revoked (who and why: `getRevocation`).
    pub is_revoked: bool,
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
            is_revoked: m.is_revoked(),
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

/// A conversation as the API shows it (NIM `V2NIMConversation` fields plus
/// Tencent's read positions, marks and custom data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Conversation {
    /// `c2c_<userID>` or `group_<groupID>`.
    pub conversation_id: String,
    /// C2C or group.
    pub conversation_type: ConversationType,
    /// The peer's user id or the group id.
    pub target_id: String,
    /// Group type (groups whose type is known).
    pub group_type: Option<GroupType>,
    /// Unread count (derived from the messages after the read position).
    pub unread_count: u64,
    /// Receive option.
    pub receive_option: ReceiveOption,
    /// Muted: the receive option leaves it out of the total unread count.
    pub mute: bool,
    /// Pinned.
    pub stick_top: bool,
    /// Mark bits: 0x1 star, 0x2 unread (a dot, never a count), 0x4 fold,
    /// 0x8 hide, app bits `1 << 32` … `1 << 63`.
    pub mark_types: u64,
    /// Names of the conversation groups it belongs to.
    pub group_ids: Vec<String>,
    /// Unread @-mentions of me (groups).
    pub at_infos: Vec<AtInfo>,
    /// The last message, if any.
    pub last_message: Option<MessageInfo>,
    /// Draft text (JSON or text as set), if any.
    pub draft_text: Option<String>,
    /// Draft edit time (seconds, 0 without a draft).
    pub draft_time: u64,
    /// Tencent custom data.
    pub custom_data: String,
    /// Server extension (synced, ≤ 1024 bytes).
    pub server_extension: String,
    /// Local extension (never synced).
    pub local_extension: String,
    /// C2C: read up to this time (seconds).
    pub read_time: u64,
    /// Group: read up to this sequence.
    pub read_sequence: u64,
    /// C2C: the peer read my messages up to this time (seconds).
    pub peer_read_time: u64,
    /// List order key: pinned first, then newest activity (descending).
    pub sort_order: u64,
    /// Last activity (seconds).
    pub active_time: u64,
    /// Creation time (seconds).
    pub create_time: u64,
    /// Last update time (seconds).
    pub update_time: u64,
}

impl From<imcore::Conversation> for Conversation {
    fn from(c: imcore::Conversation) -> Self {
        Conversation {
            conversation_id: c.key.v2_id(),
            conversation_type: c.key.conv_type.into(),
            target_id: c.key.peer,
            group_type: c.group_type.map(Into::into),
            unread_count: c.unread,
            receive_option: c.recv_opt.into(),
            mute: c.recv_opt.is_muted(),
            stick_top: c.pinned,
            mark_types: c.marks,
            group_ids: c.groups,
            at_infos: c
                .at_infos
                .into_iter()
                .map(|a| AtInfo {
                    seq: a.seq,
                    at_type: a.at_type,
                })
                .collect(),
            last_message: c.last_message.map(Into::into),
            draft_time: c.draft.as_ref().map_or(0, |d| d.edit_time),
            draft_text: c.draft.map(|d| d.content),
            custom_data: c.custom_data,
            server_extension: c.server_ext,
            local_extension: c.local_ext,
            read_time: c.read_time,
            read_sequence: c.read_seq,
            peer_read_time: c.peer_read_time,
            sort_order: c.order_key,
            active_time: c.active_time,
            create_time: c.create_time,
            update_time: c.update_time,
        }
    }
}

/// One page of a conversation list (NIM `V2NIMConversationResult`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConversationResult {
    /// Pass back as `offset` for the next page (0 when finished).
    pub offset: u64,
    /// No more conversations.
    pub finished: bool,
    /// The conversations, pinned first, then by last activity.
    pub conversation_list: Vec<Conversation>,
}

impl From<imcore::ConversationPage> for ConversationResult {
    fn from(p: imcore::ConversationPage) -> Self {
        ConversationResult {
            offset: p.next_cursor,
            finished: p.finished,
            conversation_list: p.conversations.into_iter().map(Into::into).collect(),
        }
    }
}

/// The failure of one id in a batch call (NIM
/// `V2NIMConversationOperationResult`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OperationFailure {
    /// The conversation id as given.
    pub conversation_id: String,
    /// The error code (`ImError::code` values).
    pub code: i32,
    /// What went wrong.
    pub message: String,
}

impl From<imcore::OperationFailure> for OperationFailure {
    fn from(f: imcore::OperationFailure) -> Self {
        OperationFailure {
            conversation_id: f.id,
            code: f.code,
            message: f.message,
        }
    }
}

pub(crate) fn failures(v: Vec<imcore::OperationFailure>) -> Vec<OperationFailure> {
    v.into_iter().map(Into::into).collect()
}

/// Which conversations an unread total (or a subscription) covers. Absent
/// fields do not filter. Subscriptions are told apart by all fields, and
/// `onUnreadCountChangedByFilter` hands back the filter as subscribed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, uniffi::Record)]
pub struct ConversationFilter {
    /// Types to include; empty = every type.
    #[uniffi(default)]
    pub conversation_types: Vec<ConversationType>,
    /// Conversation groups by name: `null` = no group filter, `[]` = only
    /// conversations in no group, else in any of these.
    #[uniffi(default = None)]
    pub conversation_group_ids: Option<Vec<String>>,
    /// Marks: `null` = no filter, 0 = unmarked only, else all these bits.
    #[uniffi(default = None)]
    pub mark_types: Option<u64>,
    /// Only conversations with (`true`) / without (`false`) unread.
    #[uniffi(default = None)]
    pub has_unread: Option<bool>,
    /// Only conversations with / without unread @-mentions.
    #[uniffi(default = None)]
    pub has_at_info: Option<bool>,
    /// Leave muted conversations out (as the total does).
    #[uniffi(default = false)]
    pub ignore_muted: bool,
}

impl From<&ConversationFilter> for imcore::ConversationFilter {
    fn from(f: &ConversationFilter) -> Self {
        imcore::ConversationFilter {
            conv_types: f.conversation_types.iter().map(|&t| t.into()).collect(),
            groups: f.conversation_group_ids.clone(),
            mark: f.mark_types,
            has_unread: f.has_unread,
            has_at_info: f.has_at_info,
            ignore_muted: f.ignore_muted,
        }
    }
}

impl From<imcore::ConversationFilter> for ConversationFilter {
    fn from(f: imcore::ConversationFilter) -> Self {
        ConversationFilter {
            conversation_types: f.conv_types.into_iter().map(Into::into).collect(),
            conversation_group_ids: f.groups,
            mark_types: f.mark,
            has_unread: f.has_unread,
            has_at_info: f.has_at_info,
            ignore_muted: f.ignore_muted,
        }
    }
}

/// List options (NIM `V2NIMConversationOption`).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ConversationOption {
    /// Types to include; empty = every type.
    #[uniffi(default)]
    pub conversation_types: Vec<ConversationType>,
    /// Only conversations with unread messages.
    #[uniffi(default = false)]
    pub only_unread: bool,
    /// `null` = any, `[]` = only ungrouped conversations, else in any of these.
    #[uniffi(default = None)]
    pub conversation_group_ids: Option<Vec<String>>,
}

impl From<&ConversationOption> for imcore::ConversationFilter {
    fn from(o: &ConversationOption) -> Self {
        imcore::ConversationFilter {
            conv_types: o.conversation_types.iter().map(|&t| t.into()).collect(),
            groups: o.conversation_group_ids.clone(),
            has_unread: o.only_unread.then_some(true),
            ..Default::default()
        }
    }
}

/// NIM `V2NIMConversationUpdate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ConversationUpdate {
    /// New server extension (≤ 1024 bytes); `null` leaves it.
    #[uniffi(default = None)]
    pub server_extension: Option<String>,
}

/// A conversation group (Tencent: keyed by name; the name is also the
/// `groupId` of the NIM-style calls).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConversationGroup {
    /// Unique name (used as the group id by every call).
    pub name: String,
    /// Stable numeric id.
    pub numeric_id: u64,
    /// Server extension.
    pub server_extension: String,
    /// Creation time (seconds).
    pub create_time: u64,
    /// Update time (seconds).
    pub update_time: u64,
}

impl From<imcore::ConversationGroup> for ConversationGroup {
    fn from(g: imcore::ConversationGroup) -> Self {
        ConversationGroup {
            name: g.name,
            numeric_id: g.id,
            server_extension: g.server_ext,
            create_time: g.create_time,
            update_time: g.update_time,
        }
    }
}

/// Result of `createConversationGroup`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConversationGroupResult {
    /// The new group.
    pub group: ConversationGroup,
    /// Conversations that could not be added.
    pub failed_list: Vec<OperationFailure>,
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
}

impl From<CoreReadPosition> for ReadPosition {
    fn from(p: CoreReadPosition) -> Self {
        ReadPosition {
            conversation_id: p.conv.v2_id(),
            timestamp: p.timestamp,
            sequence: p.sequence,
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
        option: crate::typed::lifecycle::AllReceiveOption,
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
            other => crate::typed::lifecycle::payload(other),
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

/// Parses a Tencent V2 conversation id (`c2c_<userID>` / `group_<groupID>`).
pub(crate) fn conv_key(id: &str) -> ApiResult<ConvKey> {
    Ok(ConvKey::parse_v2(id)?)
}

/// Parses a list of V2 ids; the first bad one fails the call.
pub(crate) fn conv_keys(ids: &[String]) -> ApiResult<Vec<ConvKey>> {
    ids.iter().map(|i| conv_key(i)).collect()
}

/// A conversation's state as the server keeps it (server sync), merged so
/// that devices converge whatever order states arrive in: read positions by
/// maximum, every other field as one snapshot chosen by `updateTime`.
/// Absent fields mean the defaults: a state is a snapshot, not a patch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConversationSyncState {
    /// `c2c_<userID>` / `group_<groupID>`.
    pub conversation_id: String,
    /// The server's update time of this state (any monotonic unit).
    pub update_time: u64,
    /// Group type (groups).
    #[uniffi(default = None)]
    pub group_type: Option<GroupType>,
    /// C2C: read up to this time (seconds).
    #[uniffi(default = 0)]
    pub read_timestamp: u64,
    /// Group: read up to this sequence.
    #[uniffi(default = 0)]
    pub read_sequence: u64,
    /// Pinned.
    #[uniffi(default = false)]
    pub stick_top: bool,
    /// Mark bits.
    #[uniffi(default = 0)]
    pub mark_types: u64,
    /// Receive option.
    #[uniffi(default = None)]
    pub receive_option: Option<ReceiveOption>,
    /// Conversation-group names (missing groups are created).
    #[uniffi(default)]
    pub group_ids: Vec<String>,
    /// Tencent custom data.
    #[uniffi(default = "")]
    pub custom_data: String,
    /// Server extension.
    #[uniffi(default = "")]
    pub server_extension: String,
    /// Deleted on the server.
    #[uniffi(default = false)]
    pub deleted: bool,
}

impl ConversationSyncState {
    pub(crate) fn to_core(&self) -> ApiResult<imcore::engine::ConversationSync> {
        Ok(imcore::engine::ConversationSync {
            key: Some(conv_key(&self.conversation_id)?),
            update_time: self.update_time,
            group_type: self.group_type.map(Into::into),
            read_timestamp: self.read_timestamp,
            read_sequence: self.read_sequence,
            pinned: self.stick_top,
            marks: self.mark_types,
            recv_opt: self.receive_option.map(Into::into).unwrap_or_default(),
            groups: self.group_ids.clone(),
            custom_data: self.custom_data.clone(),
            server_ext: self.server_extension.clone(),
            deleted: self.deleted,
        })
    }
}
