"""Scheduling analyses of an execution trace (goschedlab.trace.Trace) - pandas in, pandas out.

* :func:`sched_latency` - every runnable -> running wait, exact (trace times, ns), with what
  made the goroutine runnable and the P it then ran on (Go's ``/sched/latencies:seconds``
  samples 1 in 8 of these, bucketed; the trace sees all of them).
* :func:`starvation` - goroutines runnable longer than a threshold, with their creation site.
* :func:`work_conservation` - spans where a P sat idle while a goroutine was runnable, longer
  than a threshold (the condition proc.go: wakep / findRunnable exist to make short).  The
  trace does not show run queues, so "runnable work" is any goroutine in the Runnable state.
* :func:`p_utilisation` - per P: time with a goroutine running on it, time held by an M,
  idle time, over the trace window.
* :func:`stw_pauses` / :func:`summarize` - STW pause list and statistics.

All durations are in ns.  Left-censored rows (state began before the trace) are flagged; a
right-censored row (still waiting at the end) counts with the time seen so far.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from goschedlab.trace.reader import Trace

DEFAULT_STARVATION_NS = 10_000_000  # 10 ms: Go's forcePreemptNS, a scheduler-visible scale
DEFAULT_IDLE_NS = 1_000_000  # 1 ms


def sched_latency(trace: Trace) -> pd.DataFrame:
    """Runnable -> running waits: goid, runnable_ns, running_ns, latency_ns, cause, p, censored.

    ``cause`` is how the goroutine became runnable (created, unblocked, preempted,
    runtime.Gosched, syscall returned without P, coroutine switch; "" if before the trace).
    """
    gi = trace.goroutine_intervals
    cols = ["goid", "runnable_ns", "running_ns", "latency_ns", "cause", "p", "left_censored"]
    if gi.empty:
        return pd.DataFrame(columns=cols)
    s = gi.sort_values(["goid", "start_ns"], kind="stable").reset_index(drop=True)
    nxt_p = s["p"].shift(-1)
    m = (s["state"] == "runnable") & (s["next_state"] == "running")
    out = pd.DataFrame({
        "goid": s.loc[m, "goid"].to_numpy(),
        "runnable_ns": s.loc[m, "start_ns"].to_numpy(),
        "running_ns": s.loc[m, "end_ns"].to_numpy(),
        "latency_ns": s.loc[m, "duration_ns"].to_numpy(),
        "cause": s.loc[m, "reason"].to_numpy(),
        "p": nxt_p[m].fillna(-1).astype(np.int64).to_numpy(),
        "left_censored": s.loc[m, "left_censored"].to_numpy(dtype=bool),
    })
    return out.sort_values("running_ns", kind="stable").reset_index(drop=True)


def summarize(values: np.ndarray | pd.Series | list[float]) -> dict[str, Any]:
    """count, mean, stdev, cv, p50/p90/p99/p999 (nearest rank), min, max of ``values``."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    n = int(v.size)
    if n == 0:
        return {"count": 0, "mean": None, "stdev": None, "cv": None, "p50": None, "p90": None,
                "p99": None, "p999": None, "min": None, "max": None}
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else 0.0

    def q(p: float) -> float:
        return float(v[max(0, math.ceil(p * n) - 1)])

    return {"count": n, "mean": mean, "stdev": sd, "cv": sd / mean if mean else None,
            "p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "p999": q(0.999),
            "min": float(v[0]), "max": float(v[-1])}


