//! What a refused envelope restores where no confirmed record covers it:
//! the values its change replaced on this device (the undo record written
//! with the envelope), unless a newer change replaced them since.

use super::touches;
use crate::engine::outbound::Outbound;
use crate::engine::work::Work;
use crate::error::{Error, Result};
use crate::types::{ConvKey, CountPref, ReceiveOpt};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// What to restore when the server refuses an envelope: the values the
/// change replaced. Applied only where the current value is still the one
/// the refused change set (a later local change wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "undo", rename_all = "snake_case")]
pub(super) enum Undo {
    Pin {
        conv: ConvKey,
        pinned: bool,
        order_key: u64,
    },
    Marks {
        before: Vec<(ConvKey, u64)>,
    },
    ReceiveOpt {
        conv: ConvKey,
        opt: ReceiveOpt,
    },
    CountPref {
        conv: ConvKey,
        pref: CountPref,
    },
    Text {
        column: String,
        before: Vec<(ConvKey, String)>,
    },
    Receipts {
        msg_ids: Vec<String>,
    },
}

impl Work<'_> {
    /// The values `item`'s change replaced, from the states before this
    /// operation (and the text columns it noted).
    pub(super) fn undo_for(&self, item: &Outbound) -> Option<Undo> {
        let before = |k: &ConvKey| self.lookup(k).and_then(|i| self.before(i));
        match item {
            Outbound::Pin { conv, .. } => before(conv).map(|b| Undo::Pin {
                conv: conv.clone(),
                pinned: b.pinned,
                order_key: b.order_key,
            }),
            Outbound::Marks { convs, .. } => Some(Undo::Marks {
                before: convs
                    .iter()
                    .filter_map(|k| before(k).map(|b| (k.clone(), b.marks)))
                    .collect(),
            }),
            Outbound::ReceiveOpt { conv, .. } => Some(Undo::ReceiveOpt {
                conv: conv.clone(),
                opt: before(conv).map_or(ReceiveOpt::Receive, |b| b.recv_opt),
            }),
            Outbound::CountPref { conv, .. } => Some(Undo::CountPref {
                conv: conv.clone(),
                pref: before(conv).map_or(CountPref::All, |b| b.count_pref),
            }),
            Outbound::CustomData { .. } | Outbound::ServerExtension { .. } => {
                let column = match item {
                    Outbound::CustomData { .. } => "custom_data",
                    _ => "server_ext",
                };
                Some(Undo::Text {
                    column: column.to_owned(),
                    before: self
                        .old_texts
                        .iter()
                        .filter(|(_, c, _)| *c == column)
                        .map(|(k, _, v)| (k.clone(), v.clone()))
                        .collect(),
                })
            }
            Outbound::Receipts { msg_ids, .. } => Some(Undo::Receipts {
                msg_ids: msg_ids.clone(),
            }),
            // Read positions only move forward; deletes and group changes
            // stay; a refused send becomes "send failed".
            _ => None,
        }
    }
}

/// Restores what a refused envelope changed, except where a newer change
/// replaced it: the current value differs from what the refused change set,
/// or a later envelope still queued changes the same thing.
pub(super) fn revert(
    w: &mut Work<'_>,
    item: &Outbound,
    undo: Undo,
    later: &[Outbound],
    settled: &[ConvKey],
) -> Result<()> {
    let kind = std::mem::discriminant(item);
    let superseded = |conv: &ConvKey| {
        settled.contains(conv)
            || later.iter().any(|l| {
                let (k, convs) = touches(l);
                k == kind && convs.contains(&conv)
            })
    };
    match (item, undo) {
        (
            Outbound::Pin { pinned, .. },
            Undo::Pin {
                conv,
                pinned: was,
                order_key,
            },
        ) => {
            if let Some(idx) = w.lookup_visible(&conv).filter(|_| !superseded(&conv)) {
                if w.get(idx).pinned == *pinned && was != *pinned {
                    let st = w.get_mut(idx);
                    st.pinned = was;
                    st.order_key = if was { order_key } else { st.unpinned_key() };
                }
            }
        }
        (Outbound::Marks { mark, enable, .. }, Undo::Marks { before }) => {
            for (conv, prev) in before {
                if let Some(idx) = w.lookup_visible(&conv).filter(|_| !superseded(&conv)) {
                    let st = w.get_mut(idx);
                    // Only the bits this change flipped go back.
                    st.marks = if *enable {
                        st.marks & !(mark & !prev)
                    } else {
                        st.marks | (mark & prev)
                    };
                }
            }
        }
        (Outbound::ReceiveOpt { opt, .. }, Undo::ReceiveOpt { conv, opt: prev }) => {
            if let Some(idx) = w.lookup(&conv).filter(|_| !superseded(&conv)) {
                if w.get(idx).recv_opt == *opt {
                    w.get_mut(idx).recv_opt = prev;
                }
            }
        }
        (Outbound::CountPref { pref, .. }, Undo::CountPref { conv, pref: prev }) => {
            if let Some(idx) = w.lookup(&conv).filter(|_| !superseded(&conv)) {
                if w.get(idx).count_pref == *pref {
                    w.get_mut(idx).count_pref = prev;
                }
            }
        }
        (_, Undo::Text { column, before }) => {
            let (new, sql) = match item {
                Outbound::CustomData { data, .. } => (
                    data,
                    "UPDATE conversation SET custom_data = ?2 WHERE id = ?1 AND custom_data = ?3",
                ),
                Outbound::ServerExtension { ext, .. } => (
                    ext,
                    "UPDATE conversation SET server_ext = ?2 WHERE id = ?1 AND server_ext = ?3",
                ),
                _ => {
                    return Err(Error::StoreUnusable(format!(
                        "the undo record ({column}) does not fit its envelope"
                    )))
                }
            };
            for (conv, prev) in before {
                if let Some(idx) = w.lookup_visible(&conv).filter(|_| !superseded(&conv)) {
                    let id = w.get(idx).id;
                    if w.tx.prepare_cached(sql)?.execute(params![id, prev, new])? > 0 {
                        w.mark_dirty(idx);
                    }
                }
            }
        }
        (_, Undo::Receipts { msg_ids }) => {
            for id in msg_ids {
                if let Some(rowid) = w.find_message(&id)? {
                    w.tx.prepare_cached("UPDATE message SET flags = flags & ~?2 WHERE id = ?1")?
                        .execute(params![rowid, crate::message::flags::RECEIPT_SENT])?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}
