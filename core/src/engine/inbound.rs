//! A push: what the server sends, as one list of items the host hands over
//! together. Every item is checked against every rule before the first one
//! is applied, so a push with one bad item changes nothing.

use super::lifecycle::{check_all_receive_opt, CLEAR_KEYS};
use super::readpos::{check_position, READ_POSITION_KEYS};
use super::receipts::check_roster;
use super::{
    ConversationSync, Engine, InboundEdit, InboundReceipt, InboundRevoke, ReceiveReport, RosterOp,
};
use crate::error::{invalid, Error, Result};
use crate::events::AllReceiveOpt;
use crate::events::SyncPhase;
use crate::message::{IncomingMessage, MAX_TIME};
use crate::types::{ConvKey, GroupType};

/// One item the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// A message (see [`Engine::receive`]).
    Message(IncomingMessage),
    /// A receipt for one of my messages (see [`Engine::apply_receipts`]).
    Receipt(InboundReceipt),
    /// Another of my devices read up to here (see [`Engine::apply_read_position`]).
    ReadPosition {
        /// The conversation.
        conv: ConvKey,
        /// C2C: read up to this time (seconds); 0 for groups.
        timestamp: u64,
        /// Group: read up to this sequence; 0 for C2C.
        sequence: u64,
        /// The position's version (`read_version`; `None`: not given).
        version: Option<u64>,
    },
    /// A group roster update (see [`Engine::set_group_members`]).
    Members {
        /// The group conversation.
        group: ConvKey,
        /// Its type, when the server tells it.
        group_type: Option<GroupType>,
        /// Set, add or remove.
        op: RosterOp,
        /// The members.
        members: Vec<String>,
    },
    /// A sync lifecycle event (see [`Engine::sync_phase`]), with the
    /// server's current time when the host knows it (0 = not given; see
    /// [`Engine::observe_server_time`]).
    Sync {
        /// Started, finished or failed.
        phase: SyncPhase,
        /// The server's time in seconds, or 0.
        server_time: u64,
    },
    /// The server's state of one conversation (see [`Engine::merge_conversations`]).
    Conversation(ConversationSync),
    /// A message revoked (see [`Engine::apply_revokes`]).
    Revoke(InboundRevoke),
    /// Messages deleted with the server's copy (see [`Engine::apply_message_deletes`]).
    MessageDelete {
        /// The conversation.
        conv: ConvKey,
        /// The messages.
        msg_ids: Vec<String>,
    },
    /// A conversation's history cleared (see [`Engine::apply_clear_history`]).
    ClearHistory {
        /// The conversation.
        conv: ConvKey,
        /// C2C: cleared up to this time (seconds); 0 for groups.
        timestamp: u64,
        /// Group: cleared up to this sequence; 0 for C2C.
        sequence: u64,
    },
    /// A message's content edited (see [`Engine::apply_edits`]).
    Edit(InboundEdit),
    /// The global receive option (see [`Engine::apply_all_receive_opt`]).
    AllReceiveOpt {
        /// The option.
        opt: AllReceiveOpt,
        /// The server's version of it.
        update_time: u64,
    },
}

impl Inbound {
    /// The item's kind, as the transport names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Inbound::Message(_) => "message",
            Inbound::Receipt(_) => "receipt",
            Inbound::ReadPosition { .. } => "read_position",
            Inbound::Members { .. } => "group_members",
            Inbound::Sync { .. } => "sync",
            Inbound::Conversation(_) => "conversation",
            Inbound::Revoke(_) => "revoke",
            Inbound::MessageDelete { .. } => "message_delete",
            Inbound::ClearHistory { .. } => "clear_history",
            Inbound::Edit(_) => "message_update",
            Inbound::AllReceiveOpt { .. } => "all_receive_opt",
        }
    }

    /// What the item is about, for an error message: the message id or the
    /// conversation.
    fn subject(&self) -> String {
        match self {
            Inbound::Message(m) => format!("{:?}", m.msg_id),
            Inbound::Receipt(r) if r.msg_id.is_empty() => r.conv.to_string(),
            Inbound::Receipt(r) => format!("{:?} in {}", r.msg_id, r.conv),
            Inbound::ReadPosition { conv, .. } => conv.to_string(),
            Inbound::Members { group, .. } => group.to_string(),
            Inbound::Sync { phase, .. } => format!("{phase:?}"),
            Inbound::Conversation(c) => c
                .key
                .as_ref()
                .map_or_else(|| "(no id)".to_owned(), ToString::to_string),
            Inbound::Revoke(r) => format!("{:?} in {}", r.msg_id, r.conv),
            Inbound::Edit(e) => format!("{:?} in {}", e.msg_id, e.conv),
            Inbound::MessageDelete { conv, .. } | Inbound::ClearHistory { conv, .. } => {
                conv.to_string()
            }
            Inbound::AllReceiveOpt { .. } => "(global)".to_owned(),
        }
    }
}

