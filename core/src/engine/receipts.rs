//! Read receipts and group rosters. Read counts are derived, like unread
//! counts: one `receipt` row per (message, reader), counted against the
//! group's roster minus the sender, so a duplicate receipt or one from a
//! non-member changes nothing, and a receipt that arrives before its message
//! is simply there when the message is.

use super::outbound::Outbound;
use super::work::Work;
use super::Engine;
use crate::error::{invalid, Error, Result};
use crate::events::ReceiptUpdate;
use crate::message::{flags, StoredMessage};
use crate::types::{check_id, ConvKey, ConvType, GroupType};
use rusqlite::{params, Connection, OptionalExtension};

/// How a roster update applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterOp {
    /// Replace the whole roster.
    Set,
    /// Add members.
    Add,
    /// Remove members.
    Remove,
}

/// A receipt that arrived for one of my messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundReceipt {
    /// The conversation (peer id for C2C, group id for groups).
    pub conv: ConvKey,
    /// The message read; empty with a C2C conversation means the peer read
    /// the whole conversation up to `timestamp`.
    pub msg_id: String,
    /// Who read it.
    pub reader: String,
    /// When (seconds).
    pub timestamp: u64,
}

impl InboundReceipt {
    /// Checks every field; the error names the key.
    pub fn validate(&self) -> Result<()> {
        check_id("msg_receipt_conv_id", &self.conv.peer)?;
        check_id("msg_receipt_user_id", &self.reader)?;
        if self.msg_id.len() > crate::types::MAX_ID_LEN || self.msg_id.contains('\0') {
            return Err(invalid(format!(
                "msg_receipt_msg_id {:?} is not valid (at most {} bytes, no NUL)",
                self.msg_id,
                crate::types::MAX_ID_LEN
            )));
        }
        if self.msg_id.is_empty() && self.conv.conv_type == ConvType::Group {
            return Err(invalid("a group receipt needs msg_receipt_msg_id"));
        }
        if self.timestamp > crate::message::MAX_TIME {
            return Err(invalid(format!(
                "msg_receipt_time_stamp {} is out of range (at most {})",
                self.timestamp,
                crate::message::MAX_TIME
            )));
        }
        Ok(())
    }
}

/// One page of a message's read or unread members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPage {
    /// User ids, sorted.
    pub members: Vec<String>,
    /// Cursor of the next page (0 when finished).
    pub next_cursor: u64,
    /// No more members.
    pub finished: bool,
}

/// Largest page of the read-member list, and most messages per receipt call.
pub const RECEIPT_PAGE_MAX: u32 = 100;

impl Engine {
    /// Updates a group's roster (and, when given, its type).
    pub fn set_group_members(
        &mut self,
        group: &ConvKey,
        group_type: Option<GroupType>,
        op: RosterOp,
        members: &[String],
    ) -> Result<()> {
        check_roster(group, members)?;
        self.commit(|w| {
            let idx = w.conv_for(group)?;
            let id = w.get(idx).id;
            if op == RosterOp::Set {
                w.tx.prepare_cached("DELETE FROM group_member WHERE conv = ?1")?
                    .execute([id])?;
            }
            for m in members {
                let sql = match op {
                    RosterOp::Set | RosterOp::Add => {
                        "INSERT OR IGNORE INTO group_member (conv, user_id) VALUES (?1, ?2)"
                    }
                    RosterOp::Remove => "DELETE FROM group_member WHERE conv = ?1 AND user_id = ?2",
                };
                w.tx.prepare_cached(sql)?.execute(params![id, m])?;
            }
            if let Some(t) = group_type {
                if w.get(idx).group_type != Some(t) {
                    w.get_mut(idx).group_type = Some(t);
                    w.recount(idx)?;
                }
            }
            Ok(())
        })
    }

    /// A group's roster, sorted.
    pub fn group_members(&self, group: &ConvKey) -> Result<Vec<String>> {
        let Some(idx) = self.idx_of(group) else {
            return Ok(Vec::new());
        };
        roster(&self.conn, self.convs[idx as usize].id)
    }

