//! Reading: conversations, lists, unread totals, filters and messages.

use super::state::{ConvState, AT_ALL, AT_ME};
use super::Engine;
use crate::conversation::{AtInfo, Conversation, ConversationPage, Draft};
use crate::error::{invalid, Error, Result};
use crate::filter::ConversationFilter;
use crate::message::{flags, MsgStatus, StoredMessage};
use crate::types::{ConvKey, ConvType};
use rusqlite::{params, OptionalExtension, Row};
use std::ops::Bound;

/// Longest page of a conversation or message list.
pub const MAX_PAGE: u32 = 1000;

/// The columns [`raw_message`] reads, as a literal so that statements are
/// written at compile time (`concat!`), not formatted at each call (a
/// snapshot is taken for every conversation a push touches).
macro_rules! message_columns {
    () => {
        "m.msg_id, m.conv, m.sender, m.server_time, m.seq, m.flags, m.status, m.body, m.pos"
    };
}
const MESSAGE_COLUMNS: &str = message_columns!();

/// One stored message by row id.
const MESSAGE_BY_ROWID: &str = concat!(
    "SELECT ",
    message_columns!(),
    " FROM message m WHERE m.id = ?1"
);

/// A range of a conversation's history by (position, row id).
pub(crate) type HistoryRange = (Bound<(i64, i64)>, Bound<(i64, i64)>);

impl Engine {
    /// The total unread count over every unmuted conversation (O(1)).
    pub fn total_unread(&self) -> u64 {
        self.counters.total
    }

    /// The total of unread mentions over every unmuted conversation whose
    /// count preference is not "none" (O(1)).
    pub fn total_unread_mentions(&self) -> u64 {
        self.counters.total_mentions
    }

    /// Whether the total is synced: the first sync of this login finished,
    /// or no transport is attached (nothing to sync). Before, the store may
    /// lag behind the server and the total is provisional.
    pub fn total_synced(&self) -> bool {
        self.first_sync_done || !self.outbox
    }

    /// The unread mention count of one conversation.
    pub fn mentions_of(&self, key: &ConvKey) -> Result<u64> {
        Ok(self.convs[self.visible_idx(key)? as usize].mentions)
    }

    /// The unread count of one conversation.
    pub fn unread_of(&self, key: &ConvKey) -> Result<u64> {
        Ok(self.convs[self.visible_idx(key)? as usize].unread)
    }

    /// The sum of the unread counts of the given conversations (unknown ids
    /// count 0).
    pub fn unread_by_ids(&self, keys: &[ConvKey]) -> Result<u64> {
        self.check_batch(keys.len())?;
        Ok(keys
            .iter()
            .filter_map(|k| self.visible_idx(k).ok())
            .map(|i| self.convs[i as usize].unread)
            .sum())
    }

    /// The unread total of the conversations a filter selects. The sum is
    /// computed once per filter and then kept up to date incrementally, so
    /// reading it again is O(1).
    pub fn unread_by_filter(&mut self, filter: &ConversationFilter) -> Result<u64> {
        check_filter(filter)?;
        Ok(self
            .counters
            .sum_for(filter, &self.convs, self.groups.names(), None)
            .unread)
    }

    /// The unread mention total of the conversations a filter selects
    /// (kept like [`Engine::unread_by_filter`]'s sum; O(1) after the first
    /// read).
    pub fn mentions_by_filter(&mut self, filter: &ConversationFilter) -> Result<u64> {
        check_filter(filter)?;
        Ok(self
            .counters
            .sum_for(filter, &self.convs, self.groups.names(), None)
            .mentions)
    }

    /// Subscribes to a filter's total: every later change of it is reported
    /// in [`crate::Changes::filter_totals`] (and of its mention total in
    /// [`crate::Changes::filter_mention_totals`]) with the filter as given
    /// here. Subscribing twice is a no-op. Returns the current total.
    pub fn subscribe_filter(&mut self, filter: &ConversationFilter) -> Result<u64> {
        check_filter(filter)?;
        Ok(self
            .counters
            .sum_for(filter, &self.convs, self.groups.names(), Some(true))
            .unread)
    }

