//! Deleting messages (`TIMMsgDelete`, `TIMMsgListDelete`) and clearing a
//! conversation's history (`TIMMsgClearHistoryMessage`), here and as the
//! server relays them from my other devices.

use super::pending::{add_pending, PendingDelta, PendingOp};
use super::{dedup, read_row, set_position_flags, Row, CLEAR_KEYS, OP_DELETE};
use crate::engine::counting::lifecycle_bits;
use crate::engine::outbound::{Outbound, ReadPosition};
use crate::engine::readpos::{check_position, move_read_pos, ReadSource};
use crate::engine::state::TIE_BITS;
use crate::engine::work::Work;
use crate::engine::Engine;
use crate::error::Result;
use crate::message::flags;
use crate::types::{check_id, ConvKey, ConvType};
use rusqlite::{params, OptionalExtension};
use std::collections::HashSet;

/// Deletes one stored message: the row stays (its id stays a duplicate)
/// without its content, flagged so no query returns it and it never counts.
pub(super) fn delete_row(w: &mut Work<'_>, idx: u32, row: &Row) -> Result<()> {
    let fl = lifecycle_bits(w.config, row.flags | flags::DELETED, true) & !flags::REVOKE_PENDING;
    w.tx.prepare_cached("UPDATE message SET flags = ?2, body = '{}' WHERE id = ?1")?
        .execute(params![row.rowid, fl])?;
    set_position_flags(w, row, fl)?;
    // Who revoked it and its edit version: nothing to keep of a deleted message.
    w.tx.prepare_cached(
        "DELETE FROM message_op
         WHERE msg_id = (SELECT msg_id FROM message WHERE id = ?1) AND pending = 0",
    )?
    .execute([row.rowid])?;
    if row.pos > w.get(idx).read_pos && row.flags & flags::RECOUNT != 0 {
        w.recount(idx)?;
    }
    if w.get(idx).last_msg == Some(row.rowid) {
        fix_last(w, idx)?;
    }
    Ok(())
}

