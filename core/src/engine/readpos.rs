//! The one function that moves a read position, and the recount it implies
//! (the counting rule itself is in `counting`).
//! Every path that marks something read or unread (clean, mark-all, delete,
//! another device, sync, mark-unread) goes through [`merge_read_pos`];
//! counts are derived, never patched; every move is stored here and
//! recorded (`history`).
//!
//! A read position is the pair (version, position) and moves only to a
//! greater pair: forward within its version, anywhere under a higher one
//! (docs/ENGINE.md, "Moving back").

use super::history;
use super::state::ConvState;
use super::work::Work;
use crate::error::{invalid, Error, Result};
use crate::explain::ReadMoveSource;
use crate::message::MAX_TIME;
use crate::types::{ConvKey, ConvType};
use rusqlite::{params, Connection};

/// The names a read position's two fields go by in one envelope kind.
pub(crate) struct PositionKeys {
    pub time: &'static str,
    pub seq: &'static str,
}

/// The `read_position` envelope's keys.
pub(crate) const READ_POSITION_KEYS: PositionKeys = PositionKeys {
    time: "timestamp",
    seq: "sequence",
};

/// Checks a read position that comes from the server or another device: a
/// C2C conversation moves by time only, a group by sequence only, each in
/// range. A position of the wrong kind is refused rather than read as "0 =
/// everything" (which would clear the conversation). `required`: one of the
/// two must be set (a snapshot may carry neither).
pub(crate) fn check_position(
    key: &ConvKey,
    time: u64,
    seq: u64,
    names: &PositionKeys,
    required: bool,
) -> Result<()> {
    let (own, own_value, other, other_value) = match key.conv_type {
        ConvType::C2c => (names.time, time, names.seq, seq),
        ConvType::Group => (names.seq, seq, names.time, time),
    };
    if other_value != 0 {
        let moves = match key.conv_type {
            ConvType::C2c => "a C2C conversation's read position moves by time",
            ConvType::Group => "a group's read position moves by sequence",
        };
        return Err(invalid(format!(
            "{key}: {other} {other_value} given; {moves} ({own})"
        )));
    }
    if required && own_value == 0 {
        return Err(invalid(format!("{key}: {own} must be > 0")));
    }
    if time > MAX_TIME {
        return Err(invalid(format!(
            "{key}: {} {time} is out of range (at most {MAX_TIME})",
            names.time
        )));
    }
    if seq > i64::MAX as u64 {
        return Err(invalid(format!(
            "{key}: {} {seq} is out of range (at most {})",
            names.seq,
            i64::MAX
        )));
    }
    Ok(())
}

/// Who moved a read position; named in the log line of every move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadSource {
    /// This device (clean, mark read, clear by ids / types / group).
    Local,
    /// Another of my devices, reported by the host.
    OtherDevice,
    /// A conversation snapshot of the server's sync.
    Sync,
    /// Mark-unread on this device.
    MarkUnread,
    /// Deleting the conversation on this device.
    Delete,
}

impl ReadSource {
    /// The source the history records.
    fn recorded(self) -> ReadMoveSource {
        match self {
            ReadSource::Local => ReadMoveSource::LocalClean,
            ReadSource::OtherDevice => ReadMoveSource::OtherDevice,
            ReadSource::Sync => ReadMoveSource::ServerSync,
            ReadSource::MarkUnread => ReadMoveSource::MarkUnread,
            ReadSource::Delete => ReadMoveSource::Delete,
        }
    }
}

impl std::fmt::Display for ReadSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReadSource::Local => "local",
            ReadSource::OtherDevice => "other device",
            ReadSource::Sync => "sync",
            ReadSource::MarkUnread => "mark unread",
            ReadSource::Delete => "delete",
        })
    }
}

/// Moves conversation `idx`'s read position forward to `pos` within its
/// version (never back): [`merge_read_pos`] without a version.
pub(crate) fn move_read_pos(
    w: &mut Work<'_>,
    idx: u32,
    pos: i64,
    source: ReadSource,
) -> Result<bool> {
    merge_read_pos(w, idx, pos, None, source)
}

