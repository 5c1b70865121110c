"""Reader facade, ordering by sequence numbers, decoders and memory bound."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np
import pytest
import trace_synth as S
from hypothesis import given
from hypothesis import strategies as st
from trace_paths import FIXTURE, GOLDEN, golden_cases

import goschedlab.trace as T
from goschedlab.trace import wire
from goschedlab.trace.generation import iter_generations, open_trace


def test_sequence_numbers_beat_timestamps(synth_path: Path) -> None:
    """M2's GoStart(G3) is stamped before M1's GoUnblock(G3); the merge must still put the
    unblock first (spec §9), then clamp the start to unblock + 1 ns like Go."""
    with T.open(synth_path) as r:
        evs = [(e.name, e.time, e.m, e.args.get("g")) for e in r.events()]
    names = [n for n, *_ in evs]
    assert names == ["GoStatus", "ProcStatus", "GoStatus", "GoCreate", "ProcStatus",
                     "ProcStart", "GoUnblock", "GoStart", "GoBlock", "ProcStop", "GoBlock",
                     "ProcStop", "Sync"]
    unblock = evs[names.index("GoUnblock")]
    start = evs[names.index("GoStart")]
    assert unblock[1:] == (200 * 64, 1, 3)
    assert start[1:] == (200 * 64 + 1, 2, 3)  # raw 150 ticks, clamped after the unblock
    times = [t for _, t, *_ in evs]
    assert times == sorted(times) and len(set(times)) == len(times)


def test_synthetic_intervals_and_tables(synth_path: Path) -> None:
    t = T.read(synth_path)
    gi = t.goroutine_intervals
    rows = gi[["goid", "state", "start_ns", "end_ns", "reason", "left_censored",
               "right_censored"]].values.tolist()
    t0, t1 = 5 * 64, 310 * 64
    assert sorted(rows) == sorted([
        [3, "waiting", t0, 12800, "", True, False],
        [3, "runnable", 12800, 12801, "unblocked", False, False],
        [3, "running", 12801, 12802, "", False, False],
        [3, "waiting", 12802, t1, "chan receive", False, True],
        [1, "running", t0, 300 * 64, "", True, False],
        [1, "waiting", 300 * 64, t1, "chan receive", False, True],
        [2, "runnable", 20 * 64, t1, "created", False, True],
    ])
    assert t.window == (t0, t1)
    cr = t.creations.iloc[0]
    assert (cr.goid, cr.parent_goid, cr.start_func, cr.created_at) == (
        2, 1, "main.worker", "main.main main.go:10")
    ev = t.events
    assert ev["name"].tolist()[-1] == "Sync" and len(ev) == 13
    assert ev.loc[ev.name == "GoStart", ["m", "p", "goid", "a0", "a1"]].values.tolist() == [
        [2, 1, -1, 3, 2]]


def test_event_objects_resolve_strings_and_stacks() -> None:
    with T.open(FIXTURE) as r:
        assert r.version == 23
        blocks = [e for e in r.events() if e.name == "GoBlock"]
    reasons = {e.string("reason_string") for e in blocks}
    assert {"chan receive", "chan send", "sleep", "sync"} <= reasons
    frames = blocks[0].stack()
    assert frames and all(isinstance(f, T.Frame) for f in frames)
    assert any(f.func.startswith("main.") for e in blocks for f in e.stack())


@pytest.mark.parametrize("case", golden_cases())
def test_numpy_and_scalar_batch_decoders_agree(case: str) -> None:
    path = str(GOLDEN / f"{case}.trace")
    f, ver, size = open_trace(path)
    n = 0
    with f:
        for g in iter_generations(f, ver, size, path):
            for batches in g.batches.values():
                for b in batches:
                    a = wire.decode_event_batch(b.data, b.ts, ver, path, b.offset)
                    s = wire.decode_event_batch_scalar(b.data, ver, path, b.offset)
                    for x, y in zip(a, s, strict=True):
                        assert np.array_equal(x, y)
                    n += len(a[0])
    assert n > 50


@given(st.lists(st.integers(0, (1 << 64) - 1), max_size=200), st.booleans())
def test_uvarint_vector_decoder_matches_scalar(values: list[int], padded: bool) -> None:
    enc = b"".join(S.uv10(v) if padded and v < (1 << 63) else S.uv(v) for v in values)
    dec = wire.decode_uvarints(np.frombuffer(enc, np.uint8))
    assert dec is not None
    assert dec[0].tolist() == values
    pos, out = 0, []
    while pos < len(enc):
        v, pos = wire.uvarint(enc, pos, len(enc), "x", 0, "v")
        out.append(v)
    assert out == values


def test_memory_is_bounded_by_one_generation() -> None:
    """Streaming keeps at most the current generation alive (plus the one being dropped)."""
    path = GOLDEN / "generations-go1.23.1.trace"
    refs: list[weakref.ref] = []
    alive_max = 0
    with T.open(path) as r:
        cur = None
        for _ in r.records():
            if r.ordering.current is not cur:
                cur = r.ordering.current
                refs.append(weakref.ref(cur))
                gc.collect()
                alive_max = max(alive_max, sum(x() is not None for x in refs))
    assert len(refs) >= 5
    assert alive_max <= 2


def test_read_frames_contract_for_analyze() -> None:
    fr = T.read_frames(FIXTURE)
    gi = fr["goroutine_intervals"]
    assert {"goid", "state", "start_ns", "end_ns"} <= set(gi.columns)
    assert set(gi["state"]) == {"runnable", "running", "syscall", "waiting"}
    assert fr["pauses"]["duration_ns"].tolist() == [3968]
    # Every goroutine's intervals tile its life without gaps or overlaps.
    for _, g in gi.sort_values(["goid", "start_ns"]).groupby("goid"):
        assert (g["start_ns"].to_numpy()[1:] == g["end_ns"].to_numpy()[:-1]).all()
