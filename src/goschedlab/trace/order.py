"""Merging per-thread event streams into one valid order (Go: internal/trace/order.go, reader.go).

Within a generation every M's events are in that M's order; across Ms only the sequence
numbers of goroutines and Ps (and the global GC sequence) say what must come first (spec §8,
§9: timestamps alone are not enough).  :class:`Ordering` keeps one cursor per M in a min-heap by
next-event time and, like Go's ``Reader.ReadEvent``, advances the head cursor if its event's
preconditions hold, otherwise the other cursors in time order; if none can advance the trace
is broken.  Accepted events come out as plain tuples (records) with Go's post-merge time clamp
(an event not later than the previous one gets previous+1 ns), so times equal
``go tool trace -d=1``'s.

Record layout: ``(time_ns, type, m, p, g, a0, a1, a2, a3, x)``: ``m/p/g`` are the scheduling
context Go attaches to the event (-1 = none), ``a0..a3`` the wire arguments, ``x`` an extra Go
smuggles in: the old state of a GoStatus/ProcStatus (:data:`OLD_*` values) or the old P status
of a ProcSteal.  Synthetic events Go adds are emitted too: a GoBlock/GoDestroy plus a GoStart
for GoSwitch/GoSwitchDestroy, a ProcSteal for a GoDestroySyscall that held a P, CPU samples
(``EvCPUSample``) injected by time, and one :data:`EvSync` after each generation.

Rejected alternative: a per-generation sort by timestamp (fails on real traces, spec §9).
Difference from Go (ties): which of two cursors whose next events have the same time advances
first depends on where they sit in the frontier heap, and hence on the order the cursors were
inserted.  Go inserts them while ranging over a map (``gen.batches``: a new random order every
run), so on a trace with such a tie Go's own output changes from run to run: the loser's event
gets the +1 ns clamp, moving a state boundary by 1 ns (tests/data/traces/tie-go1.23.1.trace:
two orders, 28 and 12 of 40 runs of ``go tool trace -d=1``).  We insert in file order of the
threads' first batches, so our order is fixed; on every tie found so far it was one of the
orders Go's tool also produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from goschedlab.trace import wire
from goschedlab.trace.errors import TraceParseError
from goschedlab.trace.generation import Generation, RawBatch, iter_generations
from goschedlab.trace.wire import (
    NO_ID,
    GoRunnable,
    GoRunning,
    GoSyscall,
    GoWaiting,
    ProcIdle,
    ProcRunning,
    ProcSyscall,
    ProcSyscallAbandoned,
)

EvSync = 256  # Go's evSync: end of a generation

# Old-state codes smuggled in ``x`` of GoStatus/ProcStatus records (Go's GoState/ProcState).
OLD_UNDETERMINED = -1
OLD_NOTEXIST = 0
# otherwise x is the wire status (GoRunnable.. / ProcRunning..) the resource had

Record = tuple[int, int, int, int, int, int, int, int, int, int]

_MAX_DT = 1 << 40
_MAX_TS = 1 << 52  # ~9 years of uptime at 64 ns/tick
_MAX_NS = 1 << 62  # event times must stay well inside int64
_SEQ = 1 << 32


class _Cursor:
    """Reads one M's batches of a generation in file order (Go: ``batchCursor``)."""

    __slots__ = ("m", "batches", "bi", "pos", "n", "times", "types", "a0", "a1", "a2", "a3",
                 "offset", "version", "path", "npt", "integral", "counts", "t")

    def __init__(
        self, m: int, batches: list[RawBatch], g: Generation, counts: np.ndarray
    ) -> None:
        self.m = m
        self.counts = counts
        self.batches = batches
        self.bi = -1
        self.pos = 0
        self.n = 0
        self.version = g.version
        self.path = g.path
        self.npt = g.ns_per_tick()
        self.integral = float(self.npt).is_integer()
        self.offset = 0
        self.t = 0  # time of the next event (heap key)

    def next_batch(self) -> bool:
        """Load the next non-empty batch; False when the M has no more events."""
        while True:
            self.bi += 1
            if self.bi >= len(self.batches):
                return False
            b = self.batches[self.bi]
            self.batches[self.bi] = None  # type: ignore[call-overload] # consumed: free it
            types, dts, args = wire.decode_event_batch(
                b.data, b.ts, self.version, self.path, b.offset
            )
            if types.size == 0:
                continue
            self.counts += np.bincount(types, minlength=256)[:256]
            if (b.ts >= _MAX_TS or int(dts.max()) >= _MAX_DT
                    or (b.ts + int(dts.sum())) * self.npt >= _MAX_NS):
                raise TraceParseError(self.path, b.offset, "event batch: implausible timestamp "
                                      f"(base {b.ts}, largest delta {int(dts.max())} ticks)")
            npt = self.npt
            if self.integral:
                ticks = np.cumsum(dts.astype(np.int64)) + b.ts
                times = ticks * int(npt)
            else:  # Go: base converted once, then int(dt * ns_per_tick) per event
                times = np.cumsum((dts.astype(np.float64) * npt).astype(np.int64))
                times += int(float(b.ts) * npt)
            self.times = times.tolist()
            self.types = types.tolist()
            self.a0 = args[:, 0].tolist()
            self.a1 = args[:, 1].tolist()
            self.a2 = args[:, 2].tolist()
            self.a3 = args[:, 3].tolist()
            self.n = len(self.types)
            self.pos = 0
            self.offset = b.offset
            return True