    /// Sends my read receipts for messages of one conversation (the
    /// receiver's side): marks them "receipt sent" and, with a transport,
    /// queues one receipts envelope. Messages whose receipt was sent already
    /// are skipped; unread counts do not change. Returns the newly marked ids.
    ///
    /// With private read receipts ([`crate::EngineConfig::private_read_receipts`])
    /// no receipt leaves the device: the messages are checked, nothing is
    /// marked or queued, and the result is empty.
    pub fn send_receipts(&mut self, msg_ids: &[String]) -> Result<Vec<String>> {
        let msgs = self.receipt_messages(msg_ids, false)?;
        if self.config.private_read_receipts {
            return Ok(Vec::new());
        }
        let conv = msgs[0].conv.clone();
        let fresh: Vec<String> = msgs
            .iter()
            .filter(|m| !m.receipt_sent())
            .map(|m| m.msg_id.clone())
            .collect();
        if fresh.is_empty() {
            return Ok(fresh);
        }
        self.commit(|w| {
            let mut upd =
                w.tx.prepare_cached("UPDATE message SET flags = flags | ?2 WHERE id = ?1")?;
            for id in &fresh {
                if let Some(rowid) = w.find_message(id)? {
                    upd.execute(params![rowid, flags::RECEIPT_SENT])?;
                }
            }
            w.outbound(Outbound::Receipts {
                conv: conv.clone(),
                msg_ids: fresh.clone(),
            })?;
            Ok(())
        })?;
        Ok(fresh)
    }

