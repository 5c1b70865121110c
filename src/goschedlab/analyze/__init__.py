"""Readers and analyses for what a real (or simulated) Go program tells about its scheduler, and
the baseline-vs-candidate judge ``goschedlab diff``.

What it models
    The runtime's own observables, Go 1.22 / 1.23: ``GODEBUG=schedtrace[,scheddetail=1]`` lines
    (proc.go: schedtrace), ``GODEBUG=gctrace=1`` lines (mgc.go: gcMarkTermination) and
    runtime/metrics dumps (runtime/metrics, histogram layout of runtime/histogram.go:
    timeHistogram) in the refcorpus JSON layout, which goschedlab's simulator also writes.
    Execution traces come from ``goschedlab.trace`` through :mod:`.tracebridge` only.

Main objects
    :func:`load` -> :class:`Loaded` (``format``, ``frames`` of pandas DataFrames, ``samples``
    per metric, ``summary``); :mod:`.godebug` (:class:`LogParseError`, line parser);
    :mod:`.metricsjson` (dump reader, histogram -> samples); :mod:`.stats` (run-queue imbalance,
    thread growth, pause statistics); :mod:`.diff` (:class:`DiffConfig`, :func:`diff_files`).

Invariants
    * Reading never raises anything but :class:`~goschedlab.errors.UserInputError` subclasses on
      bad input, and their message is one line naming the file and the line / byte.
    * Every sample is in ns (durations) or a plain count; metric names keep Go's names
      (``/sched/latencies:seconds`` is compared in ns).
    * ``diff`` is deterministic: same files and seed, same verdict and figures.

Rejected alternatives
    * Regex-free positional splitting of log lines: breaks on interleaved program output.
    * Comparing means (Kayenta-style): blind to tail and variance regressions (see :mod:`.diff`).
    * Interpolated quantiles: we use nearest-rank, the refcorpus programs' convention.
    * Reconstructing histogram samples at bucket midpoints: piles samples on one value and makes
      rank tests see ties; we spread them evenly inside the bucket instead.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the public names, imported lazily below (scipy/pandas cost ~0.7 s)
    from goschedlab.analyze.diff import DiffConfig, DiffReport, diff_files, diff_samples
    from goschedlab.analyze.godebug import LogParseError, parse_godebug_log
    from goschedlab.analyze.loader import Loaded, detect_format, export_frames, load
    from goschedlab.analyze.metricsjson import read_metrics_json
    from goschedlab.analyze.stats import pause_stats, runq_imbalance, thread_growth

_LAZY = {
    "DiffConfig": "diff", "DiffReport": "diff", "diff_files": "diff", "diff_samples": "diff",
    "LogParseError": "godebug", "parse_godebug_log": "godebug",
    "Loaded": "loader", "detect_format": "loader", "export_frames": "loader", "load": "loader",
    "read_metrics_json": "metricsjson",
    "pause_stats": "stats", "runq_imbalance": "stats", "thread_growth": "stats",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562), so ``goschedlab`` starts fast."""
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'goschedlab.analyze' has no attribute {name!r}")
    return getattr(importlib.import_module(f"goschedlab.analyze.{mod}"), name)


__all__ = [
    "DiffConfig",
    "DiffReport",
    "Loaded",
    "LogParseError",
    "detect_format",
    "diff_files",
    "diff_samples",
    "export_frames",
    "load",
    "parse_godebug_log",
    "pause_stats",
    "read_metrics_json",
    "runq_imbalance",
    "thread_growth",
]
