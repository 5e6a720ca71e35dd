//! Logs on the typed face: a process-wide [`LogListener`] and log file.
//!
//! imcore logs every refused call with its reason, every read-position move
//! with its source (local, other device, sync), every envelope ack and
//! refusal, and sync phases; at `Debug` every received message's counting
//! decision ("why is this badge N"). Never a message body or a user sig.
//! The listener is called on a thread of its own (`imcore-log`), one line
//! at a time, never while imcore holds a lock. See `ffi/src/logging.rs`.

use std::sync::Arc;

/// The level of a log line (and the least severe level a sink wants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum LogLevel {
    /// An internal error or a failed store.
    Error,
    /// A refused call (with its reason) or a refused envelope.
    Warn,
    /// Read-position moves, acks, sync phases.
    Info,
    /// Every received message's counting decision.
    Debug,
    /// Everything.
    Trace,
}

impl From<log::Level> for LogLevel {
    fn from(l: log::Level) -> Self {
        match l {
            log::Level::Error => LogLevel::Error,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Info => LogLevel::Info,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Trace => LogLevel::Trace,
        }
    }
}

impl From<LogLevel> for log::LevelFilter {
    fn from(l: LogLevel) -> Self {
        match l {
            LogLevel::Error => log::LevelFilter::Error,
            LogLevel::Warn => log::LevelFilter::Warn,
            LogLevel::Info => log::LevelFilter::Info,
            LogLevel::Debug => log::LevelFilter::Debug,
            LogLevel::Trace => log::LevelFilter::Trace,
        }
    }
}

/// Receives imcore's log lines (`2026-12-07T02:40:00.123Z W module: text`).
#[uniffi::export(callback_interface)]
pub trait LogListener: Send + Sync {
    /// One line at `level` or more severe than the level it was set with.
    fn on_log(&self, level: LogLevel, line: String);
}

/// Sets the process-wide log listener: every line at `level` or more severe
/// is delivered to it from then on. Replaces an earlier listener.
#[uniffi::export]
pub fn set_log_listener(listener: Box<dyn LogListener>, level: LogLevel) {
    let listener: Arc<dyn LogListener> = Arc::from(listener);
    crate::logging::set_typed(
        Some(Arc::new(move |l: log::Level, line| {
            listener.on_log(l.into(), line)
        })),
        level.into(),
    );
}

/// Removes the log listener; it is not called again once this returns
/// (except for a line being delivered at that very moment).
#[uniffi::export]
pub fn clear_log_listener() {
    crate::logging::set_typed(None, log::LevelFilter::Off);
}

/// Writes lines at `level` or more severe to `imcore.log` in `directory`
/// (created if missing; rotated at 4 MiB, three older files kept), or with
/// `None` stops writing a file.
#[uniffi::export]
pub fn set_log_file(directory: Option<String>, level: LogLevel) -> Result<(), super::ImError> {
    crate::logging::set_file_level(level.into());
    crate::logging::set_file(directory.as_deref().map(std::path::Path::new)).map_err(|e| {
        super::ImError::invalid(format!(
            "log directory {}: cannot write a log file there: {e}",
            directory.unwrap_or_default()
        ))
    })
}

/// Waits (at most 5 s) until every line logged before this call has been
/// delivered to the log listener.
#[uniffi::export]
pub fn flush_log() {
    crate::logging::flush_typed(std::time::Duration::from_secs(5));
}
