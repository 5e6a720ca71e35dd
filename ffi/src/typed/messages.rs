//! Messages and receipts: send, receive, history; my messages' receipts
//! and the read receipts I send.

use super::client::ImClient;
use super::error::{ApiResult, ImError};
use super::types::*;
use imcore::engine::InboundReceipt as CoreReceipt;

#[uniffi::export]
impl ImClient {
    /// Sends a message: stored at once (it becomes the last message, never
    /// unread) and, with a transport, handed to it as a `message` envelope;
    /// it stays `Sending` until `ackOutbound`. Without a transport it
    /// succeeds locally at once.
    pub fn send_message(
        &self,
        conversation_id: String,
        params: SendMessageParams,
    ) -> ApiResult<MessageInfo> {
        let key = conv_key(&conversation_id)?;
        let msg = imcore::OutgoingMessage {
            conv: key,
            need_read_receipt: params.need_read_receipt,
            excluded_from_unread: params.excluded_from_unread,
            excluded_from_last_message: params.excluded_from_last_message,
            at_users: params.at_user_ids,
            body: body_of(params.body.as_deref(), params.text.as_deref()),
        };
        let mut st = self.lock();
        let e = st.engine()?;
        let status = if e.outbox_enabled() {
            imcore::MsgStatus::Sending
        } else {
            imcore::MsgStatus::SendSucc
        };
        let msg_id = match params.message_id {
            Some(id) => id,
            None => e.new_message_id()?,
        };
        let out = e.send_message(&msg_id, msg, status);
        if out.is_ok() {
            st.own_sends.sent(&msg_id);
        }
        let events = st.collect(&self.registry);
        st.send(events);
        Ok(out?.into())
    }

    /// Sends a plain text message (see `sendMessage`).
    pub fn send_text_message(
        &self,
        conversation_id: String,
        text: String,
        need_read_receipt: bool,
    ) -> ApiResult<MessageInfo> {
        self.send_message(
            conversation_id,
            SendMessageParams {
                text: Some(text),
                need_read_receipt,
                ..Default::default()
            },
        )
    }

    /// Stores messages the transport received, in one transaction (one bad
    /// message fails the batch and changes nothing); a message id already
    /// stored is a no-op. Fires `onReceiveMessages`, conversation and
    /// unread events.
    pub fn receive_messages(&self, messages: Vec<IncomingMessage>) -> ApiResult<ReceiveReport> {
        let batch = messages
            .iter()
            .map(IncomingMessage::to_core)
            .collect::<ApiResult<Vec<_>>>()?;
        self.op(|e| {
            let r = e.receive(batch)?;
            Ok(ReceiveReport {
                stored: r.stored as u64,
                duplicates: r.duplicates as u64,
                online: r.online as u64,
            })
        })
    }

    /// Messages of a conversation, newest first, older than
    /// `beforeMessageId` (`null` = from the newest), at most `count`.
    pub fn get_message_list(
        &self,
        conversation_id: String,
        before_message_id: Option<String>,
        count: u32,
    ) -> ApiResult<Vec<MessageInfo>> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| {
            Ok(e.messages(&key, before_message_id.as_deref(), count)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// One message by id (`MessageNotFound` if unknown).
    pub fn get_message(&self, message_id: String) -> ApiResult<MessageInfo> {
        self.op(|e| {
            e.message_by_id(&message_id)?
                .map(Into::into)
                .ok_or_else(|| ImError::MessageNotFound(format!("message not found: {message_id}")))
        })
    }

    // ------------------------------------------------------------- receipts

    /// Sends my read receipts for received messages of one conversation
    /// that ask for them (at most 100): marks them and, with a transport,
    /// queues one `receipts` envelope. Returns the ids newly marked
    /// (already sent ones are skipped). Unread counts do not change.
    pub fn send_message_receipts(&self, message_ids: Vec<String>) -> ApiResult<Vec<String>> {
        self.op(|e| Ok(e.send_receipts(&message_ids)?))
    }

    /// The read state of my messages (all of one conversation).
    pub fn get_message_receipts(&self, message_ids: Vec<String>) -> ApiResult<Vec<MessageReceipt>> {
        self.op(|e| {
            Ok(e.receipts_of(&message_ids)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    /// A page of the members who have (`read`) or have not read one of my
    /// group messages; `cursor` 0 first, then `nextCursor`; `count` 1..=100.
    pub fn get_group_message_read_member_list(
        &self,
        message_id: String,
        read: bool,
        cursor: u64,
        count: u32,
    ) -> ApiResult<GroupMessageReadMembers> {
        self.op(|e| {
            let p = e.read_members(&message_id, read, cursor, count)?;
            Ok(GroupMessageReadMembers {
                members: p.members,
                next_cursor: p.next_cursor,
                finished: p.finished,
            })
        })
    }

    /// Applies receipts the transport received for my messages; returns how
    /// many applied (duplicates and non-members change nothing). Fires
    /// `onReceiveReceipts`.
    pub fn receive_receipts(&self, receipts: Vec<InboundReceipt>) -> ApiResult<u64> {
        let list = receipts
            .iter()
            .map(|r| {
                Ok(CoreReceipt {
                    conv: conv_key(&r.conversation_id)?,
                    msg_id: r.message_id.clone(),
                    reader: r.reader_id.clone(),
                    timestamp: r.timestamp,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        self.op(|e| Ok(e.apply_receipts(list)? as u64))
    }
}
