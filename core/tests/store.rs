//! The SQLite store: migrations, file naming, refusing files that are not
//! ours, and read-only locations.

mod common;
use common::*;
use imcore::store::{self, schema};
use imcore::{Engine, EngineConfig, Error};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

const APP: u64 = 1400000000;

/// `sqlite_schema` as (type, name, table, sql with whitespace collapsed).
fn schema_of(conn: &Connection) -> Vec<(String, String, String, String)> {
    let mut v: Vec<(String, String, String, String)> = conn
        .prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for row in &mut v {
        row.3 = row.3.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    v.sort();
    v
}

fn pragma(conn: &Connection, name: &str) -> i64 {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap()
}

fn open_raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// A store at schema version `v` with one C2C conversation holding one
/// counted unread message, written as that version's tables allow.
fn store_at_version(path: &Path, user: &str, v: i64) {
    let conn = open_raw(path);
    store::migrate(&conn, 0, v).unwrap();
    assert_eq!(pragma(&conn, "user_version"), v);
    if v >= 5 {
        // From version 5 on, a message row carries its id's hash and
        // `rows_upto` says which rows the conversation rows reflect.
        conn.execute_batch(&format!(
            "INSERT INTO meta (key, value) VALUES ('user_id', '{user}');
             INSERT INTO conversation (id, conv_type, peer, unread, max_pos, active_time,
                                       order_key, create_time, update_time)
                 VALUES (1, 1, 'bob', 1, {pos}, 100, {key}, 100, 100);
             INSERT INTO message (conv, pos, msg_hash, msg_id, sender, server_time, seq,
                                  flags, body)
                 VALUES (1, {pos}, {hash}, 'm1', 'bob', 100, 0, 16, '{{}}');
             INSERT INTO message_key (msg_hash, id) VALUES ({hash}, 1);
             INSERT OR REPLACE INTO meta (key, value) VALUES ('rows_upto', '1');",
            pos = 100i64 << 20,
            key = (100i64 << 20) | 1,
            hash = store::msg_hash("m1"),
        ))
        .unwrap();
        if v >= 10 {
            // From version 10 on, its position entry too (`message_pos`).
            conn.execute_batch(&format!(
                "INSERT INTO message_pos (conv, pos, id, flags) VALUES (1, {}, 1, 16);",
                100i64 << 20
            ))
            .unwrap();
        }
    } else if v >= 1 {
        conn.execute_batch(&format!(
            "INSERT INTO meta (key, value) VALUES ('user_id', '{user}');
             INSERT INTO conversation (id, conv_type, peer, unread, max_pos, active_time,
                                       order_key, create_time, update_time)
                 VALUES (1, 1, 'bob', 1, {pos}, 100, {key}, 100, 100);",
            pos = 100i64 << 20,
            key = (100i64 << 20) | 1,
        ))
        .unwrap();
        // From version 5 on a message row carries its id's hash and key row.
        let (cols, vals) = if v >= 5 {
            (", msg_hash", format!(", {}", store::msg_hash("m1")))
        } else {
            ("", String::new())
        };
        conn.execute_batch(&format!(
            "INSERT INTO message (conv, pos, msg_id, sender, server_time, seq, flags, body{cols})
                 VALUES (1, {pos}, 'm1', 'bob', 100, 0, 16, '{{}}'{vals});",
            pos = 100i64 << 20,
        ))
        .unwrap();
        if v >= 5 {
            conn.execute_batch(&format!(
                "INSERT INTO message_key (msg_hash, id) VALUES ({}, 1);
                 UPDATE meta SET value = '1' WHERE key = 'rows_upto';",
                store::msg_hash("m1")
            ))
            .unwrap();
        }
    }
}

#[test]
fn a_migrated_store_equals_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("fresh.db");
    let fresh = Engine::open_path(&fresh_path, "alice", EngineConfig::default()).unwrap();
    drop(fresh);
    let fresh = open_raw(&fresh_path);
    let want = schema_of(&fresh);
    assert!(
        want.iter().any(|r| r.1 == "message"),
        "the fresh store has no message table: {want:?}"
    );
    assert_eq!(pragma(&fresh, "user_version"), schema::LATEST);
    assert_eq!(pragma(&fresh, "application_id"), schema::APPLICATION_ID);

    // From every older version (0 = an empty file) up to the latest.
    for v in 0..schema::LATEST {
        let path = dir.path().join(format!("v{v}.db"));
        store_at_version(&path, "alice", v);
        let e = Engine::open_path(&path, "alice", EngineConfig::default())
            .unwrap_or_else(|err| panic!("opening a version {v} store: {err}"));
        e.verify().unwrap();
        if v >= 1 {
            // The old rows are still there and counted.
            assert_eq!(e.unread_of(&c2c("bob")).unwrap(), 1, "from version {v}");
            assert_eq!(e.total_unread(), 1);
            assert!(e.message_by_id("m1").unwrap().is_some());
        }
        drop(e);
        let conn = open_raw(&path);
        assert_eq!(schema_of(&conn), want, "migrated from version {v}");
        assert_eq!(pragma(&conn, "user_version"), schema::LATEST);
        assert_eq!(pragma(&conn, "application_id"), schema::APPLICATION_ID);
    }
}

