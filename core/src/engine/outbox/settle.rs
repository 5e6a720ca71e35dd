//! How the server's answer to a settings envelope (pin, marks, receive
//! option, count preference, custom data, extension) settles through the
//! confirmed record ([`crate::engine::confirmed`]): an accepted change
//! becomes the confirmed value, a refused one goes back to it.

use super::touches;
use crate::engine::confirmed::{self, Confirmed};
use crate::engine::outbound::Outbound;
use crate::engine::work::Work;
use crate::error::Result;
use crate::types::ConvKey;
use rusqlite::params;

impl Work<'_> {
    /// Before the first settings change of a conversation goes out, records
    /// the values it replaced as what the server confirmed: the device was
    /// in step with the server (or nothing was ever set), and a refusal, in
    /// whatever order, must come back to them.
    pub(super) fn confirm_before(&mut self, item: &Outbound) -> Result<()> {
        let Some((_, convs)) = setting(item) else {
            return Ok(());
        };
        for conv in convs {
            let Some(idx) = self.lookup(conv) else {
                continue;
            };
            let id = self.get(idx).id;
            if confirmed::load(self, id)?.is_some() {
                continue;
            }
            // A conversation this operation created had nothing set.
            let Some(st) = self.before(idx).cloned() else {
                confirmed::store(self, id, &Confirmed::default())?;
                continue;
            };
            let mut c = Confirmed::current(self, &st)?;
            for (k, column, old) in &self.old_texts {
                if k == conv {
                    match *column {
                        "custom_data" => c.custom_data = old.clone(),
                        "server_ext" => c.server_ext = old.clone(),
                        _ => {}
                    }
                }
            }
            confirmed::store(self, id, &c)?;
        }
        Ok(())
    }
}

