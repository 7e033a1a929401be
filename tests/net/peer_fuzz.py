#!/usr/bin/env python3
"""Hostile network peers against `tern serve`: seeded random and mutated HTTP/1.1 requests and
WebSocket frames, many connections at once. The server must answer or close each connection,
keep answering a well-formed request between rounds, and stop cleanly on SIGTERM at the end.
Under ASan (scripts/sanitize.sh asan) any memory error in the server aborts it, and this fails.

  peer_fuzz.py TERN NATIVE_WASM [--seed S] [--cases N] [--connections C]

NATIVE_WASM is tests/net/native.wat built: /hello answers "hello from wasm", /echo echoes the
body, and WebSocket messages are echoed.
"""
import argparse
import base64
import concurrent.futures
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

VALID_REQUESTS = [
    b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /echo?k=v HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    b"GET /count HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
]
WS_HANDSHAKE = (b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: " + base64.b64encode(b"0123456789abcdef") + b"\r\n"
                b"Sec-WebSocket-Version: 13\r\n\r\n")
# Pieces a mutation splices in: the things parsers get wrong.
NASTY = [b"\r\n", b"\r\n\r\n", b"\x00", b"\xff\xfe", b"Content-Length: -1\r\n",
         b"Content-Length: 99999999999999999999\r\n", b"Content-Length: 3\r\nContent-Length: 4\r\n",
         b"Transfer-Encoding: chunked\r\n", b"ffffffffffffffff\r\n", b"-5\r\n", b" HTTP/9.9",
         b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", b"X: " + b"a" * 70000 + b"\r\n", b"%00%ff/../../etc",
         b"Upgrade: websocket\r\n", b"Connection: Upgrade, keep-alive\r\n", b":\r\n", b" \t \r\n"]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        pos = rng.randint(0, len(data))
        if op == 0 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = rng.choice(NASTY)
        elif op == 2:
            del data[pos:pos + rng.randint(1, 16)]
        elif op == 3:
            data[pos:pos] = rng.randbytes(rng.randint(1, 64))
        else:
            data = data[:pos]
    return bytes(data)


def ws_frame(rng):
    """One WebSocket frame from a client, often invalid: reserved opcodes and bits, unmasked,
    control frames too long or fragmented, lengths that lie."""
    fin = rng.random() < 0.8
    opcode = rng.choice([0, 1, 2, 8, 9, 10, 3, 11, 15])
    rsv = rng.choice([0, 0, 0, 0x40, 0x70])
    payload = rng.choice([b"hi", "héllo".encode(), b"\xc3\x28", rng.randbytes(rng.randint(0, 300)),
                          struct.pack("!H", rng.choice([1000, 1005, 999, 4999, 1002])) + b"bye"])
    masked = rng.random() < 0.9
    n = len(payload)
    declared = rng.choice([n, n, n, n + 10, 2 ** 63 - 1, 126, 65536])
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    mask_bit = 0x80 if masked else 0
    if declared < 126:
        head += bytes([mask_bit | declared])
    elif declared < 65536:
        head += bytes([mask_bit | 126]) + struct.pack("!H", declared)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", declared)
    if masked:
        key = rng.randbytes(4)
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        head += key
    return head + payload


def make_case(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return "random", rng.randbytes(rng.randint(0, 4096))
    if kind in (1, 2, 3):
        return "mutated", mutate(rng, rng.choice(VALID_REQUESTS))
    if kind == 4:
        return "ws-handshake", mutate(rng, WS_HANDSHAKE)
    return "ws-frames", WS_HANDSHAKE + b"".join(ws_frame(rng) for _ in range(rng.randint(1, 6)))


def exchange(port, data, rng, read_seconds):
    """Sends data in a few pieces, maybe half-closes, reads until the server closes or goes
    quiet. Any socket error is a fine outcome here: only the server's survival is checked."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            pieces = sorted(rng.sample(range(len(data) + 1), min(len(data) + 1, rng.randint(1, 3))))
            start = 0
            for end in pieces[1:] + [len(data)]:
                s.sendall(data[start:end])
                start = end
            if rng.random() < 0.3:
                s.shutdown(socket.SHUT_WR)
            if rng.random() < 0.2:
                return  # the peer vanishes
            s.settimeout(read_seconds)
            while s.recv(65536):
                pass
    except OSError:
        pass


def good_request(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    return reply.startswith(b"HTTP/1.1 200") and reply.rstrip().endswith(b"hello from wasm")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tern")
    ap.add_argument("wasm")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=600)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()

    log = tempfile.NamedTemporaryFile(prefix="peer-fuzz-", suffix=".log", delete=False)
    server = subprocess.Popen([args.tern, "serve", "--abi", "native", "--listen", "127.0.0.1:0",
                               "--timeout", "500ms", "--max-body", "64KiB", "--workers", "2",
                               "--io-threads", "2", "--grace", "2s", args.wasm],
                              stdout=subprocess.DEVNULL, stderr=log)

    def server_log():
        with open(log.name, errors="replace") as f:
            return f.read()

    def fail(message):
        print("FAIL: " + message)
        print("\n".join("  server: " + line for line in server_log().splitlines()[-40:]))
        if server.poll() is None:
            server.kill()
        return 1

    port = None
    for _ in range(200):
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", server_log())
        if m:
            port = int(m.group(1))
            break
        if server.poll() is not None:
            return fail("tern serve exited at start")
        time.sleep(0.05)
    if port is None:
        return fail("tern serve did not report its port")

    rng = random.Random(args.seed)
    cases = [(make_case(rng), random.Random(rng.getrandbits(64))) for _ in range(args.cases)]
    kinds = {}
    started = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.connections)
    round_size = 100
    for first in range(0, len(cases), round_size):
        batch = cases[first:first + round_size]
        for (kind, _), _ in batch:
            kinds[kind] = kinds.get(kind, 0) + 1
        list(pool.map(lambda c: exchange(port, c[0][1], c[1], 0.3), batch))
        if server.poll() is not None:
            return fail("tern serve died during cases %d..%d (exit status %s)" % (
                first, first + len(batch) - 1, server.returncode))
        if not good_request(port):
            return fail("GET /hello failed after cases %d..%d" % (first, first + len(batch) - 1))
    pool.shutdown()
    elapsed = time.monotonic() - started

    server.send_signal(signal.SIGTERM)
    try:
        status = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        return fail("tern serve did not stop within 30 s of SIGTERM")
    if status != 0:
        return fail("tern serve exited with status %d after SIGTERM" % status)
    os.unlink(log.name)
    print("peer fuzz: %d cases (%s) over %d connections at once in %.1f s; server answered /hello "
          "after every %d and stopped cleanly" % (
              len(cases), ", ".join("%s %d" % kv for kv in sorted(kinds.items())), args.connections,
              elapsed, round_size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
