//! The C face's rendering of the shared notices (`crate::notify`, which
//! decides who hears what and in which order) as TIM callbacks.

use crate::notify::{self, Notice, Wants};
use crate::tim::json;
use crate::tim::runtime::{Cb, Session};
use crate::{kTIMConvEvent_Add, kTIMConvEvent_Del, kTIMConvEvent_Update};
use imcore::Changes;
use serde_json::Value;

/// Drains the session's engine and converts every batch.
pub fn collect(s: &mut Session) -> Vec<Cb> {
    let batches = s.engine.drain_changes();
    convert_all(s, batches)
}

/// Converts change batches already drained.
pub fn convert_all(s: &mut Session, batches: Vec<Changes>) -> Vec<Cb> {
    if batches.is_empty() {
        return Vec::new();
    }
    let notices = notify::notices(&s.engine, batches, &s.own_sends, Wants::ALL);
    // The new messages' texts, for the conversations whose last message
    // they are (written once, spliced there).
    let mut written = json::Written::default();
    let mut out = Vec::new();
    for n in &notices {
        render(s, n, &mut written, &mut out);
    }
    out
}

/// One notice as TIM callbacks: none when TIM has no callback for it or
/// the host has not asked for it yet, one per subscribed text for a filter.
fn render<'n>(s: &Session, n: &'n Notice, written: &mut json::Written<'n>, out: &mut Vec<Cb>) {
    out.push(match n {
        Notice::SyncStarted => Cb::ConvEvent(crate::kTIMConvEvent_Start, String::new()),
        Notice::NewMessages(ms) => Cb::NewMessages(json::lifecycle::messages_noting(
            &s.engine,
            ms,
            Some(written),
        )),
        Notice::Revoked(rs) => {
            Cb::Revoked(Value::Array(rs.iter().map(json::lifecycle::locator).collect()).to_string())
        }
        Notice::MessagesUpdated(ms) => {
            Cb::MsgUpdated(json::lifecycle::messages_with_revokers(&s.engine, ms))
        }
        Notice::AllReceiveOpt(o) => {
            Cb::AllRecvOpt(json::lifecycle::all_receive_opt_json(o).to_string())
        }
        Notice::ConvAdded(cs) => {
            Cb::ConvEvent(kTIMConvEvent_Add, json::conv_infos_noted(cs, written))
        }
        Notice::ConvChanged(cs) => {
            Cb::ConvEvent(kTIMConvEvent_Update, json::conv_infos_noted(cs, written))
        }
        Notice::ConvDeleted(keys) => {
            let arr = Value::Array(keys.iter().map(json::deleted_conv_info).collect());
            Cb::ConvEvent(kTIMConvEvent_Del, arr.to_string())
        }
        // The total listener hears the total; whether it is synced is read
        // by call (IMCoreConvGetTotalUnreadSynced).
        Notice::ReadPositionMoved(_) | Notice::GroupChanged(_) => return,
        Notice::UnreadStatus {
            mentions,
            mentions_changed: true,
            ..
        } => Cb::TotalMentions(*mentions),
        Notice::UnreadStatus { .. } => return,
        Notice::FilterMentions(filter, total) => {
            if let Some((_, texts)) = s.filter_subs.iter().find(|(f, _)| f == filter) {
                out.extend(texts.iter().map(|t| Cb::FilterMentions(t.clone(), *total)));
            }
            return;
        }
        Notice::GroupCreated(group, keys) => {
            Cb::GroupCreated(group.name.clone(), json::v2_id_array(keys))
        }
        Notice::GroupDeleted(name) => Cb::GroupDeleted(name.clone()),
        Notice::GroupRenamed(old, group) => Cb::GroupRenamed(old.clone(), group.name.clone()),
        Notice::GroupAdded(name, keys) => Cb::GroupAdded(name.clone(), json::v2_id_array(keys)),
        Notice::GroupRemoved(name, keys) => Cb::GroupRemoved(name.clone(), json::v2_id_array(keys)),
        Notice::Receipts(rs) => Cb::Receipts(json::receipts(rs)),
        Notice::TotalUnread(total) if s.total_listening => Cb::TotalUnread(*total),
        Notice::TotalUnread(_) => return,
        Notice::FilterUnread(filter, total) => {
            if let Some((_, texts)) = s.filter_subs.iter().find(|(f, _)| f == filter) {
                out.extend(texts.iter().map(|t| Cb::FilterUnread(t.clone(), *total)));
            }
            return;
        }
        Notice::SyncFinished => Cb::ConvEvent(crate::kTIMConvEvent_Finish, String::new()),
        Notice::SyncFailed => Cb::Experimental("imcore_sync_failed".into(), String::new()),
        Notice::Outbound(env) => Cb::Outbound(json::envelope::outbound_json(env)),
    });
}
