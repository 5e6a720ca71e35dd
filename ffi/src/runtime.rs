//! Global state and callback delivery.
//!
//! - [`CORE`]: whether `TIMInit` ran (app id, data directory) and the
//!   logged-in [`Session`] (its engine). Every engine operation runs with
//!   this lock held, drains the engine's change batches, turns them into
//!   callbacks and enqueues them *and then* its result callback, all before
//!   releasing it: callbacks arrive in the order operations committed.
//! - The channel: one crossbeam channel of [`Job`]s (one job = one
//!   operation's callbacks, a "batch"). In thread mode one dispatcher thread
//!   consumes it; in pumped mode `IMCorePollCallbacks` does, on the host's
//!   thread. No lock is held while a callback runs, so a callback may call
//!   any imcore function, including `TIMUninit` and `IMCoreSetCallbackMode`.
//! - [`LISTENERS`]: the registered listeners, read when a callback is
//!   delivered (not when it is queued), so unregistering stops delivery at once.

use crate::json::{self};
use crate::*;
use crossbeam_channel::{unbounded, Receiver, Sender};
use imcore::{ConversationFilter, Engine};
use once_cell::sync::Lazy;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{JoinHandle, ThreadId};

/// Locks a mutex, recovering it if a panic poisoned it (the engine changes
/// memory only after a commit succeeded, so its state stays consistent).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------- state --

/// What `TIMInit` set up.
#[derive(Debug, Clone)]
pub struct Init {
    /// The app id.
    pub sdk_app_id: u64,
    /// Where the stores live.
    pub data_dir: PathBuf,
}

/// A call waiting for the server's answer to its envelope (outbox mode):
/// a send, or any other change the server keeps.
#[derive(Debug, Clone)]
pub struct PendingSend {
    /// The caller's callback.
    pub cb: TIMCommCallback,
    /// Its user data.
    pub ud: usize,
    /// The call's result JSON, delivered when the server accepts; `None`
    /// for a send, whose result is the stamped message.
    pub result: Option<String>,
}

/// The logged-in user.
pub struct Session {
    /// The engine over this user's store.
    pub engine: Engine,
    /// The total-unread listener fires only after the first
    /// `TIMConvGetTotalUnreadMessageCount` (as TIM does).
    pub total_listening: bool,
    /// Subscribed filters, each with the JSON texts it was subscribed with.
    pub filter_subs: Vec<(ConversationFilter, Vec<String>)>,
    /// Message ids sent from this device (not echoed as new messages).
    pub own_sends: HashSet<String>,
    /// Outbox envelope id → the send call waiting for its ack.
    pub pending_sends: HashMap<u64, PendingSend>,
}

/// Init state and the session.
#[derive(Default)]
pub struct Core {
    /// Set by `TIMInit`, cleared by `TIMUninit`.
    pub init: Option<Init>,
    /// Set by a successful `TIMLogin`, cleared by `TIMLogout`.
    pub session: Option<Session>,
}

/// The global state.
pub static CORE: Lazy<Mutex<Core>> = Lazy::new(|| Mutex::new(Core::default()));

impl Core {
    /// The session, or the refusal for "not initialised" / "not logged in".
    pub fn session(&mut self) -> boundary::Sync<&mut Session> {
        if self.init.is_none() {
            return Err(boundary::Reject::new(
                TIM_ERR_SDKUNINIT,
                "TIMInit has not been called",
            ));
        }
        self.session
            .as_mut()
            .ok_or_else(|| boundary::Reject::new(TIM_ERR_NOTLOGIN, "no user is logged in"))
    }
}

/// Refuses unless initialised and logged in (a quick check before parsing).
pub fn check_logged_in() -> boundary::Sync<()> {
    lock(&CORE).session().map(|_| ())
}

/// Test and fuzzing hook, not part of the C ABI (the reliability tests and
/// the fuzz targets in `fuzz/` call it): runs the logged-in engine's
/// `verify()` — every unread count, total and filter sum recounted from the
/// store — under the engine lock. `None` when no user is logged in.
#[doc(hidden)]
pub fn debug_verify() -> Option<Result<(), String>> {
    let core = lock(&CORE);
    core.session
        .as_ref()
        .map(|s| s.engine.verify().map_err(|e| e.to_string()))
}

