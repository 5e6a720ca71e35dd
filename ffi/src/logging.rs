//! Logs: the library's logger for the `log` facade, and its three sinks.
//!
//! The core and this crate log through `log` macros (`log::warn!`, …): every
//! refused input with its reason, every read-position move with its source
//! (local, other device, sync), every envelope ack and refusal, sync phases,
//! and at debug level every received message's counting decision. Lines
//! never contain a message body or the user sig.
//!
//! The sinks, each with its own level:
//! - the C log callback (`TIMSetLogCallback`), level `set_config_callback_log_level`
//!   (or `set_config_log_level`) of `TIMSetConfig`, default info; a line is
//!   queued on the callback channel like every other callback, so it is
//!   delivered by the dispatcher thread (or `IMCorePollCallbacks`), never
//!   while imcore holds a lock;
//! - a rotating file `imcore.log` in `sdk_config_log_file_path` (`TIMInit`)
//!   or the directory given to `setLogFile` on the typed face, level
//!   `set_config_log_level` (default info): rotated at [`ROTATE_BYTES`], the
//!   [`KEEP_FILES`] newest older files kept as `imcore.log.1` (newest) …;
//! - the typed face's [`crate::typed::LogListener`] (`setLogListener`), called
//!   on a thread of its own (`imcore-log`), never while a lock is held.
//!
//! The logger is installed with `log::set_logger` the first time a sink is
//! configured. A Rust host that installed its own logger first keeps it and
//! receives imcore's lines there (targets `imcore::…`) instead.

use crate::lock;
use crossbeam_channel::{unbounded, Receiver, Sender};
use log::{Level, LevelFilter, Log, Metadata, Record};
use once_cell::sync::Lazy;
use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A log file is rotated when it reaches this size.
pub(crate) const ROTATE_BYTES: u64 = 4 * 1024 * 1024;
/// How many rotated files are kept besides the current one.
pub(crate) const KEEP_FILES: u32 = 3;
/// The name of the current log file in the log directory.
pub(crate) const FILE_NAME: &str = "imcore.log";

/// TIM's `TIMLogLevel` numbers: 0 off, 1 test, 2 verbose, 3 debug, 4 info,
/// 5 warn, 6 error, 7 assert. Out of range is `None`.
pub fn filter_of_tim(level: i64) -> Option<LevelFilter> {
    Some(match level {
        0 => LevelFilter::Off,
        1 | 2 => LevelFilter::Trace,
        3 => LevelFilter::Debug,
        4 => LevelFilter::Info,
        5 => LevelFilter::Warn,
        6 | 7 => LevelFilter::Error,
        _ => return None,
    })
}

/// The `TIMLogLevel` number a line of `level` is delivered with.
pub fn tim_of_level(level: Level) -> i32 {
    match level {
        Level::Error => 6,
        Level::Warn => 5,
        Level::Info => 4,
        Level::Debug => 3,
        Level::Trace => 2,
    }
}

/// A line for the typed listener's thread, or a barrier it answers.
enum TypedJob {
    Line(Level, String),
    Barrier(Sender<()>),
}

/// The typed listener and the channel of its thread.
pub type TypedListener = Arc<dyn Fn(Level, String) + Send + Sync>;

struct Sinks {
    /// Where lines for the C log callback go (its queue), when one is
    /// registered, and its level.
    callback: Option<fn(i32, &str)>,
    callback_level: LevelFilter,
    /// The open log file, its directory, its size so far, and its level.
    file: Option<RotatingFile>,
    file_level: LevelFilter,
    /// The typed listener's level (Off without one).
    typed_level: LevelFilter,
    /// The channel of the typed listener's thread (started on first use).
    typed_tx: Option<Sender<TypedJob>>,
}

static SINKS: Lazy<Mutex<Sinks>> = Lazy::new(|| {
    Mutex::new(Sinks {
        callback: None,
        callback_level: LevelFilter::Info,
        file: None,
        file_level: LevelFilter::Info,
        typed_level: LevelFilter::Off,
        typed_tx: None,
    })
});

/// The typed listener, read when a line is delivered (not when it is
/// queued), so clearing it stops delivery at once.
static TYPED: Lazy<Mutex<Option<TypedListener>>> = Lazy::new(|| Mutex::new(None));

