//! `ImClient`: the engine of the logged-in user behind a mutex, a listener
//! registry and a dispatcher thread.
//!
//! Each operation locks the engine, runs, drains the engine's change
//! batches into listener events, queues them on the dispatcher channel and
//! unlocks; the call then returns. The events follow on the dispatcher
//! thread, in operation order, with no lock held.

use super::dispatcher::{collect, Dispatcher, Event};
use super::error::{ApiResult, ImError};
use super::listeners::{
    ConversationGroupListener, ConversationListener, Kind, ListenerHandle, MessageListener,
    OutboundTransport, ReceiptListener, Registry,
};
use super::types::*;
use crate::notify::OwnSends;
use imcore::engine::{InboundReceipt as CoreReceipt, RosterOp};
use imcore::{CleanTarget, ConversationFilter as CoreFilter, Engine, EngineConfig};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

struct State {
    engine: Option<Engine>,
    dispatcher: Option<Dispatcher>,
    /// `onTotalUnreadCountChanged` fires only after the first
    /// `getTotalUnreadCount` of this login, as the C face's total listener
    /// (TIM's rule); false again after login / logout.
    total_listening: bool,
    /// Messages sent from this device (never reported as new messages).
    own_sends: OwnSends,
}

impl State {
    /// Drains the engine's change batches into this face's events.
    fn collect(&mut self, registry: &Registry) -> Vec<Event> {
        match self.engine.as_mut() {
            Some(engine) => collect(engine, registry, &self.own_sends),
            None => Vec::new(),
        }
    }

    fn engine(&mut self) -> ApiResult<&mut Engine> {
        if self.dispatcher.is_none() {
            return Err(ImError::not_logged_in("the client is closed"));
        }
        self.engine
            .as_mut()
            .ok_or_else(|| ImError::not_logged_in("no user is logged in; call login first"))
    }

    fn send(&self, mut events: Vec<Event>) {
        if !self.total_listening {
            events.retain(|e| !matches!(e, Event::TotalUnread(_)));
        }
        if let Some(d) = &self.dispatcher {
            d.send(events);
        }
    }
}

/// An IM client: one logged-in user's conversations, unread counts and
/// receipts on an embedded SQLite store, with listeners called on the
/// client's own dispatcher thread.
///
/// Conversation ids are Tencent V2 ids: `c2c_<userID>` and
/// `group_<groupID>` (NIM ids convert with `conversationIdFromNim`).
/// Every method is synchronous and thread-safe; the events an operation
/// causes are delivered after it returns, in operation order (use
/// `flushEvents` to wait for them).
#[derive(uniffi::Object)]
pub struct ImClient {
    config: ClientConfig,
    state: Mutex<State>,
    registry: Arc<Registry>,
}

static MESSAGE_COUNTER: AtomicU64 = AtomicU64::new(0);

fn new_message_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = MESSAGE_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("imcore-{nanos:x}-{:x}-{n:x}", std::process::id())
}

impl ImClient {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs one operation on the engine and queues its events.
    /// The listener registry (for the face's other files).
    pub(super) fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    pub(super) fn op<T>(&self, f: impl FnOnce(&mut Engine) -> ApiResult<T>) -> ApiResult<T> {
        let mut st = self.lock();
        let out = f(st.engine()?);
        let events = st.collect(&self.registry);
        st.send(events);
        out
    }

    /// Hands the unacknowledged envelopes to the transport (after a login
    /// or when a transport is attached to a logged-in client).
    fn redeliver(st: &mut State) -> ApiResult<()> {
        let Some(engine) = st.engine.as_mut() else {
            return Ok(());
        };
        let pending = engine.outbox()?;
        st.send(
            pending
                .into_iter()
                .map(|e| Event::Outbound(e.into()))
                .collect(),
        );
        Ok(())
    }

    fn shutdown(&self) {
        let dispatcher = {
            let mut st = self.lock();
            st.engine = None;
            st.dispatcher.take()
        };
        if let Some(d) = dispatcher {
            d.stop();
        }
        self.registry.clear();
    }
}

