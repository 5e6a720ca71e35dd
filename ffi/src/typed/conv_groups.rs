//! Conversation groups: create, delete, rename, update, membership.

use super::client::ImClient;
use super::error::ApiResult;
use super::types::*;

#[uniffi::export]
impl ImClient {
    /// Creates a conversation group (names are unique; at most 20 groups)
    /// with initial conversations; returns it and the per-id failures.
    pub fn create_conversation_group(
        &self,
        name: String,
        server_extension: Option<String>,
        conversation_ids: Vec<String>,
    ) -> ApiResult<ConversationGroupResult> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| {
            let (g, f) = e.create_group(&name, server_extension.as_deref().unwrap_or(""), &keys)?;
            Ok(ConversationGroupResult {
                group: g.into(),
                failed_list: failures(f),
            })
        })
    }

    /// Deletes a group; its conversations stay.
    pub fn delete_conversation_group(&self, name: String) -> ApiResult<()> {
        self.op(|e| Ok(e.delete_group(&name)?))
    }

    /// Renames a group.
    pub fn rename_conversation_group(&self, old_name: String, new_name: String) -> ApiResult<()> {
        self.op(|e| Ok(e.rename_group(&old_name, &new_name)?))
    }

    /// Sets a group's server extension (NIM `updateConversationGroup`).
    pub fn update_conversation_group(
        &self,
        name: String,
        server_extension: String,
    ) -> ApiResult<()> {
        self.op(|e| Ok(e.set_group_extension(&name, &server_extension)?))
    }

    /// Adds conversations to a group; returns the per-id failures.
    pub fn add_conversations_to_group(
        &self,
        name: String,
        conversation_ids: Vec<String>,
    ) -> ApiResult<Vec<OperationFailure>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(failures(e.add_to_group(&name, &keys)?)))
    }

    /// Removes conversations from a group; returns the per-id failures.
    pub fn remove_conversations_from_group(
        &self,
        name: String,
        conversation_ids: Vec<String>,
    ) -> ApiResult<Vec<OperationFailure>> {
        let keys = conv_keys(&conversation_ids)?;
        self.op(|e| Ok(failures(e.remove_from_group(&name, &keys)?)))
    }

    /// Every conversation group, by name.
    pub fn get_conversation_group_list(&self) -> ApiResult<Vec<ConversationGroup>> {
        self.op(|e| {
            Ok(e.conversation_groups()
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }
}