thread_local! {
    /// The C export running on this thread, named in its log lines.
    static CALL: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Names the C export running on this thread until the returned guard is
/// dropped (set by the boundary around every export).
pub fn enter(name: &'static str) -> CallGuard {
    CallGuard(CALL.with(|c| c.replace(Some(name))))
}

/// Restores the previous call name when dropped.
pub struct CallGuard(Option<&'static str>);

impl Drop for CallGuard {
    fn drop(&mut self) {
        CALL.with(|c| c.set(self.0));
    }
}

/// Logs a refused or failed call: storage failures (7011 unusable store,
/// 7012 storage error, 7017 disk full, 7018 read-only) at error level, every
/// other refusal (bad input, unknown id, not logged in, …) at warn level.
pub fn refused(code: i32, reason: &dyn std::fmt::Display) {
    if matches!(code, 7011 | 7012 | 7017 | 7018) {
        log::error!(target: "imcore::call", "failed with code {code}: {reason}");
    } else {
        log::warn!(target: "imcore::call", "refused with code {code}: {reason}");
    }
}

struct Logger;
static LOGGER: Logger = Logger;

/// Installs the logger (once) and sets the facade's level to the most
/// verbose level any sink wants.
fn refresh(s: &Sinks) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = log::set_logger(&LOGGER);
    });
    let mut max = LevelFilter::Off;
    if s.callback.is_some() {
        max = max.max(s.callback_level);
    }
    if s.file.is_some() {
        max = max.max(s.file_level);
    }
    max = max.max(s.typed_level);
    log::set_max_level(max);
}

/// Sets the level of the C log callback (`TIMSetConfig`).
pub fn set_callback_level(level: LevelFilter) {
    let mut s = lock(&SINKS);
    s.callback_level = level;
    refresh(&s);
}

/// Sets (or with `None` clears) where lines for the C log callback go
/// (`TIMSetLogCallback`: the C face's delivery queue).
pub fn set_callback(queue: Option<fn(i32, &str)>) {
    let mut s = lock(&SINKS);
    s.callback = queue;
    refresh(&s);
}

/// Sets the level of the log file (`TIMSetConfig`).
pub fn set_file_level(level: LevelFilter) {
    let mut s = lock(&SINKS);
    s.file_level = level;
    refresh(&s);
}

/// Starts writing the log file in `dir` (created if missing), or with `None`
/// stops. Reopening the same directory keeps appending.
pub fn set_file(dir: Option<&Path>) -> std::io::Result<()> {
    let file = match dir {
        Some(d) => Some(RotatingFile::open(d)?),
        None => None,
    };
    let mut s = lock(&SINKS);
    s.file = file;
    refresh(&s);
    Ok(())
}

/// The current log file, if one is being written.
pub fn file_path() -> Option<PathBuf> {
    lock(&SINKS).file.as_ref().map(|f| f.dir.join(FILE_NAME))
}

/// Sets (or with `None` clears) the typed listener and its level.
pub fn set_typed(listener: Option<TypedListener>, level: LevelFilter) {
    let on = listener.is_some();
    *lock(&TYPED) = listener;
    let mut s = lock(&SINKS);
    s.typed_level = if on { level } else { LevelFilter::Off };
    if on && s.typed_tx.is_none() {
        let (tx, rx) = unbounded();
        let started = std::thread::Builder::new()
            .name("imcore-log".into())
            .spawn(move || typed_thread(&rx));
        if started.is_ok() {
            s.typed_tx = Some(tx);
        }
    }
    refresh(&s);
}

/// Waits until every line queued for the typed listener before this call
/// was delivered (at most `timeout`).
pub fn flush_typed(timeout: std::time::Duration) {
    let tx = lock(&SINKS).typed_tx.clone();
    if let Some(tx) = tx {
        let (done_tx, done_rx) = crossbeam_channel::bounded(1);
        if tx.send(TypedJob::Barrier(done_tx)).is_ok() {
            let _ = done_rx.recv_timeout(timeout);
        }
    }
}

