//! What the unread explanation needs beyond the counts: the bounded history
//! of each conversation's read-position moves (table `read_move`, written in
//! the transaction of the move) and, in memory, the messages of this login
//! that were never stored (online-only, repeated ids).

use super::state::ConvState;
use crate::error::Result;
use crate::explain::{NotCountedReason, ReadMove, ReadMoveSource, READ_HISTORY_MAX};
use crate::types::ConvKey;
use rusqlite::{params, Connection};
use std::collections::VecDeque;

/// The next number of the moves' common order (meta `read_move_seq`).
fn next_seq(tx: &Connection) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('read_move_seq', '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
             RETURNING CAST(value AS INTEGER)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Records one move of conversation `st`'s read position from `from` to its
/// current position, at `now`. The moves of a conversation are numbered
/// 1, 2, …; the oldest is dropped past [`READ_HISTORY_MAX`] (rows stay a
/// contiguous range ending at the newest).
pub(crate) fn record(
    tx: &Connection,
    st: &ConvState,
    from: i64,
    source: ReadMoveSource,
    now: u64,
) -> Result<()> {
    let seq = next_seq(tx)?;
    tx.prepare_cached(
        "DELETE FROM read_move WHERE conv = ?1
           AND n = (SELECT max(n) FROM read_move WHERE conv = ?1) - ?2",
    )?
    .execute(params![st.id, READ_HISTORY_MAX as i64 - 1])?;
    tx.prepare_cached(
        "INSERT INTO read_move (conv, n, seq, time, source, from_pos, to_pos, version)
         SELECT ?1, coalesce(max(n), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 FROM read_move
         WHERE conv = ?1",
    )?
    .execute(params![
        st.id,
        seq,
        now as i64,
        source.as_i64(),
        from,
        st.read_pos,
        st.read_version as i64
    ])?;
    Ok(())
}

/// The columns a clean of every conversation (`readpos::store_read_all`)
/// sets in the rows it updates, with `?4` the move's number from
/// [`read_all_seq`]: its move, the last such one only. (SQLite evaluates
/// them on the row as it was, before the update.)
pub(crate) const READ_ALL_COLUMNS: &str = "bulk_seq = ?4, bulk_time = ?1, bulk_from = read_pos,
     bulk_to = CASE WHEN conv_type = 1 AND max_pos > 0 THEN max_pos | 1048575 ELSE max_pos END,
     bulk_version = read_version";

/// The number of a clean of every conversation, in the moves' order.
pub(crate) fn read_all_seq(tx: &Connection) -> Result<i64> {
    next_seq(tx)
}

/// The kept moves of conversation `st`, oldest first: its own rows and the
/// last clean of every conversation that moved it, at most
/// [`READ_HISTORY_MAX`].
pub(crate) fn load(conn: &Connection, st: &ConvState) -> Result<Vec<ReadMove>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, time, source, from_pos, to_pos, version FROM read_move WHERE conv = ?1
         UNION ALL
         SELECT bulk_seq, bulk_time, ?2, bulk_from, bulk_to, bulk_version FROM conversation
         WHERE id = ?1 AND bulk_seq > 0
         ORDER BY 1",
    )?;
    let rows = stmt.query_map(params![st.id, ReadMoveSource::LocalClean.as_i64()], |r| {
        Ok((
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (time, source, from, to, version) = row?;
        out.push(ReadMove {
            time: time as u64,
            source: ReadMoveSource::from_i64(source),
            from_mark: st.mark_at(from),
            to_mark: st.mark_at(to),
            version: version as u64,
            backward: to < from,
        });
    }
    let extra = out.len().saturating_sub(READ_HISTORY_MAX);
    out.drain(..extra);
    Ok(out)
}

/// Messages of this login never stored, kept for the explanation.
const SKIPPED_MAX: usize = 256;

/// One message a receive did not store.
#[derive(Debug, Clone)]
pub(crate) struct Skipped {
    pub conv: ConvKey,
    pub msg_id: String,
    pub sender: String,
    pub server_time: u64,
    pub seq: u64,
    pub reason: NotCountedReason,
}

/// The last [`SKIPPED_MAX`] messages a receive did not store (online-only,
/// repeated ids), in memory: they are not in the store, and an online
/// message is not meant to outlive the session.
#[derive(Debug, Default)]
pub(crate) struct SkippedLog(VecDeque<Skipped>);

impl SkippedLog {
    pub fn push(&mut self, s: Skipped) {
        if self.0.len() == SKIPPED_MAX {
            self.0.pop_front();
        }
        self.0.push_back(s);
    }

    /// Those of conversation `key`, oldest first.
    pub fn of<'a>(&'a self, key: &'a ConvKey) -> impl Iterator<Item = &'a Skipped> + 'a {
        self.0.iter().filter(move |s| &s.conv == key)
    }
}
