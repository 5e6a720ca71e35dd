//! The harness shared by the fuzz targets of imcore's C ABI.
//!
//! - imcore runs in pumped callback mode (`IMCoreSetCallbackMode(1)` before
//!   `TIMInit`): every callback runs inside `IMCorePollCallbacks` on the
//!   fuzzing thread, so a run is deterministic and no thread is involved.
//! - Every asynchronous call gets a fresh token as its `user_data`; the
//!   result callbacks count deliveries per token, and [`check`] asserts the
//!   contract of `docs/C-ABI.md`: `TIM_SUCC` ⇒ exactly one result callback,
//!   an error code ⇒ none, and never `IMCORE_ERR_INTERNAL` (a caught panic).
//!   (libfuzzer-sys also aborts on any panic, caught or not.)
//! - Every string imcore hands out (result JSON, listener payloads, outbound
//!   envelopes) is checked: valid UTF-8, and valid JSON where JSON is promised.
//! - The logged-in engine's `verify()` (every count recounted from the
//!   store) must hold: after every operation in `api_sequence`, every
//!   [`VERIFY_EVERY`] inputs and before each reset in the other targets.
//!
//! Inputs of the single-entry targets are read by [`Args`]: two selector
//! bytes, then NUL-separated strings (a missing string is passed as NULL).

use ffi::*;
use ffi::{TIMCommCallback, IMCORE_ERR_INTERNAL, TIM_SUCC};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard};

/// The app id every target logs in with.
pub const APP_ID: u64 = 1_400_000_000;
/// The user the session targets log in as.
pub const USER: &str = "fuzzer";

// ------------------------------------------------------------ tracking --

/// One outbound envelope passed to the host.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Its `envelope_id`.
    pub id: u64,
    /// Its `kind`.
    pub kind: String,
    /// For a message envelope: the message id.
    pub msg_id: Option<String>,
}

/// What the callbacks saw.
#[derive(Default)]
pub struct Track {
    next: u64,
    /// Result callbacks per token: their codes.
    results: HashMap<u64, Vec<i32>>,
    /// Outbound envelopes in delivery order (drained by the targets).
    pub envelopes: Vec<Envelope>,
    /// Listener deliveries (all kinds).
    pub listener_calls: u64,
    /// Calls waiting for the ack of their envelope (outbox mode): envelope
    /// id → the call's token.
    pub deferred: HashMap<u64, u64>,
    /// `envelopes.len()` when the last token was made.
    mark: usize,
}

/// What [`check`] returns for a call that completes at its envelope's ack.
pub const DEFERRED: i32 = i32::MIN;

/// The global tracking state.
pub static TRACK: LazyLock<Mutex<Track>> = LazyLock::new(|| Mutex::new(Track::default()));

fn track() -> MutexGuard<'static, Track> {
    TRACK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fresh token to pass as `user_data`.
pub fn token() -> *const c_void {
    let mut t = track();
    t.next += 1;
    t.mark = t.envelopes.len();
    t.next as *const c_void
}

/// The result callbacks delivered so far for a token (their codes).
pub fn results_of(tok: *const c_void) -> Vec<i32> {
    track()
        .results
        .get(&(tok as u64))
        .cloned()
        .unwrap_or_default()
}

/// Forgets a token's results (keeps the map small).
pub fn forget(tok: *const c_void) {
    track().results.remove(&(tok as u64));
}

/// Reads a string imcore passed to a callback: never NULL, always UTF-8.
fn text<'a>(p: *const c_char, what: &str) -> &'a str {
    assert!(!p.is_null(), "{what}: imcore passed NULL");
    // SAFETY: imcore passes a NUL-terminated string valid during the callback.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .unwrap_or_else(|e| panic!("{what}: imcore passed invalid UTF-8 ({e})"))
}

/// Asserts that `s` is "" or valid JSON.
fn json_or_empty(s: &str, what: &str) {
    if !s.is_empty() {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(s) {
            panic!("{what}: imcore passed invalid JSON ({e}): {s:.300}");
        }
    }
}

/// Asserts that `s` is a JSON array.
fn json_array(s: &str, what: &str) {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::Array(_)) => {}
        other => panic!("{what}: not a JSON array ({other:?}): {s:.300}"),
    }
}

fn record(ud: *const c_void, code: i32) {
    track().results.entry(ud as u64).or_default().push(code);
}

