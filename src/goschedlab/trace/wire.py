"""Wire structures of the Go 1.22/1.23 trace format: header, batch framing, uvarints, event table.

This is the lowest layer (like pyelftools' ``structs.py``): it knows byte layouts and nothing
about scheduling.  Event codes and argument counts follow ``internal/trace/event/go122`` of
go1.23.1 (the table is named ``go122`` in both releases; 1.23 only appends codes).

Two decoders exist for an event batch and give identical results:

* :func:`decode_event_batch` - numpy: all uvarints of a payload at once (terminator bytes are
  those below 0x80), then one short Python walk that hops ``2 + argc`` varints per event.
  Used whenever every event type byte in the batch is a one-byte code below 0x80.
* :func:`decode_event_batch_scalar` - byte by byte; handles the experimental codes 128..136
  (whose type byte looks like a varint continuation byte) and gives exact error offsets.  The
  numpy decoder falls back to it whenever anything looks unusual.
"""

from __future__ import annotations

import re

import numpy as np

from goschedlab.trace.errors import TraceParseError

# --- event codes (Go's names, internal/trace/event/go122) ---
EvNone = 0
EvEventBatch = 1
EvStacks = 2
EvStack = 3
EvStrings = 4
EvString = 5
EvCPUSamples = 6
EvCPUSample = 7
EvFrequency = 8
EvProcsChange = 9
EvProcStart = 10
EvProcStop = 11
EvProcSteal = 12
EvProcStatus = 13
EvGoCreate = 14
EvGoCreateSyscall = 15
EvGoStart = 16
EvGoDestroy = 17
EvGoDestroySyscall = 18
EvGoStop = 19
EvGoBlock = 20
EvGoUnblock = 21
EvGoSyscallBegin = 22
EvGoSyscallEnd = 23
EvGoSyscallEndBlocked = 24
EvGoStatus = 25
EvSTWBegin = 26
EvSTWEnd = 27
EvGCActive = 28
EvGCBegin = 29
EvGCEnd = 30
EvGCSweepActive = 31
EvGCSweepBegin = 32
EvGCSweepEnd = 33
EvGCMarkAssistActive = 34
EvGCMarkAssistBegin = 35
EvGCMarkAssistEnd = 36
EvHeapAlloc = 37
EvHeapGoal = 38
EvGoLabel = 39
EvUserTaskBegin = 40
EvUserTaskEnd = 41
EvUserRegionBegin = 42
EvUserRegionEnd = 43
EvUserLog = 44
EvGoSwitch = 45
EvGoSwitchDestroy = 46
EvGoCreateBlocked = 47
EvGoStatusStack = 48
EvExperimentalBatch = 49
EvSpan = 128
EvSpanAlloc = 129
EvSpanFree = 130
EvHeapObject = 131
EvHeapObjectAlloc = 132
EvHeapObjectFree = 133
EvGoroutineStack = 134
EvGoroutineStackAlloc = 135
EvGoroutineStackFree = 136

