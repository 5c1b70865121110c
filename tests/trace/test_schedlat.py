"""Trace analyses (goschedlab.analyze.schedlat) on synthetic and real traces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from trace_paths import FANOUT, FIXTURE, GOLDEN

import goschedlab.trace as T
from goschedlab.analyze import schedlat as S


def test_sched_latency_synthetic(synth_path: Path) -> None:
    lat = S.sched_latency(T.read(synth_path))
    assert lat.values.tolist() == [[3, 12800, 12801, 1, "unblocked", 1, False]]


def test_sched_latency_is_every_gostart_and_exact() -> None:
    t = T.read(FIXTURE)
    lat = S.sched_latency(t)
    assert len(lat) == t.wire_counts["GoStart"] == 131
    gi = t.goroutine_intervals
    want = gi.loc[(gi.state == "runnable") & (gi.next_state == "running"), "duration_ns"]
    assert int(lat["latency_ns"].sum()) == int(want.sum())
    assert (lat["running_ns"] - lat["runnable_ns"] == lat["latency_ns"]).all()
    # each wait ends at a GoStart of that goroutine, on the P the GoStart names
    ev = t.events[t.events.name == "GoStart"]
    starts = set(zip(ev["time_ns"], ev["a0"], ev["p"], strict=True))
    assert set(zip(lat["running_ns"], lat["goid"], lat["p"], strict=True)) == starts
    assert set(lat["cause"]) == {"created", "unblocked", "preempted", "runtime.Gosched",
                                 "syscall returned without P"} - {"preempted"} | (
        {"preempted"} & set(lat["cause"]))


def test_starvation_fanout_names_creation_site() -> None:
    """fanout-cpu: 1000 CPU-bound goroutines on 2 Ps - most wait far beyond 10 ms."""
    t = T.read(FANOUT)
    st = S.starvation(t, 10_000_000)
    assert len(st) > 800
    assert (st["waited_ns"] >= 10_000_000).all()
    assert st["waited_ns"].is_monotonic_decreasing
    user = st[st.start_func == "main.main.gowrap1"]
    assert len(user) == len(st)
    assert set(user["created_at"]) == {"main.main refcorpus/fanout-cpu/main.go:43"}
    assert S.starvation(t, 10**12).empty


def test_work_conservation_synthetic(synth_path: Path) -> None:
    wc = S.work_conservation(T.read(synth_path), 0)
    # G2 runnable from tick 20 to the end; P1 idle [5,140) (its Undetermined->Idle status at
    # tick 30 is back-dated to the window start) and [260,310).
    assert wc.values.tolist() == [[20 * 64, 140 * 64, 120 * 64, 1, 1],
                                  [260 * 64, 310 * 64, 50 * 64, 1, 1]]
    assert S.work_conservation(T.read(synth_path), 120 * 64).values.tolist() == [
        [20 * 64, 140 * 64, 120 * 64, 1, 1]]


def test_work_conservation_fanout_none_above_1ms() -> None:
    """fanout-cpu keeps both Ps busy: no idle P while work waits for >= 1 ms."""
    assert S.work_conservation(T.read(FANOUT), 1_000_000).empty


def test_p_utilisation() -> None:
    t = T.read(FANOUT)
    pu = S.p_utilisation(t)
    assert pu["p"].tolist() == [0, 1]
    w = t.window[1] - t.window[0]
    assert (pu["window_ns"] == w).all()
    assert (pu["busy_ns"] <= pu["held_ns"]).all()
    assert (pu["held_ns"] + pu["idle_ns"] == w).all()
    assert (pu["utilisation"] > 0.95).all()  # CPU-bound fan-out
    small = S.p_utilisation(T.read(FIXTURE))
    assert (small["utilisation"] < 0.01).all()  # the fixture mostly sleeps


def test_stw_pauses_and_summary() -> None:
    t = T.read(GOLDEN / "gc-go1.23.1.trace")
    stw = S.stw_pauses(t)
    n_begin = int((t.events.name == "STWBegin").sum())
    assert len(stw) == n_begin >= 3
    assert {"GC mark termination", "GC sweep termination"} <= set(stw["kind"])
    s = S.summarize(stw["duration_ns"])
    v = np.sort(stw["duration_ns"].to_numpy())
    assert s["count"] == len(v) and s["max"] == v[-1] and s["p50"] == v[(len(v) + 1) // 2 - 1]
    assert abs(s["cv"] - v.std(ddof=1) / v.mean()) < 1e-12
    assert S.summarize([])["count"] == 0


def test_report_is_json_able() -> None:
    import json

    rep = S.report(T.read(FIXTURE))
    txt = json.dumps(rep)
    assert rep["sched_latency_ns"]["count"] == 131
    assert rep["stw_pauses_ns"]["count"] == 1
    assert "created" in rep["sched_latency_by_cause_ns"] and txt
