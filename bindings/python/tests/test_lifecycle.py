"""The message lifecycle on the typed face: deletes and clears lower the
counts, the server's revokes (before their message, repeated) and a revoke
round trip through a Python transport, edits, the global receive option,
the app state and private read receipts, against the built libimcore."""

import contextlib

import pytest

import imcore
from conftest import FLUSH_MS, LifecycleRecorder, incoming


def unread(client, conv_id):
    return client.get_conversation(conv_id).unread_count


def test_deletes_and_clears_lower_the_counts(client):
    client.receive_messages([incoming(f"m{i}", "c2c_bob", "bob", 100 + i) for i in (1, 2, 3)])
    assert client.get_total_unread_count() == 3
    client.delete_messages("c2c_bob", ["m3"], False)
    assert unread(client, "c2c_bob") == 2
    assert client.get_conversation("c2c_bob").last_message.message_id == "m2"
    # All or nothing: an unknown id deletes nothing.
    with pytest.raises(imcore.ImError.MessageNotFound):
        client.delete_messages("c2c_bob", ["m1", "nope"], True)
    assert unread(client, "c2c_bob") == 2
    # A deleted id delivered again is a repeat.
    report = client.receive_messages([incoming("m3", "c2c_bob", "bob", 103)])
    assert report.duplicates == 1 and unread(client, "c2c_bob") == 2
    client.clear_history_messages("c2c_bob")
    assert client.get_total_unread_count() == 0
    assert client.get_message_list("c2c_bob", None, 20) == []
    client.verify()


def test_the_servers_revokes_in_any_order(client):
    rec = LifecycleRecorder()
    with contextlib.closing(client.add_message_lifecycle_listener(rec)):
        revoke = imcore.InboundRevoke(
            conversation_id="group_team", message_id="g1", revoker="bob", reason="", time=0
        )
        client.receive_revokes([revoke])  # before its message
        mention = incoming("g1", "group_team", "bob", 101, seq=1)
        client.receive_messages([mention, incoming("g2", "group_team", "bob", 102, seq=2)])
        assert unread(client, "group_team") == 1
        assert client.get_message("g1").is_revoked
        late = imcore.InboundRevoke(
            conversation_id="group_team", message_id="g2", revoker="bob", reason="typo", time=0
        )
        client.receive_revokes([late])
        client.receive_revokes([late])
        assert unread(client, "group_team") == 0
        assert client.flush_events(FLUSH_MS)
        assert [(r.message_id, r.reason, r.seq) for r in rec.revoked] == [("g2", "typo", 2)]
        assert client.get_revocation("g2").revoker == "bob"
        assert client.get_revocation("nope") is None
    client.verify()


def test_a_revoke_round_trip_through_a_python_transport(make_client, server):
    alice = make_client("alice")
    bob = make_client("bob")
    server.attach("alice", alice)
    server.attach("bob", bob)
    rec = LifecycleRecorder()
    handle = bob.add_message_lifecycle_listener(rec)
    sent = alice.send_text_message("c2c_bob", "sorry, wrong chat", False)
    assert alice.flush_events(FLUSH_MS) and bob.flush_events(FLUSH_MS)
    assert unread(bob, "c2c_alice") == 1
    revoked = alice.revoke_message("c2c_bob", sent.message_id, "wrong chat")
    assert revoked.is_revoked
    assert alice.flush_events(FLUSH_MS) and bob.flush_events(FLUSH_MS)
    assert ("alice", "revoke") in server.delivered
    assert unread(bob, "c2c_alice") == 0
    assert bob.get_message(sent.message_id).is_revoked
    assert [(r.message_id, r.revoker, r.conversation_id) for r in rec.revoked] == [
        (sent.message_id, "alice", "c2c_alice")
    ]
    assert not alice.get_pending_outbound()
    handle.close()
    alice.verify()
    bob.verify()


