//! The SQLite store: file naming, opening, pragmas and migrations.

pub mod checkpoint;
pub mod schema;

use crate::config::{Durability, EngineConfig};
use crate::error::{invalid, Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Longest user id accepted for a store, in bytes.
pub const MAX_USER_ID_LEN: usize = 4096;

/// The database file of `(app_id, user_id)` under `data_dir`.
///
/// The user id is hex-encoded, so no id (`../../etc/passwd`, control
/// characters, emoji, 4 KB) can escape the directory or make an invalid file
/// name. Ids over 96 bytes keep a hex prefix plus a 64-bit FNV-1a hash of the
/// whole id; the full id is also stored in the file and checked on open, so
/// a hash collision is reported instead of mixing two users' data.
pub fn db_path(data_dir: &Path, app_id: u64, user_id: &str) -> Result<PathBuf> {
    check_user_id(user_id)?;
    let bytes = user_id.as_bytes();
    let name = if bytes.len() <= 96 {
        format!("imcore_{app_id}_{}.db", hex(bytes))
    } else {
        format!(
            "imcore_{app_id}_{}_{:016x}.db",
            hex(&bytes[..48]),
            fnv1a(bytes)
        )
    };
    Ok(data_dir.join(name))
}

/// Checks a user id: non-empty, at most [`MAX_USER_ID_LEN`] bytes, no NUL.
pub fn check_user_id(user_id: &str) -> Result<()> {
    if user_id.is_empty() {
        return Err(invalid("user id is empty"));
    }
    if user_id.len() > MAX_USER_ID_LEN {
        return Err(invalid(format!(
            "user id is {} bytes long; at most {MAX_USER_ID_LEN} are allowed",
            user_id.len()
        )));
    }
    if user_id.contains('\0') {
        return Err(invalid("user id contains a NUL character"));
    }
    Ok(())
}

/// Creates a missing store file readable and writable by its owner only
/// (0600): it holds a user's conversations. SQLite gives the `-wal` and
/// `-shm` files the same permissions. An error is left for SQLite's open to
/// report in its own words.
fn create_private(path: &Path) {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let _ = o.open(path);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Opens (creating if needed) the store at `path` for `user_id`, sets the
/// pragmas and applies pending migrations. A file that is not an imcore
/// store, is corrupt, belongs to another user or was written by a newer
/// version is reported and left untouched. Corruption is checked here in
/// every table but the message history (which SQLite checks as it reads it)
/// and, when no migration is due, but the conversation table, which
/// `Engine::open` reads in full right after (see [`READ_IN_FULL_AT_OPEN`]):
/// a caller that opens the store without the engine does not get it checked.
pub fn open(path: &Path, user_id: &str, config: &EngineConfig) -> Result<Connection> {
    create_private(path);
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| match Error::from(e) {
        Error::ReadOnly(m) | Error::Storage(m) => {
            Error::ReadOnly(format!("cannot open {}: {m}", path.display()))
        }
        other => other,
    })?;
    // Reading the header first tells a foreign or corrupt file apart before
    // anything is written to it.
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| unusable(path, e))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| unusable(path, e))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|e| unusable(path, e))?;
    if tables > 0 && app_id != schema::APPLICATION_ID {
        return Err(Error::StoreUnusable(format!(
            "{} is a SQLite database of another application",
            path.display()
        )));
    }
    if version > schema::LATEST {
        return Err(Error::StoreUnusable(format!(
            "{} has schema version {version}; this imcore knows up to {}",
            path.display(),
            schema::LATEST
        )));
    }
    // A migration writes: before one, check the tables the load would.
    quick_check(&conn, path, version == schema::LATEST)?;
    set_pragmas(&conn, config)?;
    migrate(&conn, version, schema::LATEST)?;
    check_owner(&conn, path, user_id)?;
    Ok(conn)
}

/// Tables left out of the integrity check at open: the message history and
/// its id index, which grow without bound. SQLite still reports a corrupt
/// page of theirs (`SQLITE_CORRUPT`, a [`Error::StoreUnusable`]) when it is
/// read.
const UNCHECKED_AT_OPEN: &[&str] = &["message", "message_key", "message_pos", "receipt"];

/// Tables whose every page `Engine::open` reads (its load scan) before it
/// writes anything: a damaged page there fails the open with
/// [`Error::StoreUnusable`] and the file untouched, as the check would. The
/// check read the same pages first, and their indexes: 175 of a 311 ms cold
/// open at 100k conversations (core/BENCHMARKS.md). The `UNIQUE (conv_type,
/// peer)` index is then not read at open; like the history, SQLite reports
/// damage there when a write reaches it (a new conversation).
pub const READ_IN_FULL_AT_OPEN: &[&str] = &["conversation"];