impl Drop for ImClient {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[uniffi::export]
impl ImClient {
    /// A client over the stores in `config.dataDir`; starts its dispatcher
    /// thread. Nobody is logged in yet.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> ApiResult<Arc<Self>> {
        if config.data_dir.is_empty() {
            return Err(ImError::invalid("dataDir is empty"));
        }
        let registry = Arc::new(Registry::default());
        let dispatcher = Dispatcher::start(registry.clone())
            .map_err(|e| ImError::Storage(format!("cannot start the dispatcher thread: {e}")))?;
        Ok(Arc::new(ImClient {
            config,
            state: Mutex::new(State {
                engine: None,
                dispatcher: Some(dispatcher),
                total_listening: false,
                own_sends: OwnSends::default(),
            }),
            registry,
        }))
    }

    // ------------------------------------------------------------ lifecycle

    /// Opens `userId`'s store (created when missing). Logging in again as
    /// the same user is a no-op; as another user, log out first. With a
    /// transport attached, envelopes left unacknowledged by an earlier run
    /// are handed to it again.
    pub fn login(&self, user_id: String) -> ApiResult<()> {
        let mut st = self.lock();
        if st.dispatcher.is_none() {
            return Err(ImError::not_logged_in("the client is closed"));
        }
        if let Some(e) = &st.engine {
            if e.user_id() == user_id {
                return Ok(());
            }
            return Err(ImError::invalid(format!(
                "already logged in as {:?}; log out first",
                e.user_id()
            )));
        }
        let mut engine = Engine::open(
            Path::new(&self.config.data_dir),
            self.config.app_id,
            &user_id,
            EngineConfig::default(),
        )?;
        let has_transport = self.registry.transport().is_some();
        engine.set_outbox_enabled(has_transport);
        st.engine = Some(engine);
        st.total_listening = false;
        if has_transport {
            Self::redeliver(&mut st)?;
        }
        Ok(())
    }

    /// Closes the store. Filter subscriptions end; listeners and the
    /// transport stay registered. A no-op when nobody is logged in.
    pub fn logout(&self) -> ApiResult<()> {
        let mut st = self.lock();
        st.engine = None;
        st.total_listening = false;
        Ok(())
    }

    /// Logs out, delivers the events already queued, stops the dispatcher
    /// thread (waiting for it unless called from a listener) and drops
    /// every listener. Every later call fails with `NotLoggedIn`. Dropping
    /// the client does the same. Kotlin: `shutdown()`, or `close()` /
    /// `use { }`, which also frees the object.
    pub fn close(&self) {
        self.shutdown();
    }

    /// The logged-in user, if any.
    pub fn get_login_user(&self) -> Option<String> {
        self.lock().engine.as_ref().map(|e| e.user_id().to_owned())
    }

    /// Waits until every listener / transport call queued before this call
    /// has returned, at most `timeoutMs`. Returns `false` on timeout, when
    /// the client is closed, or when called from a listener (the dispatcher
    /// thread cannot wait for itself).
    pub fn flush_events(&self, timeout_ms: u32) -> bool {
        let st = self.lock();
        let Some(d) = &st.dispatcher else {
            return false;
        };
        if d.is_current() {
            return false;
        }
        // Queue the barrier under the lock (behind every queued event) and
        // wait without it.
        let done = d.barrier();
        drop(st);
        done.is_some_and(|rx| {
            rx.recv_timeout(Duration::from_millis(u64::from(timeout_ms)))
                .is_ok()
        })
    }

    /// Whether the calling thread is this client's dispatcher thread (true
    /// inside listener and transport calls).
    pub fn is_dispatcher_thread(&self) -> bool {
        self.lock()
            .dispatcher
            .as_ref()
            .is_some_and(Dispatcher::is_current)
    }

    /// Recomputes every count from the store and checks it against the
    /// cached ones (a test aid; `Storage` error on a mismatch).
    pub fn verify(&self) -> ApiResult<()> {
        self.op(|e| Ok(e.verify()?))
    }

