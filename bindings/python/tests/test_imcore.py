"""The seed-002 flows (unread totals, filter subscriptions, cleaning, excluded
messages, mute), a receipt round trip through an OutboundTransport written in
Python, the dispatcher thread, and errors, against the built libimcore."""

import contextlib
import threading

import pytest

import imcore
from conftest import FLUSH_MS, ConversationRecorder, MessageRecorder, ReceiptRecorder, incoming

C2C = imcore.ConversationType.C2C
GROUP = imcore.ConversationType.GROUP


def seed(client):
    """bob: 3 C2C messages at t=100/200/300; carol: 2; group g1: seq 1..3;
    group g2: seq 1..2 -> total 10."""
    client.receive_messages(
        [incoming(f"b{i}", "c2c_bob", "bob", 100 * i) for i in (1, 2, 3)]
        + [incoming(f"c{i}", "c2c_carol", "carol", 150 + i) for i in (1, 2)]
        + [incoming(f"g1-{i}", "group_g1", "dave", 400 + i, seq=i) for i in (1, 2, 3)]
        + [incoming(f"g2-{i}", "group_g2", "erin", 500 + i, seq=i) for i in (1, 2)]
    )


def unread(client, conv_id):
    return client.get_conversation(conv_id).unread_count


def test_total_unread_and_its_change_event(client):
    rec = ConversationRecorder(client)
    with contextlib.closing(client.add_conversation_listener(rec)):
        assert client.get_total_unread_count() == 0
        seed(client)
        assert client.get_total_unread_count() == 10
        assert client.flush_events(FLUSH_MS)
        totals = rec.named("on_total_unread_count_changed")
        assert totals[-1] == (10,)
        created = {args[0].conversation_id for args in rec.named("on_conversation_created")}
        assert created == {"c2c_bob", "c2c_carol", "group_g1", "group_g2"}

        client.clear_unread_count_by_ids(["c2c_bob"])
        assert client.get_total_unread_count() == 7
        assert client.flush_events(FLUSH_MS)
        assert rec.named("on_total_unread_count_changed")[-1] == (7,)
        changed = rec.named("on_conversation_changed")[-1][0]
        assert [c.conversation_id for c in changed] == ["c2c_bob"]
        assert changed[0].unread_count == 0
        # Listener calls come from imcore's dispatcher thread, not this one.
        assert threading.get_ident() not in rec.threads()
        assert len(rec.threads()) == 1
        assert rec.on_dispatcher == {True} and not client.is_dispatcher_thread()
    client.verify()


def test_filter_subscriptions_with_two_filters(client):
    rec = ConversationRecorder()
    handle = client.add_conversation_listener(rec)
    c2c_filter = imcore.ConversationFilter(conversation_types=[C2C])
    group_filter = imcore.ConversationFilter(conversation_types=[GROUP])
    assert client.subscribe_unread_count_by_filter(c2c_filter) == 0
    assert client.subscribe_unread_count_by_filter(group_filter) == 0
    seed(client)
    assert client.get_unread_count_by_filter(c2c_filter) == 5
    assert client.get_unread_count_by_filter(group_filter) == 5
    assert client.flush_events(FLUSH_MS)
    events = rec.named("on_unread_count_changed_by_filter")
    assert (c2c_filter, 5) in events
    assert (group_filter, 5) in events

    # Only the group total moves: one event, for the group filter.
    before = len(rec.named("on_unread_count_changed_by_filter"))
    client.receive_messages([incoming("g1-4", "group_g1", "dave", 404, seq=4)])
    assert client.flush_events(FLUSH_MS)
    new = rec.named("on_unread_count_changed_by_filter")[before:]
    assert new == [(group_filter, 6)]

    # After unsubscribing, the C2C filter reports nothing more.
    client.unsubscribe_unread_count_by_filter(c2c_filter)
    before = len(rec.named("on_unread_count_changed_by_filter"))
    client.receive_messages([incoming("b4", "c2c_bob", "bob", 400)])
    client.receive_messages([incoming("g2-3", "group_g2", "erin", 503, seq=3)])
    assert client.flush_events(FLUSH_MS)
    new = rec.named("on_unread_count_changed_by_filter")[before:]
    assert new == [(group_filter, 7)]
    assert client.get_unread_count_by_filter(c2c_filter) == 6
    handle.close()
    assert not handle.is_active()


