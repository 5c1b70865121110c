"""The measured-phase recorder a scenario's main goroutine writes into (refcorpus ``Report``).

``start(t0)`` and ``end(t1)`` are called synchronously from inside the main goroutine right after
``yield Now()``, so the metric snapshots are taken at exactly that virtual instant, as the Go
programs read runtime/metrics right before T0 and right after T1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from goschedlab.observe.latency import summarize
from goschedlab.observe.result import MetricsSnapshot


class Report:
    """Per-run record: T0/T1, metric snapshots, thread count, latency series and extra fields.

    ``probe()`` returns the model's :class:`MetricsSnapshot` now; ``threads()`` its thread count
    (``mcount``); ``gomaxprocs`` is the run's GOMAXPROCS (``rep.GomaxProcs()`` in Go);
    ``costs`` the run's cost model (machine figures a workload needs, e.g. timer slack).
    """

    __slots__ = (
        "probe",
        "threads",
        "gomaxprocs",
        "costs",
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
    ) -> None:
        self.probe = probe
        self.threads = threads
        self.gomaxprocs = gomaxprocs
        self.costs = costs
        self.T0: int | None = None
        self.T1: int | None = None
        self.m_start: MetricsSnapshot | None = None
        self.m_end: MetricsSnapshot | None = None
        self.threads_end = 0
        self.fields: dict[str, Any] = {}
        self.series: dict[str, list[int]] = {}

    def start(self, t0: int) -> int:
        """Mark T0 and snapshot the metrics (``Report.Start``); returns t0."""
        self.m_start = self.probe()
        self.T0 = t0
        return t0

    def end(self, t1: int) -> int:
        """Mark T1 and snapshot thread count and metrics (``Report.End``); returns t1."""
        self.T1 = t1
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
