"""Fixtures for the imcore Python binding tests: clients on temporary stores,
recording listeners, and a two-client "server" built on OutboundTransport."""

import threading

import pytest

import imcore

FLUSH_MS = 5000


class ConversationRecorder:
    """A ConversationListener that records (method, args, thread ident)."""

    def __init__(self, client=None):
        self.calls = []
        self.on_dispatcher = set()
        self._client = client
        self._lock = threading.Lock()

    def _rec(self, name, *args):
        with self._lock:
            self.calls.append((name, args, threading.get_ident()))
            if self._client is not None:
                self.on_dispatcher.add(self._client.is_dispatcher_thread())

    def named(self, name):
        return [args for (n, args, _) in self.calls if n == name]

    def threads(self):
        return {t for (_, _, t) in self.calls}

    def on_sync_started(self):
        self._rec("on_sync_started")

    def on_sync_finished(self):
        self._rec("on_sync_finished")

    def on_sync_failed(self, reason):
        self._rec("on_sync_failed", reason)

    def on_conversation_created(self, conversation):
        self._rec("on_conversation_created", conversation)

    def on_conversation_deleted(self, conversation_ids):
        self._rec("on_conversation_deleted", conversation_ids)

    def on_conversation_changed(self, conversations):
        self._rec("on_conversation_changed", conversations)

    def on_total_unread_count_changed(self, unread_count):
        self._rec("on_total_unread_count_changed", unread_count)

    def on_unread_count_changed_by_filter(self, filter, unread_count):
        self._rec("on_unread_count_changed_by_filter", filter, unread_count)

    def on_conversation_read_time_updated(self, conversation_id, read_time):
        self._rec("on_conversation_read_time_updated", conversation_id, read_time)


class ReceiptRecorder:
    def __init__(self):
        self.receipts = []
        self.threads = set()

    def on_receive_receipts(self, receipts):
        self.threads.add(threading.get_ident())
        self.receipts.extend(receipts)


class MessageRecorder:
    def __init__(self):
        self.messages = []
        self.threads = set()

    def on_receive_messages(self, messages):
        self.threads.add(threading.get_ident())
        self.messages.extend(messages)


class LifecycleRecorder:
    """A MessageLifecycleListener that records what it hears."""

    def __init__(self):
        self.revoked = []
        self.modified = []
        self.options = []

    def on_messages_revoked(self, revoked):
        self.revoked.extend(revoked)

    def on_messages_modified(self, messages):
        self.modified.extend(messages)

    def on_all_receive_option_changed(self, option):
        self.options.append(option)


def incoming(msg_id, conv, sender, time, seq=0, **kw):
    return imcore.IncomingMessage(
        message_id=msg_id,
        conversation_id=conv,
        sender_id=sender,
        server_time=time,
        seq=seq,
        text=kw.pop("text", "hello"),
        **kw,
    )


@pytest.fixture
def make_client(tmp_path):
    clients = []

    def make(user="me", app_id=1400000001):
        c = imcore.ImClient(imcore.ClientConfig(data_dir=str(tmp_path), app_id=app_id))
        c.login(user)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client):
    return make_client()


class LoopbackServer:
    """Joins clients: each client's OutboundTransport delivers its envelopes to
    the other clients the way a server would, then acks them."""

    def __init__(self):
        self.clients = {}
        self.time = 1_700_000_000
        self.seq = 0
        self.delivered = []
        self.send_threads = set()

    def attach(self, user, client):
        self.clients[user] = client
        client.set_outbound_transport(Transport(self, user))

    def deliver(self, sender, env):
        self.send_threads.add(threading.get_ident())
        self.delivered.append((sender, env.kind))
        self.time += 1
        seq = 0
        p = env.payload
        if isinstance(p, imcore.OutboundPayload.MESSAGE):
            m = p.message
            kind = imcore.parse_conversation_type(m.conversation_id)
            target = imcore.parse_conversation_target_id(m.conversation_id)
            if kind == imcore.ConversationType.GROUP:
                self.seq += 1
                seq = self.seq
                receivers = [u for u in self.clients if u != sender]
                conv = m.conversation_id
            else:
                receivers = [target] if target in self.clients else []
                conv = imcore.c2c_conversation_id(sender)
            for r in receivers:
                self.clients[r].receive_messages([
                    imcore.IncomingMessage(
                        message_id=m.message_id,
                        conversation_id=conv,
                        sender_id=sender,
                        server_time=self.time,
                        seq=seq,
                        body=m.body,
                        need_read_receipt=m.need_read_receipt,
                        excluded_from_unread=m.excluded_from_unread,
                    )
                ])
        elif isinstance(p, imcore.OutboundPayload.RECEIPTS):
            kind = imcore.parse_conversation_type(p.conversation_id)
            target = imcore.parse_conversation_target_id(p.conversation_id)
            if kind == imcore.ConversationType.GROUP:
                receivers = [u for u in self.clients if u != sender]
                conv = p.conversation_id
            else:
                receivers = [target] if target in self.clients else []
                conv = imcore.c2c_conversation_id(sender)
            for r in receivers:
                self.clients[r].receive_receipts([
                    imcore.InboundReceipt(
                        conversation_id=conv, message_id=mid, reader_id=sender, timestamp=self.time
                    )
                    for mid in p.message_ids
                ])
        elif isinstance(p, imcore.OutboundPayload.REVOKE):
            # A revoke reaches the other side of the conversation (and my
            # other devices, which this server does not model).
            kind = imcore.parse_conversation_type(p.conversation_id)
            target = imcore.parse_conversation_target_id(p.conversation_id)
            if kind == imcore.ConversationType.GROUP:
                receivers = [u for u in self.clients if u != sender]
                conv = p.conversation_id
            else:
                receivers = [target] if target in self.clients else []
                conv = imcore.c2c_conversation_id(sender)
            for r in receivers:
                self.clients[r].receive_revokes([
                    imcore.InboundRevoke(
                        conversation_id=conv, message_id=p.message_id, revoker=sender,
                        reason=p.reason, time=self.time,
                    )
                ])
        self.clients[sender].ack_outbound(env.envelope_id, 0, self.time, seq)


class Transport:
    def __init__(self, server, user):
        self.server = server
        self.user = user

    def send(self, envelope):
        self.server.deliver(self.user, envelope)


@pytest.fixture
def server():
    return LoopbackServer()
