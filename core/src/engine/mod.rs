//! The engine: one per logged-in user, over one SQLite store.
//!
//! Every operation runs as one transaction through [`Engine::commit`]: the
//! closure works on copies of the conversations it touches ([`work::Work`]),
//! the copies are written in the same transaction, and only after the commit
//! succeeds are they applied to memory, where the cached sums are adjusted
//! by each conversation's exact change and one coalesced [`Changes`] batch
//! is queued for [`Engine::drain_changes`].

mod confirmed;
mod count_pref;
mod counters;
pub(crate) mod counting;
mod explain;
mod group_table;
mod groups;
mod history;
mod inbound;
mod index;
mod lazy_rows;
mod lifecycle;
mod locate;
mod manage;
mod mark_unread;
mod message_id;
mod message_rule;
pub(crate) mod outbound;
mod outbox;
mod query;
mod readpos;
mod receipts;
mod receive;
pub(crate) mod state;
mod sync;
mod unread;
mod verify;
mod work;

pub use crate::types::AppState;
pub use inbound::{Inbound, InboundReport};
pub use lifecycle::{InboundEdit, InboundRevoke, Revocation};
pub use outbound::{AckOutcome, GroupChange, Outbound, OutboundEnvelope, ReadPosition};
pub use receipts::{InboundReceipt, MemberPage, RosterOp};
pub use receive::ReceiveReport;
pub use sync::ConversationSync;
pub use unread::CleanTarget;

use crate::config::EngineConfig;
use crate::conversation::OperationFailure;
use crate::error::{Error, Result};
use crate::events::Changes;
use crate::store;
use crate::types::ConvKey;
use counters::Counters;
use group_table::Groups;
use index::ConvIndex;
use rusqlite::{Connection, Transaction, TransactionBehavior};
pub(crate) use state::ConvState;
use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use work::{Applied, Work};

