//! Identifiers, small enums and setting records shared by every face.

use crate::error::{invalid, Result};
use serde::{Deserialize, Serialize};

/// Longest accepted peer / group / message id, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// The two kinds of conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConvType {
    /// One-to-one chat; the peer is a user id.
    C2c = 1,
    /// Group chat; the peer is a group id.
    Group = 2,
}

impl ConvType {
    /// From Tencent's `TIMConvType` integer (1 = C2C, 2 = group).
    pub fn from_i64(v: i64) -> Result<Self> {
        match v {
            1 => Ok(ConvType::C2c),
            2 => Ok(ConvType::Group),
            other => Err(invalid(format!(
                "conversation type {other} is not 1 (C2C) or 2 (group)"
            ))),
        }
    }
    /// The `TIMConvType` integer.
    pub fn as_i64(self) -> i64 {
        self as i64
    }
}

/// Tencent's group types (`TIMGroupType`). Decides whether a group counts
/// unread and whether it supports read receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupType {
    /// Public (stranger social) group.
    Public = 0,
    /// Work group (formerly Private).
    Work = 1,
    /// Meeting group (formerly ChatRoom).
    Meeting = 2,
    /// BChatRoom (broadcast).
    BChatRoom = 3,
    /// Live broadcast group.
    AvChatRoom = 4,
    /// Community.
    Community = 5,
}

impl GroupType {
    /// From the `TIMGroupType` integer.
    pub fn from_i64(v: i64) -> Result<Self> {
        Ok(match v {
            0 => GroupType::Public,
            1 => GroupType::Work,
            2 => GroupType::Meeting,
            3 => GroupType::BChatRoom,
            4 => GroupType::AvChatRoom,
            5 => GroupType::Community,
            other => return Err(invalid(format!("group type {other} is not in 0..=5"))),
        })
    }
    /// The `TIMGroupType` integer.
    pub fn as_i64(self) -> i64 {
        self as i64
    }
}

/// A conversation's receive option (`TIMReceiveMessageOpt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ReceiveOpt {
    /// Receive and notify (default).
    #[default]
    Receive = 0,
    /// Do not receive.
    NotReceive = 1,
    /// Receive without notifying.
    NotNotify = 2,
    /// Do not notify except for @-mentions.
    NotNotifyExceptAt = 3,
    /// Do not receive except for @-mentions.
    NotReceiveExceptAt = 4,
}

impl ReceiveOpt {
    /// From the `TIMReceiveMessageOpt` integer.
    pub fn from_i64(v: i64) -> Result<Self> {
        Ok(match v {
            0 => ReceiveOpt::Receive,
            1 => ReceiveOpt::NotReceive,
            2 => ReceiveOpt::NotNotify,
            3 => ReceiveOpt::NotNotifyExceptAt,
            4 => ReceiveOpt::NotReceiveExceptAt,
            other => return Err(invalid(format!("receive option {other} is not in 0..=4"))),
        })
    }
    /// The `TIMReceiveMessageOpt` integer.
    pub fn as_i64(self) -> i64 {
        self as i64
    }
    /// Muted conversations are left out of the total unread count: "do not
    /// receive", "receive without notifying" and "no notify except @".
    pub fn is_muted(self) -> bool {
        matches!(
            self,
            ReceiveOpt::NotReceive | ReceiveOpt::NotNotify | ReceiveOpt::NotNotifyExceptAt
        )
    }
}

/// Which of a conversation's counts make its badge and enter the totals
/// (Sendbird's "count preference"); separate from the receive option, which
/// decides whether it is in the total at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum CountPref {
    /// The unread count (default).
    #[default]
    All = 0,
    /// Only the unread mentions (@me / @all): the badge is the mention count
    /// and only mentions enter the totals.
    MentionsOnly = 1,
    /// Nothing: no badge, nothing in the totals (the counts are still kept).
    None = 2,
}

