//! Listeners (foreign traits) and the handles that unregister them.
//!
//! Every listener method is called on the client's dispatcher thread, one
//! call at a time, in the order the operations happened, and never while
//! imcore holds a lock: a listener may call the client back (except
//! `close`, which then does not wait for the thread). An exception thrown
//! by a listener is caught and reported on stderr; later calls go on.

use super::types::UnreadStatus;
use super::types::{
    Conversation, ConversationFilter, ConversationGroup, MessageInfo, MessageReceipt,
    OutboundEnvelope,
};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread::ThreadId;

/// Conversation events (NIM `V2NIMConversationListener`).
#[uniffi::export(callback_interface)]
pub trait ConversationListener: Send + Sync {
    /// The host reported that server sync started.
    fn on_sync_started(&self);
    /// The host reported that server sync finished.
    fn on_sync_finished(&self);
    /// The host reported that server sync failed, with its reason.
    fn on_sync_failed(&self, reason: String);
    /// A conversation appeared (created, first message, or back after a delete).
    fn on_conversation_created(&self, conversation: Conversation);
    /// Conversations were deleted (their V2 ids).
    fn on_conversation_deleted(&self, conversation_ids: Vec<String>);
    /// Conversations changed (unread, last message, pin, marks, …).
    fn on_conversation_changed(&self, conversations: Vec<Conversation>);
    /// The total unread count changed (muted conversations left out).
    /// Silent until `getTotalUnreadCount` was called once in this login.
    fn on_total_unread_count_changed(&self, unread_count: u64);
    /// A subscribed filter's total changed; `filter` is as subscribed.
    fn on_unread_count_changed_by_filter(&self, filter: ConversationFilter, unread_count: u64);
    /// Another of my devices moved a read position: C2C read time in
    /// seconds, or a group's read sequence.
    fn on_conversation_read_time_updated(&self, conversation_id: String, read_time: u64);
}

/// Conversation-group events (NIM `V2NIMConversationGroupListener`).
#[uniffi::export(callback_interface)]
pub trait ConversationGroupListener: Send + Sync {
    /// A group was created with these conversations.
    fn on_conversation_group_created(
        &self,
        group: ConversationGroup,
        conversation_ids: Vec<String>,
    );
    /// A group was deleted (its name).
    fn on_conversation_group_deleted(&self, group_name: String);
    /// A group was renamed or its extension changed (its name before).
    fn on_conversation_group_changed(&self, old_group_name: String, group: ConversationGroup);
    /// Conversations were added to a group.
    fn on_conversations_added_to_group(&self, group_name: String, conversation_ids: Vec<String>);
    /// Conversations were removed from a group.
    fn on_conversations_removed_from_group(
        &self,
        group_name: String,
        conversation_ids: Vec<String>,
    );
}

/// New messages (NIM `V2NIMMessageListener.onReceiveMessages`).
#[uniffi::export(callback_interface)]
pub trait MessageListener: Send + Sync {
    /// Messages newly stored by `receiveMessages` (or online-only ones).
    fn on_receive_messages(&self, messages: Vec<MessageInfo>);
}

/// Read receipts of my messages.
#[uniffi::export(callback_interface)]
pub trait ReceiptListener: Send + Sync {
    /// Receipts applied by `receiveReceipts`: one per message (or C2C
    /// conversation) whose read state changed.
    fn on_receive_receipts(&self, receipts: Vec<MessageReceipt>);
}

/// The unread totals with what a badge needs beyond the count: the mention
/// total and whether the total is synced (`typed/unread_extras.rs`).
#[uniffi::export(callback_interface)]
pub trait UnreadStatusListener: Send + Sync {
    /// The total, the mention total or the synced flag changed; also once
    /// when the first sync of the login finishes (`synced` becomes true,
    /// the total the same or new). Until then the total may lag behind
    /// the server: an app may show it as provisional instead of a 0.
    fn on_unread_status_changed(&self, status: UnreadStatus);
    /// A subscribed filter's unread mention total changed (subscribe with
    /// `subscribeUnreadCountByFilter`); `filter` is as subscribed.
    fn on_unread_mention_count_changed_by_filter(&self, filter: ConversationFilter, count: u64);
}

/// The host's transport: imcore hands it every envelope that must reach the
/// server, one call each, in order, on the dispatcher thread. The host
/// answers each with `ImClient.ackOutbound` (from any thread, at any time,
/// also from inside `send`); a refusal (non-zero code) undoes the change the
/// envelope announced. Envelopes stay in the store's outbox until
/// acknowledged and are handed over again after the next login.
#[uniffi::export(callback_interface)]
pub trait OutboundTransport: Send + Sync {
    /// Deliver one envelope to the server.
    fn send(&self, envelope: OutboundEnvelope);
}

