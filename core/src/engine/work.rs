//! The scratch state of one operation: copies of the conversations it
//! touches, written to SQLite inside the operation's transaction and applied
//! to memory only after the commit succeeded. A failed operation therefore
//! changes nothing, on disk or in memory.

use super::counting;
use super::index::ConvIndex;
use super::lazy_rows::{merge_tail, LazyRows, TailPositions};
use super::state::ConvState;
use crate::config::EngineConfig;
use crate::error::Result;
use crate::events::{Changes, GroupEvent};
use crate::types::{ConvKey, ConvType};
use rusqlite::{params, Connection};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A group-table change to apply to memory after the commit.
#[derive(Debug, Clone)]
pub(crate) enum GroupUpdate {
    Upsert(crate::conversation::ConversationGroup),
    Remove(u32),
}

pub(crate) struct Work<'a> {
    pub tx: &'a Connection,
    pub config: &'a EngineConfig,
    pub now: u64,
    /// Whether envelopes are queued (a transport is attached).
    pub outbox: bool,
    base: &'a [ConvState],
    index: &'a ConvIndex,
    copies: HashMap<u32, ConvState>,
    new: Vec<ConvState>,
    new_index: HashMap<ConvKey, u32>,
    /// Touched conversations in first-touch order.
    touched: Vec<u32>,
    /// Conversations whose cold columns changed (they count as changed).
    dirty: HashSet<u32>,
    /// Conversations read up to their newest message by [`Work::read_all_set`].
    read_all: Vec<u32>,
    /// The conversation types `read_all` was selected from.
    read_all_types: Vec<ConvType>,
    pub changes: Changes,
    pub group_updates: Vec<GroupUpdate>,
    /// Text columns as they were before this operation changed them
    /// (conversation, column, old value), for the outbox's undo record.
    pub old_texts: Vec<(ConvKey, &'static str, String)>,
    /// (hash, row id) of the messages this operation stored.
    pub new_keys: BTreeSet<(i64, i64)>,
    /// `message_pos` entries of the messages this operation stored (merged
    /// at its end, or kept as the tail by a deferring receive).
    pub new_pos: TailPositions,
    /// The tail was merged when the operation started ([`Work::flush_tail`]).
    tail_flushed: bool,
    /// Leave the touched conversations' rows stale (a receive; see
    /// `lazy_rows`). Otherwise every stale row is written too.
    pub defer_rows: bool,
    /// Conversations whose rows are stale from earlier receives.
    lazy: &'a LazyRows,
}

/// What a committed operation hands back to the engine.
pub(crate) struct Applied {
    pub states: Vec<(u32, ConvState)>,
    pub dirty: HashSet<u32>,
    /// (hash, row id) of the messages stored.
    pub new_keys: BTreeSet<(i64, i64)>,
    /// Their `message_pos` entries (kept in memory when deferred).
    pub new_pos: TailPositions,
    /// The touched rows were left stale (a deferring receive).
    pub deferred: bool,
    /// Every stale row was written: the rows reflect every message.
    pub flushed: bool,
    /// The operation's time.
    pub now: u64,
    /// Conversations to read up to their newest message (their rows written
    /// by `readpos::store_read_all` once the operation's other rows are, and
    /// memory after the commit; none of them is in `states`).
    pub read_all: Vec<u32>,
    /// The conversation types `read_all` was selected from.
    pub read_all_types: Vec<ConvType>,
    pub changes: Changes,
    pub group_updates: Vec<GroupUpdate>,
}

impl<'a> Work<'a> {
    pub fn new(
        tx: &'a Connection,
        config: &'a EngineConfig,
        outbox: bool,
        base: &'a [ConvState],
        index: &'a ConvIndex,
        lazy: &'a LazyRows,
    ) -> Self {
        Work {
            tx,
            config,
            now: (config.clock)(),
            outbox,
            base,
            index,
            copies: HashMap::new(),
            new: Vec::new(),
            new_index: HashMap::new(),
            touched: Vec::new(),
            dirty: HashSet::new(),
            read_all: Vec::new(),
            read_all_types: Vec::new(),
            changes: Changes::default(),
            group_updates: Vec::new(),
            old_texts: Vec::new(),
            new_keys: BTreeSet::new(),
            new_pos: TailPositions::new(),
            tail_flushed: false,
            defer_rows: false,
            lazy,
        }
    }

