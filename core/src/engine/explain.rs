//! "Why is this badge N?" ([`Engine::explain_unread`]): the read position
//! and its history, every message after it with whether it counts and why
//! not, and the conversation's part of the total. The verdicts come from
//! the counting rule itself (engine/counting.rs), so the lists add up to the
//! counts.

use super::counting;
use super::history;
use super::query::RawMessage;
use super::Engine;
use crate::error::{Error, Result};
use crate::explain::{
    ExplainedMessage, NotCountedReason, UnreadExplanation, EXPLAIN_LIST_MAX, EXPLAIN_READ_MAX,
};
use crate::message::flags;
use crate::types::{marks, ConvKey};
use rusqlite::params;
use std::ops::Bound;

impl Engine {
    /// Explains conversation `key`'s unread count, mention count, badge and
    /// part of the total (see [`UnreadExplanation`]). Reads the messages
    /// after the read position once (the lists are bounded, the counts are
    /// not). A deleted conversation is explained too (it is out of the
    /// total); one never seen is `ConversationNotFound`.
    pub fn explain_unread(&self, key: &ConvKey) -> Result<UnreadExplanation> {
        let idx = self
            .idx_of(key)
            .ok_or_else(|| Error::ConversationNotFound(key.to_string()))?;
        let st = &self.convs[idx as usize];
        let history = history::load(&self.conn, st)?;
        let counts = counting::type_counts(&self.config, st);
        let mut counted = Vec::new();
        let mut counted_more = 0u64;
        let mut not_counted = Vec::new();
        let mut not_counted_more = 0u64;
        let mut classify = |l: Line| {
            let reason = counting::not_counted_reason(l.flags, counts);
            let (list, more) = match reason {
                None => (&mut counted, &mut counted_more),
                Some(_) => (&mut not_counted, &mut not_counted_more),
            };
            if list.len() < EXPLAIN_LIST_MAX {
                list.push(ExplainedMessage { reason, ..l.msg });
            } else {
                *more += 1;
            }
        };
        // The messages after the read position in order: `message_pos`'s,
        // merged with the tail's entries in memory (engine/lazy_rows.rs).
        // Deleted messages are gone for every query (engine/lifecycle/delete.rs).
        let after = (Bound::Excluded((st.read_pos, i64::MAX)), Bound::Unbounded);
        let mut tail = self
            .tail_messages(st.id, after, false, usize::MAX)?
            .into_iter()
            .map(tail_line)
            .peekable();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LINE_COLUMNS} FROM message_pos p JOIN message m ON m.id = p.id
             WHERE p.conv = ?1 AND p.pos > ?2 AND m.flags & ?3 = 0 ORDER BY p.pos, p.id"
        ))?;
        for l in stmt.query_map(params![st.id, st.read_pos, flags::DELETED], line)? {
            let l = l?;
            while let Some(t) = tail.next_if(|t| t.key < l.key) {
                classify(t);
            }
            classify(l);
        }
        tail.for_each(&mut classify);
        // The last few read ones, newest first, then in order.
        let mut read: Vec<Line> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {LINE_COLUMNS} FROM message_pos p JOIN message m ON m.id = p.id
                 WHERE p.conv = ?1 AND p.pos <= ?2 AND m.flags & ?4 = 0
                 ORDER BY p.pos DESC, p.id DESC LIMIT ?3"
            ))?
            .query_map(
                params![st.id, st.read_pos, EXPLAIN_READ_MAX as i64, flags::DELETED],
                line,
            )?
            .collect::<rusqlite::Result<_>>()?;
        let before = (Bound::Unbounded, Bound::Included((st.read_pos, i64::MAX)));
        read.extend(
            self.tail_messages(st.id, before, true, EXPLAIN_READ_MAX)?
                .into_iter()
                .map(tail_line),
        );
        read.sort_unstable_by_key(|l| std::cmp::Reverse(l.key));
        read.truncate(EXPLAIN_READ_MAX);
        let mut read: Vec<ExplainedMessage> = read
            .into_iter()
            .map(|l| ExplainedMessage {
                reason: Some(NotCountedReason::BeforeReadPosition),
                ..l.msg
            })
            .collect();
        read.reverse();
        not_counted.extend(read);
        not_counted.extend(self.skipped.of(key).map(|s| ExplainedMessage {
            msg_id: s.msg_id.clone(),
            sender: s.sender.clone(),
            server_time: s.server_time,
            seq: s.seq,
            mention: false,
            reason: Some(s.reason),
        }));
        debug_assert_eq!(counted.len() as u64 + counted_more, st.unread);
        let (total_contribution, total_reason) = crate::filter::total_reason(&self.config, st);
        Ok(UnreadExplanation {
            conv: key.clone(),
            read_mark: st.read_mark(),
            read_version: st.read_version,
            last_move: history.last().cloned(),
            history,
            unread: st.unread,
            mentions: st.mentions,
            badge: counting::badge(&self.config, st),
            counted,
            counted_more,
            not_counted,
            not_counted_more,
            recv_opt: st.recv_opt,
            count_pref: st.count_pref,
            marked_unread: st.marks & marks::UNREAD != 0,
            total_contribution,
            total_reason,
        })
    }
}

/// The columns [`line`] reads (`p`: `message_pos`, `m`: `message`).
const LINE_COLUMNS: &str = "p.pos, p.id, m.flags, m.msg_id, m.sender, m.server_time, m.seq";

/// One message of an explanation, with its place in the history.
struct Line {
    /// (position, row id): the history's order.
    key: (i64, i64),
    flags: i64,
    /// Without its reason yet.
    msg: ExplainedMessage,
}

/// A message of the tail ([`Engine::tail_messages`]) as a [`Line`].
fn tail_line((pos, rowid, m): (i64, i64, RawMessage)) -> Line {
    Line {
        key: (pos, rowid),
        flags: m.flags,
        msg: ExplainedMessage {
            mention: m.flags & (flags::AT_ME | flags::AT_ALL) != 0,
            msg_id: m.msg_id,
            sender: m.sender,
            server_time: m.server_time as u64,
            seq: m.seq as u64,
            reason: None,
        },
    }
}

fn line(r: &rusqlite::Row<'_>) -> rusqlite::Result<Line> {
    let fl: i64 = r.get(2)?;
    Ok(Line {
        key: (r.get(0)?, r.get(1)?),
        flags: fl,
        msg: ExplainedMessage {
            msg_id: r.get(3)?,
            sender: r.get(4)?,
            server_time: r.get::<_, i64>(5)? as u64,
            seq: r.get::<_, i64>(6)? as u64,
            mention: fl & (flags::AT_ME | flags::AT_ALL) != 0,
            reason: None,
        },
    })
}
