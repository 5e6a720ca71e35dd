//! Conversation management: create, delete, pin, marks, drafts, extensions.

use super::outbound::Outbound;
use super::readpos::{move_read_pos, ReadSource};
use super::work::Work;
use super::Engine;
use crate::conversation::{Conversation, OperationFailure};
use crate::error::{invalid, Error, Result};
use crate::types::{marks, ConvKey, GroupType};
use rusqlite::params;

impl Engine {
    /// Creates an empty placeholder conversation (idempotent: an existing
    /// one is returned unchanged). A deleted one comes back empty.
    pub fn create_conversation(&mut self, key: &ConvKey) -> Result<Conversation> {
        crate::types::check_id("conversation peer id", &key.peer)?;
        self.commit(|w| {
            let idx = w.conv_for(key)?;
            let st = w.get_mut(idx);
            st.visible = true;
            Ok(())
        })?;
        self.conversation(key)
    }

    /// Deletes a conversation: it leaves every list and total, its unread
    /// is read, its pin, marks, groups, draft and extensions are cleared,
    /// and with `clear_messages` its messages are deleted too. A new
    /// message brings it back.
    pub fn delete_conversation(&mut self, key: &ConvKey, clear_messages: bool) -> Result<()> {
        let idx = self.visible_idx(key)?;
        self.commit(|w| {
            delete_one(w, idx, clear_messages)?;
            w.outbound(Outbound::Delete {
                convs: vec![key.clone()],
                clear_messages,
            })
        })
    }

    /// Deletes several conversations (at most the batch limit); returns the
    /// per-id failures while deleting the others.
    pub fn delete_conversations(
        &mut self,
        keys: &[ConvKey],
        clear_messages: bool,
    ) -> Result<Vec<OperationFailure>> {
        self.check_batch(keys.len())?;
        let mut failures = Vec::new();
        let mut found = Vec::new();
        for k in keys {
            match self.visible_idx(k) {
                Ok(i) if !found.contains(&i) => found.push(i),
                Ok(_) => {}
                Err(e) => failures.push(OperationFailure::new(k, &e)),
            }
        }
        self.commit(|w| {
            let mut convs = Vec::new();
            for idx in found {
                delete_one(w, idx, clear_messages)?;
                convs.push(w.get(idx).key.clone());
            }
            w.outbound(Outbound::Delete {
                convs,
                clear_messages,
            })
        })?;
        Ok(failures)
    }

    /// Pins or unpins a conversation. Pinning past the configured limit
    /// fails and changes nothing; pinning a pinned one is a no-op.
    pub fn pin_conversation(&mut self, key: &ConvKey, pinned: bool) -> Result<()> {
        let idx = self.visible_idx(key)?;
        let st = &self.convs[idx as usize];
        if st.pinned == pinned {
            return Ok(());
        }
        if pinned && self.pinned >= self.config.pin_limit {
            return Err(Error::LimitExceeded(format!(
                "at most {} pinned conversations",
                self.config.pin_limit
            )));
        }
        self.commit(|w| {
            let now = w.now;
            let st = w.get_mut(idx);
            st.pinned = pinned;
            st.order_key = if pinned {
                st.pinned_key(now)
            } else {
                st.unpinned_key()
            };
            w.outbound(Outbound::Pin {
                conv: key.clone(),
                pinned,
            })
        })
    }

    /// The pinned conversations, newest pin first.
    pub fn pinned_conversations(&self) -> Result<Vec<Conversation>> {
        self.order
            .iter()
            .rev()
            .map(|&(_, i)| &self.convs[i as usize])
            .take_while(|s| s.pinned)
            .map(|s| self.snapshot(s))
            .collect()
    }

