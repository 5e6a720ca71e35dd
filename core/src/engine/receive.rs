//! Receiving and sending messages.

use super::outbox::Outbound;
use super::readpos::recount;
use super::state::{ConvState, AT_ALL as ST_AT_ALL, AT_ME as ST_AT_ME, TIE_BITS};
use super::work::Work;
use super::Engine;
use crate::error::{Error, Result};
use crate::message::{flags, IncomingMessage, MsgStatus, OutgoingMessage, StoredMessage, AT_ALL};
use crate::store::msg_hash;
use crate::types::ConvType;
use rusqlite::{params, Connection};

/// What a receive call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiveReport {
    /// Messages newly stored.
    pub stored: usize,
    /// Messages already stored before (same id): no-ops.
    pub duplicates: usize,
    /// Online-only messages passed to listeners without being stored.
    pub online: usize,
}

impl Engine {
    /// Stores a batch of received messages in one transaction. Each message
    /// is validated first; one bad message fails the whole batch and
    /// changes nothing. A message id already stored is a no-op. An empty
    /// batch is a parameter error.
    pub fn receive(&mut self, batch: Vec<IncomingMessage>) -> Result<ReceiveReport> {
        if batch.is_empty() {
            return Err(Error::InvalidParam("the message batch is empty".into()));
        }
        if batch.len() > self.config.receive_batch_max {
            return Err(Error::LimitExceeded(format!(
                "{} messages in one batch; at most {}",
                batch.len(),
                self.config.receive_batch_max
            )));
        }
        for m in &batch {
            self.check_incoming(m)?;
        }
        self.receive_checked(batch)
    }

    /// [`Engine::receive`] of a batch already checked (non-empty, within the
    /// batch limit, every message by [`Engine::check_incoming`]): a push's
    /// messages, which [`Engine::check_inbound`] checked with the rest.
    pub(crate) fn receive_checked(&mut self, batch: Vec<IncomingMessage>) -> Result<ReceiveReport> {
        let me = self.user_id.clone();
        // Rows of the conversations may be written later (see `lazy_rows`),
        // unless too many received messages would then be re-derived at open.
        let defer = self.lazy.tail_msgs() + batch.len() <= self.config.lazy_row_messages;
        self.run(true, |w| {
            w.defer_rows = defer;
            let tx = w.tx;
            let mut report = ReceiveReport::default();
            let mut insert = tx.prepare_cached(
                "INSERT INTO message
                     (conv, pos, msg_hash, msg_id, sender, server_time, seq, flags, status, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 2, ?9)",
            )?;
            for m in batch {
                let at_me = m.at_users.iter().any(|u| u == &me);
                let at_all = m.at_users.iter().any(|u| u == AT_ALL);
                let mut fl = 0;
                if m.from_self || m.sender == me {
                    fl |= flags::FROM_SELF;
                }
                if m.need_read_receipt {
                    fl |= flags::NEED_RECEIPT;
                }
                if m.excluded_from_unread {
                    fl |= flags::EXCLUDED_UNREAD;
                }
                if m.excluded_from_last_message {
                    fl |= flags::EXCLUDED_LAST;
                }
                if fl & (flags::FROM_SELF | flags::EXCLUDED_UNREAD) == 0 {
                    fl |= flags::COUNTED;
                }
                if fl & flags::FROM_SELF == 0 && m.conv.conv_type == ConvType::Group {
                    if at_me {
                        fl |= flags::AT_ME;
                    }
                    if at_all {
                        fl |= flags::AT_ALL;
                    }
                }
                if m.online_only {
                    report.online += 1;
                    w.changes.new_messages.push(stored(m, fl, false));
                    continue;
                }
                let hash = msg_hash(&m.msg_id);
                if w.find_message(&m.msg_id)?.is_some() {
                    log::debug!(
                        "receive {} in {}: a duplicate, not counted",
                        m.msg_id,
                        m.conv
                    );
                    report.duplicates += 1;
                    continue;
                }
                let idx = w.conv_for(&m.conv)?;
                let st = w.get(idx);
                let tolerance = w.config.future_time_tolerance;
                let pos = st.arrival_position(m.server_time, m.seq, w.now, tolerance);
                // A time further ahead than the tolerance is stored as the
                // latest one trusted (docs/ENGINE.md, "Disorder").
                let mut m = m;
                m.server_time = m.server_time.min(w.now.saturating_add(tolerance));
                // A message a delete with the messages read (and dropped)
                // is a repeat: not stored again.
                if pos <= st.read_pos {
                    let (upto, clear) = deleted_upto(tx, st.id)?;
                    if clear && pos <= upto {
                        report.duplicates += 1;
                        continue;
                    }
                }
                insert.execute(params![
                    st.id,
                    pos,
                    hash,
                    m.msg_id,
                    m.sender,
                    m.server_time as i64,
                    m.seq as i64,
                    fl,
                    m.body
                ])?;
                report.stored += 1;
                let rowid = tx.last_insert_rowid();
                let conv_id = st.id;
                if fl & flags::FROM_SELF != 0 {
                    super::receipts::settle_pending(tx, st.id, &m.msg_id)?;
                }
                w.new_keys.insert((hash, rowid));
                w.new_pos.insert((conv_id, pos, rowid), fl & flags::RECOUNT);
                let counts = w.type_counts(w.get(idx));
                let msg = Received {
                    rowid,
                    pos,
                    flags: fl,
                    server_time: m.server_time,
                    msg_id: &m.msg_id,
                };
                let is_read = msg.apply(tx, w.get_mut(idx), counts)?;
                log_received(&m, fl, counts, is_read, w.get(idx).unread);
                w.changes.new_messages.push(stored(m, fl, is_read));
            }
            Ok(report)
        })
    }