    /// The index of a known conversation (visible or not).
    pub fn lookup(&self, key: &ConvKey) -> Option<u32> {
        self.index
            .get(self.base, key)
            .or_else(|| self.new_index.get(key).copied())
    }

    /// The index of a visible conversation.
    pub fn lookup_visible(&self, key: &ConvKey) -> Option<u32> {
        self.lookup(key).filter(|&i| self.get(i).visible)
    }

    /// Every conversation index as of now (base and new).
    pub fn len(&self) -> u32 {
        (self.base.len() + self.new.len()) as u32
    }

    /// The state as it was before this operation (None for a new one).
    pub fn before(&self, idx: u32) -> Option<&ConvState> {
        self.base.get(idx as usize)
    }

    pub fn get(&self, idx: u32) -> &ConvState {
        let i = idx as usize;
        if i >= self.base.len() {
            &self.new[i - self.base.len()]
        } else {
            self.copies.get(&idx).unwrap_or(&self.base[i])
        }
    }

    pub fn get_mut(&mut self, idx: u32) -> &mut ConvState {
        let i = idx as usize;
        if i >= self.base.len() {
            &mut self.new[i - self.base.len()]
        } else {
            if !self.copies.contains_key(&idx) {
                self.touched.push(idx);
            }
            self.copies
                .entry(idx)
                .or_insert_with(|| self.base[i].clone())
        }
    }

