"""Agreement with Go's own parser (go tool trace -d=1/-d=2) on committed traces."""

from __future__ import annotations

import pytest
from trace_paths import FANOUT, FIXTURE, GOLDEN, golden_cases, load_json

import goschedlab.trace as T
from goschedlab.trace.states import G_STATE_NAMES, P_STATE_NAMES, TraceBuilder


def _ours_stream(path) -> list[list]:
    with T.open(path) as r:
        b = TraceBuilder(keep_events=False, keep_transitions=True)
        b.feed(r.records(), r.ordering)
    out = []
    for t, res, rid, frm, to, _ in b.transitions:
        names = G_STATE_NAMES if res == "Goroutine" else P_STATE_NAMES
        out.append([t, res, rid, names[frm], names[to]])
    return out


def _check(path, ref: dict) -> T.Trace:
    t = T.read(path)
    assert t.wire_counts == ref["wire_event_counts"]
    assert t.kind_counts == ref["processed_event_kind_counts"]
    assert t.transition_counts == ref["state_transition_counts"]
    assert list(t.window) == ref["window_ns"]
    want = {int(g): v for g, v in ref["goroutine_state_totals_ns"].items()}
    assert t.state_totals() == want
    return t


@pytest.mark.parametrize("case", golden_cases())
def test_golden_trace_matches_go_tool_trace(case: str) -> None:
    ref = load_json(GOLDEN / f"{case}.json")
    t = _check(GOLDEN / f"{case}.trace", ref)
    assert t.version == (22 if "go1.22" in case else 23)
    if ref.get("transition_stream"):
        # The whole merged order of state transitions, times included (Go's +1 ns clamp).
        assert _ours_stream(GOLDEN / f"{case}.trace") == ref["transition_stream"]


def test_golden_set_covers_the_scheduler_paths() -> None:
    """The committed traces exercise what the brief lists (else the agreement proves little)."""
    seen: dict[str, int] = {}
    for case in golden_cases():
        for k, v in load_json(GOLDEN / f"{case}.json")["wire_event_counts"].items():
            seen[k] = seen.get(k, 0) + v
    for name in ("ProcSteal", "GoSyscallEndBlocked", "GCBegin", "STWBegin", "GoSwitch",
                 "GoSwitchDestroy", "GoCreateBlocked", "CPUSample", "ExperimentalBatch",
                 "HeapObjectAlloc", "GCMarkAssistBegin", "GoStop", "GoStatusStack"):
        assert seen.get(name, 0) > 0, name
    gens = {c: T.read(GOLDEN / f"{c}.trace", events=False).generations
            for c in golden_cases() if c.startswith("generations")}
    assert gens and all(g >= 5 for g in gens.values())


def test_fixture_matches_shared_reference() -> None:
    ref = load_json(FIXTURE.with_suffix(".json"))
    t = T.read(FIXTURE)
    assert t.wire_counts == ref["wire_event_counts"]["counts"]
    assert t.kind_counts == ref["processed_event_kind_counts"]["counts"]
    assert t.transition_counts == ref["state_transition_counts"]["counts"]
    tot = ref["derived_goroutine_state_totals_ns"]
    assert list(t.window) == tot["window_ns"]
    assert t.state_totals() == {int(g): v for g, v in tot["per_goroutine"].items()}
    assert t.generations == ref["generations"] == 2
    assert t.frequency == ref["frequency_ticks_per_second"] == 15_625_000
    assert t.wire_counts["GoCreate"] == 16 and t.wire_counts["GoStart"] == 131


def test_fanout_capture_matches_go() -> None:
    _check(FANOUT, load_json(FANOUT.with_suffix(".json")))


def test_fixture_annotations_and_ranges() -> None:
    t = T.read(FIXTURE)
    assert t.tasks[["id", "parent", "name", "goid"]].values.tolist() == [[1, 0, "smalltrace", 1]]
    assert t.tasks["end_ns"].iloc[0] > t.tasks["start_ns"].iloc[0]
    assert t.regions["name"].tolist() == ["pipeline", "pipeline"]
    assert (t.regions["end_ns"] > t.regions["start_ns"]).all()
    assert t.logs[["goid", "task", "key", "value"]].values.tolist() == [
        [1, 1, "result", "pipeline finished"]] * 2
    assert t.stw[["kind", "goid"]].values.tolist() == [["start trace", 1]]
    assert int(t.stw["duration_ns"].iloc[0]) == 3968
    # main.go:38 is `go worker(...)`, :41 the consumer, :78 the yielders (small-go1.23.1.go).
    user = t.creations[t.creations["start_func"].str.startswith("main.")]
    assert sorted(set(user["created_at"])) == [
        "main.main example.com/smalltrace/main.go:78",
        "main.phase.func1 example.com/smalltrace/main.go:38",
        "main.phase.func1 example.com/smalltrace/main.go:41",
    ]
    assert (user["start_func"] == "main.worker").sum() == 8
    # The blocking syscall (Nanosleep 30 ms) of main lost its P: one Syscall->Runnable.
    gi = t.goroutine_intervals
    sc = gi[(gi.goid == 1) & (gi.state == "syscall")]
    assert sc["duration_ns"].max() > 30_000_000
    assert set(gi.loc[(gi.state == "waiting") & (gi.goid > 6), "reason"]) >= {
        "chan receive", "chan send", "sleep"}
