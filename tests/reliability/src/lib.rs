//! Helpers shared by the reliability programs: calling imcore's exported C
//! functions (the `imcore-ffi` crate linked as an rlib) and waiting for
//! their callbacks, in pumped or thread mode; a tiny test counter that ends
//! with "N passed, N failed"; a seeded RNG.

pub mod lifecycle;

pub use ffi::*;
pub use ffi::{TIMCommCallback, TIM_SUCC};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// The app id of every test store.
pub const APP_ID: u64 = 1_400_000_000;

/// A C string from test text.
pub fn cs(s: &str) -> CString {
    CString::new(s).expect("test strings have no NUL")
}

/// A string imcore passed to a callback.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for the call.
pub unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        return "(NULL)".into();
    }
    // SAFETY: as documented.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

// ------------------------------------------------------------ results --

/// One result callback.
#[derive(Debug, Clone)]
pub struct Res {
    /// The code (0 = success).
    pub code: i32,
    /// The error text.
    pub desc: String,
    /// The result JSON.
    pub json: String,
}

#[derive(Default)]
struct Results {
    map: HashMap<u64, Vec<Res>>,
}

static RESULTS: LazyLock<(Mutex<Results>, Condvar)> =
    LazyLock::new(|| (Mutex::new(Results::default()), Condvar::new()));
static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh token for `user_data`.
pub fn token() -> *const c_void {
    NEXT.fetch_add(1, Ordering::Relaxed) as *const c_void
}

/// The result callback: records under the token.
///
/// # Safety
/// Called by imcore with valid strings (or NULL) and a token as user data.
pub unsafe extern "C" fn result_cb(
    code: i32,
    desc: *const c_char,
    json: *const c_char,
    ud: *const c_void,
) {
    // SAFETY: imcore passes valid strings.
    let r = unsafe {
        Res {
            code,
            desc: text(desc),
            json: text(json),
        }
    };
    let (m, cv) = &*RESULTS;
    m.lock()
        .unwrap_or_else(|e| e.into_inner())
        .map
        .entry(ud as u64)
        .or_default()
        .push(r);
    cv.notify_all();
}

/// The results recorded for a token so far (removed).
pub fn take(tok: *const c_void) -> Vec<Res> {
    let (m, _) = &*RESULTS;
    m.lock()
        .unwrap_or_else(|e| e.into_inner())
        .map
        .remove(&(tok as u64))
        .unwrap_or_default()
}

/// Waits up to `timeout` for a token's first result (thread mode), or polls
/// (pumped mode: `IMCorePollCallbacks` on this thread).
pub fn wait(tok: *const c_void, timeout: Duration) -> Option<Res> {
    let until = Instant::now() + timeout;
    let (m, cv) = &*RESULTS;
    loop {
        // SAFETY: no pointers.
        unsafe { IMCorePollCallbacks(0) };
        let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = g.map.get_mut(&(tok as u64)) {
            if !v.is_empty() {
                return Some(v.remove(0));
            }
        }
        let now = Instant::now();
        if now >= until {
            return None;
        }
        let _ = cv
            .wait_timeout(g, (until - now).min(Duration::from_millis(5)))
            .unwrap_or_else(|e| e.into_inner());
    }
}

/// Runs an asynchronous call and waits for its result: `Err(ret)` when it
/// was refused, `Ok(result)` otherwise (panics after 30 s without one).
pub fn call(name: &str, f: impl FnOnce(TIMCommCallback, *const c_void) -> i32) -> Result<Res, i32> {
    let tok = token();
    let ret = f(Some(result_cb), tok);
    if ret != TIM_SUCC {
        return Err(ret);
    }
    Ok(wait(tok, Duration::from_secs(30))
        .unwrap_or_else(|| panic!("{name}: no callback within 30 s")))
}