    /// Sets (`enable`) or clears mark bits on conversations; returns the
    /// per-id failures. A mark never changes an unread count.
    pub fn mark_conversations(
        &mut self,
        keys: &[ConvKey],
        mark: u64,
        enable: bool,
    ) -> Result<Vec<OperationFailure>> {
        self.check_batch(keys.len())?;
        if mark == 0 || mark & !marks::ALLOWED != 0 {
            return Err(invalid(format!(
                "mark type {mark:#x} is not a combination of star, unread, fold, hide and app bits 32..63"
            )));
        }
        self.for_each_visible(
            keys,
            |w, idx| {
                let st = w.get_mut(idx);
                if enable {
                    st.marks |= mark;
                } else {
                    st.marks &= !mark;
                }
                Ok(())
            },
            |convs| Outbound::Marks {
                convs,
                mark,
                enable,
            },
        )
    }

    /// Sets Tencent's custom data (≤ the configured limit) on conversations.
    pub fn set_custom_data(
        &mut self,
        keys: &[ConvKey],
        data: &str,
    ) -> Result<Vec<OperationFailure>> {
        self.check_batch(keys.len())?;
        if data.len() > self.config.custom_data_max {
            return Err(invalid(format!(
                "custom data is {} bytes; at most {}",
                data.len(),
                self.config.custom_data_max
            )));
        }
        self.for_each_visible(
            keys,
            |w, idx| set_column(w, idx, "custom_data", data),
            |convs| Outbound::CustomData {
                convs,
                data: data.to_owned(),
            },
        )
    }

    /// Sets the server extension (NIM `updateConversation`).
    pub fn set_server_extension(&mut self, key: &ConvKey, ext: &str) -> Result<()> {
        self.check_ext(ext)?;
        let idx = self.visible_idx(key)?;
        self.commit(|w| {
            set_column(w, idx, "server_ext", ext)?;
            w.outbound(Outbound::ServerExtension {
                conv: key.clone(),
                ext: ext.to_owned(),
            })
        })
    }

    /// Sets the local extension (NIM `updateConversationLocalExtension`).
    pub fn set_local_extension(&mut self, key: &ConvKey, ext: &str) -> Result<()> {
        self.check_ext(ext)?;
        let idx = self.visible_idx(key)?;
        self.commit(|w| set_column(w, idx, "local_ext", ext))
    }

    /// Sets (`Some`) or cancels (`None`) a conversation's draft.
    pub fn set_draft(&mut self, key: &ConvKey, draft: Option<(&str, u64)>) -> Result<()> {
        let idx = self.visible_idx(key)?;
        if let Some((content, time)) = draft {
            if content.len() > 64 * 1024 {
                return Err(invalid("draft is longer than 64 KiB"));
            }
            if time > crate::message::MAX_TIME {
                return Err(invalid(format!("draft edit time {time} is out of range")));
            }
        }
        self.commit(|w| {
            let id = w.get(idx).id;
            let (content, time) = match draft {
                Some((c, t)) => (Some(c), if t == 0 { w.now } else { t }),
                None => (None, 0),
            };
            w.tx.prepare_cached(
                "UPDATE conversation SET draft = ?2, draft_time = ?3 WHERE id = ?1",
            )?
            .execute(params![id, content, time as i64])?;
            w.mark_dirty(idx);
            Ok(())
        })
    }

    /// Records a group's type (from the roster or a sync). Types that do not
    /// count unread drop the group's count to 0 at once; a counting type
    /// re-derives it.
    pub fn set_group_type(&mut self, key: &ConvKey, group_type: GroupType) -> Result<()> {
        if key.conv_type != crate::types::ConvType::Group {
            return Err(invalid(format!("{key} is not a group conversation")));
        }
        self.commit(|w| {
            let idx = w.conv_for(key)?;
            if w.get(idx).group_type != Some(group_type) {
                w.get_mut(idx).group_type = Some(group_type);
                w.recount(idx)?;
            }
            Ok(())
        })
    }