/// One setting a settings envelope changes.
#[derive(Clone, Copy)]
enum Setting {
    Pin,
    Marks(u64),
    Opt,
    Pref,
    Text(&'static str),
}

/// The setting `item` changes and the conversations it changes it on.
/// Whether `item` is a setting [`settle`] applies through the confirmed
/// record (only then does it read the envelopes queued after it).
pub(super) fn is_setting(item: &Outbound) -> bool {
    setting(item).is_some()
}

fn setting(item: &Outbound) -> Option<(Setting, Vec<&ConvKey>)> {
    Some(match item {
        Outbound::Pin { conv, .. } => (Setting::Pin, vec![conv]),
        Outbound::Marks { convs, mark, .. } => (Setting::Marks(*mark), convs.iter().collect()),
        Outbound::ReceiveOpt { conv, .. } => (Setting::Opt, vec![conv]),
        Outbound::CountPref { conv, .. } => (Setting::Pref, vec![conv]),
        Outbound::CustomData { convs, .. } => {
            (Setting::Text("custom_data"), convs.iter().collect())
        }
        Outbound::ServerExtension { conv, .. } => (Setting::Text("server_ext"), vec![conv]),
        _ => return None,
    })
}

/// `c` with the change of `item`, accepted at update time `u` (0: not
/// given), applied to every value whose confirmed version is not newer.
/// Returns the mark bits the change may set here (all others are newer).
fn with_change(item: &Outbound, c: &mut Confirmed, u: u64) -> u64 {
    let v = &mut c.versions;
    let all = v.all;
    let newer = |field: u64| u > 0 && u < field.max(all);
    match item {
        Outbound::Pin { pinned, .. } if !newer(v.pin) => {
            c.pinned = *pinned;
            v.pin = u;
        }
        Outbound::Marks { mark, enable, .. } => {
            let mut bits = 0;
            for b in (0..64).filter(|b| mark & (1 << b) != 0) {
                let ver = v.marks.entry(b).or_insert(0);
                if !newer(*ver) {
                    *ver = u;
                    bits |= 1 << b;
                }
            }
            c.marks = if *enable {
                c.marks | bits
            } else {
                c.marks & !bits
            };
            return bits;
        }
        Outbound::ReceiveOpt { opt, .. } if !newer(v.opt) => {
            c.recv_opt = opt.as_i64();
            v.opt = u;
        }
        Outbound::CountPref { pref, .. } if !newer(v.pref) => {
            c.count_pref = pref.as_i64();
            v.pref = u;
        }
        Outbound::CustomData { data, .. } if !newer(v.custom) => {
            c.custom_data = data.clone();
            v.custom = u;
        }
        Outbound::ServerExtension { ext, .. } if !newer(v.ext) => {
            c.server_ext = ext.clone();
            v.ext = u;
        }
        _ => return 0,
    }
    u64::MAX
}

/// Sets this device's value of `what` on conversation `idx` to the
/// confirmed one.
fn set_local(w: &mut Work<'_>, idx: u32, what: &Setting, c: &Confirmed) -> Result<()> {
    match what {
        Setting::Pin => {
            let st = w.get(idx);
            if st.visible && st.pinned != c.pinned {
                let now = w.now;
                let st = w.get_mut(idx);
                st.pinned = c.pinned;
                st.order_key = if c.pinned {
                    st.pinned_key(now)
                } else {
                    st.unpinned_key()
                };
            }
        }
        Setting::Marks(mark) => {
            let st = w.get(idx);
            let marks = (st.marks & !mark) | (c.marks & mark);
            if st.visible && marks != st.marks {
                w.get_mut(idx).marks = marks;
            }
        }
        Setting::Opt => {
            let opt = c.opt()?;
            if w.get(idx).recv_opt != opt {
                w.get_mut(idx).recv_opt = opt;
            }
        }
        Setting::Pref => {
            let pref = c.pref()?;
            if w.get(idx).count_pref != pref {
                w.get_mut(idx).count_pref = pref;
            }
        }
        Setting::Text(column) => {
            let (sql, value) = match *column {
                "custom_data" => (
                    "UPDATE conversation SET custom_data = ?2 WHERE id = ?1 AND custom_data != ?2",
                    &c.custom_data,
                ),
                _ => (
                    "UPDATE conversation SET server_ext = ?2 WHERE id = ?1 AND server_ext != ?2",
                    &c.server_ext,
                ),
            };
            let id = w.get(idx).id;
            if w.tx.prepare_cached(sql)?.execute(params![id, value])? > 0 {
                w.mark_dirty(idx);
            }
        }
    }
    Ok(())
}

/// Applies the server's answer to a settings envelope through the
/// confirmed record: an accepted change (at `update_time`, 0 = not given)
/// becomes the confirmed value, and this device's value unless a newer
/// server state is here already or a later queued envelope changes the same
/// thing; a refused one restores the confirmed value, with the same
/// exception. Returns the conversations settled this way; a refusal on a
/// conversation with no confirmed record is left to the undo record.
pub(super) fn settle(
    w: &mut Work<'_>,
    item: &Outbound,
    accepted: bool,
    update_time: u64,
    later: &[Outbound],
) -> Result<Vec<ConvKey>> {
    let Some((what, convs)) = setting(item) else {
        return Ok(Vec::new());
    };
    let kind = std::mem::discriminant(item);
    let mut settled = Vec::new();
    for conv in convs {
        let Some(idx) = w.lookup(conv) else { continue };
        let superseded = later.iter().any(|l| {
            let (k, cs) = touches(l);
            k == kind && cs.contains(&conv)
        });
        let id = w.get(idx).id;
        let sync_time: i64 =
            w.tx.prepare_cached("SELECT sync_time FROM conversation WHERE id = ?1")?
                .query_row([id], |r| r.get(0))?;
        let stored = confirmed::load(w, id)?;
        if accepted {
            settled.push(conv.clone());
            let mut c = match stored {
                Some(c) => c,
                None => Confirmed::current(w, w.get(idx))?,
            };
            // A value confirmed at a newer update time holds this change or
            // one after it: it stays.
            let applied = with_change(item, &mut c, update_time);
            confirmed::store(w, id, &c)?;
            if applied == 0 {
                continue;
            }
            if update_time as i64 > sync_time {
                // A snapshot older than this change no longer applies; the
                // server's snapshot of this very version still does.
                w.tx.prepare_cached(
                    "UPDATE conversation SET sync_time = ?2, sync_digest = ?3 WHERE id = ?1",
                )?
                .execute(params![id, update_time as i64, i64::MIN])?;
            }
            if !superseded {
                let what = match what {
                    Setting::Marks(m) => Setting::Marks(m & applied),
                    other => other,
                };
                set_local(w, idx, &what, &c)?;
            }
        } else if let Some(c) = stored {
            settled.push(conv.clone());
            if !superseded {
                set_local(w, idx, &what, &c)?;
            }
        }
    }
    Ok(settled)
}
