"""Reader for runtime/metrics dumps in the refcorpus JSON layout (one object per run).

Layout (documented for users in docs/metrics.md): ``metrics_end`` (every runtime/metrics value
at the end; histograms as ``{"boundaries": [...seconds...], "counts": [...]}`` with one more
boundary than counts, infinite ends as the strings ``"-Inf"``/``"+Inf"``),
``metrics_phase_delta`` (end minus start of the cumulative metrics; histograms carry ``counts``
only and borrow ``boundaries`` from ``metrics_end``), ``hist_summary`` and ``latency.<series>``
(per-request series: summary plus a sparse log histogram ``hist_lo_ns``/``hist_hi_ns``/
``hist_count``). goschedlab's own simulation results use the same layout (``null`` for values
a model cannot know). Every key is optional except that at least one of these sections exists.

Histograms are turned into samples by :func:`expand_hist`: each bucket's count is spread evenly
inside the bucket (deterministic, keeps within-bucket spread). Values in a bucket whose lower
bound is 0 are taken as exactly 0: the runtime records 0 for a goroutine that went straight
from syscall or waiting to running (see the spec, section 8.4), so these are the "zeros" of a
zero-heavy metric.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from goschedlab.analyze.godebug import LogParseError

__all__ = [
    "MetricsDump",
    "SECTIONS",
    "expand_hist",
    "parse_metrics_obj",
    "parse_metrics_text",
    "read_metrics_json",
]

SECTIONS = ("metrics_end", "metrics_phase_delta", "hist_summary", "latency")


@dataclass(slots=True, frozen=True)
class Hist:
    """A histogram: ``bounds`` (len n+1, may hold -inf/+inf) and ``counts`` (len n)."""

    bounds: np.ndarray
    counts: np.ndarray


@dataclass(slots=True)
class MetricsDump:
    """One run's dump: scalars, runtime histograms (phase delta and end) and latency series."""

    path: str
    raw: dict[str, Any]
    scalars: dict[str, float]
    metrics_end: dict[str, float]
    metrics_phase: dict[str, float]
    hists_end: dict[str, Hist]
    hists_phase: dict[str, Hist]
    latency: dict[str, dict[str, Any]]
    latency_hists: dict[str, Hist]


def _bound(x: Any) -> float:
    if x == "-Inf":
        return -math.inf
    if x == "+Inf":
        return math.inf
    return float(x)


def _counts(c: list[Any]) -> np.ndarray:
    """Histogram counts as int64; negative or non-integral counts are a ValueError."""
    if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in c):
        raise ValueError("counts must be non-negative integers")
    return np.array(c, dtype=np.int64)


