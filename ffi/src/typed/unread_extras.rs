//! imcore's unread extensions on the typed face (TIM and NIM have none of
//! them): unread mention totals, mark unread from a message, count
//! preferences, the unread explanation and the unread status (with whether
//! the total is synced). Their records are in
//! `types/unread_extras.rs`.

use super::client::ImClient;
use super::error::ApiResult;
use super::listeners::{Kind, ListenerHandle, UnreadStatusListener};
use super::types::*;
use imcore::ConversationFilter as CoreFilter;
use std::sync::Arc;

#[uniffi::export]
impl ImClient {
    /// The unread totals now: the total, the mention total and whether the
    /// total is synced (see [`UnreadStatus`]).
    pub fn get_unread_status(&self) -> ApiResult<UnreadStatus> {
        self.op(|e| {
            Ok(UnreadStatus {
                unread_count: e.total_unread(),
                unread_mention_count: e.total_unread_mentions(),
                synced: e.total_synced(),
            })
        })
    }

    /// The unread mention total of the conversations a filter selects.
    pub fn get_unread_mention_count_by_filter(&self, filter: ConversationFilter) -> ApiResult<u64> {
        let f = CoreFilter::from(&filter);
        self.op(|e| Ok(e.mentions_by_filter(&f)?))
    }

    /// Marks a conversation unread from a message on (Sendbird
    /// `markAsUnread`, Stream `markUnread`): its read position moves back to
    /// just before the message under a new version, announced to my other
    /// devices; returns the unread count after it. Tencent's "unread" mark
    /// bit is not touched.
    pub fn mark_conversation_unread_from(
        &self,
        conversation_id: String,
        message_id: String,
    ) -> ApiResult<u64> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.mark_unread_from(&key, &message_id)?))
    }

    /// Sets a conversation's count preference (synced like the receive
    /// option).
    pub fn set_count_preference(
        &self,
        conversation_id: String,
        preference: CountPreference,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.set_count_pref(&key, preference.into())?))
    }

    /// A conversation's count preference (`All` for one never seen).
    pub fn get_count_preference(&self, conversation_id: String) -> ApiResult<CountPreference> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.count_pref(&key).into()))
    }

    /// Explains one conversation's badge (see [`UnreadExplanation`]).
    pub fn explain_unread(&self, conversation_id: String) -> ApiResult<UnreadExplanation> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.explain_unread(&key)?.into()))
    }

    /// `receiveReadPosition` with the position's version (`read_version`
    /// of docs/TRANSPORT.md; `null`: not given). Positions merge by the
    /// greater (version, position): a higher version moves the position back
    /// (a mark-unread on another device), a lower one changes nothing. With
    /// a version, 0 is "nothing read".
    pub fn receive_read_position_versioned(
        &self,
        conversation_id: String,
        timestamp: u64,
        sequence: u64,
        version: Option<u64>,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.apply_read_position_versioned(&key, timestamp, sequence, version)?))
    }

    /// Registers an unread-status listener (see [`UnreadStatusListener`]);
    /// keep the handle, it unregisters the listener when closed or dropped.
    pub fn add_unread_status_listener(
        &self,
        listener: Box<dyn UnreadStatusListener>,
    ) -> Arc<ListenerHandle> {
        let id = self.registry.add_unread_status(Arc::from(listener));
        ListenerHandle::new(&self.registry, Kind::UnreadStatus, id)
    }
}
