//! The relay's SQLite storage: per-user streams of inbound envelopes, each
//! device's cursor in its user's stream, the answers given to envelopes
//! (so a repeated envelope gets the same answer and is applied once),
//! messages (who sent what, for receipts), group rosters and sequences.
//!
//! Every change of one envelope is one transaction: when the relay sends an
//! ack, what the envelope caused is durable.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::path::Path;

/// The relay's database.
pub struct Store {
    conn: Connection,
}

/// One entry of a user's stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in the user's stream (grows).
    pub pos: i64,
    /// The inbound envelope (docs/TRANSPORT.md), JSON.
    pub envelope: String,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS stream (
        pos      INTEGER PRIMARY KEY AUTOINCREMENT,
        user     TEXT NOT NULL,
        envelope TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS stream_user ON stream (user, pos);
    CREATE TABLE IF NOT EXISTS cursor (
        user   TEXT NOT NULL,
        device TEXT NOT NULL,
        pos    INTEGER NOT NULL,
        PRIMARY KEY (user, device)
    );
    CREATE TABLE IF NOT EXISTS answered (
        user        TEXT NOT NULL,
        device      TEXT NOT NULL,
        envelope_id INTEGER NOT NULL,
        ack         TEXT NOT NULL,
        PRIMARY KEY (user, device, envelope_id)
    );
    CREATE TABLE IF NOT EXISTS message (
        msg_id    TEXT PRIMARY KEY,
        sender    TEXT NOT NULL,
        conv_type INTEGER NOT NULL,
        conv_id   TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS group_seq (
        group_id TEXT PRIMARY KEY,
        seq      INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS group_member (
        group_id TEXT NOT NULL,
        user     TEXT NOT NULL,
        PRIMARY KEY (group_id, user)
    );
";

impl Store {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// Runs `f` in one transaction.
    pub fn tx<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let tx = self.conn.transaction()?;
        let out = f(&Tx(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// The entries of `user`'s stream after `after`, at most `limit`.
    pub fn read(&self, user: &str, after: i64, limit: usize) -> rusqlite::Result<Vec<Entry>> {
        let mut st = self.conn.prepare_cached(
            "SELECT pos, envelope FROM stream WHERE user = ?1 AND pos > ?2 ORDER BY pos LIMIT ?3",
        )?;
        let rows = st.query_map(params![user, after, limit as i64], |r| {
            Ok(Entry {
                pos: r.get(0)?,
                envelope: r.get(1)?,
            })
        })?;
        rows.collect()
    }

    /// A device's cursor (0 for a new device).
    pub fn cursor(&self, user: &str, device: &str) -> rusqlite::Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT pos FROM cursor WHERE user = ?1 AND device = ?2")?
            .query_row(params![user, device], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// Moves a device's cursor forward (never back).
    pub fn set_cursor(&self, user: &str, device: &str, pos: i64) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO cursor (user, device, pos) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user, device) DO UPDATE SET pos = max(pos, excluded.pos)",
            )?
            .execute(params![user, device, pos])?;
        Ok(())
    }

    /// The members of a group.
    pub fn members(&self, group: &str) -> rusqlite::Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT user FROM group_member WHERE group_id = ?1 ORDER BY user")?;
        let rows = st.query_map([group], |r| r.get(0))?;
        rows.collect()
    }

    /// How many envelopes are stored in all streams (for tests).
    pub fn stream_len(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM stream", [], |r| r.get(0))
    }
}

/// A transaction on the store.
pub struct Tx<'a>(&'a Transaction<'a>);

impl Tx<'_> {
    /// Appends an envelope to `user`'s stream; returns its position.
    pub fn append(&self, user: &str, envelope: &str) -> rusqlite::Result<i64> {
        self.0
            .prepare_cached("INSERT INTO stream (user, envelope) VALUES (?1, ?2)")?
            .execute(params![user, envelope])?;
        Ok(self.0.last_insert_rowid())
    }

    /// The answer already given to an envelope of this device, if any.
    pub fn answered(&self, user: &str, device: &str, id: u64) -> rusqlite::Result<Option<String>> {
        self.0
            .prepare_cached(
                "SELECT ack FROM answered WHERE user = ?1 AND device = ?2 AND envelope_id = ?3",
            )?
            .query_row(params![user, device, id as i64], |r| r.get(0))
            .optional()
    }

    /// Records the answer to an envelope.
    pub fn answer(&self, user: &str, device: &str, id: u64, ack: &str) -> rusqlite::Result<()> {
        self.0
            .prepare_cached(
                "INSERT INTO answered (user, device, envelope_id, ack) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![user, device, id as i64, ack])?;
        Ok(())
    }

    /// Records a message (first writer wins: a repeated id keeps the first).
    pub fn message(
        &self,
        msg_id: &str,
        sender: &str,
        conv_type: i64,
        conv_id: &str,
    ) -> rusqlite::Result<bool> {
        let n = self
            .0
            .prepare_cached(
                "INSERT OR IGNORE INTO message (msg_id, sender, conv_type, conv_id) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![msg_id, sender, conv_type, conv_id])?;
        Ok(n == 1)
    }

    /// The sender, type and conversation of a stored message.
    pub fn message_of(&self, msg_id: &str) -> rusqlite::Result<Option<(String, i64, String)>> {
        self.0
            .prepare_cached("SELECT sender, conv_type, conv_id FROM message WHERE msg_id = ?1")?
            .query_row([msg_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()
    }

    /// The next sequence of a group.
    pub fn next_seq(&self, group: &str) -> rusqlite::Result<u64> {
        self.0
            .prepare_cached(
                "INSERT INTO group_seq (group_id, seq) VALUES (?1, 1)
                 ON CONFLICT (group_id) DO UPDATE SET seq = seq + 1",
            )?
            .execute([group])?;
        self.0
            .prepare_cached("SELECT seq FROM group_seq WHERE group_id = ?1")?
            .query_row([group], |r| r.get::<_, i64>(0))
            .map(|s| s as u64)
    }

    /// Replaces a group's roster.
    pub fn set_members(&self, group: &str, members: &[String]) -> rusqlite::Result<()> {
        self.0
            .prepare_cached("DELETE FROM group_member WHERE group_id = ?1")?
            .execute([group])?;
        for m in members {
            self.0
                .prepare_cached(
                    "INSERT OR IGNORE INTO group_member (group_id, user) VALUES (?1, ?2)",
                )?
                .execute([group, m])?;
        }
        Ok(())
    }

    /// The members of a group.
    pub fn members(&self, group: &str) -> rusqlite::Result<Vec<String>> {
        let mut st = self
            .0
            .prepare_cached("SELECT user FROM group_member WHERE group_id = ?1 ORDER BY user")?;
        let rows = st.query_map([group], |r| r.get(0))?;
        rows.collect()
    }
}
