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
    tx.prepare_cached(
        "DELETE FROM read_move WHERE conv = ?1
           AND n = (SELECT max(n) FROM read_move WHERE conv = ?1) - ?2",
    )?
    .execute(params![st.id, READ_HISTORY_MAX as i64 - 1])?;
    tx.prepare_cached(
        "INSERT INTO read_move (conv, n, time, source, from_pos, to_pos, version)
         SELECT ?1, coalesce(max(n), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM read_move WHERE conv = ?1",
    )?
    .execute(params![
        st.id,
        now as i64,
        source.as_i64(),
        from,
        st.read_pos,
        st.read_version as i64
    ])?;
    Ok(())
}

/// The set-based form of [`record`] for a clean of every conversation
/// (`Work::read_all_set`): one move to the newest message for each row the
/// clean's UPDATE is about to change (`predicate`, over `conversation c`,
/// with `?1` the time and `?2`, `?3` the conversation types). Runs before
/// that UPDATE.
pub(crate) fn record_read_all(
    tx: &Connection,
    predicate: &str,
    now: u64,
    types: (i64, i64),
) -> Result<()> {
    tx.prepare_cached(&format!(
        "DELETE FROM read_move WHERE (conv, n) IN (
             SELECT c.id, (SELECT max(n) FROM read_move r WHERE r.conv = c.id) - {keep}
             FROM conversation c WHERE {predicate})",
        keep = READ_HISTORY_MAX - 1
    ))?
    .execute(params![now as i64, types.0, types.1])?;
    tx.prepare_cached(&format!(
        "INSERT INTO read_move (conv, n, time, source, from_pos, to_pos, version)
         SELECT c.id,
                coalesce((SELECT max(n) FROM read_move r WHERE r.conv = c.id), 0) + 1,
                ?1, {local}, c.read_pos,
                CASE WHEN c.conv_type = 1 AND c.max_pos > 0
                     THEN c.max_pos | 1048575 ELSE c.max_pos END,
                c.read_version
         FROM conversation c WHERE {predicate}",
        local = ReadMoveSource::LocalClean.as_i64()
    ))?
    .execute(params![now as i64, types.0, types.1])?;
    Ok(())
}

/// The kept moves of conversation `st`, oldest first.
pub(crate) fn load(conn: &Connection, st: &ConvState) -> Result<Vec<ReadMove>> {
    let mut stmt = conn.prepare_cached(
        "SELECT time, source, from_pos, to_pos, version FROM read_move
         WHERE conv = ?1 ORDER BY n",
    )?;
    let rows = stmt.query_map([st.id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
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