/// The `TIMCommCallback` of every call: records the delivery under its token.
///
/// # Safety
/// Called by imcore with NUL-terminated strings valid for the call.
pub unsafe extern "C" fn result_cb(
    code: i32,
    desc: *const c_char,
    json: *const c_char,
    ud: *const c_void,
) {
    let desc = text(desc, "result desc");
    let json = text(json, "result json");
    // (An error's desc may be empty: a send refused by the server carries
    // the ack's desc as given.)
    if code == 0 {
        assert!(desc.is_empty(), "a success carries a desc: {desc}");
    }
    json_or_empty(json, "result json");
    record(ud, code);
}

/// The read-member-list callback: records a delivery (code 0).
///
/// # Safety
/// Called by imcore with NUL-terminated strings valid for the call.
pub unsafe extern "C" fn members_cb(
    json: *const c_char,
    _next_seq: u64,
    _finished: bool,
    ud: *const c_void,
) {
    json_or_empty(text(json, "read members json"), "read members json");
    record(ud, 0);
}

fn listener() {
    track().listener_calls += 1;
}

unsafe extern "C" fn conv_event_cb(ev: i32, json: *const c_char, _ud: *const c_void) {
    let s = text(json, "conv event");
    match ev {
        0..=2 => json_array(s, "conv event"),
        3 | 4 => assert!(s.is_empty(), "sync start/finish with a payload"),
        other => panic!("unknown conv event {other}"),
    }
    listener();
}
unsafe extern "C" fn total_cb(n: i32, _ud: *const c_void) {
    assert!(n >= 0, "negative total {n}");
    listener();
}
unsafe extern "C" fn filter_cb(filter: *const c_char, n: i32, _ud: *const c_void) {
    text(filter, "filter text");
    assert!(n >= 0, "negative filter total {n}");
    listener();
}
unsafe extern "C" fn two_cb(a: *const c_char, b: *const c_char, _ud: *const c_void) {
    text(a, "group listener arg 1");
    text(b, "group listener arg 2");
    listener();
}
unsafe extern "C" fn group_list_cb(name: *const c_char, ids: *const c_char, _ud: *const c_void) {
    text(name, "group name");
    json_array(text(ids, "group ids"), "group ids");
    listener();
}
unsafe extern "C" fn one_cb(a: *const c_char, _ud: *const c_void) {
    text(a, "listener arg");
    listener();
}
unsafe extern "C" fn array_cb(a: *const c_char, _ud: *const c_void) {
    json_array(text(a, "listener array"), "listener array");
    listener();
}
unsafe extern "C" fn log_cb(_level: i32, log: *const c_char, _ud: *const c_void) {
    text(log, "log line");
}

/// The outbound callback: records each envelope (a JSON object with an
/// `envelope_id` and a `kind`).
///
/// # Safety
/// Called by imcore with NUL-terminated strings valid for the call.
pub unsafe extern "C" fn outbound_cb(json: *const c_char, _ud: *const c_void) {
    let s = text(json, "outbound envelope");
    let v: serde_json::Value = serde_json::from_str(s)
        .unwrap_or_else(|e| panic!("outbound envelope is not JSON ({e}): {s:.300}"));
    let id = v["envelope_id"]
        .as_u64()
        .unwrap_or_else(|| panic!("envelope without an id: {s:.300}"));
    let kind = v["kind"]
        .as_str()
        .unwrap_or_else(|| panic!("envelope without a kind: {s:.300}"))
        .to_owned();
    let msg_id = v["message"]["message_msg_id"].as_str().map(str::to_owned);
    track().envelopes.push(Envelope { id, kind, msg_id });
}

/// Registers counting listeners for every fired TIM event.
pub fn register_listeners() {
    // SAFETY: valid callbacks with NULL user data.
    unsafe {
        TIMSetConvEventCallback(Some(conv_event_cb), std::ptr::null());
        TIMSetConvTotalUnreadMessageCountChangedCallback(Some(total_cb), std::ptr::null());
        TIMSetConvUnreadMessageCountChangedByFilterCallback(Some(filter_cb), std::ptr::null());
        TIMSetConvConversationGroupCreatedCallback(Some(group_list_cb), std::ptr::null());
        TIMSetConvConversationGroupDeletedCallback(Some(one_cb), std::ptr::null());
        TIMSetConvConversationGroupNameChangedCallback(Some(two_cb), std::ptr::null());
        TIMSetConvConversationsAddedToGroupCallback(Some(group_list_cb), std::ptr::null());
        TIMSetConvConversationsDeletedFromGroupCallback(Some(group_list_cb), std::ptr::null());
        TIMAddRecvNewMsgCallback(Some(array_cb), std::ptr::null());
        TIMSetMsgReadedReceiptCallback(Some(array_cb), std::ptr::null());
        TIMSetExperimentalNotifyCallback(Some(two_cb), std::ptr::null());
        TIMSetLogCallback(Some(log_cb), std::ptr::null());
    }
}

