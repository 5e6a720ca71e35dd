//! Unread counts: the total, counts by ids and by filter, filter
//! subscriptions, clearing and read positions.

use super::client::ImClient;
use super::error::ApiResult;
use super::types::*;
use imcore::{CleanTarget, ConversationFilter as CoreFilter};

#[uniffi::export]
impl ImClient {
    /// The total unread count over every unmuted conversation. The first
    /// call of each login also starts `onTotalUnreadCountChanged`: the
    /// total listener stays silent until the total was read once per login
    /// (as TIM's, and the C face's), so an app reads the total, shows it,
    /// and then follows its changes.
    pub fn get_total_unread_count(&self) -> ApiResult<u64> {
        let mut st = self.lock();
        let n = st.engine()?.total_unread();
        st.total_listening = true;
        Ok(n)
    }

    /// The sum of the unread counts of the given conversations (unknown
    /// ones count 0).
    pub fn get_unread_count_by_ids(&self, conversation_ids: Vec<String>) -> ApiResult<u64> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(e.unread_by_ids(&keys)?))
    }

    /// The unread total of the conversations a filter selects.
    pub fn get_unread_count_by_filter(&self, filter: ConversationFilter) -> ApiResult<u64> {
        let f = CoreFilter::from(&filter);
        self.op(|e| Ok(e.unread_by_filter(&f)?))
    }

    /// Subscribes to a filter's total: each later change fires
    /// `onUnreadCountChangedByFilter(filter, count)` with the filter as
    /// given here. Subscribing twice is a no-op. Returns the current total.
    pub fn subscribe_unread_count_by_filter(&self, filter: ConversationFilter) -> ApiResult<u64> {
        let f = CoreFilter::from(&filter);
        self.op(|e| Ok(e.subscribe_filter(&f)?))
    }

    /// Ends a subscription (unknown filters: no-op).
    pub fn unsubscribe_unread_count_by_filter(&self, filter: ConversationFilter) -> ApiResult<()> {
        let f = CoreFilter::from(&filter);
        self.op(|e| Ok(e.unsubscribe_filter(&f)?))
    }

    /// Marks every conversation read.
    pub fn clear_total_unread_count(&self) -> ApiResult<()> {
        self.op(|e| Ok(e.mark_all_read()?))
    }

    /// Marks the given conversations read; returns the per-id failures.
    pub fn clear_unread_count_by_ids(
        &self,
        conversation_ids: Vec<String>,
    ) -> ApiResult<Vec<OperationFailure>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(failures(e.clear_unread_by_ids(&keys)?)))
    }

    /// Marks every conversation of a conversation group read (NIM's
    /// conversation-group id is the group's name here; `group_id` elsewhere
    /// in this API is always a chat group's id).
    pub fn clear_unread_count_by_group_id(&self, group_name: String) -> ApiResult<()> {
        self.op(|e| Ok(e.clear_unread_by_group(&group_name)?))
    }

    /// Marks every conversation of the given types read.
    pub fn clear_unread_count_by_types(
        &self,
        conversation_types: Vec<ConversationType>,
    ) -> ApiResult<()> {
        let types: Vec<imcore::ConvType> = conversation_types.into_iter().map(Into::into).collect();
        self.op(|e| Ok(e.clear_unread_by_types(&types)?))
    }

    /// NIM `markConversationRead`: reads the conversation up to its newest
    /// message; returns the read time (C2C, seconds) or sequence (group).
    pub fn mark_conversation_read(&self, conversation_id: String) -> ApiResult<u64> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.mark_conversation_read(&key)?))
    }

    /// The read time (C2C, seconds) or read sequence (group).
    pub fn get_conversation_read_time(&self, conversation_id: String) -> ApiResult<u64> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.read_mark(&key)?))
    }

    /// Tencent `cleanConversationUnreadMessageCount`: `c2c_<id>` up to
    /// `cleanTimestamp` (seconds, 0 = all), `group_<id>` up to
    /// `cleanSequence` (0 = all), or every conversation of a kind with
    /// `"c2c"`, `"group"`, or `""` (all; timestamp and sequence ignored).
    pub fn clean_conversation_unread_message_count(
        &self,
        conversation_id: String,
        clean_timestamp: u64,
        clean_sequence: u64,
    ) -> ApiResult<()> {
        let target = CleanTarget::parse(&conversation_id)?;
        self.op(|e| Ok(e.clean_unread(&target, clean_timestamp, clean_sequence)?))
    }
}