/// Re-derives the preview of conversation `idx` from its messages (after a
/// delete took it): the newest message not deleted nor kept out of the
/// preview; of C2C messages of one second, the greatest id (the receive
/// rule's choice).
fn fix_last(w: &mut Work<'_>, idx: u32) -> Result<()> {
    let st = w.get(idx);
    let hidden = flags::DELETED | flags::EXCLUDED_LAST;
    let top: Option<(i64, i64)> =
        w.tx.prepare_cached(
            "SELECT p.id, p.pos FROM message_pos p JOIN message m ON m.id = p.id
             WHERE p.conv = ?1 AND m.flags & ?2 = 0
             ORDER BY p.pos DESC, p.id DESC LIMIT 1",
        )?
        .query_row(params![st.id, hidden], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let last = match top {
        Some((_, pos)) if st.key.conv_type == ConvType::C2c => {
            let second = (pos >> TIE_BITS) << TIE_BITS;
            let id: i64 =
                w.tx.prepare_cached(
                    "SELECT m.id FROM message_pos p JOIN message m ON m.id = p.id
                     WHERE p.conv = ?1 AND p.pos BETWEEN ?2 AND ?3 AND m.flags & ?4 = 0
                     ORDER BY m.msg_id DESC LIMIT 1",
                )?
                .query_row(params![st.id, second, pos, hidden], |r| r.get(0))?;
            Some((id, pos))
        }
        top => top,
    };
    let st = w.get_mut(idx);
    (st.last_msg, st.last_pos) = match last {
        Some((id, pos)) => (Some(id), pos),
        None => (None, 0),
    };
    w.mark_dirty(idx);
    Ok(())
}

/// Deletes every message of conversation `idx` up to `upto` and reads up to
/// there: a message arriving later at or before it is a repeat (the
/// conversation's `deleted_upto`, as after a delete with the messages).
fn clear_upto(w: &mut Work<'_>, idx: u32, upto: i64, source: ReadSource) -> Result<bool> {
    let id = w.get(idx).id;
    // The messages are found through `message_pos` (complete: the tail was
    // merged when this operation started, `Work::flush_tail`).
    debug_assert!(w.positions_complete());
    w.tx.prepare_cached(
        "DELETE FROM message_key WHERE (msg_hash, id) IN
             (SELECT m.msg_hash, m.id FROM message_pos p JOIN message m ON m.id = p.id
              WHERE p.conv = ?1 AND p.pos <= ?2)",
    )?
    .execute(params![id, upto])?;
    w.tx.prepare_cached(
        "DELETE FROM message_op WHERE pending = 0 AND msg_id IN
             (SELECT m.msg_id FROM message_pos p JOIN message m ON m.id = p.id
              WHERE p.conv = ?1 AND p.pos <= ?2)",
    )?
    .execute(params![id, upto])?;
    let gone =
        w.tx.prepare_cached(
            "DELETE FROM message WHERE id IN
                 (SELECT id FROM message_pos WHERE conv = ?1 AND pos <= ?2)",
        )?
        .execute(params![id, upto])?;
    w.tx.prepare_cached("DELETE FROM message_pos WHERE conv = ?1 AND pos <= ?2")?
        .execute(params![id, upto])?;
    w.tx.prepare_cached(
        "UPDATE conversation SET deleted_upto = max(deleted_upto, ?2), deleted_clear = 1
         WHERE id = ?1",
    )?
    .execute(params![id, upto])?;
    let moved = move_read_pos(w, idx, upto, source)?;
    if gone > 0 && w.get(idx).last_msg.is_some() && w.get(idx).last_pos <= upto {
        fix_last(w, idx)?;
    }
    Ok(moved)
}

impl Engine {
    /// Deletes messages of one conversation (TIM's `TIMMsgDelete` /
    /// `TIMMsgListDelete`): they disappear from history and from the counts
    /// (an unread one lowers the unread count), the preview moves to the
    /// newest message left. `on_server` also deletes the server's copy (a
    /// `message_delete` envelope, relayed to my other devices); otherwise
    /// only this device forgets them. All or nothing: an unknown id fails
    /// the call and deletes nothing. A deleted id stays a duplicate.
    pub fn delete_messages(
        &mut self,
        key: &ConvKey,
        msg_ids: &[String],
        on_server: bool,
    ) -> Result<()> {
        self.check_batch(msg_ids.len())?;
        let mut rows = Vec::with_capacity(msg_ids.len());
        let mut seen = HashSet::new();
        for (i, id) in msg_ids.iter().enumerate() {
            let (idx, row) = self
                .message_row(key, id)
                .map_err(|e| e.context(&format!("[{i}]")))?;
            if seen.insert(row.rowid) {
                rows.push((idx, row));
            }
        }
        let ids = dedup(msg_ids.to_vec());
        self.commit(|w| {
            for (idx, row) in &rows {
                delete_row(w, *idx, row)?;
            }
            if on_server {
                w.outbound(Outbound::MessageDelete {
                    conv: key.clone(),
                    msg_ids: dedup(ids),
                })?;
            }
            Ok(())
        })
    }

    /// Deletes every message of a conversation (TIM's
    /// `TIMMsgClearHistoryMessage`), here and on the server (a
    /// `clear_history` envelope with the position cleared up to): the
    /// conversation stays, with no preview and nothing unread; a message
    /// arriving later at or before that position is a repeat, a newer one
    /// counts.
    pub fn clear_history(&mut self, key: &ConvKey) -> Result<()> {
        let idx = self.visible_idx(key)?;
        self.commit(|w| {
            let st = w.get(idx);
            if st.max_pos == 0 {
                return Ok(());
            }
            let upto = st.newest_limit().max(st.read_pos);
            let mark = st.mark_at(upto);
            clear_upto(w, idx, upto, ReadSource::Local)?;
            let (timestamp, sequence) = match key.conv_type {
                ConvType::C2c => (mark, 0),
                ConvType::Group => (0, mark),
            };
            let version = w.get(idx).read_version;
            w.outbound(Outbound::ClearHistory {
                position: ReadPosition {
                    conv: key.clone(),
                    timestamp,
                    sequence,
                    version,
                },
            })
        })
    }

    /// Applies deletes the server sent (another of my devices deleted
    /// messages with the server's copy): like [`Engine::delete_messages`]
    /// on this device; an id not stored yet is kept and its message is not
    /// stored when it arrives; a repeat or an id of another conversation
    /// changes nothing.
    pub fn apply_message_deletes(&mut self, key: &ConvKey, msg_ids: &[String]) -> Result<()> {
        check_id("conv_id", &key.peer)?;
        for id in msg_ids {
            check_id("msg_id_array item", id)?;
        }
        let delta = self.commit(|w| {
            let mut delta = PendingDelta::default();
            let idx = w.conv_for(key)?;
            let conv = w.get(idx).id;
            for id in msg_ids {
                match w.find_message(id)? {
                    None => {
                        let (h, dropped) = add_pending(w, conv, PendingOp::new(id, OP_DELETE))?;
                        delta.added.push(h);
                        delta.dropped.extend(dropped);
                    }
                    Some(rowid) => {
                        let row = read_row(w.tx, rowid)?;
                        if row.conv == conv && row.flags & flags::DELETED == 0 {
                            delete_row(w, idx, &row)?;
                        }
                    }
                }
            }
            Ok(delta)
        })?;
        self.apply_pending(delta)
    }

    /// Applies a history clear the server sent (another of my devices
    /// cleared the conversation up to `timestamp` (C2C) / `sequence`
    /// (group)): the messages up to there go, the read position moves there,
    /// later messages stay. Unknown conversations are remembered, so their
    /// messages up to there are repeats when they arrive.
    pub fn apply_clear_history(
        &mut self,
        key: &ConvKey,
        timestamp: u64,
        sequence: u64,
    ) -> Result<()> {
        check_position(key, timestamp, sequence, &CLEAR_KEYS, true)?;
        self.commit(|w| {
            let idx = w.conv_for(key)?;
            let upto = w.get(idx).read_limit(timestamp, sequence);
            if clear_upto(w, idx, upto, ReadSource::OtherDevice)? {
                let mark = w.get(idx).read_mark();
                w.changes.read_time_updated.push((key.clone(), mark));
            }
            Ok(())
        })
    }
}