/// The state engine of one user: conversations, unread counters, receipts.
pub struct Engine {
    /// Stopped before `conn` closes (fields drop in order), so the engine's
    /// connection is the store's last and checkpoints it at close. Held
    /// for its `Drop`.
    #[allow(dead_code)]
    checkpointer: Option<store::checkpoint::Checkpointer>,
    conn: Connection,
    config: EngineConfig,
    user_id: String,
    /// Every conversation ever seen; index = row id - 1.
    convs: Vec<ConvState>,
    /// Key → index, through the keys in `convs`.
    index: ConvIndex,
    /// Visible conversations in list order: (order key, index), greatest first.
    order: BTreeSet<(u64, u32)>,
    pinned: usize,
    counters: Counters,
    groups: Groups,
    pending: VecDeque<Changes>,
    outbox: bool,
    lazy: lazy_rows::LazyRows,
    /// Server time minus the device clock, learned from the server (seconds).
    clock_offset: i64,
    /// Hashes of the message ids with a pending revoke, delete or edit
    /// (`lifecycle/pending.rs`): a receive reads `message_op` only for these.
    msg_ops: std::collections::HashSet<i64>,
    /// Messages of this login never stored (online-only, repeats), for
    /// [`Engine::explain_unread`].
    skipped: history::SkippedLog,
    /// The first sync of this login finished (the total is synced).
    first_sync_done: bool,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("user_id", &self.user_id)
            .field("conversations", &self.convs.len())
            .field("total_unread", &self.counters.total)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the store of `(app_id, user_id)` under `data_dir` (created when
    /// missing) and loads its conversations.
    pub fn open(data_dir: &Path, app_id: u64, user_id: &str, config: EngineConfig) -> Result<Self> {
        let path = store::db_path(data_dir, app_id, user_id)?;
        create_data_dir(data_dir)?;
        Self::open_path(&path, user_id, config)
    }

    /// Opens the store at an explicit file path.
    pub fn open_path(path: &Path, user_id: &str, config: EngineConfig) -> Result<Self> {
        store::check_user_id(user_id)?;
        let mut conn = store::open(path, user_id, &config)?;
        let marked_as_one = config.count_marked_unread_as_one;
        let checkpointer = if config.checkpoint_in_background {
            Some(store::checkpoint::Checkpointer::start(
                &mut conn, path, &config,
            )?)
        } else {
            None
        };
        let mut engine = Engine {
            checkpointer,
            conn,
            config,
            user_id: user_id.to_owned(),
            convs: Vec::new(),
            index: ConvIndex::default(),
            order: BTreeSet::new(),
            pinned: 0,
            counters: Counters::new(marked_as_one),
            groups: Groups::default(),
            pending: VecDeque::new(),
            outbox: false,
            lazy: lazy_rows::LazyRows::default(),
            clock_offset: 0,
            msg_ops: Default::default(),
            skipped: history::SkippedLog::default(),
            first_sync_done: false,
        };
        // The load is also the conversation table's integrity check.
        engine.load().map_err(|e| match e {
            crate::Error::StoreUnusable(m) => crate::Error::StoreUnusable(format!(
                "{} is not a usable imcore store: {m}",
                path.display()
            )),
            e => e,
        })?;
        log::info!(
            "opened the store of {user_id}: {} conversations, total unread {}",
            engine.convs.iter().filter(|c| c.visible).count(),
            engine.total_unread()
        );
        Ok(engine)
    }

    /// The logged-in user.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The configuration in force.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Seconds since the epoch: the configured clock, corrected by the
    /// server's time once the server told it ([`Engine::observe_server_time`]).
    pub fn now(&self) -> u64 {
        (self.config.clock)().saturating_add_signed(self.clock_offset)
    }

    /// The server's current time (seconds), as the host learned it (a sync,
    /// the ack of a send). From then on "now" — what orders my sends and
    /// decides which message times lie in the future — is the device clock
    /// moved by the difference, so a device clock that is off does not put
    /// my messages or reads ahead of everyone else's. 0 or an out-of-range
    /// time is ignored.
    pub fn observe_server_time(&mut self, server_time: u64) {
        if server_time == 0 || server_time > crate::message::MAX_TIME {
            return;
        }
        let device = (self.config.clock)();
        self.clock_offset = server_time as i64 - device as i64;
    }

    /// Takes the queued event batches, oldest first (one per operation that
    /// changed something).
    pub fn drain_changes(&mut self) -> Vec<Changes> {
        self.pending.drain(..).collect()
    }

    fn load(&mut self) -> Result<()> {
        // The scan reads each conversation page once. With the configured
        // cache, SQLite would malloc a page per ~40 conversations in between
        // the states' allocations, and once freed those pages leave holes
        // that stay resident (~120 B/conv). A small cache recycles its pages.
        self.conn.execute_batch("PRAGMA cache_size = 16")?;
        let loaded = self.load_convs();
        store::set_cache_size(&self.conn, &self.config)?;
        loaded?;
        self.load_lifecycle()?;
        // After a crash: the receives the rows do not reflect yet.
        self.replay_tail()?;
        // What the scan left in SQLite's page cache; pages come back on demand.
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// Reads every conversation (and group membership) into memory. The
    /// scan reads every page of the conversation table, so a damaged page
    /// there fails the open (see [`store::READ_IN_FULL_AT_OPEN`]).
    fn load_convs(&mut self) -> Result<()> {
        self.groups = Groups::load(&self.conn)?;
        // Ids are dense (checked below), so the greatest is the count. It is
        // found on the table's rightmost path; `count(*)` would read all of
        // the UNIQUE index, a fifth of a cold open's reads.
        let max_id: Option<i64> =
            self.conn
                .query_row("SELECT max(id) FROM conversation", [], |r| r.get(0))?;
        // Exact capacity: doubling slack would cost a third more per
        // conversation. Only a hint: a damaged store fails the density check.
        let hint = max_id.map_or(0, |n| usize::try_from(n).unwrap_or(0));
        let _ = self.convs.try_reserve_exact(hint);
        let mut order = Vec::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CONV_COLUMNS} FROM conversation ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let st = conv_from_row(r, self.groups.memberships(r.get(0)?))?;
            if st.id != self.convs.len() as i64 + 1 {
                return Err(crate::Error::StoreUnusable(format!(
                    "conversation ids are not dense (found {} after {})",
                    st.id,
                    self.convs.len()
                )));
            }
            self.counters.adjust(None, &st);
            if st.visible {
                order.push((st.order_key, st.idx()));
                self.pinned += usize::from(st.pinned);
            }
            self.convs.push(st);
        }
        self.convs.shrink_to_fit();
        // The index at its exact size.
        self.index.reserve(&self.convs, self.convs.len());
        for idx in 0..self.convs.len() as u32 {
            self.index.insert(&self.convs, idx);
        }
        // Built from sorted keys, the B-tree's nodes are full; inserted one
        // by one in id order, they are about 3/4 full.
        self.order = order.into_iter().collect();
        Ok(())
    }

