//! Conversation records: the client's config, conversations, lists,
//! filters and options, updates, conversation groups, synced states.

use super::super::error::ApiResult;
use super::*;
use imcore::{ConvKey, ConvType, ReceiveOpt};

/// Settings of an [`super::ImClient`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ClientConfig {
    /// Folder of the per-user SQLite stores (created when missing).
    pub data_dir: String,
    /// The application id; one store per (app id, user id).
    #[uniffi(default = 0)]
    pub app_id: u64,
    /// A revoked message that was unread still counts (default false:
    /// revoking it lowers the count, as Matrix does for redactions;
    /// NetEase's `shouldConsiderRevokedMessageUnreadCount`).
    #[uniffi(default = false)]
    pub revoked_messages_count: bool,
    /// A conversation marked unread (`marks::UNREAD`, Tencent's dot without
    /// a count) whose count is 0 counts as 1 in the totals and its badge
    /// (default false), as Telegram counts a chat marked unread.
    #[uniffi(default = false)]
    pub count_marked_unread_as_one: bool,
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

/// Which count makes a conversation's badge and enters the totals
/// (Sendbird's count preference), apart from the receive option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CountPreference {
    /// The unread count (default).
    All,
    /// Only unread @-mentions: the badge is the mention count.
    MentionsOnly,
    /// Nothing: no badge, nothing in the totals.
    Off,
}

impl From<imcore::CountPref> for CountPreference {
    fn from(p: imcore::CountPref) -> Self {
        match p {
            imcore::CountPref::All => CountPreference::All,
            imcore::CountPref::MentionsOnly => CountPreference::MentionsOnly,
            imcore::CountPref::None => CountPreference::Off,
        }
    }
}

impl From<CountPreference> for imcore::CountPref {
    fn from(p: CountPreference) -> Self {
        match p {
            CountPreference::All => imcore::CountPref::All,
            CountPreference::MentionsOnly => imcore::CountPref::MentionsOnly,
            CountPreference::Off => imcore::CountPref::None,
        }
    }
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
    /// Unread @-mentions (me or all) among the counted messages.
    pub unread_mention_count: u64,
    /// The badge: the count the count preference shows.
    pub badge: u64,
    /// Count preference.
    pub count_preference: CountPreference,
    /// The read position's version (raised by every mark-unread).
    pub read_version: u64,
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
            unread_mention_count: c.mentions,
            badge: c.badge,
            count_preference: c.count_pref.into(),
            read_version: c.read_version,
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
    /// Only conversations with / without unread mentions (counted).
    #[uniffi(default = None)]
    pub has_unread_mention: Option<bool>,
    /// Only conversations with this count preference.
    #[uniffi(default = None)]
    pub count_preference: Option<CountPreference>,
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
            has_unread_mention: f.has_unread_mention,
            count_pref: f.count_preference.map(Into::into),
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
            has_unread_mention: f.has_unread_mention,
            count_preference: f.count_pref.map(Into::into),
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
    /// The read position's version (`None`: not given; forward only).
    #[uniffi(default = None)]
    pub read_version: Option<u64>,
    /// Count preference (`None`: all).
    #[uniffi(default = None)]
    pub count_preference: Option<CountPreference>,
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
            read_version: self.read_version,
            pinned: self.stick_top,
            marks: self.mark_types,
            recv_opt: self.receive_option.map(Into::into).unwrap_or_default(),
            count_pref: self.count_preference.map(Into::into).unwrap_or_default(),
            groups: self.group_ids.clone(),
            custom_data: self.custom_data.clone(),
            server_ext: self.server_extension.clone(),
            deleted: self.deleted,
        })
    }
}
