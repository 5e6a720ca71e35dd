//! Conversation rows written lazily after receives.
//!
//! A received message changes only columns of its conversation that are
//! derived from the messages (unread, @-flags, last message, positions,
//! activity). Writing that row with every receive batch dirtied a random
//! page of the conversation table per conversation and per batch, a fifth
//! of the pages a batch wrote. So a receive leaves the rows of the
//! conversations it touches *stale*: memory is current, the messages are
//! committed, and the row catches up later.
//!
//! The invariant: every conversation row reflects every message with a row
//! id up to `meta.rows_upto`, and every later message was stored by a
//! receive whose effect on its row is still missing. Any other operation
//! (and a receive once [`crate::EngineConfig::lazy_row_messages`] messages
//! are pending, and closing the engine) writes every stale row and moves
//! `rows_upto` to the newest message in its own transaction. Opening the
//! store replays the receive rule for the messages after `rows_upto`
//! (after a crash; a clean close leaves none), so nothing is lost and the
//! counters agree with the messages at every commit.

use super::receive::Received;
use super::state::ConvState;
use super::work::counts_unread;
use super::Engine;
use crate::error::{Error, Result};
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// The conversations whose rows lag behind memory.
#[derive(Debug, Default)]
pub(crate) struct LazyRows {
    /// Stale rows: conversation index -> time of its last (unwritten) change.
    pub stale: HashMap<u32, u64>,
    /// Messages stored after `rows_upto`.
    pub tail_msgs: usize,
}

impl Engine {
    /// Writes every stale conversation row (one transaction). Runs by
    /// itself when the engine is dropped and before any operation other
    /// than a receive; a host may call it, e.g. when the app goes to the
    /// background, to keep the next open short after a crash.
    pub fn flush_rows(&mut self) -> Result<()> {
        if self.lazy.tail_msgs == 0 {
            return Ok(());
        }
        self.commit(|_| Ok(()))
    }

    /// Re-applies the receive rule to the loaded conversations for the
    /// messages stored after `rows_upto`, oldest first.
    pub(super) fn replay_tail(&mut self) -> Result<()> {
        let upto: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'rows_upto'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let upto: i64 = match upto {
            // Written by migration 5 and every flush: a store without it
            // has no rows to catch up.
            None => return Ok(()),
            Some(v) => v.parse().map_err(|_| {
                Error::StoreUnusable(format!("meta.rows_upto is not a number: {v:?}"))
            })?,
        };
        let tail: Vec<(i64, i64, i64, i64, u64, String)> = self
            .conn
            .prepare(
                "SELECT id, conv, pos, flags, server_time, msg_id FROM message
                 WHERE id > ?1 ORDER BY id",
            )?
            .query_map([upto], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, i64>(4)? as u64,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let now = self.now();
        for (rowid, conv, pos, flags, server_time, msg_id) in &tail {
            let idx = u32::try_from(conv - 1)
                .ok()
                .filter(|&i| (i as usize) < self.convs.len())
                .ok_or_else(|| {
                    Error::StoreUnusable(format!("message {msg_id:?} has no conversation {conv}"))
                })?;
            let old = &self.convs[idx as usize];
            let mut st: ConvState = old.clone();
            let counts = counts_unread(&self.config, &st);
            Received {
                rowid: *rowid,
                pos: *pos,
                flags: *flags,
                server_time: *server_time,
                msg_id,
            }
            .apply(&self.conn, &mut st, counts)?;
            self.replace_loaded(idx, st);
            self.lazy.stale.insert(idx, now);
        }
        self.lazy.tail_msgs = tail.len();
        Ok(())
    }

    /// Replaces a loaded conversation's state, keeping the sums and the
    /// list order in step.
    fn replace_loaded(&mut self, idx: u32, st: ConvState) {
        let old = &self.convs[idx as usize];
        self.counters.adjust(Some(old), &st);
        if old.visible {
            self.order.remove(&(old.order_key, idx));
            self.pinned -= usize::from(old.pinned);
        }
        if st.visible {
            self.order.insert((st.order_key, idx));
            self.pinned += usize::from(st.pinned);
        }
        self.convs[idx as usize] = st;
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Best effort: what is not written is replayed at the next open.
        let _ = self.flush_rows();
    }
}
