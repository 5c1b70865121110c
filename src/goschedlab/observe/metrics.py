"""A runtime/metrics snapshot of the model: what ``metrics.Read`` would return at this instant.

Only metrics the model defines are filled; the rest are ``null`` in the JSON result (see
:mod:`goschedlab.observe.result`).  Read through Go-named attributes so the probe stays
independent of the runtime's internals.
"""

from __future__ import annotations

from typing import Any

from goschedlab.observe.result import MAX_INT64, MetricsSnapshot

_GC_HISTS = (
    "/gc/pauses:seconds",
    "/sched/pauses/stopping/gc:seconds",
    "/sched/pauses/stopping/other:seconds",
    "/sched/pauses/total/gc:seconds",
    "/sched/pauses/total/other:seconds",
)


def _counts(h: Any) -> list[int]:
    c = h.counts
    return list(c() if callable(c) else c)


def gcount(rt: Any) -> int:
    """``gcount()``: user goroutines that exist (not dead, not system) - /sched/goroutines."""
    f = getattr(rt, "gcount", None)
    if callable(f):
        return int(f())
    n = 0
    for gp in rt.allgs:
        if int(gp.atomicstatus) & ~0x1000 != 6:  # _Gdead
            n += 1
    return n


def mcount(rt: Any) -> int:
    """``mcount()``: threads that exist (Ms ever created minus freed)."""
    f = getattr(rt, "mcount", None)
    if callable(f):
        return int(f())
    return len(rt.allm)


def probe_runtime(rt: Any, gogc: int = 100) -> MetricsSnapshot:
    """Snapshot the model's metrics (models metrics.go: the readers of the metrics we know)."""
    hists: dict[str, list[int]] = {}
    h = getattr(rt, "timeToRun", None)
    if h is None:
        h = getattr(rt.sched, "timeToRun", None)
    if h is not None:
        hists["/sched/latencies:seconds"] = _counts(h)
    extra = getattr(rt, "metric_histograms", None) or {}
    for name in _GC_HISTS:
        src = extra.get(name)
        if src is not None:
            hists[name] = _counts(src)
    ncycles = int(getattr(rt, "gc_cycles", 0) or 0)
    scalars: dict[str, int | float] = {
        "/cgo/go-to-c-calls:calls": 0,
        "/gc/cycles/automatic:gc-cycles": ncycles,
        "/gc/cycles/forced:gc-cycles": 0,
        "/gc/cycles/total:gc-cycles": ncycles,
        "/gc/gogc:percent": gogc,
        "/gc/gomemlimit:bytes": MAX_INT64,
        "/gc/stack/starting-size:bytes": 2048,
        "/sched/gomaxprocs:threads": int(getattr(rt, "gomaxprocs", len(rt.allp))),
        "/sched/goroutines:goroutines": gcount(rt),
        "/sync/mutex/wait/total:seconds": float(getattr(rt, "mutex_wait_total_s", 0.0) or 0.0),
    }
    gc_scalars = getattr(getattr(rt, "gc", None), "metric_scalars", None)
    if gc_scalars is not None:  # runtime/gc.py: heap, scan and GC CPU-class metrics
        scalars.update(gc_scalars())
    return MetricsSnapshot(hists, scalars)
