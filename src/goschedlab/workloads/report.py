"""The measured-phase recorder a scenario's main goroutine writes into (refcorpus ``Report``).

``start(t0)`` and ``end(t1)`` are called synchronously from inside the main goroutine right after
``yield Now()``, so the metric snapshots are taken at exactly that virtual instant, as the Go
programs read runtime/metrics right before T0 and right after T1.

Between those reads and T0/T1 the Go harness (gosrc/lab/report.go: Begin, Finish) reads /proc
files: /proc/stat, the directory /proc/self/task and every thread's schedstat (Begin and Finish),
/proc/self/status (Finish).  Each goes through entersyscall/exitsyscall, so the main goroutine
leaves _Grunning once per syscall and every 8th such transition puts a 0 ns sample into
/sched/latencies (proc.go: casgstatus) - 11 of the 14 samples of fanout-cpu long GOMAXPROCS=1.
``start``/``end`` replay those syscalls through the ``syscalls`` hook (zero virtual time: they
lie outside T0..T1).  Counts, Go 1.23.1 on Linux, by ``strace -f`` of our fanout-cpu program
(GOMAXPROCS 1 and 2, 3 and 4 threads): os.ReadFile of a non-pollable /proc file = openat,
fcntl x4 (os.newFile tries the poller: SetNonblock, epoll_ctl EPERM, SetNonblock back), fstat,
read x2, close = 9; /proc/stat (pollable, ~1.2 KB) = openat, fcntl x2, fstat, read x4,
close = 9; ReadDir(/proc/self/task) = openat, getdents64 x2, close = 4; /proc/self/status
(~1.4 KB) = 12; getrusage is a RawSyscall (no transition).  Begin = 13 + 9 x threads, Finish
= 25 + 9 x threads (49 and 61 with 4 threads, as counted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from goschedlab.observe.latency import summarize
from goschedlab.observe.result import MetricsSnapshot

HARNESS_BEGIN_SYSCALLS = 13
"""Begin: /proc/stat (9) + ReadDir(/proc/self/task) (4), plus HARNESS_THREAD_SYSCALLS a thread."""
HARNESS_END_SYSCALLS = 25
"""Finish: /proc/stat (9) + ReadDir (4) + /proc/self/status (12), plus the per-thread reads."""
HARNESS_THREAD_SYSCALLS = 9
"""One /proc/self/task/N/schedstat read (os.ReadFile of a small non-pollable file)."""


class Report:
    """Per-run record: T0/T1, metric snapshots, thread count, latency series and extra fields.

    ``probe()`` returns the model's :class:`MetricsSnapshot` now; ``threads()`` its thread count
    (``mcount``); ``gomaxprocs`` is the run's GOMAXPROCS (``rep.GomaxProcs()`` in Go);
    ``costs`` the run's cost model (machine figures a workload needs, e.g. timer slack);
    ``syscalls(n)`` makes the calling (main) goroutine do ``n`` immediate syscalls (the harness's
    /proc reads; None: not modelled).
    """

    __slots__ = (
        "probe",
        "threads",
        "gomaxprocs",
        "costs",
        "syscalls",
        "T0",
        "T1",
        "m_start",
        "m_end",
        "threads_end",
        "fields",
        "series",
    )

    def __init__(
        self,
        probe: Callable[[], MetricsSnapshot],
        threads: Callable[[], int],
        gomaxprocs: int,
        costs: Any = None,
        syscalls: Callable[[int], None] | None = None,
    ) -> None:
        self.probe = probe
        self.threads = threads
        self.gomaxprocs = gomaxprocs
        self.costs = costs
        self.syscalls = syscalls
        self.T0: int | None = None
        self.T1: int | None = None
        self.m_start: MetricsSnapshot | None = None
        self.m_end: MetricsSnapshot | None = None
        self.threads_end = 0
        self.fields: dict[str, Any] = {}
        self.series: dict[str, list[int]] = {}

    def start(self, t0: int) -> int:
        """Mark T0 and snapshot the metrics (``Report.Begin``), then the harness's Begin
        syscalls; returns t0."""
        self.m_start = self.probe()
        if self.syscalls is not None:
            self.syscalls(HARNESS_BEGIN_SYSCALLS + HARNESS_THREAD_SYSCALLS * self.threads())
        self.T0 = t0
        return t0

    def end(self, t1: int) -> int:
        """Mark T1, do the harness's Finish syscalls, snapshot thread count and metrics
        (``Report.Finish``); returns t1."""
        self.T1 = t1
        if self.syscalls is not None:
            self.syscalls(HARNESS_END_SYSCALLS + HARNESS_THREAD_SYSCALLS * self.threads())
        self.threads_end = self.threads()
        self.m_end = self.probe()
        return t1

    def set(self, key: str, value: Any) -> None:
        """A workload-specific top-level field."""
        self.fields[key] = value

    def latency(self, name: str, values: Sequence[int]) -> None:
        """A per-request series (summarised into ``latency.<name>``)."""
        self.series[name] = list(values)

    @property
    def makespan_ns(self) -> int:
        """T1 - T0 (raises if the phase did not complete)."""
        if self.T0 is None or self.T1 is None:
            raise RuntimeError("Report: measured phase did not complete (T0/T1 missing)")
        return self.T1 - self.T0

    def latency_json(self) -> dict[str, dict[str, object]]:
        """``latency``: each series summarised as the corpus does."""
        return {k: summarize(v) for k, v in self.series.items()}
