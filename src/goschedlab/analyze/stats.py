"""Analyses on the frames :func:`goschedlab.analyze.load` builds: run-queue imbalance and thread
growth over time (schedtrace), stop-the-world pause statistics (gctrace, runtime/metrics).

Quantiles are nearest-rank (``sorted[ceil(q*n) - 1]``), the convention of the refcorpus programs,
so a p99 here is a value that occurred, not an interpolation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = ["nearest_rank", "pause_stats", "runq_imbalance", "thread_growth"]


def nearest_rank(sorted_values: np.ndarray, q: float) -> float:
    """Nearest-rank quantile of an already sorted array (``nan`` if empty)."""
    n = len(sorted_values)
    if n == 0:
        return math.nan
    return float(sorted_values[max(0, math.ceil(q * n) - 1)])


def pause_stats(values_ns: np.ndarray | list[float]) -> dict[str, float]:
    """Count, mean, stdev (sample, ddof=1), coefficient of variation, p50, p99 and max of
    stop-the-world pauses in ns (``nan`` where undefined: stdev of one pause, cv of mean 0)."""
    v = np.sort(np.asarray(values_ns, dtype=np.float64))
    n = len(v)
    mean = float(v.mean()) if n else math.nan
    sd = float(v.std(ddof=1)) if n > 1 else math.nan
    return {
        "count": n,
        "mean_ns": mean,
        "stdev_ns": sd,
        "cv": sd / mean if n > 1 and mean > 0 else math.nan,
        "p50_ns": nearest_rank(v, 0.50),
        "p99_ns": nearest_rank(v, 0.99),
        "max_ns": float(v[-1]) if n else math.nan,
    }


def runq_imbalance(samples: pd.DataFrame, runq: pd.DataFrame) -> dict[str, Any]:
    """Run-queue imbalance between Ps over time, from schedtrace.

    ``samples`` is the ``schedtrace`` frame, ``runq`` the long ``schedtrace_runq`` frame
    (sample, p, runqsize). Per sample: imbalance = max - min of the local queues; ``idle_with_work``
    counts samples where a P was idle (``idleprocs > 0``) while some local queue held work (a
    work-conservation hint at schedtrace resolution; the trace is exact).
    """
    if samples.empty or runq.empty:
        return {"samples": int(len(samples))}
    g = runq.groupby("sample")["runqsize"]
    per = pd.DataFrame({"max": g.max(), "min": g.min(), "sum": g.sum(), "mean": g.mean()})
    imb = per["max"] - per["min"]
    idle = samples.set_index("sample")["idleprocs"].reindex(per.index).fillna(0)
    return {
        "samples": int(len(per)),
        "imbalance_mean": float(imb.mean()),
        "imbalance_max": int(imb.max()),
        "imbalance_p50": nearest_rank(np.sort(imb.to_numpy()), 0.5),
        "local_runq_mean": float(per["sum"].mean()),
        "global_runq_mean": float(samples["runqueue"].mean()),
        "global_runq_max": int(samples["runqueue"].max()),
        "idle_with_work": int(((idle > 0) & (per["sum"] > 0)).sum()),
    }


def thread_growth(samples: pd.DataFrame) -> dict[str, Any]:
    """Thread (M) count over time from schedtrace: first, last, max, the times it grew, and the
    least-squares growth rate in threads per second (the runtime never exits idle Ms, so
    sustained growth means Ms blocked in syscalls or cgo, see proc.go: startm / newm)."""
    if samples.empty:
        return {"samples": 0}
    t = samples["t_ms"].to_numpy(dtype=np.float64)
    th = samples["threads"].to_numpy(dtype=np.int64)
    ups = np.nonzero(np.diff(th) > 0)[0] + 1
    rate = math.nan
    if len(t) > 1 and np.ptp(t) > 0:
        rate = float(sps.linregress(t / 1000.0, th).slope)
    return {
        "samples": int(len(th)),
        "threads_first": int(th[0]),
        "threads_last": int(th[-1]),
        "threads_max": int(th.max()),
        "growth_events": [(int(t[i]), int(th[i])) for i in ups],
        "threads_per_s": rate,
    }
