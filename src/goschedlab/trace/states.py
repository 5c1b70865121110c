"""From ordered records to state transitions, intervals, ranges and annotations.

The interpretation layer (Go: ``Event.StateTransition`` in internal/trace/event.go, plus what
``go tool trace``'s timeline derives).  :class:`TraceBuilder` consumes the records of
:class:`~goschedlab.trace.order.Ordering` once and accumulates column lists:

* goroutine state intervals (Runnable, Running, Syscall, Waiting with reason; for Runnable the
  reason says how it became runnable: created, unblocked, preempted, runtime.Gosched, syscall
  returned without P, coroutine switch) - spec §10.1:
  ``s -> s`` reaffirmations do not split an interval; an interval out of Undetermined starts at
  the trace window start and is left-censored; intervals still open at the end are closed at
  the window end and right-censored.  The window is [first, last] state-transition time, the
  convention of the fixture's Go-derived totals.
* P intervals (Running/Idle, Go's ProcState: a P in a syscall counts as Running).
* STW ranges, GC cycles, user tasks, regions, logs, goroutine creations, metrics.
* counts of state transitions keyed like ``"Goroutine Runnable->Running"`` (Go's
  ``-d=1`` output) and of event kinds.

Invariant (checked): a transition's ``from`` equals the state the builder holds for the
resource (else the ordering let an inconsistent event through: InternalError).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable

from goschedlab.errors import InternalError
from goschedlab.trace import wire
from goschedlab.trace.generation import Frame, Generation
from goschedlab.trace.order import EvSync, Ordering, Record

GI_COLS = ["goid", "state", "start_ns", "end_ns", "reason", "p", "next_state", "flags"]
PI_COLS = ["p", "state", "start_ns", "end_ns", "m", "flags"]

# Goroutine states (Go's GoState values, Undetermined = -1).
G_UNDETERMINED, G_NOTEXIST, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING = -1, 0, 1, 2, 3, 4
G_STATE_NAMES = {
    -1: "Undetermined", 0: "NotExist", 1: "Runnable", 2: "Running", 3: "Syscall", 4: "Waiting"
}
# P states (Go's ProcState).
P_UNDETERMINED, P_NOTEXIST, P_RUNNING, P_IDLE = -1, 0, 1, 2
P_STATE_NAMES = {-1: "Undetermined", 0: "NotExist", 1: "Running", 2: "Idle"}
_WIRE_P_TO_STATE = {wire.ProcRunning: P_RUNNING, wire.ProcIdle: P_IDLE,
                    wire.ProcSyscall: P_RUNNING, wire.ProcSyscallAbandoned: P_IDLE}

# Go's event kinds (internal/trace EventKind) for -d=1 kind counts.
_KIND = {
    wire.EvCPUSample: "StackSample", wire.EvProcsChange: "Metric", wire.EvHeapAlloc: "Metric",
    wire.EvHeapGoal: "Metric", wire.EvSTWBegin: "RangeBegin", wire.EvSTWEnd: "RangeEnd",
    wire.EvGCActive: "RangeActive", wire.EvGCBegin: "RangeBegin", wire.EvGCEnd: "RangeEnd",
    wire.EvGCSweepActive: "RangeActive", wire.EvGCSweepBegin: "RangeBegin",
    wire.EvGCSweepEnd: "RangeEnd", wire.EvGCMarkAssistActive: "RangeActive",
    wire.EvGCMarkAssistBegin: "RangeBegin", wire.EvGCMarkAssistEnd: "RangeEnd",
    wire.EvGoLabel: "Label", wire.EvUserTaskBegin: "TaskBegin", wire.EvUserTaskEnd: "TaskEnd",
    wire.EvUserRegionBegin: "RegionBegin", wire.EvUserRegionEnd: "RegionEnd",
    wire.EvUserLog: "Log", EvSync: "Sync",
}
for _c in wire.EXPERIMENTAL:
    _KIND[_c] = "Experimental"
_G_EVENTS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 45, 46, 47, 48})
_P_EVENTS = frozenset({10, 11, 12, 13})
for _c in _G_EVENTS | _P_EVENTS:
    _KIND[_c] = "StateTransition"


def frame_str(fr: Frame) -> str:
    return f"{fr.func} {fr.file}:{fr.line}"


def stack_str(frames: tuple[Frame, ...]) -> str:
    """A stack as one line, leaf first: ``func file:line <- caller file:line``."""
    return " <- ".join(frame_str(fr) for fr in frames)


def creation_site(frames: tuple[Frame, ...]) -> str:
    """The first frame outside the runtime (where user code said ``go``)."""
    for fr in frames:
        if not fr.func.startswith("runtime."):
            return frame_str(fr)
    return frame_str(frames[0]) if frames else ""


class TraceBuilder:
    """Accumulates everything the reader facade exposes, in column lists (one pass)."""

    def __init__(self, keep_events: bool = True, keep_transitions: bool = False) -> None:
        self.keep_events = keep_events
        self.keep_transitions = keep_transitions
        self.events = array("q")  # records flattened, 10 int64 per event (wire 2**64-1 -> -1)
        self.transitions: list[tuple[int, str, int, int, int, str]] = []
        self.transition_counts: Counter[str] = Counter()
        self.kind_counts: Counter[str] = Counter()
        self.type_counts: Counter[str] = Counter()
        self.wire_counts: Counter[str] = Counter()
        # Goroutine intervals, flat int64 columns of GI_COLS (reason = index in reason_names,
        # flags: 1 left-censored, 2 right-censored); P intervals likewise (PI_COLS).
        self.gi = array("q")
        self.pi = array("q")
        self.reason_names: list[str] = []
        self._rcode: dict[str, int] = {}
        self._gtc = [0] * 64
        self._ptc = [0] * 64
        self.gstate: dict[int, list] = {}  # g -> [state, since, reason, p, lcens]
        self.pstate: dict[int, list] = {}  # p -> [state, since, m, lcens]
        self.creations: list[tuple[int, int, int, str, str, str]] = []
        self.stw: list[tuple[int, int, str, int, int]] = []  # start, end, kind, g, p
        self.gc: list[tuple[int, int, int]] = []  # seq, start, end
        self.tasks: dict[int, list] = {}  # id -> [parent, name, start, end, g]
        self.regions: list[tuple[int, int, str, int, int]] = []  # g, task, name, start, end
        self.logs: list[tuple[int, int, int, str, str]] = []  # time, g, task, key, value
        self.metrics: list[tuple[int, str, int]] = []
        self.labels: dict[int, str] = {}
        self._open_stw: dict[int, tuple[int, str, int]] = {}
        self._open_regions: dict[int, list[tuple[int, str, int]]] = {}
        self._gc_open: tuple[int, int] | None = None
        self.first_t: int | None = None
        self.last_t = 0
        self.first_event_t: int | None = None
        self.last_event_t = 0
        self.generations = 0
        self.version = 0
        self.freq = 0
        self.nbytes = 0

    # -- transitions --------------------------------------------------------------------
    def _g(self, g: int, frm: int, to: int, t: int, reason: str, p: int) -> None:
        """Apply one goroutine transition (Go: goStateTransition) to the interval columns."""
        if self.first_t is None:
            self.first_t = t
        self.last_t = t
        self._gtc[(frm + 1) * 8 + to + 1] += 1
        if self.keep_transitions:
            self.transitions.append((t, "Goroutine", g, frm, to, reason))
        rc = self._rcode.get(reason)
        if rc is None:
            rc = self._rcode[reason] = len(self.reason_names)
            self.reason_names.append(reason)
        st = self.gstate.get(g)
        if frm <= 0:  # Undetermined or NotExist: a new lifetime (or the first sight of one)
            if st is not None and st[0] != G_NOTEXIST and frm == G_NOTEXIST:
                raise InternalError(f"trace builder: goroutine {g} created twice")
            self.gstate[g] = [to, t, rc, p, frm == G_UNDETERMINED]
            return
        if st is None or st[0] != frm:
            have = None if st is None else G_STATE_NAMES[st[0]]
            raise InternalError(
                f"trace builder: goroutine {g} transition {G_STATE_NAMES[frm]}->"
                f"{G_STATE_NAMES[to]} at {t} but builder holds {have}"
            )
        if frm == to:  # reaffirmation: no new interval
            return
        self.gi.extend((g, frm, st[1], t, st[2], st[3], to, st[4]))
        st[0] = to
        st[1] = t
        st[2] = rc
        st[3] = p
        st[4] = 0

    def _p(self, pid: int, frm: int, to: int, t: int, m: int) -> None:
        """Apply one P transition (Go: procStateTransition)."""
        if self.first_t is None:
            self.first_t = t
        self.last_t = t
        self._ptc[(frm + 1) * 8 + to + 1] += 1
        if self.keep_transitions:
            self.transitions.append((t, "Proc", pid, frm, to, ""))
        st = self.pstate.get(pid)
        if st is None or frm <= 0:
            self.pstate[pid] = [to, t, m, frm == P_UNDETERMINED]
            return
        if frm == to:
            return
        self.pi.extend((pid, st[0], st[1], t, st[2], st[3]))
        st[0] = to
        st[1] = t
        st[2] = m
        st[3] = 0

    # -- main loop ----------------------------------------------------------------------
    def feed(self, records: Iterable[Record], ordering: Ordering) -> None:  # noqa: C901
        """Consume all records of ``ordering`` (Go: the per-kind handling of ``go tool trace``)."""
        keep = self.keep_events
        events = self.events
        kinds = Counter()  # by type code, names resolved at the end
        gtr = self._g
        ptr = self._p
        gen: Generation | None = None
        for r in records:
            t, typ, m, p, g = r[0], r[1], r[2], r[3], r[4]
            kinds[typ] += 1
            if keep:
                n0 = len(events)
                try:
                    events.extend(r)
                except OverflowError:  # a wire value >= 2**63 (sentinels): store wrapped
                    del events[n0:]
                    events.extend([v - (1 << 64) if v >= 1 << 63 else v for v in r])
            if gen is not ordering.current:
                gen = ordering.current
                self._new_generation(gen)  # type: ignore[arg-type]
            if typ == 16:  # GoStart
                gtr(r[5], G_RUNNABLE, G_RUNNING, t, "", p)
            elif typ == 20:  # GoBlock
                gtr(g, G_RUNNING, G_WAITING, t, gen.string(r[5]), p)  # type: ignore[union-attr]
            elif typ == 21:  # GoUnblock
                gtr(r[5], G_WAITING, G_RUNNABLE, t, "unblocked", -1)
            elif typ == 45 or typ == 46:  # GoSwitch*
                gtr(r[5], G_WAITING, G_RUNNABLE, t, "coroutine switch", -1)
            elif typ == 10:  # ProcStart
                ptr(r[5], P_IDLE, P_RUNNING, t, m)
            elif typ == 11:  # ProcStop
                ptr(p, P_RUNNING, P_IDLE, t, -1)
            elif typ == 19:  # GoStop
                gtr(g, G_RUNNING, G_RUNNABLE, t, gen.string(r[5]), -1)  # type: ignore[union-attr]
            elif typ == 22:  # GoSyscallBegin
                gtr(g, G_RUNNING, G_SYSCALL, t, "", p)
            elif typ == 23:  # GoSyscallEnd
                gtr(g, G_SYSCALL, G_RUNNING, t, "", p)
            elif typ == 24:  # GoSyscallEndBlocked
                gtr(g, G_SYSCALL, G_RUNNABLE, t, "syscall returned without P", -1)
            elif typ == 14 or typ == 47:  # GoCreate / GoCreateBlocked
                gid = r[5]
                gtr(gid, G_NOTEXIST, G_RUNNABLE if typ == 14 else G_WAITING, t,
                    "created" if typ == 14 else "", -1)
                newst = gen.stack(r[6])  # type: ignore[union-attr]
                crst = gen.stack(r[7])  # type: ignore[union-attr]
                self.creations.append((gid, t, g, newst[0].func if newst else "",
                                       creation_site(crst), stack_str(crst)))
            elif typ == 17:  # GoDestroy
                gtr(g, G_RUNNING, G_NOTEXIST, t, "", -1)
            elif typ == 15:  # GoCreateSyscall
                gtr(r[5], G_NOTEXIST, G_SYSCALL, t, "", p)
            elif typ == 18:  # GoDestroySyscall
                gtr(g, G_SYSCALL, G_NOTEXIST, t, "", -1)
            elif typ == 25 or typ == 48:  # GoStatus / GoStatusStack
                frm = r[9]
                frm = G_UNDETERMINED if frm == -1 else frm
                gtr(r[5], frm, r[7], t, "", p if r[7] in (G_RUNNING, G_SYSCALL) else -1)
            elif typ == 13:  # ProcStatus
                x = r[9]
                frm = x if x in (P_UNDETERMINED, P_NOTEXIST) else _WIRE_P_TO_STATE[x]
                ptr(r[5], frm, _WIRE_P_TO_STATE[r[6]], t, m)
            elif typ == 12:  # ProcSteal
                frm = P_IDLE if r[9] == wire.ProcSyscallAbandoned else P_RUNNING
                ptr(r[5], frm, P_IDLE, t, -1)
            elif typ == 37 or typ == 38 or typ == 9:
                name = {37: "/memory/classes/heap/objects:bytes", 38: "/gc/heap/goal:bytes",
                        9: "/sched/gomaxprocs:threads"}[typ]
                self.metrics.append((t, name, r[5]))
            elif typ == 26:  # STWBegin
                self._open_stw[g] = (t, gen.string(r[5]), p)  # type: ignore[union-attr]
            elif typ == 27:  # STWEnd
                b = self._open_stw.pop(g, None)
                if b is not None:
                    self.stw.append((b[0], t, b[1], g, b[2]))
            elif typ == 29 or typ == 28:  # GCBegin / GCActive
                if self._gc_open is None:
                    self._gc_open = (r[5], t)
            elif typ == 30:  # GCEnd
                if self._gc_open is not None:
                    self.gc.append((self._gc_open[0], self._gc_open[1], t))
                    self._gc_open = None
            elif typ == 40:  # UserTaskBegin
                self.tasks[r[5]] = [r[6], gen.string(r[7]), t, None, g]  # type: ignore[union-attr]
            elif typ == 41:  # UserTaskEnd
                tk = self.tasks.get(r[5])
                if tk is not None:
                    tk[3] = t
            elif typ == 42:  # UserRegionBegin
                self._open_regions.setdefault(g, []).append(
                    (r[5], gen.string(r[6]), t))  # type: ignore[union-attr]
            elif typ == 43:  # UserRegionEnd
                stack = self._open_regions.get(g)
                name = gen.string(r[6])  # type: ignore[union-attr]
                start = None
                if stack:
                    tid, nm, st = stack[-1]
                    if nm == name:
                        stack.pop()
                        start = st
                self.regions.append((g, r[5], name, start if start is not None else -1, t))
            elif typ == 44:  # UserLog
                self.logs.append((t, g, r[5], gen.string(r[6]),  # type: ignore[union-attr]
                                  gen.string(r[7])))  # type: ignore[union-attr]
            elif typ == 39:  # GoLabel
                self.labels[g] = gen.string(r[5])  # type: ignore[union-attr]
            if self.first_event_t is None:
                self.first_event_t = t
            self.last_event_t = t
        for code, n in kinds.items():
            self.kind_counts[_KIND.get(code, "Unknown")] += n
            name = "Sync" if code == EvSync else wire.event_name(code)
            self.type_counts[name] += n
        self._close()

    def _new_generation(self, gen: Generation) -> None:
        self.generations += 1
        self.version = gen.version
        self.freq = gen.freq
        self.nbytes += gen.nbytes
        for k, v in gen.counts.items():
            self.wire_counts[k] += v

    def _close(self) -> None:
        """Close open intervals at the window end (right-censored); back-date Undetermined;
        turn the transition tallies into Go's ``"Goroutine Runnable->Running"`` keys."""
        for k, n in enumerate(self._gtc):
            if n:
                frm, to = k // 8 - 1, k % 8 - 1
                self.transition_counts[f"Goroutine {G_STATE_NAMES[frm]}->{G_STATE_NAMES[to]}"] += n
        for k, n in enumerate(self._ptc):
            if n:
                frm, to = k // 8 - 1, k % 8 - 1
                self.transition_counts[f"Proc {P_STATE_NAMES[frm]}->{P_STATE_NAMES[to]}"] += n
        t0 = self.first_t if self.first_t is not None else 0
        t1 = self.last_t
        for g, st in self.gstate.items():
            if st[0] != G_NOTEXIST:
                self.gi.extend((g, st[0], st[1], t1, st[2], st[3], -2, int(st[4]) | 2))
        for pid, st in self.pstate.items():
            if st[0] != P_NOTEXIST:
                self.pi.extend((pid, st[0], st[1], t1, st[2], int(st[3]) | 2))
        self.window = (t0, t1)
        for g, (s, kind, p) in self._open_stw.items():
            self.stw.append((s, -1, kind, g, p))
        if self._gc_open is not None:
            self.gc.append((self._gc_open[0], self._gc_open[1], -1))
