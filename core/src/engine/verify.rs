//! `verify()`: recomputes every count from the store and compares.

use super::counting;
use super::lazy_rows::read_tail;
use super::state::ConvState;
use super::{conv_from_row, Engine, CONV_COLUMNS};
use crate::error::{Error, Result};
use crate::filter::total_contrib;
use std::collections::HashMap;

impl Engine {
    /// Recomputes every conversation's unread count, mentions and @-info
    /// from its messages, every total (unread and mentions) and cached
    /// filter sum from those, and compares
    /// them with the in-memory state and the stored columns (as the next
    /// open would load them: with the receives after `rows_upto` replayed).
    /// Any disagreement is an error naming it.
    pub fn verify(&self) -> Result<()> {
        let derived = counting::derive_all(&self.conn)?;
        let rows = self.stored_states()?;
        if rows.len() != self.convs.len() {
            return Err(broken(format!(
                "{} conversations stored, {} in memory",
                rows.len(),
                self.convs.len()
            )));
        }
        let max_pos: HashMap<i64, i64> = self
            .conn
            .prepare("SELECT conv, max(pos) FROM message GROUP BY conv")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut total = counting::Part::default();
        let as_one = self.counters.marked_as_one;
        for s in &self.convs {
            let d = counting::expected(&self.config, s, &derived);
            if s.unread != d.unread || s.at_flags != d.at || s.mentions != d.mentions {
                return Err(broken(format!(
                    "{}: unread {} / at {} / mentions {} in memory, derived {} / {} / {}",
                    s.key, s.unread, s.at_flags, s.mentions, d.unread, d.at, d.mentions
                )));
            }
            let row = &rows[s.idx() as usize];
            if row != s {
                return Err(broken(format!(
                    "{}: stored row (with the receives after it replayed) {row:?} != memory {s:?}",
                    s.key
                )));
            }
            if let Some(&m) = max_pos.get(&s.id) {
                if m > s.max_pos {
                    return Err(broken(format!(
                        "{}: max_pos {} < stored {m}",
                        s.key, s.max_pos
                    )));
                }
            }
            total = total + total_contrib(s, as_one);
        }
        if (total.unread, total.mentions) != (self.counters.total, self.counters.total_mentions) {
            return Err(broken(format!(
                "total {} / mentions {} cached, {} / {} recomputed",
                self.counters.total, self.counters.total_mentions, total.unread, total.mentions
            )));
        }
        for a in &self.counters.aggs {
            let p = a.r.sum(&self.convs, as_one);
            if (p.unread, p.mentions) != (a.sum, a.mentions) {
                return Err(broken(format!(
                    "filter {:?}: {} / mentions {} cached, {} / {} recomputed",
                    a.r.filter, a.sum, a.mentions, p.unread, p.mentions
                )));
            }
        }
        let visible = self.convs.iter().filter(|s| s.visible).count();
        if visible != self.order.len() {
            return Err(broken(format!(
                "{visible} visible conversations, {} in the order index",
                self.order.len()
            )));
        }
        Ok(())
    }
}

impl Engine {
    /// Every conversation's state as the store holds it: its row, then the
    /// receive rule replayed for the messages after `rows_upto`.
    fn stored_states(&self) -> Result<Vec<ConvState>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CONV_COLUMNS} FROM conversation ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut states = Vec::with_capacity(self.convs.len());
        while let Some(r) = rows.next()? {
            // Group memberships have their own table; memory's are taken.
            let id: i64 = r.get(0)?;
            let Some(mem) = self.convs.get(states.len()).filter(|s| s.id == id) else {
                return Err(broken(format!("conversation row {id} is not in memory")));
            };
            states.push(conv_from_row(r, mem.groups.clone())?);
        }
        let (upto, tail) = read_tail(&self.conn)?;
        let upto = upto.unwrap_or(i64::MAX);
        for m in &tail {
            if !self.lazy.keys.contains(&(m.msg_hash, m.rowid)) {
                return Err(broken(format!(
                    "message {:?} has no key in memory",
                    m.msg_id
                )));
            }
            if self.lazy.pos.get(&(m.conv, m.pos, m.rowid))
                != Some(&(m.flags & crate::message::flags::RECOUNT))
            {
                return Err(broken(format!(
                    "message {:?} has no position (or other flags) in memory",
                    m.msg_id
                )));
            }
            let Some(st) = m.conv_index(states.len()).map(|i| &mut states[i as usize]) else {
                return Err(broken(format!(
                    "message {:?} has no conversation {}",
                    m.msg_id, m.conv
                )));
            };
            super::message_rule::Received::replayed(m).apply(&self.conn, &self.config, st)?;
        }
        let replayed = tail.len();
        if replayed != self.lazy.tail_msgs() || replayed != self.lazy.pos.len() {
            return Err(broken(format!(
                "{replayed} messages after rows_upto, {} pending in memory",
                self.lazy.tail_msgs()
            )));
        }
        // message_key holds exactly the keys of the messages up to rows_upto.
        let (missing, keys, msgs): (i64, i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM message m WHERE m.id <= ?1 AND NOT EXISTS
                        (SELECT 1 FROM message_key k WHERE k.msg_hash = m.msg_hash AND k.id = m.id)),
                    (SELECT count(*) FROM message_key),
                    (SELECT count(*) FROM message WHERE id <= ?1)",
            [upto],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if missing != 0 || keys != msgs {
            return Err(broken(format!(
                "message_key: {keys} keys for {msgs} messages up to rows_upto, {missing} missing"
            )));
        }
        // message_pos: exactly their positions and recount flags.
        let (missing, entries): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM message m WHERE m.id <= ?1 AND NOT EXISTS
                        (SELECT 1 FROM message_pos p WHERE p.conv = m.conv AND p.pos = m.pos
                             AND p.id = m.id AND p.flags = m.flags & ?2)),
                    (SELECT count(*) FROM message_pos)",
            [upto, crate::message::flags::RECOUNT],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if missing != 0 || entries != msgs {
            return Err(broken(format!(
                "message_pos: {entries} entries for {msgs} messages up to rows_upto, {missing} missing or different"
            )));
        }
        Ok(states)
    }
}

fn broken(msg: String) -> Error {
    Error::Storage(format!("invariant broken: {msg}"))
}
