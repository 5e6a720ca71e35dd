//! An engine's change batches turned into listener callbacks, in this order
//! per batch: sync start, new messages, conversations added / updated /
//! deleted, conversation-group events, receipts, the total, the subscribed
//! filters, sync finish, outbound envelopes.

use crate::tim::json;
use crate::tim::runtime::{Cb, Session};
use crate::{kTIMConvEvent_Add, kTIMConvEvent_Del, kTIMConvEvent_Update};
use imcore::{Changes, GroupEvent, SyncPhase};
use serde_json::Value;

/// Drains the session's engine and converts every batch.
pub fn collect(s: &mut Session) -> Vec<Cb> {
    let batches = s.engine.drain_changes();
    convert_all(s, batches)
}

/// Converts change batches already drained.
pub fn convert_all(s: &mut Session, batches: Vec<Changes>) -> Vec<Cb> {
    let mut out = Vec::new();
    for ch in batches {
        convert(s, ch, &mut out);
    }
    out
}

fn convert(s: &mut Session, ch: Changes, out: &mut Vec<Cb>) {
    if ch.sync == Some(SyncPhase::Started) {
        out.push(Cb::ConvEvent(crate::kTIMConvEvent_Start, String::new()));
    }
    let fresh: Vec<_> = ch
        .new_messages
        .iter()
        .filter(|m| !s.own_sends.contains(&m.msg_id))
        .collect();
    if !fresh.is_empty() {
        out.push(Cb::NewMessages(json::messages(fresh)));
    }
    for (event, keys) in [
        (kTIMConvEvent_Add, &ch.added),
        (kTIMConvEvent_Update, &ch.changed),
    ] {
        if keys.is_empty() {
            continue;
        }
        if let Ok((convs, _)) = s.engine.conversations(keys) {
            if !convs.is_empty() {
                out.push(Cb::ConvEvent(event, json::conv_infos(&convs)));
            }
        }
    }
    if !ch.deleted.is_empty() {
        let arr = Value::Array(ch.deleted.iter().map(json::deleted_conv_info).collect());
        out.push(Cb::ConvEvent(kTIMConvEvent_Del, arr.to_string()));
    }
    for g in ch.groups {
        out.push(match g {
            GroupEvent::Created(group, keys) => {
                Cb::GroupCreated(group.name, json::v2_id_array(&keys))
            }
            GroupEvent::Deleted(name) => Cb::GroupDeleted(name),
            GroupEvent::Renamed(old, group) => {
                if old == group.name {
                    continue; // an extension change, not a rename
                }
                Cb::GroupRenamed(old, group.name)
            }
            GroupEvent::ConversationsAdded(name, keys) => {
                Cb::GroupAdded(name, json::v2_id_array(&keys))
            }
            GroupEvent::ConversationsRemoved(name, keys) => {
                Cb::GroupRemoved(name, json::v2_id_array(&keys))
            }
        });
    }
    if !ch.receipts.is_empty() {
        out.push(Cb::Receipts(json::receipts(&ch.receipts)));
    }
    if let Some(total) = ch.total_unread {
        if s.total_listening {
            out.push(Cb::TotalUnread(total));
        }
    }
    for (filter, total) in &ch.filter_totals {
        if let Some((_, texts)) = s.filter_subs.iter().find(|(f, _)| f == filter) {
            for t in texts {
                out.push(Cb::FilterUnread(t.clone(), *total));
            }
        }
    }
    match ch.sync {
        Some(SyncPhase::Finished) => {
            out.push(Cb::ConvEvent(crate::kTIMConvEvent_Finish, String::new()))
        }
        Some(SyncPhase::Failed) => {
            out.push(Cb::Experimental("imcore_sync_failed".into(), String::new()))
        }
        _ => {}
    }
    for env in &ch.outbound {
        out.push(Cb::Outbound(crate::tim::json::envelope::outbound_json(env)));
    }
}