def test_clean_by_each_selector(client):
    seed(client)
    # One C2C conversation up to a timestamp: b1, b2 read, b3 left.
    client.clean_conversation_unread_message_count("c2c_bob", 200, 0)
    assert unread(client, "c2c_bob") == 1
    # One group up to a sequence: seq 1, 2 read, 3 left.
    client.clean_conversation_unread_message_count("group_g1", 0, 2)
    assert unread(client, "group_g1") == 1
    assert client.get_total_unread_count() == 10 - 2 - 2
    # Every C2C conversation.
    client.clean_conversation_unread_message_count("c2c", 0, 0)
    assert unread(client, "c2c_bob") == 0 and unread(client, "c2c_carol") == 0
    assert client.get_total_unread_count() == 3
    # Every group conversation.
    client.clean_conversation_unread_message_count("group", 0, 0)
    assert client.get_total_unread_count() == 0
    # Everything, after new arrivals in both kinds.
    client.receive_messages(
        [incoming("b9", "c2c_bob", "bob", 900), incoming("g1-9", "group_g1", "dave", 901, seq=9)]
    )
    assert client.get_total_unread_count() == 2
    client.clean_conversation_unread_message_count("", 0, 0)
    assert client.get_total_unread_count() == 0
    assert client.get_conversation("c2c_bob").read_time == 900
    assert client.get_conversation_read_time("group_g1") == 9
    client.verify()


def test_excluded_from_unread_messages(client):
    client.receive_messages(
        [
            incoming("x1", "c2c_bob", "bob", 100),
            incoming("x2", "c2c_bob", "bob", 101, excluded_from_unread=True, text="typing"),
        ]
    )
    conv = client.get_conversation("c2c_bob")
    assert conv.unread_count == 1
    assert conv.last_message.message_id == "x2"
    assert conv.last_message.text == "typing"
    assert client.get_total_unread_count() == 1
    assert client.get_message("x2").excluded_from_unread


def test_mute_leaves_the_total(client):
    rec = ConversationRecorder()
    handle = client.add_conversation_listener(rec)
    assert client.get_total_unread_count() == 0  # starts the total listener
    seed(client)
    client.set_receive_message_option("c2c_bob", imcore.ReceiveOption.NOT_NOTIFY)
    conv = client.get_conversation("c2c_bob")
    assert conv.mute and conv.unread_count == 3
    assert client.get_total_unread_count() == 7
    assert client.get_unread_count_by_filter(imcore.ConversationFilter()) == 10
    assert client.get_unread_count_by_filter(imcore.ConversationFilter(ignore_muted=True)) == 7
    # A muted conversation's new messages do not move the total.
    client.receive_messages([incoming("b4", "c2c_bob", "bob", 400)])
    assert client.get_total_unread_count() == 7
    client.set_receive_message_option("c2c_bob", imcore.ReceiveOption.RECEIVE)
    assert client.get_total_unread_count() == 11
    assert client.flush_events(FLUSH_MS)
    assert [a[0] for a in rec.named("on_total_unread_count_changed")][-2:] == [7, 11]
    handle.close()


def test_receipt_round_trip_through_a_python_transport(make_client, server):
    alice = make_client("alice")
    bob = make_client("bob")
    server.attach("alice", alice)
    server.attach("bob", bob)
    receipts = ReceiptRecorder()
    bob_messages = MessageRecorder()
    h1 = alice.add_receipt_listener(receipts)
    h2 = bob.add_message_listener(bob_messages)

    sent = alice.send_text_message("c2c_bob", "read me", True)
    assert sent.status == imcore.MessageStatus.SENDING
    assert alice.flush_events(FLUSH_MS) and bob.flush_events(FLUSH_MS)
    assert alice.get_message(sent.message_id).status == imcore.MessageStatus.SUCCEEDED
    assert [m.message_id for m in bob_messages.messages] == [sent.message_id]
    got = bob.get_message(sent.message_id)
    assert got.need_read_receipt and not got.receipt_sent and got.text == "read me"
    assert bob.get_conversation("c2c_alice").unread_count == 1

    assert bob.send_message_receipts([sent.message_id]) == [sent.message_id]
    assert bob.flush_events(FLUSH_MS) and alice.flush_events(FLUSH_MS)
    assert [(r.message_id, r.is_peer_read) for r in receipts.receipts] == [(sent.message_id, True)]
    pulled = alice.get_message_receipts([sent.message_id])
    assert pulled[0].is_peer_read
    assert alice.get_message(sent.message_id).is_peer_read
    assert bob.get_message(sent.message_id).receipt_sent
    assert not bob.get_pending_outbound() and not alice.get_pending_outbound()
    assert ("alice", "message") in server.delivered and ("bob", "receipt") in server.delivered
    # Transport and listener calls ran on dispatcher threads.
    me = threading.get_ident()
    assert me not in server.send_threads and me not in receipts.threads
    h1.close()
    h2.close()


