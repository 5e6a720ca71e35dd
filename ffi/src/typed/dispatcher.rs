//! The dispatcher: one thread per client, fed by a crossbeam channel, that
//! calls the listeners and the transport in the order the operations
//! happened, with no lock held.

use super::listeners::{Kind, Registry};
use super::types::UnreadStatus;
use super::types::{
    Conversation, ConversationFilter, ConversationGroup, MessageInfo, MessageReceipt,
    OutboundEnvelope,
};
use crate::notify::{self, Notice, OwnSends, Wants};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};

/// One listener (or transport) call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    SyncStarted,
    SyncFinished,
    SyncFailed(String),
    Created(Box<Conversation>),
    Changed(Vec<Conversation>),
    Deleted(Vec<String>),
    TotalUnread(u64),
    FilterUnread(ConversationFilter, u64),
    UnreadStatus(UnreadStatus),
    FilterMentions(ConversationFilter, u64),
    ReadTimeUpdated(String, u64),
    Messages(Vec<MessageInfo>),
    Receipts(Vec<MessageReceipt>),
    GroupCreated(ConversationGroup, Vec<String>),
    GroupDeleted(String),
    GroupChanged(String, ConversationGroup),
    GroupAdded(String, Vec<String>),
    GroupRemoved(String, Vec<String>),
    Outbound(OutboundEnvelope),
    Revoked(Vec<super::types::RevokedMessageInfo>),
    Modified(Vec<MessageInfo>),
    AllReceiveOption(super::types::AllReceiveOption),
}

enum Job {
    Events(Vec<Event>),
    Barrier(Sender<()>),
    Stop,
}

pub(crate) struct Dispatcher {
    tx: Sender<Job>,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl Dispatcher {
    pub fn start(registry: Arc<Registry>) -> std::io::Result<Self> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let thread = std::thread::Builder::new()
            .name("imcore-dispatcher".into())
            .spawn(move || run(&rx, &registry))?;
        Ok(Dispatcher {
            tx,
            thread_id: thread.thread().id(),
            thread: Some(thread),
        })
    }

    /// Queues one operation's events (in order).
    pub fn send(&self, events: Vec<Event>) {
        if !events.is_empty() {
            let _ = self.tx.send(Job::Events(events));
        }
    }

    pub fn is_current(&self) -> bool {
        std::thread::current().id() == self.thread_id
    }

    /// Queues a barrier; the receiver gets a value once every event queued
    /// before it was delivered (`None` if the thread is gone).
    pub fn barrier(&self) -> Option<Receiver<()>> {
        let (done_tx, done_rx) = crossbeam_channel::bounded(1);
        self.tx.send(Job::Barrier(done_tx)).ok()?;
        Some(done_rx)
    }