fn typed_thread(rx: &Receiver<TypedJob>) {
    while let Ok(job) = rx.recv() {
        match job {
            TypedJob::Line(level, line) => {
                let l = lock(&TYPED).clone();
                if let Some(l) = l {
                    // A listener that throws loses that line, nothing else.
                    let _ =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| l(level, line)));
                }
            }
            TypedJob::Barrier(done) => {
                let _ = done.send(());
            }
        }
    }
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("imcore") && metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = record.level();
        let line = format_line(record);
        let (to_callback, typed) = {
            let mut s = lock(&SINKS);
            if level <= s.file_level {
                if let Some(f) = s.file.as_mut() {
                    f.write_line(&line);
                }
            }
            let typed = if level <= s.typed_level {
                s.typed_tx.clone()
            } else {
                None
            };
            (s.callback.filter(|_| level <= s.callback_level), typed)
        };
        // Both only queue: the callback and the listener run later on their
        // threads, with no lock of imcore held.
        if let Some(queue) = to_callback {
            queue(tim_of_level(level), &line);
        }
        if let Some(tx) = typed {
            let _ = tx.send(TypedJob::Line(level, line));
        }
    }

    fn flush(&self) {}
}

/// `2026-12-07T02:40:00.123Z W [TIMLogin] engine::readpos: text`.
fn format_line(record: &Record<'_>) -> String {
    let letter = match record.level() {
        Level::Error => 'E',
        Level::Warn => 'W',
        Level::Info => 'I',
        Level::Debug => 'D',
        Level::Trace => 'T',
    };
    let module = record.target().strip_prefix("imcore::").unwrap_or("imcore");
    let call = CALL.with(|c| c.get());
    match call {
        Some(c) => format!("{} {letter} [{c}] {module}: {}", utc_now(), record.args()),
        None => format!("{} {letter} {module}: {}", utc_now(), record.args()),
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn utc_now() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `imcore.log` in a directory, rotated by size.
struct RotatingFile {
    dir: PathBuf,
    file: File,
    size: u64,
}

impl RotatingFile {
    fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(FILE_NAME))?;
        let size = file.metadata()?.len();
        Ok(RotatingFile {
            dir: dir.to_owned(),
            file,
            size,
        })
    }

    /// Appends one line (one `write` call, so a crash loses at most the
    /// line being written); rotates first when the file is full. A write
    /// error drops the line: logging never fails an operation.
    fn write_line(&mut self, line: &str) {
        if self.size + line.len() as u64 + 1 > ROTATE_BYTES && self.size > 0 {
            let _ = self.rotate();
        }
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        if self.file.write_all(&buf).is_ok() {
            self.size += buf.len() as u64;
        }
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let name = |n: u32| self.dir.join(format!("{FILE_NAME}.{n}"));
        let _ = std::fs::remove_file(name(KEEP_FILES));
        for n in (1..KEEP_FILES).rev() {
            let _ = std::fs::rename(name(n), name(n + 1));
        }
        std::fs::rename(self.dir.join(FILE_NAME), name(1))?;
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(FILE_NAME))?;
        self.size = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn the_file_rotates_and_keeps_the_newest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut f = RotatingFile::open(dir.path()).expect("open");
        let line = "x".repeat(1023);
        // 4 MiB per file: 4096 lines of 1 KiB fill one file exactly.
        let per_file = (ROTATE_BYTES / 1024) as usize;
        for _ in 0..per_file * (KEEP_FILES as usize + 2) + 3 {
            f.write_line(&line);
        }
        let size = |p: &str| std::fs::metadata(dir.path().join(p)).map(|m| m.len()).ok();
        assert_eq!(size(FILE_NAME), Some(3 * 1024));
        for n in 1..=KEEP_FILES {
            assert_eq!(size(&format!("{FILE_NAME}.{n}")), Some(ROTATE_BYTES));
        }
        assert_eq!(size(&format!("{FILE_NAME}.{}", KEEP_FILES + 1)), None);
    }

    #[test]
    fn tim_levels_map_both_ways() {
        assert_eq!(filter_of_tim(0), Some(LevelFilter::Off));
        assert_eq!(filter_of_tim(4), Some(LevelFilter::Info));
        assert_eq!(filter_of_tim(8), None);
        assert_eq!(filter_of_tim(-1), None);
        assert_eq!(tim_of_level(Level::Warn), 5);
        for l in [Level::Error, Level::Warn, Level::Info, Level::Debug] {
            assert_eq!(
                filter_of_tim(tim_of_level(l) as i64),
                Some(l.to_level_filter())
            );
        }
    }
}
