//! The one function that moves a read position, and the recount it implies.
//! Every path that marks something read (clean, mark-all, another device,
//! sync) goes through [`move_read_pos`]; counts are derived, never patched.

use super::state::{ConvState, AT_ALL, AT_ME};
use super::work::Work;
use crate::error::{invalid, Result};
use crate::message::{flags, MAX_TIME};
use crate::types::{ConvKey, ConvType};
use rusqlite::params;

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

/// What [`move_read_pos`] to `max_pos` makes of a state that has anything
/// after its read position: nothing is stored after the newest message, so
/// the recount is 0 unread and no @-info. For the set-based clean
/// ([`Work::read_all_set`]), which writes the same to the rows.
pub(crate) fn read_to_newest(st: &mut ConvState) {
    st.read_pos = st.newest_limit();
    st.unread = 0;
    st.at_flags = 0;
}

/// Re-derives unread and @-info of conversation `idx` from its messages
/// after the read position.
pub(crate) fn recount(w: &mut Work<'_>, idx: u32) -> Result<()> {
    // `message_pos` holds every message here (`Work::flush_tail`).
    debug_assert!(w.positions_complete());
    let st = w.get(idx);
    let (unread, at) = if !w.type_counts(st) || st.read_pos >= st.max_pos {
        (0, 0)
    } else {
        derive(w.tx, st.id, st.read_pos)?
    };
    let st = w.get_mut(idx);
    st.unread = unread;
    st.at_flags = at;
    Ok(())
}

/// Counts the counted messages of conversation `id` after `read_pos`, and
/// whether an @me / @all is among them (one range scan of `message_pos`).
pub(crate) fn derive(tx: &rusqlite::Connection, id: i64, read_pos: i64) -> Result<(u64, u8)> {
    let (n, me, all): (i64, bool, bool) = tx
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE flags & ?3 != 0),
                    coalesce(max(flags & ?4 != 0), 0),
                    coalesce(max(flags & ?5 != 0), 0)
             FROM message_pos WHERE conv = ?1 AND pos > ?2",
        )?
        .query_row(
            params![id, read_pos, flags::COUNTED, flags::AT_ME, flags::AT_ALL],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
    let mut at = 0;
    if me {
        at |= AT_ME;
    }
    if all {
        at |= AT_ALL;
    }
    Ok((n as u64, at))
}
