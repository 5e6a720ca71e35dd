//! Cleaning unread, receive options and read positions from other devices.

use super::outbound::{Outbound, ReadPosition};
use super::readpos::{
    check_position, merge_read_pos, move_read_pos, ReadSource, READ_POSITION_KEYS,
};
use super::work::Work;
use super::Engine;
use crate::conversation::OperationFailure;
use crate::error::{invalid, Error, Result};
use crate::message::MAX_TIME;
use crate::types::{ConvKey, ConvType, ReceiveOpt};

/// What `cleanConversationUnreadMessageCount` cleans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CleanTarget {
    /// One conversation (`c2c_<id>` / `group_<id>`).
    Conversation(ConvKey),
    /// Every C2C conversation (`"c2c"`).
    AllC2c,
    /// Every group conversation (`"group"`).
    AllGroups,
    /// Every conversation (`""`).
    All,
}

/// Every conversation type.
const ALL_TYPES: [ConvType; 2] = [ConvType::C2c, ConvType::Group];

impl CleanTarget {
    /// Parses Tencent's conversation id argument: `c2c_<id>`, `group_<id>`,
    /// `"c2c"`, `"group"` or `""`.
    pub fn parse(id: &str) -> Result<Self> {
        match id {
            "" => Ok(CleanTarget::All),
            "c2c" => Ok(CleanTarget::AllC2c),
            "group" => Ok(CleanTarget::AllGroups),
            other => ConvKey::parse_v2(other).map(CleanTarget::Conversation),
        }
    }
}

impl Engine {
    /// Cleans unread as Tencent's `cleanConversationUnreadMessageCount`:
    /// one C2C conversation up to `timestamp` (seconds, 0 = everything),
    /// one group up to `sequence` (0 = everything), or every conversation
    /// of a type / of all types (timestamp and sequence are then ignored).
    /// Read positions only move forward; cleaning what is read already is a
    /// successful no-op.
    pub fn clean_unread(
        &mut self,
        target: &CleanTarget,
        timestamp: u64,
        sequence: u64,
    ) -> Result<()> {
        if timestamp > MAX_TIME {
            return Err(invalid(format!(
                "clean timestamp {timestamp} is out of range (at most {MAX_TIME})"
            )));
        }
        if sequence > i64::MAX as u64 {
            return Err(invalid(format!(
                "clean sequence {sequence} is out of range"
            )));
        }
        match target {
            CleanTarget::Conversation(key) => {
                let idx = self.visible_idx(key)?;
                self.commit(|w| {
                    let limit = w.get(idx).local_read_limit(timestamp, sequence);
                    announce_read(w, vec![idx], |w, i| {
                        move_read_pos(w, i, limit, ReadSource::Local)
                    })
                })
            }
            CleanTarget::AllC2c => self.clean_types(&[ConvType::C2c]),
            CleanTarget::AllGroups => self.clean_types(&[ConvType::Group]),
            CleanTarget::All => self.clean_types(&ALL_TYPES),
        }
    }

    /// Marks every conversation read (`markAllMessageAsRead`).
    pub fn mark_all_read(&mut self) -> Result<()> {
        self.clean_types(&ALL_TYPES)
    }

    /// Clears the unread of every conversation of the given types (NIM
    /// `clearUnreadCountByTypes`); an empty list is a parameter error.
    pub fn clear_unread_by_types(&mut self, types: &[ConvType]) -> Result<()> {
        if types.is_empty() {
            return Err(invalid("conversation type list is empty"));
        }
        self.clean_types(types)
    }

    /// Clears the unread of every conversation in a conversation group.
    pub fn clear_unread_by_group(&mut self, group_name: &str) -> Result<()> {
        let gid = self.groups.id_of(group_name)?;
        let members: Vec<u32> = self
            .order
            .iter()
            .map(|&(_, i)| i)
            .filter(|&i| self.convs[i as usize].groups.contains(&gid))
            .collect();
        self.clean_indices(members)
    }