/// What a push did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboundReport {
    /// Items applied (all of them: a push is applied whole or not at all).
    pub applied: usize,
    /// What its messages did.
    pub messages: ReceiveReport,
}

impl Engine {
    /// Checks every item of a push against every rule its application
    /// would check, without changing anything. The error names the item:
    /// `[index] kind subject: problem`.
    pub fn check_inbound(&self, items: &[Inbound]) -> Result<()> {
        let messages = items
            .iter()
            .filter(|i| matches!(i, Inbound::Message(_)))
            .count();
        if messages > self.config.receive_batch_max {
            return Err(Error::LimitExceeded(format!(
                "{messages} messages in one push; at most {}",
                self.config.receive_batch_max
            )));
        }
        for (i, item) in items.iter().enumerate() {
            self.check_item(item).map_err(|e| {
                // Name the item once: most rules name it already.
                let subject = item.subject();
                if e.to_string().contains(&subject) {
                    e.context(&format!("[{i}] {}", item.kind()))
                } else {
                    e.context(&format!("[{i}] {} {subject}", item.kind()))
                }
            })?;
        }
        Ok(())
    }

    fn check_item(&self, item: &Inbound) -> Result<()> {
        match item {
            Inbound::Message(m) => self.check_incoming(m),
            Inbound::Receipt(r) => r.validate(),
            Inbound::ReadPosition {
                conv,
                timestamp,
                sequence,
                version,
            } => check_position(
                conv,
                *timestamp,
                *sequence,
                &READ_POSITION_KEYS,
                version.is_none(),
            )
            .and_then(|()| super::unread::check_version(conv, *version)),
            Inbound::Members { group, members, .. } => check_roster(group, members),
            Inbound::Sync { server_time, .. } if *server_time > MAX_TIME => Err(invalid(format!(
                "server_time {server_time} is out of range (at most {MAX_TIME})"
            ))),
            Inbound::Sync { .. } => Ok(()),
            Inbound::Conversation(c) => c.validate(&self.config),
            Inbound::Revoke(r) => r.validate(&self.config),
            Inbound::MessageDelete { conv, msg_ids } => {
                crate::types::check_id("conv_id", &conv.peer)?;
                if msg_ids.is_empty() || msg_ids.len() > self.config.batch_ids_max {
                    return Err(invalid(format!(
                        "msg_id_array has {} ids; 1..={} are allowed",
                        msg_ids.len(),
                        self.config.batch_ids_max
                    )));
                }
                for (i, id) in msg_ids.iter().enumerate() {
                    crate::types::check_id(&format!("msg_id_array[{i}]"), id)?;
                }
                Ok(())
            }
            Inbound::ClearHistory {
                conv,
                timestamp,
                sequence,
            } => check_position(conv, *timestamp, *sequence, &CLEAR_KEYS, true),
            Inbound::Edit(e) => {
                crate::types::check_id("conv_id", &e.conv.peer)?;
                crate::types::check_id("msg_id", &e.msg_id)?;
                if e.version > i64::MAX as u64 {
                    return Err(invalid(format!("version {} is out of range", e.version)));
                }
                self.check_body(&e.msg_id, &e.body)
            }
            Inbound::AllReceiveOpt { opt, update_time } => {
                if *update_time > i64::MAX as u64 {
                    return Err(invalid(format!(
                        "update_time {update_time} is out of range"
                    )));
                }
                check_all_receive_opt(opt)
            }
        }
    }