    /// The conversation for `key`, created (and inserted) when unknown, but
    /// invisible until the caller shows it. A known but deleted conversation
    /// is returned as it is (invisible).
    pub fn conv_for(&mut self, key: &ConvKey) -> Result<u32> {
        if let Some(i) = self.lookup(key) {
            return Ok(i);
        }
        // The key's fields are public: never store a malformed peer id.
        crate::types::check_id("conversation peer id", &key.peer)?;
        let idx = self.len();
        let st = ConvState::new(i64::from(idx) + 1, key.clone(), self.now);
        self.tx
            .prepare_cached(
                "INSERT INTO conversation (id, conv_type, peer, visible, active_time, order_key,
                                           create_time, update_time)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?6)",
            )?
            .execute(params![
                st.id,
                key.conv_type.as_i64(),
                key.peer,
                st.active_time as i64,
                st.order_key as i64,
                self.now as i64
            ])?;
        self.new.push(st);
        self.new_index.insert(key.clone(), idx);
        self.touched.push(idx);
        Ok(idx)
    }

    /// Merges the tail (the keys and positions of the messages received
    /// after `rows_upto`, see `lazy_rows`) into the store first, so that
    /// everything this operation reads from `message_pos` (a recount, a
    /// delete of the history) is complete. Every operation but a receive
    /// starts with it; its stale conversation rows are written by
    /// [`Work::finish`].
    pub fn flush_tail(&mut self) -> Result<()> {
        if self.lazy.tail_msgs() > 0 {
            merge_tail(self.tx, &[(&self.lazy.keys, &self.lazy.pos)])?;
            self.tail_flushed = true;
        }
        Ok(())
    }

    /// Re-derives conversation `idx`'s unread, mentions and @-info from its
    /// messages after the read position ([`counting::recount`]); every
    /// message's position must be in `message_pos` (`flush_tail`).
    pub fn recount(&mut self, idx: u32) -> Result<()> {
        debug_assert!(self.positions_complete());
        let (tx, config) = (self.tx, self.config);
        counting::recount(tx, config, self.get_mut(idx))
    }

    /// Whether `message_pos` holds every stored message (no tail, or merged).
    pub fn positions_complete(&self) -> bool {
        self.tail_flushed || self.lazy.tail_msgs() == 0
    }

    /// The row id of message `msg_id` (stored before or by this operation).
    pub fn find_message(&self, msg_id: &str) -> Result<Option<i64>> {
        super::lazy_rows::find_message(self.tx, self.lazy, &self.new_keys, msg_id)
    }

    /// Records that cold columns of a conversation changed.
    pub fn mark_dirty(&mut self, idx: u32) {
        self.get_mut(idx);
        self.dirty.insert(idx);
    }

    /// Reads every visible conversation of `types` that has anything after
    /// its read position up to its newest message, as `read_all` would one
    /// by one, with one set-based UPDATE (`readpos::store_read_all`) once
    /// the operation's other rows are written.
    /// `targets` are exactly those conversations as memory has them; no
    /// other change of this operation may touch them (`get` keeps showing
    /// their state before). Memory follows after the commit.
    pub fn read_all_set(&mut self, targets: Vec<u32>, types: &[ConvType]) {
        debug_assert!(self.read_all.is_empty());
        debug_assert!(targets
            .iter()
            .all(|&i| (i as usize) < self.base.len() && !self.copies.contains_key(&i)));
        self.read_all = targets;
        self.read_all_types = types.to_vec();
    }

    pub fn group_event(&mut self, e: GroupEvent) {
        self.changes.groups.push(e);
    }

    /// Writes every touched conversation's hot columns but the read position
    /// (unless this operation defers them, also every stale row, the tail's
    /// keys and the high-water mark of the messages the rows reflect), and
    /// hands back what must be applied to memory after the commit (and the
    /// rows of [`Work::read_all_set`] to write before it).
    pub fn finish(mut self) -> Result<Applied> {
        debug_assert!(self.read_all.iter().all(|i| !self.copies.contains_key(i)));
        let mut upd = self.tx.prepare_cached(
            // Not the read position: `readpos` writes it where it moves it.
            "UPDATE conversation SET visible = ?2, group_type = ?3, recv_opt = ?4, unread = ?5,
                 at_flags = ?6, max_pos = ?7, last_msg = ?8, last_pos = ?9,
                 active_time = ?10, order_key = ?11, pinned = ?12, marks = ?13,
                 peer_read_time = ?14, update_time = ?15, mentions = ?16, count_pref = ?17
             WHERE id = ?1",
        )?;
        let write = |upd: &mut rusqlite::CachedStatement<'_>, st: &ConvState, time: u64| {
            upd.execute(params![
                st.id,
                st.visible,
                st.group_type.map(|g| g.as_i64()),
                st.recv_opt.as_i64(),
                st.unread as i64,
                st.at_flags,
                st.max_pos,
                st.last_msg,
                st.last_pos,
                st.active_time as i64,
                st.order_key as i64,
                st.pinned,
                st.marks as i64,
                st.peer_read_time as i64,
                time as i64,
                st.mentions as i64,
                st.count_pref.as_i64(),
            ])
        };
        let flush = !self.defer_rows && (self.lazy.tail_msgs() > 0 || !self.new_keys.is_empty());
        if flush {
            // Stale rows this operation does not touch, with the time of
            // their last (deferred) change.
            for (&idx, &time) in &self.lazy.stale {
                if !self.copies.contains_key(&idx) {
                    write(&mut upd, &self.base[idx as usize], time)?;
                }
            }
            // The tail's keys and positions (unless merged at the start)
            // and this operation's own, in key order: one pass over each
            // table. Every row, key and position then reflects every
            // stored message.
            match (self.tail_flushed, self.new_keys.is_empty()) {
                (true, true) => {}
                (true, false) => merge_tail(self.tx, &[(&self.new_keys, &self.new_pos)])?,
                (false, _) => merge_tail(
                    self.tx,
                    &[
                        (&self.lazy.keys, &self.lazy.pos),
                        (&self.new_keys, &self.new_pos),
                    ],
                )?,
            }
        }
        let mut states = Vec::with_capacity(self.touched.len());
        for &idx in &self.touched {
            let i = idx as usize;
            let (st, old) = if i >= self.base.len() {
                (self.new[i - self.base.len()].clone(), None)
            } else {
                let st = self
                    .copies
                    .remove(&idx)
                    .expect("every touched base state has a copy");
                (st, Some(&self.base[i]))
            };
            let changed = old != Some(&st) || self.dirty.contains(&idx);
            if !self.defer_rows && (changed || self.lazy.stale.contains_key(&idx)) {
                let time = match self.lazy.stale.get(&idx) {
                    Some(&t) if !changed => t,
                    _ => self.now,
                };
                write(&mut upd, &st, time)?;
            }
            states.push((idx, st));
        }
        Ok(Applied {
            states,
            dirty: self.dirty,
            new_keys: self.new_keys,
            new_pos: self.new_pos,
            deferred: self.defer_rows,
            now: self.now,
            flushed: flush,
            read_all: self.read_all,
            read_all_types: self.read_all_types,
            changes: self.changes,
            group_updates: self.group_updates,
        })
    }
}
