//! Lifecycle races (the stress program's second part, issue 12): for a
//! bounded time, threads call `TIMInit` / `TIMUninit` / `TIMLogin` /
//! `TIMLogout`, ordinary operations and inbound pushes, set and clear
//! listeners, switch the callback mode and poll, all at once. Asserted:
//!
//! - no two callbacks run at the same time, and each thread's result
//!   callbacks arrive in the order its calls were accepted;
//! - no callback runs on a thread while it is inside an imcore call (other
//!   than `TIMUninit` and `IMCorePollCallbacks`, which deliver): that would
//!   be a callback under imcore's lock;
//! - a listener is never called after the setter or remover that replaced
//!   it returned (each registration carries its own user data, marked dead
//!   when its removal returns);
//! - every accepted call calls back exactly once, a refused one never;
//! - nothing hangs (a watchdog on progress), and afterwards the state is
//!   consistent: a fresh init and login work and the counts verify.

use crate::*;
use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// Threads that issue calls with tracked result callbacks.
const CALLERS: usize = 5;
/// Calls per caller thread that can be tracked.
const PER_CALLER: usize = 1 << 20;
/// Listener registrations that can be tracked.
const GENERATIONS: usize = 1 << 20;

struct Tracker {
    /// Per caller and call: 1 when accepted; callbacks delivered.
    expected: Vec<Vec<AtomicU8>>,
    delivered: Vec<Vec<AtomicU8>>,
    /// Per caller: the number of the last call whose callback ran.
    last: Vec<AtomicI64>,
    /// Per listener registration: its removal returned.
    dead: Vec<AtomicBool>,
}

static T: LazyLock<Tracker> = LazyLock::new(|| Tracker {
    expected: (0..CALLERS)
        .map(|_| (0..PER_CALLER).map(|_| AtomicU8::new(0)).collect())
        .collect(),
    delivered: (0..CALLERS)
        .map(|_| (0..PER_CALLER).map(|_| AtomicU8::new(0)).collect())
        .collect(),
    last: (0..CALLERS).map(|_| AtomicI64::new(-1)).collect(),
    dead: (0..GENERATIONS).map(|_| AtomicBool::new(false)).collect(),
});

static ACTIVE: AtomicU64 = AtomicU64::new(0);
static CONCURRENT: AtomicU64 = AtomicU64::new(0);
static OUT_OF_ORDER: AtomicU64 = AtomicU64::new(0);
static UNDER_CALL: AtomicU64 = AtomicU64::new(0);
static LATE: AtomicU64 = AtomicU64::new(0);
static TWICE: AtomicU64 = AtomicU64::new(0);
static CALLBACKS: AtomicU64 = AtomicU64::new(0);
static LISTENER_CALLS: AtomicU64 = AtomicU64::new(0);
static OPS: AtomicU64 = AtomicU64::new(0);
static NEXT_GEN: AtomicU64 = AtomicU64::new(1);
static STOP: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Inside an imcore call that must not deliver on this thread.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Runs an imcore call that must not run a callback on this thread.
fn inside<R>(f: impl FnOnce() -> R) -> R {
    INSIDE.with(|i| i.set(true));
    let r = f();
    INSIDE.with(|i| i.set(false));
    OPS.fetch_add(1, SeqCst);
    r
}

/// The common part of every callback: exclusion and the lock check.
struct Enter;

impl Enter {
    fn new() -> Self {
        if ACTIVE.fetch_add(1, SeqCst) != 0 {
            CONCURRENT.fetch_add(1, SeqCst);
        }
        if INSIDE.with(Cell::get) {
            UNDER_CALL.fetch_add(1, SeqCst);
        }
        CALLBACKS.fetch_add(1, SeqCst);
        Enter
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, SeqCst);
    }
}

fn ud(caller: usize, n: usize) -> *const c_void {
    ((caller << 32) | n) as *const c_void
}

