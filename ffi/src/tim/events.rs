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

/// Converts change batches already drained. The notices whose JSON is
/// large (new and edited messages, revokes, conversation events) are
/// rendered at delivery, from what they carry ([`Deferred`]): on the
/// dispatcher thread in thread mode, not under the session's lock.
pub fn convert_all(s: &mut Session, batches: Vec<Changes>) -> Vec<Cb> {
    if batches.is_empty() {
        return Vec::new();
    }
    // Conversation snapshots only when a conversation listener is there to
    // hear them (`Wants::snapshots`).
    let wants = Wants {
        snapshots: crate::tim::runtime::heard().conversations,
        ..Wants::ALL
    };
    convert(s, batches, wants)
}

/// [`convert_all`] for the notices `wants` asks for.
fn convert(s: &mut Session, batches: Vec<Changes>, wants: Wants) -> Vec<Cb> {
    let mut out = Vec::new();
    for n in notify::notices(&s.engine, batches, &s.own_sends, wants) {
        if Deferred::takes(&n) {
            if !matches!(out.last(), Some(Cb::Deferred(_))) {
                out.push(Cb::Deferred(Box::default()));
            }
            if let Some(Cb::Deferred(d)) = out.last_mut() {
                d.add(&s.engine, n);
            }
        } else {
            render(s, n, &mut out);
        }
    }
    out
}

/// Consecutive notices rendered at delivery, in order, with what their text
/// needs from the engine read beforehand (who revoked a revoked message).
/// The texts are those [`render`] would write at once.
#[derive(Debug, Clone, Default)]
pub struct Deferred {
    notices: Vec<Notice>,
    revokers: json::lifecycle::Revokers,
}

impl Deferred {
    /// Whether `n` is rendered at delivery.
    fn takes(n: &Notice) -> bool {
        matches!(
            n,
            Notice::NewMessages(_)
                | Notice::Revoked(_)
                | Notice::MessagesUpdated(_)
                | Notice::ConvAdded(_)
                | Notice::ConvChanged(_)
                | Notice::ConvDeleted(_)
        )
    }

    fn add(&mut self, engine: &imcore::Engine, n: Notice) {
        if let Notice::NewMessages(ms) | Notice::MessagesUpdated(ms) = &n {
            self.revokers
                .extend(json::lifecycle::revocations(engine, ms));
        }
        self.notices.push(n);
    }

    /// Passes the callbacks to `deliver` one by one, in order, each written
    /// only when `heard` (called just before each, so the listeners are
    /// looked up at its delivery, as every listener is, and one registered
    /// by an earlier callback of the batch hears the next) says a listener
    /// is registered for its kind. A conversation's last message that is
    /// one of the new messages written before is spliced from their text.
    pub(crate) fn deliver_each(&self, heard: impl Fn() -> Heard, mut deliver: impl FnMut(Cb)) {
        let mut written = json::Written::default();
        let r = &self.revokers;
        for n in &self.notices {
            let h = heard();
            let listened = match n {
                Notice::NewMessages(_) => h.new_messages,
                Notice::MessagesUpdated(_) => h.updates,
                Notice::Revoked(_) => h.revokes,
                _ => h.conversations,
            };
            if !listened {
                continue;
            }
            deliver(match n {
                Notice::NewMessages(ms) => {
                    Cb::NewMessages(json::lifecycle::messages_noting(ms, r, Some(&mut written)))
                }
                Notice::MessagesUpdated(ms) => {
                    Cb::MsgUpdated(json::lifecycle::messages_noting(ms, r, None))
                }
                Notice::Revoked(rs) => Cb::Revoked(
                    Value::Array(rs.iter().map(json::lifecycle::locator).collect()).to_string(),
                ),
                Notice::ConvAdded(cs) => {
                    Cb::ConvEvent(kTIMConvEvent_Add, json::conv_infos_noted(cs, &written))
                }
                Notice::ConvChanged(cs) => {
                    Cb::ConvEvent(kTIMConvEvent_Update, json::conv_infos_noted(cs, &written))
                }
                Notice::ConvDeleted(keys) => {
                    let arr = Value::Array(keys.iter().map(json::deleted_conv_info).collect());
                    Cb::ConvEvent(kTIMConvEvent_Del, arr.to_string())
                }
                _ => continue,
            });
        }
    }