    /// Checks a received message: its fields ([`IncomingMessage::validate`])
    /// and its size.
    pub fn check_incoming(&self, m: &IncomingMessage) -> Result<()> {
        m.validate()?;
        self.check_body(&m.msg_id, &m.body)
    }

    /// A message JSON longer than [`EngineConfig::message_max_bytes`] is
    /// refused: it would be carried by every list and history call.
    ///
    /// [`EngineConfig::message_max_bytes`]: crate::EngineConfig::message_max_bytes
    fn check_body(&self, msg_id: &str, body: &str) -> Result<()> {
        let max = self.config.message_max_bytes;
        if body.len() > max {
            return Err(Error::LimitExceeded(format!(
                "message {msg_id:?} is {} bytes; at most {max}",
                body.len()
            )));
        }
        Ok(())
    }

    /// Records a message I send from this device: it becomes the
    /// conversation's last message and moves it up, and never counts as
    /// unread. `msg_id` must be unique; `status` is
    /// [`MsgStatus::Sending`] until the server acknowledges it.
    pub fn send_message(
        &mut self,
        msg_id: &str,
        msg: OutgoingMessage,
        status: MsgStatus,
    ) -> Result<StoredMessage> {
        crate::types::check_id("message id", msg_id)?;
        crate::types::check_id("conversation peer id", &msg.conv.peer)?;
        self.check_body(msg_id, &msg.body)?;
        let me = self.user_id.clone();
        self.commit(|w| {
            let now = w.now;
            let idx = w.conv_for(&msg.conv)?;
            let st = w.get(idx);
            // My group message has no sequence until the server stamps it;
            // in loopback mode (already "sent") it takes the next local one.
            let seq = match (msg.conv.conv_type, status) {
                (ConvType::Group, MsgStatus::SendSucc) => {
                    let next = st.max_pos.checked_add(1).ok_or_else(|| {
                        Error::LimitExceeded(format!(
                            "{}: sequence {} is the greatest there is; no message can follow it",
                            msg.conv, st.max_pos
                        ))
                    })?;
                    next as u64
                }
                _ => 0,
            };
            let pos = match (msg.conv.conv_type, status) {
                (ConvType::Group, _) if seq > 0 => seq as i64,
                (ConvType::Group, _) => st.max_pos,
                // Waiting for the server, my C2C message has no time the
                // others share: it goes just after the newest stored message
                // (the server's stamp places it at the ack), so a device clock
                // that runs ahead cannot put it — and a read up to it — past
                // messages the server stamps meanwhile.
                (ConvType::C2c, MsgStatus::Sending) if st.max_pos > 0 => st.max_pos + 1,
                (ConvType::C2c, MsgStatus::Sending) => {
                    let floor = now.saturating_sub(w.config.future_time_tolerance);
                    st.position_for(floor, 0)
                }
                (ConvType::C2c, _) => st.position_for(now, 0),
            };
            let mut fl = flags::FROM_SELF;
            if msg.need_read_receipt {
                fl |= flags::NEED_RECEIPT;
            }
            if msg.excluded_from_unread {
                fl |= flags::EXCLUDED_UNREAD;
            }
            if msg.excluded_from_last_message {
                fl |= flags::EXCLUDED_LAST;
            }
            let id = st.id;
            let hash = msg_hash(msg_id);
            if w.find_message(msg_id)?.is_some() {
                return Err(Error::InvalidParam(format!(
                    "message id {msg_id:?} is already used"
                )));
            }
            w.tx.prepare_cached(
                "INSERT INTO message
                     (conv, pos, msg_hash, msg_id, sender, server_time, seq, flags, status, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                pos,
                hash,
                msg_id,
                me,
                now as i64,
                fl,
                status as i64,
                msg.body
            ])?;
            let rowid = w.tx.last_insert_rowid();
            w.new_keys.insert((hash, rowid));
            w.new_pos.insert((id, pos, rowid), fl & flags::RECOUNT);
            super::receipts::settle_pending(w.tx, id, msg_id)?;
            let st = w.get_mut(idx);
            st.visible = true;
            st.max_pos = st.max_pos.max(pos);
            if !msg.excluded_from_last_message {
                st.last_msg = Some(rowid);
                st.last_pos = pos;
            }
            st.touch_activity(now);
            let stored = StoredMessage {
                msg_id: msg_id.to_owned(),
                conv: msg.conv,
                sender: me,
                server_time: now,
                seq,
                flags: fl,
                status,
                body: msg.body,
                is_read: true,
                is_peer_read: false,
                peer_receipt: false,
                read_count: 0,
                unread_count: 0,
            };
            if status == MsgStatus::Sending {
                w.outbound(Outbound::Message {
                    message: stored.clone(),
                })?;
            }
            Ok(stored)
        })
    }

