//! WAL checkpoints off the engine's thread.
//!
//! SQLite's automatic checkpoint runs inside the commit that takes the WAL
//! past `wal_autocheckpoint` pages: that commit copies the WAL's pages into
//! the database file and syncs both files. Measured through the C ABI (a
//! live message per push into a store of 100,000 conversations,
//! core/BOUNDARY-BENCHMARKS.md), those two syncs took 14–41 ms each on this
//! VM's disk, inside whichever push passed the mark: the live path's 47–54 ms
//! maximum. So the engine's connection only watches the WAL's size (a WAL
//! hook, called after each commit) and wakes a thread that holds a
//! connection of its own and runs a `PASSIVE` checkpoint, which never waits
//! for and never blocks the writer. At the next write after a complete
//! checkpoint SQLite starts the WAL over, as it does after its own.
//!
//! A checkpoint that cannot keep up (a long reader pins the WAL, a disk
//! slower than the writes) must not let the WAL grow without bound: past
//! [`INLINE_FACTOR`] times the mark the committing connection checkpoints
//! itself, as SQLite would have. Durability is unchanged: a commit is in the
//! WAL, synced or not as the configured [`Durability`] says, before the
//! checkpoint copies it anywhere.
//!
//! [`Durability`]: crate::config::Durability

use crate::config::{Durability, EngineConfig};
use crate::error::Result;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// A WAL this many times `wal_autocheckpoint` is checkpointed by the commit
/// that finds it (the background thread fell behind).
pub const INLINE_FACTOR: i32 = 4;

/// The background checkpoint of one store; stops (and joins its thread)
/// when dropped.
pub struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    /// WAL size (pages) at which the next commit wakes the thread: the mark,
    /// or, after a checkpoint the writer outran (frames appended while it
    /// copied, so the WAL does not start over), an eighth of the mark more
    /// than that checkpoint saw. Without it every commit over the mark would
    /// run a checkpoint of its few new pages, two syncs each.
    next: AtomicI32,
}

#[derive(Default)]
struct State {
    /// The WAL passed the mark since the last checkpoint started.
    due: bool,
    stop: bool,
}

impl Shared {
    fn set(&self, f: impl FnOnce(&mut State)) {
        // A poisoned lock only means a panicking checkpoint thread; the flags
        // are plain booleans, still meaningful.
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut st);
        self.wake.notify_one();
    }
}

impl Checkpointer {
    /// Moves the checkpoints of the store at `path`, whose connection `conn`
    /// is (already opened, pragmas set and migrated by [`super::open`]), to a
    /// thread with a connection of its own. Replaces SQLite's automatic
    /// checkpoint on `conn`.
    pub fn start(conn: &mut Connection, path: &Path, config: &EngineConfig) -> Result<Self> {
        let mark = i32::try_from(config.wal_autocheckpoint.max(100)).unwrap_or(i32::MAX);
        let own = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // The checkpoint's syncs follow its own connection's setting.
        let sync = match config.durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        own.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA wal_autocheckpoint = 0;"
        ))?;
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            wake: Condvar::new(),
            next: AtomicI32::new(mark),
        });
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("imcore-checkpoint".into())
                .spawn(move || run(&own, &shared, mark))
                .map_err(|e| {
                    crate::Error::Storage(format!("cannot start the checkpoint thread: {e}"))
                })?
        };
        let hook_shared = Arc::clone(&shared);
        conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: i32| {
            if pages >= mark.saturating_mul(INLINE_FACTOR) {
                log::warn!("the WAL holds {pages} pages: checkpointing in the commit");
                wal.checkpoint()?;
            } else if pages >= hook_shared.next.load(Ordering::Relaxed) {
                hook_shared.set(|st| st.due = true);
            }
            Ok(())
        }))?;
        Ok(Checkpointer {
            shared,
            thread: Some(thread),
        })
    }
}

/// The thread: waits until the WAL passes the mark, checkpoints, repeats.
fn run(conn: &Connection, shared: &Shared, mark: i32) {
    loop {
        {
            let mut st = shared.state.lock().unwrap_or_else(|p| p.into_inner());
            while !st.due && !st.stop {
                st = shared.wake.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            if st.stop {
                return;
            }
            st.due = false;
        }
        match conn.wal_checkpoint_v2(None::<&str>, rusqlite::wal::CheckpointMode::PASSIVE) {
            Ok((log, done)) => {
                log::debug!("checkpoint: {done} of {log} WAL pages in the store");
                let next = if done >= log {
                    mark
                } else {
                    log.saturating_add(mark / 8)
                };
                shared.next.store(next.max(mark), Ordering::Relaxed);
            }
            // Retried when the next commits pass the mark; past the inline
            // mark the writer checkpoints itself and reports its own error.
            Err(e) => log::warn!("background checkpoint failed: {e}"),
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.set(|st| st.stop = true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
