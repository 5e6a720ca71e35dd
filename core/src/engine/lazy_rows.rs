//! Conversation rows and message keys written lazily after receives.
//!
//! A received message changes only columns of its conversation that are
//! derived from the messages (unread, @-flags, last message, positions,
//! activity). Writing that row with every receive batch dirtied a random
//! page of the conversation table per conversation and per batch, a fifth
//! of the pages a batch wrote. So a receive leaves the rows of the
//! conversations it touches *stale*: memory is current, the messages are
//! committed, and the row catches up later.
//!
//! The same goes for the id index: `message_key` (hash, row id) would take
//! a random page per message too, so the keys of the messages after
//! `rows_upto` (the *tail*) are kept in memory and merged in key order, one
//! sequential pass over the index, when the tail is flushed. And for the
//! history's order: `message_pos` (conversation, position, row id) gets the
//! tail's entries at the same flush; until then they are in memory, and the
//! history pages ([`Engine::messages`]) and @-infos merge them in. An
//! operation other than a receive flushes the tail when it *starts*
//! ([`Work::flush_tail`](super::work::Work::flush_tail)), so its recounts
//! read a complete `message_pos`.
//!
//! The invariant: every conversation row and `message_key` reflect every
//! message with a row id up to `meta.rows_upto`, and every later message was
//! stored by a receive whose effect on its row is still missing. Any other
//! operation (and a receive once [`crate::EngineConfig::lazy_row_messages`]
//! messages are pending, and closing the engine) writes every stale row,
//! merges the tail's keys and moves `rows_upto` to the newest message, in
//! its own transaction. Opening the store replays the receive rule for the
//! messages after `rows_upto` and takes their keys into memory (after a
//! crash; a clean close leaves none), so nothing is lost and the counters
//! agree with the messages at every commit.

use crate::error::{Error, Result};
use crate::store::msg_hash;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The tail: what the store's rows and key table do not reflect yet.
#[derive(Debug, Default)]
pub(crate) struct LazyRows {
    /// Stale rows: conversation index -> time of its last (unwritten) change.
    pub stale: HashMap<u32, u64>,
    /// (hash, row id) of every message stored after `rows_upto`.
    pub keys: BTreeSet<(i64, i64)>,
    /// (conversation row id, position, row id) -> the message's
    /// [`flags::RECOUNT`](crate::message::flags::RECOUNT) bits, of the same
    /// messages: their `message_pos` entries.
    pub pos: TailPositions,
}

/// `message_pos` entries held in memory: (conv, pos, rowid) -> recount flags.
pub(crate) type TailPositions = BTreeMap<(i64, i64, i64), i64>;

/// Merges the keys and positions of every message after `rows_upto` into
/// `message_key` and `message_pos`, each in key order (one pass over each
/// table), and moves `rows_upto` to the newest message. They come from
/// memory: `tails` are sorted sets that together hold exactly those messages
/// (the engine's tail and the current operation's own; `verify` checks the
/// first against the store), so no message row is read and nothing sorted.
/// The caller writes the stale conversation rows in the same transaction.
pub(crate) fn merge_tail(
    tx: &Connection,
    tails: &[(&BTreeSet<(i64, i64)>, &TailPositions)],
) -> Result<()> {
    let mut key = tx.prepare_cached("INSERT INTO message_key (msg_hash, id) VALUES (?1, ?2)")?;
    let mut pos = tx
        .prepare_cached("INSERT INTO message_pos (conv, pos, id, flags) VALUES (?1, ?2, ?3, ?4)")?;
    for (keys, positions) in tails {
        for &(h, rowid) in keys.iter() {
            key.execute([h, rowid])?;
        }
        for (&(conv, p, rowid), &fl) in positions.iter() {
            pos.execute([conv, p, rowid, fl])?;
        }
    }
    tx.prepare_cached(
        "INSERT OR REPLACE INTO meta (key, value)
         SELECT 'rows_upto', CAST(coalesce(max(id), 0) AS TEXT) FROM message",
    )?
    .execute([])?;
    Ok(())
}

impl LazyRows {
    /// Messages stored after `rows_upto`.
    pub fn tail_msgs(&self) -> usize {
        self.keys.len()
    }
}

/// The row id of message `msg_id`, or None. Candidates with its hash come
/// from `pending` (the current operation's new messages), the tail and
/// `message_key`; the one whose stored id is `msg_id` wins, so a hash
/// collision costs a row read, never a wrong answer.
pub(crate) fn find_message(
    conn: &Connection,
    lazy: &LazyRows,
    pending: &BTreeSet<(i64, i64)>,
    msg_id: &str,
) -> Result<Option<i64>> {
    let h = msg_hash(msg_id);
    // Keys with hash `h` (a range open at the top: one search, not two).
    let with_hash = |set: &'_ BTreeSet<(i64, i64)>| {
        set.range((h, i64::MIN)..)
            .take_while(|&&(x, _)| x == h)
            .map(|&(_, rowid)| rowid)
            .collect::<Vec<i64>>()
    };
    // Usually none (a new id): then nothing is allocated and no row is read.
    let mut candidates = with_hash(pending);
    candidates.extend(with_hash(&lazy.keys));
    let mut stored = conn.prepare_cached("SELECT id FROM message_key WHERE msg_hash = ?1")?;
    let mut rows = stored.query([h])?;
    while let Some(r) = rows.next()? {
        candidates.push(r.get(0)?);
    }
    if candidates.is_empty() {
        return Ok(None);
    }
    let mut check = conn.prepare_cached("SELECT msg_id = ?2 FROM message WHERE id = ?1")?;
    for rowid in candidates {
        let same = check
            .query_row(params![rowid, msg_id], |r| r.get::<_, bool>(0))
            .optional()?;
        if same == Some(true) {
            return Ok(Some(rowid));
        }
    }
    Ok(None)
}

/// A message stored after `rows_upto`.
pub(crate) struct TailMessage {
    pub rowid: i64,
    pub conv: i64,
    pub pos: i64,
    pub flags: i64,
    pub server_time: u64,
    pub msg_id: String,
    pub msg_hash: i64,
}

impl TailMessage {
    /// The index of its conversation among `n`, if there is one.
    pub fn conv_index(&self, n: usize) -> Option<u32> {
        u32::try_from(self.conv - 1)
            .ok()
            .filter(|&i| (i as usize) < n)
    }
}

/// `meta.rows_upto` (None: a store without the mark, written by migration 5
/// and every flush, whose rows reflect every message) and the messages after
/// it, oldest first.
pub(crate) fn read_tail(conn: &Connection) -> Result<(Option<i64>, Vec<TailMessage>)> {
    let upto: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'rows_upto'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(upto) = upto else {
        return Ok((None, Vec::new()));
    };
    let upto: i64 = upto
        .parse()
        .map_err(|_| Error::StoreUnusable(format!("meta.rows_upto is not a number: {upto:?}")))?;
    let tail = conn
        .prepare(
            "SELECT id, conv, pos, flags, server_time, msg_id, msg_hash FROM message
             WHERE id > ?1 ORDER BY id",
        )?
        .query_map([upto], |r| {
            Ok(TailMessage {
                rowid: r.get(0)?,
                conv: r.get(1)?,
                pos: r.get(2)?,
                flags: r.get(3)?,
                server_time: r.get::<_, i64>(4)? as u64,
                msg_id: r.get(5)?,
                msg_hash: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((Some(upto), tail))
}
