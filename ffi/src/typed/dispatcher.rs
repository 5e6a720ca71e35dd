//! The dispatcher: one thread per client, fed by a crossbeam channel, that
//! calls the listeners and the transport in the order the operations
//! happened, with no lock held.

use super::listeners::{Kind, Registry};
use super::types::{
    Conversation, ConversationFilter, ConversationGroup, MessageInfo, MessageReceipt,
    OutboundEnvelope,
};
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
    ReadTimeUpdated(String, u64),
    Messages(Vec<MessageInfo>),
    Receipts(Vec<MessageReceipt>),
    GroupCreated(ConversationGroup, Vec<String>),
    GroupDeleted(String),
    GroupChanged(String, ConversationGroup),
    GroupAdded(String, Vec<String>),
    GroupRemoved(String, Vec<String>),
    Outbound(OutboundEnvelope),
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
        Event::Outbound(env) => {
            if let Some(t) = r.transport() {
                guarded("OutboundTransport.send", || t.send(env));
            }
        }
    }
}

/// Turns an engine's queued change batches into events, building the
/// conversation snapshots only when someone listens for them.
pub(crate) fn collect(engine: &mut imcore::Engine, registry: &Registry) -> Vec<Event> {
    let batches = engine.drain_changes();
    if batches.is_empty() {
        return Vec::new();
    }
    let convs = registry.has(Kind::Conversation);
    let groups = registry.has(Kind::Group);
    let messages = registry.has(Kind::Message);
    let receipts = registry.has(Kind::Receipt);
    let mut out = Vec::new();
    for c in batches {
        if let Some(phase) = c.sync {
            if convs {
                out.push(match phase {
                    imcore::SyncPhase::Started => Event::SyncStarted,
                    imcore::SyncPhase::Finished => Event::SyncFinished,
                    imcore::SyncPhase::Failed => Event::SyncFailed(String::new()),
                });
            }
        }
        if messages && !c.new_messages.is_empty() {
            out.push(Event::Messages(
                c.new_messages.into_iter().map(Into::into).collect(),
            ));
        }
        if convs {
            if !c.added.is_empty() {
                if let Ok((list, _)) = engine.conversations(&c.added) {
                    // In the order the operation added them.
                    for k in &c.added {
                        if let Some(s) = list.iter().find(|s| &s.key == k) {
                            out.push(Event::Created(Box::new(s.clone().into())));
                        }
                    }
                }
            }
            if !c.changed.is_empty() {
                if let Ok((list, _)) = engine.conversations(&c.changed) {
                    if !list.is_empty() {
                        out.push(Event::Changed(list.into_iter().map(Into::into).collect()));
                    }
                }
            }
            if !c.deleted.is_empty() {
                out.push(Event::Deleted(
                    c.deleted.iter().map(|k| k.v2_id()).collect(),
                ));
            }
            if let Some(n) = c.total_unread {
                out.push(Event::TotalUnread(n));
            }
            for (f, n) in c.filter_totals {
                out.push(Event::FilterUnread(f.into(), n));
            }
            for (k, t) in c.read_time_updated {
                out.push(Event::ReadTimeUpdated(k.v2_id(), t));
            }
        }
        if receipts && !c.receipts.is_empty() {
            out.push(Event::Receipts(
                c.receipts.into_iter().map(Into::into).collect(),
            ));
        }
        if groups {
            for g in c.groups {
                let ids = |v: Vec<imcore::ConvKey>| v.iter().map(|k| k.v2_id()).collect();
                out.push(match g {
                    imcore::GroupEvent::Created(g, keys) => {
                        Event::GroupCreated(g.into(), ids(keys))
                    }
                    imcore::GroupEvent::Deleted(name) => Event::GroupDeleted(name),
                    imcore::GroupEvent::Renamed(old, g) => Event::GroupChanged(old, g.into()),
                    imcore::GroupEvent::ConversationsAdded(name, keys) => {
                        Event::GroupAdded(name, ids(keys))
                    }
                    imcore::GroupEvent::ConversationsRemoved(name, keys) => {
                        Event::GroupRemoved(name, ids(keys))
                    }
                });
            }
        }
        for env in c.outbound {
            out.push(Event::Outbound(env.into()));
        }
    }
    out
}