    /// Applies a push: checks every item first ([`Engine::check_inbound`]),
    /// then applies them in order, consecutive messages (likewise receipts,
    /// conversation states) as one batch. Only a storage failure (disk
    /// full, I/O) can stop it midway; every kind is idempotent (message ids,
    /// receipts, maximum read positions, snapshots by update time, roster
    /// sets), so the host pushes the same list again.
    pub fn apply_inbound(&mut self, items: Vec<Inbound>) -> Result<InboundReport> {
        self.check_inbound(&items)?;
        let mut report = InboundReport {
            applied: items.len(),
            ..InboundReport::default()
        };
        for run in runs(items) {
            match run {
                Run::Messages(batch) => {
                    // Checked above with the rest of the push.
                    let r = self.receive_checked(batch)?;
                    report.messages.stored += r.stored;
                    report.messages.duplicates += r.duplicates;
                    report.messages.online += r.online;
                }
                Run::Receipts(batch) => {
                    self.apply_receipts(batch)?;
                }
                Run::Conversations(batch) => self.merge_conversations(batch)?,
                Run::One(Inbound::ReadPosition {
                    conv,
                    timestamp,
                    sequence,
                    version,
                }) => self.apply_read_position_versioned(&conv, timestamp, sequence, version)?,
                Run::One(Inbound::Members {
                    group,
                    group_type,
                    op,
                    members,
                }) => self.set_group_members(&group, group_type, op, &members)?,
                Run::One(Inbound::Sync { phase, server_time }) => {
                    self.observe_server_time(server_time);
                    self.sync_phase(phase);
                }
                Run::Revokes(batch) => self.apply_revokes(batch)?,
                Run::Edits(batch) => self.apply_edits(batch)?,
                Run::One(Inbound::MessageDelete { conv, msg_ids }) => {
                    self.apply_message_deletes(&conv, &msg_ids)?
                }
                Run::One(Inbound::ClearHistory {
                    conv,
                    timestamp,
                    sequence,
                }) => self.apply_clear_history(&conv, timestamp, sequence)?,
                Run::One(Inbound::AllReceiveOpt { opt, update_time }) => {
                    self.apply_all_receive_opt(opt, update_time)?
                }
                Run::One(_) => {
                    unreachable!("runs() batches messages, receipts, states, revokes and edits")
                }
            }
        }
        Ok(report)
    }
}

/// Consecutive items that one engine call applies.
enum Run {
    Messages(Vec<IncomingMessage>),
    Receipts(Vec<InboundReceipt>),
    Conversations(Vec<ConversationSync>),
    Revokes(Vec<InboundRevoke>),
    Edits(Vec<InboundEdit>),
    One(Inbound),
}

/// Splits a push into runs: consecutive messages (likewise receipts,
/// conversation states) form one batch, one transaction.
fn runs(items: Vec<Inbound>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for item in items {
        match (runs.last_mut(), item) {
            (Some(Run::Messages(v)), Inbound::Message(m)) => v.push(m),
            (Some(Run::Receipts(v)), Inbound::Receipt(r)) => v.push(r),
            (Some(Run::Conversations(v)), Inbound::Conversation(c)) => v.push(c),
            (_, Inbound::Message(m)) => runs.push(Run::Messages(vec![m])),
            (_, Inbound::Receipt(r)) => runs.push(Run::Receipts(vec![r])),
            (_, Inbound::Conversation(c)) => runs.push(Run::Conversations(vec![c])),
            (Some(Run::Revokes(v)), Inbound::Revoke(r)) => v.push(r),
            (_, Inbound::Revoke(r)) => runs.push(Run::Revokes(vec![r])),
            (Some(Run::Edits(v)), Inbound::Edit(e)) => v.push(e),
            (_, Inbound::Edit(e)) => runs.push(Run::Edits(vec![e])),
            (_, other) => runs.push(Run::One(other)),
        }
    }
    runs
}