/// `PRAGMA quick_check` of every table (and its indexes) except the message
/// history and, with `skip_loaded`, the tables in [`READ_IN_FULL_AT_OPEN`]. A
/// whole-file check reads the whole file on every open, O(history): with
/// 100k conversations it took 194 ms (file in the OS cache) and 2.1 s (from
/// disk) at 300k messages, 542 ms and 8.6 s at 1M, against 30 ms and 180 ms
/// for the tables the engine loads (core/BENCHMARKS.md).
fn quick_check(conn: &Connection, path: &Path, skip_loaded: bool) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| unusable(path, e))?;
    let skipped = |t: &str| {
        UNCHECKED_AT_OPEN.contains(&t)
            || (skip_loaded && READ_IN_FULL_AT_OPEN.contains(&t))
            || t.starts_with("sqlite_")
    };
    for table in tables.iter().filter(|t| !skipped(t)) {
        let quoted = table.replace('"', "\"\"");
        let quick: String = conn
            .query_row(&format!("PRAGMA quick_check(\"{quoted}\")"), [], |r| {
                r.get(0)
            })
            .map_err(|e| unusable(path, e))?;
        if quick != "ok" {
            return Err(Error::StoreUnusable(format!(
                "{} failed its integrity check: {quick}",
                path.display()
            )));
        }
    }
    Ok(())
}

fn unusable(path: &Path, e: rusqlite::Error) -> Error {
    match Error::from(e) {
        Error::StoreUnusable(m) | Error::Storage(m) => Error::StoreUnusable(format!(
            "{} is not a usable imcore store: {m}",
            path.display()
        )),
        // E.g. a WAL store in a read-only directory: name the file.
        Error::ReadOnly(m) => Error::ReadOnly(format!("cannot open {}: {m}", path.display())),
        other => other,
    }
}

fn set_pragmas(conn: &Connection, config: &EngineConfig) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage(format!("journal_mode WAL refused ({mode})")));
    }
    let sync = match config.durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {sync};
         PRAGMA foreign_keys = ON;
         PRAGMA wal_autocheckpoint = {};
         PRAGMA journal_size_limit = 67108864;
         PRAGMA temp_store = MEMORY;",
        config.wal_autocheckpoint.max(100),
    ))?;
    set_cache_size(conn, config)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// The 64-bit key a message id is found by (`message.msg_hash`): FNV-1a
/// with a final mix so that ids differing in their last bytes spread over
/// the whole index. Stored in every store: it must never change.
/// Collisions are harmless: lookups compare the id itself too.
pub fn msg_hash(msg_id: &str) -> i64 {
    let mut h = fnv1a(msg_id.as_bytes());
    // The splitmix64 finalizer.
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 31)) as i64
}

/// Makes `imcore_msg_hash(text)` (= [`msg_hash`]) callable from the
/// migrations' SQL.
fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "imcore_msg_hash",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(msg_hash(&ctx.get::<String>(0)?)),
    )?;
    Ok(())
}

/// Sets the configured page cache size (at open, and again after the
/// engine's load scan ran with a small one).
pub(crate) fn set_cache_size(conn: &Connection, config: &EngineConfig) -> Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA cache_size = -{}",
        config.cache_kib.max(256)
    ))?;
    Ok(())
}

/// Applies migrations `from + 1 ..= to`, each in its own transaction.
pub fn migrate(conn: &Connection, from: i64, to: i64) -> Result<()> {
    if from < to {
        register_functions(conn)?;
    }
    for n in from + 1..=to {
        let sql = schema::MIGRATIONS[(n - 1) as usize];
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;
             {sql}
             PRAGMA application_id = {};
             PRAGMA user_version = {n};
             COMMIT;",
            schema::APPLICATION_ID
        ))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            match Error::from(e) {
                // No space, or not writable: those codes say what to do.
                e @ (Error::DiskFull(_) | Error::ReadOnly(_)) => e,
                // A schema this migration does not apply to (e.g. a change
                // of it already there without its version bump): the store
                // is not one imcore wrote; it stays at version n - 1.
                e => Error::StoreUnusable(format!(
                    "migration to schema version {n} failed, the store stays at version {}: {e}",
                    n - 1
                )),
            }
        })?;
    }
    Ok(())
}

