#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/<target>/.

The JSON comes from the C tests (every string literal in tests/c/*.c that
looks like JSON, adjacent literals joined, escapes decoded) and from the
harness's own population pushes (fuzz/src/lib.rs), each prefixed with the
selector bytes of the targets that take it (see fuzz/src/lib.rs `Args`).
api_sequence gets a few hand-made operation sequences and deterministic
pseudo-random byte strings (its decoder makes calls out of any bytes).
Run it again after changing the tests: `python3 fuzz/make_seeds.py`.
"""
import hashlib
import os
import random
import re
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "seeds")

LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def c_strings(text):
    """Joined adjacent C string literals, decoded."""
    out, cur, last_end = [], None, None
    for m in LIT.finditer(text):
        between = text[last_end:m.start()] if last_end is not None else None
        s = bytes(m.group(1), "utf-8").decode("unicode_escape")
        if cur is not None and between is not None and between.strip() == "":
            cur += s
        else:
            if cur is not None:
                out.append(cur)
            cur = s
        last_end = m.end()
    if cur is not None:
        out.append(cur)
    return out


def rust_raw_strings(text):
    return re.findall(r'r#"(.*?)"#', text, re.S)


def jsonish(s):
    t = s.strip()
    return len(t) > 1 and t[0] in "[{" and ("\"" in t or t in ("[]", "{}"))


def main():
    texts = []
    cdir = os.path.join(ROOT, "tests", "c")
    for name in sorted(os.listdir(cdir)):
        if name.endswith(".c"):
            with open(os.path.join(cdir, name), encoding="utf-8") as f:
                texts += [s for s in c_strings(f.read()) if jsonish(s)]
    with open(os.path.join(ROOT, "fuzz", "src", "lib.rs"), encoding="utf-8") as f:
        texts += [s for s in rust_raw_strings(f.read()) if jsonish(s)]
    texts = sorted(set(texts))

    seeds = {t: set() for t in
             ["inbound_push", "conv_filter", "conv_ids", "msg_json", "outbound_ack",
              "init_config", "api_sequence"]}

    def add(target, data):
        seeds[target].add(bytes(data))

    for s in texts:
        b = s.encode("utf-8")
        if '"kind"' in s:
            add("inbound_push", b)
        if "conversation_list_filter" in s:
            for sel in range(5):
                add("conv_filter", bytes([sel, 0x11]) + b)
        if "get_conversation_list_param" in s:
            add("conv_ids", bytes([0, 0]) + b)
        if '"c2c_' in s or '"group_' in s:
            for sel in (1, 2, 3, 4, 5, 6):
                add("conv_ids", bytes([sel, 0x12]) + b + b"\0friends")
        if "message_elem_array" in s or "message_msg_id" in s or "msg_getmsglist" in s:
            for sel in range(10):
                add("msg_json", bytes([sel, 0x15]) + b)
        if "draft_msg" in s:
            add("conv_ids", bytes([16, 0x02]) + b"bob\0" + b)
            add("msg_json", bytes([8, 0x00]) + b)
        if "envelope_id" in s:
            add("outbound_ack", bytes([0, 0]) + b)
            add("outbound_ack", bytes([1, 1]) + b)
        if "sdk_config" in s or "request_internal_operation" in s or "set_config" in s:
            for sel in range(4):
                add("init_config", bytes([sel, 0x50]) + b + b"\0alice")
    # A few more hand-written ones for the id / name / ack parameters.
    for sel in range(17):
        add("conv_ids", bytes([sel, 0x02]) + b'["c2c_bob","group_team"]\0friends')
        add("conv_ids", bytes([sel, 0x04]) + b"team\0work")
    add("outbound_ack", bytes([1, 0]) + b'{"envelope_id":1,"code":0,"desc":"","message_server_time":1700000401,"message_seq":3}')
    add("outbound_ack", bytes([1, 1]) + b'{"envelope_id":1,"code":80001,"desc":"refused"}')
    add("init_config", bytes([1, 0x50]) + b'{"sdk_config_config_file_path":"x","sdk_config_log_file_path":"y"}\0bob')
    add("init_config", bytes([1, 0x50]) + b'{}\0' + "é".encode() * 60)

    # api_sequence: hand-made sequences (see fuzz_targets/api_sequence.rs
    # for the opcodes), then pseudo-random ones.
    add("api_sequence", bytes([1, 0, 3, 0, 0, 8, 2, 10, 1, 0, 12, 0, 3, 3, 4, 1, 5, 21, 0, 0, 0, 0, 16, 23, 16]))
    add("api_sequence", bytes([0, 0, 1, 0, 4, 1, 9, 0, 5, 0, 0, 16, 7, 16, 8, 1, 1, 9, 2, 0, 8, 1, 12, 0, 0, 2, 0]))
    add("api_sequence", bytes([1, 3, 0, 8, 3, 8, 0, 20, 20, 21, 0, 1, 9, 0, 23, 22, 0, 0, 9, 0, 0, 16]))
    rng = random.Random(0x1DC0)
    for _ in range(24):
        add("api_sequence", bytes(rng.randrange(256) for _ in range(rng.randrange(16, 256))))

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for target, items in seeds.items():
        d = os.path.join(OUT, target)
        os.makedirs(d)
        for data in sorted(items):
            name = hashlib.sha1(data).hexdigest()[:16]
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(items)} seeds")


if __name__ == "__main__":
    main()