/// Refuses unless initialised.
pub fn check_init() -> boundary::Sync<()> {
    if lock(&CORE).init.is_none() {
        return Err(boundary::Reject::new(
            TIM_ERR_SDKUNINIT,
            "TIMInit has not been called",
        ));
    }
    Ok(())
}

/// The result of an engine operation: JSON text, or an engine error that is
/// delivered in the callback with the core code and message.
pub type OpResult = Result<String, imcore::Error>;

/// Runs an engine operation: locks, runs `f`, turns the engine's change
/// batches into listener callbacks, enqueues them and then the result
/// callback (when `cb` is not NULL), then unlocks. Returns `TIM_SUCC`, or
/// the refusal when not initialised / not logged in.
pub fn op(
    cb: TIMCommCallback,
    ud: *const c_void,
    f: impl FnOnce(&mut Session) -> OpResult,
) -> boundary::Sync<i32> {
    let ud = ud as usize;
    op_batch(move |s| {
        let result = f(s);
        let changes = s.engine.drain_changes();
        // With a transport, a change the server keeps completes when the
        // server answers its envelope (TRANSPORT.md): success delivers this
        // result, a refusal the ack's code (and the change is undone).
        let envelope = changes
            .iter()
            .flat_map(|c| c.outbound.iter())
            .map(|e| e.envelope_id)
            .max();
        let mut batch = events::convert_all(s, changes);
        match (cb.is_some(), envelope, result) {
            (false, _, _) => {}
            (true, Some(env), Ok(json)) => {
                s.pending_sends.insert(
                    env,
                    PendingSend {
                        cb,
                        ud,
                        result: Some(json),
                    },
                );
            }
            (true, _, result) => batch.push(comm(cb, ud, result)),
        }
        batch
    })
}

/// Runs an engine operation that builds its whole batch itself (events
/// first, then its result), enqueued before the lock is released.
pub fn op_batch(f: impl FnOnce(&mut Session) -> Vec<Cb>) -> boundary::Sync<i32> {
    let mut core = lock(&CORE);
    let session = core.session()?;
    let batch = f(session);
    send(batch);
    drop(core);
    Ok(TIM_SUCC)
}

/// A result callback from an operation result.
pub fn comm(cb: TIMCommCallback, ud: usize, result: OpResult) -> Cb {
    match result {
        Ok(json) => Cb::Comm {
            cb,
            ud,
            code: 0,
            desc: String::new(),
            json,
        },
        Err(e) => {
            crate::logging::refused(e.code(), &e);
            Cb::Comm {
                cb,
                ud,
                code: e.code(),
                desc: e.to_string(),
                json: String::new(),
            }
        }
    }
}

// ------------------------------------------------------------ listeners --

/// A registered callback: the function (as an address) and its user data.
pub type Slot = Option<(usize, usize)>;

/// Every registered listener.
#[derive(Default)]
pub struct Listeners {
    /// `TIMSetConvEventCallback`.
    pub conv_event: Slot,
    /// `TIMSetConvTotalUnreadMessageCountChangedCallback`.
    pub total_unread: Slot,
    /// `TIMSetConvUnreadMessageCountChangedByFilterCallback`.
    pub filter_unread: Slot,
    /// Conversation-group callbacks.
    pub group_created: Slot,
    /// Group deleted.
    pub group_deleted: Slot,
    /// Group renamed.
    pub group_renamed: Slot,
    /// Conversations added to a group.
    pub group_added: Slot,
    /// Conversations removed from a group.
    pub group_removed: Slot,
    /// `TIMAddRecvNewMsgCallback`: several, deduplicated by function.
    pub new_msg: Vec<(usize, usize)>,
    /// `TIMSetMsgReadedReceiptCallback`.
    pub receipt: Slot,
    /// `TIMSetNetworkStatusListenerCallback`.
    pub network: Slot,
    /// `TIMSetKickedOfflineCallback`.
    pub kicked: Slot,
    /// `TIMSetUserSigExpiredCallback`.
    pub sig_expired: Slot,
    /// `TIMSetLogCallback`.
    pub log: Slot,
    /// `TIMSetExperimentalNotifyCallback`.
    pub experimental: Slot,
    /// `IMCoreSetOutboundCallback`.
    pub outbound: Slot,
    /// Listeners imcore has no events for: stored, never called.
    pub unfired: HashMap<&'static str, (usize, usize)>,
}

