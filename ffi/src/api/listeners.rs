//! Listeners (foreign traits) and the handles that unregister them.
//!
//! Every listener method is called on the client's dispatcher thread, one
//! call at a time, in the order the operations happened, and never while
//! imcore holds a lock: a listener may call the client back (except
//! `close`, which then does not wait for the thread). An exception thrown
//! by a listener is caught and reported on stderr; later calls go on.

use super::types::{
    Conversation, ConversationFilter, ConversationGroup, MessageInfo, MessageReceipt,
    OutboundEnvelope,
};
use std::sync::{Arc, Mutex, Weak};

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
    fn on_conversation_group_deleted(&self, group_id: String);
    /// A group was renamed or its extension changed.
    fn on_conversation_group_changed(&self, old_group_id: String, group: ConversationGroup);
    /// Conversations were added to a group.
    fn on_conversations_added_to_group(&self, group_id: String, conversation_ids: Vec<String>);
    /// Conversations were removed from a group.
    fn on_conversations_removed_from_group(&self, group_id: String, conversation_ids: Vec<String>);
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Conversation,
    Group,
    Message,
    Receipt,
}

/// The listeners of one client. The dispatcher takes a snapshot (clones of
/// the `Arc`s) before each call, so no lock is held while a listener runs.
#[derive(Default)]
pub(crate) struct Registry {
    lists: Mutex<Lists>,
}

#[derive(Default)]
struct Lists {
    next_id: u64,
    conversation: Vec<(u64, Arc<dyn ConversationListener>)>,
    group: Vec<(u64, Arc<dyn ConversationGroupListener>)>,
    message: Vec<(u64, Arc<dyn MessageListener>)>,
    receipt: Vec<(u64, Arc<dyn ReceiptListener>)>,
    transport: Option<Arc<dyn OutboundTransport>>,
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

    /// Removes a listener; returns whether it was registered.
    pub fn remove(&self, kind: Kind, id: u64) -> bool {
        let mut l = self.lists();
        fn drop_id<T: ?Sized>(v: &mut Vec<(u64, Arc<T>)>, id: u64) -> bool {
            let before = v.len();
            v.retain(|(i, _)| *i != id);
            v.len() != before
        }
        match kind {
            Kind::Conversation => drop_id(&mut l.conversation, id),
            Kind::Group => drop_id(&mut l.group, id),
            Kind::Message => drop_id(&mut l.message, id),
            Kind::Receipt => drop_id(&mut l.receipt, id),
        }
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
        }
    }

    pub fn conversation(&self) -> Vec<Arc<dyn ConversationListener>> {
        self.lists()
            .conversation
            .iter()
            .map(|(_, x)| x.clone())
            .collect()
    }

    pub fn group(&self) -> Vec<Arc<dyn ConversationGroupListener>> {
        self.lists().group.iter().map(|(_, x)| x.clone()).collect()
    }

    pub fn message(&self) -> Vec<Arc<dyn MessageListener>> {
        self.lists()
            .message
            .iter()
            .map(|(_, x)| x.clone())
            .collect()
    }

    pub fn receipt(&self) -> Vec<Arc<dyn ReceiptListener>> {
        self.lists()
            .receipt
            .iter()
            .map(|(_, x)| x.clone())
            .collect()
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
    /// Unregisters the listener (idempotent). Calls already queued for it
    /// may still arrive until the dispatcher has passed them.
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
            }
        })
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        self.close();
    }
}
