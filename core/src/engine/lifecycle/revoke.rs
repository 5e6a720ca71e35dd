//! Revoking messages (`TIMMsgRevoke`): mine, through the server, and the
//! revokes the server sends (the sender, an admin or my other devices).

use super::pending::{add_pending, PendingDelta, PendingOp};
use super::{conv_index, read_row, revoked_flags, set_flags, OP_REVOKE};
use crate::config::EngineConfig;
use crate::engine::outbound::Outbound;
use crate::engine::work::Work;
use crate::engine::Engine;
use crate::error::{invalid, Error, Result};
use crate::events::RevokedMessage;
use crate::message::{flags, MsgStatus, StoredMessage, MAX_TIME};
use crate::store::msg_hash;
use crate::types::{check_id, ConvKey};
use rusqlite::{params, OptionalExtension};

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

impl Engine {
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
}

/// The server's answer to my revoke (from the ack, inside its transaction):
/// an accepted one is confirmed; a refused one restores the message unless
/// the server's own revoke came meanwhile.
pub(super) fn settle(w: &mut Work<'_>, msg_id: &str, ok: bool) -> Result<()> {
    let Some(rowid) = w.find_message(msg_id)? else {
        return Ok(());
    };
    let row = read_row(w.tx, rowid)?;
    if row.flags & flags::REVOKE_PENDING == 0 {
        return Ok(());
    }
    let idx = conv_index(row.conv);
    if ok {
        set_flags(w, idx, &row, row.flags & !flags::REVOKE_PENDING)?;
        return Ok(());
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
    Ok(())
}
