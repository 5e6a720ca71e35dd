//! The message lifecycle: deleting, clearing, revoking and editing messages,
//! the global receive option, the app state the push service needs, and
//! private read receipts.
//!
//! Counts follow from the same facts as ever: a deleted message loses its
//! `COUNTED` bit (its row stays, flagged `DELETED`, so its id stays a
//! duplicate), a cleared history is deleted up to a read position that
//! moves there, and a revoked message loses `COUNTED` unless
//! [`EngineConfig::revoked_messages_count`] keeps it. Each change recounts
//! its conversation (`Work::recount`); `verify()` derives the same.
//!
//! Disorder: the server's revoke, delete or edit of a message not stored
//! yet is kept pending (`message_op`, at most
//! [`EngineConfig::pending_message_ops_max`] per conversation) and applied
//! when the message arrives; duplicates change nothing; a refused revoke
//! restores the message unless the server's own revoke came meanwhile;
//! refused deletes and clears are queued again (they are idempotent).
//!
//! [`EngineConfig::revoked_messages_count`]: crate::EngineConfig::revoked_messages_count
//! [`EngineConfig::pending_message_ops_max`]: crate::EngineConfig::pending_message_ops_max
//!
//! One module per operation family: [`delete`] (deleting messages and
//! clearing history), [`revoke`], [`edit`], [`pending`] (operations the
//! server sent before their message) and [`settings`] (the global receive
//! option, the app state, private read receipts). This module holds what
//! they share: the `message_op` kinds, the message row and its flag update.

mod delete;
mod edit;
mod pending;
mod revoke;
mod settings;

pub use edit::InboundEdit;
pub(crate) use pending::{on_arrival, Arrival};
pub use revoke::{InboundRevoke, Revocation};
pub(crate) use settings::check_all_receive_opt;

use super::counting::lifecycle_bits;
use super::outbound::Outbound;
use super::readpos::PositionKeys;
use super::work::Work;
use super::Engine;
use crate::config::EngineConfig;
use crate::error::{Error, Result};
use crate::message::flags;
use crate::types::{check_id, ConvKey};
use rusqlite::{params, Connection};
use std::collections::HashSet;

/// `message_op.op`: a revoke (who and why; pending: for a message not stored yet).
pub(super) const OP_REVOKE: i64 = 1;
/// A delete of a message not stored yet (always pending).
pub(super) const OP_DELETE: i64 = 2;
/// An edit: the version of the last one applied, or (pending) the new body.
pub(super) const OP_EDIT: i64 = 3;

/// The `clear_history` envelope's position keys.
pub(crate) const CLEAR_KEYS: PositionKeys = PositionKeys {
    time: "timestamp",
    seq: "sequence",
};

/// A stored message's row, as the lifecycle reads it.
pub(super) struct Row {
    pub rowid: i64,
    pub conv: i64,
    pub pos: i64,
    pub flags: i64,
    pub status: i64,
    pub server_time: u64,
    pub seq: u64,
}

/// Reads message row `rowid`.
pub(super) fn read_row(conn: &Connection, rowid: i64) -> Result<Row> {
    Ok(conn
        .prepare_cached(
            "SELECT id, conv, pos, flags, status, server_time, seq FROM message WHERE id = ?1",
        )?
        .query_row([rowid], |r| {
            Ok(Row {
                rowid: r.get(0)?,
                conv: r.get(1)?,
                pos: r.get(2)?,
                flags: r.get(3)?,
                status: r.get(4)?,
                server_time: r.get::<_, i64>(5)? as u64,
                seq: r.get::<_, i64>(6)? as u64,
            })
        })?)
}

/// What a revoke makes of a message's flags.
pub(super) fn revoked_flags(fl: i64, config: &EngineConfig) -> i64 {
    lifecycle_bits(config, fl | flags::REVOKED, false)
}

/// Sets a stored message's flags; recounts its conversation when it lies
/// after the read position and marks the conversation changed when it is
/// the preview.
pub(super) fn set_flags(w: &mut Work<'_>, idx: u32, row: &Row, fl: i64) -> Result<()> {
    w.tx.prepare_cached("UPDATE message SET flags = ?2 WHERE id = ?1")?
        .execute(params![row.rowid, fl])?;
    set_position_flags(w, row, fl)?;
    let st = w.get(idx);
    if row.pos > st.read_pos && (row.flags ^ fl) & flags::RECOUNT != 0 {
        w.recount(idx)?;
    }
    if w.get(idx).last_msg == Some(row.rowid) {
        w.mark_dirty(idx);
    }
    Ok(())
}

/// Keeps the message's `message_pos` entry in step with its new flags `fl`
/// (the entry holds the bits a recount reads; complete here, see
/// `Work::flush_tail`).
pub(super) fn set_position_flags(w: &Work<'_>, row: &Row, fl: i64) -> Result<()> {
    if (row.flags ^ fl) & flags::RECOUNT != 0 {
        debug_assert!(w.positions_complete());
        w.tx.prepare_cached(
            "UPDATE message_pos SET flags = ?4 WHERE conv = ?1 AND pos = ?2 AND id = ?3",
        )?
        .execute(params![row.conv, row.pos, row.rowid, fl & flags::RECOUNT])?;
    }
    Ok(())
}

/// The index of the conversation with row id `conv`.
pub(super) fn conv_index(conv: i64) -> u32 {
    (conv - 1) as u32
}

impl Engine {
    /// Finds a stored, not deleted message of conversation `key` (visible);
    /// the error names the id.
    pub(super) fn message_row(&self, key: &ConvKey, msg_id: &str) -> Result<(u32, Row)> {
        check_id("message id", msg_id)?;
        let idx = self.visible_idx(key)?;
        let not_found = || Error::MessageNotFound(format!("{msg_id:?} in {key}"));
        let rowid = self.find_message(msg_id)?.ok_or_else(not_found)?;
        let row = read_row(&self.conn, rowid)?;
        if row.conv != self.convs[idx as usize].id || row.flags & flags::DELETED != 0 {
            return Err(not_found());
        }
        Ok((idx, row))
    }
}

/// `ids` without repeats, in their first order.
pub(super) fn dedup(mut ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

/// The server's answer to a lifecycle envelope (from the ack, inside its
/// transaction): see [`revoke::settle`], [`edit::settle`] and
/// [`settings::settle`]. Refused deletes and clears are queued again by the
/// outbox. Returns whether a message's content changed (an accepted edit).
pub(crate) fn settle(
    w: &mut Work<'_>,
    item: &Outbound,
    ok: bool,
    update_time: u64,
) -> Result<bool> {
    match item {
        Outbound::Revoke { msg_id, .. } => {
            revoke::settle(w, msg_id, ok)?;
            Ok(false)
        }
        Outbound::ModifyMessage { msg_id, body, .. } if ok => {
            edit::settle(w, msg_id, body, update_time)
        }
        Outbound::AllReceiveOpt { opt } if ok => {
            settings::settle(w, *opt, update_time)?;
            Ok(false)
        }
        _ => Ok(false),
    }
}