    /// Runs `f` as one transaction; see the module documentation.
    fn commit<T>(&mut self, f: impl FnOnce(&mut Work<'_>) -> Result<T>) -> Result<T> {
        self.run(false, f)
    }

    /// [`Engine::commit`]; `receive`: the operation is a receive, which may
    /// leave the tail (`lazy_rows`) in memory and reads no `message_pos`;
    /// any other operation merges the tail first.
    fn run<T>(&mut self, receive: bool, f: impl FnOnce(&mut Work<'_>) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let mut w = Work::new(
            &tx,
            &self.config,
            self.outbox,
            &self.convs,
            &self.index,
            &self.lazy,
        );
        w.now = self.now();
        if !receive {
            w.flush_tail()?;
        }
        let out = f(&mut w)?;
        let applied = w.finish()?;
        readpos::store_read_all(&tx, applied.now, &applied.read_all, &applied.read_all_types)?;
        tx.commit()?;
        self.apply(applied);
        Ok(out)
    }

    /// Applies a committed operation to memory and queues its events.
    fn apply(&mut self, a: Applied) {
        let total_before = self.counters.total;
        let mentions_before = self.counters.total_mentions;
        // Sums by position: applying adds or drops no aggregate.
        let sums_before: Vec<(u64, u64)> = self
            .counters
            .aggs
            .iter()
            .map(|g| (g.sum, g.mentions))
            .collect();
        let mut changes = a.changes;

        if a.flushed {
            self.lazy.stale.clear();
            self.lazy.keys.clear();
            self.lazy.pos.clear();
        }
        if a.deferred {
            self.lazy.keys.extend(a.new_keys);
            self.lazy.pos.extend(a.new_pos);
        }
        let regroup = !a.group_updates.is_empty();
        for u in a.group_updates {
            self.groups.apply(u);
        }
        for (idx, st) in a.states {
            let i = idx as usize;
            let old = self.convs.get(i);
            self.counters.adjust(old, &st);
            let was_visible = old.is_some_and(|o| o.visible);
            let changed = old != Some(&st) || a.dirty.contains(&idx);
            if a.deferred && changed {
                self.lazy.stale.insert(idx, a.now);
            }
            reorder(&mut self.order, &mut self.pinned, idx, old, &st);
            match (was_visible, st.visible) {
                (false, true) => changes.added.push(st.key.clone()),
                (true, false) => changes.deleted.push(st.key.clone()),
                (true, true) if changed => changes.changed.push(st.key.clone()),
                _ => {}
            }
            if i == self.convs.len() {
                self.convs.push(st);
                self.index.insert(&self.convs, idx);
            } else {
                self.convs[i] = st;
            }
        }
        for idx in a.read_all {
            let st = &mut self.convs[idx as usize];
            self.counters.adjust_in_place(st, readpos::read_to_newest);
            changes.changed.push(st.key.clone());
        }
        if regroup {
            self.counters.reresolve(&self.convs, self.groups.names());
        }

        if self.counters.total != total_before {
            changes.total_unread = Some(self.counters.total);
            changes.total_synced = self.total_synced();
        }
        if self.counters.total_mentions != mentions_before {
            changes.total_mentions = Some(self.counters.total_mentions);
        }
        for (g, (sum, mentions)) in self.counters.aggs.iter().zip(sums_before) {
            if g.subscribed && g.sum != sum {
                changes.filter_totals.push((g.r.filter.clone(), g.sum));
            }
            if g.subscribed && g.mentions != mentions {
                changes
                    .filter_mention_totals
                    .push((g.r.filter.clone(), g.mentions));
            }
        }
        if !changes.is_empty() {
            self.pending.push_back(changes);
        }
    }

    /// Index of a known conversation (visible or not).
    fn idx_of(&self, key: &ConvKey) -> Option<u32> {
        self.index.get(&self.convs, key)
    }

    /// Index of a conversation known to exist (e.g. one a stored message
    /// belongs to).
    fn known_idx(&self, key: &ConvKey) -> u32 {
        self.idx_of(key)
            .expect("every stored conversation is in the index")
    }

    /// Index of a visible conversation, or a not-found error.
    fn visible_idx(&self, key: &ConvKey) -> Result<u32> {
        self.idx_of(key)
            .filter(|&i| self.convs[i as usize].visible)
            .ok_or_else(|| crate::Error::ConversationNotFound(key.to_string()))
    }

    /// The indices of the visible conversations among `keys`, and the
    /// per-id failures of the others.
    fn visible_indices(&self, keys: &[ConvKey]) -> (Vec<u32>, Vec<OperationFailure>) {
        let mut found = Vec::new();
        let mut failures = Vec::new();
        for k in keys {
            match self.visible_idx(k) {
                Ok(i) => found.push(i),
                Err(e) => failures.push(OperationFailure::new(k, &e)),
            }
        }
        (found, failures)
    }
}

/// Creates the data folder (and its parents) when missing; a new folder is
/// private to the user (0700 on Unix), like the stores in it.
fn create_data_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|e| {
        crate::Error::Storage(format!(
            "cannot create the data folder {}: {e}",
            dir.display()
        ))
    })
}

