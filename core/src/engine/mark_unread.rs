//! Mark unread from a message (Sendbird `markAsUnread`, Stream
//! `markUnread`): the read position moves back to just before the message,
//! under a new version, so that the move travels to my other devices and
//! wins over the reads it undoes (docs/ENGINE.md, "Moving back").

use super::outbound::Outbound;
use super::readpos::{merge_read_pos, ReadSource};
use super::unread::position;
use super::Engine;
use crate::error::{invalid, Error, Result};
use crate::types::{check_id, ConvKey};

impl Engine {
    /// Marks conversation `key` unread from message `msg_id` on: the read
    /// position moves back to just before it (C2C: to the end of the second
    /// before the message's, as C2C positions travel in whole seconds, so
    /// the messages of its second that came before it are unread too), its
    /// version is raised, and the count becomes that of the counted messages
    /// from there on. The move is announced to my other devices like any
    /// read position. A message already after the read position (unread)
    /// changes nothing. Tencent's "unread" mark bit is not touched. Returns
    /// the conversation's unread count after the move.
    ///
    /// Errors: an unknown or deleted conversation (`ConversationNotFound`),
    /// an unknown message (`MessageNotFound`), a message of another
    /// conversation (`InvalidParam`).
    pub fn mark_unread_from(&mut self, key: &ConvKey, msg_id: &str) -> Result<u64> {
        check_id("message id", msg_id)?;
        let idx = self.visible_idx(key)?;
        let rowid = self
            .find_message(msg_id)?
            .ok_or_else(|| Error::MessageNotFound(msg_id.to_owned()))?;
        let (conv, pos, fl): (i64, i64, i64) = self
            .conn
            .prepare_cached("SELECT conv, pos, flags FROM message WHERE id = ?1")?
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        // A deleted message is gone (its row only keeps its id a repeat).
        if fl & crate::message::flags::DELETED != 0 {
            return Err(Error::MessageNotFound(msg_id.to_owned()));
        }
        if conv != self.convs[idx as usize].id {
            return Err(invalid(format!("message {msg_id:?} is not in {key}")));
        }
        self.commit(|w| {
            let st = w.get(idx);
            let target = st.position_before(pos);
            if target >= st.read_pos {
                log::debug!("mark unread of {key} from {msg_id:?}: unread from there already");
                return Ok(());
            }
            let version = w.now.max(st.read_version.saturating_add(1));
            merge_read_pos(w, idx, target, Some(version), ReadSource::MarkUnread)?;
            let st = w.get(idx);
            let announced = position(&st.key, st.read_mark(), st.read_version);
            w.outbound(Outbound::ReadPositions {
                positions: vec![announced],
            })
        })?;
        Ok(self.convs[idx as usize].unread)
    }
}
