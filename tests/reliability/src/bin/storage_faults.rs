//! Storage faults through the C functions: a corrupt, truncated or foreign
//! database file, a newer schema, another user's store, a read-only data
//! directory or store file, a full disk (`RLIMIT_FSIZE` at the first login
//! and during normal operation; a tiny tmpfs when mounting is allowed), a
//! process killed during the first login or during a migration, and a store
//! left half-migrated. Each must give a clear error code in `TIMLogin`'s (or
//! the operation's) callback, never a crash, never a silently emptied store:
//! a refused file is left byte for byte as it was, and a store that did
//! open holds everything acknowledged and passes `verify()`.
//!
//! Each case runs in a child process (this program re-run as
//! `storage_faults child <case> <dir>`), so that a crash is seen as one and
//! privileges, file-size limits and imcore's global state stay per case.

use rel::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const USER: &str = "fault-user";

// ------------------------------------------------------------- child --

fn say(ok: bool, what: impl std::fmt::Display) {
    println!("{} {what}", if ok { "ok" } else { "FAIL" });
}

fn login_code(user: &str) -> i32 {
    match login(user) {
        Ok(r) => {
            if r.code != 0 {
                println!("note: TIMLogin → {} {}", r.code, r.desc);
            }
            r.code
        }
        Err(ret) => ret,
    }
}

/// Messages `f<n>-<i>` in conversation `c2c_peer<i % 10>` and two groups.
fn batch(n: u64, size: u64) -> String {
    let envs: Vec<serde_json::Value> = (0..size)
        .map(|i| {
            let c = i % 12;
            let (conv, t) = if c < 10 {
                (format!("peer{c}"), 1)
            } else {
                (format!("grp{c}"), 2)
            };
            serde_json::json!({"kind":"message","message":{
                "message_msg_id": format!("f{n}-{i}"), "message_conv_id": conv, "message_conv_type": t,
                "message_sender": if t == 1 { conv.clone() } else { "m".to_owned() },
                "message_server_time": 1_700_000_000 + n * 1000 + i, "message_seq": n * size + i + 1,
                "message_elem_array": [{"elem_type":0,"text_elem_content": "x".repeat(200)}]}})
        })
        .collect();
    serde_json::Value::Array(envs).to_string()
}

fn set_fsize(limit: Option<u64>) {
    let lim = limit.map_or(libc::RLIM_INFINITY, |l| l as libc::rlim_t);
    let r = libc::rlimit {
        rlim_cur: lim,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: plain system calls on this process.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &r), 0, "setrlimit");
    }
}

