//! Which listener hears what: one engine change batch becomes an ordered
//! list of [`Notice`]s, decided here once; the C face (`tim::events`) and
//! the typed face (`typed::dispatcher`) only render them.
//!
//! The decisions both faces share:
//! - **Order** per batch: sync start, new messages, messages revoked,
//!   messages edited, conversations added,
//!   changed, deleted, read positions moved by another device,
//!   conversation-group events, receipts, the total, the subscribed
//!   filters, the global receive option, sync finish (or failure), outbound
//!   envelopes. A sync's finish
//!   comes after the changes it brought.
//! - **Own sends**: a message this device sent is never reported as a new
//!   message (its send call reports it); one I sent from another device is.
//! - **Read positions moved by another device** are a notice of their own;
//!   the C face has no TIM callback for it and renders nothing (the
//!   conversation's update event carries the new counts), the typed face
//!   calls `onConversationReadTimeUpdated`.
//! - **Conversation groups**: a change of name is [`Notice::GroupRenamed`];
//!   a change of the group's other fields under the same name (its
//!   extension) is [`Notice::GroupChanged`]. TIM has a callback only for
//!   the first; the typed face reports both with
//!   `onConversationGroupChanged`.
//! - **The total**: every change is a notice; the C face holds it back until
//!   the host first asked for the total (as TIM does).
//! - Conversation snapshots are read only for a face that listens to
//!   conversations, and on the C face only while a conversation-event
//!   listener is registered ([`Wants::snapshots`]).

use imcore::engine::OutboundEnvelope;
use imcore::{
    AllReceiveOpt, Changes, ConvKey, Conversation, ConversationFilter, ConversationGroup, Engine,
    GroupEvent, ReceiptUpdate, RevokedMessage, StoredMessage, SyncPhase,
};
use std::collections::HashSet;

/// One listener call (before a face renders it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Notice {
    /// A server sync started.
    SyncStarted,
    /// Messages stored or received online (never this device's own sends).
    NewMessages(Vec<StoredMessage>),
    /// Messages revoked by the server's word (not by this device's own call).
    Revoked(Vec<RevokedMessage>),
    /// Messages whose content changed, as they are now.
    MessagesUpdated(Vec<StoredMessage>),
    /// The global receive option changed.
    AllReceiveOpt(AllReceiveOpt),
    /// Conversations that appeared, in the order the operation added them.
    ConvAdded(Vec<Conversation>),
    /// Conversations whose state changed.
    ConvChanged(Vec<Conversation>),
    /// Conversations deleted.
    ConvDeleted(Vec<ConvKey>),
    /// Read positions moved by another device: (conversation, read time or
    /// sequence).
    ReadPositionMoved(Vec<(ConvKey, u64)>),
    /// A conversation group was created with these conversations.
    GroupCreated(ConversationGroup, Vec<ConvKey>),
    /// A conversation group was deleted.
    GroupDeleted(String),
    /// A conversation group was renamed (old name, the group now).
    GroupRenamed(String, ConversationGroup),
    /// A conversation group's other fields changed (same name).
    GroupChanged(ConversationGroup),
    /// Conversations were added to a group.
    GroupAdded(String, Vec<ConvKey>),
    /// Conversations were removed from a group.
    GroupRemoved(String, Vec<ConvKey>),
    /// Receipts of my messages.
    Receipts(Vec<ReceiptUpdate>),
    /// The total unread count changed.
    TotalUnread(u64),
    /// A subscribed filter's total changed.
    FilterUnread(ConversationFilter, u64),
    /// The total, the mention total or whether the total is synced changed
    /// (the values after the batch).
    UnreadStatus {
        /// The total unread count.
        total: u64,
        /// The total of unread mentions.
        mentions: u64,
        /// The first sync of the login finished (or no transport).
        synced: bool,
        /// The mention total changed in this batch.
        mentions_changed: bool,
    },
    /// A subscribed filter's mention total changed.
    FilterMentions(ConversationFilter, u64),
    /// The server sync finished.
    SyncFinished,
    /// The server sync failed.
    SyncFailed,
    /// An envelope for the server.
    Outbound(OutboundEnvelope),
}

/// What a face listens to now: notices nobody hears are not built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wants {
    /// Conversation events (snapshots, totals, read positions, sync).
    pub conversations: bool,
    /// With `conversations`: the snapshots of added and changed
    /// conversations (`ConvAdded`, `ConvChanged`). Reading them is the
    /// largest cost of a push after the engine's own work (two reads per
    /// touched conversation), so a face leaves them out when no conversation
    /// listener is registered when the operation ends; one registered later
    /// hears what happens from then on.
    pub snapshots: bool,
    /// New messages.
    pub messages: bool,
    /// Receipts.
    pub receipts: bool,
    /// Conversation-group events.
    pub groups: bool,
    /// Message-lifecycle events (revokes, edits, the global receive option).
    pub lifecycle: bool,
}

