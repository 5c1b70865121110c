"""``load(path)``: detect a file's format and expose it as pandas DataFrames, analyses and the
per-metric samples the diff judge compares.

Formats (auto-detected from the first bytes, not the file name):

* ``trace``: a Go execution trace (``go 1.2x trace`` header), read through the trace-reader's
  API behind :func:`goschedlab.analyze.tracebridge.trace_frames`.
* ``metrics-json``: a runtime/metrics dump in the refcorpus layout, or goschedlab's simulation
  result (same layout), see :mod:`goschedlab.analyze.metricsjson`.
* ``godebug``: a text log holding schedtrace / scheddetail / gctrace lines.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from goschedlab.analyze import stats
from goschedlab.analyze.godebug import GodebugLog, LogParseError, parse_godebug_text
from goschedlab.analyze.metricsjson import MetricsDump, expand_hist, parse_metrics_text
from goschedlab.fileio import replace_atomic

__all__ = ["Loaded", "load", "detect_format", "export_frames"]

NS_PER_S = 1e9
NS_PER_MS = 1e6
# Histograms of runtime/metrics the judge compares by default (all in seconds, compared in ns).
SCHED_HISTS = (
    "/sched/latencies:seconds",
    "/sched/pauses/total/gc:seconds",
    "/sched/pauses/total/other:seconds",
    "/sched/pauses/stopping/gc:seconds",
    "/sched/pauses/stopping/other:seconds",
)


@dataclass(slots=True)
class Loaded:
    """One loaded file: its ``format``, named DataFrames and the per-metric samples for diff.

    ``frames`` keys by format: godebug: ``schedtrace``, ``schedtrace_runq``, ``scheddetail_p``,
    ``scheddetail_m``, ``scheddetail_g``, ``gctrace``, ``pauses``; metrics-json: ``run``,
    ``metrics``, ``histograms``, ``latency``, ``latency_hist``, ``pauses``; trace: whatever the
    trace reader provides (``events``, ``goroutine_intervals``, ``pauses``, ...).
    """

    path: str
    format: str
    frames: dict[str, pd.DataFrame]
    samples: dict[str, np.ndarray] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Notebook convenience: ``ld.gctrace`` is ``ld.frames["gctrace"]``.
        frames = object.__getattribute__(self, "frames")
        if name in frames:
            return frames[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or frame {name!r}")

    def export(self, directory: str | os.PathLike[str], fmt: str = "parquet") -> list[Path]:
        """Write every non-empty frame to ``directory`` (see :func:`export_frames`)."""
        return export_frames(self, directory, fmt)


def detect_format(head: bytes) -> str:
    """``trace``, ``metrics-json`` or ``godebug`` from a file's first bytes."""
    if head.startswith(b"go 1."):
        return "trace"
    if head.lstrip()[:1] in (b"{", b"["):
        return "metrics-json"
    return "godebug"


