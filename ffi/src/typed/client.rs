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
use imcore::{Engine, EngineConfig};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub(super) struct State {
    engine: Option<Engine>,
    dispatcher: Option<Dispatcher>,
    /// `onTotalUnreadCountChanged` fires only after the first
    /// `getTotalUnreadCount` of this login, as the C face's total listener
    /// (TIM's rule); false again after login / logout.
    pub(super) total_listening: bool,
    /// Messages sent from this device (never reported as new messages).
    pub(super) own_sends: OwnSends,
}

impl State {
    /// Drains the engine's change batches into this face's events.
    pub(super) fn collect(&mut self, registry: &Registry) -> Vec<Event> {
        match self.engine.as_mut() {
            Some(engine) => collect(engine, registry, &self.own_sends),
            None => Vec::new(),
        }
    }

    pub(super) fn engine(&mut self) -> ApiResult<&mut Engine> {
        if self.dispatcher.is_none() {
            return Err(ImError::not_logged_in("the client is closed"));
        }
        self.engine
            .as_mut()
            .ok_or_else(|| ImError::not_logged_in("no user is logged in; call login first"))
    }

    pub(super) fn send(&self, mut events: Vec<Event>) {
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
    pub(super) registry: Arc<Registry>,
}

impl ImClient {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
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
            EngineConfig {
                revoked_messages_count: self.config.revoked_messages_count,
                count_marked_unread_as_one: self.config.count_marked_unread_as_one,
                ..EngineConfig::default()
            },
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
}
