//! The SQLite store: file naming, opening, pragmas and migrations.

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
/// version is reported and left untouched.
pub fn open(path: &Path, user_id: &str, config: &EngineConfig) -> Result<Connection> {
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
    let quick: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| unusable(path, e))?;
    if quick != "ok" {
        return Err(Error::StoreUnusable(format!(
            "{} failed its integrity check: {quick}",
            path.display()
        )));
    }
    set_pragmas(&conn, config)?;
    migrate(&conn, version, schema::LATEST)?;
    check_owner(&conn, path, user_id)?;
    Ok(conn)
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
         PRAGMA cache_size = -{};
         PRAGMA wal_autocheckpoint = {};
         PRAGMA journal_size_limit = 67108864;
         PRAGMA temp_store = MEMORY;",
        config.cache_kib.max(256),
        config.wal_autocheckpoint.max(100),
    ))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Applies migrations `from + 1 ..= to`, each in its own transaction.
pub fn migrate(conn: &Connection, from: i64, to: i64) -> Result<()> {
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