    /// Ends a subscription; unsubscribing an unknown filter is a no-op.
    pub fn unsubscribe_filter(&mut self, filter: &ConversationFilter) -> Result<()> {
        check_filter(filter)?;
        if let Some(i) = self.counters.find(filter) {
            self.counters.aggs[i].subscribed = false;
        }
        Ok(())
    }

    /// The currently subscribed filters.
    pub fn subscriptions(&self) -> Vec<ConversationFilter> {
        self.counters
            .subscribed()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    /// One conversation.
    pub fn conversation(&self, key: &ConvKey) -> Result<Conversation> {
        let idx = self.visible_idx(key)?;
        self.snapshot(&self.convs[idx as usize])
    }

    /// Several conversations; the ids not found are returned apart.
    pub fn conversations(&self, keys: &[ConvKey]) -> Result<(Vec<Conversation>, Vec<ConvKey>)> {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for k in keys {
            match self.visible_idx(k) {
                Ok(i) => found.push(&self.convs[i as usize]),
                Err(_) => missing.push(k.clone()),
            }
        }
        found.sort_by(|a, b| b.order_key.cmp(&a.order_key).then(b.id.cmp(&a.id)));
        let list = self.snapshots(found)?;
        Ok((list, missing))
    }

    /// Every visible conversation in list order.
    pub fn all_conversations(&self) -> Result<Vec<Conversation>> {
        self.snapshots(
            self.order
                .iter()
                .rev()
                .map(|&(_, i)| &self.convs[i as usize]),
        )
    }

    /// A page of the conversations a filter selects, in list order (pinned
    /// first, newest pin first, then by last activity). `cursor` is 0 for the
    /// first page, then the `next_cursor` of the previous page.
    pub fn list_conversations(
        &self,
        filter: &ConversationFilter,
        cursor: u64,
        count: u32,
    ) -> Result<ConversationPage> {
        check_filter(filter)?;
        if count == 0 || count > MAX_PAGE {
            return Err(invalid(format!(
                "page size {count} is not in 1..={MAX_PAGE}"
            )));
        }
        let r = crate::filter::ResolvedFilter::new(filter.clone(), self.groups.names());
        let upper = if cursor == 0 { u64::MAX } else { cursor };
        let mut picked = Vec::with_capacity(count as usize);
        let mut more = false;
        for &(key, i) in self.order.range(..(upper, 0)).rev() {
            let s = &self.convs[i as usize];
            let _ = key;
            if !r.matches(s) {
                continue;
            }
            if picked.len() == count as usize {
                more = true;
                break;
            }
            picked.push(s);
        }
        let next_cursor = if more {
            picked.last().map_or(0, |s| s.order_key)
        } else {
            0
        };
        Ok(ConversationPage {
            conversations: self.snapshots(picked)?,
            next_cursor,
            finished: !more,
        })
    }

    /// NIM-style offset paging: conversations `offset..offset+limit` of the
    /// filtered list.
    pub fn list_by_offset(
        &self,
        filter: &ConversationFilter,
        offset: u64,
        limit: u32,
    ) -> Result<ConversationPage> {
        check_filter(filter)?;
        if limit == 0 || limit > MAX_PAGE {
            return Err(invalid(format!("limit {limit} is not in 1..={MAX_PAGE}")));
        }
        let r = crate::filter::ResolvedFilter::new(filter.clone(), self.groups.names());
        let mut it = self
            .order
            .iter()
            .rev()
            .map(|&(_, i)| &self.convs[i as usize])
            .filter(|s| r.matches(s))
            .skip(offset as usize);
        let picked: Vec<&ConvState> = it.by_ref().take(limit as usize).collect();
        let finished = it.next().is_none();
        Ok(ConversationPage {
            next_cursor: if finished {
                0
            } else {
                offset + picked.len() as u64
            },
            conversations: self.snapshots(picked)?,
            finished,
        })
    }

    /// Number of visible conversations.
    pub fn conversation_count(&self) -> usize {
        self.order.len()
    }

    /// A message by id.
    pub fn message_by_id(&self, msg_id: &str) -> Result<Option<StoredMessage>> {
        let Some(rowid) = self.find_message(msg_id)? else {
            return Ok(None);
        };
        let row = self
            .conn
            .prepare_cached(MESSAGE_BY_ROWID)?
            .query_row([rowid], raw_message)
            .optional()?
            // A deleted message is gone for every query (its row stays as the
            // record that its id was seen).
            .filter(|r| r.flags & flags::DELETED == 0);
        row.map(|r| self.finish_message(r)).transpose()
    }

    /// Messages of a conversation, newest first, older than `before_pos`
    /// (a position from a previous page; `None` = from the newest).
    pub fn messages(
        &self,
        key: &ConvKey,
        before: Option<&str>,
        count: u32,
    ) -> Result<Vec<StoredMessage>> {
        let idx = self.visible_idx(key)?;
        if count == 0 || count > MAX_PAGE {
            return Err(invalid(format!(
                "message count {count} is not in 1..={MAX_PAGE}"
            )));
        }
        let id = self.convs[idx as usize].id;
        let (pos, rowid) = match before {
            None => (i64::MAX, i64::MAX),
            Some(m) => match self.find_message(m)? {
                None => None,
                Some(rowid) => self
                    .conn
                    .prepare_cached("SELECT pos, id FROM message WHERE id = ?1 AND conv = ?2")?
                    .query_row(params![rowid, id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?,
            }
            .ok_or_else(|| Error::MessageNotFound(m.to_owned()))?,
        };
        // The stored order (`message_pos`), then the tail's entries in
        // memory (`lazy_rows`), merged: newest first by (position, row id).
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS}, m.id FROM message_pos p JOIN message m ON m.id = p.id
             WHERE p.conv = ?1 AND (p.pos < ?2 OR (p.pos = ?2 AND p.id < ?3))
                 AND m.flags & {deleted} = 0
             ORDER BY p.pos DESC, p.id DESC LIMIT ?4",
            deleted = flags::DELETED
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut page: Vec<(i64, i64, RawMessage)> = stmt
            .query_map(params![id, pos, rowid, count], |r| {
                let raw = raw_message(r)?;
                Ok((raw.pos, r.get(9)?, raw))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let from_tail = self.tail_messages(
            id,
            (Bound::Unbounded, Bound::Excluded((pos, rowid))),
            true,
            count as usize,
        )?;
        let merge = !from_tail.is_empty();
        page.extend(from_tail);
        if merge {
            page.sort_unstable_by_key(|&(p, r, _)| std::cmp::Reverse((p, r)));
            page.truncate(count as usize);
        }
        page.into_iter()
            .map(|(_, _, raw)| self.finish_message(raw))
            .collect()
    }

    /// The tail's messages (stored after `rows_upto`; their `message_pos`
    /// entries are in memory, engine/lazy_rows.rs) of conversation row
    /// `conv` whose (position, row id) lies in `range`, newest first when
    /// `newest_first`, at most `limit`: what a read of `message_pos` merges
    /// in. None of them is deleted: a message whose delete came first is not
    /// stored (lifecycle/pending.rs), and a delete merges the tail before it
    /// runs (`Work::flush_tail`).
    pub(crate) fn tail_messages(
        &self,
        conv: i64,
        range: HistoryRange,
        newest_first: bool,
        limit: usize,
    ) -> Result<Vec<(i64, i64, RawMessage)>> {
        let widen = |b: Bound<(i64, i64)>, unbounded: i64| match b {
            Bound::Included((p, r)) => Bound::Included((conv, p, r)),
            Bound::Excluded((p, r)) => Bound::Excluded((conv, p, r)),
            Bound::Unbounded => Bound::Included((conv, unbounded, unbounded)),
        };
        let keys = self
            .lazy
            .pos
            .range((widen(range.0, i64::MIN), widen(range.1, i64::MAX)))
            .map(|(&(_, p, r), _)| (p, r));
        let keys: Box<dyn Iterator<Item = (i64, i64)>> = if newest_first {
            Box::new(keys.rev())
        } else {
            Box::new(keys)
        };
        let mut by_id = self.conn.prepare_cached(MESSAGE_BY_ROWID)?;
        keys.take(limit)
            .map(|(p, r)| {
                let raw = by_id.query_row([r], raw_message)?;
                debug_assert_eq!(
                    raw.flags & flags::DELETED,
                    0,
                    "a deleted message in the tail"
                );
                Ok((p, r, raw))
            })
            .collect()
    }

    /// The snapshots of `states`, read in one read transaction. Each query
    /// on its own begins and ends one (SQLite's file locks and the WAL index,
    /// twice per conversation): 60% of the engine's time for a page of 100
    /// (core/BOUNDARY-BENCHMARKS.md).
    fn snapshots<'a>(
        &self,
        states: impl IntoIterator<Item = &'a ConvState>,
    ) -> Result<Vec<Conversation>> {
        let own = self.conn.is_autocommit();
        if own {
            self.conn.execute_batch("BEGIN")?;
        }
        let list = states
            .into_iter()
            .map(|s| self.snapshot(s))
            .collect::<Result<Vec<_>>>();
        if own {
            // A read transaction: COMMIT ends it (and should it fail, the
            // transaction must not stay open).
            if let Err(e) = self.conn.execute_batch("COMMIT") {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        }
        list
    }

    /// Builds the caller-facing snapshot of a conversation.
    pub(crate) fn snapshot(&self, s: &ConvState) -> Result<Conversation> {
        let (draft, draft_time, custom_data, server_ext, local_ext, create_time, update_time): (
            Option<String>,
            i64,
            String,
            String,
            String,
            i64,
            i64,
        ) = self
            .conn
            .prepare_cached(
                "SELECT draft, draft_time, custom_data, server_ext, local_ext, create_time,
                        update_time
                 FROM conversation WHERE id = ?1",
            )?
            .query_row([s.id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?;
        let last_message = match s.last_msg {
            None => None,
            Some(rowid) => self
                .conn
                .prepare_cached(MESSAGE_BY_ROWID)?
                .query_row([rowid], raw_message)
                .optional()?
                .map(|r| self.finish_message(r))
                .transpose()?,
        };
        let at_infos = if s.at_flags == 0 {
            Vec::new()
        } else {
            // (position, row id, seq, flags): stored, then the tail's.
            let at_bits = flags::AT_ME | flags::AT_ALL;
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.pos, p.id, m.seq, p.flags FROM message_pos p JOIN message m ON m.id = p.id
                 WHERE p.conv = ?1 AND p.pos > ?2 AND p.flags & ?3 != 0 ORDER BY p.pos, p.id",
            )?;
            let mut found: Vec<(i64, i64, i64, i64)> = stmt
                .query_map(params![s.id, s.read_pos, at_bits], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let tail = self
                .lazy
                .pos
                .range((s.id, s.read_pos.saturating_add(1), i64::MIN)..=(s.id, i64::MAX, i64::MAX))
                .filter(|(_, &fl)| fl & at_bits != 0);
            let mut merged = false;
            for (&(_, p, r), &fl) in tail {
                let seq: i64 = self
                    .conn
                    .prepare_cached("SELECT seq FROM message WHERE id = ?1")?
                    .query_row([r], |row| row.get(0))?;
                found.push((p, r, seq, fl));
                merged = true;
            }
            if merged {
                found.sort_unstable();
            }
            found
                .into_iter()
                .map(|(_, _, seq, fl)| AtInfo {
                    seq: seq as u64,
                    at_type: match (fl & flags::AT_ME != 0, fl & flags::AT_ALL != 0) {
                        (true, true) => 3,
                        (false, true) => 2,
                        _ => 1,
                    },
                })
                .collect()
        };
        let _ = (AT_ME, AT_ALL);
        Ok(Conversation {
            key: s.key.clone(),
            group_type: s.group_type,
            unread: s.unread,
            mentions: s.mentions,
            badge: super::counting::badge(&self.config, s),
            count_pref: s.count_pref,
            read_version: s.read_version,
            recv_opt: s.recv_opt,
            order_key: s.order_key,
            active_time: s.active_time,
            pinned: s.pinned,
            marks: s.marks,
            groups: {
                let mut names: Vec<String> = s
                    .groups
                    .iter()
                    .filter_map(|g| self.groups.name_of(*g).map(str::to_owned))
                    .collect();
                names.sort();
                names
            },
            at_infos,
            last_message,
            draft: draft.map(|content| Draft {
                content,
                edit_time: draft_time as u64,
            }),
            custom_data,
            server_ext,
            local_ext,
            read_time: if s.key.conv_type == ConvType::C2c {
                s.read_mark()
            } else {
                0
            },
            read_seq: if s.key.conv_type == ConvType::Group {
                s.read_mark()
            } else {
                0
            },
            peer_read_time: s.peer_read_time,
            create_time: create_time as u64,
            // A row left stale by a receive has not got its update time yet.
            update_time: match self.lazy.stale.get(&s.idx()) {
                Some(&t) => t,
                None => update_time as u64,
            },
        })
    }

    /// Completes a raw message row with its read state.
    pub(crate) fn finish_message(&self, r: RawMessage) -> Result<StoredMessage> {
        let st = self.convs.get((r.conv - 1) as usize).ok_or_else(|| {
            Error::StoreUnusable(format!("message of unknown conversation {}", r.conv))
        })?;
        let from_self = r.flags & flags::FROM_SELF != 0;
        let is_read = super::counting::stored_is_read(r.flags, r.pos, st.read_pos);
        let mut peer_receipt = false;
        let mut is_peer_read = false;
        let (mut read_count, mut unread_count) = (0, 0);
        // Only a message the server accepted can be read by anyone: one
        // still sending or refused ("send failed") never reached the peer,
        // whatever a conversation-level receipt's time says.
        if from_self && r.status == MsgStatus::SendSucc as i64 {
            match st.key.conv_type {
                ConvType::C2c => {
                    peer_receipt = self.has_receipt(st.id, &r.msg_id)?;
                    is_peer_read = peer_receipt
                        || (st.peer_read_time > 0 && r.server_time as u64 <= st.peer_read_time);
                }
                ConvType::Group => {
                    (read_count, unread_count) =
                        self.group_receipt_counts(st.id, &r.msg_id, &r.sender)?;
                }
            }
        }
        Ok(StoredMessage {
            msg_id: r.msg_id,
            conv: st.key.clone(),
            sender: r.sender,
            server_time: r.server_time as u64,
            seq: r.seq as u64,
            flags: r.flags,
            status: MsgStatus::from_i64(r.status),
            body: r.body,
            is_read,
            is_peer_read,
            peer_receipt,
            read_count,
            unread_count,
        })
    }
}

/// A message row before its read state is derived.
pub(crate) struct RawMessage {
    pub msg_id: String,
    pub conv: i64,
    pub sender: String,
    pub server_time: i64,
    pub seq: i64,
    pub flags: i64,
    pub status: i64,
    pub body: String,
    pub pos: i64,
}

pub(crate) fn raw_message(r: &Row<'_>) -> rusqlite::Result<RawMessage> {
    Ok(RawMessage {
        msg_id: r.get(0)?,
        conv: r.get(1)?,
        sender: r.get(2)?,
        server_time: r.get(3)?,
        seq: r.get(4)?,
        flags: r.get(5)?,
        status: r.get(6)?,
        body: r.get(7)?,
        pos: r.get(8)?,
    })
}

fn check_filter(f: &ConversationFilter) -> Result<()> {
    if let Some(groups) = &f.groups {
        for g in groups {
            if g.len() > 1024 || g.contains('\0') {
                return Err(invalid(format!("filter group name {g:?} is not valid")));
            }
        }
    }
    Ok(())
}