    /// Applies the server's answer to one of my sends directly (without an
    /// outbox envelope): on success the server time and sequence are
    /// stamped; on failure the message stays, with status "send failed".
    pub fn complete_send(
        &mut self,
        msg_id: &str,
        ok: bool,
        server_time: u64,
        seq: u64,
    ) -> Result<StoredMessage> {
        if server_time > crate::message::MAX_TIME || seq > i64::MAX as u64 {
            return Err(Error::InvalidParam(format!(
                "ack for {msg_id:?}: server time or sequence out of range"
            )));
        }
        let (rowid, idx) = self.sent_message_row(msg_id)?;
        self.commit(|w| complete_send(w, rowid, idx, ok, server_time, seq))?;
        self.message_by_id(msg_id)?
            .ok_or_else(|| Error::MessageNotFound(msg_id.to_owned()))
    }

    /// Row id and conversation index of a message I sent.
    pub(crate) fn sent_message_row(&self, msg_id: &str) -> Result<(i64, u32)> {
        let rowid = self
            .find_message(msg_id)?
            .ok_or_else(|| Error::MessageNotFound(msg_id.to_owned()))?;
        let (conv, fl): (i64, i64) = self
            .conn
            .prepare_cached("SELECT conv, flags FROM message WHERE id = ?1")?
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if fl & flags::FROM_SELF == 0 {
            return Err(Error::InvalidParam(format!(
                "message {msg_id:?} was not sent by me"
            )));
        }
        Ok((rowid, (conv - 1) as u32))
    }
}

/// Stamps (or fails) one of my sends inside an operation.
pub(crate) fn complete_send(
    w: &mut Work<'_>,
    rowid: i64,
    idx: u32,
    ok: bool,
    server_time: u64,
    seq: u64,
) -> Result<()> {
    if ok {
        let st = w.get(idx);
        let time = if server_time > 0 { server_time } else { w.now };
        let pos = match st.key.conv_type {
            ConvType::Group if seq > 0 => seq as i64,
            _ => st.position_for(time, seq),
        };
        // Its `message_pos` entry moves with it (complete: see `Work::flush_tail`).
        debug_assert!(w.positions_complete());
        w.tx.prepare_cached(
            "UPDATE message_pos SET pos = ?3
             WHERE conv = ?2 AND id = ?1 AND pos = (SELECT pos FROM message WHERE id = ?1)",
        )?
        .execute(params![rowid, st.id, pos])?;
        w.tx.prepare_cached(
            "UPDATE message SET status = 2, server_time = ?2, seq = ?3, pos = ?4 WHERE id = ?1",
        )?
        .execute(params![rowid, time as i64, seq as i64, pos])?;
        let st = w.get_mut(idx);
        st.max_pos = st.max_pos.max(pos);
        if st.last_msg == Some(rowid) {
            st.last_pos = pos;
        }
        st.touch_activity(time);
        recount(w, idx)?;
    } else {
        w.tx.prepare_cached("UPDATE message SET status = 3 WHERE id = ?1")?
            .execute([rowid])?;
    }
    w.mark_dirty(idx);
    Ok(())
}