/// Message-lifecycle events: revokes, edits, the global receive option.
#[uniffi::export(callback_interface)]
pub trait MessageLifecycleListener: Send + Sync {
    /// Messages revoked by the server's word (the sender, an admin, another
    /// of my devices; not this device's own `revokeMessage`), once each.
    fn on_messages_revoked(&self, revoked: Vec<super::types::RevokedMessageInfo>);
    /// Messages whose content was edited, as they are now.
    fn on_messages_modified(&self, messages: Vec<MessageInfo>);
    /// The global receive option changed.
    fn on_all_receive_option_changed(&self, option: super::types::AllReceiveOption);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Conversation,
    Group,
    Message,
    Receipt,
    UnreadStatus,
    Lifecycle,
}

/// The listeners of one client. The dispatcher looks each listener up just
/// before calling it (a clone of its `Arc`, so no lock is held while it
/// runs) and records the call; [`Registry::remove`] waits for a recorded
/// call of the listener it removes, so once a handle's `close` returns the
/// listener is not running (unless `close` was called from inside it) and
/// is never called again, later listeners of the same event included.
#[derive(Default)]
pub(crate) struct Registry {
    lists: Mutex<Lists>,
    /// Signalled when a listener call ends.
    call_ended: Condvar,
}

#[derive(Default)]
struct Lists {
    next_id: u64,
    conversation: Vec<(u64, Arc<dyn ConversationListener>)>,
    group: Vec<(u64, Arc<dyn ConversationGroupListener>)>,
    message: Vec<(u64, Arc<dyn MessageListener>)>,
    receipt: Vec<(u64, Arc<dyn ReceiptListener>)>,
    unread_status: Vec<(u64, Arc<dyn UnreadStatusListener>)>,
    lifecycle: Vec<(u64, Arc<dyn MessageLifecycleListener>)>,
    transport: Option<Arc<dyn OutboundTransport>>,
    /// Listener calls in progress: kind, id, thread.
    running: Vec<(Kind, u64, ThreadId)>,
}

/// Registered listeners of one kind with their ids.
type Entries<T> = Vec<(u64, Arc<T>)>;

/// A recorded listener call; dropping it ends the call.
struct Calling<'a> {
    registry: &'a Registry,
    call: (Kind, u64, ThreadId),
}

impl Drop for Calling<'_> {
    fn drop(&mut self) {
        let mut l = self.registry.lists();
        if let Some(i) = l.running.iter().rposition(|c| *c == self.call) {
            l.running.remove(i);
        }
        drop(l);
        self.registry.call_ended.notify_all();
    }
}

impl Registry {
    fn lists(&self) -> std::sync::MutexGuard<'_, Lists> {
        self.lists.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next(l: &mut Lists) -> u64 {
        l.next_id += 1;
        l.next_id
    }

    pub fn add_conversation(&self, x: Arc<dyn ConversationListener>) -> u64 {
        let mut l = self.lists();
        let id = Self::next(&mut l);
        l.conversation.push((id, x));
        id
    }

    pub fn add_group(&self, x: Arc<dyn ConversationGroupListener>) -> u64 {
        let mut l = self.lists();
        let id = Self::next(&mut l);
        l.group.push((id, x));
        id
    }

    pub fn add_message(&self, x: Arc<dyn MessageListener>) -> u64 {
        let mut l = self.lists();
        let id = Self::next(&mut l);
        l.message.push((id, x));
        id
    }

    pub fn add_receipt(&self, x: Arc<dyn ReceiptListener>) -> u64 {
        let mut l = self.lists();
        let id = Self::next(&mut l);
        l.receipt.push((id, x));
        id
    }

    pub fn add_unread_status(&self, x: Arc<dyn UnreadStatusListener>) -> u64 {
        let mut l = self.lists();
        let id = Self::next(&mut l);
        l.unread_status.push((id, x));
        id
    }

    pub fn add_lifecycle(&self, x: Arc<dyn MessageLifecycleListener>) -> u64 {
        let mut l = self.lists();
        let id = Self::next(&mut l);
        l.lifecycle.push((id, x));
        id
    }

    /// Removes a listener; returns whether it was registered. When it
    /// returns, a call of that listener in progress on another thread has
    /// returned (one on this thread is the caller itself: not waited for).
    pub fn remove(&self, kind: Kind, id: u64) -> bool {
        let mut l = self.lists();
        fn drop_id<T: ?Sized>(v: &mut Vec<(u64, Arc<T>)>, id: u64) -> bool {
            let before = v.len();
            v.retain(|(i, _)| *i != id);
            v.len() != before
        }
        let found = match kind {
            Kind::Conversation => drop_id(&mut l.conversation, id),
            Kind::Group => drop_id(&mut l.group, id),
            Kind::Message => drop_id(&mut l.message, id),
            Kind::Receipt => drop_id(&mut l.receipt, id),
            Kind::UnreadStatus => drop_id(&mut l.unread_status, id),
            Kind::Lifecycle => drop_id(&mut l.lifecycle, id),
        };
        let me = std::thread::current().id();
        while l
            .running
            .iter()
            .any(|c| c.0 == kind && c.1 == id && c.2 != me)
        {
            l = self.call_ended.wait(l).unwrap_or_else(|e| e.into_inner());
        }
        found
    }