    /// Applies receipts that arrived (the sender's side) in one transaction.
    /// Yields one [`ReceiptUpdate`] per message (or C2C conversation) whose
    /// read state changed. A receipt applies only to my messages in the
    /// conversation it names, from that conversation's peer (C2C) or from a
    /// member of that group's roster; anything else — another
    /// conversation's message, a stranger, a duplicate — changes nothing and
    /// fires nothing. Returns how many applied.
    pub fn apply_receipts(&mut self, receipts: Vec<InboundReceipt>) -> Result<usize> {
        for r in &receipts {
            r.validate()?;
        }
        let me = self.user_id.clone();
        let pending_max = self.config.pending_receipts_max;
        self.commit(|w| {
            let tx = w.tx;
            let mut applied = 0;
            // (conversation, message id, its row, my message's sender) of
            // each message whose read state changed, once.
            // The reader's read time goes with it (Tencent 8.1: a C2C receipt
            // carries when the peer read it); 0 = not given: now.
            let mut touched: Vec<(ConvKey, String, i64, String, u64)> = Vec::new();
            let mut pending_in: Vec<i64> = Vec::new();
            for r in receipts {
                if r.reader == me {
                    continue;
                }
                if r.conv.conv_type == ConvType::C2c && r.reader != r.conv.peer {
                    continue;
                }
                // A receipt may come before my message (sent from another of
                // my devices, relayed later): its conversation is made,
                // hidden until a message shows it, so every arrival order
                // ends the same.
                let idx = w.conv_for(&r.conv)?;
                let st = w.get(idx);
                if r.msg_id.is_empty() {
                    if r.timestamp > st.peer_read_time {
                        w.get_mut(idx).peer_read_time = r.timestamp;
                        applied += 1;
                        w.changes.receipts.push(ReceiptUpdate {
                            conv: r.conv.clone(),
                            msg_id: String::new(),
                            timestamp: r.timestamp,
                            is_peer_read: true,
                            read_count: 0,
                            unread_count: 0,
                        });
                    }
                    continue;
                }
                let id = st.id;
                let mine = my_message_in(w, id, &r.msg_id)?;
                let n = tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO receipt (msg_id, reader, conv, time, pending)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![
                        r.msg_id,
                        r.reader,
                        id,
                        r.timestamp as i64,
                        mine.is_none()
                    ])?;
                if n == 0 {
                    continue;
                }
                match mine {
                    // Not arrived yet (or not mine): kept, bounded, no event.
                    None => {
                        if !pending_in.contains(&id) {
                            pending_in.push(id);
                        }
                    }
                    Some(_)
                        if r.conv.conv_type == ConvType::Group
                            && !is_member(tx, id, &r.reader)? => {}
                    Some(sender) => {
                        applied += 1;
                        if !touched.iter().any(|t| t.0 == r.conv && t.1 == r.msg_id) {
                            let time = if r.timestamp > 0 { r.timestamp } else { w.now };
                            touched.push((r.conv.clone(), r.msg_id.clone(), id, sender, time));
                        }
                    }
                }
            }
            for conv in pending_in {
                prune_pending(tx, conv, pending_max)?;
            }
            for (conv, msg_id, st_id, sender, time) in touched {
                let update = match conv.conv_type {
                    ConvType::C2c => ReceiptUpdate {
                        conv: conv.clone(),
                        msg_id,
                        timestamp: time,
                        is_peer_read: true,
                        read_count: 0,
                        unread_count: 0,
                    },
                    ConvType::Group => {
                        let (read, unread) = counts(tx, st_id, &msg_id, &sender)?;
                        ReceiptUpdate {
                            conv: conv.clone(),
                            msg_id,
                            timestamp: time,
                            is_peer_read: false,
                            read_count: read,
                            unread_count: unread,
                        }
                    }
                };
                w.changes.receipts.push(update);
            }
            Ok(applied)
        })
    }

    /// The receipts of my messages (all of one conversation).
    pub fn receipts_of(&self, msg_ids: &[String]) -> Result<Vec<ReceiptUpdate>> {
        let msgs = self.receipt_messages(msg_ids, true)?;
        Ok(msgs
            .into_iter()
            .map(|m| ReceiptUpdate {
                timestamp: if m.conv.conv_type == ConvType::C2c && m.is_peer_read {
                    self.convs[self.known_idx(&m.conv) as usize].peer_read_time
                } else {
                    0
                },
                conv: m.conv,
                msg_id: m.msg_id,
                is_peer_read: m.is_peer_read,
                read_count: m.read_count,
                unread_count: m.unread_count,
            })
            .collect())
    }

    /// A page of the members who have (`read`) or have not read one of my
    /// group messages, counted against the roster minus the sender.
    pub fn read_members(
        &self,
        msg_id: &str,
        read: bool,
        cursor: u64,
        count: u32,
    ) -> Result<MemberPage> {
        if count == 0 || count > RECEIPT_PAGE_MAX {
            return Err(invalid(format!(
                "count {count} is not in 1..={RECEIPT_PAGE_MAX}"
            )));
        }
        let msg = self.receipt_messages(&[msg_id.to_owned()], true)?.remove(0);
        if msg.conv.conv_type != ConvType::Group {
            return Err(invalid(format!(
                "message {msg_id:?} is not a group message"
            )));
        }
        let id = self.convs[self.known_idx(&msg.conv) as usize].id;
        let mut stmt = self.conn.prepare_cached(
            "SELECT g.user_id FROM group_member g
             WHERE g.conv = ?1 AND g.user_id != ?2
               AND EXISTS (SELECT 1 FROM receipt r
                           WHERE r.msg_id = ?3 AND r.reader = g.user_id AND r.conv = ?1) = ?4
             ORDER BY g.user_id LIMIT ?5 OFFSET ?6",
        )?;
        let rows = stmt.query_map(
            params![
                id,
                msg.sender,
                msg_id,
                read,
                i64::from(count) + 1,
                cursor as i64
            ],
            |r| r.get::<_, String>(0),
        )?;
        let mut members = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let finished = members.len() <= count as usize;
        members.truncate(count as usize);
        Ok(MemberPage {
            next_cursor: if finished {
                0
            } else {
                cursor + u64::from(count)
            },
            members,
            finished,
        })
    }

    /// Loads messages for a receipt call: at least one, at most
    /// [`RECEIPT_PAGE_MAX`], all found, all of one conversation whose type
    /// supports receipts; `mine` = all sent by me, else all from others and
    /// asking for a receipt.
    fn receipt_messages(&self, msg_ids: &[String], mine: bool) -> Result<Vec<StoredMessage>> {
        if msg_ids.is_empty() {
            return Err(invalid("the message list is empty"));
        }
        if msg_ids.len() > RECEIPT_PAGE_MAX as usize {
            return Err(Error::LimitExceeded(format!(
                "{} messages in one receipt call; at most {RECEIPT_PAGE_MAX}",
                msg_ids.len()
            )));
        }
        let mut msgs = Vec::with_capacity(msg_ids.len());
        for id in msg_ids {
            let m = self
                .message_by_id(id)?
                .ok_or_else(|| Error::MessageNotFound(id.clone()))?;
            if m.conv
                != msgs
                    .first()
                    .map_or(&m.conv, |f: &StoredMessage| &f.conv)
                    .clone()
            {
                return Err(invalid(format!(
                    "message {id:?} is in {} but the first message is in {}; receipts are per conversation",
                    m.conv, msgs[0].conv
                )));
            }
            if mine && !m.from_self() {
                return Err(invalid(format!("message {id:?} was not sent by me")));
            }
            if !mine && m.from_self() {
                return Err(invalid(format!(
                    "message {id:?} is my own; receipts are for received messages"
                )));
            }
            if !mine && !m.need_read_receipt() {
                return Err(invalid(format!(
                    "message {id:?} does not ask for a read receipt"
                )));
            }
            msgs.push(m);
        }
        let st = &self.convs[self.known_idx(&msgs[0].conv) as usize];
        if let Some(t) = st.group_type {
            if st.key.conv_type == ConvType::Group && !self.config.receipt_group_types.contains(&t)
            {
                return Err(Error::NotSupported(format!(
                    "read receipts are not supported in {t:?} groups ({})",
                    st.key
                )));
            }
        }
        Ok(msgs)
    }

    /// Whether the peer sent a receipt for this message of conversation `conv`.
    pub(crate) fn has_receipt(&self, conv: i64, msg_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM receipt WHERE msg_id = ?1 AND conv = ?2)",
            )?
            .query_row(params![msg_id, conv], |r| r.get(0))?)
    }

    /// (read, unread) of one of my group messages.
    pub(crate) fn group_receipt_counts(
        &self,
        conv: i64,
        msg_id: &str,
        sender: &str,
    ) -> Result<(u64, u64)> {
        counts(&self.conn, conv, msg_id, sender)
    }
}

