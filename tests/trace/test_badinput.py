"""Malformed input: always TraceParseError naming file, byte offset and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest
import trace_synth as S
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trace_paths import FIXTURE, GOLDEN

import goschedlab.trace as T
from goschedlab.errors import UserInputError
from goschedlab.trace import TraceParseError

FUZZ_SOURCES = [
    FIXTURE.read_bytes(),
    (GOLDEN / "coro-go1.23.1.trace").read_bytes(),
    (GOLDEN / "generations-go1.22.10.trace").read_bytes(),
    (GOLDEN / "cpuprof-go1.23.1.trace").read_bytes(),
]


def _err(tmp_path: Path, data: bytes) -> TraceParseError:
    p = tmp_path / "bad.trace"
    p.write_bytes(data)
    with pytest.raises(TraceParseError) as ei:
        T.read(p)
    msg = str(ei.value)
    assert msg.startswith(f"{p}: byte ") and "\n" not in msg
    return ei.value


def test_is_a_user_input_error() -> None:
    assert issubclass(TraceParseError, UserInputError)


def test_empty_file(tmp_path: Path) -> None:
    e = _err(tmp_path, b"")
    assert e.offset == 0 and "expected 16 bytes" in e.what


@pytest.mark.parametrize("ver", [21, 24, 5])
def test_other_versions_rejected(tmp_path: Path, ver: int) -> None:
    e = _err(tmp_path, (f"go 1.{ver} trace".encode() + b"\0" * 8)[:16] + b"\x01")
    assert f"unsupported trace version go 1.{ver}" in e.what
    assert "Go 1.22 and 1.23" in e.what


@pytest.mark.parametrize("data", [b"PK\x03\x04" + b"\0" * 40, b"hello world, this is text\n",
                                  b"\x1f\x8b\x08\x00" + b"\0" * 30])
def test_wrong_formats(tmp_path: Path, data: bytes) -> None:
    e = _err(tmp_path, data)
    assert e.offset == 0 and "expected 'go 1.22 trace' or 'go 1.23 trace'" in e.what


def test_header_only(tmp_path: Path) -> None:
    e = _err(tmp_path, S.header())
    assert e.offset == 16 and "at least one batch" in e.what


def test_truncated_payload_names_offset(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    e = _err(tmp_path, data[:200])
    # The cut batch's payload starts inside the file; the message says how much was missing.
    assert "batch payload: expected" in e.what and "before end of file" in e.what
    assert 16 < e.offset < 200


def test_truncated_at_batch_boundary_drops_to_missing_frequency(tmp_path: Path) -> None:
    payload = S.ev(10, 1, 0, 1)
    data = S.header() + S.batch(1, 1, 10, payload)
    e = _err(tmp_path, data)
    assert e.offset == 16 and "no Frequency batch" in e.what


def test_huge_length_field_no_allocation(tmp_path: Path) -> None:
    head = S.header() + bytes([1]) + S.uv(1) + S.uv(1) + S.uv(1)
    e = _err(tmp_path, head + S.uv10(1 << 60) + b"\0" * 8)
    assert "invalid batch size 1152921504606846976, maximum is 65536" in e.what
    e = _err(tmp_path, head + S.uv10(60000) + b"\0" * 8)
    assert "expected 60000 bytes, found 8 before end of file" in e.what


def test_unknown_event_type_names_its_byte(tmp_path: Path) -> None:
    bad = S.header() + S.batch(1, 1, 10, S.ev(13, 1, 0, 1) + bytes([77, 1])) + S.freq_batch(1)
    e = _err(tmp_path, bad)
    # header 16 + batch header (1+1+1+1+10) = 30 is the payload; the bad byte is 4 further.
    assert e.offset == 30 + 4 and "expected an event type byte, found 77" in e.what


def test_go123_event_in_go122_trace(tmp_path: Path) -> None:
    bad = S.header(22) + S.batch(1, 1, 10, S.ev(45, 1, 1, 1)) + S.freq_batch(1)
    e = _err(tmp_path, bad)
    assert "GoSwitch) does not exist in go 1.22" in e.what


def test_duplicate_string_and_unknown_string(tmp_path: Path) -> None:
    dup = S.header() + S.strings_batch(1, {1: "a"}) + S.strings_batch(1, {1: "b"}) + S.freq_batch(1)
    assert "duplicate string ID 1" in _err(tmp_path, dup).what
    blk = (S.ev(13, 1, 0, 1) + S.ev(25, 1, 1, 1, 2) + S.ev(20, 1, 9, 0))
    unk = S.header() + S.batch(1, 1, 10, blk) + S.freq_batch(1)
    e = _err(tmp_path, unk)
    assert "found unknown ID 9" in e.what and e.offset == 16


def test_generations_out_of_order(tmp_path: Path) -> None:
    data = S.header() + S.freq_batch(2) + S.freq_batch(1)
    e = _err(tmp_path, data)
    assert "generations out of order: expected 2 or 3, found 1" in e.what


def test_broken_sequence_numbers(tmp_path: Path) -> None:
    # G1 waiting, then started with seq 5 that never becomes valid.
    blk = S.ev(13, 1, 0, 1) + S.ev(25, 1, 1, S.NONE, 1) + S.ev(16, 1, 1, 5)
    e = _err(tmp_path, S.header() + S.batch(1, 1, 10, blk) + S.freq_batch(1))
    assert "broken trace" in e.what and "GoStart" in e.what


def test_good_prefix_generations_stream_before_error(tmp_path: Path) -> None:
    """Streaming: complete generations come out before the error about the cut one."""
    data = (GOLDEN / "generations-go1.23.1.trace").read_bytes()
    p = tmp_path / "cut.trace"
    p.write_bytes(data[: len(data) * 2 // 3])
    seen = []
    with pytest.raises(TraceParseError), T.open(p) as r:
        for e in r.events():
            if e.name == "Sync":
                seen.append(e.args["gen"])
    assert len(seen) >= 3 and seen == list(range(seen[0], seen[0] + len(seen)))


def _mutate(data: bytes, kind: int, pos: int, val: int) -> bytes:
    b = bytearray(data)
    pos %= len(b)
    if kind == 0:  # truncation
        return bytes(b[:pos])
    if kind == 1:  # bit flip
        b[pos] ^= 1 << (val % 8)
    elif kind == 2:  # byte replacement
        b[pos] = val % 256
    else:  # a batch-length-sized field rewritten (10 bytes), like a corrupted length
        p = max(16, min(pos, len(b) - 10))
        b[p : p + 10] = S.uv10(val)
    return bytes(b)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(src=st.integers(0, len(FUZZ_SOURCES) - 1), kind=st.integers(0, 3),
       pos=st.integers(0, 1 << 20), val=st.integers(0, (1 << 64) - 1))
def test_mutations_raise_only_trace_parse_error(tmp_path: Path, src: int, kind: int, pos: int,
                                                val: int) -> None:
    data = _mutate(FUZZ_SOURCES[src], kind, pos, val)
    p = tmp_path / "mut.trace"
    p.write_bytes(data)
    try:
        t = T.read(p)
    except TraceParseError as e:
        msg = str(e)
        assert msg.startswith(f"{p}: byte ") and "\n" not in msg
        assert e.offset is not None and 0 <= e.offset <= len(data)
    else:  # survived: the result must still be self-consistent
        gi = t.goroutine_intervals
        assert (gi["end_ns"] >= gi["start_ns"]).all()


def test_implausible_frequency_and_timestamps(tmp_path: Path) -> None:
    e = _err(tmp_path, S.header() + S.freq_batch(1, freq=3))
    assert "expected 1e3..1e12 ticks per second, found 3" in e.what
    blk = S.ev(13, 1 << 45, 0, 1)
    e = _err(tmp_path, S.header() + S.batch(1, 1, 10, blk) + S.freq_batch(1))
    assert "implausible timestamp" in e.what and e.offset == 30