def test_edits_options_app_state_and_private_receipts(client):
    rec = LifecycleRecorder()
    with contextlib.closing(client.add_message_lifecycle_listener(rec)):
        client.receive_messages([incoming("e1", "c2c_bob", "bob", 100)])
        edited = client.modify_message("c2c_bob", "e1", '{"message_elem_array":[{"elem_type":0,"text_elem_content":"v2"}]}')
        assert edited.text == "v2"
        older = imcore.InboundMessageEdit(
            conversation_id="c2c_bob", message_id="e1", message_json="{}", version=0
        )
        client.receive_message_edits([older])  # unversioned: applies
        assert client.get_message("e1").body == "{}"

        quiet = imcore.AllReceiveOption(
            option=imcore.ReceiveOption.NOT_NOTIFY, start_hour=22, start_minute=0,
            start_second=0, start_time_stamp=0, duration=8 * 3600,
        )
        client.set_all_receive_option(quiet)
        assert client.get_all_receive_option() == quiet
        bad = imcore.AllReceiveOption(
            option=imcore.ReceiveOption.RECEIVE, start_hour=24, start_minute=0,
            start_second=0, start_time_stamp=0, duration=0,
        )
        with pytest.raises(imcore.ImError.InvalidParam):
            client.set_all_receive_option(bad)
        assert client.flush_events(FLUSH_MS)
        assert [m.message_id for m in rec.modified] == ["e1", "e1"]
        assert rec.options == [quiet]

    client.set_app_background(4)
    assert client.get_app_state() == imcore.AppStateInfo(background=True, unread_count=4)
    client.set_app_foreground()
    assert not client.get_app_state().background

    client.receive_messages([incoming("r1", "c2c_carol", "carol", 200, need_read_receipt=True)])
    client.set_private_read_receipts(True)
    assert client.get_private_read_receipts()
    assert client.send_message_receipts(["r1"]) == []
    assert not client.get_message("r1").receipt_sent
    client.clear_unread_count_by_ids(["c2c_carol"])
    assert unread(client, "c2c_carol") == 0
    client.verify()


class HoldingTransport:
    """Keeps every envelope, acking none: the server has not answered yet."""

    def __init__(self):
        self.envelopes = []

    def send(self, envelope):
        self.envelopes.append(envelope)


def test_an_edit_with_a_transport_returns_the_edit_and_applies_on_accept(client):
    rec = LifecycleRecorder()
    with contextlib.closing(client.add_message_lifecycle_listener(rec)):
        client.receive_messages([incoming("e1", "c2c_bob", "bob", 100)])
        transport = HoldingTransport()
        client.set_outbound_transport(transport)
        body = '{"message_elem_array":[{"elem_type":0,"text_elem_content":"%s"}]}'
        # The message as it will stand (what TIMMsgModifyMessage reports too).
        assert client.modify_message("c2c_bob", "e1", body % "v2").text == "v2"
        assert client.get_message("e1").text != "v2"  # stored on the server's word
        assert client.flush_events(FLUSH_MS)
        assert rec.modified == []
        env = transport.envelopes[-1]
        assert env.kind == "modify_message"
        client.ack_outbound(env.envelope_id, 0, 0, 0)
        assert client.get_message("e1").text == "v2"
        assert client.flush_events(FLUSH_MS)
        assert [m.message_id for m in rec.modified] == ["e1"]
        # Refused: nothing changes, though the call returned the edit.
        assert client.modify_message("c2c_bob", "e1", body % "v3").text == "v3"
        assert client.flush_events(FLUSH_MS)
        client.ack_outbound(transport.envelopes[-1].envelope_id, 10031, 0, 0)
        assert client.get_message("e1").text == "v2"
    client.verify()


def test_a_revoked_unread_message_keeps_counting_when_configured(tmp_path):
    config = imcore.ClientConfig(data_dir=str(tmp_path / "keep"), revoked_messages_count=True)
    with contextlib.closing(imcore.ImClient(config)) as c:
        c.login("me")
        c.receive_messages([incoming("r1", "c2c_bob", "bob", 100)])
        c.receive_revokes([
            imcore.InboundRevoke(conversation_id="c2c_bob", message_id="r1", revoker="bob", reason="", time=0)
        ])
        assert c.get_message("r1").is_revoked
        assert c.get_total_unread_count() == 1
        c.verify()