impl Wants {
    /// Everything (the C face builds every notice: its listeners are read
    /// at delivery time).
    pub(crate) const ALL: Wants = Wants {
        conversations: true,
        snapshots: true,
        messages: true,
        receipts: true,
        groups: true,
        lifecycle: true,
    };
}

/// The ids of messages sent from this device, bounded (the oldest half is
/// forgotten past [`OwnSends::MAX`]).
#[derive(Debug, Default)]
pub(crate) struct OwnSends {
    ids: HashSet<String>,
}

impl OwnSends {
    /// How many ids are remembered at most.
    pub(crate) const MAX: usize = 4096;

    /// Records a message sent from this device.
    pub fn sent(&mut self, id: &str) {
        if self.ids.len() >= Self::MAX {
            self.ids.clear();
        }
        self.ids.insert(id.to_owned());
    }

    /// Whether this device sent the message.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }
}

/// Turns change batches into notices, in the documented order.
pub(crate) fn notices(
    engine: &Engine,
    batches: Vec<Changes>,
    own: &OwnSends,
    wants: Wants,
) -> Vec<Notice> {
    let mut out = Vec::new();
    for ch in batches {
        one_batch(engine, ch, own, wants, &mut out);
    }
    out
}

fn one_batch(engine: &Engine, ch: Changes, own: &OwnSends, wants: Wants, out: &mut Vec<Notice>) {
    let convs = wants.conversations;
    if convs && ch.sync == Some(SyncPhase::Started) {
        out.push(Notice::SyncStarted);
    }
    if wants.messages {
        let fresh: Vec<StoredMessage> = ch
            .new_messages
            .into_iter()
            .filter(|m| !own.contains(&m.msg_id))
            .collect();
        if !fresh.is_empty() {
            out.push(Notice::NewMessages(fresh));
        }
    }
    if wants.lifecycle {
        if !ch.revoked.is_empty() {
            out.push(Notice::Revoked(ch.revoked));
        }
        if !ch.messages_updated.is_empty() {
            out.push(Notice::MessagesUpdated(ch.messages_updated));
        }
    }
    if convs && wants.snapshots {
        if !ch.added.is_empty() {
            if let Ok((list, _)) = engine.conversations(&ch.added) {
                // In the order the operation added them.
                let ordered: Vec<Conversation> = ch
                    .added
                    .iter()
                    .filter_map(|k| list.iter().find(|c| &c.key == k).cloned())
                    .collect();
                if !ordered.is_empty() {
                    out.push(Notice::ConvAdded(ordered));
                }
            }
        }
        if !ch.changed.is_empty() {
            if let Ok((list, _)) = engine.conversations(&ch.changed) {
                if !list.is_empty() {
                    out.push(Notice::ConvChanged(list));
                }
            }
        }
    }
    if convs {
        if !ch.deleted.is_empty() {
            out.push(Notice::ConvDeleted(ch.deleted));
        }
        if !ch.read_time_updated.is_empty() {
            out.push(Notice::ReadPositionMoved(ch.read_time_updated));
        }
    }
    if wants.groups {
        for g in ch.groups {
            out.push(match g {
                GroupEvent::Created(group, keys) => Notice::GroupCreated(group, keys),
                GroupEvent::Deleted(name) => Notice::GroupDeleted(name),
                GroupEvent::Renamed(old, group) if old == group.name => Notice::GroupChanged(group),
                GroupEvent::Renamed(old, group) => Notice::GroupRenamed(old, group),
                GroupEvent::ConversationsAdded(name, keys) => Notice::GroupAdded(name, keys),
                GroupEvent::ConversationsRemoved(name, keys) => Notice::GroupRemoved(name, keys),
            });
        }
    }
    if wants.receipts && !ch.receipts.is_empty() {
        out.push(Notice::Receipts(ch.receipts));
    }
    if wants.lifecycle {
        if let Some(o) = ch.all_receive_opt {
            out.push(Notice::AllReceiveOpt(o));
        }
    }
    if convs {
        if let Some(total) = ch.total_unread {
            out.push(Notice::TotalUnread(total));
        }
        for (filter, total) in ch.filter_totals {
            out.push(Notice::FilterUnread(filter, total));
        }
        if ch.total_unread.is_some() || ch.total_mentions.is_some() {
            out.push(Notice::UnreadStatus {
                total: ch.total_unread.unwrap_or_else(|| engine.total_unread()),
                mentions: ch
                    .total_mentions
                    .unwrap_or_else(|| engine.total_unread_mentions()),
                synced: ch.total_synced || engine.total_synced(),
                mentions_changed: ch.total_mentions.is_some(),
            });
        }
        for (filter, total) in ch.filter_mention_totals {
            out.push(Notice::FilterMentions(filter, total));
        }
        match ch.sync {
            Some(SyncPhase::Finished) => out.push(Notice::SyncFinished),
            Some(SyncPhase::Failed) => out.push(Notice::SyncFailed),
            _ => {}
        }
    }
    out.extend(ch.outbound.into_iter().map(Notice::Outbound));
}
