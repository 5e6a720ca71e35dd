//! The message lifecycle on the typed face: deleting, clearing, revoking and
//! editing messages, the global receive option and the app state (records in
//! `types/lifecycle.rs`).

use super::client::ImClient;
use super::error::ApiResult;
use super::listeners::{Kind, ListenerHandle, MessageLifecycleListener};
use super::types::{
    conv_key, AllReceiveOption, AppStateInfo, InboundMessageEdit, InboundRevoke, MessageInfo,
    RevocationInfo,
};
use imcore::engine::AppState;
use std::sync::Arc;

/// The message lifecycle on the typed face (core `engine/lifecycle/`).
#[uniffi::export]
impl ImClient {
    /// Registers a message-lifecycle listener (revokes, edits, the global
    /// receive option); see `addConversationListener` for the handle.
    pub fn add_message_lifecycle_listener(
        &self,
        listener: Box<dyn MessageLifecycleListener>,
    ) -> Arc<ListenerHandle> {
        let id = self.registry().add_lifecycle(Arc::from(listener));
        ListenerHandle::new(self.registry(), Kind::Lifecycle, id)
    }

    /// Deletes messages of a conversation (all or nothing: an unknown id
    /// fails the call). Unread ones lower the count; the preview moves to
    /// the newest message left. `onServer` also deletes the server's copy (a
    /// `message_delete` envelope); otherwise only this device forgets them.
    pub fn delete_messages(
        &self,
        conversation_id: String,
        message_ids: Vec<String>,
        on_server: bool,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.delete_messages(&key, &message_ids, on_server)?))
    }

    /// Deletes every message of a conversation, here and on the server (a
    /// `clear_history` envelope); the conversation stays, read.
    pub fn clear_history_messages(&self, conversation_id: String) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.clear_history(&key)?))
    }

    /// Revokes a message: it stays in history, revoked, and stops counting
    /// as unread. With a transport a refusal restores it.
    pub fn revoke_message(
        &self,
        conversation_id: String,
        message_id: String,
        reason: String,
    ) -> ApiResult<MessageInfo> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.revoke_message(&key, &message_id, &reason)?.into()))
    }

    /// Who revoked a message, why and when (None: not revoked).
    pub fn get_revocation(&self, message_id: String) -> ApiResult<Option<RevocationInfo>> {
        self.op(|e| {
            Ok(e.revocation(&message_id)?.map(|r| RevocationInfo {
                revoker: r.revoker,
                reason: r.reason,
                time: r.time,
            }))
        })
    }

    /// Edits a message's JSON. Without a transport it applies at once; with
    /// one when the server accepts it (the message-lifecycle listener's
    /// `onMessagesModified` tells; a refusal changes nothing). Returns the
    /// message with the edit applied either way: the same message the C
    /// face's `TIMMsgModifyMessage` reports (there once the server accepted).
    pub fn modify_message(
        &self,
        conversation_id: String,
        message_id: String,
        message_json: String,
    ) -> ApiResult<MessageInfo> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.modify_message(&key, &message_id, &message_json)?.into()))
    }

    /// Sets the global receive option (without a transport at once, with one
    /// when the server accepts it). Unread counts do not change.
    pub fn set_all_receive_option(&self, option: AllReceiveOption) -> ApiResult<()> {
        self.op(|e| Ok(e.set_all_receive_opt(option.into())?))
    }

    /// The global receive option in force.
    pub fn get_all_receive_option(&self) -> ApiResult<AllReceiveOption> {
        self.op(|e| Ok(e.all_receive_opt()?.into()))
    }

    /// The app went to the background: `unreadCount` is the badge the push
    /// service shows (kept, and handed to the transport).
    pub fn set_app_background(&self, unread_count: u32) -> ApiResult<()> {
        self.op(|e| Ok(e.set_app_state(AppState::Background { unread_count })?))
    }

    /// The app came back to the foreground.
    pub fn set_app_foreground(&self) -> ApiResult<()> {
        self.op(|e| Ok(e.set_app_state(AppState::Foreground)?))
    }

    /// The app state last recorded.
    pub fn get_app_state(&self) -> ApiResult<AppStateInfo> {
        self.op(|e| {
            Ok(match e.app_state()? {
                AppState::Foreground => AppStateInfo {
                    background: false,
                    unread_count: 0,
                },
                AppState::Background { unread_count } => AppStateInfo {
                    background: true,
                    unread_count,
                },
            })
        })
    }

    /// Private read receipts (persisted): reading still clears my counts and
    /// syncs my read position to my other devices, but sends no receipt to
    /// others (`sendMessageReceipts` then sends nothing and returns []).
    pub fn set_private_read_receipts(&self, enabled: bool) -> ApiResult<()> {
        self.op(|e| Ok(e.set_private_read_receipts(enabled)?))
    }

    /// Whether read receipts are private.
    pub fn get_private_read_receipts(&self) -> ApiResult<bool> {
        self.op(|e| Ok(e.private_read_receipts()))
    }

    /// Revokes the server sent (one transaction): a stored message is
    /// revoked (once; `onMessagesRevoked`), one not stored yet is revoked
    /// when it arrives; repeats and other conversations' ids change nothing.
    pub fn receive_revokes(&self, revokes: Vec<InboundRevoke>) -> ApiResult<()> {
        let revokes = revokes
            .into_iter()
            .map(|r| {
                Ok(imcore::engine::InboundRevoke {
                    conv: conv_key(&r.conversation_id)?,
                    msg_id: r.message_id,
                    revoker: r.revoker,
                    reason: r.reason,
                    time: r.time,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        self.op(|e| Ok(e.apply_revokes(revokes)?))
    }

    /// Messages another of my devices deleted with the server's copy.
    pub fn receive_message_deletes(
        &self,
        conversation_id: String,
        message_ids: Vec<String>,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.apply_message_deletes(&key, &message_ids)?))
    }

    /// A history clear from another of my devices: C2C up to `timestamp`,
    /// groups up to `sequence` (the other field 0).
    pub fn receive_clear_history(
        &self,
        conversation_id: String,
        timestamp: u64,
        sequence: u64,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.apply_clear_history(&key, timestamp, sequence)?))
    }

    /// Edits the server sent (the greater version wins).
    pub fn receive_message_edits(&self, edits: Vec<InboundMessageEdit>) -> ApiResult<()> {
        let edits = edits
            .into_iter()
            .map(|x| {
                Ok(imcore::engine::InboundEdit {
                    conv: conv_key(&x.conversation_id)?,
                    msg_id: x.message_id,
                    body: x.message_json,
                    version: x.version,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        self.op(|e| Ok(e.apply_edits(edits)?))
    }

    /// The global receive option set on another device, at the server's
    /// version `updateTime` (the greater wins).
    pub fn receive_all_receive_option(
        &self,
        option: AllReceiveOption,
        update_time: u64,
    ) -> ApiResult<()> {
        self.op(|e| Ok(e.apply_all_receive_opt(option.into(), update_time)?))
    }
}