def test_group_receipts_count_against_the_roster(make_client, server):
    alice = make_client("alice")
    bob = make_client("bob")
    carol = make_client("carol")
    for u, c in (("alice", alice), ("bob", bob), ("carol", carol)):
        server.attach(u, c)
        c.set_group_members("team", imcore.GroupType.WORK, imcore.GroupMemberOp.SET, ["alice", "bob", "carol"])
    sent = alice.send_text_message("group_team", "standup", True)
    for c in (alice, bob, carol):
        assert c.flush_events(FLUSH_MS)
    assert bob.get_conversation("group_team").unread_count == 1
    bob.send_message_receipts([sent.message_id])
    assert bob.flush_events(FLUSH_MS) and alice.flush_events(FLUSH_MS)
    r = alice.get_message_receipts([sent.message_id])[0]
    assert (r.read_count, r.unread_count) == (1, 1)
    page = alice.get_group_message_read_member_list(sent.message_id, True, 0, 10)
    assert page.members == ["bob"] and page.finished
    assert alice.get_group_message_read_member_list(sent.message_id, False, 0, 10).members == ["carol"]


def test_errors_surface_as_exceptions_with_the_right_variant(client, make_client, tmp_path):
    with pytest.raises(imcore.ImError.ConversationNotFound):
        client.get_conversation("c2c_nobody")
    with pytest.raises(imcore.ImError.InvalidParam) as e:
        client.get_conversation("c2c_" + "x" * 296)
    assert "256" in str(e.value)
    with pytest.raises(imcore.ImError.InvalidParam):
        client.get_conversation("nobody")
    with pytest.raises(imcore.ImError.MessageNotFound):
        client.get_message("missing")
    with pytest.raises(imcore.ImError.GroupNotFound):
        client.clear_unread_count_by_group_id("nope")
    client.create_conversation_group("work", None, [])
    with pytest.raises(imcore.ImError.GroupExists):
        client.create_conversation_group("work", None, [])
    other = imcore.ImClient(imcore.ClientConfig(data_dir=str(tmp_path / "x")))
    with pytest.raises(imcore.ImError.NotLoggedIn):
        other.get_total_unread_count()
    other.close()
    with pytest.raises(imcore.ImError.NotLoggedIn):
        other.login("me")
    # Batch calls report per-id failures instead.
    failed = client.clear_unread_count_by_ids(["c2c_nobody"])
    assert [(f.conversation_id, f.code) for f in failed] == [("c2c_nobody", 6004)]