    // ------------------------------------------------------------ listeners

    /// Registers a conversation listener; keep the handle, it unregisters
    /// the listener when closed or dropped.
    pub fn add_conversation_listener(
        &self,
        listener: Box<dyn ConversationListener>,
    ) -> Arc<ListenerHandle> {
        let id = self.registry.add_conversation(Arc::from(listener));
        ListenerHandle::new(&self.registry, Kind::Conversation, id)
    }

    /// Registers a conversation-group listener (see `addConversationListener`).
    pub fn add_conversation_group_listener(
        &self,
        listener: Box<dyn ConversationGroupListener>,
    ) -> Arc<ListenerHandle> {
        let id = self.registry.add_group(Arc::from(listener));
        ListenerHandle::new(&self.registry, Kind::Group, id)
    }

    /// Registers a message listener (see `addConversationListener`).
    pub fn add_message_listener(&self, listener: Box<dyn MessageListener>) -> Arc<ListenerHandle> {
        let id = self.registry.add_message(Arc::from(listener));
        ListenerHandle::new(&self.registry, Kind::Message, id)
    }

    /// Registers a receipt listener (see `addConversationListener`).
    pub fn add_receipt_listener(&self, listener: Box<dyn ReceiptListener>) -> Arc<ListenerHandle> {
        let id = self.registry.add_receipt(Arc::from(listener));
        ListenerHandle::new(&self.registry, Kind::Receipt, id)
    }

    // ------------------------------------------------------------ transport

    /// Attaches the host's transport (replacing any earlier one). From now
    /// on operations queue outbound envelopes durably and hand them to
    /// `transport.send` on the dispatcher thread; sent messages stay
    /// `Sending` until acked. Without a transport the client runs in
    /// loopback mode: sends succeed locally at once and nothing goes out.
    pub fn set_outbound_transport(&self, transport: Box<dyn OutboundTransport>) -> ApiResult<()> {
        let mut st = self.lock();
        self.registry.set_transport(Some(Arc::from(transport)));
        let enable = st.engine.as_ref().is_some_and(|e| !e.outbox_enabled());
        if enable {
            if let Some(e) = st.engine.as_mut() {
                e.set_outbox_enabled(true);
            }
            Self::redeliver(&mut st)?;
        }
        Ok(())
    }

    /// Detaches the transport: back to loopback mode. Unacknowledged
    /// envelopes stay in the outbox for the next transport.
    pub fn clear_outbound_transport(&self) {
        let mut st = self.lock();
        self.registry.set_transport(None);
        if let Some(e) = st.engine.as_mut() {
            e.set_outbox_enabled(false);
        }
    }

    /// The server's answer to envelope `envelopeId`. Code 0 stamps a
    /// message with `serverTime` (seconds, 0 = now) and `seq` (groups). A
    /// non-zero code leaves a message `Failed`, puts a refused setting (pin,
    /// marks, receive option, custom data, server extension) back to the
    /// value the server last confirmed unless a later queued change replaces
    /// it, lets a refused receipt be sent again, and queues refused read
    /// positions and deletes again for the next resend (docs/TRANSPORT.md,
    /// "Several devices"); the undo fires the usual events. The calls that
    /// queued the envelope returned after the local change. An unknown or
    /// already answered envelope is `InvalidParam`. Same as
    /// `ackOutboundVersioned` without an update time.
    pub fn ack_outbound(
        &self,
        envelope_id: u64,
        code: i32,
        server_time: u64,
        seq: u64,
    ) -> ApiResult<AckResult> {
        self.ack_outbound_versioned(envelope_id, code, server_time, seq, 0)
    }

    /// `ackOutbound` with the server's update time (version) of the
    /// conversations an accepted settings change touched (0 = not given):
    /// a conversation snapshot older than it no longer replaces the
    /// accepted value.
    pub fn ack_outbound_versioned(
        &self,
        envelope_id: u64,
        code: i32,
        server_time: u64,
        seq: u64,
        update_time: u64,
    ) -> ApiResult<AckResult> {
        self.op(|e| {
            let out = e.ack_outbound_at(envelope_id, code, server_time, seq, update_time)?;
            Ok(AckResult {
                envelope_id,
                code,
                message: out.message.map(Into::into),
            })
        })
    }

