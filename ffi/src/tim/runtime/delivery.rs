//! The queue of callback batches and whoever delivers it: the dispatcher
//! thread, `IMCorePollCallbacks`, `TIMUninit` or a call before `TIMInit`
//! (see the runtime's module doc).

use super::callbacks::{deliver, Cb};
use super::lock;
use super::slots::LISTENERS;
use crate::*;
use once_cell::sync::Lazy;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::{c_char, c_void};
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
