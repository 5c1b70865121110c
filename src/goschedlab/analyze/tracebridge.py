"""The one boundary between ``analyze`` and the execution-trace reader (``goschedlab.trace``).

Contract expected from the trace reader (see .coord notes): ``goschedlab.trace.read_frames(path)
-> dict[str, pandas.DataFrame]``, raising its own ``UserInputError`` subclass on bad input. From
the frames, ``analyze`` uses:

* ``goroutine_intervals`` (``goid``, ``state``, ``start_ns``, ``end_ns``): the duration of every
  ``runnable`` interval that is directly followed by a ``running`` interval of the same goroutine
  is one scheduling-latency sample (exact, unlike the 1-in-8 sampled /sched/latencies metric);
* ``pauses`` (``duration_ns``): stop-the-world ranges.

Every other frame is passed through unchanged (``load()``, ``--export``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from goschedlab.analyze import stats
from goschedlab.errors import UserInputError

if TYPE_CHECKING:
    from goschedlab.analyze.load import Loaded

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
    from goschedlab.analyze.load import Loaded

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
    iv = frames.get("goroutine_intervals")
    if iv is not None:
        lat = sched_latency_from_intervals(iv)
        samples["trace.sched_latency_ns"] = lat
        summary["sched_latency"] = stats.pause_stats(lat)
    pz = frames.get("pauses")
    if pz is not None and "duration_ns" in pz.columns:
        stw = pz["duration_ns"].to_numpy(dtype=np.float64)
        samples["trace.stw_ns"] = stw
        summary["stw_pauses"] = stats.pause_stats(stw)
    return Loaded(path, "trace", frames, samples, summary)
