//! The conversation groups in memory: id -> group, name -> id, and the
//! memberships read at open (then kept on the conversations). The
//! operations on groups are in `groups`.

use super::state::GroupIds;
use super::work::GroupUpdate;
use crate::conversation::ConversationGroup;
use crate::error::{Error, Result};
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// The groups in memory (memberships live on the conversations).
#[derive(Debug, Default)]
pub(crate) struct Groups {
    /// Every group by id.
    pub(super) by_id: BTreeMap<u32, ConversationGroup>,
    /// Name -> id.
    pub(super) names: HashMap<String, u32>,
    members: HashMap<i64, Vec<u32>>,
}

impl Groups {
    /// Reads every group and membership.
    pub fn load(conn: &Connection) -> Result<Self> {
        let mut g = Groups::default();
        let mut stmt =
            conn.prepare("SELECT id, name, server_ext, create_time, update_time FROM conv_group")?;
        let rows = stmt.query_map([], |r| {
            Ok(ConversationGroup {
                id: r.get::<_, i64>(0)? as u64,
                name: r.get(1)?,
                server_ext: r.get(2)?,
                create_time: r.get::<_, i64>(3)? as u64,
                update_time: r.get::<_, i64>(4)? as u64,
            })
        })?;
        for grp in rows {
            let grp = grp?;
            g.names.insert(grp.name.clone(), grp.id as u32);
            g.by_id.insert(grp.id as u32, grp);
        }
        let mut stmt =
            conn.prepare("SELECT conv, group_id FROM conv_group_member ORDER BY conv, group_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (conv, gid) = row?;
            g.members.entry(conv).or_default().push(gid as u32);
        }
        Ok(g)
    }

    /// Group ids of conversation `conv` at load time.
    pub fn memberships(&mut self, conv: i64) -> GroupIds {
        self.members
            .remove(&conv)
            .map_or_else(GroupIds::default, |mut v| {
                v.shrink_to_fit();
                GroupIds::from(v)
            })
    }

    /// Name -> id of every group.
    pub fn names(&self) -> &HashMap<String, u32> {
        &self.names
    }

    /// The name of group `id`.
    pub fn name_of(&self, id: u32) -> Option<&str> {
        self.by_id.get(&id).map(|g| g.name.as_str())
    }

    /// The id of the group named `name` (an error naming it if none).
    pub fn id_of(&self, name: &str) -> Result<u32> {
        self.names
            .get(name)
            .copied()
            .ok_or_else(|| Error::GroupNotFound(name.to_owned()))
    }

    /// The group named `name`.
    pub fn get(&self, name: &str) -> Result<&ConversationGroup> {
        Ok(&self.by_id[&self.id_of(name)?])
    }

    /// Applies a committed group-table change.
    pub fn apply(&mut self, u: GroupUpdate) {
        match u {
            GroupUpdate::Upsert(g) => {
                if let Some(old) = self.by_id.get(&(g.id as u32)) {
                    self.names.remove(&old.name);
                }
                self.names.insert(g.name.clone(), g.id as u32);
                self.by_id.insert(g.id as u32, g);
            }
            GroupUpdate::Remove(id) => {
                if let Some(old) = self.by_id.remove(&id) {
                    self.names.remove(&old.name);
                }
            }
        }
    }
}
