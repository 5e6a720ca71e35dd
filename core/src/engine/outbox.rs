//! The outbox: envelopes the host must deliver to the server, written in the
//! same transaction as the change they announce and kept until the server's
//! answer is applied, so a crash never loses or doubles one.

use super::confirmed::{self, Confirmed};
use super::outbound::{decode, encode, AckOutcome, Outbound, OutboundEnvelope};
use super::work::Work;
use super::Engine;
use crate::error::{invalid, Error, Result};
use crate::types::{ConvKey, CountPref, ReceiveOpt};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// What to restore when the server refuses an envelope: the values the
/// change replaced. Applied only where the current value is still the one
/// the refused change set (a later local change wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "undo", rename_all = "snake_case")]
enum Undo {
    Pin {
        conv: ConvKey,
        pinned: bool,
        order_key: u64,
    },
    Marks {
        before: Vec<(ConvKey, u64)>,
    },
    ReceiveOpt {
        conv: ConvKey,
        opt: ReceiveOpt,
    },
    CountPref {
        conv: ConvKey,
        pref: CountPref,
    },
    Text {
        column: String,
        before: Vec<(ConvKey, String)>,
    },
    Receipts {
        msg_ids: Vec<String>,
    },
}

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

    /// Before the first settings change of a conversation goes out, records
    /// the values it replaced as what the server confirmed: the device was
    /// in step with the server (or nothing was ever set), and a refusal, in
    /// whatever order, must come back to them.
    fn confirm_before(&mut self, item: &Outbound) -> Result<()> {
        let Some((_, convs)) = setting(item) else {
            return Ok(());
        };
        for conv in convs {
            let Some(idx) = self.lookup(conv) else {
                continue;
            };
            let id = self.get(idx).id;
            if confirmed::load(self, id)?.is_some() {
                continue;
            }
            // A conversation this operation created had nothing set.
            let Some(st) = self.before(idx).cloned() else {
                confirmed::store(self, id, &Confirmed::default())?;
                continue;
            };
            let mut c = Confirmed::current(self, &st)?;
            for (k, column, old) in &self.old_texts {
                if k == conv {
                    match *column {
                        "custom_data" => c.custom_data = old.clone(),
                        "server_ext" => c.server_ext = old.clone(),
                        _ => {}
                    }
                }
            }
            confirmed::store(self, id, &c)?;
        }
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

impl Work<'_> {
    /// The values `item`'s change replaced, from the states before this
    /// operation (and the text columns it noted).
    fn undo_for(&self, item: &Outbound) -> Option<Undo> {
        let before = |k: &ConvKey| self.lookup(k).and_then(|i| self.before(i));
        match item {
            Outbound::Pin { conv, .. } => before(conv).map(|b| Undo::Pin {
                conv: conv.clone(),
                pinned: b.pinned,
                order_key: b.order_key,
            }),
            Outbound::Marks { convs, .. } => Some(Undo::Marks {
                before: convs
                    .iter()
                    .filter_map(|k| before(k).map(|b| (k.clone(), b.marks)))
                    .collect(),
            }),
            Outbound::ReceiveOpt { conv, .. } => Some(Undo::ReceiveOpt {
                conv: conv.clone(),
                opt: before(conv).map_or(ReceiveOpt::Receive, |b| b.recv_opt),
            }),
            Outbound::CountPref { conv, .. } => Some(Undo::CountPref {
                conv: conv.clone(),
                pref: before(conv).map_or(CountPref::All, |b| b.count_pref),
            }),
            Outbound::CustomData { .. } | Outbound::ServerExtension { .. } => {
                let column = match item {
                    Outbound::CustomData { .. } => "custom_data",
                    _ => "server_ext",
                };
                Some(Undo::Text {
                    column: column.to_owned(),
                    before: self
                        .old_texts
                        .iter()
                        .filter(|(_, c, _)| *c == column)
                        .map(|(k, _, v)| (k.clone(), v.clone()))
                        .collect(),
                })
            }
            Outbound::Receipts { msg_ids, .. } => Some(Undo::Receipts {
                msg_ids: msg_ids.clone(),
            }),
            // Read positions only move forward; deletes and group changes
            // stay; a refused send becomes "send failed".
            _ => None,
        }
    }
}

