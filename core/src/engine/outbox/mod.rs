//! The outbox: envelopes the host must deliver to the server, written in the
//! same transaction as the change they announce and kept until the server's
//! answer is applied, so a crash never loses or doubles one.
//!
//! The queue and the acks live here; [`settle`] holds how an answer to a
//! settings envelope settles the confirmed record, [`undo`] what a refusal
//! restores where no confirmed record covers it.

mod settle;
mod undo;

use super::outbound::{decode, encode, AckOutcome, Outbound, OutboundEnvelope};
use super::work::Work;
use super::Engine;
use crate::error::{invalid, Error, Result};
use crate::types::ConvKey;
use rusqlite::{params, OptionalExtension};
use settle::settle;
use undo::{revert, Undo};

impl Work<'_> {
    /// Queues an envelope, in this operation's transaction, when the outbox
    /// is enabled (a transport is attached); otherwise does nothing.
    pub(crate) fn outbound(&mut self, item: Outbound) -> Result<()> {
        if !self.outbox {
            return Ok(());
        }
        // Private read receipts: my other devices still learn the positions.
        let item = match item {
            Outbound::ReadPositions { positions } if self.config.private_read_receipts => {
                Outbound::PrivateReadPositions { positions }
            }
            item => item,
        };
        self.confirm_before(&item)?;
        let envelope_id = self.enqueue(&item)?;
        self.changes
            .outbound
            .push(OutboundEnvelope { envelope_id, item });
        Ok(())
    }

    /// Writes `item` to the outbox under a new envelope id and returns the
    /// id; the caller decides whether it is handed over now.
    fn enqueue(&mut self, item: &Outbound) -> Result<u64> {
        let payload =
            encode(item).map_err(|e| Error::Storage(format!("cannot encode an envelope: {e}")))?;
        let msg_id = match item {
            Outbound::Message { message } => Some(message.msg_id.clone()),
            _ => None,
        };
        let undo = self
            .undo_for(item)
            .map(|u| serde_json::to_string(&u))
            .transpose()
            .map_err(|e| Error::Storage(format!("cannot encode an undo record: {e}")))?;
        // An envelope id is never reused: the server treats a repeated id as
        // a repeat, so an id freed by an ack (the row is deleted) must not
        // name a new change. The highest id issued is kept in `meta`, in
        // this same transaction.
        let id: i64 = self
            .tx
            .prepare_cached(
                "SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta
                                      WHERE key = 'outbox_last_id'), 0),
                            coalesce((SELECT max(id) FROM outbox), 0)) + 1",
            )?
            .query_row([], |r| r.get(0))?;
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (id, payload, msg_id, created, undo)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, payload, msg_id, self.now as i64, undo])?;
        self.tx
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('outbox_last_id', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([id.to_string()])?;
        Ok(id as u64)
    }
}

/// Whether a refusal of this kind is only a delay: the change cannot be
/// undone (a read position only moves forward; a delete read the
/// conversation and may have dropped its messages) and a server can always
/// apply it (positions merge by maximum, a delete is idempotent), so the
/// refused envelope is queued again under a new id and passed with the next
/// resend (login, or the outbound callback set again after a reconnect).
fn retried_after_refusal(item: &Outbound) -> bool {
    matches!(
        item,
        Outbound::ReadPositions { .. }
            | Outbound::PrivateReadPositions { .. }
            | Outbound::Delete { .. }
            | Outbound::MessageDelete { .. }
            | Outbound::ClearHistory { .. }
    )
}

/// The kind of change an item makes and the conversations it touches.
pub(super) fn touches(item: &Outbound) -> (std::mem::Discriminant<Outbound>, Vec<&ConvKey>) {
    let convs = match item {
        Outbound::Pin { conv, .. }
        | Outbound::ReceiveOpt { conv, .. }
        | Outbound::CountPref { conv, .. }
        | Outbound::ServerExtension { conv, .. }
        | Outbound::Receipts { conv, .. } => vec![conv],
        Outbound::Marks { convs, .. } | Outbound::CustomData { convs, .. } => {
            convs.iter().collect()
        }
        _ => Vec::new(),
    };
    (std::mem::discriminant(item), convs)
}