# Timed events: code -> (name, argument names after dt).  Go 1.23 additions are marked by
# ``GO123_ONLY``; a 1.22 file using them is corrupt.
EVENT_SPECS: dict[int, tuple[str, tuple[str, ...]]] = {
    EvProcsChange: ("ProcsChange", ("procs", "stack")),
    EvProcStart: ("ProcStart", ("p", "p_seq")),
    EvProcStop: ("ProcStop", ()),
    EvProcSteal: ("ProcSteal", ("p", "p_seq", "m")),
    EvProcStatus: ("ProcStatus", ("p", "pstatus")),
    EvGoCreate: ("GoCreate", ("g", "new_stack", "stack")),
    EvGoCreateSyscall: ("GoCreateSyscall", ("g",)),
    EvGoStart: ("GoStart", ("g", "g_seq")),
    EvGoDestroy: ("GoDestroy", ()),
    EvGoDestroySyscall: ("GoDestroySyscall", ()),
    EvGoStop: ("GoStop", ("reason_string", "stack")),
    EvGoBlock: ("GoBlock", ("reason_string", "stack")),
    EvGoUnblock: ("GoUnblock", ("g", "g_seq", "stack")),
    EvGoSyscallBegin: ("GoSyscallBegin", ("p_seq", "stack")),
    EvGoSyscallEnd: ("GoSyscallEnd", ()),
    EvGoSyscallEndBlocked: ("GoSyscallEndBlocked", ()),
    EvGoStatus: ("GoStatus", ("g", "m", "gstatus")),
    EvSTWBegin: ("STWBegin", ("kind_string", "stack")),
    EvSTWEnd: ("STWEnd", ()),
    EvGCActive: ("GCActive", ("gc_seq",)),
    EvGCBegin: ("GCBegin", ("gc_seq", "stack")),
    EvGCEnd: ("GCEnd", ("gc_seq",)),
    EvGCSweepActive: ("GCSweepActive", ("p",)),
    EvGCSweepBegin: ("GCSweepBegin", ("stack",)),
    EvGCSweepEnd: ("GCSweepEnd", ("swept_value", "reclaimed_value")),
    EvGCMarkAssistActive: ("GCMarkAssistActive", ("g",)),
    EvGCMarkAssistBegin: ("GCMarkAssistBegin", ("stack",)),
    EvGCMarkAssistEnd: ("GCMarkAssistEnd", ()),
    EvHeapAlloc: ("HeapAlloc", ("heapalloc_value",)),
    EvHeapGoal: ("HeapGoal", ("heapgoal_value",)),
    EvGoLabel: ("GoLabel", ("label_string",)),
    EvUserTaskBegin: ("UserTaskBegin", ("task", "parent_task", "name_string", "stack")),
    EvUserTaskEnd: ("UserTaskEnd", ("task", "stack")),
    EvUserRegionBegin: ("UserRegionBegin", ("task", "name_string", "stack")),
    EvUserRegionEnd: ("UserRegionEnd", ("task", "name_string", "stack")),
    EvUserLog: ("UserLog", ("task", "key_string", "value_string", "stack")),
    EvGoSwitch: ("GoSwitch", ("g", "g_seq")),
    EvGoSwitchDestroy: ("GoSwitchDestroy", ("g", "g_seq")),
    EvGoCreateBlocked: ("GoCreateBlocked", ("g", "new_stack", "stack")),
    EvGoStatusStack: ("GoStatusStack", ("g", "m", "gstatus", "stack")),
    EvSpan: ("Span", ("id", "npages_value", "kindclass")),
    EvSpanAlloc: ("SpanAlloc", ("id", "npages_value", "kindclass")),
    EvSpanFree: ("SpanFree", ("id",)),
    EvHeapObject: ("HeapObject", ("id", "type")),
    EvHeapObjectAlloc: ("HeapObjectAlloc", ("id", "type")),
    EvHeapObjectFree: ("HeapObjectFree", ("id",)),
    EvGoroutineStack: ("GoroutineStack", ("id", "order")),
    EvGoroutineStackAlloc: ("GoroutineStackAlloc", ("id", "order")),
    EvGoroutineStackFree: ("GoroutineStackFree", ("id",)),
}
GO123_ONLY = frozenset(
    {EvGoSwitch, EvGoSwitchDestroy, EvGoCreateBlocked, EvGoStatusStack, *range(128, 137)}
)
EXPERIMENTAL = frozenset(range(128, 137))
STRUCTURAL_NAMES = {
    EvEventBatch: "EventBatch",
    EvStacks: "Stacks",
    EvStack: "Stack",
    EvStrings: "Strings",
    EvString: "String",
    EvCPUSamples: "CPUSamples",
    EvCPUSample: "CPUSample",
    EvFrequency: "Frequency",
    EvExperimentalBatch: "ExperimentalBatch",
}
MAX_ARGS = 4


def event_name(code: int) -> str:
    """Go's name for an event code (``EventString`` in go122/event.go)."""
    if code in EVENT_SPECS:
        return EVENT_SPECS[code][0]
    return STRUCTURAL_NAMES.get(code, f"Invalid({code})")


def _argc_table(version: int) -> list[int]:
    """Per code: number of varints after the type byte (dt + args), 0 if invalid in batches."""
    t = [0] * 256
    for code, (_, args) in EVENT_SPECS.items():
        if version == 22 and code in GO123_ONLY:
            continue
        t[code] = 1 + len(args)
    return t


# STEP[v][code] = varints an event of that code occupies including its type (0 = invalid).
STEP = {v: [n + 1 if n else 0 for n in _argc_table(v)] for v in (22, 23)}
NARGS = {v: np.array([max(n - 1, 0) for n in _argc_table(v)], dtype=np.int64) for v in (22, 23)}

# Go's status enumerations (go122.GoStatus / go122.ProcStatus).
GoBad, GoRunnable, GoRunning, GoSyscall, GoWaiting = 0, 1, 2, 3, 4
ProcBad, ProcRunning, ProcIdle, ProcSyscall, ProcSyscallAbandoned = 0, 1, 2, 3, 4

NO_ID = (1 << 64) - 1  # NoThread / NoProc on the wire
HEADER_LEN = 16
MAX_BATCH_SIZE = 64 << 10  # Go's maxBatchSize
MAX_STACK_FRAMES = 128
_HEADER_RE = re.compile(rb"go 1\.(\d{1,3}) trace\0+")