/// `PRAGMA journal_mode` answers a string; kept apart from `pragma`.
#[test]
fn stores_are_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let e = Engine::open_path(&path, "alice", EngineConfig::default()).unwrap();
    drop(e);
    let conn = open_raw(&path);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn user_ids_never_escape_the_data_dir() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let long = "x".repeat(4096);
    let mut long2 = long.clone();
    long2.replace_range(4000..4001, "y");
    let ids: Vec<String> = vec![
        "../../etc/passwd".into(),
        "/etc/passwd".into(),
        "..".into(),
        ".".into(),
        "a/b\\c:d*e?f\"g<h>i|j".into(),
        "tab\tnew\nline\rbell\x07esc\x1b".into(),
        "😀🎉 用户".into(),
        "Bob".into(),
        "bob".into(),
        long.clone(),
        long2,
        "x".repeat(97),
        "x".repeat(96),
    ];
    let mut paths: Vec<PathBuf> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let path = store::db_path(&data, APP, id).unwrap();
        assert_eq!(path.parent(), Some(data.as_path()), "{id:?}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'),
            "{id:?} gives {name:?}"
        );
        assert!(name.len() <= 255, "{id:?}: a {}-byte name", name.len());
        assert!(!paths.contains(&path), "{id:?} shares a file");
        paths.push(path.clone());

        let mut e = Engine::open(&data, APP, id, EngineConfig::default()).unwrap();
        assert_eq!(e.user_id(), id);
        e.receive(vec![from_peer(&format!("m{i}"), "peer", 100 + i as u64)])
            .unwrap();
        drop(e);
        assert!(path.is_file(), "{id:?}: {} not created", path.display());
    }
    // Only the data dir holds files, one store per id.
    assert_eq!(files_in(root.path()), vec!["data".to_owned()]);
    let want: Vec<String> = {
        let mut v: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(files_in(&data), want);
    // The same id reopens the same data, and only its own.
    for (i, id) in ids.iter().enumerate() {
        let e = Engine::open(&data, APP, id, EngineConfig::default()).unwrap();
        assert!(
            e.message_by_id(&format!("m{i}")).unwrap().is_some(),
            "{id:?}"
        );
        assert_eq!(e.total_unread(), 1, "{id:?}");
        assert_eq!(e.conversation_count(), 1, "{id:?}");
    }
    // Another app id is another store.
    let other = store::db_path(&data, APP + 1, &ids[0]).unwrap();
    assert!(!paths.contains(&other));
}

/// Opening `path` as `user` fails with `StoreUnusable` and leaves every file
/// of the directory as it was.
fn refused(path: &Path, user: &str) -> String {
    let dir = path.parent().unwrap();
    let before: Vec<(String, Vec<u8>)> = files_in(dir)
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap()))
        .collect();
    let err = Engine::open_path(path, user, EngineConfig::default())
        .expect_err("a file that is not ours was opened");
    assert!(
        matches!(err, Error::StoreUnusable(_)),
        "{}: expected StoreUnusable, got {err:?}",
        path.display()
    );
    let after: Vec<(String, Vec<u8>)> = files_in(dir)
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap()))
        .collect();
    assert!(after == before, "{}: the files changed", path.display());
    err.to_string()
}