def starvation(trace: Trace, threshold_ns: int = DEFAULT_STARVATION_NS) -> pd.DataFrame:
    """Runnable waits of at least ``threshold_ns``, longest first, with the creation site.

    Columns: goid, runnable_ns, end_ns, waited_ns, cause, still_runnable (right-censored),
    start_func, created_at, creation_stack.
    """
    gi = trace.goroutine_intervals
    cols = ["goid", "runnable_ns", "end_ns", "waited_ns", "cause", "still_runnable",
            "start_func", "created_at", "creation_stack"]
    if gi.empty:
        return pd.DataFrame(columns=cols)
    r = gi[(gi["state"] == "runnable") & (gi["duration_ns"] >= threshold_ns)]
    out = pd.DataFrame({
        "goid": r["goid"].to_numpy(), "runnable_ns": r["start_ns"].to_numpy(),
        "end_ns": r["end_ns"].to_numpy(), "waited_ns": r["duration_ns"].to_numpy(),
        "cause": r["reason"].to_numpy(), "still_runnable": r["right_censored"].to_numpy(bool),
    })
    cr = trace.creations.drop_duplicates("goid", keep="last")[
        ["goid", "start_func", "created_at", "creation_stack"]]
    out = out.merge(cr, on="goid", how="left")
    for c in ("start_func", "created_at", "creation_stack"):
        out[c] = out[c].fillna("(created before the trace)")
    return out.sort_values(["waited_ns", "goid"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)[cols]


def work_conservation(trace: Trace, threshold_ns: int = DEFAULT_IDLE_NS) -> pd.DataFrame:
    """Spans >= ``threshold_ns`` where some P was idle while some goroutine was runnable.

    Columns: start_ns, end_ns, duration_ns, max_idle_ps, max_runnable.  Zero-length runnable
    intervals (coroutine switches) are ignored.
    """
    cols = ["start_ns", "end_ns", "duration_ns", "max_idle_ps", "max_runnable"]
    gi = trace.goroutine_intervals
    pi = trace.proc_intervals
    if gi.empty or pi.empty:
        return pd.DataFrame(columns=cols)
    r = gi[(gi["state"] == "runnable") & (gi["duration_ns"] > 0)]
    i = pi[(pi["state"] == "idle") & (pi["duration_ns"] > 0)]
    if r.empty or i.empty:
        return pd.DataFrame(columns=cols)
    # One sweep over all boundaries: column 0 = runnable count delta, 1 = idle P delta.
    t = np.concatenate([r["start_ns"], r["end_ns"], i["start_ns"], i["end_ns"]]).astype(np.int64)
    d = np.zeros((t.size, 2), np.int64)
    nr, ni = len(r), len(i)
    d[:nr, 0] = 1
    d[nr:2 * nr, 0] = -1
    d[2 * nr:2 * nr + ni, 1] = 1
    d[2 * nr + ni:, 1] = -1
    order = np.argsort(t, kind="stable")
    t = t[order]
    d = d[order]
    ut, first = np.unique(t, return_index=True)
    per_time = np.add.reduceat(d, first, axis=0)
    level = np.cumsum(per_time, axis=0)  # counts valid on [ut[k], ut[k+1])
    bad = (level[:-1, 0] > 0) & (level[:-1, 1] > 0)
    rows = []
    k = 0
    n = bad.size
    while k < n:
        if not bad[k]:
            k += 1
            continue
        j = k
        while j < n and bad[j]:
            j += 1
        s, e = int(ut[k]), int(ut[j])
        if e - s >= threshold_ns:
            rows.append((s, e, e - s, int(level[k:j, 1].max()), int(level[k:j, 0].max())))
        k = j
    return pd.DataFrame(rows, columns=cols)


def p_utilisation(trace: Trace) -> pd.DataFrame:
    """Per P: window_ns, busy_ns (a goroutine running on it), held_ns (P running, i.e. owned
    by an M, including scheduler time), idle_ns, utilisation = busy / window."""
    cols = ["p", "window_ns", "busy_ns", "held_ns", "idle_ns", "utilisation"]
    pi = trace.proc_intervals
    if pi.empty:
        return pd.DataFrame(columns=cols)
    w = trace.window[1] - trace.window[0]
    gi = trace.goroutine_intervals
    run = gi[(gi["state"] == "running") & (gi["p"] >= 0)]
    busy = run.groupby("p")["duration_ns"].sum()
    held = pi[pi["state"] == "running"].groupby("p")["duration_ns"].sum()
    idle = pi[pi["state"] == "idle"].groupby("p")["duration_ns"].sum()
    ps = sorted(set(pi["p"].astype(int)))
    rows = []
    for p in ps:
        b = int(busy.get(p, 0))
        rows.append((p, w, b, int(held.get(p, 0)), int(idle.get(p, 0)), b / w if w else 0.0))
    return pd.DataFrame(rows, columns=cols)


def stw_pauses(trace: Trace) -> pd.DataFrame:
    """Completed stop-the-world ranges: start_ns, end_ns, duration_ns, kind."""
    s = trace.stw
    s = s[s["end_ns"] >= 0]
    return s[["start_ns", "end_ns", "duration_ns", "kind"]].astype(
        {"duration_ns": np.int64}).reset_index(drop=True)


def report(trace: Trace, *, starvation_ns: int = DEFAULT_STARVATION_NS,
           idle_ns: int = DEFAULT_IDLE_NS) -> dict[str, Any]:
    """Everything above as one JSON-able dict (what ``goschedlab trace`` prints)."""
    lat = sched_latency(trace)
    st = starvation(trace, starvation_ns)
    wc = work_conservation(trace, idle_ns)
    pu = p_utilisation(trace)
    stw = stw_pauses(trace)
    by_cause = {str(c): summarize(g["latency_ns"]) for c, g in lat.groupby("cause")}
    return {
        "trace": trace.summary(),
        "sched_latency_ns": summarize(lat["latency_ns"]),
        "sched_latency_by_cause_ns": by_cause,
        "starvation": {"threshold_ns": starvation_ns, "count": len(st),
                       "worst": st.head(10).to_dict("records")},
        "work_conservation": {"threshold_ns": idle_ns, "count": len(wc),
                              "total_ns": int(wc["duration_ns"].sum()) if len(wc) else 0,
                              "worst": wc.sort_values("duration_ns", ascending=False)
                              .head(10).to_dict("records")},
        "p_utilisation": pu.to_dict("records"),
        "stw_pauses_ns": summarize(stw["duration_ns"]),
        "stw_by_kind": {str(k): summarize(g["duration_ns"]) for k, g in stw.groupby("kind")},
    }
