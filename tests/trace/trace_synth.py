"""A tiny writer of synthetic Go 1.23 traces for tests (encodings per the wire spec)."""

from __future__ import annotations

from goschedlab.trace import wire

NONE = wire.NO_ID


def uv(x: int) -> bytes:
    out = bytearray()
    while True:
        b = x & 0x7F
        x >>= 7
        if x:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def uv10(x: int) -> bytes:
    """The padded 10-byte form the runtime uses for batch lengths."""
    out = bytearray()
    for _ in range(9):
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x & 0x7F)
    return bytes(out)


def ev(code: int, dt: int, *args: int) -> bytes:
    return bytes([code]) + uv(dt) + b"".join(uv(a) for a in args)


def batch(gen: int, m: int, ts: int, payload: bytes) -> bytes:
    return bytes([wire.EvEventBatch]) + uv(gen) + uv(m) + uv(ts) + uv10(len(payload)) + payload


def freq_batch(gen: int, freq: int = 15_625_000) -> bytes:
    return batch(gen, NONE, 1, bytes([wire.EvFrequency]) + uv(freq))


def strings_batch(gen: int, strings: dict[int, str]) -> bytes:
    p = bytes([wire.EvStrings])
    for sid, s in strings.items():
        b = s.encode()
        p += bytes([wire.EvString]) + uv(sid) + uv(len(b)) + b
    return batch(gen, NONE, 1, p)


def stacks_batch(gen: int, stacks: dict[int, list[tuple[int, int, int, int]]]) -> bytes:
    p = bytes([wire.EvStacks])
    for sid, frames in stacks.items():
        p += bytes([wire.EvStack]) + uv(sid) + uv(len(frames))
        for pc, fn, fl, line in frames:
            p += uv(pc) + uv(fn) + uv(fl) + uv(line)
    return batch(gen, NONE, 1, p)


def header(version: int = 23) -> bytes:
    return f"go 1.{version} trace".encode() + b"\0\0\0"


def two_thread_trace() -> bytes:
    """M1 unblocks G2 at tick 200; M2 runs G2 at tick 150 - an earlier timestamp.

    Only the sequence numbers say that the GoUnblock (g_seq 1) precedes the GoStart (g_seq 2):
    a timestamp sort would put the GoStart first, while G2 is still waiting.
    """
    strings = {1: "chan receive", 2: "main.main", 3: "main.go", 4: "main.worker"}
    stacks = {1: [(0x1000, 2, 3, 10)], 2: [(0x2000, 4, 3, 20)]}
    m1 = (
        ev(wire.EvProcStatus, 10, 0, wire.ProcRunning)
        + ev(wire.EvGoStatus, 1, 1, 1, wire.GoRunning)
        + ev(wire.EvGoCreate, 9, 2, 2, 1)  # t=20: main creates G2 (runnable)
        + ev(wire.EvProcStatus, 10, 1, wire.ProcIdle)  # t=30
        + ev(wire.EvGoUnblock, 170, 3, 1, 0)  # t=200: G3 unblocked (seq 1)
        + ev(wire.EvGoBlock, 100, 1, 1)  # t=300: main blocks
        + ev(wire.EvProcStop, 10)  # t=310
    )
    m2 = (
        ev(wire.EvProcStart, 40, 1, 1)  # t=140 (batch base 100)
        + ev(wire.EvGoStart, 10, 3, 2)  # t=150: G3 runs (seq 2) - needs the unblock first
        + ev(wire.EvGoBlock, 50, 1, 2)  # t=200+: blocks again
        + ev(wire.EvProcStop, 60)
    )
    g3 = ev(wire.EvGoStatus, 5, 3, NONE, wire.GoWaiting)  # G3 waiting since before the trace
    return (
        header()
        + batch(1, 1, 0, m1)
        + batch(1, 2, 100, m2)
        + batch(1, NONE, 0, g3)
        + strings_batch(1, strings)
        + stacks_batch(1, stacks)
        + freq_batch(1)
    )
