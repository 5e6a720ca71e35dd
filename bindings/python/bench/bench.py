"""The boundary benchmark of the Python (uniffi) face, for reference (issue 18).

The same main operations as the C ABI bench, with 100,000 conversations in the
store: the total unread count, a page of 100 conversations (lifted into Python
records), one live message until the message and total listeners ran. uniffi
calls are synchronous (the result is the return value); listeners run on
imcore's dispatcher thread. Floors measured in the same run: an empty Python
call and the cheapest uniffi call (`is_dispatcher_thread`, a bool). Prints Markdown tables;
asserts no time. IMCORE_BOUNDARY_FULL=1 for the full sample counts.

Run by scripts/suites/boundary-bench.sh (PYTHONPATH = a folder with the
generated imcore.py and a release libimcore.so).
"""

import os
import random
import shutil
import tempfile
import threading
import time

import imcore

FULL = os.environ.get("IMCORE_BOUNDARY_FULL") == "1"
CONVS = 100_000
SMALL, PAGES, LIVE = (10_000, 1_000, 2_000) if FULL else (1_000, 200, 300)
TEXT = ("hello meeting tomorrow the report lunch ok see you at price ship deploy coffee "
        "thanks photo call later great idea weekend train")
ns = time.perf_counter_ns


class Probe:
    """The stamp of the last call and how many calls so far."""

    def __init__(self):
        self.at = 0
        self.n = 0
        self.cond = threading.Condition()

    def hit(self):
        with self.cond:
            self.at = ns()
            self.n += 1
            self.cond.notify_all()

    def wait(self, target):
        with self.cond:
            if not self.cond.wait_for(lambda: self.n >= target, timeout=120):
                raise RuntimeError("a listener was not called within 120 s")


NEW, TOTAL = Probe(), Probe()


class Conv(imcore.ConversationListener):
    def on_sync_started(self): pass
    def on_sync_finished(self): pass
    def on_sync_failed(self, reason): pass
    def on_conversation_created(self, conversation): pass
    def on_conversation_deleted(self, conversation_ids): pass
    def on_conversation_changed(self, conversations): pass
    def on_total_unread_count_changed(self, unread_count): TOTAL.hit()
    def on_unread_count_changed_by_filter(self, filter, unread_count): pass
    def on_conversation_read_time_updated(self, conversation_id, read_time): pass


class Msgs(imcore.MessageListener):
    def on_receive_messages(self, messages): NEW.hit()


def message(conv, t, n):
    peer = f"user_{conv:07d}"
    return imcore.IncomingMessage(
        message_id=f"144115200{conv:09d}-{t}-{n}", conversation_id=f"c2c_{peer}",
        sender_id=peer, server_time=t, text=TEXT)


def summary(s):
    s = sorted(s)
    at = lambda q: s[round((len(s) - 1) * q)]
    return len(s), at(0.5), at(0.99), s[-1]


def fmt(v):
    us = v / 1000
    return f"{us:.2f}" if us < 10 else f"{us:.1f}" if us < 1000 else f"{us:.0f}"


def row(what, s, floor_name, f):
    n, p50, p99, mx = summary(s)
    _, f50, f99, _ = summary(f)
    print(f"| {what} | {n} | {fmt(p50)} | {fmt(p99)} | {fmt(mx)} | {floor_name} | {fmt(f50)} "
          f"| {fmt(f99)} | {p50 / f50:.2f}× |")


def timed(fn, n):
    out = []
    for _ in range(n):
        t0 = ns()
        fn()
        out.append(ns() - t0)
    return out


def main():
    load = open("/proc/loadavg").read().split()[:3]
    print(f"Python {'.'.join(map(str, __import__('sys').version_info[:3]))} (uniffi): "
          f"{'full' if FULL else 'short'} mode, {CONVS} conversations, load average {' '.join(load)}")
    # A store made by `boundary_bench --store-only` (fast), else built here.
    store = os.environ.get("IMCORE_BOUNDARY_STORE")
    d = store or tempfile.mkdtemp(prefix="imcore-boundary-py-")
    client = imcore.ImClient(imcore.ClientConfig(data_dir=d, app_id=1400000000))
    client.login("bench_user")
    h1 = client.add_conversation_listener(Conv())
    h2 = client.add_message_listener(Msgs())
    now = int(time.time())
    base = now - 3 * 86400
    t0 = ns()
    for c in range(0, 0 if store else CONVS, 1000):
        client.receive_messages([message(i, base + i // 8, i) for i in range(c, c + 1000)])
    print(f"store: {store}" if store else f"store built through receive_messages in {(ns() - t0) / 1e9:.1f} s")
    client.flush_events(10_000)

    empty = timed(lambda: None, SMALL)
    cheapest = timed(client.is_dispatcher_thread, SMALL)
    total = timed(client.get_total_unread_count, SMALL)

    pages, offset = [], 0
    for _ in range(PAGES):
        t0 = ns()
        page = client.get_conversation_list(offset, 100)
        pages.append(ns() - t0)
        offset = 0 if page.finished else page.offset

    rng = random.Random(5)
    live = []
    for i in range(LIVE + 50):
        c = rng.randrange(CONVS)
        m = message(c - 1 if c % 10 == 9 else c, now - 86400 + i // 8, 1_000_000 + i)
        nn, tt = NEW.n + 1, TOTAL.n + 1
        t0 = ns()
        client.receive_messages([m])
        NEW.wait(nn)
        TOTAL.wait(tt)
        if i >= 50:
            live.append(max(NEW.at, TOTAL.at) - t0)

    print(f"\n#### Python (uniffi), {CONVS} conversations: call → result (synchronous) or listener\n")
    print("| measure | samples | p50 µs | p99 µs | max µs | floor | floor p50 µs | floor p99 µs | p50 / floor p50 |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    row("`get_total_unread_count()`", total, "cheapest uniffi call (`is_dispatcher_thread`)", cheapest)
    row("  floor: `is_dispatcher_thread()`", cheapest, "empty Python call", empty)
    row("page of 100: `get_conversation_list(offset, 100)` → records", pages, "cheapest uniffi call", cheapest)
    row("live message: `receive_messages([m])` → message and total listeners", live, "cheapest uniffi call", cheapest)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"\n(load average {' '.join(load)} at the end)")
    h1.close()
    h2.close()
    client.close()
    if not store:
        shutil.rmtree(d, ignore_errors=True)
    print("python-bench: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