impl Engine {
    /// Attaches (`true`) or detaches a transport. With it, operations queue
    /// outbound envelopes durably and sends stay "sending" until acked;
    /// without it (loopback), sends succeed locally at once.
    pub fn set_outbox_enabled(&mut self, enabled: bool) {
        self.outbox = enabled;
    }

    /// Whether a transport is attached.
    pub fn outbox_enabled(&self) -> bool {
        self.outbox
    }

    /// The envelopes queued after `envelope_id`, in order.
    fn outbox_after(&self, envelope_id: u64) -> Result<Vec<OutboundEnvelope>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, payload FROM outbox WHERE id > ?1 ORDER BY id")?;
        let rows = stmt.query_map([envelope_id as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (id, payload) = row?;
            decode(id, &payload)
        })
        .collect()
    }

    /// Every envelope not yet acknowledged, oldest first (to re-deliver after
    /// a restart).
    pub fn outbox(&self) -> Result<Vec<OutboundEnvelope>> {
        // Envelope ids are row ids: 1 and up.
        self.outbox_after(0)
    }

    /// Applies the server's answer to envelope `envelope_id`: code 0 stamps a
    /// message with the server's time and sequence; a non-zero code leaves
    /// the message with status "send failed" and undoes what a refused pin,
    /// mark, receive option, custom data, server extension or receipt
    /// changed (unless a later change replaced it). Refused read positions
    /// and deletes stay applied here and are queued again under a new
    /// envelope id, not handed over now: the next resend passes them (see
    /// docs/TRANSPORT.md, "Several devices"). Group changes stay. An unknown or
    /// already answered envelope is a parameter error.
    pub fn ack_outbound(
        &mut self,
        envelope_id: u64,
        code: i32,
        server_time: u64,
        seq: u64,
    ) -> Result<AckOutcome> {
        self.ack_outbound_at(envelope_id, code, server_time, seq, 0)
    }

    /// [`Engine::ack_outbound`] with the server's update time (version) of
    /// the conversations an accepted settings change touched (0: not given).
    /// The accepted value is then ordered against snapshots: one older than
    /// `update_time` no longer replaces it. A refused setting goes back to
    /// the value the server last confirmed (the last snapshot merged or
    /// change accepted), whatever the order and number of refusals and
    /// acceptances before it, unless a later queued envelope changes it again.
    pub fn ack_outbound_at(
        &mut self,
        envelope_id: u64,
        code: i32,
        server_time: u64,
        seq: u64,
        update_time: u64,
    ) -> Result<AckOutcome> {
        if server_time > crate::message::MAX_TIME
            || seq > i64::MAX as u64
            || update_time > i64::MAX as u64
        {
            return Err(invalid(format!(
                "ack of envelope {envelope_id}: server time, sequence or update time out of range"
            )));
        }
        let row: Option<(String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT payload, undo FROM outbox WHERE id = ?1")?
            .query_row([envelope_id as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (payload, undo) = row.ok_or_else(|| {
            invalid(format!(
                "envelope {envelope_id} is unknown or was answered already"
            ))
        })?;
        let undo: Option<Undo> = match undo {
            Some(u) if code != 0 => Some(serde_json::from_str(&u).map_err(|e| {
                Error::StoreUnusable(format!("undo record of envelope {envelope_id}: {e}"))
            })?),
            _ => None,
        };
        let envelope = decode(envelope_id as i64, &payload)?;
        // The server stamped an accepted send with its time: the clock
        // follows it (a device clock that is off does not order my sends).
        if code == 0 && matches!(envelope.item, Outbound::Message { .. }) {
            self.observe_server_time(server_time);
        }
        // The envelopes queued after this one, for a setting or an undo: a
        // later change of the same thing wins. Not read for a message's ack
        // (the common case): reading the whole queue per ack made a burst of
        // acks quadratic.
        let needs_later = undo.is_some() || (code == 0 && settle::is_setting(&envelope.item));
        let later: Vec<Outbound> = if needs_later {
            self.outbox_after(envelope_id)?
                .into_iter()
                .map(|e| e.item)
                .collect()
        } else {
            Vec::new()
        };
        let sent = match &envelope.item {
            Outbound::Message { message } => Some(message.msg_id.clone()),
            _ => None,
        };
        // The message may be gone (its conversation was deleted with its
        // messages while the envelope was on its way): the ack still answers
        // the envelope. Refusing it would leave an envelope that can never
        // be answered, passed again at every login, and a send that never
        // completes.
        let lookup = match &sent {
            Some(id) => match self.sent_message_row(id) {
                Ok(row) => Some(row),
                Err(Error::MessageNotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let undone = undo.is_some();
        let queued = self.pending.len();
        let edited = self.commit(|w| {
            w.tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?
                .execute([envelope_id as i64])?;
            if let Some((rowid, idx)) = lookup {
                super::message_rule::complete_send(w, rowid, idx, code == 0, server_time, seq)?;
            }
            let settled = settle(w, &envelope.item, code == 0, update_time, &later)?;
            if let Some(u) = undo {
                revert(w, &envelope.item, u, &later, &settled)?;
            }
            if code != 0 && retried_after_refusal(&envelope.item) {
                w.enqueue(&envelope.item)?;
            }
            super::lifecycle::settle(w, &envelope.item, code == 0, update_time)
        })?;
        log_ack(envelope_id, &envelope.item, code, server_time, seq, undone);
        let sent = sent.or_else(|| match &envelope.item {
            Outbound::Revoke { msg_id, .. } | Outbound::ModifyMessage { msg_id, .. } => {
                Some(msg_id.clone())
            }
            _ => None,
        });
        if edited {
            self.queue_updates(queued, sent.as_slice())?;
        }
        let message = match sent {
            Some(id) => self.message_by_id(&id)?,
            None => None,
        };
        Ok(AckOutcome {
            envelope,
            code,
            message,
        })
    }
}

/// The log line of an answered envelope: its id and kind, never its content
/// (a message body stays out of the log).
fn log_ack(envelope_id: u64, item: &Outbound, code: i32, server_time: u64, seq: u64, undone: bool) {
    let level = if code == 0 {
        log::Level::Info
    } else {
        log::Level::Warn
    };
    if !log::log_enabled!(level) {
        return;
    }
    // The envelope kinds of docs/TRANSPORT.md.
    let kind = match item {
        Outbound::Message { .. } => "message",
        Outbound::Receipts { .. } => "receipt",
        Outbound::ReadPositions { .. } => "read_position",
        Outbound::Pin { .. } => "pin",
        Outbound::Marks { .. } => "mark",
        Outbound::ReceiveOpt { .. } => "receive_opt",
        Outbound::CountPref { .. } => "count_pref",
        Outbound::CustomData { .. } => "custom_data",
        Outbound::ServerExtension { .. } => "server_extension",
        Outbound::Delete { .. } => "delete",
        Outbound::Group { .. } => "conversation_group",
        Outbound::PrivateReadPositions { .. } => "read_position (private)",
        Outbound::MessageDelete { .. } => "message_delete",
        Outbound::ClearHistory { .. } => "clear_history",
        Outbound::Revoke { .. } => "revoke",
        Outbound::ModifyMessage { .. } => "modify_message",
        Outbound::AllReceiveOpt { .. } => "all_receive_opt",
        Outbound::AppState { .. } => "app_state",
    };
    if code == 0 {
        log::info!(
            "ack of envelope {envelope_id} ({kind}): accepted, server time {server_time}, seq {seq}"
        );
    } else {
        log::warn!(
            "ack of envelope {envelope_id} ({kind}): refused by the server with code {code}; {}",
            match (undone, item) {
                (true, _) => "its change was undone",
                (false, Outbound::Message { .. }) => "the message is marked failed (status 3)",
                (false, _) => "nothing undone (read positions, deletes and group changes stay)",
            }
        );
    }
}