def parse_header(data: bytes, path: str) -> int:
    """Check the 16-byte header ``go 1.NN trace\\0\\0\\0``; return NN (22 or 23)."""
    if len(data) < HEADER_LEN:
        raise TraceParseError(
            path, len(data), f"header: expected 16 bytes 'go 1.NN trace', found {len(data)} bytes"
        )
    head = data[:HEADER_LEN]
    m = _HEADER_RE.fullmatch(head)
    if m is None:
        raise TraceParseError(
            path, 0, f"header: expected 'go 1.22 trace' or 'go 1.23 trace', found {head!r}"
        )
    minor = m.group(1)
    ver = int(minor)
    if ver not in (22, 23):
        raise TraceParseError(
            path,
            0,
            f"unsupported trace version go 1.{ver}: this reader supports Go 1.22 and 1.23 traces"
            " (Go <= 1.21 used an older format; Go >= 1.24 is not supported yet)",
        )
    return ver


def uvarint(buf: bytes, pos: int, end: int, path: str, base: int, what: str) -> tuple[int, int]:
    """Decode one uvarint at ``buf[pos:end]``; errors name the file offset ``base + pos``."""
    x = 0
    s = 0
    start = pos
    while True:
        if pos >= end:
            raise TraceParseError(
                path, base + start, f"{what}: expected a uvarint, found end of data"
            )
        b = buf[pos]
        pos += 1
        if b < 0x80:
            if s == 63 and b > 1:
                raise TraceParseError(path, base + start, f"{what}: uvarint overflows 64 bits")
            return x | (b << s), pos
        if s >= 63:
            raise TraceParseError(path, base + start, f"{what}: uvarint longer than 10 bytes")
        x |= (b & 0x7F) << s
        s += 7


def decode_uvarints(b: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """All uvarints in ``b`` (uint8) as (values uint64, lengths) or None if malformed."""
    n = b.size
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    term = b < 0x80
    if not term[-1]:
        return None
    ends = np.flatnonzero(term)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lens = ends - starts + 1
    if int(lens.max()) == 1:
        return b.astype(np.uint64), lens
    if int(lens.max()) > 10:
        return None
    ten = lens == 10
    if ten.any() and int(b[ends[ten]].max()) > 1:
        return None
    low = (b & 0x7F).astype(np.uint64)
    shift = (np.arange(n, dtype=np.int64) - np.repeat(starts, lens)) * 7
    vals = np.add.reduceat(low << shift.astype(np.uint64), starts)
    return vals, lens


def decode_event_batch(
    payload: bytes, ts: int, version: int, path: str, offset: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode an ordinary event batch: (types int64[n], dt uint64[n], args uint64[n,4]).

    ``offset`` is the file offset of the payload (for messages).  Falls back to the scalar
    decoder for experimental codes or anything malformed, so errors are exact.
    """
    b = np.frombuffer(payload, np.uint8)
    dec = decode_uvarints(b)
    if dec is not None:
        vals, lens = dec
        vl = vals.tolist()
        nv = len(vl)
        step = STEP[version]
        idx: list[int] = []
        ap = idx.append
        i = 0
        try:
            while i < nv:
                ap(i)
                i += step[vl[i]] or nv + 1
        except IndexError:  # a multi-byte "type": experimental code or garbage
            i = -1
        if i == nv:
            ix = np.array(idx, dtype=np.int64)
            if ix.size == 0 or int(lens[ix].max()) == 1:
                types = vals[ix].astype(np.int64)
                dts = vals[ix + 1] if ix.size else np.zeros(0, np.uint64)
                nargs = NARGS[version][types]
                vpad = np.concatenate([vals, np.zeros(MAX_ARGS + 2, np.uint64)])
                args = np.zeros((ix.size, MAX_ARGS), np.uint64)
                for j in range(MAX_ARGS):
                    col = vpad[ix + 2 + j]
                    args[:, j] = np.where(nargs > j, col, 0)
                return types, dts, args
    return decode_event_batch_scalar(payload, version, path, offset)


def decode_event_batch_scalar(
    payload: bytes, version: int, path: str, offset: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Byte-by-byte twin of :func:`decode_event_batch` with exact error offsets."""
    step = STEP[version]
    end = len(payload)
    pos = 0
    types: list[int] = []
    dts: list[int] = []
    args: list[list[int]] = []
    while pos < end:
        code = payload[pos]
        if not step[code]:
            if code in EVENT_SPECS:
                what = f"event type {code} ({event_name(code)}) does not exist in go 1.{version}"
            else:
                what = f"expected an event type byte, found {code}"
            raise TraceParseError(path, offset + pos, f"event batch: {what}")
        pos += 1
        name = EVENT_SPECS[code][0]
        dt, pos = uvarint(payload, pos, end, path, offset, f"{name} dt")
        row = [0, 0, 0, 0]
        for j, an in enumerate(EVENT_SPECS[code][1]):
            row[j], pos = uvarint(payload, pos, end, path, offset, f"{name} {an}")
        types.append(code)
        dts.append(dt)
        args.append(row)
    return (
        np.array(types, dtype=np.int64),
        np.array(dts, dtype=np.uint64),
        np.array(args, dtype=np.uint64).reshape(-1, MAX_ARGS),
    )