/// Attaches (`true`) or detaches the outbound callback.
pub fn set_outbound(on: bool) {
    // SAFETY: a valid callback (or NULL).
    unsafe { IMCoreSetOutboundCallback(on.then_some(outbound_cb as _), std::ptr::null()) };
    poll();
}

// ------------------------------------------------------------- checking --

/// Delivers every queued callback on this thread.
pub fn poll() {
    // SAFETY: no pointers involved.
    while unsafe { IMCorePollCallbacks(0) } > 0 {}
}

/// The description of the last refusal on this thread.
pub fn last_error() -> String {
    let mut buf = vec![0u8; 4096];
    // SAFETY: a writable buffer of that many bytes.
    unsafe { IMCoreGetLastError(buf.as_mut_ptr().cast(), buf.len() as u32) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Asserts that a return code is one the ABI documents and never
/// `IMCORE_ERR_INTERNAL`.
pub fn check_code(name: &str, ret: i32) {
    assert!(
        ret != IMCORE_ERR_INTERNAL,
        "{name}: internal error (a caught panic): {}",
        last_error()
    );
    assert!(
        (-6..=0).contains(&ret),
        "{name}: undocumented return code {ret}"
    );
    if ret != TIM_SUCC {
        assert!(
            !last_error().is_empty(),
            "{name}: refusal {ret} without a reason"
        );
    }
}

/// Delivers callbacks, then asserts the callback contract for a call made
/// with the last token made, `tok`: `TIM_SUCC` ⇒ exactly one result
/// callback, else none. In outbox mode a call whose change queued envelopes
/// completes when the newest of them is acked ([`DEFERRED`]; [`on_ack`] and
/// [`on_logout`] check it then). Returns the callback's code (None when
/// refused).
pub fn check(name: &str, ret: i32, tok: *const c_void) -> Option<i32> {
    check_code(name, ret);
    poll();
    let got = results_of(tok);
    if ret == TIM_SUCC {
        if got.is_empty() {
            let mut t = track();
            let env = t.envelopes[t.mark.min(t.envelopes.len())..]
                .iter()
                .map(|e| e.id)
                .max()
                .unwrap_or_else(|| panic!("{name}: TIM_SUCC, no callback and no envelope"));
            assert!(
                t.deferred.insert(env, tok as u64).is_none(),
                "{name}: envelope {env} completes two calls"
            );
            return Some(DEFERRED);
        }
        forget(tok);
        assert_eq!(
            got.len(),
            1,
            "{name}: TIM_SUCC, {} result callbacks",
            got.len()
        );
        Some(got[0])
    } else {
        forget(tok);
        assert!(got.is_empty(), "{name}: refused ({ret}) but called back");
        None
    }
}

/// After an accepted ack of envelope `env` with `code`: the call waiting
/// for it (if any) called back exactly once, with that code.
pub fn on_ack(env: u64, code: i32) {
    poll();
    let tok = track().deferred.remove(&env);
    if let Some(tok) = tok {
        let tok = tok as *const c_void;
        assert_eq!(
            results_of(tok),
            vec![code],
            "the call completed by envelope {env}"
        );
        forget(tok);
    }
}

/// After a logout: every call waiting for an ack called back once, 6014.
pub fn on_logout() {
    poll();
    let waiting: Vec<(u64, u64)> = track().deferred.drain().collect();
    for (env, tok) in waiting {
        let tok = tok as *const c_void;
        assert_eq!(
            results_of(tok),
            vec![6014],
            "the call waiting for envelope {env} at logout"
        );
        forget(tok);
    }
}

/// Runs an asynchronous call with a fresh token and checks the contract.
pub fn call(name: &str, f: impl FnOnce(TIMCommCallback, *const c_void) -> i32) -> Option<i32> {
    let tok = token();
    let ret = f(Some(result_cb), tok);
    check(name, ret, tok)
}

/// Runs the engine's `verify()` on the logged-in session; panics when it fails.
pub fn verify(after: &str) {
    if let Some(Err(e)) = ffi::tim::runtime::debug_verify() {
        panic!("verify() failed after {after}: {e}");
    }
}

// -------------------------------------------------------------- inputs --

/// A fuzz input read as two selector bytes and NUL-separated strings.
pub struct Args {
    /// First byte (0 when absent).
    pub sel: u8,
    /// Second byte (0 when absent).
    pub n: u8,
    /// The strings after them (none when the input ends there).
    pub strs: Vec<CString>,
}

impl Args {
    /// Splits an input.
    pub fn new(data: &[u8]) -> Self {
        let sel = data.first().copied().unwrap_or(0);
        let n = data.get(1).copied().unwrap_or(0);
        let rest = data.get(2..).unwrap_or(&[]);
        let strs = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split(|&b| b == 0)
                .map(|p| CString::new(p).expect("split at NUL"))
                .collect()
        };
        Args { sel, n, strs }
    }

    /// String `i`, or NULL when the input has fewer.
    pub fn ptr(&self, i: usize) -> *const c_char {
        self.strs.get(i).map_or(std::ptr::null(), |s| s.as_ptr())
    }

    /// String `i` as text ("" when absent or not UTF-8).
    pub fn str(&self, i: usize) -> &str {
        self.strs.get(i).and_then(|s| s.to_str().ok()).unwrap_or("")
    }
}

/// Interesting 64-bit values (times, sequences, cursors, mark bits).
pub const U64S: [u64; 16] = [
    0,
    1,
    2,
    5,
    100,
    1_700_000_000,
    1_700_000_100,
    u32::MAX as u64,
    1 << 32,
    1 << 62,
    i64::MAX as u64,
    i64::MAX as u64 + 1,
    u64::MAX,
    8,
    4,
    3,
];

// ------------------------------------------------------------- session --

/// Where a target keeps its stores: in /dev/shm when there is one (no disk
/// I/O), per process.
pub fn data_root() -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!("imcore-fuzz-{}", std::process::id()))
}