/// The last refusal's description on this thread.
pub fn last_error() -> String {
    let mut buf = vec![0u8; 2048];
    // SAFETY: a writable buffer of that size.
    unsafe { IMCoreGetLastError(buf.as_mut_ptr().cast(), buf.len() as u32) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

// --------------------------------------------------------- lifecycle --

/// `IMCoreSetCallbackMode(mode)` then `TIMInit` on `dir`.
pub fn init(dir: &Path, pumped: bool) -> i32 {
    let cfg = cs(&serde_json::json!({ "sdk_config_config_file_path": dir }).to_string());
    // SAFETY: a valid C string.
    unsafe {
        IMCoreSetCallbackMode(i32::from(pumped));
        TIMInit(APP_ID, cfg.as_ptr())
    }
}

/// `TIMLogin`: the callback's result (Err: refused synchronously).
pub fn login(user: &str) -> Result<Res, i32> {
    let u = cs(user);
    // SAFETY: valid C strings and the recording callback.
    call("TIMLogin", |cb, ud| unsafe {
        TIMLogin(u.as_ptr(), std::ptr::null(), cb, ud)
    })
}

/// `TIMLogout` (ignores "not logged in").
pub fn logout() {
    // SAFETY: the recording callback.
    let _ = call("TIMLogout", |cb, ud| unsafe { TIMLogout(cb, ud) });
}

/// `TIMUninit`.
pub fn uninit() {
    // SAFETY: no arguments.
    unsafe { TIMUninit() };
}

/// `IMCoreInboundPush` and its result.
pub fn push(envelopes: &str) -> Result<Res, i32> {
    let e = cs(envelopes);
    // SAFETY: a valid C string and the recording callback.
    call("IMCoreInboundPush", |cb, ud| unsafe {
        IMCoreInboundPush(e.as_ptr(), cb, ud)
    })
}

/// The logged-in engine's `verify()`.
pub fn verify() -> Result<(), String> {
    ffi::tim::runtime::debug_verify().unwrap_or_else(|| Err("no user is logged in".into()))
}

/// The messages of `ids` that the store has (via `TIMMsgFindMessages`).
pub fn find_messages(ids: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let arr = cs(&serde_json::json!(chunk).to_string());
        // SAFETY: a valid C string and the recording callback.
        let r = call("TIMMsgFindMessages", |cb, ud| unsafe {
            TIMMsgFindMessages(arr.as_ptr(), cb, ud)
        })
        .expect("TIMMsgFindMessages is accepted");
        assert_eq!(r.code, 0, "TIMMsgFindMessages: {}", r.desc);
        let v: serde_json::Value = serde_json::from_str(&r.json).expect("JSON");
        for m in v.as_array().expect("an array") {
            found.push(m["message_msg_id"].as_str().unwrap_or("").to_owned());
        }
    }
    found
}

/// The total unread count from `TIMConvGetTotalUnreadMessageCount`.
pub fn total_unread() -> i64 {
    // SAFETY: the recording callback.
    let r = call("TIMConvGetTotalUnreadMessageCount", |cb, ud| unsafe {
        TIMConvGetTotalUnreadMessageCount(cb, ud)
    })
    .expect("accepted");
    let v: serde_json::Value = serde_json::from_str(&r.json).expect("JSON");
    v["conv_get_total_unread_message_count_result_unread_count"]
        .as_i64()
        .expect("a count")
}

/// The store file of `user` under `dir`.
pub fn db_path(dir: &Path, user: &str) -> PathBuf {
    imcore::store::db_path(dir, APP_ID, user).expect("a valid user id")
}

/// A fresh directory under the system temp dir (removed by the caller).
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let d = std::env::temp_dir().join(format!(
        "imcore-rel-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create a temp dir");
    d
}

// ------------------------------------------------------------- checks --

/// Counts checks and prints failures; `finish` prints "N passed, N failed".
#[derive(Default)]
pub struct Checks {
    /// Checks that held.
    pub passed: u64,
    /// Checks that failed.
    pub failed: u64,
}

impl Checks {
    /// Records one check.
    pub fn check(&mut self, ok: bool, what: impl std::fmt::Display) -> bool {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("FAIL: {what}");
        }
        ok
    }
    /// Prints the closing line (prefixed with `name:`) and returns the exit code.
    pub fn finish(&self, name: &str) -> i32 {
        println!("{name}: {} passed, {} failed", self.passed, self.failed);
        i32::from(self.failed > 0)
    }
}

/// splitmix64: small, seeded, deterministic.
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// An environment variable as a number.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ------------------------------------------------- the crash workload --

/// Messages per inbound batch of the crash child.
pub const BATCH: u64 = 20;

/// The conversations of the crash workload: C2C `p0..p3`, groups `g4`, `g5`.
pub fn crash_conv(c: u64) -> (String, i64) {
    if c < 4 {
        (format!("p{c}"), 1)
    } else {
        (format!("g{c}"), 2)
    }
}

/// The id of message `i` of batch `n`.
pub fn crash_msg_id(n: u64, i: u64) -> String {
    format!("b{n}-{i}")
}

/// The inbound envelope array of batch `n`: [`BATCH`] new messages spread
/// over six conversations, plus a repeat of the previous batch's first
/// message (a duplicate the engine must ignore).
pub fn crash_batch(n: u64) -> String {
    let mut envs = Vec::new();
    for i in 0..BATCH {
        let c = (n * 7 + i) % 6;
        let (conv, t) = crash_conv(c);
        envs.push(serde_json::json!({"kind": "message", "message": {
            "message_msg_id": crash_msg_id(n, i),
            "message_conv_id": conv, "message_conv_type": t,
            "message_sender": if t == 1 { conv.clone() } else { "member".to_owned() },
            "message_server_time": 1_700_000_000 + n * 10 + i / 4,
            "message_seq": if t == 2 { n * BATCH + i + 1 } else { 0 },
            "message_elem_array": [{"elem_type": 0, "text_elem_content": "crash test"}],
        }}));
    }
    if n > 0 {
        let (conv, t) = crash_conv((n - 1) * 7 % 6);
        envs.push(serde_json::json!({"kind": "message", "message": {
            "message_msg_id": crash_msg_id(n - 1, 0),
            "message_conv_id": conv, "message_conv_type": t,
            "message_sender": if t == 1 { conv.clone() } else { "member".to_owned() },
            "message_server_time": 1_700_000_000 + (n - 1) * 10,
            "message_seq": if t == 2 { (n - 1) * BATCH + 1 } else { 0 },
        }}));
    }
    serde_json::Value::Array(envs).to_string()
}

/// A thread that ends the process as deadlocked (printing `FAIL: …` and a
/// failed count) when the two counters `progress` reads stay the same for
/// `stall`. Stopped by [`Watchdog::stop`].
pub struct Watchdog {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Watchdog {
    /// Starts watching; `what` names the run in the failure line.
    pub fn start(stall: Duration, what: &'static str, progress: fn() -> (u64, u64)) -> Self {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = done.clone();
        let thread = std::thread::spawn(move || {
            let mut last = progress();
            let mut since = Instant::now();
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                let now = progress();
                if now != last {
                    last = now;
                    since = Instant::now();
                } else if since.elapsed() > stall {
                    println!(
                        "FAIL: {what}: no progress for {} s ({} operations, {} callbacks): deadlock",
                        stall.as_secs(),
                        now.0,
                        now.1
                    );
                    println!("stress: 0 passed, 1 failed");
                    std::process::exit(2);
                }
            }
        });
        Watchdog { done, thread }
    }

    /// Stops the watching thread and waits for it.
    pub fn stop(self) {
        self.done.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
    }
}
