//! The one function that moves a read position, and the recount it implies
//! (the counting rule itself is in `counting`).
//! Every path that marks something read (clean, mark-all, another device,
//! sync) goes through [`move_read_pos`]; counts are derived, never patched.

use super::counting::recount;
use super::state::ConvState;
use super::work::Work;
use crate::error::{invalid, Error, Result};
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
}

impl std::fmt::Display for ReadSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReadSource::Local => "local",
            ReadSource::OtherDevice => "other device",
            ReadSource::Sync => "sync",
        })
    }
}

/// Moves conversation `idx`'s read position forward to `pos` (never back)
/// and re-derives its unread count and @-info. Returns whether it moved.
/// Every move (and every refusal to move back) is logged with its source.
pub(crate) fn move_read_pos(
    w: &mut Work<'_>,
    idx: u32,
    pos: i64,
    source: ReadSource,
) -> Result<bool> {
    let (old, before) = (w.get(idx).read_pos, w.get(idx).unread);
    if pos <= old {
        log::debug!(
            "read position of {} stays (from {source}: not after the current one)",
            w.get(idx).key
        );
        return Ok(false);
    }
    w.get_mut(idx).read_pos = pos;
    store(w, idx)?;
    recount(w, idx)?;
    let st = w.get(idx);
    log::info!(
        "read position of {} moved from {source} to {}: unread {before} -> {}",
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
    w.tx.prepare_cached("UPDATE conversation SET read_pos = ?2 WHERE id = ?1")?
        .execute(params![st.id, st.read_pos])?;
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
    let n = tx
        .prepare_cached(
            // `ConvState::newest_limit`: C2C reads the whole second.
            "UPDATE conversation SET
                 read_pos = CASE WHEN conv_type = 1 AND max_pos > 0
                                 THEN max_pos | 1048575 ELSE max_pos END,
                 unread = 0, at_flags = 0,
                 update_time = ?1
             WHERE visible = 1 AND read_pos < max_pos AND conv_type IN (?2, ?3)",
        )?
        .execute(params![
            now as i64,
            kind(ConvType::C2c),
            kind(ConvType::Group)
        ])?;
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
