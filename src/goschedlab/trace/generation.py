"""Batches grouped into generations, with their string, stack and frequency tables.

The middle layer (pyelftools ``sections.py``; Go ``internal/trace/generation.go`` and
``batch.go``).  :func:`iter_generations` reads a file batch by batch with ``read()`` calls and
yields one :class:`Generation` at a time, so memory is bounded by the largest generation (the
raw payloads of one generation plus its tables), never by the file.

Every length field is checked against the bytes that remain in the file before anything is
allocated: a corrupt batch length cannot make the reader allocate more than the file holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from goschedlab.trace import wire
from goschedlab.trace.errors import TraceParseError


class RawBatch:
    """One batch as found in the file: header fields and the undecoded payload."""

    __slots__ = ("gen", "m", "ts", "data", "offset", "experiment")

    def __init__(
        self, gen: int, m: int, ts: int, data: bytes, offset: int, experiment: int | None
    ) -> None:
        self.gen = gen
        self.m = m
        self.ts = ts
        self.data = data
        self.offset = offset  # file offset of the payload's first byte
        self.experiment = experiment


class Frame:
    """One stack frame (leaf first in a stack): function, file, line and PC."""

    __slots__ = ("pc", "func", "file", "line")

    def __init__(self, pc: int, func: str, file: str, line: int) -> None:
        self.pc = pc
        self.func = func
        self.file = file
        self.line = line

    def __repr__(self) -> str:
        return f"Frame({self.func} {self.file}:{self.line})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Frame) and (self.pc, self.func, self.file, self.line) == (
            other.pc,
            other.func,
            other.file,
            other.line,
        )

    def __hash__(self) -> int:
        return hash((self.pc, self.func, self.file, self.line))


class Generation:
    """One generation: tables plus per-thread batches in file order (Go: ``generation``).

    Invariants: exactly one Frequency batch; string and stack IDs unique; ``batches[m]`` keeps
    file order (each M's chronological order).  ``m == wire.NO_ID`` holds batches written on
    behalf of no thread (e.g. end-of-generation goroutine statuses).
    """

    __slots__ = (
        "gen", "version", "path", "freq", "strings", "stacks_raw", "batches", "cpu_samples",
        "experimental", "counts", "nbytes", "_stack_cache", "offset", "__weakref__",
    )

    def __init__(self, gen: int, version: int, path: str, offset: int = 0) -> None:
        self.gen = gen
        self.offset = offset  # file offset of the generation's first batch
        self.version = version
        self.path = path
        self.freq = 0  # ticks per second
        self.strings: dict[int, str] = {}
        self.stacks_raw: dict[int, tuple[int, ...]] = {}  # id -> (pc, func, file, line)*n
        self.batches: dict[int, list[RawBatch]] = {}
        self.cpu_samples: list[tuple[int, int, int, int, int]] = []  # ticks, m, p, g, stack
        self.experimental: list[RawBatch] = []
        self.counts: dict[str, int] = {}  # structural wire counts (EventBatch, String, ...)
        self.nbytes = 0
        self._stack_cache: dict[int, tuple[Frame, ...]] = {}

    def string(self, sid: int) -> str:
        """String ``sid`` of this generation ('' for 0); unknown IDs are a parse error."""
        if sid == 0:
            return ""
        try:
            return self.strings[sid]
        except KeyError:
            raise TraceParseError(
                self.path, self.offset, f"generation {self.gen} (batches from here): expected "
                f"a string ID of the generation's string table, found unknown ID {sid}"
            ) from None

    def stack(self, sid: int) -> tuple[Frame, ...]:
        """Frames of stack ``sid`` (leaf first); 0 is the empty stack."""
        if sid == 0:
            return ()
        st = self._stack_cache.get(sid)
        if st is None:
            raw = self.stacks_raw.get(sid)
            if raw is None:
                raise TraceParseError(
                    self.path, self.offset, f"generation {self.gen} (batches from here): "
                    f"expected a stack ID of the generation's stack table, found unknown ID {sid}"
                )
            st = tuple(
                Frame(raw[i], self.string(raw[i + 1]), self.string(raw[i + 2]), raw[i + 3])
                for i in range(0, len(raw), 4)
            )
            self._stack_cache[sid] = st
        return st

    def ns_per_tick(self) -> float:
        """Go's ``frequency``: nanoseconds per trace tick (float, like Go)."""
        return 1.0 / (self.freq / 1e9)


def _bump(counts: dict[str, int], key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def read_batch(
    f: BinaryIO, pos: int, size: int, path: str
) -> tuple[RawBatch | None, int]:
    """Read the batch at file offset ``pos`` (Go: ``readBatch``); (None, pos) at end of file."""
    head = f.read(2 + 4 * 10)
    if not head:
        return None, pos
    kind = head[0]
    i = 1
    experiment: int | None = None
    if kind == wire.EvExperimentalBatch:
        if len(head) < 2:
            raise TraceParseError(path, pos + 1, "experimental batch: expected experiment byte")
        experiment = head[1]
        i = 2
    elif kind != wire.EvEventBatch:
        raise TraceParseError(
            path, pos, f"batch header: expected EventBatch (1) or ExperimentalBatch (49), "
            f"found byte {kind}"
        )
    end = len(head)
    gen, i = wire.uvarint(head, i, end, path, pos, "batch header gen")
    m, i = wire.uvarint(head, i, end, path, pos, "batch header m")
    ts, i = wire.uvarint(head, i, end, path, pos, "batch header ts")
    n, i = wire.uvarint(head, i, end, path, pos, "batch header len")
    payload_off = pos + i
    if n > wire.MAX_BATCH_SIZE:
        raise TraceParseError(
            path, pos, f"batch header: invalid batch size {n}, maximum is {wire.MAX_BATCH_SIZE}"
        )
    if payload_off + n > size:
        raise TraceParseError(
            path,
            payload_off,
            f"batch payload: expected {n} bytes, found {size - payload_off} before end of file",
        )
    if gen == 0:
        raise TraceParseError(path, pos, "batch header: invalid generation number 0")
    data = head[i:]
    if len(data) >= n:
        f.seek(payload_off + n)
        data = data[:n]
    else:
        data = data + f.read(n - len(data))
    return RawBatch(gen, m, ts, data, payload_off, experiment), payload_off + n


def _process_batch(g: Generation, b: RawBatch) -> None:
    """File one batch into its generation (Go: ``processBatch``)."""
    g.nbytes += len(b.data)
    if b.experiment is not None:
        _bump(g.counts, "ExperimentalBatch")
        g.experimental.append(b)
        return
    _bump(g.counts, "EventBatch")
    data = b.data
    if not data:
        g.batches.setdefault(b.m, []).append(b)
        return
    first = data[0]
    if first == wire.EvFrequency:
        if g.freq:
            raise TraceParseError(g.path, b.offset, "frequency batch: found a second one in "
                                  f"generation {g.gen}")
        freq, pos = wire.uvarint(data, 1, len(data), g.path, b.offset, "Frequency")
        if not 1_000 <= freq <= 10**12:
            raise TraceParseError(g.path, b.offset, "Frequency: expected 1e3..1e12 ticks per "
                                  f"second, found {freq}")
        if pos != len(data):
            raise TraceParseError(g.path, b.offset + pos, "frequency batch: trailing bytes")
        g.freq = freq
        _bump(g.counts, "Frequency")
    elif first == wire.EvStrings:
        _read_strings(g, b)
    elif first == wire.EvStacks:
        _read_stacks(g, b)
    elif first == wire.EvCPUSamples:
        _read_cpu_samples(g, b)
    else:
        g.batches.setdefault(b.m, []).append(b)


def _read_strings(g: Generation, b: RawBatch) -> None:
    """String table batch (Go: ``addStrings``)."""
    data, end, path, off = b.data, len(b.data), g.path, b.offset
    pos = 1
    _bump(g.counts, "Strings")
    n = 0
    while pos < end:
        if data[pos] != wire.EvString:
            raise TraceParseError(path, off + pos, f"strings batch: expected String (5), "
                                  f"found byte {data[pos]}")
        sid, pos = wire.uvarint(data, pos + 1, end, path, off, "String id")
        ln, pos = wire.uvarint(data, pos, end, path, off, "String length")
        if pos + ln > end:
            raise TraceParseError(path, off + pos, f"String: expected {ln} bytes, found "
                                  f"{end - pos} left in batch")
        if sid in g.strings:
            raise TraceParseError(path, off + pos, f"String: duplicate string ID {sid}")
        g.strings[sid] = data[pos : pos + ln].decode("utf-8", "replace")
        pos += ln
        n += 1
    _bump(g.counts, "String", n)


def _read_stacks(g: Generation, b: RawBatch) -> None:
    """Stack table batch (Go: ``addStacks``); numpy decodes all varints, Python walks stacks."""
    data = b.data
    _bump(g.counts, "Stacks")
    dec = wire.decode_uvarints(np.frombuffer(data, np.uint8)[1:])
    if dec is None:
        _read_stacks_scalar(g, b)
        return
    vl = dec[0].tolist()
    nv = len(vl)
    i = 0
    n = 0
    while i < nv:
        if vl[i] != wire.EvStack or i + 3 > nv:
            _read_stacks_scalar(g, b)
            return
        sid, nf = vl[i + 1], vl[i + 2]
        j = i + 3 + 4 * nf
        if nf > wire.MAX_STACK_FRAMES or j > nv or sid in g.stacks_raw:
            _read_stacks_scalar(g, b)
            return
        g.stacks_raw[sid] = tuple(vl[i + 3 : j])
        i = j
        n += 1
    _bump(g.counts, "Stack", n)


def _read_stacks_scalar(g: Generation, b: RawBatch) -> None:
    """Byte-by-byte stack table reader: only reached for malformed batches, gives the offset."""
    data, end, path, off = b.data, len(b.data), g.path, b.offset
    pos = 1
    while pos < end:
        if data[pos] != wire.EvStack:
            raise TraceParseError(path, off + pos, f"stacks batch: expected Stack (3), "
                                  f"found byte {data[pos]}")
        sid, pos = wire.uvarint(data, pos + 1, end, path, off, "Stack id")
        nf, pos = wire.uvarint(data, pos, end, path, off, "Stack nframes")
        if nf > wire.MAX_STACK_FRAMES:
            raise TraceParseError(path, off + pos, f"Stack: invalid frame count {nf}, maximum "
                                  f"is {wire.MAX_STACK_FRAMES}")
        for k in range(4 * nf):
            _, pos = wire.uvarint(data, pos, end, path, off, f"Stack frame field {k % 4}")
        if sid in g.stacks_raw:
            raise TraceParseError(path, off + pos, f"Stack: duplicate stack ID {sid}")
        g.stacks_raw[sid] = ()
    raise TraceParseError(path, off, "stacks batch: malformed (vector and byte decoders disagree)")


def _read_cpu_samples(g: Generation, b: RawBatch) -> None:
    """CPU sample batch (Go: ``addCPUSamples``): timestamp, M, P, G, stack per sample."""
    data, end, path, off = b.data, len(b.data), g.path, b.offset
    pos = 1
    _bump(g.counts, "CPUSamples")
    n = 0
    while pos < end:
        if data[pos] != wire.EvCPUSample:
            raise TraceParseError(path, off + pos, f"CPU samples batch: expected CPUSample (7), "
                                  f"found byte {data[pos]}")
        pos += 1
        row = []
        for name in ("ts", "m", "p", "g", "stack"):
            v, pos = wire.uvarint(data, pos, end, path, off, f"CPUSample {name}")
            row.append(v)
        g.cpu_samples.append(tuple(row))  # type: ignore[arg-type]
        n += 1
    _bump(g.counts, "CPUSample", n)


def open_trace(path: str | os.PathLike[str]) -> tuple[BinaryIO, int, int]:
    """Open ``path`` and check its header: (file, version, size)."""
    p = os.fspath(path)
    try:
        f = open(p, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as err:
        raise TraceParseError(p, None, f"cannot open: {err.strerror}") from None
    size = os.fstat(f.fileno()).st_size
    head = f.read(wire.HEADER_LEN)
    try:
        version = wire.parse_header(head, p)
    except TraceParseError:
        f.close()
        raise
    return f, version, size


def iter_generations(f: BinaryIO, version: int, size: int, path: str) -> Iterator[Generation]:
    """Yield the file's generations one at a time (Go: ``readGeneration`` + spill)."""
    pos = wire.HEADER_LEN
    f.seek(pos)
    g: Generation | None = None
    gen_start = pos
    while True:
        b, npos = read_batch(f, pos, size, path)
        if b is None:
            break
        if version == 22 and b.experiment is not None:
            raise TraceParseError(path, pos, "batch header: ExperimentalBatch in a go 1.22 trace")
        if g is None:
            g = Generation(b.gen, version, path, pos)
            gen_start = pos
        elif b.gen == g.gen + 1:
            _finish(g, gen_start)
            yield g
            g = Generation(b.gen, version, path, pos)
            gen_start = pos
        elif b.gen != g.gen:
            raise TraceParseError(
                path, pos, f"batch header: generations out of order: expected {g.gen} or "
                f"{g.gen + 1}, found {b.gen}"
            )
        _process_batch(g, b)
        pos = npos
    if g is None:
        raise TraceParseError(path, pos, "expected at least one batch after the header, "
                              "found end of file")
    _finish(g, gen_start)
    yield g


def _finish(g: Generation, start: int) -> None:
    if g.freq == 0:
        raise TraceParseError(
            g.path, start, f"generation {g.gen}: no Frequency batch found (truncated trace?)"
        )
    for raw in g.stacks_raw.values():
        for i in range(1, len(raw), 4):
            g.string(raw[i])
            g.string(raw[i + 1])