fn drop_privileges() {
    // SAFETY: plain system calls; as root they switch to nobody, otherwise
    // they fail and the permission bits already apply to us.
    unsafe {
        if libc::geteuid() == 0 {
            assert_eq!(libc::setgid(65534), 0, "setgid");
            assert_eq!(libc::setuid(65534), 0, "setuid");
        }
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn child(case: &str, dir: &Path) {
    match case {
        // Login must fail with `code`.
        "refused" => {
            let want: i32 = std::env::var("WANT").unwrap().parse().unwrap();
            init(dir, true);
            let code = login_code(USER);
            say(
                code == want,
                format!("TIMLogin gives {code}, expected {want}"),
            );
            uninit();
        }
        // Creates a store with `N` batches of 100 messages.
        "populate" => {
            init(dir, true);
            let code = login_code(USER);
            say(code == 0, format!("login to populate: {code}"));
            for n in 0..std::env::var("N").map_or(3, |v| v.parse().unwrap()) {
                let r = push(&batch(n, 100)).unwrap();
                say(
                    r.code == 0,
                    format!("populate push {n}: {} {}", r.code, r.desc),
                );
            }
            logout();
            uninit();
        }
        // Opens a store that may be damaged where open does not look: the
        // login either refuses (7011) or works, and then every call answers
        // 0 or 7011, nothing crashes, and the conversations are all there.
        "damaged_history" => {
            init(dir, true);
            let code = login_code(USER);
            say(code == 0 || code == 7011, format!("TIMLogin gives {code}"));
            if code == 0 {
                // SAFETY: the recording callback.
                let r = call("list", |cb, ud| unsafe { TIMConvGetConvList(cb, ud) }).unwrap();
                let n = serde_json::from_str::<serde_json::Value>(&r.json)
                    .ok()
                    .and_then(|v| v.as_array().map(|a| a.len()))
                    .unwrap_or(0);
                // The list reads each conversation's last message: it may
                // meet the damage (7011); if it works, nothing is missing.
                say(
                    (r.code == 0 && n == 12) || r.code == 7011,
                    format!("conversation list: code {}, {n} conversations", r.code),
                );
                println!(
                    "note: conversation list on a damaged history: code {}",
                    r.code
                );
                let mut codes = BTreeMap::new();
                for c in 0..12 {
                    let (conv, t) = if c < 10 {
                        (format!("peer{c}"), 1)
                    } else {
                        (format!("grp{c}"), 2)
                    };
                    let cid = cs(&conv);
                    let p = cs(r#"{"msg_getmsglist_param_count":1000}"#);
                    // SAFETY: valid C strings, the recording callback.
                    let r = call("history", |cb, ud| unsafe {
                        TIMMsgGetMsgList(cid.as_ptr(), t, p.as_ptr(), cb, ud)
                    });
                    *codes.entry(r.map_or(-1, |r| r.code)).or_insert(0) += 1;
                    let v2 = cs(&if t == 1 {
                        format!("c2c_{conv}")
                    } else {
                        format!("group_{conv}")
                    });
                    // SAFETY: as above.
                    let r = call("clean", |cb, ud| unsafe {
                        TIMConvCleanConversationUnreadMessageCount(v2.as_ptr(), 0, 0, cb, ud)
                    });
                    *codes.entry(r.map_or(-1, |r| r.code)).or_insert(0) += 1;
                }
                let r = push(&batch(99, 50)).unwrap();
                *codes.entry(r.code).or_insert(0) += 1;
                say(
                    codes.keys().all(|c| *c == 0 || *c == 7011),
                    format!("calls on a damaged history answer 0 or 7011: {codes:?}"),
                );
                logout();
            }
            uninit();
        }
        // Read-only: as nobody (when root) in a directory of mode 0555.
        "readonly" => {
            drop_privileges();
            let sub = dir.join("not-there");
            let cfg = cs(&serde_json::json!({ "sdk_config_config_file_path": sub }).to_string());
            // SAFETY: a valid C string.
            let r = unsafe {
                IMCoreSetCallbackMode(1);
                TIMInit(APP_ID, cfg.as_ptr())
            };
            say(
                r == ffi::TIM_ERR_PARAM,
                format!(
                    "TIMInit on an uncreatable directory: {r} ({})",
                    last_error()
                ),
            );
            init(dir, true);
            let code = login_code(USER);
            say(
                code == 7018,
                format!("TIMLogin in a read-only place gives {code}, expected 7018"),
            );
            uninit();
        }
        // The first login under a small file-size limit: 7017; after
        // raising it the store opens and verifies.
        "fsize_first_login" => {
            set_fsize(Some(16 * 1024));
            init(dir, true);
            let code = login_code(USER);
            say(
                code == 7017,
                format!("first login over RLIMIT_FSIZE gives {code}, expected 7017"),
            );
            set_fsize(None);
            let code = login_code(USER);
            say(code == 0, format!("login once the limit is lifted: {code}"));
            let v = verify();
            say(v.is_ok(), format!("verify: {v:?}"));
            uninit();
        }
        // The disk fills up during normal operation.
        "fsize_ops" | "tmpfs_full" => {
            init(dir, true);
            let code = login_code(USER);
            say(code == 0, format!("login: {code}"));
            let mut acked = Vec::new();
            for n in 0..3 {
                let r = push(&batch(n, 100)).unwrap();
                say(r.code == 0, format!("push {n} before the limit"));
                acked.push(n);
            }
            if case == "fsize_ops" {
                set_fsize(Some(dir_size(dir) + 256 * 1024));
            }
            let mut failed_with = None;
            for n in 3..2000 {
                match push(&batch(n, 100)) {
                    Ok(r) if r.code == 0 => acked.push(n),
                    Ok(r) => {
                        failed_with = Some((r.code, r.desc));
                        break;
                    }
                    Err(ret) => {
                        failed_with = Some((ret, last_error()));
                        break;
                    }
                }
            }
            let code = failed_with.as_ref().map(|f| f.0);
            say(
                code == Some(7017),
                format!("the push that hit the limit: {failed_with:?}, expected 7017"),
            );
            let v = verify();
            say(v.is_ok(), format!("verify after the failed push: {v:?}"));
            // Other writes fail cleanly too, or succeed (a clean may fit).
            let body = cs(r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"full"}]}"#);
            let conv = cs("peer1");
            // SAFETY: valid C strings, the recording callback.
            let r = call("send", |cb, ud| unsafe {
                TIMMsgSendMessage(
                    conv.as_ptr(),
                    1,
                    body.as_ptr(),
                    std::ptr::null_mut(),
                    cb,
                    ud,
                )
            });
            say(
                matches!(r, Ok(ref r) if r.code == 0 || r.code == 7017),
                format!("a send on a full disk: {r:?}"),
            );
            let v = verify();
            say(
                v.is_ok(),
                format!("verify after a send on a full disk: {v:?}"),
            );
            let ids: Vec<String> = acked
                .iter()
                .flat_map(|n| [format!("f{n}-0"), format!("f{n}-99")])
                .collect();
            let found = find_messages(&ids).len();
            say(
                found == ids.len(),
                format!("acknowledged messages kept: {found} of {}", ids.len()),
            );
            println!(
                "note: {} batches acknowledged before the disk was full",
                acked.len()
            );
            if case == "fsize_ops" {
                set_fsize(None);
                let r = push(&batch(5000, 100)).unwrap();
                say(
                    r.code == 0,
                    format!("a push once space is back: {} {}", r.code, r.desc),
                );
                acked.push(5000);
            }
            logout();
            let code = login_code(USER);
            say(code == 0, format!("login again: {code}"));
            let v = verify();
            say(v.is_ok(), format!("verify after a restart: {v:?}"));
            let ids: Vec<String> = acked.iter().map(|n| format!("f{n}-7")).collect();
            let found = find_messages(&ids).len();
            say(
                found == ids.len(),
                format!(
                    "after a restart: {found} of {} acknowledged batches",
                    ids.len()
                ),
            );
            uninit();
        }
        // Logs in and out in a loop until killed.
        "login_loop" => {
            init(dir, true);
            for n in 0.. {
                let _ = login_code(USER);
                let _ = push(&batch(7000 + n, 20));
                logout();
            }
        }
        // A store that must open and hold what the parent expects.
        "reopen" => {
            init(dir, true);
            let code = login_code(USER);
            say(code == 0, format!("login: {code}"));
            if code == 0 {
                let v = verify();
                say(v.is_ok(), format!("verify: {v:?}"));
                if let Ok(ids) = std::env::var("EXPECT") {
                    let ids: Vec<String> = ids.split(',').map(str::to_owned).collect();
                    let found = find_messages(&ids).len();
                    say(
                        found == ids.len(),
                        format!("{found} of {} expected messages", ids.len()),
                    );
                }
                if let Ok(t) = std::env::var("TOTAL") {
                    let total = total_unread();
                    say(
                        total.to_string() == t,
                        format!("total unread {total}, expected {t}"),
                    );
                }
                logout();
            }
            uninit();
        }
        other => panic!("unknown case {other}"),
    }
}

// ------------------------------------------------------------ parent --

struct Parent {
    exe: PathBuf,
    c: Checks,
}

impl Parent {
    /// Runs a child case; its "ok"/"FAIL" lines count as checks, and it
    /// must exit normally.
    fn run(&mut self, name: &str, case: &str, dir: &Path, env: &[(&str, String)]) {
        let out = Command::new(&self.exe)
            .args(["child", case])
            .arg(dir)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run a child");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(w) = line.strip_prefix("ok ") {
                self.c.check(true, w);
            } else if let Some(w) = line.strip_prefix("FAIL ") {
                self.c.check(false, format!("{name}: {w}"));
            } else if let Some(n) = line.strip_prefix("note: ") {
                println!("  {name}: {n}");
            }
        }
        let clean = out.status.code() == Some(0);
        self.c.check(
            clean,
            format!(
                "{name}: the child ended with {:?} (signal {:?}): {}",
                out.status.code(),
                out.status.signal(),
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .take(6)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
        );
    }

    /// A refused login that must leave the file byte for byte as it was.
    fn refused(&mut self, name: &str, dir: &Path, want: i32) {
        let path = db_path(dir, USER);
        let before = std::fs::read(&path).expect("the file");
        self.run(name, "refused", dir, &[("WANT", want.to_string())]);
        let after = std::fs::read(&path).unwrap_or_default();
        self.c
            .check(before == after, format!("{name}: the refused file changed"));
        println!("{name}: refused with {want}, file unchanged");
    }

    fn populated(&mut self, tag: &str, batches: u64) -> PathBuf {
        let dir = temp_dir(tag);
        self.run(
            &format!("{tag} (populate)"),
            "populate",
            &dir,
            &[("N", batches.to_string())],
        );
        dir
    }

    /// Kills `case` children on `dir` at random moments.
    fn kill_loop(&mut self, name: &str, dir: &Path, rounds: u64, max_us: u64, rng: &mut Rng) {
        for _ in 0..rounds {
            let mut child = Command::new(&self.exe)
                .args(["child", "login_loop"])
                .arg(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn");
            std::thread::sleep(Duration::from_micros(rng.below(max_us)));
            let _ = child.kill();
            let status = child.wait().expect("wait");
            let mut err = String::new();
            if let Some(e) = child.stderr.take() {
                for l in BufReader::new(e).lines().map_while(Result::ok).take(4) {
                    err.push_str(&l);
                }
            }
            self.c.check(
                status.signal() == Some(9),
                format!("{name}: the child ended by itself: {status:?} {err}"),
            );
        }
    }
}

/// Overwrites every page of `table`'s b-tree (found with dbstat-free
/// reasoning: the root page and the pages after it up to `pages`).
fn smash_table(path: &Path, table: &str, pages: u32) {
    let conn = rusqlite::Connection::open(path).expect("open");
    let root: u32 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .expect("the table");
    let page_size: u32 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .expect("page size");
    drop(conn);
    let mut bytes = std::fs::read(path).expect("read");
    let mut rng = Rng(0xBAD5EED ^ u64::from(root));
    for p in root..root + pages {
        let start = ((p - 1) * page_size) as usize;
        for b in bytes.iter_mut().skip(start).take(page_size as usize) {
            *b = rng.next_u64() as u8;
        }
    }
    std::fs::write(path, bytes).expect("write");
}

/// Overwrites the last `pages` pages of the file: the b-trees that grew
/// last, the message history here.
fn smash_tail(path: &Path, pages: usize) {
    let mut bytes = std::fs::read(path).expect("read");
    let mut rng = Rng(0x7A11);
    let n = bytes.len();
    for b in bytes.iter_mut().skip(n.saturating_sub(pages * 4096)) {
        *b = rng.next_u64() as u8;
    }
    std::fs::write(path, bytes).expect("write");
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(&args[2], Path::new(&args[3]));
        return;
    }
    let mut p = Parent {
        exe: std::env::current_exe().expect("own path"),
        c: Checks::default(),
    };
    let mut rng = Rng(0xFA17);
    let mut dirs = Vec::new();

    // Garbage where the store should be.
    let d = temp_dir("garbage");
    let junk: Vec<u8> = (0..64 * 1024).map(|_| rng.next_u64() as u8).collect();
    std::fs::write(db_path(&d, USER), junk).unwrap();
    p.refused("garbage file", &d, 7011);
    dirs.push(d);

    // Another application's SQLite database.
    let d = temp_dir("foreign");
    {
        let conn = rusqlite::Connection::open(db_path(&d, USER)).unwrap();
        conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');")
            .unwrap();
    }
    p.refused("foreign database", &d, 7011);
    dirs.push(d);

    // A real store: newer schema, another user's, truncated, smashed.
    let d = p.populated("newer", 1);
    {
        let conn = rusqlite::Connection::open(db_path(&d, USER)).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    p.refused("newer schema", &d, 7011);
    dirs.push(d);

    let d = p.populated("other-user", 1);
    std::fs::rename(db_path(&d, USER), db_path(&d, "someone-else")).unwrap();
    std::fs::copy(db_path(&d, "someone-else"), db_path(&d, USER)).unwrap();
    {
        // The copy says it belongs to someone else only through meta.
        let conn = rusqlite::Connection::open(db_path(&d, USER)).unwrap();
        conn.execute(
            "UPDATE meta SET value = 'someone-else' WHERE key = 'user_id'",
            [],
        )
        .unwrap();
    }
    p.refused("another user's store", &d, 7011);
    dirs.push(d);

    let d = p.populated("truncated", 5);
    {
        let path = db_path(&d, USER);
        let len = std::fs::metadata(&path).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(len / 2).unwrap();
    }
    p.refused("truncated store", &d, 7011);
    dirs.push(d);

    let d = p.populated("smashed-conversations", 5);
    smash_table(&db_path(&d, USER), "conversation", 1);
    p.refused("corrupt conversation table", &d, 7011);
    dirs.push(d);

    let d = p.populated("smashed-meta", 2);
    smash_table(&db_path(&d, USER), "meta", 1);
    p.refused("corrupt meta table", &d, 7011);
    dirs.push(d);

    // The message history is not checked at open (it grows without bound):
    // damage there is reported by the calls that read it.
    let d = p.populated("smashed-messages", 20);
    smash_tail(&db_path(&d, USER), 3);
    p.run("corrupt message history", "damaged_history", &d, &[]);
    dirs.push(d);

    // Read-only: an empty directory, a directory holding a store, a
    // read-only store file.
    let d = temp_dir("ro-empty");
    chmod(&d, 0o555);
    p.run("read-only empty directory", "readonly", &d, &[]);
    chmod(&d, 0o755);
    dirs.push(d);

    let d = p.populated("ro-dir", 2);
    let path = db_path(&d, USER);
    chmod(&path, 0o644);
    chmod(&d, 0o555);
    let before = std::fs::read(&path).unwrap();
    p.run("read-only directory with a store", "readonly", &d, &[]);
    p.c.check(
        std::fs::read(&path).unwrap() == before,
        "read-only directory: the store changed",
    );
    chmod(&d, 0o755);
    dirs.push(d);

    let d = p.populated("ro-file", 2);
    let path = db_path(&d, USER);
    chmod(&path, 0o444);
    let before = std::fs::read(&path).unwrap();
    p.run("read-only store file", "readonly", &d, &[]);
    p.c.check(
        std::fs::read(&path).unwrap() == before,
        "read-only file: the store changed",
    );
    chmod(&path, 0o644);
    chmod(&d, 0o777);
    dirs.push(d);

    // A full disk: RLIMIT_FSIZE at the first login and during operation.
    let d = temp_dir("fsize-login");
    p.run(
        "file-size limit at the first login",
        "fsize_first_login",
        &d,
        &[],
    );
    dirs.push(d);
    let d = temp_dir("fsize-ops");
    p.run("file-size limit during operation", "fsize_ops", &d, &[]);
    dirs.push(d);

    // A really full file system: a 2 MiB tmpfs, when mounting is allowed.
    let d = temp_dir("tmpfs");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&d)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if mounted {
        p.run("full tmpfs", "tmpfs_full", &d, &[]);
        let _ = Command::new("umount").arg(&d).status();
    } else {
        println!("full tmpfs: skipped (mount not permitted here)");
    }
    dirs.push(d);

    // Killed during the first login (creating and migrating the store) and
    // during logins, pushes and logouts: the store then opens and verifies.
    let d = temp_dir("killed-first-login");
    p.kill_loop("killed during the first login", &d, 25, 15_000, &mut rng);
    p.run(
        "store after kills during the first logins",
        "reopen",
        &d,
        &[],
    );
    dirs.push(d);

    // Migrations: a store at version 1 (with a counted message) migrates,
    // also when killed while migrating; a half-applied change is refused.
    let d = temp_dir("old-version");
    old_store(&db_path(&d, USER), 1);
    let want = [("EXPECT", "m1".to_owned())];
    p.kill_loop(
        "killed while migrating from version 1",
        &d,
        10,
        8_000,
        &mut rng,
    );
    p.run(
        "a version-1 store after kills while migrating",
        "reopen",
        &d,
        &want,
    );
    dirs.push(d);

    let d = temp_dir("half-migrated");
    let path = db_path(&d, USER);
    let last = imcore::store::schema::LATEST;
    old_store(&path, last - 1);
    {
        // The last migration's first statement applied without its version
        // bump (imcore never leaves that: each migration is one transaction).
        let conn = rusqlite::Connection::open(&path).unwrap();
        let sql = imcore::store::schema::MIGRATIONS[(last - 1) as usize];
        let first = sql
            .split(';')
            .find(|s| !s.trim().is_empty() && !s.trim().starts_with("--"))
            .unwrap();
        conn.execute_batch(first).unwrap();
    }
    p.refused("half-applied migration", &d, 7011);
    dirs.push(d);

    for d in dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    std::process::exit(p.c.finish("storage-faults"));
}

