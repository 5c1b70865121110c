"""The JSON result of a simulated run, key for key like the reference corpus' result files.

One object per run, as the refcorpus Go programs print: ``workload``, ``params``,
``go_version``, ``gomaxprocs``, ``num_cpu``, ``makespan_ns``, ``threads_end``, ``metrics_end``,
``metrics_phase_delta``, ``hist_summary``, ``latency.<series>`` and workload-specific fields.

Keys the model cannot know are present with value ``null`` so that key sets compare equal
(:data:`UNKNOWABLE_TOP_LEVEL`, :data:`UNKNOWABLE_METRICS`):

* ``rusage_phase``, ``rusage_end``, ``host_cpu_phase``: OS accounting of a real process.
* ``/memory/classes/...``, object counts (``/gc/heap/*:objects``), ``/gc/scan/...``: no
  allocator / object-layout model.
* ``/cpu/classes/{user,idle,total,scavenge/...}``: OS-level CPU accounting, not modelled.
  The GC's own (``/gc/heap/*:bytes``, ``/cpu/classes/gc/...``) come from
  runtime/gc.py (:data:`GC_MODEL_METRICS`).

Everything is written with Go's ``encoding/json`` conventions (map keys sorted, float64 in
Go's shortest format, integral floats without a fraction) via :func:`dumps_go`, and files are
written to a temporary file then renamed (:func:`write_json_atomic`).
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from typing import Any

from goschedlab.fileio import write_atomic
from goschedlab.observe.timehist import NCOUNTS, boundaries_seconds, hist_summary

# runtime/metrics names the refcorpus snapshot contains (Go 1.23.1), in sorted order.
ALL_METRICS: tuple[str, ...] = (
    "/cgo/go-to-c-calls:calls",
    "/cpu/classes/gc/mark/assist:cpu-seconds",
    "/cpu/classes/gc/mark/dedicated:cpu-seconds",
    "/cpu/classes/gc/mark/idle:cpu-seconds",
    "/cpu/classes/gc/pause:cpu-seconds",
    "/cpu/classes/gc/total:cpu-seconds",
    "/cpu/classes/idle:cpu-seconds",
    "/cpu/classes/scavenge/assist:cpu-seconds",
    "/cpu/classes/scavenge/background:cpu-seconds",
    "/cpu/classes/scavenge/total:cpu-seconds",
    "/cpu/classes/total:cpu-seconds",
    "/cpu/classes/user:cpu-seconds",
    "/gc/cycles/automatic:gc-cycles",
    "/gc/cycles/forced:gc-cycles",
    "/gc/cycles/total:gc-cycles",
    "/gc/gogc:percent",
    "/gc/gomemlimit:bytes",
    "/gc/heap/allocs:bytes",
    "/gc/heap/allocs:objects",
    "/gc/heap/frees:bytes",
    "/gc/heap/frees:objects",
    "/gc/heap/goal:bytes",
    "/gc/heap/live:bytes",
    "/gc/heap/objects:objects",
    "/gc/heap/tiny/allocs:objects",
    "/gc/limiter/last-enabled:gc-cycle",
    "/gc/pauses:seconds",
    "/gc/scan/globals:bytes",
    "/gc/scan/heap:bytes",
    "/gc/scan/stack:bytes",
    "/gc/scan/total:bytes",
    "/gc/stack/starting-size:bytes",
    "/memory/classes/heap/free:bytes",
    "/memory/classes/heap/objects:bytes",
    "/memory/classes/heap/released:bytes",
    "/memory/classes/heap/stacks:bytes",
    "/memory/classes/heap/unused:bytes",
    "/memory/classes/metadata/mcache/free:bytes",
    "/memory/classes/metadata/mcache/inuse:bytes",
    "/memory/classes/metadata/mspan/free:bytes",
    "/memory/classes/metadata/mspan/inuse:bytes",
    "/memory/classes/metadata/other:bytes",
    "/memory/classes/os-stacks:bytes",
    "/memory/classes/other:bytes",
    "/memory/classes/profiling/buckets:bytes",
    "/memory/classes/total:bytes",
    "/sched/gomaxprocs:threads",
    "/sched/goroutines:goroutines",
    "/sched/latencies:seconds",
    "/sched/pauses/stopping/gc:seconds",
    "/sched/pauses/stopping/other:seconds",
    "/sched/pauses/total/gc:seconds",
    "/sched/pauses/total/other:seconds",
    "/sync/mutex/wait/total:seconds",
)

# Histograms reported in full (boundaries + counts); all use the timeHistogram layout.
HISTOGRAMS: tuple[str, ...] = (
    "/gc/pauses:seconds",
    "/sched/latencies:seconds",
    "/sched/pauses/stopping/gc:seconds",
    "/sched/pauses/stopping/other:seconds",
    "/sched/pauses/total/gc:seconds",
    "/sched/pauses/total/other:seconds",
)

# Cumulative metrics (present in metrics_phase_delta), per runtime/metrics' descriptions.
CUMULATIVE: frozenset[str] = frozenset(
    [m for m in ALL_METRICS if m.startswith("/cpu/classes/")]
    + [
        "/cgo/go-to-c-calls:calls",
        "/gc/cycles/automatic:gc-cycles",
        "/gc/cycles/forced:gc-cycles",
        "/gc/cycles/total:gc-cycles",
        "/gc/heap/allocs:bytes",
        "/gc/heap/allocs:objects",
        "/gc/heap/frees:bytes",
        "/gc/heap/frees:objects",
        "/gc/heap/tiny/allocs:objects",
        "/sync/mutex/wait/total:seconds",
    ]
    + list(HISTOGRAMS)
)

UNKNOWABLE_TOP_LEVEL: frozenset[str] = frozenset({"rusage_phase", "rusage_end", "host_cpu_phase"})

MODEL_ONLY_TOP_LEVEL: frozenset[str] = frozenset({"model_counters"})
"""Keys a simulated result has and a real one cannot: ``model_counters`` holds what the model
knows and Go does not export (steal attempts / successes / Gs stolen, steal latency, time Ms
spent spinning, scheduler CPU, migrations local / remote; ``runtime.RuntimeStats``)."""
"""Top-level keys always ``null`` in a simulated result (OS accounting of a real process)."""

GC_MODEL_METRICS: frozenset[str] = frozenset(
    {
        "/cpu/classes/gc/mark/assist:cpu-seconds",
        "/cpu/classes/gc/mark/dedicated:cpu-seconds",
        "/cpu/classes/gc/mark/idle:cpu-seconds",
        "/cpu/classes/gc/pause:cpu-seconds",
        "/cpu/classes/gc/total:cpu-seconds",
        "/gc/heap/allocs:bytes",
        "/gc/heap/frees:bytes",
        "/gc/heap/goal:bytes",
        "/gc/heap/live:bytes",
        "/gc/limiter/last-enabled:gc-cycle",
    }
)
"""Heap / scan / GC CPU-class metrics the GC model fills (runtime/gc.py: gcState.metric_scalars)."""

UNKNOWABLE_METRICS: frozenset[str] = frozenset(
    m
    for m in ALL_METRICS
    if m.startswith(("/memory/classes/", "/gc/heap/", "/gc/scan/", "/gc/limiter/", "/cpu/classes/"))
    and m not in GC_MODEL_METRICS
)
"""runtime/metrics names whose value is ``null`` in a simulated result: memory classes, object
counts, the scavenger and the non-GC CPU classes (no allocator / OS CPU accounting model)."""

MAX_INT64 = (1 << 63) - 1


class MetricsSnapshot:
    """The model's runtime/metrics values at one instant (what ``metrics.Read`` would return).

    ``hists`` maps histogram names to 162-slot count lists; ``scalars`` the known scalars.
    Unknown metrics are not stored; :func:`metrics_json` fills them with ``null``.
    """

    __slots__ = ("hists", "scalars")

    def __init__(self, hists: dict[str, list[int]], scalars: dict[str, int | float]) -> None:
        self.hists = hists
        self.scalars = scalars


def empty_counts() -> list[int]:
    """A zero histogram in the timeHistogram layout."""
    return [0] * NCOUNTS


def metrics_json(snap: MetricsSnapshot) -> dict[str, Any]:
    """``metrics_end``: every metric name, histograms as boundaries/counts/total, unknown = null."""
    bounds = boundaries_seconds()
    out: dict[str, Any] = {}
    for name in ALL_METRICS:
        if name in HISTOGRAMS:
            counts = snap.hists.get(name) or empty_counts()
            out[name] = {"boundaries": bounds, "counts": list(counts), "total": sum(counts)}
        elif name in snap.scalars:
            out[name] = snap.scalars[name]
        else:
            out[name] = None
    return out


def metrics_delta_json(start: MetricsSnapshot, end: MetricsSnapshot) -> dict[str, Any]:
    """``metrics_phase_delta``: end - start of each cumulative metric (histograms: counts/total)."""
    out: dict[str, Any] = {}
    for name in ALL_METRICS:
        if name not in CUMULATIVE:
            continue
        if name in HISTOGRAMS:
            e = end.hists.get(name) or empty_counts()
            s = start.hists.get(name) or empty_counts()
            d = [a - b for a, b in zip(e, s, strict=True)]
            out[name] = {"counts": d, "total": sum(d)}
        elif name in end.scalars and name in start.scalars:
            out[name] = end.scalars[name] - start.scalars[name]
        else:
            out[name] = None
    return out


def hist_summary_json(start: MetricsSnapshot, end: MetricsSnapshot) -> dict[str, Any]:
    """``hist_summary``: per full histogram, ``phase`` and ``end`` bucket-bound quantiles."""
    bounds = boundaries_seconds()
    out: dict[str, Any] = {}
    for name in HISTOGRAMS:
        e = end.hists.get(name) or empty_counts()
        s = start.hists.get(name) or empty_counts()
        d = [a - b for a, b in zip(e, s, strict=True)]
        out[name] = {"phase": hist_summary(bounds, d), "end": hist_summary(bounds, e)}
    return out


def build_result(
    *,
    workload: str,
    params: dict[str, Any],
    version: str,
    gomaxprocs: int,
    num_cpu: int,
    makespan_ns: int,
    threads_end: int,
    start: MetricsSnapshot,
    end: MetricsSnapshot,
    latency: dict[str, dict[str, Any]],
    fields: dict[str, Any],
    env_godebug: str = "",
    gogc: int = 100,
    model_counters: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Assemble the result object with the refcorpus keys (see the module docstring)."""
    out: dict[str, Any] = {
        "workload": workload,
        "params": dict(params),
        "go_version": f"goschedlab-sim {version} (model of go1.23.1)",
        "goos_goarch": "goschedlab/sim",
        "default_godebug": "",
        "gomaxprocs": gomaxprocs,
        "num_cpu": num_cpu,
        "env_GOMAXPROCS": str(gomaxprocs),
        "env_GOGC": str(gogc),
        "env_GODEBUG": env_godebug,
        "makespan_ns": makespan_ns,
        "threads_end": threads_end,
        "rusage_phase": None,
        "rusage_end": None,
        "host_cpu_phase": None,
        "metrics_end": metrics_json(end),
        "metrics_phase_delta": metrics_delta_json(start, end),
        "hist_summary": hist_summary_json(start, end),
        "latency": latency,
    }
    if model_counters is not None:
        out["model_counters"] = dict(model_counters)
    for k, v in fields.items():
        out[k] = v
    return out


