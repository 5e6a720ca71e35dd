//! The bench as a C host: its callbacks stamp the time they were entered
//! and count their calls; the caller waits for a count to move.
//!
//! Every callback records its stamp first, then (for result callbacks, when
//! asked) copies the JSON, then bumps its counter: the stamp is the moment
//! the host got control, whatever the copy costs.

use crate::stats::now_ns;
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// A callback's stamp (ns, `now_ns`) and how often it was called.
pub struct Probe {
    /// The last call's stamp.
    pub at: AtomicU64,
    /// Calls so far.
    pub n: AtomicU64,
}

impl Probe {
    const fn new() -> Self {
        Probe {
            at: AtomicU64::new(0),
            n: AtomicU64::new(0),
        }
    }

    fn hit(&self) {
        self.at.store(now_ns(), Ordering::SeqCst);
    }

    fn done(&self) {
        self.n.fetch_add(1, Ordering::SeqCst);
    }

    /// Calls so far.
    pub fn count(&self) -> u64 {
        self.n.load(Ordering::SeqCst)
    }

    /// The last call's stamp.
    pub fn stamp(&self) -> u64 {
        self.at.load(Ordering::SeqCst)
    }
}

/// Result callbacks (`TIMCommCallback`).
pub static RESULT: Probe = Probe::new();
/// The new-message listener.
pub static NEW_MSG: Probe = Probe::new();
/// The total-unread listener.
pub static TOTAL: Probe = Probe::new();
/// The conversation-event listener.
pub static CONV_EVENT: Probe = Probe::new();

/// Whether the result callback keeps its JSON (for the page cursor and sizes).
pub static CAPTURE: AtomicBool = AtomicBool::new(false);
/// The last result's code, and its JSON when [`CAPTURE`] is set.
pub static LAST: Mutex<(i32, String)> = Mutex::new((0, String::new()));
/// Bytes of JSON the new-message listener got.
pub static NEW_MSG_BYTES: AtomicU64 = AtomicU64::new(0);

/// The result callback.
///
/// # Safety
/// Called by imcore with NULL or NUL-terminated strings.
pub unsafe extern "C" fn on_result(
    code: i32,
    desc: *const c_char,
    json: *const c_char,
    _ud: *const c_void,
) {
    RESULT.hit();
    if code != 0 || CAPTURE.load(Ordering::Relaxed) {
        // SAFETY: imcore passes valid NUL-terminated strings (or NULL).
        let text = |p: *const c_char| unsafe {
            if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        };
        let j = if code == 0 { text(json) } else { text(desc) };
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = (code, j);
    }
    RESULT.done();
}

/// The new-message listener.
///
/// # Safety
/// Called by imcore with a NUL-terminated string.
pub unsafe extern "C" fn on_new_msg(json: *const c_char, _ud: *const c_void) {
    NEW_MSG.hit();
    if !json.is_null() {
        // SAFETY: imcore passes a valid NUL-terminated string.
        let n = unsafe { CStr::from_ptr(json) }.to_bytes().len();
        NEW_MSG_BYTES.fetch_add(n as u64, Ordering::Relaxed);
    }
    NEW_MSG.done();
}

/// The total-unread listener.
///
/// # Safety
/// Called by imcore.
pub unsafe extern "C" fn on_total(_total: i32, _ud: *const c_void) {
    TOTAL.hit();
    TOTAL.done();
}

/// The conversation-event listener.
///
/// # Safety
/// Called by imcore with a NUL-terminated string.
pub unsafe extern "C" fn on_conv_event(_ev: i32, _json: *const c_char, _ud: *const c_void) {
    CONV_EVENT.hit();
    CONV_EVENT.done();
}

/// Waits (spinning, then yielding) until `probe` was called `target` times.
/// Panics after 120 s: a lost callback is a defect, not a slow run.
pub fn wait_for(probe: &Probe, target: u64) {
    wait_all(&[(probe, target)], false);
}

/// Waits until every probe reached its target; in pumped mode polls while
/// waiting. Spins first, then yields the CPU (on a loaded machine a spinning
/// waiter would otherwise keep the dispatcher thread off it for a time slice).
pub fn wait_all(probes: &[(&Probe, u64)], pumped: bool) {
    let mut spins = 0u32;
    let start = now_ns();
    while probes.iter().any(|(p, t)| p.count() < *t) {
        if pumped {
            poll();
            continue;
        }
        spins += 1;
        if spins < 2_000 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
            if spins.is_multiple_of(100_000) && now_ns() - start > 120_000_000_000 {
                panic!("a callback did not arrive within 120 s");
            }
        }
    }
}

/// The last result's JSON; panics on an error result (the bench's own calls
/// must succeed).
pub fn last_json() -> String {
    let (code, j) = LAST.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(code, 0, "a call failed: {j}");
    j
}

/// A C string of bench text.
pub fn cs(s: &str) -> CString {
    CString::new(s).expect("bench strings have no NUL")
}

/// Pumped mode: delivers everything queued.
pub fn poll() -> i32 {
    // SAFETY: no arguments to check.
    unsafe { ffi::IMCorePollCallbacks(0) }
}

/// `IMCoreSetCallbackMode`.
pub fn set_mode(mode: i32) {
    // SAFETY: an integer argument.
    let r = unsafe { ffi::IMCoreSetCallbackMode(mode) };
    assert_eq!(r, 0, "IMCoreSetCallbackMode({mode})");
}

/// The floor of an exported call with a result callback: a function of the
/// same shape that calls its callback at once with empty strings.
///
/// # Safety
/// `cb` is NULL or a valid callback.
#[inline(never)]
pub unsafe extern "C" fn empty_call(cb: ffi::TIMCommCallback, ud: *const c_void) -> i32 {
    if let Some(f) = cb {
        // SAFETY: a valid callback, given static NUL-terminated strings.
        unsafe { f(0, c"".as_ptr(), c"".as_ptr(), ud) };
    }
    0
}
