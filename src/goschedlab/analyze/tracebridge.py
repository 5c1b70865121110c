"""The one boundary between ``analyze`` and the execution-trace reader (``goschedlab.trace``).

Contract expected from the trace reader (see .coord notes): ``goschedlab.trace.read_frames(path)
-> dict[str, pandas.DataFrame]``, raising its own ``UserInputError`` subclass on bad input. From
the frames, ``analyze`` uses:

* ``goroutine_intervals`` (``goid``, ``state``, ``start_ns``, ``end_ns``): the duration of every
  ``runnable`` interval that is directly followed by a ``running`` interval of the same goroutine
  is one scheduling-latency sample (exact, unlike the 1-in-8 sampled /sched/latencies metric);
* ``sched_latency`` (``latency_ns``): the same samples as computed by the trace analyses
  (``goschedlab.analyze.schedlat``), preferred when present;
* ``pauses`` (``duration_ns``, NaN while unfinished): stop-the-world ranges;
* ``starvation``, ``work_conservation``, ``p_utilisation``: summarised for ``analyze``.

Every other frame is passed through unchanged (``load()``, ``--export``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from goschedlab.analyze import stats
from goschedlab.errors import UserInputError

if TYPE_CHECKING:
    from goschedlab.analyze.loader import Loaded

__all__ = ["trace_loaded", "sched_latency_from_intervals"]


def sched_latency_from_intervals(iv: pd.DataFrame) -> np.ndarray:
    """Runnable-to-running latencies (ns): each ``runnable`` interval whose goroutine's next
    interval is ``running`` (models the runtime's runnable->running transition, proc.go:
    execute)."""
    need = {"goid", "state", "start_ns", "end_ns"}
    if iv.empty or not need <= set(iv.columns):
        return np.zeros(0)
    s = iv.sort_values(["goid", "start_ns"], kind="stable")
    nxt_state = s["state"].shift(-1)
    same_g = s["goid"].shift(-1) == s["goid"]
    m = (s["state"] == "runnable") & (nxt_state == "running") & same_g
    return (s.loc[m, "end_ns"] - s.loc[m, "start_ns"]).to_numpy(dtype=np.float64)


def trace_loaded(path: str) -> Loaded:
    """Load an execution trace through the trace reader; see the module docstring."""
    from goschedlab.analyze.loader import Loaded

    try:
        from goschedlab import trace as _trace
    except ImportError:  # pragma: no cover - the package exists in the tree
        _trace = None
    read_frames: Any = getattr(_trace, "read_frames", None)
    if read_frames is None:
        raise UserInputError(
            f"{path}: byte 0: a Go execution trace; reading traces needs goschedlab.trace."
            "read_frames, which this build does not provide yet"
        )
    frames: dict[str, pd.DataFrame] = dict(read_frames(path))
    samples: dict[str, np.ndarray] = {}
    summary: dict[str, Any] = {"frames": {k: len(v) for k, v in frames.items()}}
    sl = frames.get("sched_latency")
    if sl is not None and "latency_ns" in sl.columns:
        lat = sl["latency_ns"].to_numpy(dtype=np.float64)
    else:
        lat = sched_latency_from_intervals(frames.get("goroutine_intervals", pd.DataFrame()))
    samples["trace.sched_latency_ns"] = lat
    summary["sched_latency"] = _distribution(lat)
    pz = frames.get("pauses")
    if pz is not None and "duration_ns" in pz.columns:
        stw = pz["duration_ns"].to_numpy(dtype=np.float64)
        stw = stw[np.isfinite(stw)]
        samples["trace.stw_ns"] = stw
        summary["stw_pauses"] = stats.pause_stats(stw)
    st = frames.get("starvation")
    if st is not None:
        worst = [
            f"G{int(r.goid)} runnable {r.waited_ns / 1e6:.3f} ms, created at {r.created_at} "
            f"({r.start_func})"
            for r in st.head(5).itertuples()
        ]
        summary["starvation"] = {"count": len(st), "worst": worst}
    wc = frames.get("work_conservation")
    if wc is not None:
        summary["work_conservation"] = {
            "count": len(wc),
            "total_ns": float(wc["duration_ns"].sum()) if len(wc) else 0.0,
        }
    pu = frames.get("p_utilisation")
    if pu is not None and len(pu):
        summary["p_utilisation"] = {f"P{int(r.p)}": float(r.utilisation) for r in pu.itertuples()}
    return Loaded(path, "trace", frames, samples, summary)


def _distribution(v: np.ndarray) -> dict[str, float]:
    """Scheduling-latency distribution: pause-style statistics plus p90 and p99.9 (ns)."""
    out = stats.pause_stats(v)
    srt = np.sort(v)
    out["p90_ns"] = stats.nearest_rank(srt, 0.90)
    out["p999_ns"] = stats.nearest_rank(srt, 0.999)
    return out
