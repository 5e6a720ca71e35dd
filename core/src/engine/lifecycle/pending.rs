//! Operations the server sent before their message: a revoke, delete or
//! edit of a message not stored yet is kept in `message_op` (pending, at
//! most [`EngineConfig::pending_message_ops_max`] per conversation) and
//! applied when the message arrives ([`on_arrival`], the receive hook).
//!
//! [`EngineConfig::pending_message_ops_max`]: crate::EngineConfig::pending_message_ops_max

use super::settings::meta;
use super::{revoked_flags, OP_DELETE, OP_REVOKE};
use crate::config::EngineConfig;
use crate::engine::work::Work;
use crate::engine::Engine;
use crate::error::Result;
use crate::store::msg_hash;
use rusqlite::{params, Connection};
use std::collections::HashSet;

/// What the pending operations say about a message arriving now.
pub(crate) enum Arrival {
    /// Store it with these flags (and this body, when an edit replaced it).
    Store(i64, Option<String>),
    /// Deleted before it arrived: a repeat, not stored.
    Drop,
}

/// The receive hook: applies the revoke, delete or edit the server sent
/// before this message (same id, same conversation). `pending` holds the
/// hashes of the ids with a pending operation (none: no row is read);
/// `settled` collects the hashes whose pending operations are used up.
pub(crate) fn on_arrival(
    tx: &Connection,
    config: &EngineConfig,
    pending: &HashSet<i64>,
    settled: &mut Vec<i64>,
    msg_id: &str,
    conv: i64,
    mut fl: i64,
) -> Result<Arrival> {
    let hash = msg_hash(msg_id);
    if !pending.contains(&hash) {
        return Ok(Arrival::Store(fl, None));
    }
    let ops: Vec<(i64, Option<String>)> = tx
        .prepare_cached(
            "SELECT op, data FROM message_op WHERE msg_id = ?1 AND conv = ?2 AND pending = 1",
        )?
        .query_map(params![msg_id, conv], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut body = None;
    for (op, data) in ops {
        match op {
            // Kept pending: it is the record that makes a redelivery a repeat.
            OP_DELETE => return Ok(Arrival::Drop),
            OP_REVOKE => fl = revoked_flags(fl, config),
            _ => body = data,
        }
    }
    let n = tx
        .prepare_cached(
            "UPDATE message_op SET pending = 0, data = NULL
             WHERE msg_id = ?1 AND conv = ?2 AND pending = 1",
        )?
        .execute(params![msg_id, conv])?;
    if n > 0 {
        settled.push(hash);
    }
    Ok(Arrival::Store(fl, body))
}

/// An operation for a message not stored yet.
pub(super) struct PendingOp<'a> {
    pub msg_id: &'a str,
    pub op: i64,
    pub by: &'a str,
    pub reason: &'a str,
    pub data: Option<&'a str>,
    pub version: u64,
}

impl<'a> PendingOp<'a> {
    pub(super) fn new(msg_id: &'a str, op: i64) -> Self {
        PendingOp {
            msg_id,
            op,
            by: "",
            reason: "",
            data: None,
            version: 0,
        }
    }
}

/// Remembers an operation for a message not stored yet in conversation
/// `conv`; keeps at most `pending_message_ops_max` pending per conversation
/// (the oldest go). Returns the hash added and the hashes dropped.
pub(super) fn add_pending(
    w: &mut Work<'_>,
    conv: i64,
    p: PendingOp<'_>,
) -> Result<(i64, Vec<i64>)> {
    let PendingOp {
        msg_id,
        op,
        by,
        reason,
        data,
        version,
    } = p;
    let hash = msg_hash(msg_id);
    w.tx.prepare_cached(
        "INSERT INTO message_op (msg_id, op, msg_hash, conv, by_user, reason, data, version, time,
                                 pending)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)
         ON CONFLICT (msg_id, op) DO UPDATE SET
             data = CASE WHEN excluded.version >= message_op.version THEN excluded.data
                         ELSE message_op.data END,
             version = max(message_op.version, excluded.version)
         WHERE message_op.pending = 1",
    )?
    .execute(params![
        msg_id,
        op,
        hash,
        conv,
        by,
        reason,
        data,
        version as i64,
        w.now as i64
    ])?;
    let max = w.config.pending_message_ops_max as i64;
    let dropped: Vec<i64> =
        w.tx.prepare_cached(
            "DELETE FROM message_op WHERE pending = 1 AND conv = ?1 AND (msg_id, op) IN
                 (SELECT msg_id, op FROM message_op WHERE pending = 1 AND conv = ?1
                  ORDER BY time DESC, msg_id DESC LIMIT -1 OFFSET ?2)
             RETURNING msg_hash",
        )?
        .query_map(params![conv, max], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((hash, dropped))
}

/// Hashes of pending operations added and dropped by one operation, applied
/// to the engine's set after the commit.
#[derive(Default)]
pub(super) struct PendingDelta {
    pub added: Vec<i64>,
    pub dropped: Vec<i64>,
}

impl Engine {
    /// Loads what the lifecycle keeps in memory: the hashes of pending
    /// operations, and the private-receipts setting.
    pub(crate) fn load_lifecycle(&mut self) -> Result<()> {
        self.msg_ops = self
            .conn
            .prepare("SELECT msg_hash FROM message_op WHERE pending = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(v) = meta(&self.conn, "private_read_receipts")? {
            self.config.private_read_receipts = v == "1";
        }
        Ok(())
    }

    pub(super) fn apply_pending(&mut self, d: PendingDelta) -> Result<()> {
        self.msg_ops.extend(d.added);
        for h in d.dropped {
            // Another id of the same hash may still be pending.
            let still: bool = self
                .conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM message_op WHERE msg_hash = ?1 AND pending = 1)",
                )?
                .query_row([h], |r| r.get(0))?;
            if !still {
                self.msg_ops.remove(&h);
            }
        }
        Ok(())
    }

    /// Takes the pending-operation hashes for a receive; give them back
    /// with [`Engine::end_arrivals`].
    pub(crate) fn begin_arrivals(&mut self) -> HashSet<i64> {
        std::mem::take(&mut self.msg_ops)
    }

    /// Gives back the set taken by [`Engine::begin_arrivals`], without the
    /// hashes whose operations a committed receive used up.
    pub(crate) fn end_arrivals(&mut self, set: HashSet<i64>, settled: Vec<i64>) -> Result<()> {
        self.msg_ops = set;
        self.apply_pending(PendingDelta {
            added: Vec::new(),
            dropped: settled,
        })
    }
}