def _err(path: str, where: str, expected: str) -> LogParseError:
    return LogParseError(f"{path}: {where}: expected {expected}")


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def parse_metrics_obj(obj: Any, path: str = "<json>") -> MetricsDump:
    """Validate and index one decoded dump object (see the module docstring for the layout)."""
    if not isinstance(obj, dict):
        raise _err(path, "top level", "a JSON object (one run per file)")
    if not any(k in obj for k in SECTIONS):
        raise _err(
            path, "top level",
            "a runtime/metrics dump with one of the keys " + ", ".join(SECTIONS)
            + f"; found keys {sorted(obj)[:5]}",
        )
    scalars = {k: float(v) for k, v in obj.items() if _num(v)}
    metrics_end: dict[str, float] = {}
    hists_end: dict[str, Hist] = {}
    me = obj.get("metrics_end") or {}
    if not isinstance(me, dict):
        raise _err(path, "key 'metrics_end'", "an object of metric name -> value")
    for name, v in me.items():
        if _num(v):
            metrics_end[name] = float(v)
        elif isinstance(v, dict):
            b, c = v.get("boundaries"), v.get("counts")
            if not isinstance(b, list) or not isinstance(c, list) or len(b) != len(c) + 1:
                raise _err(
                    path, f"metrics_end[{name!r}]",
                    "'boundaries' with exactly one more entry than 'counts'",
                )
            try:
                hists_end[name] = Hist(
                    np.array([_bound(x) for x in b]), _counts(c)
                )
            except (TypeError, ValueError, OverflowError):
                raise _err(
                    path, f"metrics_end[{name!r}]",
                    "numeric boundaries and non-negative integer counts",
                ) from None
    metrics_phase: dict[str, float] = {}
    hists_phase: dict[str, Hist] = {}
    pd_ = obj.get("metrics_phase_delta") or {}
    if not isinstance(pd_, dict):
        raise _err(path, "key 'metrics_phase_delta'", "an object of metric name -> value")
    for name, v in pd_.items():
        if _num(v):
            metrics_phase[name] = float(v)
        elif isinstance(v, dict):
            c = v.get("counts")
            b = v.get("boundaries")
            try:
                bounds = (
                    np.array([_bound(x) for x in b]) if isinstance(b, list)
                    else hists_end[name].bounds if name in hists_end else None
                )
            except (TypeError, ValueError, OverflowError):
                raise _err(path, f"metrics_phase_delta[{name!r}]", "numeric boundaries") from None
            if not isinstance(c, list) or bounds is None or len(bounds) != len(c) + 1:
                raise _err(
                    path, f"metrics_phase_delta[{name!r}]",
                    "'counts' matching the boundaries of the same histogram in metrics_end",
                )
            try:
                hists_phase[name] = Hist(bounds, _counts(c))
            except (TypeError, ValueError, OverflowError):
                raise _err(
                    path, f"metrics_phase_delta[{name!r}]", "non-negative integer counts"
                ) from None
    latency: dict[str, dict[str, Any]] = {}
    latency_hists: dict[str, Hist] = {}
    lat = obj.get("latency") or {}
    if not isinstance(lat, dict):
        raise _err(path, "key 'latency'", "an object of series name -> summary")
    for series, s in lat.items():
        if not isinstance(s, dict):
            raise _err(path, f"latency[{series!r}]", "an object with n, p50_ns, ... and hist_*")
        latency[series] = {k: v for k, v in s.items() if not k.startswith("hist_")}
        lo, hi, cnt = s.get("hist_lo_ns"), s.get("hist_hi_ns"), s.get("hist_count")
        if lo is None and hi is None and cnt is None:
            continue
        if not (isinstance(lo, list) and isinstance(hi, list) and isinstance(cnt, list)
                and len(lo) == len(hi) == len(cnt)):
            raise _err(
                path, f"latency[{series!r}]",
                "hist_lo_ns, hist_hi_ns and hist_count lists of equal length",
            )
        try:
            lo_a = np.array(lo, dtype=np.float64)
            hi_a = np.array(hi, dtype=np.float64)
            c_a = _counts(cnt)
        except (TypeError, ValueError, OverflowError):
            raise _err(
                path, f"latency[{series!r}]", "numeric bounds and non-negative integer counts"
            ) from None
        if not (np.all(np.isfinite(lo_a)) and np.all(np.isfinite(hi_a))) or np.any(hi_a < lo_a):
            raise _err(path, f"latency[{series!r}]", "finite bounds with hist_hi_ns >= hist_lo_ns")
        # Sparse buckets: represent as (lo, hi, count) rows; bounds are not contiguous, so
        # keep them as an (n, 2) edge array in ``bounds``.
        latency_hists[series] = Hist(np.stack([lo_a, hi_a], axis=1), c_a)
    return MetricsDump(
        path=path, raw=obj, scalars=scalars, metrics_end=metrics_end,
        metrics_phase=metrics_phase, hists_end=hists_end, hists_phase=hists_phase,
        latency=latency, latency_hists=latency_hists,
    )


def read_metrics_json(path: str | Path) -> MetricsDump:
    """Read one dump file; malformed JSON is a :class:`LogParseError` naming line and column."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise LogParseError(f"{p}: cannot read: {err.strerror}") from None
    return parse_metrics_text(text, str(p))


def parse_metrics_text(text: str, p: str) -> MetricsDump:
    """Decode and validate one dump held in ``text`` (``p`` names the file in errors)."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise LogParseError(
            f"{p}: line {err.lineno} column {err.colno} (byte {err.pos}): expected valid JSON "
            f"({err.msg})"
        ) from None
    except RecursionError:
        raise LogParseError(f"{p}: line 1: expected a JSON object, nesting too deep") from None
    return parse_metrics_obj(obj, p)


MAX_EXPANDED = 1_000_000
"""Most samples one histogram expands to; larger histograms are scaled down proportionally
(each non-empty bucket keeps at least one sample), so memory is bounded whatever the counts."""


def expand_hist(h: Hist, scale: float = 1.0, limit: int = MAX_EXPANDED) -> np.ndarray:
    """Samples reconstructed from a histogram, multiplied by ``scale``.

    ``h.bounds`` is either contiguous (len n+1: runtime/metrics) or an (n, 2) array of
    [lo, hi) pairs (sparse latency histograms). A bucket's ``c`` samples are placed at
    ``lo + (k + 0.5) / c * (hi - lo)``; a bucket starting at 0 yields exact zeros; the
    underflow bucket yields 0 and the overflow bucket its finite lower bound.
    """
    b = h.bounds
    if b.ndim == 2:
        lo, hi = b[:, 0], b[:, 1]
    else:
        lo, hi = b[:-1], b[1:]
    counts = h.counts
    total = int(counts.sum())
    if total > limit:
        counts = np.where(counts > 0, np.maximum(1, counts * (limit / total)).astype(np.int64), 0)
    parts: list[np.ndarray] = []
    for i in np.nonzero(counts > 0)[0]:
        c = int(counts[i])
        blo, bhi = float(lo[i]), float(hi[i])
        if blo == 0.0 or blo == -math.inf:
            parts.append(np.zeros(c))
        elif not math.isfinite(bhi):
            parts.append(np.full(c, blo))
        else:
            parts.append(blo + (np.arange(c) + 0.5) / c * (bhi - blo))
    if not parts:
        return np.zeros(0)
    return np.concatenate(parts) * scale
