//! Server sync: lifecycle events and merging server conversation state so
//! that devices converge whatever order the states arrive in — read
//! positions by maximum, every other field as one snapshot chosen by the
//! server's update time (ties broken by a digest of the snapshot).

use super::readpos::{check_position, merge_read_pos, PositionKeys, ReadSource};

/// The snapshot's read-position keys (TIM's ConvInfo).
const SNAPSHOT_POSITION_KEYS: PositionKeys = PositionKeys {
    time: "conv_c2c_read_timestamp",
    seq: "conv_group_read_sequence",
};
use super::work::GroupUpdate;
use super::Engine;
use crate::conversation::ConversationGroup;
use crate::error::{invalid, Result};
use crate::events::{Changes, SyncPhase};
use crate::types::{marks, ConvKey, CountPref, GroupType, ReceiveOpt};
use rusqlite::params;

/// A conversation's state as the server keeps it. Absent options mean the
/// default (not pinned, no marks, receive, no groups, empty texts): a state
/// is a whole snapshot, not a patch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationSync {
    /// The conversation.
    pub key: Option<ConvKey>,
    /// The server's update time of this state (any monotonic unit).
    pub update_time: u64,
    /// Group type (groups).
    pub group_type: Option<GroupType>,
    /// C2C: read up to this time (seconds); merged by maximum.
    pub read_timestamp: u64,
    /// Group: read up to this sequence; merged by maximum.
    pub read_sequence: u64,
    /// The read position's version (`None`: not given, the position merges
    /// forward only); positions merge by the greater (version, position).
    pub read_version: Option<u64>,
    /// Pinned.
    pub pinned: bool,
    /// Mark bits.
    pub marks: u64,
    /// Receive option.
    pub recv_opt: ReceiveOpt,
    /// Count preference.
    pub count_pref: CountPref,
    /// Conversation-group names it belongs to (missing groups are created).
    pub groups: Vec<String>,
    /// Tencent custom data.
    pub custom_data: String,
    /// Server extension.
    pub server_ext: String,
    /// Deleted on the server.
    pub deleted: bool,
}

impl ConversationSync {
    /// Checks every field against the engine's limits; the error names the
    /// conversation and the key.
    pub fn validate(&self, config: &crate::config::EngineConfig) -> Result<()> {
        let s = self;
        let key = s
            .key
            .as_ref()
            .ok_or_else(|| invalid("conversation state without an id"))?;
        crate::types::check_id("conversation peer id", &key.peer)?;
        if s.update_time > i64::MAX as u64 {
            return Err(invalid(format!(
                "{key}: update_time {} is out of range (at most {})",
                s.update_time,
                i64::MAX
            )));
        }
        check_position(
            key,
            s.read_timestamp,
            s.read_sequence,
            &SNAPSHOT_POSITION_KEYS,
            false,
        )?;
        super::unread::check_version(key, s.read_version)?;
        if s.marks & !marks::ALLOWED != 0 {
            return Err(invalid(format!(
                "{key}: conv_mark_array bits {:#x} are not allowed (allowed {:#x})",
                s.marks,
                marks::ALLOWED
            )));
        }
        if s.custom_data.len() > config.custom_data_max {
            return Err(invalid(format!(
                "{key}: conv_custom_data is {} bytes; at most {}",
                s.custom_data.len(),
                config.custom_data_max
            )));
        }
        if s.server_ext.len() > config.extension_max {
            return Err(invalid(format!(
                "{key}: server_ext is {} bytes; at most {}",
                s.server_ext.len(),
                config.extension_max
            )));
        }
        for g in &s.groups {
            if g.is_empty() || g.len() > config.group_name_max || g.contains('\0') {
                return Err(invalid(format!(
                    "{key}: conv_conversation_group_array name {g:?} is not 1..={} bytes without NUL",
                    config.group_name_max
                )));
            }
        }
        Ok(())
    }

    /// A stable 64-bit digest of the snapshot fields (FNV-1a), to order two
    /// states with the same update time the same way on every device.
    fn digest(&self) -> i64 {
        let mut groups = self.groups.clone();
        groups.sort();
        let text = format!(
            "{:?}|{}|{}|{}|{}|{:?}|{}|{}|{}",
            self.group_type.map(|g| g.as_i64()),
            self.pinned,
            self.marks,
            self.recv_opt.as_i64(),
            groups.join("\u{1}"),
            self.custom_data,
            self.server_ext,
            self.deleted,
            self.custom_data.len()
        );
        // The preference joined the snapshot later: the default leaves the
        // digests of older snapshots as they were.
        let text = match self.count_pref {
            CountPref::All => text,
            p => format!("{text}|pref{}", p.as_i64()),
        };
        let h = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        (h >> 1) as i64
    }
}

impl Engine {
    /// Records a sync lifecycle event (started / finished / failed).
    /// The first `Finished` of a login with a transport attached also
    /// reports the total again, now synced (`Changes::total_synced`), even
    /// when it did not change: until then it may lag behind the server (docs/ENGINE.md, "Totals before the
    /// first sync").
    pub fn sync_phase(&mut self, phase: SyncPhase) {
        log::info!("sync {phase:?}");
        // Reported again only when it was provisional (with a transport).
        let first_finish = phase == SyncPhase::Finished && !self.total_synced();
        if phase == SyncPhase::Finished {
            self.first_sync_done = true;
        }
        self.pending.push_back(Changes {
            sync: Some(phase),
            total_unread: first_finish.then_some(self.counters.total),
            total_synced: first_finish,
            ..Default::default()
        });
    }