#[test]
fn foreign_garbage_and_other_users_files_are_refused_untouched() {
    let root = tempfile::tempdir().unwrap();
    let sub = |name: &str| {
        let d = root.path().join(name);
        std::fs::create_dir(&d).unwrap();
        d.join("store.db")
    };

    // Another application's SQLite database.
    let foreign = sub("foreign");
    {
        let conn = open_raw(&foreign);
        conn.execute_batch(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO users (name) VALUES ('someone');",
        )
        .unwrap();
    }
    let msg = refused(&foreign, "alice");
    assert!(msg.contains("another application"), "{msg}");

    // Garbage: not a database at all.
    let garbage = sub("garbage");
    let bytes: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&garbage, &bytes).unwrap();
    refused(&garbage, "alice");
    let text = sub("text");
    std::fs::write(&text, "hello, this is a text file\n".repeat(200)).unwrap();
    refused(&text, "alice");

    // An imcore store with a smashed header.
    let smashed = sub("smashed");
    {
        let mut e = Engine::open_path(&smashed, "alice", EngineConfig::default()).unwrap();
        e.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    }
    let mut b = std::fs::read(&smashed).unwrap();
    b[..16].copy_from_slice(b"not a database!\0");
    std::fs::write(&smashed, &b).unwrap();
    refused(&smashed, "alice");

    // Another user's store.
    let theirs = sub("theirs");
    {
        let mut e = Engine::open_path(&theirs, "alice", EngineConfig::default()).unwrap();
        e.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    }
    let msg = refused(&theirs, "mallory");
    assert!(msg.contains("another user"), "{msg}");
    // Still alice's, with her data.
    let e = Engine::open_path(&theirs, "alice", EngineConfig::default()).unwrap();
    assert_eq!(e.total_unread(), 1);
    drop(e);

    // A store from a newer imcore.
    let newer = sub("newer");
    drop(Engine::open_path(&newer, "alice", EngineConfig::default()).unwrap());
    open_raw(&newer)
        .execute_batch(&format!("PRAGMA user_version = {}", schema::LATEST + 1))
        .unwrap();
    let msg = refused(&newer, "alice");
    assert!(msg.contains("schema version"), "{msg}");
}

/// Makes `dir` read-only for this process: permission bits when they bind
/// (not root), else a read-only bind mount of it (root with the right to
/// mount). `None` when neither works here.
struct ReadOnly {
    path: PathBuf,
    mounted: bool,
    original: PathBuf,
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.mounted {
            let _ = std::process::Command::new("umount")
                .arg(&self.path)
                .status();
        }
        let _ = std::fs::set_permissions(&self.original, std::fs::Permissions::from_mode(0o755));
        if let Ok(rd) = std::fs::read_dir(&self.original) {
            for f in rd.flatten() {
                let _ = std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o644));
            }
        }
    }
}

