//! Global state and callback delivery.
//!
//! - [`CORE`]: whether `TIMInit` ran (app id, data directory) and the
//!   logged-in [`Session`] (its engine). Every engine operation runs with
//!   this lock held, drains the engine's change batches, turns them into
//!   callbacks and enqueues them *and then* its result callback, all before
//!   releasing it: callbacks arrive in the order operations committed.
//!   `TIMInit` and `TIMUninit` switch delivery on and off ([`start`],
//!   [`halt`]) under this lock too, so "initialised" and "delivery running"
//!   never disagree, whatever the interleaving of threads.
//! - The queue: one FIFO of batches (one batch = one operation's
//!   callbacks). Whoever delivers takes the *turn* first: the dispatcher
//!   thread (thread mode), `IMCorePollCallbacks` (pumped mode), `TIMUninit`
//!   (what is left) or a call made before `TIMInit`. One thread holds the
//!   turn at a time and pops batches from the front, so callbacks are never
//!   concurrent and always in order, in every mode and across every switch.
//!   The turn is a flag, not a held lock: no lock is held while a callback
//!   runs, so a callback may call any imcore function, including
//!   `TIMUninit` and `IMCoreSetCallbackMode` (a call from a callback that
//!   delivers continues on the same turn, nested).
//! - The dispatcher thread is started when there is something to deliver
//!   and ends after [`IDLE`] without work, so it never keeps a host's
//!   process alive (Mono waits at exit for every thread that called into it).
//! - [`LISTENERS`]: the registered listeners, read when a callback is
//!   delivered (not when it is queued). A call in progress is recorded;
//!   a setter or remover waits until a call of the listener it replaces has
//!   returned (unless it is called from inside that call), so once it
//!   returns the old listener is neither running nor called again.

use crate::json::{self};
use crate::*;
use imcore::{ConversationFilter, Engine};
use once_cell::sync::Lazy;
use std::collections::VecDeque;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

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

/// Test and fuzzing hook, not part of the C ABI: the logged-in engine's
/// visible conversations (every field) and total, as text, so that a test can
/// tell whether a refused call changed anything. `None` when logged out.
#[doc(hidden)]
pub fn debug_state() -> Option<String> {
    let core = lock(&CORE);
    core.session.as_ref().map(|s| {
        format!(
            "total {} {:?}",
            s.engine.total_unread(),
            s.engine.all_conversations()
        )
    })
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
    op_batch_try(|s| Ok(f(s)))
}

/// As [`op_batch`], but `f` may refuse the call before it changes anything:
/// its refusal is the call's return value (and `IMCoreGetLastError`).
pub fn op_batch_try(
    f: impl FnOnce(&mut Session) -> boundary::Sync<Vec<Cb>>,
) -> boundary::Sync<i32> {
    let mut core = lock(&CORE);
    let session = core.session()?;
    let batch = f(session)?;
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
    /// Listener calls in progress (a stack: a callback may deliver nested).
    running: Vec<InCall>,
}

/// A listener call in progress: which slot (its offset in [`Listeners`]),
/// which function, on which thread.
#[derive(Clone, Copy, PartialEq, Eq)]
struct InCall {
    slot: usize,
    addr: usize,
    thread: ThreadId,
}

/// The registered listeners.
pub static LISTENERS: Lazy<Mutex<Listeners>> = Lazy::new(|| Mutex::new(Listeners::default()));

/// Signalled when a listener call ends (a setter may be waiting for it).
static CALL_ENDED: Condvar = Condvar::new();

/// The slot of the new-message listeners (they are told apart by function).
const NEW_MSG: usize = std::mem::offset_of!(Listeners, new_msg);

/// Waits until no call of the listener `slot` (and, when given, function
/// `addr`) is in progress on another thread. A call on this thread is the
/// caller itself (a listener changing listeners from inside): not waited for.
fn wait_idle(mut l: MutexGuard<'_, Listeners>, slot: usize, addr: Option<usize>) {
    if l.running.is_empty() {
        return;
    }
    let me = std::thread::current().id();
    while l
        .running
        .iter()
        .any(|c| c.slot == slot && addr.is_none_or(|a| a == c.addr) && c.thread != me)
    {
        l = CALL_ENDED.wait(l).unwrap_or_else(|e| e.into_inner());
    }
}