fn check_owner(conn: &Connection, path: &Path, user_id: &str) -> Result<()> {
    let owner: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'user_id'", [], |r| {
            r.get(0)
        })
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    match owner {
        Some(o) if o == user_id => Ok(()),
        Some(_) => Err(Error::StoreUnusable(format!(
            "{} belongs to another user",
            path.display()
        ))),
        None => {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('user_id', ?1)",
                [user_id],
            )?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Overwrites the first page of `table`'s B-tree with garbage.
    fn smash_root(path: &Path, table: &str) {
        let (root, page_size): (i64, i64) = {
            let c = Connection::open(path).unwrap();
            let root = c
                .query_row(
                    "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            let ps = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
            (root, ps)
        };
        let mut b = std::fs::read(path).unwrap();
        let start = ((root - 1) * page_size) as usize;
        for (i, x) in b[start..start + page_size as usize].iter_mut().enumerate() {
            *x = (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3];
        }
        std::fs::write(path, &b).unwrap();
    }

    fn store_with_rows(path: &Path) {
        let c = open(path, "alice", &EngineConfig::default()).unwrap();
        c.execute_batch(
            "INSERT INTO conversation (id, conv_type, peer) VALUES (1, 1, 'bob');
             INSERT INTO message (conv, pos, msg_hash, msg_id, sender, server_time, seq, flags,
                                  body)
             VALUES (1, 1, 0, 'm1', 'bob', 1, 0, 16, '{}');",
        )
        .unwrap();
        drop(c); // checkpoints the WAL into the file
    }

    /// Stores hold these hashes: a change of the function would make every
    /// stored message unfindable by id. The values were computed by a
    /// separate Python implementation of FNV-1a + the splitmix64 finalizer.
    #[test]
    fn msg_hash_never_changes() {
        assert_eq!(msg_hash(""), -780_787_492_076_525_413);
        assert_eq!(
            msg_hash("144115233874815003-1600000000-12345678"),
            4_285_502_638_664_120_849
        );
        assert_eq!(msg_hash("消息"), -8_364_449_372_338_895_816);
    }

    #[test]
    fn a_corrupt_table_loaded_at_open_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        store_with_rows(&path);
        smash_root(&path, "conv_group_member");
        let err = open(&path, "alice", &EngineConfig::default()).unwrap_err();
        assert!(matches!(err, Error::StoreUnusable(_)), "{err:?}");
    }

    #[test]
    fn a_corrupt_conversation_table_is_refused_by_the_load_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        store_with_rows(&path);
        smash_root(&path, "conversation");
        let before = std::fs::read(&path).unwrap();
        // The check at open leaves it to the engine's load scan...
        drop(open(&path, "alice", &EngineConfig::default()).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // ...which refuses it, and writes nothing.
        let err = crate::Engine::open_path(&path, "alice", EngineConfig::default()).unwrap_err();
        assert!(matches!(err, Error::StoreUnusable(_)), "{err:?}");
        assert!(err.to_string().contains("s.db"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn before_a_migration_the_conversation_table_is_checked_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        store_with_rows(&path);
        smash_root(&path, "conversation");
        Connection::open(&path)
            .unwrap()
            .execute_batch(&format!("PRAGMA user_version = {}", schema::LATEST - 1))
            .unwrap();
        let before = std::fs::read(&path).unwrap();
        let err = open(&path, "alice", &EngineConfig::default()).unwrap_err();
        assert!(matches!(err, Error::StoreUnusable(_)), "{err:?}");
        // Refused by the check, not by the migration it would have run.
        assert!(!err.to_string().contains("migration"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_corrupt_message_key_page_is_reported_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        store_with_rows(&path);
        smash_root(&path, "message_key");
        // Grows with the history, so not checked at open; read, it reports.
        let c = open(&path, "alice", &EngineConfig::default()).unwrap();
        let err = c
            .query_row("SELECT count(*) FROM message_key", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(Error::from)
            .unwrap_err();
        assert!(matches!(err, Error::StoreUnusable(_)), "{err:?}");
    }

    #[test]
    fn a_corrupt_message_page_is_reported_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        store_with_rows(&path);
        smash_root(&path, "message");
        // Not read at open (O(history)), but SQLite reports it on access.
        let c = open(&path, "alice", &EngineConfig::default()).unwrap();
        let err = c
            .query_row("SELECT sum(length(body)) FROM message", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(Error::from)
            .unwrap_err();
        assert!(matches!(err, Error::StoreUnusable(_)), "{err:?}");
    }
}