def load(path: str | os.PathLike[str]) -> Loaded:
    """Load ``path`` (format auto-detected). Bad input raises :class:`LogParseError` (or the
    trace reader's parse error), a one-line :class:`~goschedlab.errors.UserInputError`."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise LogParseError(f"{p}: cannot read: {err.strerror or err}") from None
    fmt = detect_format(raw[:64])
    if fmt == "trace":
        from goschedlab.analyze.tracebridge import trace_loaded

        return trace_loaded(str(p))
    if fmt == "metrics-json":
        return _from_metrics(parse_metrics_text(raw.decode("utf-8", errors="replace"), str(p)))
    nul = raw.find(b"\x00", 0, 4096)
    if nul >= 0:
        raise LogParseError(f"{p}: byte {nul}: expected a text log, JSON dump or Go trace, "
                            "found binary data")
    return _from_godebug(parse_godebug_text(raw.decode("utf-8", errors="replace"), str(p)))


# ----------------------------------------------------------------------------- godebug logs


def _from_godebug(log: GodebugLog) -> Loaded:
    rows = []
    runq_rows = []
    p_rows = []
    m_rows = []
    g_rows = []
    for i, s in enumerate(log.sched):
        rows.append({
            "sample": i, "line": s.line, "t_ms": s.t_ms, "gomaxprocs": s.gomaxprocs,
            "idleprocs": s.idleprocs, "threads": s.threads,
            "spinningthreads": s.spinningthreads,
            "needspinning": -1 if s.needspinning is None else s.needspinning,
            "idlethreads": s.idlethreads, "runqueue": s.runqueue, "detail": s.detail,
            "local_runq": int(sum(s.runq)),
            "imbalance": (max(s.runq) - min(s.runq)) if s.runq else 0,
        })
        runq_rows.extend({"sample": i, "t_ms": s.t_ms, "p": p, "runqsize": q}
                         for p, q in enumerate(s.runq))
        p_rows.extend(dict(zip(("sample", "t_ms", "p", "status", "schedtick", "syscalltick", "m",
                                "runqsize", "gfreecnt", "timerslen"), (i, s.t_ms, *r),
                           strict=True)) for r in s.ps)
        m_rows.extend(dict(zip(("sample", "t_ms", "m", "p", "curg", "mallocing", "throwing",
                                "preemptoff", "locks", "dying", "spinning", "blocked", "lockedg"),
                               (i, s.t_ms, *r), strict=True)) for r in s.ms)
        g_rows.extend(dict(zip(("sample", "t_ms", "goid", "status", "waitreason", "m", "lockedm"),
                               (i, s.t_ms, *r), strict=True)) for r in s.gs)
    sched = pd.DataFrame(rows)
    runq = pd.DataFrame(runq_rows, columns=["sample", "t_ms", "p", "runqsize"])
    gc = pd.DataFrame([{f: getattr(c, f) for f in c.__dataclass_fields__} for c in log.gc])
    pauses = []
    for c in log.gc:
        pauses.append({"source": "gctrace", "gc": c.gc, "kind": "sweep termination",
                       "at_s": c.at_s, "duration_ns": c.stw_sweepterm_ms * NS_PER_MS})
        pauses.append({"source": "gctrace", "gc": c.gc, "kind": "mark termination",
                       "at_s": c.at_s, "duration_ns": c.stw_markterm_ms * NS_PER_MS})
    frames = {
        "schedtrace": sched,
        "schedtrace_runq": runq,
        "scheddetail_p": pd.DataFrame(p_rows),
        "scheddetail_m": pd.DataFrame(m_rows),
        "scheddetail_g": pd.DataFrame(g_rows),
        "gctrace": gc,
        "pauses": pd.DataFrame(pauses, columns=["source", "gc", "kind", "at_s", "duration_ns"]),
    }
    samples: dict[str, np.ndarray] = {}
    summary: dict[str, Any] = {"lines": log.lines, "skipped_lines": log.skipped}
    if not sched.empty:
        summary["schedtrace"] = {
            "samples": len(sched), "detail": bool(log.has_detail),
            "gomaxprocs": int(sched["gomaxprocs"].iloc[-1]),
            "span_ms": int(sched["t_ms"].iloc[-1] - sched["t_ms"].iloc[0]),
            "runq_imbalance": stats.runq_imbalance(sched, runq),
            "thread_growth": stats.thread_growth(sched),
        }
        for col in ("runqueue", "local_runq", "imbalance", "threads"):
            samples[f"schedtrace.{col}"] = sched[col].to_numpy(dtype=np.float64)
    if not gc.empty:
        sweep = gc["stw_sweepterm_ms"].to_numpy() * NS_PER_MS
        mark = gc["stw_markterm_ms"].to_numpy() * NS_PER_MS
        allp = frames["pauses"]["duration_ns"].to_numpy()
        summary["gctrace"] = {
            "cycles": len(gc), "forced": int(gc["forced"].sum()),
            "stw_pauses": stats.pause_stats(allp),
            "stw_sweepterm": stats.pause_stats(sweep),
            "stw_markterm": stats.pause_stats(mark),
            "concurrent_mark_ms_mean": float(gc["concurrent_mark_ms"].mean()),
            "cpu_percent_last": int(gc["cpu_percent"].iloc[-1]),
            "heap_goal_mb_max": int(gc["heap_goal_mb"].max()),
        }
        samples["gctrace.pause_ns"] = allp
        samples["gctrace.stw_sweepterm_ns"] = sweep
        samples["gctrace.stw_markterm_ns"] = mark
        samples["gctrace.mark_ns"] = gc["concurrent_mark_ms"].to_numpy() * NS_PER_MS
    return Loaded(log.path, "godebug", frames, samples, summary)


# ----------------------------------------------------------------------------- metrics dumps


def _from_metrics(d: MetricsDump) -> Loaded:
    raw = d.raw
    run: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str | int | float | bool)}
    for k, v in (raw.get("params") or {}).items() if isinstance(raw.get("params"), dict) else ():
        run[f"params.{k}"] = v
    names = sorted(set(d.metrics_end) | set(d.metrics_phase))
    metrics = pd.DataFrame({
        "name": names,
        "end": [d.metrics_end.get(n, math.nan) for n in names],
        "phase_delta": [d.metrics_phase.get(n, math.nan) for n in names],
    })
    hrows = []
    for section, hs in (("end", d.hists_end), ("phase", d.hists_phase)):
        for name, h in hs.items():
            for i in np.nonzero(h.counts)[0]:
                hrows.append({"metric": name, "section": section, "lo_s": float(h.bounds[i]),
                              "hi_s": float(h.bounds[i + 1]), "count": int(h.counts[i])})
    lat = pd.DataFrame([{"series": s, **v} for s, v in d.latency.items()])
    lrows = []
    for s, h in d.latency_hists.items():
        for (lo, hi), c in zip(h.bounds, h.counts, strict=True):
            lrows.append({"series": s, "lo_ns": float(lo), "hi_ns": float(hi), "count": int(c)})
    samples: dict[str, np.ndarray] = {}
    for s, h in d.latency_hists.items():
        samples[f"latency.{s}"] = expand_hist(h)
    for name in SCHED_HISTS:
        h = d.hists_phase.get(name)
        if h is not None:
            samples[name] = expand_hist(h, NS_PER_S)
    pauses = []
    for name in ("/sched/pauses/total/gc:seconds", "/sched/pauses/total/other:seconds"):
        if name in samples:
            pauses.extend({"source": name, "kind": "gc" if "/gc:" in name else "other",
                           "duration_ns": v} for v in samples[name])
    for k in ("makespan_ns", "threads_end"):
        if k in d.scalars:
            samples[k] = np.array([d.scalars[k]])
    summary: dict[str, Any] = {
        k: raw.get(k) for k in ("workload", "go_version", "gomaxprocs", "makespan_ns",
                                "threads_end") if k in raw
    }
    summary["latency"] = {
        s: {k: v.get(k) for k in ("n", "p50_ns", "p99_ns", "max_ns")} for s, v in d.latency.items()
    }
    summary["pauses"] = {
        name: stats.pause_stats(samples[name]) for name in SCHED_HISTS[1:] if name in samples
    }
    if "/sched/latencies:seconds" in samples:
        summary["sched_latencies"] = stats.pause_stats(samples["/sched/latencies:seconds"])
    frames = {
        "run": pd.DataFrame([run]),
        "metrics": metrics,
        "histograms": pd.DataFrame(hrows, columns=["metric", "section", "lo_s", "hi_s", "count"]),
        "latency": lat,
        "latency_hist": pd.DataFrame(lrows, columns=["series", "lo_ns", "hi_ns", "count"]),
        "pauses": pd.DataFrame(pauses, columns=["source", "kind", "duration_ns"]),
    }
    return Loaded(d.path, "metrics-json", frames, samples, summary)


# ----------------------------------------------------------------------------- export


def _atomic_write(path: Path, writer: Callable[[str], None]) -> None:
    replace_atomic(path, writer)


def export_frames(
    ld: Loaded, directory: str | os.PathLike[str], fmt: str = "parquet"
) -> list[Path]:
    """Write each non-empty frame of ``ld`` as ``<stem>.<frame>.<fmt>`` (``parquet`` or ``csv``)
    into ``directory`` (created if missing); each file is written to a temp file then renamed."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"export format must be 'parquet' or 'csv', not {fmt!r}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(ld.path).name
    written: list[Path] = []
    for name, df in ld.frames.items():
        if df.empty:
            continue
        target = out / f"{stem}.{name}.{fmt}"
        if fmt == "parquet":
            _atomic_write(target, lambda t, df=df: df.to_parquet(t, index=False))
        else:
            _atomic_write(target, lambda t, df=df: df.to_csv(t, index=False))
        written.append(target)
    return written