/// Stores (or with `None`, removes) a listener. When it returns, the
/// listener it replaced is not running (unless the caller is that
/// listener) and is never called again. Setting the same function and
/// user data again replaces nothing and does not wait.
pub fn set_slot(select: impl FnOnce(&mut Listeners) -> &mut Slot, f: Option<usize>, ud: usize) {
    let mut l = lock(&LISTENERS);
    let base = &*l as *const Listeners as usize;
    let field = select(&mut l);
    let slot = field as *const Slot as usize - base;
    let new = f.map(|f| (f, ud));
    if std::mem::replace(field, new) != new {
        wait_idle(l, slot, None);
    }
}

/// Adds a new-message listener, or replaces the user data of one added
/// with the same function (waiting, as [`set_slot`], for a call of it in
/// progress).
pub fn add_new_msg(f: usize, ud: usize) {
    let mut l = lock(&LISTENERS);
    match l.new_msg.iter_mut().find(|(g, _)| *g == f) {
        Some(entry) => {
            if std::mem::replace(&mut entry.1, ud) != ud {
                wait_idle(l, NEW_MSG, Some(f));
            }
        }
        None => l.new_msg.push((f, ud)),
    }
}

/// Removes a new-message listener; when it returns that listener is not
/// running (unless the caller is that listener) and never called again.
pub fn remove_new_msg(f: usize) {
    let mut l = lock(&LISTENERS);
    l.new_msg.retain(|(g, _)| *g != f);
    wait_idle(l, NEW_MSG, Some(f));
}

/// Whether an outbound callback is registered.
pub fn has_outbound() -> bool {
    lock(&LISTENERS).outbound.is_some()
}

/// A listener call in progress; dropping it ends the call.
struct Calling(InCall);

impl Calling {
    /// Looks the listener up and records its call, atomically: a setter
    /// that runs before sees it gone, one that runs after waits for it.
    fn begin(slot: usize, pick: impl FnOnce(&Listeners) -> Slot) -> Option<(usize, usize, Self)> {
        let mut l = lock(&LISTENERS);
        let (addr, ud) = pick(&l)?;
        let call = InCall {
            slot,
            addr,
            thread: std::thread::current().id(),
        };
        l.running.push(call);
        Some((addr, ud, Calling(call)))
    }
}

