//! The message lifecycle: deleting, clearing, revoking and editing messages,
//! the global receive option, the app state the push service needs, and
//! private read receipts.
//!
//! Counts follow from the same facts as ever: a deleted message loses its
//! `COUNTED` bit (its row stays, flagged `DELETED`, so its id stays a
//! duplicate), a cleared history is deleted up to a read position that
//! moves there, and a revoked message loses `COUNTED` unless
//! [`EngineConfig::revoked_messages_count`] keeps it. Each change recounts
//! its conversation ([`recount`]); `verify()` derives the same.
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

use super::counting::lifecycle_bits;
use super::outbound::{Outbound, ReadPosition};
use super::readpos::{check_position, move_read_pos, PositionKeys, ReadSource};
use super::state::TIE_BITS;
use super::work::Work;
use super::Engine;
use crate::config::EngineConfig;
use crate::error::{invalid, Error, Result};
use crate::events::RevokedMessage;
use crate::message::{flags, MsgStatus, StoredMessage, MAX_TIME};
use crate::store::msg_hash;
use crate::types::{check_id, AllReceiveOpt, AppState, ConvKey, ConvType};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;

/// `message_op.op`: a revoke (who and why; pending: for a message not stored yet).
const OP_REVOKE: i64 = 1;
/// A delete of a message not stored yet (always pending).
const OP_DELETE: i64 = 2;
/// An edit: the version of the last one applied, or (pending) the new body.
const OP_EDIT: i64 = 3;

/// Flags that make a message count or mention (see `counting.rs`).
const COUNTING: i64 = flags::COUNTED | flags::AT_ME | flags::AT_ALL;

/// The `clear_history` envelope's position keys.
pub(crate) const CLEAR_KEYS: PositionKeys = PositionKeys {
    time: "timestamp",
    seq: "sequence",
};

/// A revoke the server sent: the sender, an admin or another of my devices
/// revoked a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRevoke {
    /// The message's conversation (receiver's view).
    pub conv: ConvKey,
    /// The message revoked.
    pub msg_id: String,
    /// Who revoked it.
    pub revoker: String,
    /// Why (may be empty).
    pub reason: String,
    /// When (seconds; 0 = not given).
    pub time: u64,
}

impl InboundRevoke {
    /// Checks every field; the error names the key.
    pub fn validate(&self, config: &EngineConfig) -> Result<()> {
        check_id("conv_id", &self.conv.peer)?;
        check_id("msg_id", &self.msg_id)?;
        check_id("revoker", &self.revoker)?;
        check_reason(&self.reason, config)?;
        if self.time > MAX_TIME {
            return Err(invalid(format!(
                "time {} is out of range (at most {MAX_TIME})",
                self.time
            )));
        }
        Ok(())
    }
}

/// Who revoked a message, why and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The revoker's user id.
    pub revoker: String,
    /// The reason (may be empty).
    pub reason: String,
    /// When it was revoked (seconds).
    pub time: u64,
}

/// An edit of a message's content from the server (another device, the
/// sender).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundEdit {
    /// The message's conversation.
    pub conv: ConvKey,
    /// The message.
    pub msg_id: String,
    /// The new message JSON.
    pub body: String,
    /// The server's version of the edit (greater wins; 0 = unversioned,
    /// applied as it comes).
    pub version: u64,
}

fn check_reason(reason: &str, config: &EngineConfig) -> Result<()> {
    if reason.len() > config.custom_data_max || reason.contains('\0') {
        return Err(invalid(format!(
            "revoke reason is {} bytes or has a NUL; at most {} bytes",
            reason.len(),
            config.custom_data_max
        )));
    }
    Ok(())
}

/// Checks the global receive option's fields.
pub(crate) fn check_all_receive_opt(o: &AllReceiveOpt) -> Result<()> {
    if o.start_hour > 23 || o.start_minute > 59 || o.start_second > 59 {
        return Err(invalid(format!(
            "start time {}:{}:{} is not a time of day (hour 0..=23, minute and second 0..=59)",
            o.start_hour, o.start_minute, o.start_second
        )));
    }
    if o.start_time_stamp > MAX_TIME {
        return Err(invalid(format!(
            "start_time_stamp {} is out of range (at most {MAX_TIME})",
            o.start_time_stamp
        )));
    }
    Ok(())
}