    /// Merges server conversation states in one transaction. Read positions
    /// move forward only (firing the read-time event when they move); the
    /// other fields take the state with the greatest (update time, digest),
    /// so any arrival order (and repeats) end in the same state.
    pub fn merge_conversations(&mut self, states: Vec<ConversationSync>) -> Result<()> {
        log::debug!("sync: {} conversation snapshots", states.len());
        for s in &states {
            s.validate(&self.config)?;
        }
        let mut names = self.groups.names().clone();
        self.commit(|w| {
            for s in states {
                let key = s.key.clone().expect("checked above");
                let idx = w.conv_for(&key)?;
                let limit = w
                    .get(idx)
                    .position_of_mark(s.read_timestamp, s.read_sequence);
                if (s.read_version.is_some() || s.read_timestamp > 0 || s.read_sequence > 0)
                    && merge_read_pos(w, idx, limit, s.read_version, ReadSource::Sync)?
                {
                    let mark = w.get(idx).read_mark();
                    w.changes.read_time_updated.push((key.clone(), mark));
                }
                let id = w.get(idx).id;
                let (cur_time, cur_digest): (i64, i64) =
                    w.tx.prepare_cached(
                        "SELECT sync_time, sync_digest FROM conversation WHERE id = ?1",
                    )?
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let digest = s.digest();
                if (s.update_time as i64, digest) <= (cur_time, cur_digest) {
                    continue;
                }
                super::confirmed::store(
                    w,
                    id,
                    &super::confirmed::Confirmed {
                        pinned: s.pinned && !s.deleted,
                        marks: s.marks,
                        recv_opt: s.recv_opt.as_i64(),
                        count_pref: s.count_pref.as_i64(),
                        custom_data: s.custom_data.clone(),
                        server_ext: s.server_ext.clone(),
                        versions: super::confirmed::Versions {
                            all: s.update_time,
                            ..Default::default()
                        },
                    },
                )?;
                w.tx.prepare_cached(
                    "UPDATE conversation SET sync_time = ?2, sync_digest = ?3, custom_data = ?4,
                         server_ext = ?5
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    s.update_time as i64,
                    digest,
                    s.custom_data,
                    s.server_ext
                ])?;
                // Group memberships: create missing groups, then set exactly.
                let mut gids = Vec::new();
                for g in &s.groups {
                    let gid = match names.get(g) {
                        Some(&gid) => gid,
                        None => {
                            w.tx.prepare_cached(
                                "INSERT INTO conv_group (name, create_time, update_time)
                                 VALUES (?1, ?2, ?2)",
                            )?
                            .execute(params![g, w.now as i64])?;
                            let gid = w.tx.last_insert_rowid() as u32;
                            names.insert(g.clone(), gid);
                            w.group_updates.push(GroupUpdate::Upsert(ConversationGroup {
                                id: u64::from(gid),
                                name: g.clone(),
                                server_ext: String::new(),
                                create_time: w.now,
                                update_time: w.now,
                            }));
                            gid
                        }
                    };
                    gids.push(gid);
                }
                gids.sort_unstable();
                gids.dedup();
                w.tx.prepare_cached("DELETE FROM conv_group_member WHERE conv = ?1")?
                    .execute([id])?;
                for gid in &gids {
                    w.tx.prepare_cached(
                        "INSERT INTO conv_group_member (group_id, conv) VALUES (?1, ?2)",
                    )?
                    .execute(params![gid, id])?;
                }
                let group_type = s.group_type.or(w.get(idx).group_type);
                let regroup_type = group_type != w.get(idx).group_type;
                let pin_time = s.update_time.min(crate::message::MAX_TIME);
                let st = w.get_mut(idx);
                st.group_type = group_type;
                st.recv_opt = s.recv_opt;
                st.count_pref = s.count_pref;
                st.marks = s.marks;
                st.groups = gids.into();
                // docs/TRANSPORT.md, "Several devices": a deleted snapshot
                // reads up to its own read position (moved above), not up to
                // this device's newest message, and hides the conversation
                // unless a message after that position is here; one that is
                // not deleted shows it only with a message or something set
                // on a shown conversation (a receive option alone does not).
                let deleted_upto = match (key.conv_type, s.read_timestamp, s.read_sequence) {
                    (crate::types::ConvType::C2c, t, _) if t > 0 => st.read_limit(t, 0),
                    (crate::types::ConvType::Group, _, q) if q > 0 => q as i64,
                    _ => 0,
                };
                if s.deleted {
                    st.visible = st.max_pos > deleted_upto;
                    st.pinned = false;
                } else {
                    if st.last_msg.is_some()
                        || st.max_pos > 0
                        || s.pinned
                        || s.marks != 0
                        || !s.groups.is_empty()
                        || !s.custom_data.is_empty()
                        || !s.server_ext.is_empty()
                    {
                        st.visible = true;
                    }
                    st.pinned = s.pinned && st.visible;
                }
                st.order_key = if st.pinned {
                    st.pinned_key(pin_time)
                } else {
                    st.unpinned_key()
                };
                w.mark_dirty(idx);
                if s.deleted {
                    w.tx.prepare_cached(
                        "UPDATE conversation SET deleted_upto = max(deleted_upto, ?2) WHERE id = ?1",
                    )?
                    .execute(params![id, deleted_upto])?;
                }
                if regroup_type || s.deleted {
                    w.recount(idx)?;
                }
            }
            Ok(())
        })
    }
}
