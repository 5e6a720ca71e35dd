//! The one error type of the uniffi API.

/// What went wrong. Each variant mirrors a variant of `imcore::Error` (plus
/// [`ImError::NotLoggedIn`]) and carries a message naming the offending
/// value. Kotlin: `ImException.ConversationNotFound` etc. (`e.message`);
/// Swift: `ImError.ConversationNotFound(message:)`; Python:
/// `ImError.ConversationNotFound` (`str(e)`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ImError {
    /// An argument is malformed, empty, too long or out of range (a
    /// conversation id without `c2c_` / `group_`, a 300-byte id, …).
    #[error("{0}")]
    InvalidParam(String),
    /// The conversation is not known (or was deleted).
    #[error("{0}")]
    ConversationNotFound(String),
    /// The message is not known.
    #[error("{0}")]
    MessageNotFound(String),
    /// The conversation group is not known.
    #[error("{0}")]
    GroupNotFound(String),
    /// A conversation group with that name exists already.
    #[error("{0}")]
    GroupExists(String),
    /// A limit (pins, groups, sizes, batch length) would be exceeded.
    #[error("{0}")]
    LimitExceeded(String),
    /// Not supported for this conversation or group type.
    #[error("{0}")]
    NotSupported(String),
    /// No user is logged in (or the client was closed).
    #[error("{0}")]
    NotLoggedIn(String),
    /// The database file is corrupt, foreign, or belongs to another user.
    #[error("{0}")]
    StoreUnusable(String),
    /// The disk is full; nothing was changed.
    #[error("{0}")]
    DiskFull(String),
    /// The store cannot be written.
    #[error("{0}")]
    ReadOnly(String),
    /// Any other storage failure; the operation was rolled back.
    #[error("{0}")]
    Storage(String),
}

use imcore::error::code;

impl ImError {
    /// The numeric code of `imcore::Error::code` (TIM codes where TIM has
    /// one); `NotLoggedIn` is TIM's 6014.
    pub fn code(&self) -> i32 {
        match self {
            ImError::InvalidParam(_) => code::INVALID_PARAM,
            ImError::ConversationNotFound(_) => code::CONVERSATION_NOT_FOUND,
            ImError::MessageNotFound(_) => code::MESSAGE_NOT_FOUND,
            ImError::GroupNotFound(_) => code::GROUP_NOT_FOUND,
            ImError::GroupExists(_) => code::GROUP_EXISTS,
            ImError::LimitExceeded(_) => code::LIMIT_EXCEEDED,
            ImError::NotSupported(_) => code::NOT_SUPPORTED,
            ImError::NotLoggedIn(_) => crate::codes::NOT_LOGGED_IN,
            ImError::StoreUnusable(_) => code::STORE_UNUSABLE,
            ImError::DiskFull(_) => code::DISK_FULL,
            ImError::ReadOnly(_) => code::READ_ONLY,
            ImError::Storage(_) => code::STORAGE,
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        let msg = msg.into();
        crate::logging::refused(code::INVALID_PARAM, &msg);
        ImError::InvalidParam(msg)
    }

    /// `NotLoggedIn`, logged as a refusal.
    pub(crate) fn not_logged_in(msg: &str) -> Self {
        crate::logging::refused(crate::codes::NOT_LOGGED_IN, &msg);
        ImError::NotLoggedIn(msg.to_owned())
    }
}

impl From<imcore::Error> for ImError {
    fn from(e: imcore::Error) -> Self {
        use imcore::Error as E;
        let msg = e.to_string();
        crate::logging::refused(e.code(), &msg);
        match e {
            E::InvalidParam(_) => ImError::InvalidParam(msg),
            E::ConversationNotFound(_) => ImError::ConversationNotFound(msg),
            E::MessageNotFound(_) => ImError::MessageNotFound(msg),
            E::GroupNotFound(_) => ImError::GroupNotFound(msg),
            E::GroupExists(_) => ImError::GroupExists(msg),
            E::LimitExceeded(_) => ImError::LimitExceeded(msg),
            E::NotSupported(_) => ImError::NotSupported(msg),
            E::StoreUnusable(_) => ImError::StoreUnusable(msg),
            E::DiskFull(_) => ImError::DiskFull(msg),
            E::ReadOnly(_) => ImError::ReadOnly(msg),
            E::Storage(_) => ImError::Storage(msg),
        }
    }
}

/// Result alias of the uniffi API.
pub type ApiResult<T> = Result<T, ImError>;