    /// Clears the unread of the given conversations; returns the per-id
    /// failures (unknown ids) while clearing the others.
    pub fn clear_unread_by_ids(&mut self, keys: &[ConvKey]) -> Result<Vec<OperationFailure>> {
        self.check_batch(keys.len())?;
        let (found, failures) = self.visible_indices(keys);
        self.clean_indices(found)?;
        Ok(failures)
    }

    /// NIM `markConversationRead`: marks one conversation read up to its
    /// newest message and returns the read time (C2C, seconds) or sequence.
    pub fn mark_conversation_read(&mut self, key: &ConvKey) -> Result<u64> {
        let idx = self.visible_idx(key)?;
        self.commit(|w| announce_read(w, vec![idx], read_all))?;
        Ok(self.convs[idx as usize].read_mark())
    }

    /// The read time (C2C, seconds) or read sequence (group) of a conversation.
    pub fn read_mark(&self, key: &ConvKey) -> Result<u64> {
        Ok(self.convs[self.visible_idx(key)? as usize].read_mark())
    }

    /// Another of my devices read up to `timestamp` (C2C) / `sequence`
    /// (group); the other field must be 0 (a position of the wrong kind is
    /// refused). Without a version, positions only move forward; a move
    /// fires the read-time updated event.
    pub fn apply_read_position(
        &mut self,
        key: &ConvKey,
        timestamp: u64,
        sequence: u64,
    ) -> Result<()> {
        self.apply_read_position_versioned(key, timestamp, sequence, None)
    }

    /// [`Engine::apply_read_position`] with the position's version
    /// (`read_version`; `None`: not given). Positions merge by the greater
    /// (version, position): a higher version moves the position back (a
    /// mark-unread on another device), a lower one changes nothing, the
    /// same one moves forward only (docs/ENGINE.md, "Moving back"). With a
    /// version, the own field may be 0: nothing read.
    pub fn apply_read_position_versioned(
        &mut self,
        key: &ConvKey,
        timestamp: u64,
        sequence: u64,
        version: Option<u64>,
    ) -> Result<()> {
        check_position(
            key,
            timestamp,
            sequence,
            &READ_POSITION_KEYS,
            version.is_none(),
        )?;
        check_version(key, version)?;
        self.commit(|w| {
            let idx = w.conv_for(key)?;
            let limit = w.get(idx).position_of_mark(timestamp, sequence);
            if merge_read_pos(w, idx, limit, version, ReadSource::OtherDevice)? {
                let mark = w.get(idx).read_mark();
                w.changes.read_time_updated.push((key.clone(), mark));
            }
            Ok(())
        })
    }

    /// Sets a conversation's receive option; muting moves its unread out of
    /// the total at once (and back when unmuted). Unknown conversations are
    /// remembered for when they appear.
    pub fn set_receive_opt(&mut self, key: &ConvKey, opt: ReceiveOpt) -> Result<()> {
        self.commit(|w| {
            let idx = w.conv_for(key)?;
            if w.get(idx).recv_opt != opt {
                w.get_mut(idx).recv_opt = opt;
                w.outbound(Outbound::ReceiveOpt {
                    conv: key.clone(),
                    opt,
                })?;
            }
            Ok(())
        })
    }

    /// A conversation's receive option (default for unknown ones).
    pub fn receive_opt(&self, key: &ConvKey) -> ReceiveOpt {
        self.idx_of(key)
            .map_or(ReceiveOpt::Receive, |i| self.convs[i as usize].recv_opt)
    }