fn writable(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let ok = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

fn read_only(dir: &Path, mount_point: &Path) -> Option<ReadOnly> {
    use std::os::unix::fs::PermissionsExt;
    for f in std::fs::read_dir(dir).unwrap().flatten() {
        std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut guard = ReadOnly {
        path: dir.to_owned(),
        mounted: false,
        original: dir.to_owned(),
    };
    if !writable(dir) {
        return Some(guard);
    }
    // Root: permission bits do not stop writes. Try a read-only bind mount.
    std::fs::create_dir(mount_point).unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("mount")
            .args(args)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !run(&["--bind".as_ref(), dir.as_os_str(), mount_point.as_os_str()]) {
        return None;
    }
    guard.path = mount_point.to_owned();
    guard.mounted = true;
    if !run(&[
        "-o".as_ref(),
        "remount,bind,ro".as_ref(),
        mount_point.as_os_str(),
    ]) || writable(mount_point)
    {
        return None;
    }
    Some(guard)
}

#[test]
fn a_read_only_directory_gives_a_clear_error() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    {
        let mut e = Engine::open(&data, APP, "alice", EngineConfig::default()).unwrap();
        e.receive(vec![from_peer("m1", "bob", 100)]).unwrap();
    }
    let before = std::fs::read(store::db_path(&data, APP, "alice").unwrap()).unwrap();
    let Some(ro) = read_only(&data, &root.path().join("ro")) else {
        println!(
            "note: skipped: running as root and no read-only bind mount is possible here, \
             so a read-only directory cannot be made"
        );
        return;
    };
    println!(
        "read-only by {}",
        if ro.mounted {
            "a read-only bind mount"
        } else {
            "permission bits"
        }
    );
    // A new user's store cannot be created there.
    let err = Engine::open(&ro.path, APP, "newcomer", EngineConfig::default())
        .expect_err("a store was created in a read-only directory");
    assert!(
        matches!(err, Error::ReadOnly(_)),
        "expected ReadOnly, got {err:?}"
    );
    let path = store::db_path(&ro.path, APP, "newcomer").unwrap();
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "the error does not name the file: {err}"
    );
    // The existing store either opens for reading or is refused as
    // read-only; a write never succeeds and nothing changes.
    match Engine::open(&ro.path, APP, "alice", EngineConfig::default()) {
        Ok(mut e) => {
            println!("the existing store opened for reading");
            assert_eq!(e.total_unread(), 1);
            let err = e
                .receive(vec![from_peer("m2", "bob", 101)])
                .expect_err("a write to a read-only store succeeded");
            assert!(
                matches!(err, Error::ReadOnly(_)),
                "expected ReadOnly, got {err:?}"
            );
            assert_eq!(e.total_unread(), 1);
            e.verify().unwrap();
        }
        Err(err) => {
            println!("the existing store was refused: {err}");
            assert!(
                matches!(err, Error::ReadOnly(_)),
                "expected ReadOnly, got {err:?}"
            );
            let path = store::db_path(&ro.path, APP, "alice").unwrap();
            assert!(
                err.to_string().contains(&path.display().to_string()),
                "the error does not name the file: {err}"
            );
        }
    }
    drop(ro);
    let after = std::fs::read(store::db_path(&data, APP, "alice").unwrap()).unwrap();
    assert!(after == before, "the read-only store changed");
}

/// Message ids are found through a 64-bit hash; a stored message whose hash
/// equals a new id's hash (a collision, forced here) is neither taken for
/// it as a duplicate nor returned for it.
#[test]
fn ids_with_the_same_hash_stay_apart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    drop(Engine::open_path(&path, "alice", EngineConfig::default()).unwrap());
    {
        // A stored message "a" whose hash is forced to that of "b".
        let conn = open_raw(&path);
        conn.execute_batch(&format!(
            "INSERT INTO conversation (id, conv_type, peer, active_time, order_key,
                                       create_time, update_time)
                 VALUES (1, 1, 'bob', 100, {key}, 100, 100);
             INSERT INTO message (conv, pos, msg_hash, msg_id, sender, server_time, seq,
                                  flags, body)
                 VALUES (1, {pos}, {hash}, 'a', 'alice', 100, 0, 1, '{{}}');",
            pos = 100i64 << 20,
            key = (100i64 << 20) | 1,
            hash = store::msg_hash("b"),
        ))
        .unwrap();
    }
    let mut e = Engine::open_path(&path, "alice", EngineConfig::default()).unwrap();
    let b = || imcore::IncomingMessage::new("b", c2c("bob"), "bob", 200, 0);
    let r = e.receive(vec![b()]).unwrap();
    assert_eq!((r.stored, r.duplicates), (1, 0), "b is not a copy of a");
    let r = e.receive(vec![b()]).unwrap();
    assert_eq!((r.stored, r.duplicates), (0, 1), "b again is");
    assert_eq!(e.message_by_id("b").unwrap().unwrap().sender, "bob");
    assert_eq!(e.messages(&c2c("bob"), None, 10).unwrap().len(), 2);
    e.verify().unwrap();
}