/// The registered listeners.
pub static LISTENERS: Lazy<Mutex<Listeners>> = Lazy::new(|| Mutex::new(Listeners::default()));

/// Stores (or with `None`, removes) a listener.
pub fn set_slot(select: impl FnOnce(&mut Listeners) -> &mut Slot, f: Option<usize>, ud: usize) {
    let mut l = lock(&LISTENERS);
    *select(&mut l) = f.map(|f| (f, ud));
}

fn slot(select: impl FnOnce(&Listeners) -> Slot) -> Slot {
    select(&lock(&LISTENERS))
}

/// Whether an outbound callback is registered.
pub fn has_outbound() -> bool {
    lock(&LISTENERS).outbound.is_some()
}

// ------------------------------------------------------------ callbacks --

/// One callback to deliver.
#[derive(Debug, Clone)]
pub enum Cb {
    /// A `TIMCommCallback` result.
    Comm {
        /// The callback (None: nothing to call).
        cb: TIMCommCallback,
        /// Its user data.
        ud: usize,
        /// 0 or an error code.
        code: i32,
        /// The error text.
        desc: String,
        /// The result JSON.
        json: String,
    },
    /// A read-member-list page.
    ReadMembers {
        /// The callback.
        cb: TIMMsgGroupMessageReadMemberListCallback,
        /// Its user data.
        ud: usize,
        /// GroupMemberInfo array.
        json: String,
        /// Cursor of the next page.
        next_seq: u64,
        /// No more pages.
        finished: bool,
    },
    /// Conversation event.
    ConvEvent(i32, String),
    /// Total unread.
    TotalUnread(u64),
    /// A subscribed filter's total.
    FilterUnread(String, u64),
    /// Group created (name, V2 id array).
    GroupCreated(String, String),
    /// Group deleted.
    GroupDeleted(String),
    /// Group renamed (old, new).
    GroupRenamed(String, String),
    /// Conversations added to a group.
    GroupAdded(String, String),
    /// Conversations removed from a group.
    GroupRemoved(String, String),
    /// New messages (Message array).
    NewMessages(String),
    /// Receipts (MessageReceipt array).
    Receipts(String),
    /// An outbound envelope.
    Outbound(String),
    /// Network status.
    Network(i32, i32, String),
    /// Kicked offline.
    Kicked,
    /// User sig expired.
    SigExpired,
    /// A log line.
    Log(i32, String),
    /// Experimental notification (key, data).
    Experimental(String, String),
}