    /// Reads every conversation of `types` up to its newest message: one
    /// set-based UPDATE, then one pass over memory after the commit (a
    /// clean of everything touches every conversation; copying each into
    /// the `Work` and writing it row by row would cost more than the clean).
    fn clean_types(&mut self, types: &[ConvType]) -> Result<()> {
        let targets: Vec<u32> = self
            .convs
            .iter()
            // Every conversation with anything after its read position, not
            // only those with a count: a non-counting group, or one whose
            // newest messages are my own, must be read up to its newest
            // message too, or a later type change or a late (older) message
            // shows unread that was cleaned.
            .filter(|s| s.visible && s.read_pos < s.max_pos && types.contains(&s.key.conv_type))
            .map(|s| s.idx())
            .collect();
        if targets.is_empty() {
            // Nothing to read: an empty operation, as any other clean of
            // what is read already.
            return self.commit(|_| Ok(()));
        }
        log::info!(
            "read positions moved from local: every conversation of {types:?} read up to its \
             newest message ({} conversations, total unread {} -> 0 of them)",
            targets.len(),
            targets
                .iter()
                .map(|&i| self.convs[i as usize].unread)
                .sum::<u64>()
        );
        if log::log_enabled!(log::Level::Debug) {
            for &i in &targets {
                let st = &self.convs[i as usize];
                log::debug!(
                    "read position of {} moved from local to its newest message: unread {} -> 0",
                    st.key,
                    st.unread
                );
            }
        }
        self.commit(|w| {
            let positions = if w.outbox {
                targets
                    .iter()
                    .map(|&i| {
                        let st = w.get(i);
                        position(&st.key, st.mark_at(st.max_pos), st.read_version)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            w.read_all_set(targets, types);
            if !positions.is_empty() {
                w.outbound(Outbound::ReadPositions { positions })?;
            }
            Ok(())
        })
    }

    fn clean_indices(&mut self, targets: Vec<u32>) -> Result<()> {
        self.commit(|w| announce_read(w, targets, read_all))
    }

    pub(crate) fn check_batch(&self, n: usize) -> Result<()> {
        if n == 0 {
            return Err(invalid("the id list is empty"));
        }
        if n > self.config.batch_ids_max {
            return Err(Error::LimitExceeded(format!(
                "{n} ids in one call; at most {}",
                self.config.batch_ids_max
            )));
        }
        Ok(())
    }
}

/// Marks everything stored in a conversation read; returns whether the
/// read position moved.
pub(crate) fn read_all(w: &mut Work<'_>, idx: u32) -> Result<bool> {
    let limit = w.get(idx).newest_limit();
    move_read_pos(w, idx, limit, ReadSource::Local)
}

/// Moves the read positions of `targets` with `mv` on this device and queues
/// one envelope announcing the positions that moved.
fn announce_read(
    w: &mut Work<'_>,
    targets: Vec<u32>,
    mut mv: impl FnMut(&mut Work<'_>, u32) -> Result<bool>,
) -> Result<()> {
    let mut positions = Vec::new();
    for idx in targets {
        if mv(w, idx)? {
            let st = w.get(idx);
            positions.push(position(&st.key, st.read_mark(), st.read_version));
        }
    }
    if !positions.is_empty() {
        w.outbound(Outbound::ReadPositions { positions })?;
    }
    Ok(())
}

/// Checks a read position's version: at most `i64::MAX` (it is stored).
pub(crate) fn check_version(key: &ConvKey, version: Option<u64>) -> Result<()> {
    match version {
        Some(v) if v > i64::MAX as u64 => Err(invalid(format!(
            "{key}: read_version {v} is out of range (at most {})",
            i64::MAX
        ))),
        _ => Ok(()),
    }
}

/// The announced position of a conversation read up to `mark` (time or
/// sequence) at version `version`.
pub(crate) fn position(conv: &ConvKey, mark: u64, version: u64) -> ReadPosition {
    let (timestamp, sequence) = match conv.conv_type {
        ConvType::C2c => (mark, 0),
        ConvType::Group => (0, mark),
    };
    ReadPosition {
        conv: conv.clone(),
        timestamp,
        sequence,
        version,
    }
}