class Ordering:
    """Go's ``ordering`` + the frontier loop of ``Reader.ReadEvent``, as a record generator.

    ``current`` is the :class:`Generation` whose events are being produced (tables for the
    strings and stacks records refer to).  State carried across generations: per-goroutine and
    per-P status and sequence, per-M bound P and G, GC state and sequence, active tasks.
    """

    __slots__ = ("f", "version", "size", "path", "current", "generations", "nevents",
                 "wire_type_counts")

    def __init__(self, f: BinaryIO, version: int, size: int, path: str) -> None:
        self.f = f
        self.version = version
        self.size = size
        self.path = path
        self.current: Generation | None = None
        self.generations = 0
        self.nevents = 0
        self.wire_type_counts = np.zeros(256, np.int64)  # per code, as decoded from batches

    def records(self) -> Iterator[Record]:
        """All events of the trace in Go's merged order, as records (see module doc)."""
        path = self.path
        gst: dict[int, int] = {}  # goroutine id -> wire GoStatus
        gseq: dict[int, int] = {}  # goroutine id -> gen * 2**32 + seq
        pst: dict[int, int] = {}  # P id -> wire ProcStatus
        pseq: dict[int, int] = {}
        mp: dict[int, int] = {}  # M -> bound P (-1 none)
        mg: dict[int, int] = {}  # M -> bound G (-1 none)
        tasks: dict[int, int] = {}
        gc = {"state": 0, "seq": 0}  # 0 undetermined, 1 running, 2 not running
        initial_gen = 0
        gen = 0
        genbase = 0
        last = -(1 << 62)
        nevents = 0

        def bad(c: _Cursor, what: str) -> TraceParseError:
            name = wire.event_name(c.types[c.pos])
            m = "none" if c.m == NO_ID else c.m
            return TraceParseError(
                path, c.offset, f"generation {gen}, thread {m}, event #{c.pos} of this batch "
                f"({name}): {what}"
            )

        def advance(c: _Cursor) -> Record | list[Record] | None:  # noqa: C901 - Go's dispatch
            """Models order.go: ordering.Advance and its advance* handlers."""
            i = c.pos
            typ = c.types[i]
            t = c.times[i]
            m = c.m
            if m == NO_ID:
                m = -1
                cp = cg = -1
            else:
                cp = mp.get(m, -1)
                cg = mg.get(m, -1)
            # --- hot events first ---
            if typ == 16:  # GoStart: advanceGoStart
                gid = c.a0[i]
                s = genbase + c.a1[i]
                if gst.get(gid) != GoRunnable or gseq[gid] + 1 != s:
                    return None
                if cp < 0 or cg >= 0 or m < 0:
                    raise bad(c, f"needs a P and no running goroutine on the thread (P {cp}, "
                              f"G {cg})")
                gst[gid] = GoRunning
                gseq[gid] = s
                mg[m] = gid
                return (t, typ, m, cp, cg, gid, c.a1[i], 0, 0, 0)
            if typ == 20 or typ == 19 or typ == 17:  # GoBlock/GoStop/GoDestroy: GoStopExec
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                if gst.get(cg) != GoRunning:
                    raise bad(c, f"goroutine {cg} is not running")
                if typ == 17:
                    del gst[cg]
                    gseq.pop(cg, None)
                else:
                    gst[cg] = GoWaiting if typ == 20 else GoRunnable
                mg[m] = -1
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], 0, 0, 0)
            if typ == 21:  # GoUnblock: advanceGoUnblock
                gid = c.a0[i]
                s = genbase + c.a1[i]
                if gst.get(gid) != GoWaiting or gseq[gid] + 1 != s:
                    return None
                gst[gid] = GoRunnable
                gseq[gid] = s
                return (t, typ, m, cp, cg, gid, c.a1[i], c.a2[i], 0, 0)
            if typ == 10:  # ProcStart: advanceProcStart
                pid = c.a0[i]
                s = genbase + c.a1[i]
                if pst.get(pid) != ProcIdle or pseq[pid] + 1 != s or cp >= 0:
                    return None
                if m < 0:
                    raise bad(c, "needs a thread")
                pst[pid] = ProcRunning
                pseq[pid] = s
                mp[m] = pid
                return (t, typ, m, cp, cg, pid, c.a1[i], 0, 0, 0)
            if typ == 11:  # ProcStop: advanceProcStop
                st = pst.get(cp)
                if st is None:
                    raise bad(c, f"proc {cp} does not exist")
                if st != ProcRunning and st != ProcSyscall:
                    raise bad(c, f"proc {cp} is not running or in a syscall")
                pst[cp] = ProcIdle
                mp[m] = -1
                return (t, typ, m, cp, cg, 0, 0, 0, 0, 0)
            if typ == 37 or typ == 38:  # HeapAlloc/HeapGoal: advanceHeapMetric
                if cp < 0:
                    raise bad(c, "needs a P on the thread")
                return (t, typ, m, cp, cg, c.a0[i], 0, 0, 0, 0)
            if typ == 14 or typ == 47:  # GoCreate/GoCreateBlocked: advanceGoCreate
                if cp < 0:
                    raise bad(c, "needs a P on the thread")
                if cg >= 0 and gst.get(cg, GoRunning) != GoRunning:
                    raise bad(c, f"creator goroutine {cg} is not running")
                gid = c.a0[i]
                if gid in gst:
                    raise bad(c, f"goroutine {gid} already exists")
                gst[gid] = GoRunnable if typ == 14 else GoWaiting
                gseq[gid] = genbase
                return (t, typ, m, cp, cg, gid, c.a1[i], c.a2[i], 0, 0)
            if typ == 22:  # GoSyscallBegin: advanceGoSyscallBegin
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                if gst.get(cg) != GoRunning:
                    raise bad(c, f"goroutine {cg} is not running")
                if cp not in pst:
                    raise bad(c, f"uninitialized proc {cp}")
                gst[cg] = GoSyscall
                pst[cp] = ProcSyscall
                s = genbase + c.a0[i]
                if pseq[cp] + 1 != s:
                    raise bad(c, f"proc {cp} sequence {c.a0[i]} does not follow "
                              f"{pseq[cp] - genbase}")
                pseq[cp] = s
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], 0, 0, 0)
            if typ == 23:  # GoSyscallEnd: advanceGoSyscallEnd
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a goroutine and a P on the thread")
                if gst.get(cg) != GoSyscall:
                    raise bad(c, f"goroutine {cg} is not in a syscall")
                if pst.get(cp) != ProcSyscall:
                    raise bad(c, f"proc {cp} is not in a syscall")
                gst[cg] = GoRunning
                pst[cp] = ProcRunning
                return (t, typ, m, cp, cg, 0, 0, 0, 0, 0)
            if typ == 24:  # GoSyscallEndBlocked: advanceGoSyscallEndBlocked
                if cp >= 0:
                    if cp not in pst:
                        raise bad(c, f"uninitialized proc {cp}")
                    if pst[cp] == ProcSyscall:
                        return None
                if cg < 0 or m < 0:
                    raise bad(c, "needs a goroutine on the thread")
                if gst.get(cg) != GoSyscall:
                    raise bad(c, f"goroutine {cg} is not in a syscall")
                gst[cg] = GoRunnable
                mg[m] = -1
                return (t, typ, m, cp, cg, 0, 0, 0, 0, 0)
            if typ == 25 or typ == 48:  # GoStatus/GoStatusStack: advanceGoStatus
                gid, mid, status = c.a0[i], c.a1[i], c.a2[i]
                if status < GoRunnable or status > GoWaiting:
                    raise bad(c, f"invalid status {status} for goroutine {gid}")
                old = gst.get(gid)
                if old is not None:
                    if old != status:
                        raise bad(c, f"inconsistent status for goroutine {gid}: old {old} vs. "
                                  f"new {status}")
                    x = status
                elif gen == initial_gen:
                    gst[gid] = status
                    x = OLD_UNDETERMINED
                else:
                    raise bad(c, f"status for new goroutine {gid} after the first generation")
                gseq[gid] = genbase
                em = m
                eg = cg
                if status == GoRunning:
                    if m >= 0:
                        mg[m] = gid
                elif status == GoSyscall:
                    if mid == NO_ID:
                        raise bad(c, f"goroutine {gid} in syscall without a thread")
                    if mid == m:
                        if gen != initial_gen and cg != gid:
                            raise bad(c, f"inconsistent thread for syscalling goroutine {gid}")
                        mg[m] = gid
                    else:
                        if mid in mg:
                            if mg[mid] != gid:
                                raise bad(c, f"inconsistent thread for syscalling goroutine "
                                          f"{gid}: thread has goroutine {mg[mid]}")
                            eg = mg[mid]
                        else:
                            mg[mid] = gid
                            mp.setdefault(mid, -1)
                        em = mid
                return (t, typ, em, cp, eg, gid, mid, status, c.a3[i], x)
            if typ == 13:  # ProcStatus: advanceProcStatus
                pid, status = c.a0[i], c.a1[i]
                if status < ProcRunning or status > ProcSyscallAbandoned:
                    raise bad(c, f"invalid status {status} for proc {pid}")
                old = pst.get(pid)
                a1 = status
                em, ep, eg = m, cp, cg
                if old is not None:
                    if status == ProcSyscallAbandoned and old == ProcSyscall:
                        x = ProcRunning
                        a1 = ProcSyscall
                    elif status == ProcSyscallAbandoned and old == ProcSyscallAbandoned:
                        x = ProcIdle
                    elif old != status:
                        raise bad(c, f"inconsistent status for proc {pid}: old {old} vs. new "
                                  f"{status}")
                    else:
                        x = {ProcRunning: ProcRunning, ProcIdle: ProcIdle,
                             ProcSyscall: ProcRunning}[status]
                else:
                    pst[pid] = status
                    x = OLD_UNDETERMINED if gen == initial_gen else OLD_NOTEXIST
                pseq[pid] = genbase
                if status == ProcRunning or status == ProcSyscall:
                    if m >= 0:
                        mp[m] = pid
                if status == ProcSyscallAbandoned and x == ProcRunning:
                    found = [k for k, v in mp.items() if v == pid]
                    if not found:
                        raise bad(c, f"no thread holds proc {pid}, which is about to be stolen")
                    em = found[-1]
                    ep = pid
                    eg = mg.get(em, -1)
                return (t, typ, em, ep, eg, pid, a1, 0, 0, x)
            if typ == 12:  # ProcSteal: advanceProcSteal
                pid = c.a0[i]
                s = genbase + c.a1[i]
                old = pst.get(pid)
                if (old != ProcSyscall and old != ProcSyscallAbandoned) or pseq[pid] + 1 != s:
                    return None
                if m < 0:
                    raise bad(c, "needs a thread")
                pst[pid] = ProcIdle
                pseq[pid] = s
                rec = (t, typ, m, cp, cg, pid, c.a1[i], c.a2[i], 0, old)
                if old == ProcSyscallAbandoned:
                    return rec
                mid = c.a2[i]
                if mid == m:
                    if cp != pid:
                        raise bad(c, f"tried to self-steal proc {pid} but thread has {cp}")
                    mp[m] = -1
                    return rec
                if mid not in mp:
                    raise bad(c, f"stole proc from non-existent thread {mid}")
                if mp[mid] != pid:
                    raise bad(c, f"tried to steal proc {pid} from thread {mid}, which has "
                              f"proc {mp[mid]}")
                mp[mid] = -1
                return rec
            if typ == 9 or typ == 39 or typ == 44:  # ProcsChange/GoLabel/UserLog: annotation
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], c.a2[i], c.a3[i], 0)
            if typ == 26 or typ == 27 or typ == 35 or typ == 36:  # STW / mark assist ranges
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], 0, 0, 0)
            if typ == 32 or typ == 33:  # GCSweepBegin/End
                if cp < 0:
                    raise bad(c, "needs a P on the thread")
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], 0, 0, 0)
            if typ == 31 or typ == 34:  # GCSweepActive/GCMarkAssistActive
                return (t, typ, m, cp, cg, c.a0[i], 0, 0, 0, 0)
            if typ == 28 or typ == 29 or typ == 30:  # GC: advanceGCActive/Begin/End
                s = c.a0[i]
                if typ == 28 and gen == initial_gen:
                    if gc["state"] != 0:
                        raise bad(c, "GCActive in the first generation is not the first GC "
                                  "event")
                elif typ == 29 and gc["state"] == 0:
                    pass
                else:
                    if s != gc["seq"] + 1:
                        return None
                    if typ == 28 and gc["state"] != 1:
                        raise bad(c, "GCActive while GC was not in progress")
                    if typ == 29 and gc["state"] == 1:
                        raise bad(c, "GCBegin while GC was already in progress")
                    if typ == 30 and gc["state"] != 1:
                        raise bad(c, "GCEnd when GC was not in progress")
                    if cg < 0 or cp < 0:
                        raise bad(c, "needs a running goroutine and a P on the thread")
                gc["seq"] = s
                gc["state"] = 2 if typ == 30 else 1
                return (t, typ, m, cp, cg, s, c.a1[i], 0, 0, 0)
            if typ == 40:  # UserTaskBegin: advanceUserTaskBegin
                tid = c.a0[i]
                if tid in tasks:
                    raise bad(c, f"task ID conflict: {tid}")
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                tasks[tid] = c.a1[i]
                return (t, typ, m, cp, cg, tid, c.a1[i], c.a2[i], c.a3[i], 0)
            if typ == 41:  # UserTaskEnd
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                tasks.pop(c.a0[i], None)
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], 0, 0, 0)
            if typ == 42 or typ == 43:  # UserRegionBegin/End
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], c.a2[i], 0, 0)
            if typ == 45 or typ == 46:  # GoSwitch/GoSwitchDestroy: advanceGoSwitch
                if cg < 0 or cp < 0:
                    raise bad(c, "needs a running goroutine and a P on the thread")
                if gst.get(cg) != GoRunning:
                    raise bad(c, f"goroutine {cg} is not running")
                nextg = c.a0[i]
                s = genbase + c.a1[i]
                if gst.get(nextg) != GoWaiting or gseq[nextg] + 1 != s:
                    return None
                out: list[Record] = [(t, typ, m, cp, cg, nextg, c.a1[i], 0, 0, 0)]
                if typ == 45:
                    gst[cg] = GoWaiting
                    out.append((t, wire.EvGoBlock, m, cp, cg, 0, 0, 0, 0, 0))
                else:
                    del gst[cg]
                    gseq.pop(cg, None)
                    out.append((t, wire.EvGoDestroy, m, cp, cg, 0, 0, 0, 0, 0))
                gst[nextg] = GoRunning
                gseq[nextg] = s
                mg[m] = nextg
                out.append((t, wire.EvGoStart, m, cp, -1, nextg, c.a1[i], 0, 0, 0))
                return out
            if typ == 15:  # GoCreateSyscall: advanceGoCreateSyscall
                if m < 0 or cg >= 0:
                    raise bad(c, "needs a thread without a goroutine")
                gid = c.a0[i]
                if gid in gst:
                    raise bad(c, f"goroutine {gid} already exists")
                gst[gid] = GoSyscall
                gseq[gid] = genbase
                mg[m] = gid
                return (t, typ, m, cp, cg, gid, 0, 0, 0, 0)
            if typ == 18:  # GoDestroySyscall: advanceGoDestroySyscall
                if m < 0 or cg < 0:
                    raise bad(c, "needs a goroutine on the thread")
                if gst.get(cg) != GoSyscall:
                    raise bad(c, f"goroutine {cg} is not in a syscall")
                del gst[cg]
                gseq.pop(cg, None)
                mg[m] = -1
                outd: list[Record] = []
                if cp >= 0:
                    if pst.get(cp) != ProcSyscall:
                        raise bad(c, f"proc {cp} is not in a syscall")
                    pst[cp] = ProcSyscallAbandoned
                    mp[m] = -1
                    outd.append((t, wire.EvProcSteal, m, cp, cg, cp, 0, 0, 0, ProcSyscall))
                outd.append((t, typ, m, cp, cg, 0, 0, 0, 0, 0))
                return outd
            if typ >= 128:  # experimental: advanceAllocFree
                if m < 0:
                    raise bad(c, "needs a thread")
                return (t, typ, m, cp, cg, c.a0[i], c.a1[i], c.a2[i], 0, 0)
            raise bad(c, "unexpected event type while ordering")

        for g in iter_generations(self.f, self.version, self.size, path):
            self.current = g
            self.generations += 1
            gen = g.gen
            genbase = gen * _SEQ
            if initial_gen == 0:
                initial_gen = gen
            heap: list[_Cursor] = []
            for m, batches in g.batches.items():
                c = _Cursor(m, batches, g, self.wire_type_counts)
                if c.next_batch():
                    c.t = c.times[0]
                    heap.append(c)
                    _sift_up(heap, len(heap) - 1)
            npt = g.ns_per_tick()
            cpu = sorted((int(float(s[0]) * npt), s) for s in g.cpu_samples)
            ci = 0
            ncpu = len(cpu)
            while heap or ci < ncpu:
                if ci < ncpu and (not heap or cpu[ci][0] < heap[0].t):
                    st, s = cpu[ci]
                    ci += 1
                    t = st if st > last else last + 1
                    last = t
                    mm = -1 if s[1] == NO_ID else s[1]
                    pp = -1 if s[2] == NO_ID else s[2]
                    gg = s[3] if s[3] else -1
                    nevents += 1
                    yield (t, wire.EvCPUSample, mm, pp, gg, s[4], 0, 0, 0, 0)
                    continue
                k = 0
                c = heap[0]
                r = advance(c)
                if r is None:
                    # Go: sort the frontier (a sorted heap is still a heap), try the rest.
                    heap.sort(key=_time_of)
                    for k in range(1, len(heap)):
                        r = advance(heap[k])
                        if r is not None:
                            c = heap[k]
                            break
                    else:
                        raise bad(heap[0], "broken trace: no thread's next event can advance "
                                  "(sequence numbers or states never match)")
                c.pos += 1
                if c.pos < c.n or c.next_batch():
                    ct = c.t = c.times[c.pos]
                    if k == 0:  # Go's heapUpdate at the root, without calls when nothing moves
                        nh = len(heap)
                        if (nh > 1 and heap[1].t < ct) or (nh > 2 and heap[2].t < ct):
                            _sift_down(heap, 0)
                    elif _sift_up(heap, k) == k:  # Go: heapUpdate
                        _sift_down(heap, k)
                else:
                    _remove(heap, k)
                if type(r) is tuple:
                    t = r[0]
                    if t <= last:
                        t = last + 1
                        r = (t,) + r[1:]
                    last = t
                    nevents += 1
                    yield r
                else:
                    for rr in r:  # type: ignore[union-attr]
                        t = rr[0]
                        if t <= last:
                            t = last + 1
                            rr = (t,) + rr[1:]
                        last = t
                        nevents += 1
                        yield rr
            last += 1
            nevents += 1
            self.nevents = nevents
            yield (last, EvSync, -1, -1, -1, gen, 0, 0, 0, 0)
            # Drop this generation before the next one is read: memory stays at one generation.
            self.current = None
            g = c = None  # type: ignore[assignment]
            heap = []
        self.nevents = nevents


def _time_of(c: _Cursor) -> int:
    return c.t


def _sift_up(h: list[_Cursor], i: int) -> int:
    """Go batchcursor.go: heapSiftUp (ties keep the parent above)."""
    while i > 0:
        j = (i - 1) >> 1
        if h[j].t <= h[i].t:
            break
        h[j], h[i] = h[i], h[j]
        i = j
    return i


def _sift_down(h: list[_Cursor], i: int) -> int:
    """Go batchcursor.go: heapSiftDown with min3 (a child moves up only if strictly earlier)."""
    n = len(h)
    while True:
        m = i
        mt = h[i].t
        a = 2 * i + 1
        if a < n and h[a].t < mt:
            m = a
            mt = h[a].t
        if a + 1 < n and h[a + 1].t < mt:
            m = a + 1
        if m == i:
            return i
        h[i], h[m] = h[m], h[i]
        i = m


def _remove(h: list[_Cursor], i: int) -> None:
    """Go batchcursor.go: heapRemove (bubble to the root, swap with the last, sift down)."""
    while i > 0:
        j = (i - 1) >> 1
        h[j], h[i] = h[i], h[j]
        i = j
    h[0], h[-1] = h[-1], h[0]
    h.pop()
    if h:
        _sift_down(h, 0)