fn cstring(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| CString::new(s.replace('\0', "")).unwrap_or_default())
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Calls one callback. The listener is looked up now, without holding a lock
/// during the call; every string lives until the call returns.
fn deliver_one(cb: Cb) {
    macro_rules! fire {
        ($slot:ident, $ty:ty, |$f:ident, $ud:ident| $call:expr) => {
            if let Some((addr, ud)) = slot(|l| l.$slot) {
                // SAFETY: `addr` is a non-NULL function pointer of type `$ty`
                // that the host registered through the matching setter
                // (stored as an address); transmuting it back to the same
                // type is sound.
                let $f: $ty = unsafe { std::mem::transmute::<usize, $ty>(addr) };
                let $ud = ud as *const c_void;
                // SAFETY: calling the host's callback with valid, live
                // NUL-terminated strings and its own user data.
                unsafe { $call };
            }
        };
    }
    type ConvEv = unsafe extern "C" fn(i32, *const c_char, *const c_void);
    type Count = unsafe extern "C" fn(i32, *const c_void);
    type FilterCount = unsafe extern "C" fn(*const c_char, i32, *const c_void);
    type Two = unsafe extern "C" fn(*const c_char, *const c_char, *const c_void);
    type One = unsafe extern "C" fn(*const c_char, *const c_void);
    type Net = unsafe extern "C" fn(i32, i32, *const c_char, *const c_void);
    type Bare = unsafe extern "C" fn(*const c_void);
    type Log = unsafe extern "C" fn(i32, *const c_char, *const c_void);
    match cb {
        Cb::Comm {
            cb,
            ud,
            code,
            desc,
            json,
        } => {
            if let Some(f) = cb {
                let (d, j) = (cstring(&desc), cstring(&json));
                // SAFETY: the host's callback with live strings and its user data.
                unsafe { f(code, d.as_ptr(), j.as_ptr(), ud as *const c_void) };
            }
        }
        Cb::ReadMembers {
            cb,
            ud,
            json,
            next_seq,
            finished,
        } => {
            if let Some(f) = cb {
                let j = cstring(&json);
                // SAFETY: the host's callback with a live string and its user data.
                unsafe { f(j.as_ptr(), next_seq, finished, ud as *const c_void) };
            }
        }
        Cb::ConvEvent(ev, json) => {
            let j = cstring(&json);
            fire!(conv_event, ConvEv, |f, ud| f(ev, j.as_ptr(), ud));
        }
        Cb::TotalUnread(n) => fire!(total_unread, Count, |f, ud| f(count(n), ud)),
        Cb::FilterUnread(filter, n) => {
            let s = cstring(&filter);
            fire!(filter_unread, FilterCount, |f, ud| f(
                s.as_ptr(),
                count(n),
                ud
            ));
        }
        Cb::GroupCreated(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_created, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::GroupDeleted(name) => {
            let a = cstring(&name);
            fire!(group_deleted, One, |f, ud| f(a.as_ptr(), ud));
        }
        Cb::GroupRenamed(old, new) => {
            let (a, b) = (cstring(&old), cstring(&new));
            fire!(group_renamed, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::GroupAdded(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_added, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::GroupRemoved(name, ids) => {
            let (a, b) = (cstring(&name), cstring(&ids));
            fire!(group_removed, Two, |f, ud| f(a.as_ptr(), b.as_ptr(), ud));
        }
        Cb::NewMessages(json) => {
            let j = cstring(&json);
            let targets = lock(&LISTENERS).new_msg.clone();
            for (addr, ud) in targets {
                // SAFETY: a non-NULL `TIMRecvNewMsgCallback` registered by the
                // host, stored as its address.
                let f: One = unsafe { std::mem::transmute::<usize, One>(addr) };
                // SAFETY: the host's callback with a live string and its user data.
                unsafe { f(j.as_ptr(), ud as *const c_void) };
            }
        }
        Cb::Receipts(json) => {
            let j = cstring(&json);
            fire!(receipt, One, |f, ud| f(j.as_ptr(), ud));
        }
        Cb::Outbound(json) => {
            let j = cstring(&json);
            fire!(outbound, One, |f, ud| f(j.as_ptr(), ud));
        }
        Cb::Network(status, code, desc) => {
            let d = cstring(&desc);
            fire!(network, Net, |f, ud| f(status, code, d.as_ptr(), ud));
        }
        Cb::Kicked => fire!(kicked, Bare, |f, ud| f(ud)),
        Cb::SigExpired => fire!(sig_expired, Bare, |f, ud| f(ud)),
        Cb::Log(level, text) => {
            let t = cstring(&text);
            fire!(log, Log, |f, ud| f(level, t.as_ptr(), ud));
        }
        Cb::Experimental(key, data) => {
            let (k, d) = (cstring(&key), cstring(&data));
            fire!(experimental, Two, |f, ud| f(k.as_ptr(), d.as_ptr(), ud));
        }
    }
}

/// Delivers one batch, in order; a panic inside one callback's delivery is
/// contained (the host's own code cannot unwind into Rust).
fn deliver(batch: Vec<Cb>) {
    for cb in batch {
        let _ = catch_unwind(AssertUnwindSafe(|| deliver_one(cb)));
    }
}

// ----------------------------------------------------------- dispatcher --

/// What the channel carries.
pub enum Job {
    /// One operation's callbacks, in order.
    Batch(Vec<Cb>),
    /// Wakes the dispatcher thread so it sees its stop flag.
    Wake,
}

static CHANNEL: Lazy<(Sender<Job>, Receiver<Job>)> = Lazy::new(unbounded);

struct Worker {
    handle: JoinHandle<()>,
    stop: Arc<AtomicBool>,
}

#[derive(Default)]
struct Dispatch {
    /// Between TIMInit and TIMUninit.
    running: bool,
    /// 0 thread, 1 pumped.
    mode: i32,
    /// The dispatcher thread in thread mode.
    worker: Option<Worker>,
    /// Threads told to stop that were not joined yet (they were stopped
    /// from one of their own callbacks).
    stopping: Vec<Worker>,
    /// The thread currently delivering in pumped mode (poll or uninit drain).
    pumping: Option<ThreadId>,
}

static DISPATCH: Lazy<Mutex<Dispatch>> = Lazy::new(|| Mutex::new(Dispatch::default()));

/// Queues a batch. Before `TIMInit` (or after `TIMUninit`) there is no
/// dispatcher: the batch is delivered at once on the calling thread (only
/// the calls allowed then, `callExperimentalAPI` and `TIMSetConfig`, do that,
/// and they hold no lock).
pub fn send(batch: Vec<Cb>) {
    if batch.is_empty() {
        return;
    }
    let d = lock(&DISPATCH);
    if d.running {
        let _ = CHANNEL.0.send(Job::Batch(batch));
    } else {
        drop(d);
        deliver(batch);
    }
}

/// Queues one log line for the log callback (dropped when not initialised
/// or no log callback is set).
pub fn log(level: i32, text: &str) {
    if lock(&LISTENERS).log.is_none() {
        return;
    }
    let d = lock(&DISPATCH);
    if d.running {
        let _ = CHANNEL
            .0
            .send(Job::Batch(vec![Cb::Log(level, text.to_owned())]));
    }
}

fn spawn(d: &mut Dispatch) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let rx = CHANNEL.1.clone();
    let handle = std::thread::Builder::new()
        .name("imcore-dispatch".into())
        .spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                match rx.recv() {
                    Ok(Job::Batch(b)) => deliver(b),
                    Ok(Job::Wake) => {}
                    Err(_) => break,
                }
            }
        });
    match handle {
        Ok(handle) => d.worker = Some(Worker { handle, stop }),
        // No thread could be started: fall back to pumped delivery so that
        // nothing is lost; the host sees mode 1.
        Err(_) => d.mode = IMCORE_CALLBACK_MODE_PUMPED,
    }
}