    /// Applies `f` to each visible conversation of `keys` in one operation,
    /// announces the done ones with `announce`, and returns the failures.
    fn for_each_visible(
        &mut self,
        keys: &[ConvKey],
        mut f: impl FnMut(&mut Work<'_>, u32) -> Result<()>,
        announce: impl FnOnce(Vec<ConvKey>) -> Outbound,
    ) -> Result<Vec<OperationFailure>> {
        let (found, failures) = self.visible_indices(keys);
        if found.is_empty() {
            return Ok(failures);
        }
        self.commit(|w| {
            let mut done = Vec::new();
            for idx in found {
                f(w, idx)?;
                done.push(w.get(idx).key.clone());
            }
            w.outbound(announce(done))
        })?;
        Ok(failures)
    }
}

/// Writes one cold text column (a fixed, known name) and marks the
/// conversation changed.
fn set_column(w: &mut Work<'_>, idx: u32, column: &'static str, value: &str) -> Result<()> {
    let id = w.get(idx).id;
    let (read, write) = match column {
        "custom_data" => (
            "SELECT custom_data FROM conversation WHERE id = ?1",
            "UPDATE conversation SET custom_data = ?2 WHERE id = ?1",
        ),
        "server_ext" => (
            "SELECT server_ext FROM conversation WHERE id = ?1",
            "UPDATE conversation SET server_ext = ?2 WHERE id = ?1",
        ),
        "local_ext" => (
            "SELECT local_ext FROM conversation WHERE id = ?1",
            "UPDATE conversation SET local_ext = ?2 WHERE id = ?1",
        ),
        other => unreachable!("unknown column {other}"),
    };
    let old: String = w.tx.prepare_cached(read)?.query_row([id], |r| r.get(0))?;
    let key = w.get(idx).key.clone();
    w.old_texts.push((key, column, old));
    w.tx.prepare_cached(write)?.execute(params![id, value])?;
    w.mark_dirty(idx);
    Ok(())
}

fn delete_one(w: &mut Work<'_>, idx: u32, clear_messages: bool) -> Result<()> {
    let id = w.get(idx).id;
    if clear_messages {
        // The tail was merged when this operation started (`Work::flush_tail`).
        w.tx.prepare_cached(
            "DELETE FROM message_key
             WHERE (msg_hash, id) IN (SELECT m.msg_hash, m.id FROM message_pos p
                                      JOIN message m ON m.id = p.id WHERE p.conv = ?1)",
        )?
        .execute([id])?;
        // Found through `message_pos`: `message` has no index by conversation.
        debug_assert!(w.positions_complete());
        w.tx.prepare_cached(
            "DELETE FROM message WHERE id IN (SELECT id FROM message_pos WHERE conv = ?1)",
        )?
        .execute([id])?;
        w.tx.prepare_cached("DELETE FROM message_pos WHERE conv = ?1")?
            .execute([id])?;
    }
    w.tx.prepare_cached(
        "UPDATE conversation SET draft = NULL, draft_time = 0, custom_data = '',
             server_ext = '', local_ext = ''
         WHERE id = ?1",
    )?
    .execute([id])?;
    w.tx.prepare_cached("DELETE FROM conv_group_member WHERE conv = ?1")?
        .execute([id])?;
    // What this delete read: a message at or before it does not bring the
    // conversation back, and after a delete with the messages it is not
    // stored again (docs/TRANSPORT.md, "Several devices").
    let upto = w.get(idx).read_pos.max(w.get(idx).newest_limit());
    w.tx.prepare_cached(
        "UPDATE conversation SET deleted_upto = max(deleted_upto, ?2), deleted_clear = ?3
         WHERE id = ?1",
    )?
    .execute(params![id, upto, clear_messages])?;
    move_read_pos(w, idx, upto, ReadSource::Delete)?;
    let st = w.get_mut(idx);
    st.visible = false;
    st.unread = 0;
    st.mentions = 0;
    st.at_flags = 0;
    st.pinned = false;
    st.marks = 0;
    st.groups.clear();
    if clear_messages {
        st.last_msg = None;
        st.last_pos = 0;
    }
    st.order_key = st.unpinned_key();
    Ok(())
}
