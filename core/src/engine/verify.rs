//! `verify()`: recomputes every count from the store and compares.

use super::counters::total_contrib;
use super::Engine;
use crate::error::{Error, Result};
use crate::message::flags;
use std::collections::HashMap;

impl Engine {
    /// Recomputes every conversation's unread count and @-info from its
    /// messages, every total and cached filter sum from those, and compares
    /// them with the in-memory state and the stored columns. Any
    /// disagreement is an error naming it.
    pub fn verify(&self) -> Result<()> {
        let mut derived: HashMap<i64, (u64, u8)> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT m.conv,
                    count(*) FILTER (WHERE m.flags & ?1 != 0),
                    max(m.flags & ?2 != 0), max(m.flags & ?3 != 0)
             FROM message m JOIN conversation c ON c.id = m.conv
             WHERE m.pos > c.read_pos
             GROUP BY m.conv",
        )?;
        let rows = stmt.query_map([flags::COUNTED, flags::AT_ME, flags::AT_ALL], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        for row in rows {
            let (conv, n, me, all) = row?;
            derived.insert(conv, (n as u64, u8::from(me) | (u8::from(all) << 1)));
        }
        let mut stored = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT id, unread, at_flags, read_pos, max_pos, visible, recv_opt, pinned, marks
             FROM conversation",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                (
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, u8>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, bool>(7)?,
                    r.get::<_, i64>(8)? as u64,
                ),
            ))
        })?;
        for row in rows {
            let (id, v) = row?;
            stored.insert(id, v);
        }
        if stored.len() != self.convs.len() {
            return Err(broken(format!(
                "{} conversations stored, {} in memory",
                stored.len(),
                self.convs.len()
            )));
        }
        let max_pos: HashMap<i64, i64> = self
            .conn
            .prepare("SELECT conv, max(pos) FROM message GROUP BY conv")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut total = 0;
        for s in &self.convs {
            let counts = super::work::counts_unread(&self.config, s);
            let (n, at) = if counts {
                derived.get(&s.id).copied().unwrap_or((0, 0))
            } else {
                (0, 0)
            };
            if s.unread != n || s.at_flags != at {
                return Err(broken(format!(
                    "{}: unread {} / at {} in memory, derived {} / {}",
                    s.key, s.unread, s.at_flags, n, at
                )));
            }
            let row = stored[&s.id];
            let mem = (
                s.unread,
                s.at_flags,
                s.read_pos,
                s.max_pos,
                s.visible,
                s.recv_opt.as_i64(),
                s.pinned,
                s.marks,
            );
            if row != mem {
                return Err(broken(format!(
                    "{}: stored row {row:?} != memory {mem:?}",
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
            total += total_contrib(s);
        }
        if total != self.counters.total {
            return Err(broken(format!(
                "total {} cached, {} recomputed",
                self.counters.total, total
            )));
        }
        for a in &self.counters.aggs {
            let sum: u64 = self.convs.iter().map(|s| a.r.contrib(s)).sum();
            if sum != a.sum {
                return Err(broken(format!(
                    "filter {:?}: {} cached, {} recomputed",
                    a.r.filter, a.sum, sum
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

fn broken(msg: String) -> Error {
    Error::Storage(format!("invariant broken: {msg}"))
}
