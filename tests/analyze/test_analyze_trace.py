"""Execution traces through load()/analyze/diff (the trace reader's fixtures, real Go 1.23.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from analyze_paths import DATA

from goschedlab.analyze import diff_files, load
from goschedlab.analyze.tracebridge import sched_latency_from_intervals

SMALL = DATA / "traces" / "small-go1.23.1.trace"
FANOUT = DATA / "traces" / "fanout-cpu-go1.23.1.trace"


def test_trace_counts_match_go_tool_trace() -> None:
    """One scheduling-latency sample per GoStart, one STW pause per STWBegin, as counted by
    ``go tool trace -d=2`` on the same file (stored beside the fixture)."""
    golden = json.loads(SMALL.with_suffix(".json").read_text())["wire_event_counts"]["counts"]
    ld = load(SMALL)
    assert ld.format == "trace"
    assert len(ld.samples["trace.sched_latency_ns"]) == golden["GoStart"] == 131
    assert len(ld.samples["trace.stw_ns"]) == golden["STWBegin"] == 1
    assert ld.summary["sched_latency"]["count"] == 131
    # The bridge's own fallback computes the same samples from the intervals.
    mine = sched_latency_from_intervals(ld.frames["goroutine_intervals"])
    assert sorted(mine) == sorted(ld.samples["trace.sched_latency_ns"])


def test_trace_starvation_report() -> None:
    s = load(FANOUT).summary
    # 1000 CPU-bound goroutines on 2 Ps: most wait > 10 ms, all created at one site.
    assert s["starvation"]["count"] == 903
    assert all("refcorpus/fanout-cpu/main.go:43" in w for w in s["starvation"]["worst"])
    assert s["sched_latency"]["p50_ns"] > 10_000_000
    assert min(s["p_utilisation"].values()) > 0.9


def test_trace_export_and_diff(tmp_path: Path, run_cli) -> None:
    written = load(SMALL).export(tmp_path, "parquet")
    back = pd.read_parquet(tmp_path / f"{SMALL.name}.goroutine_intervals.parquet")
    assert len(back) == len(load(SMALL).frames["goroutine_intervals"]) and written
    assert diff_files([SMALL], [SMALL]).verdict == "pass"
    code, out, _ = run_cli("diff", str(SMALL), "--candidate", str(FANOUT),
                           "--metric", "trace.sched_latency_ns")
    assert code == 1 and "overall: fail" in out
