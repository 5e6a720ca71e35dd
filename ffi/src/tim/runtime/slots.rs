//! The registered listeners and the calls of them in progress (see the
//! runtime's module doc).

use super::lock;
use crate::boundary::host::{
    BareFn, HostFn, IntFn, IntStrFn, NetFn, Registered, StrFn, StrIntFn, StrStrFn,
};
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;

// ------------------------------------------------------------ listeners --

/// A registered callback of type `F` (see `boundary::host`), or none.
pub type Slot<F> = Option<Registered<F>>;

/// Every registered listener.
#[derive(Default)]
pub struct Listeners {
    /// `TIMSetConvEventCallback`.
    pub conv_event: Slot<IntStrFn>,
    /// `TIMSetConvTotalUnreadMessageCountChangedCallback`.
    pub total_unread: Slot<IntFn>,
    /// `TIMSetConvUnreadMessageCountChangedByFilterCallback`.
    pub filter_unread: Slot<StrIntFn>,
    /// Conversation-group callbacks.
    pub group_created: Slot<StrStrFn>,
    /// Group deleted.
    pub group_deleted: Slot<StrFn>,
    /// Group renamed.
    pub group_renamed: Slot<StrStrFn>,
    /// Conversations added to a group.
    pub group_added: Slot<StrStrFn>,
    /// Conversations removed from a group.
    pub group_removed: Slot<StrStrFn>,
    /// `TIMAddRecvNewMsgCallback`: several, deduplicated by function.
    pub new_msg: Vec<Registered<StrFn>>,
    /// `TIMSetMsgReadedReceiptCallback`.
    pub receipt: Slot<StrFn>,
    /// `TIMSetNetworkStatusListenerCallback`.
    pub network: Slot<NetFn>,
    /// `TIMSetKickedOfflineCallback`.
    pub kicked: Slot<BareFn>,
    /// `TIMSetUserSigExpiredCallback`.
    pub sig_expired: Slot<BareFn>,
    /// `TIMSetLogCallback`.
    pub log: Slot<IntStrFn>,
    /// `TIMSetExperimentalNotifyCallback`.
    pub experimental: Slot<StrStrFn>,
    /// `IMCoreSetOutboundCallback`.
    pub outbound: Slot<StrFn>,
    /// Listeners imcore has no events for, by setter name, with their user
    /// data: stored, never called.
    pub unfired: HashMap<&'static str, usize>,
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
pub(super) const NEW_MSG: usize = std::mem::offset_of!(Listeners, new_msg);

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
pub fn set_slot<F: HostFn>(select: impl FnOnce(&mut Listeners) -> &mut Slot<F>, new: Slot<F>) {
    let mut l = lock(&LISTENERS);
    let base = &*l as *const Listeners as usize;
    let field = select(&mut l);
    let slot = field as *const Slot<F> as usize - base;
    if std::mem::replace(field, new) != new {
        wait_idle(l, slot, None);
    }
}

/// Adds a new-message listener, or replaces the user data of one added
/// with the same function (waiting, as [`set_slot`], for a call of it in
/// progress).
pub fn add_new_msg(r: Registered<StrFn>) {
    let mut l = lock(&LISTENERS);
    match l.new_msg.iter_mut().find(|g| g.addr() == r.addr()) {
        Some(entry) => {
            if std::mem::replace(entry, r) != r {
                wait_idle(l, NEW_MSG, Some(r.addr()));
            }
        }
        None => l.new_msg.push(r),
    }
}

/// Removes a new-message listener; when it returns that listener is not
/// running (unless the caller is that listener) and never called again.
pub fn remove_new_msg(f: StrFn) {
    let mut l = lock(&LISTENERS);
    l.new_msg.retain(|g| g.addr() != f.addr());
    wait_idle(l, NEW_MSG, Some(f.addr()));
}

/// Whether an outbound callback is registered.
pub fn has_outbound() -> bool {
    lock(&LISTENERS).outbound.is_some()
}

/// A listener call in progress; dropping it ends the call.
pub(super) struct Calling(InCall);

impl Calling {
    /// Looks the listener up and records its call, atomically: a setter
    /// that runs before sees it gone, one that runs after waits for it.
    pub(super) fn begin<F: HostFn>(
        slot: usize,
        pick: impl FnOnce(&Listeners) -> Slot<F>,
    ) -> Option<(Registered<F>, Self)> {
        let mut l = lock(&LISTENERS);
        let r = pick(&l)?;
        let call = InCall {
            slot,
            addr: r.addr(),
            thread: std::thread::current().id(),
        };
        l.running.push(call);
        Some((r, Calling(call)))
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
