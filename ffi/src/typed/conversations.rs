//! Conversations: lists (paged, by option, by filter, by ids), create,
//! delete, update, pins, drafts, custom data, marks and receive options.

use super::client::ImClient;
use super::error::ApiResult;
use super::types::*;
use imcore::ConversationFilter as CoreFilter;

#[uniffi::export]
impl ImClient {
    /// One conversation (`ConversationNotFound` if unknown or deleted).
    pub fn get_conversation(&self, conversation_id: String) -> ApiResult<Conversation> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.conversation(&key)?.into()))
    }

    /// Conversations `offset..offset+limit` in list order (pinned first,
    /// then by last activity); pass the returned `offset` for the next page.
    pub fn get_conversation_list(&self, offset: u64, limit: u32) -> ApiResult<ConversationResult> {
        self.op(|e| {
            Ok(e.list_by_offset(&CoreFilter::default(), offset, limit)?
                .into())
        })
    }

    /// A page of the conversations an option selects.
    pub fn get_conversation_list_by_option(
        &self,
        offset: u64,
        limit: u32,
        option: ConversationOption,
    ) -> ApiResult<ConversationResult> {
        let filter = CoreFilter::from(&option);
        self.op(|e| Ok(e.list_by_offset(&filter, offset, limit)?.into()))
    }

    /// A page of the conversations a filter selects.
    pub fn get_conversation_list_by_filter(
        &self,
        offset: u64,
        limit: u32,
        filter: ConversationFilter,
    ) -> ApiResult<ConversationResult> {
        let filter = CoreFilter::from(&filter);
        self.op(|e| Ok(e.list_by_offset(&filter, offset, limit)?.into()))
    }

    /// The known conversations among `conversationIds`, in list order
    /// (unknown ids are left out).
    pub fn get_conversation_list_by_ids(
        &self,
        conversation_ids: Vec<String>,
    ) -> ApiResult<Vec<Conversation>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| {
            Ok(e.conversations(&keys)?
                .0
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// Creates an empty conversation (returns the existing one unchanged).
    pub fn create_conversation(&self, conversation_id: String) -> ApiResult<Conversation> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.create_conversation(&key)?.into()))
    }

    /// Deletes a conversation (its unread leaves the total); with
    /// `clearMessage` its messages too.
    pub fn delete_conversation(
        &self,
        conversation_id: String,
        clear_message: bool,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.delete_conversation(&key, clear_message)?))
    }

    /// Deletes several conversations; returns the per-id failures.
    pub fn delete_conversation_list_by_ids(
        &self,
        conversation_ids: Vec<String>,
        clear_message: bool,
    ) -> ApiResult<Vec<OperationFailure>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(failures(e.delete_conversations(&keys, clear_message)?)))
    }

    /// NIM `updateConversation`: sets the server extension (≤ 1024 bytes).
    pub fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| match &update.server_extension {
            Some(ext) => Ok(e.set_server_extension(&key, ext)?),
            None => e.conversation(&key).map(|_| ()).map_err(Into::into),
        })
    }

    /// Sets the local extension (never synced).
    pub fn update_conversation_local_extension(
        &self,
        conversation_id: String,
        local_extension: String,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.set_local_extension(&key, &local_extension)?))
    }

    /// Pins (`stickTop`) or unpins a conversation (at most 100 pinned).
    pub fn stick_top_conversation(
        &self,
        conversation_id: String,
        stick_top: bool,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.pin_conversation(&key, stick_top)?))
    }

    /// The pinned conversations, newest pin first.
    pub fn get_stick_top_conversation_list(&self) -> ApiResult<Vec<Conversation>> {
        self.op(|e| {
            Ok(e.pinned_conversations()?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// Sets (`draft`) or clears (`null`) a conversation's draft.
    pub fn set_conversation_draft(
        &self,
        conversation_id: String,
        draft: Option<String>,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.set_draft(&key, draft.as_deref().map(|d| (d, 0)))?))
    }

    /// Tencent `setConversationCustomData` (≤ 256 bytes); per-id failures.
    pub fn set_conversation_custom_data(
        &self,
        conversation_ids: Vec<String>,
        custom_data: String,
    ) -> ApiResult<Vec<OperationFailure>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(failures(e.set_custom_data(&keys, &custom_data)?)))
    }

    /// Tencent `markConversation`: sets (`enable`) or clears mark bits
    /// (0x1 star, 0x2 unread, 0x4 fold, 0x8 hide, app bits 32..63). A mark
    /// never changes a count; the unread mark shows as a badge of 1 (and adds
    /// 1 to the totals) on a read conversation only with
    /// [`ClientConfig::count_marked_unread_as_one`]. Returns the per-id
    /// failures.
    pub fn mark_conversation(
        &self,
        conversation_ids: Vec<String>,
        mark_type: u64,
        enable: bool,
    ) -> ApiResult<Vec<OperationFailure>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(failures(e.mark_conversations(&keys, mark_type, enable)?)))
    }

    /// Sets a conversation's receive option; a muting option moves its
    /// unread out of the total at once (the conversation keeps its count).
    pub fn set_receive_message_option(
        &self,
        conversation_id: String,
        option: ReceiveOption,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.set_receive_opt(&key, option.into())?))
    }

    /// A conversation's receive option (the default for unknown ones).
    pub fn get_receive_message_option(&self, conversation_id: String) -> ApiResult<ReceiveOption> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.receive_opt(&key).into()))
    }
}