/// A stored message's row, as the lifecycle reads it.
struct Row {
    rowid: i64,
    conv: i64,
    pos: i64,
    flags: i64,
    status: i64,
    server_time: u64,
    seq: u64,
}

fn read_row(conn: &Connection, rowid: i64) -> Result<Row> {
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
fn revoked_flags(fl: i64, config: &EngineConfig) -> i64 {
    lifecycle_bits(config, fl | flags::REVOKED, false)
}

/// Sets a stored message's flags; recounts its conversation when it lies
/// after the read position and marks the conversation changed when it is
/// the preview.
fn set_flags(w: &mut Work<'_>, idx: u32, row: &Row, fl: i64) -> Result<()> {
    w.tx.prepare_cached("UPDATE message SET flags = ?2 WHERE id = ?1")?
        .execute(params![row.rowid, fl])?;
    set_position_flags(w, row, fl)?;
    let st = w.get(idx);
    if row.pos > st.read_pos && (row.flags ^ fl) & COUNTING != 0 {
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
fn set_position_flags(w: &Work<'_>, row: &Row, fl: i64) -> Result<()> {
    if (row.flags ^ fl) & flags::RECOUNT != 0 {
        debug_assert!(w.positions_complete());
        w.tx.prepare_cached(
            "UPDATE message_pos SET flags = ?4 WHERE conv = ?1 AND pos = ?2 AND id = ?3",
        )?
        .execute(params![row.conv, row.pos, row.rowid, fl & flags::RECOUNT])?;
    }
    Ok(())
}

/// Deletes one stored message: the row stays (its id stays a duplicate)
/// without its content, flagged so no query returns it and it never counts.
fn delete_row(w: &mut Work<'_>, idx: u32, row: &Row) -> Result<()> {
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
    if row.pos > w.get(idx).read_pos && row.flags & COUNTING != 0 {
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

/// Applies an edit to a stored message when it is newer than the last one
/// applied: `version` 0 (loopback, or a server that gives none) always
/// applies; otherwise the greater version wins, ties by the greater body,
/// so every device keeps the same one. Returns whether it applied.
fn apply_edit(w: &mut Work<'_>, row: &Row, msg_id: &str, body: &str, version: u64) -> Result<bool> {
    let (cur_body, cur_version): (String, i64) =
        w.tx.prepare_cached(
            "SELECT m.body, coalesce((SELECT version FROM message_op
                                      WHERE msg_id = m.msg_id AND op = ?2 AND pending = 0), 0)
             FROM message m WHERE m.id = ?1",
        )?
        .query_row(params![row.rowid, OP_EDIT], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let cur_version = cur_version as u64;
    let newer = version == 0
        || version > cur_version
        || (version == cur_version && body > cur_body.as_str());
    if !newer || body == cur_body {
        return Ok(false);
    }
    w.tx.prepare_cached("UPDATE message SET body = ?2 WHERE id = ?1")?
        .execute(params![row.rowid, body])?;
    if version > 0 {
        w.tx.prepare_cached(
            "INSERT INTO message_op (msg_id, op, msg_hash, conv, version, time, pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
             ON CONFLICT (msg_id, op) DO UPDATE SET version = excluded.version, pending = 0,
                                                    data = NULL",
        )?
        .execute(params![
            msg_id,
            OP_EDIT,
            msg_hash(msg_id),
            row.conv,
            version as i64,
            w.now as i64
        ])?;
    }
    if w.get(conv_index(row.conv)).last_msg == Some(row.rowid) {
        w.mark_dirty(conv_index(row.conv));
    }
    Ok(true)
}

fn conv_index(conv: i64) -> u32 {
    (conv - 1) as u32
}

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
struct PendingOp<'a> {
    msg_id: &'a str,
    op: i64,
    by: &'a str,
    reason: &'a str,
    data: Option<&'a str>,
    version: u64,
}

impl<'a> PendingOp<'a> {
    fn new(msg_id: &'a str, op: i64) -> Self {
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
fn add_pending(w: &mut Work<'_>, conv: i64, p: PendingOp<'_>) -> Result<(i64, Vec<i64>)> {
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
struct PendingDelta {
    added: Vec<i64>,
    dropped: Vec<i64>,
}

impl Engine {
    /// Loads what the lifecycle keeps in memory: the hashes of pending
    /// operations, and the private-receipts setting.
    pub(super) fn load_lifecycle(&mut self) -> Result<()> {
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

    fn apply_pending(&mut self, d: PendingDelta) -> Result<()> {
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
    pub(super) fn begin_arrivals(&mut self) -> HashSet<i64> {
        std::mem::take(&mut self.msg_ops)
    }

    /// Gives back the set taken by [`Engine::begin_arrivals`], without the
    /// hashes whose operations a committed receive used up.
    pub(super) fn end_arrivals(&mut self, set: HashSet<i64>, settled: Vec<i64>) -> Result<()> {
        self.msg_ops = set;
        self.apply_pending(PendingDelta {
            added: Vec::new(),
            dropped: settled,
        })
    }

    /// Finds a stored, not deleted message of conversation `key` (visible);
    /// the error names the id.
    fn message_row(&self, key: &ConvKey, msg_id: &str) -> Result<(u32, Row)> {
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

    /// Revokes a message (TIM's `TIMMsgRevoke`): it stays in history,
    /// revoked (status 6), and an unread one stops counting (unless
    /// [`EngineConfig::revoked_messages_count`]). With a transport the
    /// server decides: a refusal restores it. A message not sent yet, or
    /// revoked already, is a parameter error.
    ///
    /// [`EngineConfig::revoked_messages_count`]: crate::EngineConfig::revoked_messages_count
    pub fn revoke_message(
        &mut self,
        key: &ConvKey,
        msg_id: &str,
        reason: &str,
    ) -> Result<StoredMessage> {
        check_reason(reason, &self.config)?;
        let (idx, row) = self.message_row(key, msg_id)?;
        if row.flags & flags::REVOKED != 0 {
            return Err(invalid(format!("message {msg_id:?} is revoked already")));
        }
        if row.status != MsgStatus::SendSucc as i64 {
            return Err(invalid(format!(
                "message {msg_id:?} was not sent (status {}); only a sent message can be revoked",
                row.status
            )));
        }
        let me = self.user_id.clone();
        self.commit(|w| {
            let mut fl = revoked_flags(row.flags, w.config);
            if w.outbox {
                fl |= flags::REVOKE_PENDING;
            }
            // `data`: the flags before, which a refusal restores.
            w.tx.prepare_cached(
                "INSERT OR REPLACE INTO message_op
                     (msg_id, op, msg_hash, conv, by_user, reason, data, time, pending)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
            )?
            .execute(params![
                msg_id,
                OP_REVOKE,
                msg_hash(msg_id),
                row.conv,
                me,
                reason,
                row.flags.to_string(),
                w.now as i64
            ])?;
            set_flags(w, idx, &row, fl)?;
            w.outbound(Outbound::Revoke {
                conv: key.clone(),
                msg_id: msg_id.to_owned(),
                reason: reason.to_owned(),
            })
        })?;
        self.message_by_id(msg_id)?
            .ok_or_else(|| Error::MessageNotFound(msg_id.to_owned()))
    }

    /// Who revoked a message, why and when (None: not revoked, or unknown).
    pub fn revocation(&self, msg_id: &str) -> Result<Option<Revocation>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT by_user, reason, time FROM message_op
                 WHERE msg_id = ?1 AND op = ?2 AND pending = 0",
            )?
            .query_row(params![msg_id, OP_REVOKE], |r| {
                Ok(Revocation {
                    revoker: r.get(0)?,
                    reason: r.get(1)?,
                    time: r.get::<_, i64>(2)? as u64,
                })
            })
            .optional()?)
    }

    /// Applies revokes the server sent, in one transaction. A revoke of a
    /// stored message revokes it (its unread stops counting) and fires the
    /// revoke event once; a repeat, one naming another conversation or a
    /// deleted message changes nothing; one for a message not stored yet is
    /// kept and applied when it arrives.
    pub fn apply_revokes(&mut self, revokes: Vec<InboundRevoke>) -> Result<()> {
        for r in &revokes {
            r.validate(&self.config)?;
        }
        let delta = self.commit(|w| {
            let mut delta = PendingDelta::default();
            for r in revokes {
                let idx = w.conv_for(&r.conv)?;
                let conv = w.get(idx).id;
                let time = if r.time > 0 { r.time } else { w.now };
                let Some(rowid) = w.find_message(&r.msg_id)? else {
                    let pending = PendingOp {
                        by: &r.revoker,
                        reason: &r.reason,
                        ..PendingOp::new(&r.msg_id, OP_REVOKE)
                    };
                    let (h, dropped) = add_pending(w, conv, pending)?;
                    delta.added.push(h);
                    delta.dropped.extend(dropped);
                    continue;
                };
                let row = read_row(w.tx, rowid)?;
                let was = row.flags & flags::REVOKED != 0;
                if row.conv != conv
                    || row.flags & flags::DELETED != 0
                    || (was && row.flags & flags::REVOKE_PENDING == 0)
                {
                    continue;
                }
                w.tx.prepare_cached(
                    "INSERT OR REPLACE INTO message_op
                         (msg_id, op, msg_hash, conv, by_user, reason, time, pending)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
                )?
                .execute(params![
                    r.msg_id,
                    OP_REVOKE,
                    msg_hash(&r.msg_id),
                    conv,
                    r.revoker,
                    r.reason,
                    time as i64
                ])?;
                let fl = if was {
                    row.flags
                } else {
                    revoked_flags(row.flags, w.config)
                };
                set_flags(w, idx, &row, fl & !flags::REVOKE_PENDING)?;
                if !was {
                    w.changes.revoked.push(RevokedMessage {
                        conv: r.conv.clone(),
                        msg_id: r.msg_id,
                        server_time: row.server_time,
                        seq: row.seq,
                        from_self: row.flags & flags::FROM_SELF != 0,
                        revoker: r.revoker,
                        reason: r.reason,
                    });
                }
            }
            Ok(delta)
        })?;
        self.apply_pending(delta)
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

    /// Edits a message's content (TIM's `TIMMsgModifyMessage`; `body` is
    /// the new message JSON). Without a transport it applies at once and
    /// returns the edited message; with one the server decides: it applies
    /// when the server accepts it (the ack's update time is its version) and
    /// a refusal changes nothing, and this returns the message as it is
    /// until then. Deleted and revoked messages cannot be edited.
    pub fn modify_message(
        &mut self,
        key: &ConvKey,
        msg_id: &str,
        body: &str,
    ) -> Result<StoredMessage> {
        self.check_body(msg_id, body)?;
        let (idx, row) = self.message_row(key, msg_id)?;
        if row.flags & flags::REVOKED != 0 {
            return Err(invalid(format!(
                "message {msg_id:?} is revoked; it cannot be edited"
            )));
        }
        let _ = idx;
        let queued = self.pending.len();
        let applied = self.commit(|w| {
            if w.outbox {
                w.outbound(Outbound::ModifyMessage {
                    conv: key.clone(),
                    msg_id: msg_id.to_owned(),
                    body: body.to_owned(),
                })?;
                Ok(false)
            } else {
                apply_edit(w, &row, msg_id, body, 0)
            }
        })?;
        if applied {
            self.queue_updates(queued, &[msg_id.to_owned()])?;
        }
        self.message_by_id(msg_id)?
            .ok_or_else(|| Error::MessageNotFound(msg_id.to_owned()))
    }

    /// Applies edits the server sent. An edit of a stored message applies
    /// when newer than the last applied (greater version; see
    /// [`InboundEdit::version`]) and fires the message-update event; one of
    /// a message not stored yet is kept (the newest) and its body replaces
    /// the message's when it arrives.
    pub fn apply_edits(&mut self, edits: Vec<InboundEdit>) -> Result<()> {
        for e in &edits {
            check_id("conv_id", &e.conv.peer)?;
            check_id("msg_id", &e.msg_id)?;
            self.check_body(&e.msg_id, &e.body)?;
            if e.version > i64::MAX as u64 {
                return Err(invalid(format!("version {} is out of range", e.version)));
            }
        }
        let queued = self.pending.len();
        let (delta, updated) = self.commit(|w| {
            let mut delta = PendingDelta::default();
            let mut updated = Vec::new();
            for e in edits {
                let idx = w.conv_for(&e.conv)?;
                let conv = w.get(idx).id;
                match w.find_message(&e.msg_id)? {
                    None => {
                        let pending = PendingOp {
                            data: Some(&e.body),
                            version: e.version,
                            ..PendingOp::new(&e.msg_id, OP_EDIT)
                        };
                        let (h, dropped) = add_pending(w, conv, pending)?;
                        delta.added.push(h);
                        delta.dropped.extend(dropped);
                    }
                    Some(rowid) => {
                        let row = read_row(w.tx, rowid)?;
                        if row.conv == conv
                            && row.flags & flags::DELETED == 0
                            && apply_edit(w, &row, &e.msg_id, &e.body, e.version)?
                        {
                            updated.push(e.msg_id);
                        }
                    }
                }
            }
            Ok((delta, updated))
        })?;
        self.queue_updates(queued, &updated)?;
        self.apply_pending(delta)
    }

    /// Adds the message-update events of `msg_ids` (edited by the operation
    /// that just committed) to that operation's batch, or queues a batch of
    /// their own when it changed nothing else; `queued`: the number of
    /// batches queued before it.
    pub(super) fn queue_updates(&mut self, queued: usize, msg_ids: &[String]) -> Result<()> {
        let mut msgs = Vec::with_capacity(msg_ids.len());
        for id in msg_ids {
            msgs.extend(self.message_by_id(id)?);
        }
        if msgs.is_empty() {
            return Ok(());
        }
        if self.pending.len() > queued {
            if let Some(last) = self.pending.back_mut() {
                last.messages_updated.extend(msgs);
            }
        } else {
            self.pending.push_back(crate::events::Changes {
                messages_updated: msgs,
                ..Default::default()
            });
        }
        Ok(())
    }

    /// Sets the global receive option (TIM's
    /// `TIMMsgSetAllReceiveMessageOpt`). Without a transport it applies at
    /// once; with one it applies when the server accepts it (a refusal
    /// changes nothing). It shapes the server's offline pushes; unread
    /// counts do not change.
    pub fn set_all_receive_opt(&mut self, opt: AllReceiveOpt) -> Result<()> {
        check_all_receive_opt(&opt)?;
        self.commit(|w| {
            if w.outbox {
                w.outbound(Outbound::AllReceiveOpt { opt })
            } else {
                store_all_receive_opt(w, opt, 0)
            }
        })
    }

    /// The global receive option in force (the default until one is set).
    pub fn all_receive_opt(&self) -> Result<AllReceiveOpt> {
        Ok(read_all_receive_opt(&self.conn)?.0)
    }

    /// Applies the global receive option the server sent (set on another
    /// device), at the server's version `update_time`: a greater version
    /// wins, so any order of snapshots and acks ends on the same value.
    pub fn apply_all_receive_opt(&mut self, opt: AllReceiveOpt, update_time: u64) -> Result<()> {
        check_all_receive_opt(&opt)?;
        if update_time > i64::MAX as u64 {
            return Err(invalid(format!(
                "update_time {update_time} is out of range"
            )));
        }
        self.commit(|w| store_all_receive_opt(w, opt, update_time))
    }

    /// Records the app's state for the push service (TIM's
    /// `TIMMsgDoBackground` / `TIMMsgDoForeground`): the badge number to
    /// show while in the background is kept ([`Engine::app_state`]) and,
    /// with a transport, handed over as an `app_state` envelope.
    pub fn set_app_state(&mut self, state: AppState) -> Result<()> {
        self.commit(|w| {
            let value = serde_json::to_string(&state)
                .map_err(|e| Error::Storage(format!("cannot encode the app state: {e}")))?;
            set_meta(w.tx, "app_state", &value)?;
            w.outbound(Outbound::AppState { state })
        })
    }

    /// The app state last recorded (foreground until one is).
    pub fn app_state(&self) -> Result<AppState> {
        Ok(match meta(&self.conn, "app_state")? {
            Some(v) => serde_json::from_str(&v)
                .map_err(|e| Error::StoreUnusable(format!("stored app state: {e}")))?,
            None => AppState::Foreground,
        })
    }

    /// Turns private read receipts on or off (persisted; see
    /// [`EngineConfig::private_read_receipts`]).
    ///
    /// [`EngineConfig::private_read_receipts`]: crate::EngineConfig::private_read_receipts
    pub fn set_private_read_receipts(&mut self, private: bool) -> Result<()> {
        self.commit(|w| {
            set_meta(
                w.tx,
                "private_read_receipts",
                if private { "1" } else { "0" },
            )
        })?;
        self.config.private_read_receipts = private;
        Ok(())
    }

    /// Whether read receipts are private.
    pub fn private_read_receipts(&self) -> bool {
        self.config.private_read_receipts
    }
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// The stored global receive option and its version.
fn read_all_receive_opt(conn: &Connection) -> Result<(AllReceiveOpt, u64)> {
    #[derive(serde::Deserialize)]
    struct Stored {
        opt: AllReceiveOpt,
        version: u64,
    }
    Ok(match meta(conn, "all_receive_opt")? {
        Some(v) => {
            let s: Stored = serde_json::from_str(&v)
                .map_err(|e| Error::StoreUnusable(format!("stored global receive option: {e}")))?;
            (s.opt, s.version)
        }
        None => (AllReceiveOpt::default(), 0),
    })
}

/// Stores the global receive option at `version` (0: unversioned, always
/// applies) when it is newer than the stored one (ties: the greater
/// encoding), and queues its event when the value changed.
fn store_all_receive_opt(w: &mut Work<'_>, opt: AllReceiveOpt, version: u64) -> Result<()> {
    let (cur, cur_version) = read_all_receive_opt(w.tx)?;
    let enc = |o: &AllReceiveOpt| serde_json::to_string(o).unwrap_or_default();
    let newer =
        version == 0 || version > cur_version || (version == cur_version && enc(&opt) > enc(&cur));
    if !newer {
        return Ok(());
    }
    let value = serde_json::json!({ "opt": opt, "version": version.max(cur_version) });
    set_meta(w.tx, "all_receive_opt", &value.to_string())?;
    if opt != cur {
        w.changes.all_receive_opt = Some(opt);
    }
    Ok(())
}

/// The server's answer to a lifecycle envelope (from the ack, inside its
/// transaction): an accepted revoke is confirmed; a refused one restores the
/// message unless the server's own revoke came meanwhile; an accepted edit
/// or global receive option applies at the ack's update time. Refused
/// deletes and clears are queued again by the outbox. Returns whether a
/// message's content changed (an accepted edit).
pub(crate) fn settle(
    w: &mut Work<'_>,
    item: &Outbound,
    ok: bool,
    update_time: u64,
) -> Result<bool> {
    match item {
        Outbound::Revoke { msg_id, .. } => {
            let Some(rowid) = w.find_message(msg_id)? else {
                return Ok(false);
            };
            let row = read_row(w.tx, rowid)?;
            if row.flags & flags::REVOKE_PENDING == 0 {
                return Ok(false);
            }
            let idx = conv_index(row.conv);
            if ok {
                set_flags(w, idx, &row, row.flags & !flags::REVOKE_PENDING)?;
                return Ok(false);
            }
            let before: Option<Option<String>> =
                w.tx.prepare_cached(
                    "DELETE FROM message_op WHERE msg_id = ?1 AND op = ?2 AND pending = 0
                     RETURNING data",
                )?
                .query_row(params![msg_id, OP_REVOKE], |r| r.get(0))
                .optional()?;
            let restored = before
                .flatten()
                .and_then(|d| d.parse::<i64>().ok())
                .unwrap_or(row.flags & !(flags::REVOKED | flags::REVOKE_PENDING));
            // Only what the revoke changed goes back (a receipt sent since stays).
            let keep = row.flags & flags::RECEIPT_SENT;
            set_flags(w, idx, &row, (restored & !flags::RECEIPT_SENT) | keep)?;
            Ok(false)
        }
        Outbound::ModifyMessage { msg_id, body, .. } if ok => {
            let Some(rowid) = w.find_message(msg_id)? else {
                return Ok(false);
            };
            let row = read_row(w.tx, rowid)?;
            if row.flags & (flags::DELETED | flags::REVOKED) != 0 {
                return Ok(false);
            }
            apply_edit(w, &row, msg_id, body, update_time)
        }
        Outbound::AllReceiveOpt { opt } if ok => {
            store_all_receive_opt(w, *opt, update_time)?;
            Ok(false)
        }
        _ => Ok(false),
    }
}
