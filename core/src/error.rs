//! The one error type of the core: every failure names what went wrong.

/// What went wrong. Every variant carries a message that names the offending
/// value or key, so that the faces (C ABI, bindings) can pass it on verbatim.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An argument is malformed, empty, too long or out of range.
    #[error("invalid parameter: {0}")]
    InvalidParam(String),
    /// The conversation is not known (or was deleted).
    #[error("conversation not found: {0}")]
    ConversationNotFound(String),
    /// The message is not known.
    #[error("message not found: {0}")]
    MessageNotFound(String),
    /// The conversation group is not known.
    #[error("conversation group not found: {0}")]
    GroupNotFound(String),
    /// A conversation group with that name exists already.
    #[error("conversation group already exists: {0}")]
    GroupExists(String),
    /// A configured limit (pins, groups, sizes, batch length) would be exceeded.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// The operation is not supported for this conversation or group type.
    #[error("not supported: {0}")]
    NotSupported(String),
    /// The database file is not an imcore store, is corrupt, or belongs to another user.
    #[error("store unusable: {0}")]
    StoreUnusable(String),
    /// The disk is full or a file size limit was hit; nothing was changed.
    #[error("disk full: {0}")]
    DiskFull(String),
    /// The store cannot be written (read-only file or directory).
    #[error("store is read-only: {0}")]
    ReadOnly(String),
    /// Any other SQLite failure; the transaction was rolled back.
    #[error("storage error: {0}")]
    Storage(String),
}

/// The engine's error codes, one per [`Error`] variant ([`Error::code`]);
/// the faces take them from here (docs/ERRORS.md lists them).
pub mod code {
    /// Invalid parameter (TIM 6017).
    pub const INVALID_PARAM: i32 = 6017;
    /// Unknown conversation (TIM 6004).
    pub const CONVERSATION_NOT_FOUND: i32 = 6004;
    /// Unknown message (TIM 6010).
    pub const MESSAGE_NOT_FOUND: i32 = 6010;
    /// Unknown conversation group (TIM 10010).
    pub const GROUP_NOT_FOUND: i32 = 10010;
    /// Conversation group exists (TIM 10021).
    pub const GROUP_EXISTS: i32 = 10021;
    /// A limit would be exceeded.
    pub const LIMIT_EXCEEDED: i32 = 7016;
    /// Not supported for this type.
    pub const NOT_SUPPORTED: i32 = 7013;
    /// The store file cannot be used.
    pub const STORE_UNUSABLE: i32 = 7011;
    /// The disk is full.
    pub const DISK_FULL: i32 = 7017;
    /// The store cannot be written.
    pub const READ_ONLY: i32 = 7018;
    /// Any other storage failure.
    pub const STORAGE: i32 = 7012;
}

impl Error {
    /// A stable numeric code for the faces. Values follow Tencent IM's
    /// `TIMErrCode` where one exists (6017 invalid parameters, 6004 invalid
    /// conversation, …) and use imcore's own 7xxx range otherwise.
    pub fn code(&self) -> i32 {
        match self {
            Error::InvalidParam(_) => code::INVALID_PARAM,
            Error::ConversationNotFound(_) => code::CONVERSATION_NOT_FOUND,
            Error::MessageNotFound(_) => code::MESSAGE_NOT_FOUND,
            Error::GroupNotFound(_) => code::GROUP_NOT_FOUND,
            Error::GroupExists(_) => code::GROUP_EXISTS,
            Error::LimitExceeded(_) => code::LIMIT_EXCEEDED,
            Error::NotSupported(_) => code::NOT_SUPPORTED,
            Error::StoreUnusable(_) => code::STORE_UNUSABLE,
            Error::DiskFull(_) => code::DISK_FULL,
            Error::ReadOnly(_) => code::READ_ONLY,
            Error::Storage(_) => code::STORAGE,
        }
    }
}

impl Error {
    /// The same error with `what` (e.g. `[3] message "m1"`) before its
    /// message, so that a batch's error names the item.
    pub fn context(self, what: &str) -> Error {
        let at = |m: String| format!("{what}: {m}");
        match self {
            Error::InvalidParam(m) => Error::InvalidParam(at(m)),
            Error::ConversationNotFound(m) => Error::ConversationNotFound(at(m)),
            Error::MessageNotFound(m) => Error::MessageNotFound(at(m)),
            Error::GroupNotFound(m) => Error::GroupNotFound(at(m)),
            Error::GroupExists(m) => Error::GroupExists(at(m)),
            Error::LimitExceeded(m) => Error::LimitExceeded(at(m)),
            Error::NotSupported(m) => Error::NotSupported(at(m)),
            Error::StoreUnusable(m) => Error::StoreUnusable(at(m)),
            Error::DiskFull(m) => Error::DiskFull(at(m)),
            Error::ReadOnly(m) => Error::ReadOnly(at(m)),
            Error::Storage(m) => Error::Storage(at(m)),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DiskFull) | Some(C::TooBig) => Error::DiskFull(e.to_string()),
            Some(C::ReadOnly) | Some(C::CannotOpen) | Some(C::PermissionDenied) => {
                Error::ReadOnly(e.to_string())
            }
            Some(C::NotADatabase) | Some(C::DatabaseCorrupt) => Error::StoreUnusable(e.to_string()),
            // SQLITE_IOERR_WRITE / _FSYNC under RLIMIT_FSIZE or a full disk.
            Some(C::SystemIoFailure) => Error::DiskFull(e.to_string()),
            _ => Error::Storage(e.to_string()),
        }
    }
}

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand for an [`Error::InvalidParam`].
pub(crate) fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidParam(msg.into())
}
