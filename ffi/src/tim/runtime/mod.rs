//! The C face's global state and callback delivery (`slots`: the
//! registered listeners; `delivery`: the queue and who delivers it;
//! `callbacks`: one callback and how it is called).
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

mod callbacks;
mod delivery;
mod slots;

pub(crate) use callbacks::heard;
pub use callbacks::Cb;
pub use delivery::{finish, halt, log, mode, poll, send, set_mode, start, Halted, IDLE};
pub use slots::{add_new_msg, has_outbound, remove_new_msg, set_slot, Listeners, Slot, LISTENERS};

use crate::*;
use imcore::{ConversationFilter, Engine};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

pub use crate::lock;

// ---------------------------------------------------------------- state --

/// What `TIMInit` set up.
#[derive(Debug, Clone)]
pub struct Init {
    /// The app id.
    pub sdk_app_id: u64,
    /// Where the stores live.
    pub data_dir: PathBuf,
    /// `imcore_revoked_messages_count`: a revoked unread message still
    /// counts ([`imcore::EngineConfig::revoked_messages_count`]).
    pub revoked_messages_count: bool,
    /// `imcore_count_marked_unread_as_one`: a conversation marked unread
    /// counts 1 when its count is 0
    /// ([`imcore::EngineConfig::count_marked_unread_as_one`]).
    pub count_marked_unread_as_one: bool,
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
    pub(crate) own_sends: crate::notify::OwnSends,
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
    /// Publishes the state for [`check_init`] / [`check_logged_in`]; called
    /// after every change of `init` or `session`, with the lock held.
    pub fn publish(&self) {
        let stage = match (&self.init, &self.session) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => 2,
        };
        STAGE.store(stage, Ordering::Release);
    }

    /// The session, or the refusal for "not initialised" / "not logged in".
    pub fn session(&mut self) -> boundary::Checked<&mut Session> {
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

/// Refuses unless initialised and logged in: a quick check before an
/// export parses its arguments, without taking [`CORE`] (it reads
/// [`STAGE`]); the operation checks again under the lock.
pub fn check_logged_in() -> boundary::Checked<()> {
    match STAGE.load(Ordering::Acquire) {
        0 => Err(not_init()),
        1 => Err(boundary::Reject::new(
            TIM_ERR_NOTLOGIN,
            "no user is logged in",
        )),
        _ => Ok(()),
    }
}

/// What [`CORE`] holds, for checks that do not take it: 0 not initialised,
/// 1 initialised, 2 logged in. Written by [`Core::publish`] with the lock
/// held after every change of `init` or `session`.
static STAGE: AtomicU8 = AtomicU8::new(0);

fn not_init() -> boundary::Reject {
    boundary::Reject::new(TIM_ERR_SDKUNINIT, "TIMInit has not been called")
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

/// Refuses unless initialised (without taking [`CORE`], as
/// [`check_logged_in`]).
pub fn check_init() -> boundary::Checked<()> {
    match STAGE.load(Ordering::Acquire) {
        0 => Err(not_init()),
        _ => Ok(()),
    }
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
) -> boundary::Checked<i32> {
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
pub fn op_batch(f: impl FnOnce(&mut Session) -> Vec<Cb>) -> boundary::Checked<i32> {
    op_batch_try(|s| Ok(f(s)))
}

/// As [`op_batch`], but `f` may refuse the call before it changes anything:
/// its refusal is the call's return value (and `IMCoreGetLastError`).
pub fn op_batch_try(
    f: impl FnOnce(&mut Session) -> boundary::Checked<Vec<Cb>>,
) -> boundary::Checked<i32> {
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