/// A store at schema version `v` with one C2C conversation holding one
/// counted unread message (as the core store tests build it).
fn old_store(path: &Path, v: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    // As imcore keeps its stores.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    imcore::store::migrate(&conn, 0, v).unwrap();
    // From version 5 on, a message row carries its id's hash, found through
    // `message_key`, and `rows_upto` says which rows the conversations reflect.
    let message = if v >= 5 {
        format!(
            "INSERT INTO message (conv, pos, msg_hash, msg_id, sender, server_time, seq, flags,
                                  body)
                 VALUES (1, {pos}, {hash}, 'm1', 'bob', 100, 0, 16, '{{}}');
             INSERT INTO message_key (msg_hash, id) VALUES ({hash}, 1);
             INSERT OR REPLACE INTO meta (key, value) VALUES ('rows_upto', '1');
             {pos_entry}",
            pos = 100i64 << 20,
            hash = imcore::store::msg_hash("m1"),
            // From version 10 on, its `message_pos` entry too.
            pos_entry = if v >= 10 {
                format!(
                    "INSERT INTO message_pos (conv, pos, id, flags) VALUES (1, {}, 1, 16);",
                    100i64 << 20
                )
            } else {
                String::new()
            },
        )
    } else {
        format!(
            "INSERT INTO message (conv, pos, msg_id, sender, server_time, seq, flags, body)
                 VALUES (1, {pos}, 'm1', 'bob', 100, 0, 16, '{{}}');",
            pos = 100i64 << 20,
        )
    };
    conn.execute_batch(&format!(
        "INSERT INTO meta (key, value) VALUES ('user_id', '{USER}');
         INSERT INTO conversation (id, conv_type, peer, unread, max_pos, active_time,
                                   order_key, create_time, update_time)
             VALUES (1, 1, 'bob', 1, {pos}, 100, {key}, 100, 100);
         {message}",
        pos = 100i64 << 20,
        key = (100i64 << 20) | 1,
    ))
    .unwrap();
}