    /// Every envelope not acknowledged yet, oldest first.
    pub fn get_pending_outbound(&self) -> ApiResult<Vec<OutboundEnvelope>> {
        self.op(|e| Ok(e.outbox()?.into_iter().map(Into::into).collect()))
    }

    // -------------------------------------------------------- conversations

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
    /// never changes a count. Returns the per-id failures.
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

    // --------------------------------------------------------------- unread

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

    /// Marks every conversation of a conversation group (by name) read.
    pub fn clear_unread_count_by_group_id(&self, group_id: String) -> ApiResult<()> {
        self.op(|e| Ok(e.clear_unread_by_group(&group_id)?))
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

    // --------------------------------------------------- conversation groups

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

    // ------------------------------------------------------------- messages

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
        let msg_id = params.message_id.clone().unwrap_or_else(new_message_id);
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

    // -------------------------------------------------------------- inbound

    /// I read up to `timestamp` (C2C, seconds) / `sequence` (group) on
    /// another device. Positions only move forward; a move fires
    /// `onConversationReadTimeUpdated`.
    pub fn receive_read_position(
        &self,
        conversation_id: String,
        timestamp: u64,
        sequence: u64,
    ) -> ApiResult<()> {
        let key = conv_key(&conversation_id)?;
        self.op(|e| Ok(e.apply_read_position(&key, timestamp, sequence)?))
    }

    /// Updates the roster of group `groupId` (a bare group id, not
    /// `group_…`) that group receipts count against, and optionally its type.
    pub fn set_group_members(
        &self,
        group_id: String,
        group_type: Option<GroupType>,
        op: GroupMemberOp,
        members: Vec<String>,
    ) -> ApiResult<()> {
        let key = imcore::ConvKey::group(group_id)?;
        let op = match op {
            GroupMemberOp::Set => RosterOp::Set,
            GroupMemberOp::Add => RosterOp::Add,
            GroupMemberOp::Remove => RosterOp::Remove,
        };
        self.op(|e| Ok(e.set_group_members(&key, group_type.map(Into::into), op, &members)?))
    }

    /// A group's roster, sorted.
    pub fn get_group_members(&self, group_id: String) -> ApiResult<Vec<String>> {
        let key = imcore::ConvKey::group(group_id)?;
        self.op(|e| Ok(e.group_members(&key)?))
    }

    /// The host's server sync lifecycle: fires `onSyncStarted`,
    /// `onSyncFinished` or `onSyncFailed(reason)` in order with the other
    /// events (`reason` is passed on for `Failed` only).
    pub fn receive_sync_phase(&self, phase: SyncPhase, reason: String) -> ApiResult<()> {
        let mut st = self.lock();
        let engine = st.engine()?;
        engine.sync_phase(match phase {
            SyncPhase::Started => imcore::SyncPhase::Started,
            SyncPhase::Finished => imcore::SyncPhase::Finished,
            SyncPhase::Failed => imcore::SyncPhase::Failed,
        });
        let mut events = st.collect(&self.registry);
        for e in &mut events {
            if let Event::SyncFailed(r) = e {
                r.clone_from(&reason);
            }
        }
        st.send(events);
        Ok(())
    }

    /// Merges conversation states from a server sync in one transaction
    /// (pins, marks, groups, receive options, extensions, read positions;
    /// see `ConversationSyncState`). Read positions that move fire
    /// `onConversationReadTimeUpdated`; changes fire the usual events.
    pub fn receive_conversation_sync(&self, states: Vec<ConversationSyncState>) -> ApiResult<()> {
        let states = states
            .iter()
            .map(ConversationSyncState::to_core)
            .collect::<ApiResult<Vec<_>>>()?;
        self.op(|e| Ok(e.merge_conversations(states)?))
    }
}