/// A C string from Rust text (test data without NULs).
pub fn cs(s: &str) -> CString {
    CString::new(s).expect("no NUL in harness strings")
}

/// Puts imcore in pumped mode and calls `TIMInit` on `dir`.
pub fn init(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the data directory");
    // SAFETY: plain values and a valid C string.
    unsafe {
        assert_eq!(IMCoreSetCallbackMode(1), TIM_SUCC);
        let cfg = cs(&serde_json::json!({ "sdk_config_config_file_path": dir }).to_string());
        assert_eq!(TIMInit(APP_ID, cfg.as_ptr()), TIM_SUCC, "{}", last_error());
    }
}

/// Logs `user` in and asserts success.
pub fn login(user: &str) {
    let u = cs(user);
    // SAFETY: valid C strings and the counting callback.
    let code = call("TIMLogin", |cb, ud| unsafe {
        TIMLogin(u.as_ptr(), std::ptr::null(), cb, ud)
    });
    assert_eq!(code, Some(0), "TIMLogin({user}) failed");
}

/// Logs out (asserting the contract) when a user is logged in.
pub fn logout() {
    // SAFETY: the counting callback.
    let tok = token();
    let ret = unsafe { TIMLogout(Some(result_cb), tok) };
    if ret == TIM_SUCC {
        check("TIMLogout", ret, tok);
        on_logout();
    } else {
        forget(tok);
    }
}

/// Pushes inbound envelopes and asserts the push succeeded.
pub fn push_ok(envelopes: &str) {
    let e = cs(envelopes);
    // SAFETY: a valid C string and the counting callback.
    let code = call("IMCoreInboundPush", |cb, ud| unsafe {
        IMCoreInboundPush(e.as_ptr(), cb, ud)
    });
    assert_eq!(code, Some(0), "seed push failed: {envelopes:.200}");
}

