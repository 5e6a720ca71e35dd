"""The log listener (refusals, read-position moves with their source, never a
body) and a listener with missing methods: reported once per method as a
clear error, never a Rust panic message per event; its other methods and
other listeners keep working."""

import contextlib
import threading

import imcore
from conftest import FLUSH_MS, incoming


class Lines:
    def __init__(self):
        self.lines = []
        self.lock = threading.Lock()

    def on_log(self, level, line):
        with self.lock:
            self.lines.append((level, line))

    def having(self, text):
        imcore.flush_log()
        with self.lock:
            return [(lvl, l) for (lvl, l) in self.lines if text in l]


def test_log_listener_gets_refusals_and_read_moves_but_no_body(client):
    lines = Lines()
    imcore.set_log_listener(lines, imcore.LogLevel.DEBUG)
    try:
        client.receive_messages([incoming("py-log-1", "c2c_pylogbob", "pylogbob", 1_700_000_100,
                                          text="PY-SECRET-BODY")])
        assert lines.having("receive py-log-1 in c2c_pylogbob from pylogbob: counted; unread now 1")
        client.mark_conversation_read("c2c_pylogbob")
        moved = lines.having("read position of c2c_pylogbob moved from local to 1700000100: unread 1 -> 0")
        assert moved and moved[0][0] == imcore.LogLevel.INFO
        client.receive_read_position("c2c_pylogbob", 1_700_000_200, 0)
        assert lines.having("read position of c2c_pylogbob moved from other device to 1700000200")
        try:
            client.get_conversation("c2c_pylognobody")
        except imcore.ImError.ConversationNotFound:
            pass
        refused = lines.having("c2c_pylognobody")
        assert refused and refused[0][0] == imcore.LogLevel.WARN
        assert "refused with code 6004" in refused[0][1]
        assert not lines.having("PY-SECRET-BODY")
    finally:
        imcore.clear_log_listener()
    before = len(lines.lines)
    try:
        client.get_conversation("c2c_pylognobody2")
    except imcore.ImError.ConversationNotFound:
        pass
    imcore.flush_log()
    assert len(lines.lines) == before


class HalfListener:
    """Only two of the nine ConversationListener methods."""

    def __init__(self):
        self.totals = []
        self.changed = 0

    def on_total_unread_count_changed(self, unread_count):
        self.totals.append(unread_count)

    def on_conversation_changed(self, conversations):
        self.changed += 1


def test_a_missing_listener_method_is_reported_once(client, capfd):
    half = HalfListener()
    capfd.readouterr()
    with contextlib.closing(client.add_conversation_listener(half)):
        assert client.get_total_unread_count() == 0
        for i in range(1, 6):
            # Each creates a conversation (on_conversation_created is missing).
            client.receive_messages([incoming(f"half-{i}", f"c2c_half{i}", f"half{i}", 1_700_000_000 + i)])
        client.mark_conversation_read("c2c_half1")
        assert client.flush_events(FLUSH_MS)
    err = capfd.readouterr().err
    assert half.totals[-1] == 4
    assert half.changed >= 1
    assert err.count("ConversationListener.onConversationCreated") == 1, err
    assert "on_conversation_created" in err
    assert "panicked" not in err and "RUST_BACKTRACE" not in err, err