# ---------------------------------------------------------------------------------------------
# Go-style JSON


def go_float(f: float) -> str:
    """A float64 as Go's encoding/json writes it (shortest digits; 'e' outside [1e-6, 1e21))."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {f!r}")
    if f == 0:
        return "0"
    a = abs(f)
    if 1e-6 <= a < 1e21:
        d = Decimal(repr(f))
        s = format(d, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s
    r = repr(f)  # shortest round-trip digits, e.g. '6.4e-08' or '1e+21'
    mant, _, exp = r.partition("e")
    if not exp:
        d = Decimal(r)
        sign, digits, e10 = d.as_tuple()
        assert isinstance(e10, int)
        ds = "".join(map(str, digits)).rstrip("0") or "0"
        exp_i = e10 + len("".join(map(str, digits))) - 1
        mant = ("-" if sign else "") + ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        exp = str(exp_i)
    e = int(exp)
    return f"{mant}e{'-' if e < 0 else '+'}{abs(e):02d}".replace("e-0", "e-").replace("e+0", "e+")


def _enc(x: Any, out: list[str]) -> None:
    if x is None:
        out.append("null")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif isinstance(x, int):
        out.append(str(x))
    elif isinstance(x, float):
        out.append(go_float(x))
    elif isinstance(x, str):
        import json

        out.append(json.dumps(x, ensure_ascii=False))
    elif isinstance(x, dict):
        out.append("{")
        first = True
        for k in sorted(x):
            if not first:
                out.append(",")
            first = False
            _enc(str(k), out)
            out.append(":")
            _enc(x[k], out)
        out.append("}")
    elif isinstance(x, list | tuple):
        out.append("[")
        for i, v in enumerate(x):
            if i:
                out.append(",")
            _enc(v, out)
        out.append("]")
    else:
        raise TypeError(f"json: unsupported type {type(x).__name__}")


def dumps_go(obj: Any) -> str:
    """Serialise like Go's ``json.Encoder.Encode``: compact, sorted map keys, trailing newline."""
    out: list[str] = []
    _enc(obj, out)
    out.append("\n")
    return "".join(out)


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> None:
    """Write ``obj`` as Go-style JSON to ``path`` via a temporary file and ``os.replace``."""
    write_atomic(path, dumps_go(obj))