/// Merges the read position (`version`, `pos`) into conversation `idx`'s:
/// the greater pair wins (`None`: the version it has, i.e. forward only).
/// Stores it, re-derives the counts, records the move, and returns whether
/// the position moved (a version raised at the same position is stored but
/// is no move). Every move (and every refusal) is logged with its source.
pub(crate) fn merge_read_pos(
    w: &mut Work<'_>,
    idx: u32,
    pos: i64,
    version: Option<u64>,
    source: ReadSource,
) -> Result<bool> {
    let st = w.get(idx);
    let (old, old_version, before) = (st.read_pos, st.read_version, st.unread);
    let version = version.unwrap_or(old_version);
    if (version, pos) <= (old_version, old) {
        if version < old_version {
            log::debug!(
                "read position of {} stays (from {source}: version {version} is older than \
                 {old_version})",
                st.key
            );
        } else {
            log::debug!(
                "read position of {} stays (from {source}: not after the current one)",
                st.key
            );
        }
        return Ok(false);
    }
    let st = w.get_mut(idx);
    st.read_pos = pos;
    st.read_version = version;
    store(w, idx)?;
    if pos == old {
        return Ok(false);
    }
    w.recount(idx)?;
    history::record(w.tx, w.get(idx), old, source.recorded(), w.now)?;
    let st = w.get(idx);
    let versioned = match (version, pos < old) {
        (0, _) => String::new(),
        (v, false) => format!(" (version {v})"),
        (v, true) => format!(" (version {v}, back)"),
    };
    log::info!(
        "read position of {} moved from {source} to {}: unread {before} -> {}{versioned}",
        st.key,
        st.read_mark(),
        st.unread
    );
    Ok(true)
}

/// Writes conversation `idx`'s read position to its row: the one place a
/// single read position is stored (the operation writes the rest of the row,
/// the derived unread and @-info with it, when it finishes).
fn store(w: &Work<'_>, idx: u32) -> Result<()> {
    let st = w.get(idx);
    w.tx.prepare_cached("UPDATE conversation SET read_pos = ?2, read_version = ?3 WHERE id = ?1")?
        .execute(params![st.id, st.read_pos, st.read_version as i64])?;
    Ok(())
}

/// What [`move_read_pos`] to `max_pos` makes of a state that has anything
/// after its read position: nothing is stored after the newest message, so
/// the recount is 0 unread and no @-info. For the set-based clean
/// ([`Work::read_all_set`]), which writes the same to the rows.
pub(crate) fn read_to_newest(st: &mut ConvState) {
    st.read_pos = st.newest_limit();
    st.unread = 0;
    st.at_flags = 0;
    st.mentions = 0;
}

/// The rows of [`Work::read_all_set`]: every visible conversation of
/// `types` with anything after its read position, read up to its newest
/// message ([`read_to_newest`]) by one set-based UPDATE, written once every
/// other row of the operation is. `targets`: those conversations as memory
/// has them.
pub(crate) fn store_read_all(
    tx: &Connection,
    now: u64,
    targets: &[u32],
    types: &[ConvType],
) -> Result<()> {
    if targets.is_empty() {
        return Ok(());
    }
    // 0 is no conversation type: a type not asked for matches nothing.
    let kind = |t: ConvType| {
        if types.contains(&t) {
            t.as_i64()
        } else {
            0
        }
    };
    let types = (kind(ConvType::C2c), kind(ConvType::Group));
    let seq = history::read_all_seq(tx)?;
    let n = tx
        .prepare_cached(&format!(
            // `ConvState::newest_limit`: C2C reads the whole second. The
            // move is recorded in the same rows (`history`).
            "UPDATE conversation SET
                 read_pos = CASE WHEN conv_type = 1 AND max_pos > 0
                                 THEN max_pos | 1048575 ELSE max_pos END,
                 unread = 0, at_flags = 0, mentions = 0,
                 update_time = ?1, {}
             WHERE visible = 1 AND read_pos < max_pos AND conv_type IN (?2, ?3)",
            history::READ_ALL_COLUMNS
        ))?
        .execute(params![now as i64, types.0, types.1, seq])?;
    // The rows mirror memory; a difference means the store changed under
    // the engine, and the operation must not go on.
    if n != targets.len() {
        return Err(Error::StoreUnusable(format!(
            "reading all: {n} conversation rows had unread, memory has {}",
            targets.len()
        )));
    }
    Ok(())
}