impl Drop for Calling {
    fn drop(&mut self) {
        let mut l = lock(&LISTENERS);
        if let Some(i) = l.running.iter().rposition(|c| *c == self.0) {
            l.running.remove(i);
        }
        drop(l);
        CALL_ENDED.notify_all();
    }
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

/// Calls one callback. The listener is looked up now and its call recorded
/// (see [`Calling`]); no lock is held during the call; every string lives
/// until the call returns.
fn deliver_one(cb: Cb) {
    macro_rules! fire {
        ($slot:ident, $ty:ty, |$f:ident, $ud:ident| $call:expr) => {
            if let Some((addr, ud, _calling)) =
                Calling::begin(std::mem::offset_of!(Listeners, $slot), |l| l.$slot)
            {
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
            let targets: Vec<usize> = lock(&LISTENERS).new_msg.iter().map(|t| t.0).collect();
            for f in targets {
                // Each one looked up again: one removed meanwhile (by an
                // earlier listener of this batch, or another thread) is skipped.
                let Some((addr, ud, _calling)) =
                    Calling::begin(NEW_MSG, |l| l.new_msg.iter().find(|t| t.0 == f).copied())
                else {
                    continue;
                };
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

/// How long the dispatcher thread waits for work before it ends (the next
/// batch starts another): an idle imcore has no thread that could keep a
/// host's process from exiting.
pub const IDLE: Duration = Duration::from_millis(200);

/// One queued batch and its place in the queue.
struct Queued {
    seq: u64,
    batch: Vec<Cb>,
}

#[derive(Default)]
struct Dispatch {
    /// Between TIMInit and TIMUninit (changed with [`CORE`] held).
    running: bool,
    /// 0 thread, 1 pumped.
    mode: i32,
    /// Batches not delivered yet, oldest first.
    queue: VecDeque<Queued>,
    /// The number of the next batch queued.
    next_seq: u64,
    /// The dispatcher thread (thread mode, while it has work); a thread
    /// that is not this one any more ends after its current batch.
    worker: Option<ThreadId>,
    /// Every dispatcher thread not joined yet (the current one and the
    /// ended or ending ones).
    threads: Vec<JoinHandle<()>>,
    /// The thread that delivers now (has the turn), and how deeply (a
    /// callback that delivers again, nested, on the same thread).
    turn: Option<ThreadId>,
    depth: usize,
}

static DISPATCH: Lazy<Mutex<Dispatch>> = Lazy::new(|| Mutex::new(Dispatch::default()));

/// Signalled when a batch is queued, the turn is released, or the worker
/// is told to stop.
static DISPATCH_CHANGED: Condvar = Condvar::new();

fn wait(d: MutexGuard<'static, Dispatch>) -> MutexGuard<'static, Dispatch> {
    DISPATCH_CHANGED.wait(d).unwrap_or_else(|e| e.into_inner())
}

/// Takes the turn for this thread: at once when free or already ours
/// (nested); else waits for it when `block`, or gives up (`false`).
fn take_turn(
    mut d: MutexGuard<'static, Dispatch>,
    block: bool,
) -> (MutexGuard<'static, Dispatch>, bool) {
    let me = std::thread::current().id();
    loop {
        match d.turn {
            None => {
                d.turn = Some(me);
                d.depth = 1;
                return (d, true);
            }
            Some(t) if t == me => {
                d.depth += 1;
                return (d, true);
            }
            Some(_) if !block => return (d, false),
            Some(_) => d = wait(d),
        }
    }
}

fn release_turn(d: &mut Dispatch) {
    d.depth -= 1;
    if d.depth == 0 {
        d.turn = None;
        DISPATCH_CHANGED.notify_all();
    }
}

/// With the turn: delivers the oldest batch (if it is not newer than
/// `until`) without holding the lock. Returns whether it delivered.
fn deliver_front(
    mut d: MutexGuard<'static, Dispatch>,
    until: u64,
) -> (MutexGuard<'static, Dispatch>, bool) {
    if d.queue.front().is_none_or(|q| q.seq > until) {
        return (d, false);
    }
    let Some(q) = d.queue.pop_front() else {
        return (d, false);
    };
    drop(d);
    deliver(q.batch);
    (lock(&DISPATCH), true)
}

/// Queues a batch (and, in thread mode, makes sure a thread delivers it);
/// returns its number.
fn enqueue(d: &mut Dispatch, batch: Vec<Cb>) -> u64 {
    let seq = d.next_seq;
    d.next_seq += 1;
    d.queue.push_back(Queued { seq, batch });
    if d.mode == IMCORE_CALLBACK_MODE_THREAD && d.worker.is_none() {
        spawn(d);
    }
    DISPATCH_CHANGED.notify_all();
    seq
}

/// Queues a batch. Before `TIMInit` (or after `TIMUninit`) there is no
/// delivery running: the batch is delivered at once on the calling thread,
/// after anything still being delivered (only the calls allowed then,
/// `callExperimentalAPI` and `TIMSetConfig`, do that, and they hold no lock).
pub fn send(batch: Vec<Cb>) {
    if batch.is_empty() {
        return;
    }
    let mut d = lock(&DISPATCH);
    if d.running {
        enqueue(&mut d, batch);
        return;
    }
    let seq = d.next_seq;
    d.next_seq += 1;
    d.queue.push_back(Queued { seq, batch });
    let (mut d, _) = take_turn(d, true);
    loop {
        let (next, delivered) = deliver_front(d, seq);
        d = next;
        if !delivered {
            break;
        }
    }
    release_turn(&mut d);
}

/// Queues one log line for the log callback (dropped when not initialised
/// or no log callback is set).
pub fn log(level: i32, text: &str) {
    if lock(&LISTENERS).log.is_none() {
        return;
    }
    let mut d = lock(&DISPATCH);
    if d.running {
        enqueue(&mut d, vec![Cb::Log(level, text.to_owned())]);
    }
}

/// Starts a dispatcher thread (thread mode, delivery running, work queued).
fn spawn(d: &mut Dispatch) {
    d.threads.retain(|h| !h.is_finished());
    let handle = std::thread::Builder::new()
        .name("imcore-dispatch".into())
        .spawn(dispatcher);
    match handle {
        Ok(handle) => {
            d.worker = Some(handle.thread().id());
            d.threads.push(handle);
        }
        // No thread could be started: fall back to pumped delivery so that
        // nothing is lost; the host sees mode 1.
        Err(_) => d.mode = IMCORE_CALLBACK_MODE_PUMPED,
    }
}

/// The dispatcher thread: delivers batches while it is the worker, ends
/// when told to (after its current batch) or after [`IDLE`] without work.
fn dispatcher() {
    let me = std::thread::current().id();
    let mut d = lock(&DISPATCH);
    loop {
        if d.worker != Some(me) {
            break;
        }
        if d.turn.is_none() && !d.queue.is_empty() {
            let (next, _) = take_turn(d, false);
            let (next, _) = deliver_front(next, u64::MAX);
            d = next;
            release_turn(&mut d);
            continue;
        }
        let (next, timeout) = DISPATCH_CHANGED
            .wait_timeout(d, IDLE)
            .unwrap_or_else(|e| e.into_inner());
        d = next;
        if timeout.timed_out() && d.queue.is_empty() && d.worker == Some(me) {
            d.worker = None;
            break;
        }
    }
}

/// Joins dispatcher threads, except this one (a thread stopped from one of
/// its own callbacks ends when that callback returns).
fn join_all(threads: Vec<JoinHandle<()>>) {
    let me = std::thread::current().id();
    for h in threads {
        if h.thread().id() != me {
            let _ = h.join();
        }
    }
}

/// Called by `TIMInit` with [`CORE`] held: delivery starts.
pub fn start() {
    let mut d = lock(&DISPATCH);
    d.running = true;
    if d.mode == IMCORE_CALLBACK_MODE_THREAD && d.worker.is_none() && !d.queue.is_empty() {
        spawn(&mut d);
    }
}

/// What [`halt`] hands to [`finish`]: the threads to join and the last
/// batch queued before delivery stopped.
#[must_use]
pub struct Halted {
    threads: Vec<JoinHandle<()>>,
    until: Option<u64>,
}

/// Called by `TIMUninit` with [`CORE`] held, after its last batch was
/// queued: delivery stops (the thread ends after its current batch).
pub fn halt() -> Halted {
    let mut d = lock(&DISPATCH);
    d.running = false;
    d.worker = None;
    DISPATCH_CHANGED.notify_all();
    Halted {
        threads: std::mem::take(&mut d.threads),
        until: d.next_seq.checked_sub(1),
    }
}

/// Called by `TIMUninit` without a lock after [`halt`]: joins the
/// dispatcher thread, then delivers on the calling thread, in order, what
/// was queued before the halt and is still queued. When it returns, every
/// such callback has returned. Called from a callback, it delivers the rest
/// itself (nested); the thread ends when that callback returns.
pub fn finish(h: Halted) {
    join_all(h.threads);
    let Some(until) = h.until else { return };
    let (mut d, _) = take_turn(lock(&DISPATCH), true);
    loop {
        let (next, delivered) = deliver_front(d, until);
        d = next;
        if !delivered {
            break;
        }
    }
    release_turn(&mut d);
}

/// `IMCoreSetCallbackMode`. To pumped: the dispatcher thread ends after its
/// current batch and is joined (unless this is it). To thread: a thread
/// starts for what is queued.
pub fn set_mode(mode: i32) {
    let join = {
        let mut d = lock(&DISPATCH);
        if mode == d.mode {
            return;
        }
        d.mode = mode;
        if mode == IMCORE_CALLBACK_MODE_PUMPED {
            d.worker = None;
            DISPATCH_CHANGED.notify_all();
            std::mem::take(&mut d.threads)
        } else {
            if d.running && !d.queue.is_empty() {
                spawn(&mut d);
            }
            Vec::new()
        }
    };
    join_all(join);
}

/// The current callback mode.
pub fn mode() -> i32 {
    lock(&DISPATCH).mode
}

/// `IMCorePollCallbacks`: delivers up to `max` batches (0 = all queued when
/// it is called) on the calling thread, in pumped mode only; returns how
/// many it delivered. While another thread delivers (another poll,
/// `TIMUninit`, a dispatcher thread finishing its batch) it returns 0.
pub fn poll(max: u32) -> u32 {
    let d = lock(&DISPATCH);
    if d.mode != IMCORE_CALLBACK_MODE_PUMPED {
        return 0;
    }
    let (mut d, mine) = take_turn(d, false);
    if !mine {
        return 0;
    }
    // 0 = what is queued now: batches queued while this call delivers (by
    // its callbacks or by other threads) wait for the next poll, so that a
    // poll ends even while other threads keep calling.
    let mut budget = if max == 0 { d.queue.len() } else { usize::MAX };
    let mut n = 0u32;
    while budget > 0 && (max == 0 || n < max) && d.mode == IMCORE_CALLBACK_MODE_PUMPED {
        budget -= 1;
        let (next, delivered) = deliver_front(d, u64::MAX);
        d = next;
        if !delivered {
            break;
        }
        n += 1;
    }
    release_turn(&mut d);
    n
}

/// JSON helpers re-exported for the listener code.
pub use json::v2_id_array;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

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
        finish(halt());
        set_mode(IMCORE_CALLBACK_MODE_THREAD);
    }
}
