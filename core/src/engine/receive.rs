//! Receiving and sending messages.

use super::counting::{self, Verdict};
use super::history::Skipped;
use super::message_rule::{self, deleted_upto, Received};
use super::outbound::Outbound;
use super::Engine;
use crate::error::{Error, Result};
use crate::explain::NotCountedReason;
use crate::message::{flags, IncomingMessage, MsgStatus, OutgoingMessage, StoredMessage, AT_ALL};
use crate::store::msg_hash;
use crate::types::ConvType;
use rusqlite::params;

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
        // Messages not stored, for the unread explanation (kept once the
        // receive committed).
        let mut skipped = Vec::new();
        let skip = |m: &IncomingMessage, reason| Skipped {
            conv: m.conv.clone(),
            msg_id: m.msg_id.clone(),
            sender: m.sender.clone(),
            server_time: m.server_time,
            seq: m.seq,
            reason,
        };
        let ops = self.begin_arrivals();
        let mut settled = Vec::new();
        let result = self.run(true, |w| {
            w.defer_rows = defer;
            let tx = w.tx;
            let mut report = ReceiveReport::default();
            let mut insert = tx.prepare_cached(
                "INSERT INTO message
                     (conv, pos, msg_hash, msg_id, sender, server_time, seq, flags, status, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 2, ?9)",
            )?;
            for m in batch {
                let fl = FlagSource::incoming(&m, &me).bits(&me);
                if m.online_only {
                    report.online += 1;
                    skipped.push(skip(&m, NotCountedReason::OnlineOnly));
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
                    skipped.push(skip(&m, NotCountedReason::DuplicateId));
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
                        skipped.push(skip(&m, NotCountedReason::DuplicateId));
                        continue;
                    }
                }
                // A revoke, delete or edit the server sent before it.
                let arrival = super::lifecycle::on_arrival(
                    tx,
                    w.config,
                    &ops,
                    &mut settled,
                    &m.msg_id,
                    st.id,
                    fl,
                )?;
                let fl = match arrival {
                    super::lifecycle::Arrival::Drop => {
                        report.duplicates += 1;
                        continue;
                    }
                    super::lifecycle::Arrival::Store(fl, body) => {
                        if let Some(body) = body {
                            m.body = body;
                        }
                        fl
                    }
                };
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
                    super::receipts::settle_pending(tx, conv_id, &m.msg_id)?;
                }
                w.new_keys.insert((hash, rowid));
                w.new_pos.insert((conv_id, pos, rowid), fl & flags::RECOUNT);
                let msg = Received {
                    rowid,
                    pos,
                    flags: fl,
                    server_time: m.server_time,
                    msg_id: &m.msg_id,
                };
                let verdict = msg.apply(tx, w.config, w.get_mut(idx))?;
                log_received(&m, verdict, w.get(idx).unread);
                w.changes
                    .new_messages
                    .push(stored(m, fl, verdict.is_read()));
            }
            Ok(report)
        });
        self.end_arrivals(ops, settled)?;
        let report = result?;
        for s in skipped {
            self.skipped.push(s);
        }
        Ok(report)
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
    pub(super) fn check_body(&self, msg_id: &str, body: &str) -> Result<()> {
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
    /// unread. `msg_id` must be unique ([`Engine::new_message_id`] gives
    /// one); `status` is
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
            let fl = FlagSource::outgoing(&msg).bits(&me);
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
        self.commit(|w| message_rule::complete_send(w, rowid, idx, ok, server_time, seq))?;
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

/// What a message's `flags` bits are derived from, received or mine: the
/// one derivation of the bits a message is stored with.
struct FlagSource<'m> {
    from_self: bool,
    conv_type: ConvType,
    need_read_receipt: bool,
    excluded_from_unread: bool,
    excluded_from_last_message: bool,
    at_users: &'m [String],
}

impl<'m> FlagSource<'m> {
    /// A received message: mine when it says so or its sender is me.
    fn incoming(m: &'m IncomingMessage, me: &str) -> Self {
        FlagSource {
            from_self: m.from_self || m.sender == me,
            conv_type: m.conv.conv_type,
            need_read_receipt: m.need_read_receipt,
            excluded_from_unread: m.excluded_from_unread,
            excluded_from_last_message: m.excluded_from_last_message,
            at_users: &m.at_users,
        }
    }

    /// A message I send from this device.
    fn outgoing(m: &'m OutgoingMessage) -> Self {
        FlagSource {
            from_self: true,
            conv_type: m.conv.conv_type,
            need_read_receipt: m.need_read_receipt,
            excluded_from_unread: m.excluded_from_unread,
            excluded_from_last_message: m.excluded_from_last_message,
            at_users: &m.at_users,
        }
    }

    /// The bits, the counting ones from the counting rule (`me`: my user
    /// id, for @me).
    fn bits(&self, me: &str) -> i64 {
        let mut fl = 0;
        for (set, bit) in [
            (self.from_self, flags::FROM_SELF),
            (self.need_read_receipt, flags::NEED_RECEIPT),
            (self.excluded_from_unread, flags::EXCLUDED_UNREAD),
            (self.excluded_from_last_message, flags::EXCLUDED_LAST),
        ] {
            if set {
                fl |= bit;
            }
        }
        let at_me = self.at_users.iter().any(|u| u == me);
        let at_all = self.at_users.iter().any(|u| u == AT_ALL);
        fl | counting::counted_bits(fl, self.conv_type, at_me, at_all)
    }
}

/// The debug line of one stored message: why it counts or not, and the
/// conversation's count after it (the id, never the body).
fn log_received(m: &IncomingMessage, verdict: Verdict, unread: u64) {
    let why = verdict.reason();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ConvKey;

    #[test]
    fn received_and_sent_messages_take_their_bits_from_one_derivation() {
        let conv = ConvKey::group("g").unwrap();
        let mut m = IncomingMessage::new("m1", conv.clone(), "bob", 100, 1);
        m.need_read_receipt = true;
        m.at_users = vec!["me".into(), AT_ALL.into()];
        assert_eq!(
            FlagSource::incoming(&m, "me").bits("me"),
            flags::NEED_RECEIPT | flags::COUNTED | flags::AT_ME | flags::AT_ALL
        );
        // My message from another device (by sender): mine, never counted.
        m.sender = "me".into();
        assert_eq!(
            FlagSource::incoming(&m, "me").bits("me"),
            flags::FROM_SELF | flags::NEED_RECEIPT
        );
        let sent = OutgoingMessage {
            conv,
            need_read_receipt: false,
            excluded_from_unread: true,
            excluded_from_last_message: true,
            at_users: vec!["me".into()],
            body: "{}".into(),
        };
        assert_eq!(
            FlagSource::outgoing(&sent).bits("me"),
            flags::FROM_SELF | flags::EXCLUDED_UNREAD | flags::EXCLUDED_LAST
        );
    }
}