    /// Calls `f` with each listener of a list, each looked up just before
    /// its call (one removed meanwhile is skipped) and its call recorded.
    fn each<T: ?Sized>(
        &self,
        kind: Kind,
        pick: fn(&Lists) -> &Entries<T>,
        mut f: impl FnMut(&Arc<T>),
    ) {
        let ids: Vec<u64> = pick(&self.lists()).iter().map(|x| x.0).collect();
        let me = std::thread::current().id();
        for id in ids {
            let listener = {
                let mut l = self.lists();
                let Some(x) = pick(&l).iter().find(|x| x.0 == id).map(|x| x.1.clone()) else {
                    continue;
                };
                l.running.push((kind, id, me));
                x
            };
            let _calling = Calling {
                registry: self,
                call: (kind, id, me),
            };
            f(&listener);
        }
    }

    /// Calls `f` with each conversation listener (see [`Registry::each`]).
    pub fn each_conversation(&self, f: impl FnMut(&Arc<dyn ConversationListener>)) {
        self.each(Kind::Conversation, |l| &l.conversation, f);
    }

    /// Calls `f` with each conversation-group listener.
    pub fn each_group(&self, f: impl FnMut(&Arc<dyn ConversationGroupListener>)) {
        self.each(Kind::Group, |l| &l.group, f);
    }

    /// Calls `f` with each message listener.
    pub fn each_message(&self, f: impl FnMut(&Arc<dyn MessageListener>)) {
        self.each(Kind::Message, |l| &l.message, f);
    }

    /// Calls `f` with each receipt listener.
    pub fn each_receipt(&self, f: impl FnMut(&Arc<dyn ReceiptListener>)) {
        self.each(Kind::Receipt, |l| &l.receipt, f);
    }

    /// Calls `f` with each unread-status listener.
    pub fn each_unread_status(&self, f: impl FnMut(&Arc<dyn UnreadStatusListener>)) {
        self.each(Kind::UnreadStatus, |l| &l.unread_status, f);
    }

    /// Calls `f` with each message-lifecycle listener.
    pub fn each_lifecycle(&self, f: impl FnMut(&Arc<dyn MessageLifecycleListener>)) {
        self.each(Kind::Lifecycle, |l| &l.lifecycle, f);
    }

    /// Drops every listener and the transport (on close).
    pub fn clear(&self) {
        *self.lists() = Lists::default();
    }

    pub fn has(&self, kind: Kind) -> bool {
        let l = self.lists();
        match kind {
            Kind::Conversation => !l.conversation.is_empty(),
            Kind::Group => !l.group.is_empty(),
            Kind::Message => !l.message.is_empty(),
            Kind::Receipt => !l.receipt.is_empty(),
            Kind::UnreadStatus => !l.unread_status.is_empty(),
            Kind::Lifecycle => !l.lifecycle.is_empty(),
        }
    }

    pub fn transport(&self) -> Option<Arc<dyn OutboundTransport>> {
        self.lists().transport.clone()
    }

    pub fn set_transport(&self, t: Option<Arc<dyn OutboundTransport>>) {
        self.lists().transport = t;
    }
}

/// A registered listener. Unregisters it when closed or dropped: Kotlin
/// `close()` / `use { }` (or `unregister()`), Swift `close()` or the last
/// reference going away, Python `close()` or `with contextlib.closing(…)`.
#[derive(uniffi::Object)]
pub struct ListenerHandle {
    registry: Weak<Registry>,
    kind: Kind,
    id: u64,
}

impl ListenerHandle {
    pub(crate) fn new(registry: &Arc<Registry>, kind: Kind, id: u64) -> Arc<Self> {
        Arc::new(ListenerHandle {
            registry: Arc::downgrade(registry),
            kind,
            id,
        })
    }
}

#[uniffi::export]
impl ListenerHandle {
    /// Unregisters the listener (idempotent). When it returns the listener
    /// is not running (it waits for a call in progress on the dispatcher
    /// thread, unless called from inside that listener) and is never called
    /// again, not even for events already queued.
    pub fn close(&self) {
        if let Some(r) = self.registry.upgrade() {
            r.remove(self.kind, self.id);
        }
    }

