//! Records and enums of the uniffi API, and their conversions from and to
//! the core types. Conversation ids are Tencent V2 ids: `c2c_<userID>` and
//! `group_<groupID>` (see [`super::ids`] for NIM ids).

mod conversation;
mod lifecycle;
mod message;
mod transport;
mod unread_extras;

pub use conversation::*;
pub use lifecycle::*;
pub use message::*;
pub use transport::*;
pub use unread_extras::*;