/// One stored incoming message, as the receive rule needs it.
pub(crate) struct Received<'m> {
    pub rowid: i64,
    pub pos: i64,
    pub flags: i64,
    pub server_time: u64,
    pub msg_id: &'m str,
}

impl Received<'_> {
    /// The receive rule: what this newly stored message does to its
    /// conversation `st` (`counts`: whether its type counts unread). Also
    /// replayed at open for messages whose conversation rows were not
    /// written yet. Returns whether the message counts as read.
    pub(crate) fn apply(
        &self,
        conn: &Connection,
        st: &mut ConvState,
        counts: bool,
    ) -> Result<bool> {
        let (pos, fl) = (self.pos, self.flags);
        // A deleted conversation comes back with a message after what the
        // delete read; an older one (delivered late) leaves it deleted.
        if !st.visible && (pos > st.read_pos || deleted_upto(conn, st.id)?.0 < pos) {
            // A conversation this message shows (new, or deleted before)
            // takes its place in the list from its messages' times, not from
            // when its row was made: after a sync of old history the list is
            // ordered by each conversation's newest message.
            st.active_time = 0;
            if !st.pinned {
                st.order_key = st.unpinned_key();
            }
            st.visible = true;
        }
        st.max_pos = st.max_pos.max(pos);
        let unread = counts && pos > st.read_pos;
        if unread && fl & flags::COUNTED != 0 {
            st.unread += 1;
        }
        if unread && fl & flags::AT_ME != 0 {
            st.at_flags |= ST_AT_ME;
        }
        if unread && fl & flags::AT_ALL != 0 {
            st.at_flags |= ST_AT_ALL;
        }
        // A message kept out of the preview (typing, control) does not move
        // the conversation in the list either.
        if fl & flags::EXCLUDED_LAST == 0 {
            let newer = match st.last_msg {
                None => true,
                // Two C2C messages of the same second: the greater id wins,
                // so every device shows the same preview.
                Some(last)
                    if st.key.conv_type == ConvType::C2c
                        && st.last_pos >> TIE_BITS == pos >> TIE_BITS =>
                {
                    let last_id: String = conn
                        .prepare_cached("SELECT msg_id FROM message WHERE id = ?1")?
                        .query_row([last], |r| r.get(0))?;
                    self.msg_id > last_id.as_str()
                }
                Some(_) => pos >= st.last_pos,
            };
            if newer {
                st.last_msg = Some(self.rowid);
                st.last_pos = st.last_pos.max(pos);
            }
            st.touch_activity(st.activity_time(self.server_time, pos));
        }
        Ok(!unread || fl & flags::COUNTED == 0)
    }
}

/// `(p, clear)` where a conversation's last delete read up to `p` (0:
/// never deleted) and `clear`: it took the messages. Read only for a
/// message at or before the read position (a late one), which is rare.
fn deleted_upto(conn: &Connection, conv: i64) -> Result<(i64, bool)> {
    let (upto, clear): (i64, bool) = conn
        .prepare_cached("SELECT deleted_upto, deleted_clear FROM conversation WHERE id = ?1")?
        .query_row([conv], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((upto, clear))
}

/// The debug line of one stored message: why it counts or not, and the
/// conversation's count after it (the id, never the body).
fn log_received(m: &IncomingMessage, fl: i64, counts: bool, is_read: bool, unread: u64) {
    if !log::log_enabled!(log::Level::Debug) {
        return;
    }
    let why = if fl & flags::FROM_SELF != 0 {
        "not counted: from me"
    } else if fl & flags::EXCLUDED_UNREAD != 0 {
        "not counted: excluded from unread"
    } else if !counts {
        "not counted: this conversation type counts no unread"
    } else if is_read {
        "not counted: at or before the read position"
    } else {
        "counted"
    };
    log::debug!(
        "receive {} in {} from {}: {why}; unread now {unread}",
        m.msg_id,
        m.conv,
        m.sender
    );
}

fn stored(m: IncomingMessage, fl: i64, is_read: bool) -> StoredMessage {
    StoredMessage {
        msg_id: m.msg_id,
        conv: m.conv,
        sender: m.sender,
        server_time: m.server_time,
        seq: m.seq,
        flags: fl,
        status: MsgStatus::SendSucc,
        body: m.body,
        is_read,
        is_peer_read: false,
        peer_receipt: false,
        read_count: 0,
        unread_count: 0,
    }
}