/// The sender of message `msg_id` if it is mine and stored in conversation
/// row `conv`.
fn my_message_in(w: &Work<'_>, conv: i64, msg_id: &str) -> Result<Option<String>> {
    let Some(rowid) = w.find_message(msg_id)? else {
        return Ok(None);
    };
    let row: Option<(i64, String, i64)> =
        w.tx.prepare_cached("SELECT conv, sender, flags FROM message WHERE id = ?1")?
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
    Ok(row
        .filter(|(c, _, fl)| *c == conv && fl & flags::FROM_SELF != 0)
        .map(|(_, sender, _)| sender))
}

/// Checks a roster update: a group, and every member a valid user id.
pub(crate) fn check_roster(group: &ConvKey, members: &[String]) -> Result<()> {
    if group.conv_type != ConvType::Group {
        return Err(invalid(format!("{group} is not a group conversation")));
    }
    for (i, m) in members.iter().enumerate() {
        check_id(&format!("members[{i}]"), m)?;
    }
    Ok(())
}

/// Whether `user` is on the roster of group conversation row `conv`.
fn is_member(conn: &Connection, conv: i64, user: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM group_member WHERE conv = ?1 AND user_id = ?2)",
        )?
        .query_row(params![conv, user], |r| r.get(0))?)
}

/// Keeps the newest `max` receipts of conversation row `conv` whose message
/// is not stored; older ones go.
fn prune_pending(conn: &Connection, conv: i64, max: usize) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM receipt WHERE conv = ?1 AND pending = 1 AND (msg_id, reader) IN
             (SELECT msg_id, reader FROM receipt WHERE conv = ?1 AND pending = 1
              ORDER BY time DESC, msg_id DESC, reader DESC LIMIT -1 OFFSET ?2)",
    )?
    .execute(params![conv, max as i64])?;
    Ok(())
}

/// My message `msg_id` is now stored in conversation row `conv`: receipts
/// that came first are no longer pending.
pub(crate) fn settle_pending(conn: &Connection, conv: i64, msg_id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE receipt SET pending = 0 WHERE msg_id = ?1 AND conv = ?2 AND pending = 1",
    )?
    .execute(params![msg_id, conv])?;
    Ok(())
}

fn roster(conn: &Connection, conv: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT user_id FROM group_member WHERE conv = ?1 ORDER BY user_id")?;
    let rows = stmt.query_map([conv], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (read, unread): members (minus the sender) with / without a receipt.
fn counts(conn: &Connection, conv: i64, msg_id: &str, sender: &str) -> Result<(u64, u64)> {
    let (members, read): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*),
                    count(*) FILTER (WHERE EXISTS
                        (SELECT 1 FROM receipt r
                         WHERE r.msg_id = ?2 AND r.reader = g.user_id AND r.conv = ?1))
             FROM group_member g WHERE g.conv = ?1 AND g.user_id != ?3",
        )?
        .query_row(params![conv, msg_id, sender], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok((read as u64, (members - read) as u64))
}
