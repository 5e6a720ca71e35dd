//! Editing messages (`TIMMsgModifyMessage`): mine, through the server, and
//! the edits the server sends; the greater version wins everywhere.

use super::pending::{add_pending, PendingDelta, PendingOp};
use super::{conv_index, read_row, Row, OP_EDIT};
use crate::engine::outbound::Outbound;
use crate::engine::work::Work;
use crate::engine::Engine;
use crate::error::{invalid, Error, Result};
use crate::message::{flags, StoredMessage};
use crate::store::msg_hash;
use crate::types::{check_id, ConvKey};
use rusqlite::params;

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

impl Engine {
    /// Edits a message's content (TIM's `TIMMsgModifyMessage`; `body` is
    /// the new message JSON). Without a transport it applies at once and
    /// returns the edited message; with one the server decides: it applies
    /// when the server accepts it (the ack's update time is its version) and
    /// a refusal changes nothing. Either way this returns the message with
    /// the edit applied (with a transport: as it will stand once the server
    /// accepts; the store keeps the old body until then), so every face
    /// reports the same message. Deleted and revoked messages cannot be
    /// edited.
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
        let mut m = self
            .message_by_id(msg_id)?
            .ok_or_else(|| Error::MessageNotFound(msg_id.to_owned()))?;
        // Queued for the server: the edit as it will stand (an edit only
        // replaces the body, see `apply_edit`).
        body.clone_into(&mut m.body);
        Ok(m)
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
    pub(crate) fn queue_updates(&mut self, queued: usize, msg_ids: &[String]) -> Result<()> {
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
}

/// The server's acceptance of my edit (from the ack, inside its
/// transaction): it applies at the ack's update time. Returns whether the
/// message's content changed.
pub(super) fn settle(w: &mut Work<'_>, msg_id: &str, body: &str, update_time: u64) -> Result<bool> {
    let Some(rowid) = w.find_message(msg_id)? else {
        return Ok(false);
    };
    let row = read_row(w.tx, rowid)?;
    if row.flags & (flags::DELETED | flags::REVOKED) != 0 {
        return Ok(false);
    }
    apply_edit(w, &row, msg_id, body, update_time)
}