/// The columns [`conv_from_row`] reads, in its order.
const CONV_COLUMNS: &str = "id, conv_type, peer, visible, group_type, recv_opt, unread, at_flags,
     read_pos, max_pos, last_msg, last_pos, active_time, order_key, pinned, marks, peer_read_time,
     mentions, count_pref, read_version";

/// A conversation's state from its row (`SELECT {CONV_COLUMNS}`), as the
/// engine loads it at open; its conversation-group ids are kept apart.
fn conv_from_row(r: &rusqlite::Row<'_>, groups: state::GroupIds) -> Result<ConvState> {
    let id: i64 = r.get(0)?;
    let group_type: Option<i64> = r.get(4)?;
    Ok(ConvState {
        id,
        key: ConvKey {
            conv_type: crate::types::ConvType::from_i64(r.get(1)?)?,
            peer: r.get(2)?,
        },
        visible: r.get(3)?,
        group_type: group_type
            .map(crate::types::GroupType::from_i64)
            .transpose()?,
        recv_opt: crate::types::ReceiveOpt::from_i64(r.get(5)?)?,
        unread: r.get::<_, i64>(6)? as u64,
        at_flags: r.get(7)?,
        read_pos: r.get(8)?,
        max_pos: r.get(9)?,
        last_msg: r.get(10)?,
        last_pos: r.get(11)?,
        active_time: r.get::<_, i64>(12)? as u64,
        order_key: r.get::<_, i64>(13)? as u64,
        pinned: r.get(14)?,
        marks: r.get::<_, i64>(15)? as u64,
        groups,
        peer_read_time: r.get::<_, i64>(16)? as u64,
        mentions: r.get::<_, i64>(17)? as u64,
        count_pref: crate::types::CountPref::from_i64(r.get(18)?)?,
        read_version: r.get::<_, i64>(19)? as u64,
    })
}

/// Moves conversation `idx` in the list order (and the pinned count) from
/// its state `old` (None: new) to `new`; visible ones are listed.
fn reorder(
    order: &mut BTreeSet<(u64, u32)>,
    pinned: &mut usize,
    idx: u32,
    old: Option<&ConvState>,
    new: &ConvState,
) {
    if old.is_some_and(|o| {
        o.visible == new.visible && o.order_key == new.order_key && o.pinned == new.pinned
    }) {
        return;
    }
    if let Some(o) = old.filter(|o| o.visible) {
        order.remove(&(o.order_key, idx));
        *pinned -= usize::from(o.pinned);
    }
    if new.visible {
        order.insert((new.order_key, idx));
        *pinned += usize::from(new.pinned);
    }
}

/// The rows and keys left for later by receives (see `lazy_rows`).
impl Engine {
    /// The row id of message `msg_id`, or None.
    pub(crate) fn find_message(&self, msg_id: &str) -> Result<Option<i64>> {
        lazy_rows::find_message(&self.conn, &self.lazy, &BTreeSet::new(), msg_id)
    }

    /// Writes every stale conversation row (one transaction). Runs by
    /// itself when the engine is dropped and before any operation other
    /// than a receive; a host may call it, e.g. when the app goes to the
    /// background, to keep the next open short after a crash.
    pub fn flush_rows(&mut self) -> Result<()> {
        if self.lazy.tail_msgs() == 0 {
            return Ok(());
        }
        self.commit(|_| Ok(()))
    }

    /// Re-applies the receive rule to the loaded conversations for the
    /// messages stored after `rows_upto`, oldest first.
    fn replay_tail(&mut self) -> Result<()> {
        let (_, tail) = lazy_rows::read_tail(&self.conn)?;
        let now = self.now();
        for m in &tail {
            let idx = m.conv_index(self.convs.len()).ok_or_else(|| {
                Error::StoreUnusable(format!(
                    "message {:?} has no conversation {}",
                    m.msg_id, m.conv
                ))
            })?;
            let old = &self.convs[idx as usize];
            let mut st: ConvState = old.clone();
            message_rule::Received::replayed(m).apply(&self.conn, &self.config, &mut st)?;
            // Keep the sums and the list order in step.
            let old = &self.convs[idx as usize];
            self.counters.adjust(Some(old), &st);
            reorder(&mut self.order, &mut self.pinned, idx, Some(old), &st);
            self.convs[idx as usize] = st;
            self.lazy.stale.insert(idx, now);
            self.lazy.keys.insert((m.msg_hash, m.rowid));
            self.lazy.pos.insert(
                (m.conv, m.pos, m.rowid),
                m.flags & crate::message::flags::RECOUNT,
            );
        }
        Ok(())
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Best effort: the rows a receive left stale (`lazy_rows`); what is
        // not written is replayed at the next open.
        let _ = self.flush_rows();
    }
}
