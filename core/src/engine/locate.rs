//! Finding a message by what TIM's MessageLocator carries: its unique id
//! (`message_locator_unique_id`, [`crate::message::unique_id`]), the low 63
//! bits of the hash the store keeps to find a message by id.

use super::Engine;
use crate::error::Result;
use crate::message::StoredMessage;
use crate::types::ConvKey;
use rusqlite::OptionalExtension;

impl Engine {
    /// The message of conversation `key` whose unique id
    /// ([`StoredMessage::unique_id`]) is `unique_id`; None when there is
    /// none (or it was deleted). A lookup through the store's id hash, the
    /// same as one by id.
    pub fn find_by_unique_id(
        &self,
        key: &ConvKey,
        unique_id: u64,
    ) -> Result<Option<StoredMessage>> {
        let Ok(low) = i64::try_from(unique_id) else {
            return Ok(None);
        };
        // The unique id is the hash's low 63 bits: the hash is one of two.
        let mut rowids: Vec<i64> = Vec::new();
        let mut stored = self
            .conn
            .prepare_cached("SELECT id FROM message_key WHERE msg_hash = ?1")?;
        for h in [low, low | i64::MIN] {
            // The keys still in memory (the tail), then the stored ones.
            rowids.extend(
                self.lazy
                    .keys
                    .range((h, i64::MIN)..)
                    .take_while(|&&(x, _)| x == h)
                    .map(|&(_, rowid)| rowid),
            );
            let mut rows = stored.query([h])?;
            while let Some(r) = rows.next()? {
                rowids.push(r.get(0)?);
            }
        }
        let mut id_of = self
            .conn
            .prepare_cached("SELECT msg_id FROM message WHERE id = ?1")?;
        for rowid in rowids {
            let Some(msg_id) = id_of
                .query_row([rowid], |r| r.get::<_, String>(0))
                .optional()?
            else {
                continue;
            };
            if let Some(m) = self.message_by_id(&msg_id)? {
                if &m.conv == key && m.unique_id() == unique_id {
                    return Ok(Some(m));
                }
            }
        }
        Ok(None)
    }
}