unsafe extern "C" fn result_cb(
    _code: i32,
    _desc: *const c_char,
    _json: *const c_char,
    ud: *const c_void,
) {
    let _e = Enter::new();
    let (caller, n) = ((ud as usize) >> 32, (ud as usize) & 0xFFFF_FFFF);
    if T.delivered[caller][n].fetch_add(1, SeqCst) != 0 {
        TWICE.fetch_add(1, SeqCst);
    }
    let prev = T.last[caller].swap(n as i64, SeqCst);
    if n as i64 <= prev {
        OUT_OF_ORDER.fetch_add(1, SeqCst);
    }
    std::hint::spin_loop();
}

fn listener_call(generation: *const c_void) {
    let _e = Enter::new();
    LISTENER_CALLS.fetch_add(1, SeqCst);
    if T.dead[generation as usize].load(SeqCst) {
        LATE.fetch_add(1, SeqCst);
    }
}

unsafe extern "C" fn conv_listener(_ev: i32, _json: *const c_char, ud: *const c_void) {
    listener_call(ud);
}

unsafe extern "C" fn total_listener(_n: i32, ud: *const c_void) {
    listener_call(ud);
}

unsafe extern "C" fn new_msg_a(_json: *const c_char, ud: *const c_void) {
    listener_call(ud);
}

unsafe extern "C" fn new_msg_b(_json: *const c_char, ud: *const c_void) {
    listener_call(ud);
}

/// One caller thread's tracked calls.
struct Caller {
    idx: usize,
    next: usize,
}

impl Caller {
    fn call(&mut self, f: impl FnOnce(TIMCommCallback, *const c_void) -> i32) -> i32 {
        let n = self.next;
        self.next += 1;
        assert!(n < PER_CALLER, "out of call numbers");
        // Marked accepted before the call: the callback may run before it
        // returns (on another thread); undone when refused.
        T.expected[self.idx][n].store(1, SeqCst);
        let r = inside(|| f(Some(result_cb), ud(self.idx, n)));
        if r != TIM_SUCC {
            T.expected[self.idx][n].store(0, SeqCst);
        }
        r
    }
}

fn init_cfg(dir: &Path) -> std::ffi::CString {
    cs(&serde_json::json!({ "sdk_config_config_file_path": dir }).to_string())
}

/// Calls init, uninit, login (two users) and logout at random.
fn lifecycle_thread(idx: usize, dir: &Path) {
    let mut rng = Rng(0x11FE + idx as u64);
    let mut me = Caller { idx, next: 0 };
    let cfg = init_cfg(dir);
    let users = [cs("life-a"), cs("life-b")];
    while !STOP.load(SeqCst) {
        match rng.below(8) {
            // SAFETY: a valid C string.
            0 | 1 => drop(inside(|| unsafe { TIMInit(APP_ID, cfg.as_ptr()) })),
            // SAFETY: no arguments; it may deliver on this thread.
            2 => drop(unsafe { TIMUninit() }),
            3..=5 => {
                let u = &users[rng.below(2) as usize];
                // SAFETY: valid C strings and the tracking callback.
                me.call(|cb, ud| unsafe { TIMLogin(u.as_ptr(), std::ptr::null(), cb, ud) });
            }
            // SAFETY: the tracking callback.
            _ => drop(me.call(|cb, ud| unsafe { TIMLogout(cb, ud) })),
        }
        std::thread::sleep(Duration::from_micros(rng.below(2000)));
    }
}

