//! Conversation groups: name-keyed (Tencent) with a stable id (NIM), a
//! conversation may be in several. Filters and clears by group follow
//! membership changes at once, since membership is part of each
//! conversation's state.

use super::outbound::{GroupChange, Outbound};
use super::work::GroupUpdate;
use super::Engine;
use crate::conversation::{ConversationGroup, OperationFailure};
use crate::error::{invalid, Error, Result};
use crate::events::GroupEvent;
use crate::types::ConvKey;
use rusqlite::params;

impl Engine {
    /// Every conversation group, by name.
    pub fn conversation_groups(&self) -> Vec<ConversationGroup> {
        let mut v: Vec<_> = self.groups.by_id.values().cloned().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// One conversation group by name.
    pub fn conversation_group(&self, name: &str) -> Result<ConversationGroup> {
        self.groups.get(name).cloned()
    }

    /// Creates a group with initial conversations; returns the per-id
    /// failures (unknown conversations, a conversation in too many groups).
    pub fn create_group(
        &mut self,
        name: &str,
        server_ext: &str,
        keys: &[ConvKey],
    ) -> Result<(ConversationGroup, Vec<OperationFailure>)> {
        self.check_group_name(name)?;
        self.check_ext(server_ext)?;
        if self.groups.names.contains_key(name) {
            return Err(Error::GroupExists(name.to_owned()));
        }
        if self.groups.by_id.len() >= self.config.group_limit {
            return Err(Error::LimitExceeded(format!(
                "at most {} conversation groups",
                self.config.group_limit
            )));
        }
        if keys.len() > self.config.conversations_per_group {
            return Err(Error::LimitExceeded(format!(
                "at most {} conversations in a group",
                self.config.conversations_per_group
            )));
        }
        let name = name.to_owned();
        let ext = server_ext.to_owned();
        self.commit(|w| {
            let now = w.now;
            w.tx.prepare_cached(
                "INSERT INTO conv_group (name, server_ext, create_time, update_time)
                 VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![name, ext, now as i64])?;
            let gid = w.tx.last_insert_rowid() as u32;
            let (added, failures) = add_members(w, gid, keys)?;
            let group = ConversationGroup {
                id: u64::from(gid),
                name: name.clone(),
                server_ext: ext.clone(),
                create_time: now,
                update_time: now,
            };
            w.group_updates.push(GroupUpdate::Upsert(group.clone()));
            w.group_event(GroupEvent::Created(group.clone(), added.clone()));
            w.outbound(Outbound::Group {
                change: GroupChange::Create {
                    name: name.clone(),
                    convs: added,
                },
            })?;
            Ok((group, failures))
        })
    }

    /// Deletes a group; its conversations stay, out of the group.
    pub fn delete_group(&mut self, name: &str) -> Result<()> {
        let gid = self.groups.id_of(name)?;
        let members = self.members(gid);
        let name = name.to_owned();
        self.commit(|w| {
            w.tx.prepare_cached("DELETE FROM conv_group WHERE id = ?1")?
                .execute([gid])?;
            for idx in members {
                w.get_mut(idx).groups.retain(|g| *g != gid);
            }
            w.group_updates.push(GroupUpdate::Remove(gid));
            w.group_event(GroupEvent::Deleted(name.clone()));
            w.outbound(Outbound::Group {
                change: GroupChange::Delete { name: name.clone() },
            })
        })
    }

    /// Renames a group (and optionally sets its server extension).
    pub fn rename_group(&mut self, old: &str, new: &str) -> Result<()> {
        self.check_group_name(new)?;
        let gid = self.groups.id_of(old)?;
        if old != new && self.groups.names.contains_key(new) {
            return Err(Error::GroupExists(new.to_owned()));
        }
        let mut group = self.groups.by_id[&gid].clone();
        let old = old.to_owned();
        let members = self.members(gid);
        self.commit(|w| {
            group.name = new.to_owned();
            group.update_time = w.now;
            w.tx.prepare_cached("UPDATE conv_group SET name = ?2, update_time = ?3 WHERE id = ?1")?
                .execute(params![gid, new, w.now as i64])?;
            for idx in members {
                w.mark_dirty(idx);
            }
            w.group_updates.push(GroupUpdate::Upsert(group.clone()));
            w.group_event(GroupEvent::Renamed(old.clone(), group.clone()));
            w.outbound(Outbound::Group {
                change: GroupChange::Rename {
                    old: old.clone(),
                    new: new.to_owned(),
                },
            })
        })
    }

    /// Sets a group's server extension (NIM `updateConversationGroup`).
    pub fn set_group_extension(&mut self, name: &str, server_ext: &str) -> Result<()> {
        self.check_ext(server_ext)?;
        let gid = self.groups.id_of(name)?;
        let mut group = self.groups.by_id[&gid].clone();
        self.commit(|w| {
            group.server_ext = server_ext.to_owned();
            group.update_time = w.now;
            w.tx.prepare_cached(
                "UPDATE conv_group SET server_ext = ?2, update_time = ?3 WHERE id = ?1",
            )?
            .execute(params![gid, server_ext, w.now as i64])?;
            let name = group.name.clone();
            w.group_updates.push(GroupUpdate::Upsert(group.clone()));
            w.group_event(GroupEvent::Renamed(name, group.clone()));
            Ok(())
        })
    }

    /// Adds conversations to a group; returns the per-id failures.
    pub fn add_to_group(&mut self, name: &str, keys: &[ConvKey]) -> Result<Vec<OperationFailure>> {
        self.check_batch(keys.len())?;
        let gid = self.groups.id_of(name)?;
        let name = name.to_owned();
        self.commit(|w| {
            let (added, failures) = add_members(w, gid, keys)?;
            if !added.is_empty() {
                w.group_event(GroupEvent::ConversationsAdded(name.clone(), added.clone()));
                w.outbound(Outbound::Group {
                    change: GroupChange::Add {
                        name: name.clone(),
                        convs: added,
                    },
                })?;
            }
            Ok(failures)
        })
    }

    /// Removes conversations from a group; returns the per-id failures.
    pub fn remove_from_group(
        &mut self,
        name: &str,
        keys: &[ConvKey],
    ) -> Result<Vec<OperationFailure>> {
        self.check_batch(keys.len())?;
        let gid = self.groups.id_of(name)?;
        let name = name.to_owned();
        self.commit(|w| {
            let mut removed = Vec::new();
            let mut failures = Vec::new();
            for k in keys {
                let Some(idx) = w.lookup_visible(k) else {
                    failures.push(OperationFailure::new(
                        k,
                        &Error::ConversationNotFound(k.to_string()),
                    ));
                    continue;
                };
                if !w.get(idx).groups.contains(&gid) {
                    failures.push(OperationFailure::new(
                        k,
                        &invalid(format!("{k} is not in group {name:?}")),
                    ));
                    continue;
                }
                let id = w.get(idx).id;
                w.tx.prepare_cached(
                    "DELETE FROM conv_group_member WHERE group_id = ?1 AND conv = ?2",
                )?
                .execute(params![gid, id])?;
                w.get_mut(idx).groups.retain(|g| *g != gid);
                removed.push(k.clone());
            }
            if !removed.is_empty() {
                w.group_event(GroupEvent::ConversationsRemoved(
                    name.clone(),
                    removed.clone(),
                ));
                w.outbound(Outbound::Group {
                    change: GroupChange::Remove {
                        name: name.clone(),
                        convs: removed,
                    },
                })?;
            }
            Ok(failures)
        })
    }

    /// The conversations (indexes) in group `gid`.
    fn members(&self, gid: u32) -> Vec<u32> {
        self.convs
            .iter()
            .filter(|s| s.groups.contains(&gid))
            .map(|s| s.idx())
            .collect()
    }

    fn check_group_name(&self, name: &str) -> Result<()> {
        if name.is_empty() || name.len() > self.config.group_name_max {
            return Err(invalid(format!(
                "conversation group name {name:?} must be 1..={} bytes",
                self.config.group_name_max
            )));
        }
        if name.contains('\0') {
            return Err(invalid("conversation group name contains a NUL character"));
        }
        Ok(())
    }

    pub(crate) fn check_ext(&self, ext: &str) -> Result<()> {
        if ext.len() > self.config.extension_max {
            return Err(invalid(format!(
                "extension is {} bytes; at most {}",
                ext.len(),
                self.config.extension_max
            )));
        }
        Ok(())
    }
}

fn add_members(
    w: &mut super::work::Work<'_>,
    gid: u32,
    keys: &[ConvKey],
) -> Result<(Vec<ConvKey>, Vec<OperationFailure>)> {
    let mut added = Vec::new();
    let mut failures = Vec::new();
    let in_group = (0..w.len())
        .filter(|&i| w.get(i).groups.contains(&gid))
        .count();
    let mut size = in_group;
    for k in keys {
        let Some(idx) = w.lookup_visible(k) else {
            failures.push(OperationFailure::new(
                k,
                &Error::ConversationNotFound(k.to_string()),
            ));
            continue;
        };
        let st = w.get(idx);
        if st.groups.contains(&gid) {
            continue;
        }
        if st.groups.len() >= w.config.groups_per_conversation {
            failures.push(OperationFailure::new(
                k,
                &Error::LimitExceeded(format!(
                    "{k} is in {} groups already",
                    w.config.groups_per_conversation
                )),
            ));
            continue;
        }
        if size >= w.config.conversations_per_group {
            failures.push(OperationFailure::new(
                k,
                &Error::LimitExceeded(format!(
                    "the group holds {} conversations already",
                    w.config.conversations_per_group
                )),
            ));
            continue;
        }
        let id = st.id;
        w.tx.prepare_cached("INSERT INTO conv_group_member (group_id, conv) VALUES (?1, ?2)")?
            .execute(params![gid, id])?;
        let st = w.get_mut(idx);
        st.groups.insert(gid);
        size += 1;
        added.push(k.clone());
    }
    Ok((added, failures))
}