    /// The callbacks [`Deferred::deliver_each`] would pass, the listeners
    /// fixed.
    pub(crate) fn render(&self, heard: Heard) -> Vec<Cb> {
        let mut out = Vec::new();
        self.deliver_each(|| heard, |cb| out.push(cb));
        out
    }
}

/// Which listeners of [`Deferred`]'s callbacks are registered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Heard {
    /// New messages (`TIMAddRecvNewMsgCallback`).
    pub new_messages: bool,
    /// Edited messages (`TIMSetMsgUpdateCallback`).
    pub updates: bool,
    /// Revokes (`TIMSetMsgRevokeCallback`).
    pub revokes: bool,
    /// Conversation events (`TIMSetConvEventCallback`).
    pub conversations: bool,
}

impl Heard {
    /// Every kind (a function, not a constant: the header generator would
    /// export a constant).
    pub(crate) fn all() -> Heard {
        Heard {
            new_messages: true,
            updates: true,
            revokes: true,
            conversations: true,
        }
    }
}

/// One notice as TIM callbacks: none when TIM has no callback for it or
/// the host has not asked for it yet, one per subscribed text for a filter.
fn render(s: &Session, n: Notice, out: &mut Vec<Cb>) {
    out.push(match n {
        Notice::SyncStarted => Cb::ConvEvent(crate::kTIMConvEvent_Start, String::new()),
        Notice::AllReceiveOpt(o) => {
            Cb::AllRecvOpt(json::lifecycle::all_receive_opt_json(&o).to_string())
        }
        // Rendered at delivery (`Deferred`).
        Notice::NewMessages(_)
        | Notice::Revoked(_)
        | Notice::MessagesUpdated(_)
        | Notice::ConvAdded(_)
        | Notice::ConvChanged(_)
        | Notice::ConvDeleted(_) => {
            let mut d = Deferred::default();
            d.add(&s.engine, n);
            out.extend(d.render(Heard::all()));
            return;
        }
        // The total listener hears the total; whether it is synced is read
        // by call (IMCoreConvGetTotalUnreadSynced).
        Notice::ReadPositionMoved(_) | Notice::GroupChanged(_) => return,
        Notice::UnreadStatus {
            mentions,
            mentions_changed: true,
            ..
        } => Cb::TotalMentions(mentions),
        Notice::UnreadStatus { .. } => return,
        Notice::FilterMentions(filter, total) => {
            if let Some((_, texts)) = s.filter_subs.iter().find(|(f, _)| *f == filter) {
                out.extend(texts.iter().map(|t| Cb::FilterMentions(t.clone(), total)));
            }
            return;
        }
        Notice::GroupCreated(group, keys) => Cb::GroupCreated(group.name, json::v2_id_array(&keys)),
        Notice::GroupDeleted(name) => Cb::GroupDeleted(name),
        Notice::GroupRenamed(old, group) => Cb::GroupRenamed(old, group.name),
        Notice::GroupAdded(name, keys) => Cb::GroupAdded(name, json::v2_id_array(&keys)),
        Notice::GroupRemoved(name, keys) => Cb::GroupRemoved(name, json::v2_id_array(&keys)),
        Notice::Receipts(rs) => Cb::Receipts(json::receipts(&rs)),
        Notice::TotalUnread(total) if s.total_listening => Cb::TotalUnread(total),
        Notice::TotalUnread(_) => return,
        Notice::FilterUnread(filter, total) => {
            if let Some((_, texts)) = s.filter_subs.iter().find(|(f, _)| *f == filter) {
                out.extend(texts.iter().map(|t| Cb::FilterUnread(t.clone(), total)));
            }
            return;
        }
        Notice::SyncFinished => Cb::ConvEvent(crate::kTIMConvEvent_Finish, String::new()),
        Notice::SyncFailed => Cb::Experimental("imcore_sync_failed".into(), String::new()),
        Notice::Outbound(env) => Cb::Outbound(json::envelope::outbound_json(&env)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use imcore::{ConvKey, Engine, EngineConfig, IncomingMessage};

    /// A push's deferred callbacks are the texts written at once, and only
    /// those of kinds a listener is registered for.
    #[test]
    fn deferred_callbacks_are_the_texts_written_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let engine = Engine::open(dir.path(), 1, "me", EngineConfig::default()).expect("open");
        let mut s = Session {
            engine,
            total_listening: true,
            filter_subs: Vec::new(),
            own_sends: Default::default(),
            pending_sends: Default::default(),
        };
        let msg = |id: &str, peer: &str, t: u64| IncomingMessage {
            body: r#"{"z":[1],"message_elem_array":[{"text_elem_content":"hi","elem_type":0}]}"#
                .into(),
            ..IncomingMessage::new(id, ConvKey::c2c(peer).expect("key"), peer, t, 0)
        };
        s.engine
            .receive(vec![
                msg("a", "bob", 10),
                msg("b", "bob", 11),
                msg("c", "amy", 12),
            ])
            .expect("receive");
        let batches = s.engine.drain_changes();
        let new: Vec<_> = batches
            .iter()
            .flat_map(|b| b.new_messages.clone())
            .collect();
        // Without a conversation listener no snapshot is read: only the
        // new messages are deferred.
        let without = convert(
            &mut s,
            batches.clone(),
            Wants {
                snapshots: false,
                ..Wants::ALL
            },
        );
        let Some(Cb::Deferred(d)) = without.iter().find(|c| matches!(c, Cb::Deferred(_))) else {
            panic!("no deferred callbacks in {without:?}");
        };
        assert!(matches!(&d.render(Heard::all())[..], [Cb::NewMessages(_)]));
        let out = convert(&mut s, batches, Wants::ALL);
        let Some(Cb::Deferred(d)) = out.iter().find(|c| matches!(c, Cb::Deferred(_))) else {
            panic!("no deferred callbacks in {out:?}");
        };
        let all = d.render(Heard::all());
        let keys = [
            ConvKey::c2c("bob").expect("key"),
            ConvKey::c2c("amy").expect("key"),
        ];
        // Added conversations, in the order the push added them.
        let convs: Vec<_> = keys
            .iter()
            .map(|k| s.engine.conversation(k).expect("read"))
            .collect();
        let texts: Vec<String> = all
            .iter()
            .map(|c| match c {
                Cb::NewMessages(t) | Cb::ConvEvent(_, t) => t.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            texts,
            [
                json::lifecycle::messages_with_revokers(&s.engine, &new),
                json::conv_infos(&convs)
            ]
        );
        let none = Heard {
            new_messages: false,
            updates: false,
            revokes: false,
            conversations: false,
        };
        assert!(d.render(none).is_empty());
        let convs_only = Heard {
            conversations: true,
            ..none
        };
        assert!(matches!(&d.render(convs_only)[..], [Cb::ConvEvent(_, t)] if *t == texts[1]));
        // A listener registered by an earlier callback of the batch hears
        // the next: the listeners are looked up before each.
        let now = std::cell::Cell::new(Heard {
            new_messages: true,
            ..none
        });
        let mut got = Vec::new();
        d.deliver_each(
            || now.get(),
            |cb| {
                now.set(Heard::all());
                got.push(cb);
            },
        );
        assert!(matches!(&got[..], [Cb::NewMessages(_), Cb::ConvEvent(_, t)] if *t == texts[1]));
    }
}