/// The kind of change an item makes and the conversations it touches.
fn touches(item: &Outbound) -> (std::mem::Discriminant<Outbound>, Vec<&ConvKey>) {
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

/// One setting a settings envelope changes.
#[derive(Clone, Copy)]
enum Setting {
    Pin,
    Marks(u64),
    Opt,
    Pref,
    Text(&'static str),
}

/// The setting `item` changes and the conversations it changes it on.
fn setting(item: &Outbound) -> Option<(Setting, Vec<&ConvKey>)> {
    Some(match item {
        Outbound::Pin { conv, .. } => (Setting::Pin, vec![conv]),
        Outbound::Marks { convs, mark, .. } => (Setting::Marks(*mark), convs.iter().collect()),
        Outbound::ReceiveOpt { conv, .. } => (Setting::Opt, vec![conv]),
        Outbound::CountPref { conv, .. } => (Setting::Pref, vec![conv]),
        Outbound::CustomData { convs, .. } => {
            (Setting::Text("custom_data"), convs.iter().collect())
        }
        Outbound::ServerExtension { conv, .. } => (Setting::Text("server_ext"), vec![conv]),
        _ => return None,
    })
}

/// `c` with the change of `item`, accepted at update time `u` (0: not
/// given), applied to every value whose confirmed version is not newer.
/// Returns the mark bits the change may set here (all others are newer).
fn with_change(item: &Outbound, c: &mut Confirmed, u: u64) -> u64 {
    let v = &mut c.versions;
    let all = v.all;
    let newer = |field: u64| u > 0 && u < field.max(all);
    match item {
        Outbound::Pin { pinned, .. } if !newer(v.pin) => {
            c.pinned = *pinned;
            v.pin = u;
        }
        Outbound::Marks { mark, enable, .. } => {
            let mut bits = 0;
            for b in (0..64).filter(|b| mark & (1 << b) != 0) {
                let ver = v.marks.entry(b).or_insert(0);
                if !newer(*ver) {
                    *ver = u;
                    bits |= 1 << b;
                }
            }
            c.marks = if *enable {
                c.marks | bits
            } else {
                c.marks & !bits
            };
            return bits;
        }
        Outbound::ReceiveOpt { opt, .. } if !newer(v.opt) => {
            c.recv_opt = opt.as_i64();
            v.opt = u;
        }
        Outbound::CountPref { pref, .. } if !newer(v.pref) => {
            c.count_pref = pref.as_i64();
            v.pref = u;
        }
        Outbound::CustomData { data, .. } if !newer(v.custom) => {
            c.custom_data = data.clone();
            v.custom = u;
        }
        Outbound::ServerExtension { ext, .. } if !newer(v.ext) => {
            c.server_ext = ext.clone();
            v.ext = u;
        }
        _ => return 0,
    }
    u64::MAX
}

/// Sets this device's value of `what` on conversation `idx` to the
/// confirmed one.
fn set_local(w: &mut Work<'_>, idx: u32, what: &Setting, c: &Confirmed) -> Result<()> {
    match what {
        Setting::Pin => {
            let st = w.get(idx);
            if st.visible && st.pinned != c.pinned {
                let now = w.now;
                let st = w.get_mut(idx);
                st.pinned = c.pinned;
                st.order_key = if c.pinned {
                    st.pinned_key(now)
                } else {
                    st.unpinned_key()
                };
            }
        }
        Setting::Marks(mark) => {
            let st = w.get(idx);
            let marks = (st.marks & !mark) | (c.marks & mark);
            if st.visible && marks != st.marks {
                w.get_mut(idx).marks = marks;
            }
        }
        Setting::Opt => {
            let opt = c.opt()?;
            if w.get(idx).recv_opt != opt {
                w.get_mut(idx).recv_opt = opt;
            }
        }
        Setting::Pref => {
            let pref = c.pref()?;
            if w.get(idx).count_pref != pref {
                w.get_mut(idx).count_pref = pref;
            }
        }
        Setting::Text(column) => {
            let (sql, value) = match *column {
                "custom_data" => (
                    "UPDATE conversation SET custom_data = ?2 WHERE id = ?1 AND custom_data != ?2",
                    &c.custom_data,
                ),
                _ => (
                    "UPDATE conversation SET server_ext = ?2 WHERE id = ?1 AND server_ext != ?2",
                    &c.server_ext,
                ),
            };
            let id = w.get(idx).id;
            if w.tx.prepare_cached(sql)?.execute(params![id, value])? > 0 {
                w.mark_dirty(idx);
            }
        }
    }
    Ok(())
}

/// Applies the server's answer to a settings envelope through the
/// confirmed record: an accepted change (at `update_time`, 0 = not given)
/// becomes the confirmed value, and this device's value unless a newer
/// server state is here already or a later queued envelope changes the same
/// thing; a refused one restores the confirmed value, with the same
/// exception. Returns the conversations settled this way; a refusal on a
/// conversation with no confirmed record is left to the undo record.
fn settle(
    w: &mut Work<'_>,
    item: &Outbound,
    accepted: bool,
    update_time: u64,
    later: &[Outbound],
) -> Result<Vec<ConvKey>> {
    let Some((what, convs)) = setting(item) else {
        return Ok(Vec::new());
    };
    let kind = std::mem::discriminant(item);
    let mut settled = Vec::new();
    for conv in convs {
        let Some(idx) = w.lookup(conv) else { continue };
        let superseded = later.iter().any(|l| {
            let (k, cs) = touches(l);
            k == kind && cs.contains(&conv)
        });
        let id = w.get(idx).id;
        let sync_time: i64 =
            w.tx.prepare_cached("SELECT sync_time FROM conversation WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?;
        let stored = confirmed::load(w, id)?;
        if accepted {
            settled.push(conv.clone());
            let mut c = match stored {
                Some(c) => c,
                None => Confirmed::current(w, w.get(idx))?,
            };
            // A value confirmed at a newer update time holds this change or
            // one after it: it stays.
            let applied = with_change(item, &mut c, update_time);
            confirmed::store(w, id, &c)?;
            if applied == 0 {
                continue;
            }
            if update_time as i64 > sync_time {
                // A snapshot older than this change no longer applies; the
                // server's snapshot of this very version still does.
                w.tx.prepare_cached(
                    "UPDATE conversation SET sync_time = ?2, sync_digest = ?3 WHERE id = ?1",
                )?
                .execute(params![id, update_time as i64, i64::MIN])?;
            }
            if !superseded {
                let what = match what {
                    Setting::Marks(m) => Setting::Marks(m & applied),
                    other => other,
                };
                set_local(w, idx, &what, &c)?;
            }
        } else if let Some(c) = stored {
            settled.push(conv.clone());
            if !superseded {
                set_local(w, idx, &what, &c)?;
            }
        }
    }
    Ok(settled)
}

/// Restores what a refused envelope changed, except where a newer change
/// replaced it: the current value differs from what the refused change set,
/// or a later envelope still queued changes the same thing.
fn revert(
    w: &mut Work<'_>,
    item: &Outbound,
    undo: Undo,
    later: &[Outbound],
    settled: &[ConvKey],
) -> Result<()> {
    let kind = std::mem::discriminant(item);
    let superseded = |conv: &ConvKey| {
        settled.contains(conv)
            || later.iter().any(|l| {
                let (k, convs) = touches(l);
                k == kind && convs.contains(&conv)
            })
    };
    match (item, undo) {
        (
            Outbound::Pin { pinned, .. },
            Undo::Pin {
                conv,
                pinned: was,
                order_key,
            },
        ) => {
            if let Some(idx) = w.lookup_visible(&conv).filter(|_| !superseded(&conv)) {
                if w.get(idx).pinned == *pinned && was != *pinned {
                    let st = w.get_mut(idx);
                    st.pinned = was;
                    st.order_key = if was { order_key } else { st.unpinned_key() };
                }
            }
        }
        (Outbound::Marks { mark, enable, .. }, Undo::Marks { before }) => {
            for (conv, prev) in before {
                if let Some(idx) = w.lookup_visible(&conv).filter(|_| !superseded(&conv)) {
                    let st = w.get_mut(idx);
                    // Only the bits this change flipped go back.
                    st.marks = if *enable {
                        st.marks & !(mark & !prev)
                    } else {
                        st.marks | (mark & prev)
                    };
                }
            }
        }
        (Outbound::ReceiveOpt { opt, .. }, Undo::ReceiveOpt { conv, opt: prev }) => {
            if let Some(idx) = w.lookup(&conv).filter(|_| !superseded(&conv)) {
                if w.get(idx).recv_opt == *opt {
                    w.get_mut(idx).recv_opt = prev;
                }
            }
        }
        (Outbound::CountPref { pref, .. }, Undo::CountPref { conv, pref: prev }) => {
            if let Some(idx) = w.lookup(&conv).filter(|_| !superseded(&conv)) {
                if w.get(idx).count_pref == *pref {
                    w.get_mut(idx).count_pref = prev;
                }
            }
        }
        (_, Undo::Text { column, before }) => {
            let (new, sql) = match item {
                Outbound::CustomData { data, .. } => (
                    data,
                    "UPDATE conversation SET custom_data = ?2 WHERE id = ?1 AND custom_data = ?3",
                ),
                Outbound::ServerExtension { ext, .. } => (
                    ext,
                    "UPDATE conversation SET server_ext = ?2 WHERE id = ?1 AND server_ext = ?3",
                ),
                _ => {
                    return Err(Error::StoreUnusable(format!(
                        "the undo record ({column}) does not fit its envelope"
                    )))
                }
            };
            for (conv, prev) in before {
                if let Some(idx) = w.lookup_visible(&conv).filter(|_| !superseded(&conv)) {
                    let id = w.get(idx).id;
                    if w.tx.prepare_cached(sql)?.execute(params![id, prev, new])? > 0 {
                        w.mark_dirty(idx);
                    }
                }
            }
        }
        (_, Undo::Receipts { msg_ids }) => {
            for id in msg_ids {
                if let Some(rowid) = w.find_message(&id)? {
                    w.tx.prepare_cached("UPDATE message SET flags = flags & ~?2 WHERE id = ?1")?
                        .execute(params![rowid, crate::message::flags::RECEIPT_SENT])?;
                }
            }
        }
        _ => {}
    }
    Ok(())
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

    /// Every envelope not yet acknowledged, oldest first (to re-deliver after
    /// a restart).
    pub fn outbox(&self) -> Result<Vec<OutboundEnvelope>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, payload FROM outbox ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, payload) = row?;
            decode(id, &payload)
        })
        .collect()
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
        let later: Vec<Outbound> = if code == 0 || undo.is_some() {
            self.outbox()?
                .into_iter()
                .filter(|e| e.envelope_id > envelope_id)
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
