//! The message rule: what one message does to its conversation's state
//! when it is stored (received, or replayed at open for rows not written
//! yet) and when one of my sends is stamped by the server's answer. Its
//! counting part is the counting rule's (`counting`).

use super::counting::{self, Verdict};
use super::lazy_rows::TailMessage;
use super::state::{ConvState, TIE_BITS};
use super::work::Work;
use crate::config::EngineConfig;
use crate::error::Result;
use crate::message::flags;
use crate::types::ConvType;
use rusqlite::{params, Connection};

/// One stored incoming message, as the receive rule needs it.
pub(crate) struct Received<'m> {
    pub rowid: i64,
    pub pos: i64,
    pub flags: i64,
    pub server_time: u64,
    pub msg_id: &'m str,
}

impl<'m> Received<'m> {
    /// A message stored after `rows_upto`, as the receive rule takes it
    /// when it is replayed.
    pub(crate) fn replayed(m: &'m TailMessage) -> Self {
        Received {
            rowid: m.rowid,
            pos: m.pos,
            flags: m.flags,
            server_time: m.server_time,
            msg_id: &m.msg_id,
        }
    }

    /// The receive rule: what this newly stored message does to its
    /// conversation `st`. Also replayed at open (and by `verify()`) for
    /// messages whose conversation rows were not written yet. Returns what
    /// the counting rule made of it.
    pub(crate) fn apply(
        &self,
        conn: &Connection,
        config: &EngineConfig,
        st: &mut ConvState,
    ) -> Result<Verdict> {
        let (pos, fl) = (self.pos, self.flags);
        // A deleted conversation comes back with a message after what the
        // delete read; an older one (delivered late) leaves it deleted.
        if !st.visible && (pos > st.read_pos || deleted_upto(conn, st.id)?.0 < pos) {
            // A conversation this message shows (new, or deleted before)
            // takes its place in the list from its messages' times, not from
            // when its row was made: after a sync of old history the list is
            // ordered by each conversation's newest message.
            st.active_time = 0;
            if !st.pinned {
                st.order_key = st.unpinned_key();
            }
            st.visible = true;
        }
        st.max_pos = st.max_pos.max(pos);
        let verdict = counting::add(config, st, pos, fl);
        // A message kept out of the preview (typing, control) does not move
        // the conversation in the list either.
        if fl & flags::EXCLUDED_LAST == 0 {
            let newer = match st.last_msg {
                None => true,
                // Two C2C messages of the same second: the greater id wins,
                // so every device shows the same preview.
                Some(last)
                    if st.key.conv_type == ConvType::C2c
                        && st.last_pos >> TIE_BITS == pos >> TIE_BITS =>
                {
                    let last_id: String = conn
                        .prepare_cached("SELECT msg_id FROM message WHERE id = ?1")?
                        .query_row([last], |r| r.get(0))?;
                    self.msg_id > last_id.as_str()
                }
                Some(_) => pos >= st.last_pos,
            };
            if newer {
                st.last_msg = Some(self.rowid);
                st.last_pos = st.last_pos.max(pos);
            }
            st.touch_activity(st.activity_time(self.server_time, pos));
        }
        Ok(verdict)
    }
}

/// `(p, clear)` where a conversation's last delete read up to `p` (0:
/// never deleted) and `clear`: it took the messages. Read only for a
/// message at or before the read position (a late one), which is rare.
pub(crate) fn deleted_upto(conn: &Connection, conv: i64) -> Result<(i64, bool)> {
    let (upto, clear): (i64, bool) = conn
        .prepare_cached("SELECT deleted_upto, deleted_clear FROM conversation WHERE id = ?1")?
        .query_row([conv], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((upto, clear))
}

/// Stamps (or fails) one of my sends inside an operation.
pub(crate) fn complete_send(
    w: &mut Work<'_>,
    rowid: i64,
    idx: u32,
    ok: bool,
    server_time: u64,
    seq: u64,
) -> Result<()> {
    if ok {
        let st = w.get(idx);
        let time = if server_time > 0 { server_time } else { w.now };
        let pos = match st.key.conv_type {
            ConvType::Group if seq > 0 => seq as i64,
            _ => st.position_for(time, seq),
        };
        // Its `message_pos` entry moves with it (complete: see `Work::flush_tail`).
        debug_assert!(w.positions_complete());
        w.tx.prepare_cached(
            "UPDATE message_pos SET pos = ?3
             WHERE conv = ?2 AND id = ?1 AND pos = (SELECT pos FROM message WHERE id = ?1)",
        )?
        .execute(params![rowid, st.id, pos])?;
        w.tx.prepare_cached(
            "UPDATE message SET status = 2, server_time = ?2, seq = ?3, pos = ?4 WHERE id = ?1",
        )?
        .execute(params![rowid, time as i64, seq as i64, pos])?;
        let st = w.get_mut(idx);
        st.max_pos = st.max_pos.max(pos);
        if st.last_msg == Some(rowid) {
            st.last_pos = pos;
        }
        st.touch_activity(time);
        w.recount(idx)?;
    } else {
        w.tx.prepare_cached("UPDATE message SET status = 3 WHERE id = ?1")?
            .execute([rowid])?;
    }
    w.mark_dirty(idx);
    Ok(())
}