    /// Whether the listener is still registered.
    pub fn is_active(&self) -> bool {
        self.registry.upgrade().is_some_and(|r| {
            let l = r.lists();
            let id = self.id;
            match self.kind {
                Kind::Conversation => l.conversation.iter().any(|x| x.0 == id),
                Kind::Group => l.group.iter().any(|x| x.0 == id),
                Kind::Message => l.message.iter().any(|x| x.0 == id),
                Kind::Receipt => l.receipt.iter().any(|x| x.0 == id),
                Kind::UnreadStatus => l.unread_status.iter().any(|x| x.0 == id),
                Kind::Lifecycle => l.lifecycle.iter().any(|x| x.0 == id),
            }
        })
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClientConfig, ImClient, IncomingMessage};
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use std::time::{Duration, Instant};

    /// A message listener: counts its calls, notes calls after `closed` was
    /// set, and on its first call (when `hold`) stays until `release`.
    struct Probe {
        calls: AtomicUsize,
        late: AtomicUsize,
        running: AtomicBool,
        closed: Arc<AtomicBool>,
        hold: Option<Arc<AtomicBool>>,
    }

    struct ProbeListener(Arc<Probe>);

    impl MessageListener for ProbeListener {
        fn on_receive_messages(&self, _messages: Vec<MessageInfo>) {
            let p = &self.0;
            p.running.store(true, SeqCst);
            if p.closed.load(SeqCst) {
                p.late.fetch_add(1, SeqCst);
            }
            if p.calls.fetch_add(1, SeqCst) == 0 {
                if let Some(release) = &p.hold {
                    let until = Instant::now() + Duration::from_secs(5);
                    while !release.load(SeqCst) && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
            }
            p.running.store(false, SeqCst);
        }
    }

    fn probe(closed: &Arc<AtomicBool>, hold: Option<Arc<AtomicBool>>) -> Arc<Probe> {
        Arc::new(Probe {
            calls: AtomicUsize::new(0),
            late: AtomicUsize::new(0),
            running: AtomicBool::new(false),
            closed: closed.clone(),
            hold,
        })
    }

    fn message(id: &str) -> IncomingMessage {
        IncomingMessage {
            message_id: id.into(),
            conversation_id: "c2c_rita".into(),
            sender_id: "rita".into(),
            server_time: 1_700_000_000,
            text: Some("hi".into()),
            ..Default::default()
        }
    }

    fn wait_for(flag: &AtomicBool) -> bool {
        let until = Instant::now() + Duration::from_secs(5);
        while !flag.load(SeqCst) {
            if Instant::now() > until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }

    /// Issue 12, defect 6 on the typed face: closing L2's handle while L1
    /// of the same event runs; closing a handle while its listener runs.
    #[test]
    fn a_closed_listener_is_not_running_and_never_called_again() {
        let dir = std::env::temp_dir().join(format!("imcore-api-close-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let client = ImClient::new(ClientConfig {
            data_dir: dir.to_string_lossy().into_owned(),
            app_id: 7,
            revoked_messages_count: false,
            count_marked_unread_as_one: false,
        })
        .unwrap();
        client.login("alice".into()).unwrap();

        // L2 closed while L1 (same event, registered first) runs.
        let closed = Arc::new(AtomicBool::new(false));
        let release = Arc::new(AtomicBool::new(false));
        let l1 = probe(&Arc::new(AtomicBool::new(false)), Some(release.clone()));
        let l2 = probe(&closed, None);
        let h1 = client.add_message_listener(Box::new(ProbeListener(l1.clone())));
        let h2 = client.add_message_listener(Box::new(ProbeListener(l2.clone())));
        client.receive_messages(vec![message("m1")]).unwrap();
        assert!(wait_for(&l1.running), "L1 started");
        h2.close();
        closed.store(true, SeqCst);
        release.store(true, SeqCst);
        client.receive_messages(vec![message("m2")]).unwrap();
        assert!(client.flush_events(5000));
        assert_eq!(l1.calls.load(SeqCst), 2);
        assert_eq!(
            l2.calls.load(SeqCst),
            0,
            "L2 was called after its close returned"
        );
        h1.close();

        // A handle closed while its listener runs: close waits for it.
        let closed = Arc::new(AtomicBool::new(false));
        let release = Arc::new(AtomicBool::new(false));
        let l3 = probe(&closed, Some(release.clone()));
        let h3 = client.add_message_listener(Box::new(ProbeListener(l3.clone())));
        client.receive_messages(vec![message("m3")]).unwrap();
        assert!(wait_for(&l3.running), "L3 started");
        let releaser = {
            let release = release.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                release.store(true, SeqCst);
            })
        };
        h3.close();
        assert!(
            !l3.running.load(SeqCst),
            "close returned while L3 still ran"
        );
        closed.store(true, SeqCst);
        client.receive_messages(vec![message("m4")]).unwrap();
        assert!(client.flush_events(5000));
        assert_eq!(l3.late.load(SeqCst), 0);
        releaser.join().unwrap();
        client.close();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