/// Ordinary operations and inbound messages (listener events).
fn operations_thread(idx: usize) {
    let mut rng = Rng(0x0F5 + idx as u64);
    let mut me = Caller { idx, next: 0 };
    let mut n = 0u64;
    while !STOP.load(SeqCst) {
        if rng.below(2) == 0 {
            // SAFETY: the tracking callback.
            me.call(|cb, ud| unsafe { TIMConvGetTotalUnreadMessageCount(cb, ud) });
        } else {
            let peer = format!("lp{}", rng.below(6));
            let batch = cs(&serde_json::json!([{"kind":"message","message":{
                "message_msg_id": format!("life-{idx}-{n}"), "message_conv_id": peer,
                "message_conv_type": 1, "message_sender": peer,
                "message_server_time": 1_700_000_000 + n,
                "message_elem_array": [{"elem_type":0,"text_elem_content":"life"}]}}])
            .to_string());
            n += 1;
            // SAFETY: a valid C string and the tracking callback.
            me.call(|cb, ud| unsafe { IMCoreInboundPush(batch.as_ptr(), cb, ud) });
        }
        if rng.below(64) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Sets and clears listeners; each registration has its own user data,
/// marked dead as soon as its removal returned.
fn listener_thread() {
    let mut rng = Rng(0x715);
    let fresh = || {
        let g = NEXT_GEN.fetch_add(1, SeqCst) as usize;
        assert!(g < GENERATIONS, "out of generations");
        g
    };
    let (mut conv, mut total, mut a, mut b) = (0usize, 0usize, 0usize, 0usize);
    while !STOP.load(SeqCst) {
        match rng.below(8) {
            0 | 1 => {
                let g = fresh();
                // SAFETY: a valid listener; its generation as user data.
                inside(|| unsafe { TIMSetConvEventCallback(Some(conv_listener), g as _) });
                T.dead[conv].store(true, SeqCst);
                conv = g;
            }
            2 => {
                // SAFETY: NULL unregisters.
                inside(|| unsafe { TIMSetConvEventCallback(None, std::ptr::null()) });
                T.dead[conv].store(true, SeqCst);
            }
            3 => {
                let g = if rng.below(2) == 0 { fresh() } else { 0 };
                let f =
                    (g != 0).then_some(total_listener as unsafe extern "C" fn(i32, *const c_void));
                // SAFETY: a valid listener or NULL.
                inside(|| unsafe { TIMSetConvTotalUnreadMessageCountChangedCallback(f, g as _) });
                T.dead[total].store(true, SeqCst);
                total = g;
            }
            4 | 5 => {
                let (slot, f): (
                    &mut usize,
                    unsafe extern "C" fn(*const c_char, *const c_void),
                ) = if rng.below(2) == 0 {
                    (&mut a, new_msg_a)
                } else {
                    (&mut b, new_msg_b)
                };
                let g = fresh();
                // SAFETY: a valid listener; adding it again replaces its user data.
                inside(|| unsafe { TIMAddRecvNewMsgCallback(Some(f), g as _) });
                T.dead[*slot].store(true, SeqCst);
                *slot = g;
            }
            _ => {
                let (slot, f): (
                    &mut usize,
                    unsafe extern "C" fn(*const c_char, *const c_void),
                ) = if rng.below(2) == 0 {
                    (&mut a, new_msg_a)
                } else {
                    (&mut b, new_msg_b)
                };
                // SAFETY: removes that function.
                inside(|| unsafe { TIMRemoveRecvNewMsgCallback(Some(f)) });
                T.dead[*slot].store(true, SeqCst);
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(1500)));
    }
    // SAFETY: NULL unregisters.
    unsafe {
        TIMSetConvEventCallback(None, std::ptr::null());
        TIMSetConvTotalUnreadMessageCountChangedCallback(None, std::ptr::null());
        TIMRemoveRecvNewMsgCallback(Some(new_msg_a));
        TIMRemoveRecvNewMsgCallback(Some(new_msg_b));
    }
    for g in [conv, total, a, b] {
        T.dead[g].store(true, SeqCst);
    }
}

/// Switches the callback mode now and then; polls in between.
fn mode_thread(switch: bool) {
    let mut rng = Rng(if switch { 0x30DE } else { 0x9011 });
    while !STOP.load(SeqCst) {
        if switch && rng.below(16) == 0 {
            let mode = rng.below(2) as i32;
            // SAFETY: a valid mode; it may wait for the dispatcher thread.
            unsafe { IMCoreSetCallbackMode(mode) };
        }
        // SAFETY: delivers on this thread in pumped mode.
        let n = unsafe { IMCorePollCallbacks(rng.below(3) as u32) };
        OPS.fetch_add(1, SeqCst);
        if n == 0 {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

/// Runs the lifecycle races for `secs` seconds in `dir`; records into `c`.
pub fn run(secs: u64, dir: &Path, c: &mut Checks) {
    // Start clean: thread mode, not initialised, no listeners of ours.
    // SAFETY: no arguments / a valid mode.
    unsafe {
        TIMUninit();
        IMCoreSetCallbackMode(0);
    }
    LazyLock::force(&T);
    let wd = Watchdog::start(Duration::from_secs(30), "lifecycle races", || {
        (OPS.load(SeqCst), CALLBACKS.load(SeqCst))
    });
    let start = Instant::now();
    let mut threads = Vec::new();
    for i in 0..2 {
        let dir = dir.to_owned();
        threads.push(std::thread::spawn(move || lifecycle_thread(i, &dir)));
    }
    for i in 2..CALLERS {
        threads.push(std::thread::spawn(move || operations_thread(i)));
    }
    threads.push(std::thread::spawn(listener_thread));
    threads.push(std::thread::spawn(|| mode_thread(true)));
    threads.push(std::thread::spawn(|| mode_thread(false)));
    std::thread::sleep(Duration::from_secs(secs));
    STOP.store(true, SeqCst);
    for t in threads {
        c.check(t.join().is_ok(), "a lifecycle thread panicked");
    }
    // TIMUninit delivers everything still owed; nothing runs after it.
    // SAFETY: no arguments.
    unsafe { TIMUninit() };
    let at_uninit = CALLBACKS.load(SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    c.check(
        CALLBACKS.load(SeqCst) == at_uninit,
        format!(
            "{} callbacks after the final TIMUninit returned",
            CALLBACKS.load(SeqCst) - at_uninit
        ),
    );
    let (mut accepted, mut wrong) = (0u64, 0u64);
    for caller in 0..CALLERS {
        for n in 0..PER_CALLER {
            let (e, d) = (
                T.expected[caller][n].load(SeqCst),
                T.delivered[caller][n].load(SeqCst),
            );
            accepted += u64::from(e);
            if e != d {
                wrong += 1;
            }
        }
    }
    c.check(
        wrong == 0,
        format!("{wrong} of {accepted} calls whose callbacks do not match their return"),
    );
    for (what, n) in [
        ("callbacks that ran concurrently with another", &CONCURRENT),
        (
            "result callbacks out of their caller's order",
            &OUT_OF_ORDER,
        ),
        (
            "callbacks on a thread inside an imcore call (under its lock)",
            &UNDER_CALL,
        ),
        ("listener calls after their removal returned", &LATE),
        ("callbacks called twice", &TWICE),
    ] {
        let n = n.load(SeqCst);
        c.check(n == 0, format!("lifecycle races: {n} {what}"));
    }
    c.check(
        accepted > 100 && LISTENER_CALLS.load(SeqCst) > 0,
        format!(
            "the races did something ({accepted} accepted calls, {} listener calls)",
            LISTENER_CALLS.load(SeqCst)
        ),
    );
    // The state afterwards is consistent: init, login, counts verify.
    let cfg = init_cfg(dir);
    // SAFETY: a valid mode and C string.
    let r = unsafe {
        IMCoreSetCallbackMode(0);
        TIMInit(APP_ID, cfg.as_ptr())
    };
    c.check(r == TIM_SUCC, format!("TIMInit after the races: {r}"));
    let l = login("life-a");
    c.check(
        matches!(&l, Ok(r) if r.code == 0),
        format!("login after the races: {l:?}"),
    );
    let v = verify();
    c.check(v.is_ok(), format!("verify() after the races: {v:?}"));
    uninit();
    wd.stop();
    println!(
        "lifecycle races: {CALLERS} calling threads, a listener thread, a mode switcher and a \
         poller for {:.1} s: {} operations, {accepted} accepted calls with results, {} callbacks, \
         {} listener calls, {} listener registrations",
        start.elapsed().as_secs_f64(),
        OPS.load(SeqCst),
        CALLBACKS.load(SeqCst),
        LISTENER_CALLS.load(SeqCst),
        NEXT_GEN.load(SeqCst) - 1,
    );
}