/// The state every session target starts from: C2C conversations with bob
/// and carol, a Work group "team" with a roster, an AVChatRoom "chat", my
/// own messages that ask for receipts, a conversation group "friends" and
/// a subscribed filter. (Also the inbound seeds of the corpus.)
pub const POPULATE: &[&str] = &[
    r#"[{"kind":"group_members","group_id":"team","group_type":1,"op":"set","members":["fuzzer","bob","carol","dave"]},
        {"kind":"group_members","group_id":"chat","group_type":4,"op":"set","members":["fuzzer","bob"]}]"#,
    r#"[{"kind":"message","message":{"message_msg_id":"m1","message_conv_id":"bob","message_conv_type":1,"message_sender":"bob","message_server_time":1700000000,"message_need_read_receipt":true,"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}]}},
        {"kind":"message","message":{"message_msg_id":"m2","message_conv_id":"bob","message_conv_type":1,"message_sender":"bob","message_server_time":1700000010}},
        {"kind":"message","message":{"message_msg_id":"m3","message_conv_id":"carol","message_conv_type":1,"message_sender":"carol","message_server_time":1700000020}},
        {"kind":"message","message":{"message_msg_id":"g1","message_conv_id":"team","message_conv_type":2,"message_sender":"bob","message_server_time":1700000030,"message_seq":1,"message_need_read_receipt":true,"message_group_at_user_array":["fuzzer"]}},
        {"kind":"message","message":{"message_msg_id":"g2","message_conv_id":"team","message_conv_type":2,"message_sender":"fuzzer","message_is_from_self":true,"message_server_time":1700000040,"message_seq":2,"message_need_read_receipt":true}},
        {"kind":"message","message":{"message_msg_id":"c1","message_conv_id":"chat","message_conv_type":2,"message_sender":"bob","message_server_time":1700000050,"message_seq":1}},
        {"kind":"message","message":{"message_msg_id":"mine1","message_conv_id":"bob","message_conv_type":1,"message_sender":"fuzzer","message_is_from_self":true,"message_server_time":1700000060,"message_need_read_receipt":true}}]"#,
    r#"[{"kind":"receipt","receipt":{"msg_receipt_conv_id":"team","msg_receipt_conv_type":2,"msg_receipt_msg_id":"g2","msg_receipt_time_stamp":1700000070,"msg_receipt_user_id":"bob"}},
        {"kind":"receipt","receipt":{"msg_receipt_conv_id":"bob","msg_receipt_conv_type":1,"msg_receipt_msg_id":"","msg_receipt_time_stamp":1700000065}},
        {"kind":"read_position","conv_id":"carol","conv_type":1,"timestamp":1700000000},
        {"kind":"sync","phase":"start"},
        {"kind":"conversation","update_time":1,"conversation":{"conv_id":"carol","conv_type":1,"conv_is_pinned":true,"conv_mark_array":[1],"conv_conversation_group_array":[]}},
        {"kind":"sync","phase":"finish"}]"#,
];

/// Populates a freshly logged-in store with [`POPULATE`], a conversation
/// group and a subscription.
pub fn populate() {
    for p in POPULATE {
        push_ok(p);
    }
    let name = cs("friends");
    let ids = cs(r#"["c2c_bob"]"#);
    // SAFETY: valid C strings and the counting callback.
    call("TIMConvCreateConversationGroup", |cb, ud| unsafe {
        TIMConvCreateConversationGroup(name.as_ptr(), ids.as_ptr(), cb, ud)
    });
    let f = cs(r#"{"conversation_list_filter_conv_type":1}"#);
    // SAFETY: a valid C string.
    let r = unsafe { TIMConvSubscribeUnreadMessageCountByFilter(f.as_ptr()) };
    check_code("subscribe", r);
    // The total listener fires from the first total query on.
    // SAFETY: the counting callback.
    call("TIMConvGetTotalUnreadMessageCount", |cb, ud| unsafe {
        TIMConvGetTotalUnreadMessageCount(cb, ud)
    });
    poll();
}

/// A long-lived logged-in session for the single-entry targets; the store
/// is thrown away and rebuilt every [`RESET_EVERY`] inputs so that it stays
/// small (and runs stay comparable).
pub struct Session {
    dir: PathBuf,
    runs: u64,
    outbound: bool,
    /// Whether this input starts on a fresh store (earlier state is gone:
    /// pending sends were answered with 6014 at the logout).
    pub fresh: bool,
}

/// Inputs between two fresh stores.
pub const RESET_EVERY: u64 = 2000;

static SESSION: Mutex<Option<Session>> = Mutex::new(None);

fn remove_stores(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

impl Session {
    /// Called at the start of each input: initialises on the first one,
    /// and rebuilds the store every [`RESET_EVERY`] inputs.
    pub fn begin(outbound: bool) -> MutexGuard<'static, Option<Session>> {
        let mut g = SESSION.lock().unwrap_or_else(|e| e.into_inner());
        if g.is_none() {
            let dir = data_root();
            let _ = std::fs::remove_dir_all(&dir);
            init(&dir);
            register_listeners();
            *g = Some(Session {
                dir,
                runs: RESET_EVERY,
                outbound,
                fresh: true,
            });
        }
        let s = g.as_mut().expect("set above");
        s.runs += 1;
        s.fresh = s.runs >= RESET_EVERY;
        if s.fresh {
            s.runs = 0;
            verify("the inputs before a reset");
            logout();
            remove_stores(&s.dir);
            set_outbound(s.outbound);
            login(USER);
            populate();
        }
        g
    }
}

/// Inputs between two `verify()` runs in the single-entry targets (a
/// recount costs more than most inputs; the sequence target verifies after
/// every operation).
pub const VERIFY_EVERY: u64 = 8;

/// Ends an input of a session target: delivers callbacks and, every
/// [`VERIFY_EVERY`] inputs, verifies.
pub fn end(what: &str) {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    poll();
    if N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .is_multiple_of(VERIFY_EVERY)
    {
        verify(what);
    }
}
