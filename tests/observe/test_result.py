"""The JSON result: refcorpus key sets, Go-style encoding, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import goschedlab
from goschedlab.observe.result import (
    ALL_METRICS,
    CUMULATIVE,
    UNKNOWABLE_METRICS,
    UNKNOWABLE_TOP_LEVEL,
    MetricsSnapshot,
    build_result,
    dumps_go,
    go_float,
    write_json_atomic,
)
from goschedlab.observe.timehist import NCOUNTS

REF = Path(goschedlab.__file__).parent / "data" / "refcorpus" / "go1.23.1"


def _real(rel: str = "fanout-cpu/default-gmp2-rep1.json") -> dict:
    return json.loads((REF / rel).read_text())


def _keys(d: object, prefix: str = "") -> set[str]:
    """Every key path, descending into dicts (not lists)."""
    out: set[str] = set()
    if isinstance(d, dict):
        for k, v in d.items():
            out.add(prefix + k)
            out |= _keys(v, prefix + k + ".")
    return out


def _fake_result(workload: str = "fanout-cpu", latency_names: tuple[str, ...] = ()) -> dict:
    counts = [0] * NCOUNTS
    counts[100] = 3
    start = MetricsSnapshot(
        {"/sched/latencies:seconds": [0] * NCOUNTS}, {"/gc/cycles/total:gc-cycles": 0}
    )
    end = MetricsSnapshot(
        {"/sched/latencies:seconds": counts},
        {"/gc/cycles/total:gc-cycles": 0, "/sched/goroutines:goroutines": 1},
    )
    from goschedlab.observe.latency import summarize

    return build_result(
        workload=workload,
        params={"g": 1000, "w": 200.0, "trace": ""},
        version="0.1.0",
        gomaxprocs=2,
        num_cpu=2,
        makespan_ns=100,
        threads_end=4,
        start=start,
        end=end,
        latency={n: summarize([1, 2, 3]) for n in latency_names},
        fields={"create_phase_ns": 5, "last_start_since_t0_ns": 6, "ideal_makespan_ns": 1e8},
    )


def test_metric_name_lists_match_go() -> None:
    real = _real()
    assert tuple(sorted(real["metrics_end"])) == ALL_METRICS
    assert set(real["metrics_phase_delta"]) == CUMULATIVE


def test_key_paths_equal_real_result() -> None:
    real = _real()
    ours = _fake_result(latency_names=tuple(real["latency"]))
    assert _keys(ours) - _keys(real) == set()
    missing = _keys(real) - _keys(ours)
    # what the real file has below the keys we set to null
    assert {m.split(".")[0] for m in missing} <= UNKNOWABLE_TOP_LEVEL
    for k in UNKNOWABLE_TOP_LEVEL:
        assert ours[k] is None
    for m in UNKNOWABLE_METRICS:
        assert ours["metrics_end"][m] is None
    assert ours["go_version"] == "goschedlab-sim 0.1.0 (model of go1.23.1)"
    h = ours["metrics_end"]["/sched/latencies:seconds"]
    assert (
        h["total"] == 3
        and h["boundaries"] == real["metrics_end"]["/sched/latencies:seconds"]["boundaries"]
    )
    assert ours["metrics_phase_delta"]["/sched/latencies:seconds"]["total"] == 3
    assert ours["hist_summary"]["/sched/latencies:seconds"]["phase"]["count"] == 3


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (200.0, "200"),
        (6.4e-08, "6.4e-8"),
        (1.024e-06, "0.000001024"),
        (0.4089, "0.4089"),
        (1e21, "1e+21"),
        (-3.5e-09, "-3.5e-9"),
        (52010590.146, "52010590.146"),
        (0.0, "0"),
    ],
)
def test_go_float_format(value: float, text: str) -> None:
    assert go_float(value) == text


def test_dumps_go_matches_real_boundaries_text() -> None:
    raw = (REF / "fanout-cpu/default-gmp2-rep1.json").read_text()
    real = json.loads(raw)
    b = real["metrics_end"]["/sched/latencies:seconds"]["boundaries"]
    ours = dumps_go({"boundaries": b})
    assert ours.strip()[1:-1] in raw  # byte-identical fragment ("-Inf",0,6.4e-8,...)
    assert dumps_go({"b": 1, "a": [1.5, None, True, "x"]}) == '{"a":[1.5,null,true,"x"],"b":1}\n'


def test_write_json_atomic(tmp_path: Path) -> None:
    p = tmp_path / "out.json"
    write_json_atomic(p, {"a": 1})
    assert p.read_text() == '{"a":1}\n'
    with pytest.raises(TypeError):
        write_json_atomic(p, {"a": object()})
    assert p.read_text() == '{"a":1}\n'  # the old file is untouched
    assert [x.name for x in tmp_path.iterdir()] == ["out.json"]  # no temp file left
