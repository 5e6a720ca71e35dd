//! "Why is this badge N?" ([`Engine::explain_unread`]): the read position
//! and its history, every message after it with whether it counts and why
//! not, and the conversation's part of the total. The verdicts come from
//! the counting rule itself (engine/counting.rs), so the lists add up to the
//! counts.

use super::counting;
use super::history;
use super::Engine;
use crate::error::{Error, Result};
use crate::explain::{
    ExplainedMessage, NotCountedReason, UnreadExplanation, EXPLAIN_LIST_MAX, EXPLAIN_READ_MAX,
};
use crate::message::flags;
use crate::types::{marks, ConvKey};
use rusqlite::params;

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
        let mut stmt = self.conn.prepare_cached(
            "SELECT msg_id, sender, server_time, seq, flags FROM message
             WHERE conv = ?1 AND pos > ?2 AND flags & ?3 = 0 ORDER BY pos, id",
        )?;
        // Deleted messages are gone for every query (engine/lifecycle.rs).
        let mut rows = stmt.query(params![st.id, st.read_pos, flags::DELETED])?;
        while let Some(r) = rows.next()? {
            let fl: i64 = r.get(4)?;
            let reason = counting::not_counted_reason(fl, counts);
            let (list, more) = match reason {
                None => (&mut counted, &mut counted_more),
                Some(_) => (&mut not_counted, &mut not_counted_more),
            };
            if list.len() < EXPLAIN_LIST_MAX {
                list.push(explained(r, fl, reason)?);
            } else {
                *more += 1;
            }
        }
        let mut read: Vec<ExplainedMessage> = self
            .conn
            .prepare_cached(
                "SELECT msg_id, sender, server_time, seq, flags FROM message
                 WHERE conv = ?1 AND pos <= ?2 AND flags & ?4 = 0
                 ORDER BY pos DESC, id DESC LIMIT ?3",
            )?
            .query_map(
                params![st.id, st.read_pos, EXPLAIN_READ_MAX as i64, flags::DELETED],
                |r| {
                    let fl: i64 = r.get(4)?;
                    explained(r, fl, Some(NotCountedReason::BeforeReadPosition))
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
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
        let (total_contribution, total_reason) = counting::total_reason(&self.config, st);
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

/// One message row (`msg_id, sender, server_time, seq`) of an explanation.
fn explained(
    r: &rusqlite::Row<'_>,
    fl: i64,
    reason: Option<NotCountedReason>,
) -> rusqlite::Result<ExplainedMessage> {
    Ok(ExplainedMessage {
        msg_id: r.get(0)?,
        sender: r.get(1)?,
        server_time: r.get::<_, i64>(2)? as u64,
        seq: r.get::<_, i64>(3)? as u64,
        mention: fl & (flags::AT_ME | flags::AT_ALL) != 0,
        reason,
    })
}