def test_conversation_management_and_groups(client):
    seed(client)
    client.stick_top_conversation("c2c_carol", True)
    page = client.get_conversation_list(0, 3)
    assert page.conversation_list[0].conversation_id == "c2c_carol" and not page.finished
    rest = client.get_conversation_list(page.offset, 10)
    assert rest.finished and len(page.conversation_list) + len(rest.conversation_list) == 4
    assert [c.conversation_id for c in client.get_stick_top_conversation_list()] == ["c2c_carol"]

    client.update_conversation("c2c_bob", imcore.ConversationUpdate(server_extension="srv"))
    client.update_conversation_local_extension("c2c_bob", "loc")
    bob = client.get_conversation("c2c_bob")
    assert (bob.server_extension, bob.local_extension) == ("srv", "loc")

    res = client.create_conversation_group("friends", None, ["c2c_bob", "c2c_carol", "c2c_nobody"])
    assert [f.conversation_id for f in res.failed_list] == ["c2c_nobody"]
    assert [g.name for g in client.get_conversation_group_list()] == ["friends"]
    by_group = imcore.ConversationOption(conversation_group_ids=["friends"])
    listed = client.get_conversation_list_by_option(0, 10, by_group).conversation_list
    assert {c.conversation_id for c in listed} == {"c2c_bob", "c2c_carol"}
    client.clear_unread_count_by_group_id("friends")
    assert client.get_total_unread_count() == 5
    client.rename_conversation_group("friends", "pals")
    assert client.get_conversation("c2c_bob").group_ids == ["pals"]
    client.remove_conversations_from_group("pals", ["c2c_bob"])
    client.delete_conversation_group("pals")

    client.clear_unread_count_by_types([GROUP])
    assert client.get_total_unread_count() == 0
    client.mark_conversation(["c2c_bob"], 0x2, True)
    assert client.get_conversation("c2c_bob").mark_types == 0x2
    assert client.get_unread_count_by_ids(["c2c_bob", "group_g1"]) == 0

    client.delete_conversation("c2c_bob", False)
    with pytest.raises(imcore.ImError.ConversationNotFound):
        client.get_conversation("c2c_bob")
    assert client.create_conversation("c2c_zed").unread_count == 0
    assert client.get_message_list("group_g1", None, 2)[0].message_id == "g1-3"
    client.verify()


def test_read_position_from_another_device_and_sync_events(client):
    rec = ConversationRecorder()
    handle = client.add_conversation_listener(rec)
    seed(client)
    client.receive_sync_phase(imcore.SyncPhase.STARTED, "")
    client.receive_read_position("group_g1", 0, 3)
    client.receive_sync_phase(imcore.SyncPhase.FAILED, "timeout")
    assert unread(client, "group_g1") == 0
    assert client.flush_events(FLUSH_MS)
    names = [n for (n, _, _) in rec.calls]
    i = names.index("on_sync_started")
    assert names.index("on_conversation_read_time_updated") > i
    assert rec.named("on_conversation_read_time_updated") == [("group_g1", 3)]
    assert rec.named("on_sync_failed") == [("timeout",)]
    handle.close()


def test_closed_handle_stops_events(client):
    rec = ConversationRecorder()
    handle = client.add_conversation_listener(rec)
    handle.close()
    seed(client)
    assert client.flush_events(FLUSH_MS)
    assert rec.calls == []


def test_conversation_id_helpers():
    assert imcore.conversation_id_from_nim("me|1|bob") == "c2c_bob"
    assert imcore.conversation_id_from_nim("me|2|team") == "group_team"
    assert imcore.conversation_id_from_nim("me|3|big") == "group_big"
    assert imcore.conversation_id_to_nim("me", "c2c_bob") == "me|1|bob"
    assert imcore.parse_conversation_type("group_x") == GROUP
    assert imcore.parse_conversation_target_id("c2c_a_b") == "a_b"
    with pytest.raises(imcore.ImError.InvalidParam):
        imcore.conversation_id_from_nim("me|9|bob")


def test_conversation_sync_from_the_server_converges(client):
    rec = ConversationRecorder()
    handle = client.add_conversation_listener(rec)
    seed(client)
    newer = imcore.ConversationSyncState(
        conversation_id="c2c_bob",
        update_time=5,
        read_timestamp=200,
        stick_top=True,
        receive_option=imcore.ReceiveOption.NOT_NOTIFY,
        group_ids=["vip"],
    )
    older = imcore.ConversationSyncState(conversation_id="c2c_bob", update_time=3, read_timestamp=100)
    client.receive_sync_phase(imcore.SyncPhase.STARTED, "")
    client.receive_conversation_sync([newer, older])
    client.receive_sync_phase(imcore.SyncPhase.FINISHED, "")
    bob = client.get_conversation("c2c_bob")
    assert bob.stick_top and bob.mute and bob.group_ids == ["vip"]
    assert bob.unread_count == 1 and bob.read_time == 200
    assert client.get_total_unread_count() == 7
    assert client.flush_events(FLUSH_MS)
    assert ("c2c_bob", 200) in rec.named("on_conversation_read_time_updated")
    names = [n for (n, _, _) in rec.calls]
    assert names.index("on_sync_started") < names.index("on_conversation_read_time_updated")
    assert names[-1] == "on_sync_finished"
    handle.close()
    client.verify()
