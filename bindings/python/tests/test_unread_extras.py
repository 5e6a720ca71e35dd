"""imcore's unread extensions through uniffi: unread mentions, mark unread
from a message, count preferences, the unread explanation and the unread
status listener with its synced flag (issue 15)."""

import contextlib
import threading

import imcore
from conftest import FLUSH_MS, incoming


class StatusRecorder:
    """An UnreadStatusListener that records what it hears."""

    def __init__(self):
        self.statuses = []
        self.filters = []
        self._lock = threading.Lock()

    def on_unread_status_changed(self, status):
        with self._lock:
            self.statuses.append(
                (status.unread_count, status.unread_mention_count, status.synced)
            )

    def on_unread_mention_count_changed_by_filter(self, filter, count):
        with self._lock:
            self.filters.append(count)


class AcceptAll:
    """An OutboundTransport whose server accepts every envelope at once."""

    def __init__(self):
        self.client = None
        self.sent = []

    def send(self, envelope):
        self.sent.append(envelope.json)
        self.client.ack_outbound(envelope.envelope_id, 0, 0, 0)


def test_mentions_mark_unread_preferences_and_explanation(client):
    rec = StatusRecorder()
    transport = AcceptAll()
    transport.client = client
    with contextlib.closing(client.add_unread_status_listener(rec)):
        client.set_outbound_transport(transport)
        client.receive_messages(
            [
                incoming("t1", "group_team", "bob", 101, seq=1),
                incoming("t2", "group_team", "bob", 102, seq=2, at_user_ids=["me"]),
                incoming("t3", "group_team", "carol", 103, seq=3,
                         at_user_ids=["__kImSDK_MessageAtALL__"]),
            ]
        )
        mentions = imcore.ConversationFilter(has_unread_mention=True)
        assert client.subscribe_unread_count_by_filter(mentions) == 3
        status = client.get_unread_status()
        assert (status.unread_count, status.unread_mention_count, status.synced) == (3, 2, False)
        conv = client.get_conversation("group_team")
        assert (conv.unread_mention_count, conv.badge) == (2, 3)

        client.clear_total_unread_count()
        assert client.mark_conversation_unread_from("group_team", "t3") == 1
        assert client.get_conversation("group_team").read_version > 0

        client.set_count_preference("group_team", imcore.CountPreference.MENTIONS_ONLY)
        assert client.get_conversation("group_team").badge == 1
        assert client.get_unread_mention_count_by_filter(mentions) == 1

        x = client.explain_unread("group_team")
        assert [m.message_id for m in x.counted] == ["t3"]
        assert x.counted[0].mention
        assert x.total_reason == imcore.TotalReason.MENTIONS_ONLY
        assert x.last_move.source == imcore.ReadMoveSource.MARK_UNREAD
        assert x.last_move.backward
        reasons = {m.message_id: m.reason for m in x.not_counted}
        assert reasons["t2"] == imcore.NotCountedReason.BEFORE_READ_POSITION

        client.receive_sync_phase(imcore.SyncPhase.FINISHED, "")
        assert client.flush_events(FLUSH_MS)
        assert rec.statuses[0] == (3, 2, False)
        assert rec.statuses[-1] == (1, 1, True)
        assert rec.filters[-1] == 1
        assert any('"kind":"count_pref"' in j for j in transport.sent)
        assert any('"read_version":' in j for j in transport.sent)
    client.clear_outbound_transport()
    client.verify()


def test_bad_input_is_refused(client):
    client.receive_messages([incoming("m1", "c2c_bob", "bob", 100)])
    try:
        client.mark_conversation_unread_from("c2c_bob", "nope")
        raise AssertionError("an unknown message was accepted")
    except imcore.ImError.MessageNotFound:
        pass
    try:
        client.explain_unread("bob")
        raise AssertionError("a malformed id was accepted")
    except imcore.ImError.InvalidParam:
        pass
    assert client.get_count_preference("c2c_nobody") == imcore.CountPreference.ALL


def test_a_conversation_marked_unread_counts_as_one_when_configured(tmp_path):
    config = imcore.ClientConfig(data_dir=str(tmp_path / "one"), count_marked_unread_as_one=True)
    with contextlib.closing(imcore.ImClient(config)) as c:
        c.login("me")
        c.receive_messages([incoming("m1", "c2c_bob", "bob", 100)])
        c.mark_conversation_read("c2c_bob")
        assert c.get_total_unread_count() == 0
        assert c.mark_conversation(["c2c_bob"], 0x2, True) == []
        bob = c.get_conversation("c2c_bob")
        assert (bob.unread_count, bob.badge) == (0, 1)
        assert c.get_total_unread_count() == 1
        c.receive_messages([incoming("m2", "c2c_bob", "bob", 101)])
        assert c.get_conversation("c2c_bob").badge == 1
        assert c.get_total_unread_count() == 1
        c.verify()


def test_the_unread_mark_alone_is_a_dot_by_default(client):
    client.receive_messages([incoming("m1", "c2c_bob", "bob", 100)])
    client.mark_conversation_read("c2c_bob")
    client.mark_conversation(["c2c_bob"], 0x2, True)
    assert client.get_conversation("c2c_bob").badge == 0
    assert client.get_total_unread_count() == 0