    /// Delivers what is queued, then stops the thread; joins it unless
    /// called from the dispatcher thread itself (a listener closing the
    /// client), where the thread ends on its own after the current call.
    pub fn stop(mut self) {
        let _ = self.tx.send(Job::Stop);
        if let Some(t) = self.thread.take() {
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
    }
}

fn run(rx: &Receiver<Job>, registry: &Registry) {
    while let Ok(job) = rx.recv() {
        match job {
            Job::Events(events) => {
                for e in events {
                    deliver(registry, e);
                }
            }
            Job::Barrier(done) => {
                let _ = done.send(());
            }
            Job::Stop => break,
        }
    }
}

/// Calls `f`, containing a panic (a foreign exception surfaces as one),
/// reported once per method (`listener_errors`).
fn guarded(what: &str, f: impl FnOnce()) {
    super::listener_errors::call(what, f);
}

fn deliver(r: &Registry, e: Event) {
    match e {
        Event::SyncStarted => {
            r.each_conversation(|l| guarded("onSyncStarted", || l.on_sync_started()))
        }
        Event::SyncFinished => {
            r.each_conversation(|l| guarded("onSyncFinished", || l.on_sync_finished()))
        }
        Event::SyncFailed(reason) => r.each_conversation(|l| {
            guarded("onSyncFailed", || l.on_sync_failed(reason.clone()));
        }),
        Event::Created(c) => r.each_conversation(|l| {
            guarded("onConversationCreated", || {
                l.on_conversation_created((*c).clone())
            });
        }),
        Event::Changed(v) => r.each_conversation(|l| {
            guarded("onConversationChanged", || {
                l.on_conversation_changed(v.clone())
            });
        }),
        Event::Deleted(v) => r.each_conversation(|l| {
            guarded("onConversationDeleted", || {
                l.on_conversation_deleted(v.clone())
            });
        }),
        Event::TotalUnread(n) => r.each_conversation(|l| {
            guarded("onTotalUnreadCountChanged", || {
                l.on_total_unread_count_changed(n)
            });
        }),
        Event::FilterUnread(f, n) => r.each_conversation(|l| {
            guarded("onUnreadCountChangedByFilter", || {
                l.on_unread_count_changed_by_filter(f.clone(), n)
            });
        }),
        Event::UnreadStatus(s) => r.each_unread_status(|l| {
            guarded("onUnreadStatusChanged", || {
                l.on_unread_status_changed(s.clone())
            });
        }),
        Event::FilterMentions(f, n) => r.each_unread_status(|l| {
            guarded("onUnreadMentionCountChangedByFilter", || {
                l.on_unread_mention_count_changed_by_filter(f.clone(), n)
            });
        }),
        Event::ReadTimeUpdated(id, t) => r.each_conversation(|l| {
            guarded("onConversationReadTimeUpdated", || {
                l.on_conversation_read_time_updated(id.clone(), t)
            });
        }),
        Event::Messages(v) => r.each_message(|l| {
            guarded("onReceiveMessages", || l.on_receive_messages(v.clone()));
        }),
        Event::Receipts(v) => r.each_receipt(|l| {
            guarded("onReceiveReceipts", || l.on_receive_receipts(v.clone()));
        }),
        Event::GroupCreated(g, ids) => r.each_group(|l| {
            guarded("onConversationGroupCreated", || {
                l.on_conversation_group_created(g.clone(), ids.clone())
            });
        }),
        Event::GroupDeleted(name) => r.each_group(|l| {
            guarded("onConversationGroupDeleted", || {
                l.on_conversation_group_deleted(name.clone())
            });
        }),
        Event::GroupChanged(old, g) => r.each_group(|l| {
            guarded("onConversationGroupChanged", || {
                l.on_conversation_group_changed(old.clone(), g.clone())
            });
        }),
        Event::GroupAdded(name, ids) => r.each_group(|l| {
            guarded("onConversationsAddedToGroup", || {
                l.on_conversations_added_to_group(name.clone(), ids.clone())
            });
        }),
        Event::GroupRemoved(name, ids) => r.each_group(|l| {
            guarded("onConversationsRemovedFromGroup", || {
                l.on_conversations_removed_from_group(name.clone(), ids.clone())
            });
        }),
        Event::Revoked(v) => r.each_lifecycle(|l| {
            guarded("onMessagesRevoked", || l.on_messages_revoked(v.clone()));
        }),
        Event::Modified(v) => r.each_lifecycle(|l| {
            guarded("onMessagesModified", || l.on_messages_modified(v.clone()));
        }),
        Event::AllReceiveOption(o) => r.each_lifecycle(|l| {
            guarded("onAllReceiveOptionChanged", || {
                l.on_all_receive_option_changed(o)
            });
        }),
        Event::Outbound(env) => {
            if let Some(t) = r.transport() {
                guarded("OutboundTransport.send", || t.send(env));
            }
        }
    }
}

/// Turns an engine's queued change batches into this face's events: the
/// shared notices (`crate::notify`: who hears what, in which order) for
/// the kinds of listener registered now, one event per listener call.
pub(crate) fn collect(
    engine: &mut imcore::Engine,
    registry: &Registry,
    own: &OwnSends,
) -> Vec<Event> {
    let batches = engine.drain_changes();
    if batches.is_empty() {
        return Vec::new();
    }
    let wants = Wants {
        conversations: registry.has(Kind::Conversation) || registry.has(Kind::UnreadStatus),
        snapshots: registry.has(Kind::Conversation),
        messages: registry.has(Kind::Message),
        receipts: registry.has(Kind::Receipt),
        groups: registry.has(Kind::Group),
        lifecycle: registry.has(Kind::Lifecycle),
    };
    let mut out = Vec::new();
    for n in notify::notices(engine, batches, own, wants) {
        render(n, &mut out);
    }
    out
}

fn render(n: Notice, out: &mut Vec<Event>) {
    let ids = |v: Vec<imcore::ConvKey>| v.iter().map(|k| k.v2_id()).collect();
    out.push(match n {
        Notice::SyncStarted => Event::SyncStarted,
        Notice::SyncFinished => Event::SyncFinished,
        Notice::SyncFailed => Event::SyncFailed(String::new()),
        Notice::NewMessages(v) => Event::Messages(v.into_iter().map(Into::into).collect()),
        Notice::ConvAdded(v) => {
            out.extend(v.into_iter().map(|c| Event::Created(Box::new(c.into()))));
            return;
        }
        Notice::ConvChanged(v) => Event::Changed(v.into_iter().map(Into::into).collect()),
        Notice::ConvDeleted(keys) => Event::Deleted(ids(keys)),
        Notice::ReadPositionMoved(v) => {
            out.extend(
                v.into_iter()
                    .map(|(k, t)| Event::ReadTimeUpdated(k.v2_id(), t)),
            );
            return;
        }
        Notice::TotalUnread(n) => Event::TotalUnread(n),
        Notice::FilterUnread(f, n) => Event::FilterUnread(f.into(), n),
        Notice::UnreadStatus {
            total,
            mentions,
            synced,
            ..
        } => Event::UnreadStatus(UnreadStatus {
            unread_count: total,
            unread_mention_count: mentions,
            synced,
        }),
        Notice::FilterMentions(f, n) => Event::FilterMentions(f.into(), n),
        Notice::Receipts(v) => Event::Receipts(v.into_iter().map(Into::into).collect()),
        Notice::GroupCreated(g, keys) => Event::GroupCreated(g.into(), ids(keys)),
        Notice::GroupDeleted(name) => Event::GroupDeleted(name),
        Notice::GroupRenamed(old, g) => Event::GroupChanged(old, g.into()),
        Notice::GroupChanged(g) => Event::GroupChanged(g.name.clone(), g.into()),
        Notice::GroupAdded(name, keys) => Event::GroupAdded(name, ids(keys)),
        Notice::GroupRemoved(name, keys) => Event::GroupRemoved(name, ids(keys)),
        Notice::Outbound(env) => Event::Outbound(env.into()),
        Notice::Revoked(v) => Event::Revoked(v.into_iter().map(Into::into).collect()),
        Notice::MessagesUpdated(v) => Event::Modified(v.into_iter().map(Into::into).collect()),
        Notice::AllReceiveOpt(o) => Event::AllReceiveOption(o.into()),
    });
}