impl CountPref {
    /// From its integer (0 all, 1 mentions only, 2 none).
    pub fn from_i64(v: i64) -> Result<Self> {
        Ok(match v {
            0 => CountPref::All,
            1 => CountPref::MentionsOnly,
            2 => CountPref::None,
            other => {
                return Err(invalid(format!(
                    "count preference {other} is not 0 (all), 1 (mentions only) or 2 (none)"
                )))
            }
        })
    }
    /// The integer.
    pub fn as_i64(self) -> i64 {
        self as i64
    }
}

/// The global receive option (do-not-disturb for every conversation; TIM's
/// `TIMMsgSetAllReceiveMessageOpt`). It shapes the server's offline pushes,
/// not unread counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllReceiveOpt {
    /// The option (`TIMReceiveMessageOpt`: 0 receive, 1 not receive, 2
    /// receive without notifying, 3 not notify except @, 4 not receive except @).
    pub opt: ReceiveOpt,
    /// Start of the daily quiet period: hour (0..24).
    pub start_hour: u32,
    /// Minute (0..60).
    pub start_minute: u32,
    /// Second (0..60).
    pub start_second: u32,
    /// Start as a UTC timestamp (seconds; 0 = daily from the hour above).
    pub start_time_stamp: u64,
    /// Length in seconds (0 = for ever).
    pub duration: u32,
}

/// The app's state, for the push service's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppState {
    /// In the foreground: the server pushes nothing.
    Foreground,
    /// In the background, with the number the push service shows on the
    /// app icon.
    Background {
        /// The badge number.
        unread_count: u32,
    },
}

/// The one internal conversation key: type plus peer (user or group) id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConvKey {
    /// C2C or group.
    pub conv_type: ConvType,
    /// The peer's user id (C2C) or the group id.
    pub peer: String,
}

impl ConvKey {
    /// A validated key.
    pub fn new(conv_type: ConvType, peer: impl Into<String>) -> Result<Self> {
        let peer = peer.into();
        check_id("conversation peer id", &peer)?;
        Ok(ConvKey { conv_type, peer })
    }
    /// A C2C key.
    pub fn c2c(peer: impl Into<String>) -> Result<Self> {
        Self::new(ConvType::C2c, peer)
    }
    /// A group key.
    pub fn group(peer: impl Into<String>) -> Result<Self> {
        Self::new(ConvType::Group, peer)
    }
    /// Parses a Tencent V2 id: `c2c_<userID>` or `group_<groupID>`.
    pub fn parse_v2(id: &str) -> Result<Self> {
        if let Some(p) = id.strip_prefix("c2c_") {
            Self::c2c(p)
        } else if let Some(p) = id.strip_prefix("group_") {
            Self::group(p)
        } else {
            Err(invalid(format!(
                "conversation id {id:?} does not start with \"c2c_\" or \"group_\""
            )))
        }
    }
    /// The Tencent V2 id: `c2c_<userID>` / `group_<groupID>`.
    pub fn v2_id(&self) -> String {
        match self.conv_type {
            ConvType::C2c => format!("c2c_{}", self.peer),
            ConvType::Group => format!("group_{}", self.peer),
        }
    }
}

impl std::fmt::Display for ConvKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.v2_id())
    }
}

/// Checks an opaque id: non-empty, at most [`MAX_ID_LEN`] bytes, no NUL.
pub fn check_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(invalid(format!("{what} is empty")));
    }
    if id.len() > MAX_ID_LEN {
        return Err(invalid(format!(
            "{what} is {} bytes long; at most {MAX_ID_LEN} are allowed",
            id.len()
        )));
    }
    if id.contains('\0') {
        return Err(invalid(format!("{what} contains a NUL character")));
    }
    Ok(())
}

/// Conversation marks (`TIMConversationMarkType` bit flags).
pub mod marks {
    /// Starred.
    pub const STAR: u64 = 0x1;
    /// Marked unread: shows a dot, never changes a count.
    pub const UNREAD: u64 = 0x2;
    /// Folded.
    pub const FOLD: u64 = 0x4;
    /// Hidden.
    pub const HIDE: u64 = 0x8;
    /// The bits a caller may set: the four above and app marks 1<<32..1<<63.
    pub const ALLOWED: u64 = STAR | UNREAD | FOLD | HIDE | 0xFFFF_FFFF_0000_0000;
}
