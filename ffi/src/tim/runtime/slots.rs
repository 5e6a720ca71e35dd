//! The registered listeners and the calls of them in progress (see the
//! runtime's module doc).

use super::lock;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;

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
    /// `TIMSetMsgRevokeCallback`.
    pub revoke: Slot,
    /// `TIMSetMsgUpdateCallback`.
    pub msg_update: Slot,
    /// `TIMSetMsgAllMessageReceiveOptionCallback`.
    pub all_recv_opt: Slot,
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
pub(super) struct Calling(InCall);

impl Calling {
    /// Looks the listener up and records its call, atomically: a setter
    /// that runs before sees it gone, one that runs after waits for it.
    pub(super) fn begin(
        slot: usize,
        pick: impl FnOnce(&Listeners) -> Slot,
    ) -> Option<(usize, usize, Self)> {
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