fn on_thread(w: &Worker) -> bool {
    w.handle.thread().id() == std::thread::current().id()
}

/// Stops the dispatcher thread (if any) and returns the workers to join,
/// outside the lock. A thread stopped from one of its own callbacks is kept
/// in `stopping` and exits when that callback returns.
fn stop_worker(d: &mut Dispatch) -> Vec<Worker> {
    let mut join = Vec::new();
    if let Some(w) = d.worker.take() {
        w.stop.store(true, Ordering::SeqCst);
        let _ = CHANNEL.0.send(Job::Wake);
        d.stopping.push(w);
    }
    let mut keep = Vec::new();
    for w in d.stopping.drain(..) {
        if on_thread(&w) {
            keep.push(w);
        } else {
            join.push(w);
        }
    }
    d.stopping = keep;
    join
}

fn join_all(workers: Vec<Worker>) {
    for w in workers {
        let _ = w.handle.join();
    }
}

/// Called by `TIMInit`: delivery starts (a thread in thread mode).
pub fn start() {
    let mut d = lock(&DISPATCH);
    d.running = true;
    if d.mode == IMCORE_CALLBACK_MODE_THREAD && d.worker.is_none() {
        spawn(&mut d);
    }
}

/// Called by `TIMUninit` after the state was cleared: stops and joins the
/// dispatcher thread (which delivers what was queued before), then delivers
/// anything left (pumped mode) on the calling thread. When it returns no
/// callback runs any more. Called from a callback on the dispatcher thread,
/// it delivers the rest itself; the thread exits when that callback returns.
pub fn stop() {
    let join = stop_worker(&mut lock(&DISPATCH));
    join_all(join);
    // Wait for a pumping host thread to finish its batch (unless it is us).
    loop {
        let mut d = lock(&DISPATCH);
        let me = std::thread::current().id();
        match d.pumping {
            Some(t) if t != me => {
                drop(d);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            _ => {
                d.running = false;
                break;
            }
        }
    }
    // Everything queued is delivered here, in order.
    while let Ok(job) = CHANNEL.1.try_recv() {
        if let Job::Batch(b) = job {
            deliver(b);
        }
    }
}

/// `IMCoreSetCallbackMode`.
pub fn set_mode(mode: i32) {
    let join = {
        let mut d = lock(&DISPATCH);
        if mode == d.mode {
            return;
        }
        d.mode = mode;
        if mode == IMCORE_CALLBACK_MODE_PUMPED {
            stop_worker(&mut d)
        } else {
            // Back to thread mode. A thread that was told to stop from its
            // own callback and is still in it is simply kept.
            let me = std::thread::current().id();
            if let Some(pos) = d.stopping.iter().position(|w| w.handle.thread().id() == me) {
                let w = d.stopping.remove(pos);
                w.stop.store(false, Ordering::SeqCst);
                d.worker = Some(w);
            }
            let others: Vec<Worker> = d.stopping.drain(..).collect();
            others
        }
    };
    join_all(join);
    if mode == IMCORE_CALLBACK_MODE_THREAD {
        let mut d = lock(&DISPATCH);
        if d.running && d.worker.is_none() && d.mode == IMCORE_CALLBACK_MODE_THREAD {
            spawn(&mut d);
        }
    }
}

/// The current callback mode.
pub fn mode() -> i32 {
    lock(&DISPATCH).mode
}

/// `IMCorePollCallbacks`: delivers up to `max` batches (0 = all queued when
/// it is called) on the calling thread, in pumped mode only; returns how
/// many it delivered. A poll on another thread while one is delivering
/// returns 0.
pub fn poll(max: u32) -> u32 {
    let me = std::thread::current().id();
    let outer = {
        let mut d = lock(&DISPATCH);
        if d.mode != IMCORE_CALLBACK_MODE_PUMPED {
            return 0;
        }
        // A thread stopped from its own callback may still be delivering.
        d.stopping.retain(|w| !w.handle.is_finished());
        if !d.stopping.is_empty() {
            return 0;
        }
        match d.pumping {
            Some(t) if t != me => return 0,
            Some(_) => false,
            None => {
                d.pumping = Some(me);
                true
            }
        }
    };
    // 0 = what is queued now: batches queued while this call delivers (by
    // its callbacks or by other threads) wait for the next poll, so that a
    // poll ends even while other threads keep calling.
    let mut budget = if max == 0 {
        CHANNEL.1.len()
    } else {
        usize::MAX
    };
    let mut n = 0u32;
    while budget > 0 && (max == 0 || n < max) {
        budget -= 1;
        match CHANNEL.1.try_recv() {
            Ok(Job::Batch(b)) => {
                deliver(b);
                n += 1;
            }
            Ok(Job::Wake) => {}
            Err(_) => break,
        }
    }
    if outer {
        lock(&DISPATCH).pumping = None;
    }
    n
}

/// JSON helpers re-exported for the listener code.
pub use json::v2_id_array;

#[cfg(test)]
mod tests {
    use super::*;

    static REQUEUE: AtomicBool = AtomicBool::new(true);

    /// A callback that queues another batch each time it runs, as a host
    /// whose other threads keep calling while it polls.
    unsafe extern "C" fn requeue(
        _code: i32,
        _desc: *const c_char,
        _json: *const c_char,
        _ud: *const c_void,
    ) {
        if REQUEUE.load(Ordering::SeqCst) {
            send(vec![batch()]);
        }
    }

    fn batch() -> Cb {
        Cb::Comm {
            cb: Some(requeue),
            ud: 0,
            code: 0,
            desc: String::new(),
            json: String::new(),
        }
    }

    /// Found by the stress test (tests/reliability): `IMCorePollCallbacks(0)`
    /// delivered until the queue was empty, so while other threads (or the
    /// callbacks) kept queueing, the host's thread never got it back.
    #[test]
    fn a_poll_of_everything_ends_while_batches_keep_coming() {
        set_mode(IMCORE_CALLBACK_MODE_PUMPED);
        start();
        send(vec![batch()]);
        send(vec![batch()]);
        assert_eq!(poll(0), 2, "what was queued at the call");
        assert_eq!(poll(0), 2, "then what those callbacks queued");
        assert_eq!(poll(1), 1);
        REQUEUE.store(false, Ordering::SeqCst);
        while poll(0) > 0 {}
        stop();
        set_mode(IMCORE_CALLBACK_MODE_THREAD);
    }
}
