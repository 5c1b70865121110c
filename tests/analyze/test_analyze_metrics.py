"""runtime/metrics dump reader, histogram expansion, load() frames and --export."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analyze_paths import GCTRACE, METRICS, SCHEDDETAIL, blocking_logger
from hypothesis import given, settings
from hypothesis import strategies as st

from goschedlab.analyze import DiffConfig, LogParseError, diff_files, load, read_metrics_json
from goschedlab.analyze.metricsjson import Hist, expand_hist
from goschedlab.errors import UserInputError

REP1 = blocking_logger("1.23.1")[0]
GCCHURN = METRICS / "go1.23.1" / "gc-churn-default-gmp2-rep1.json"


def test_expand_hist_spreads_inside_buckets() -> None:
    h = Hist(np.array([-math.inf, 0.0, 64.0, 128.0, math.inf]), np.array([1, 2, 2, 1]))
    assert list(expand_hist(h)) == [0.0, 0.0, 0.0, 80.0, 112.0, 128.0]
    sparse = Hist(np.array([[100.0, 200.0], [400.0, 500.0]]), np.array([1, 4]))
    assert list(expand_hist(sparse, 2.0)) == [300.0, 825.0, 875.0, 925.0, 975.0]


def test_real_dump_latency_and_sched_hist() -> None:
    raw = json.loads(REP1.read_text())
    d = read_metrics_json(REP1)
    ld = load(REP1)
    assert ld.format == "metrics-json"
    req = ld.samples["latency.request"]
    assert len(req) == raw["latency"]["request"]["n"] == 4089
    # The reconstructed median lies in the bucket holding the exact p50 (783250 ns).
    assert 741456 <= np.median(req) < 881744
    assert req.min() >= raw["latency"]["request"]["hist_lo_ns"][0]
    assert req.max() < raw["latency"]["request"]["hist_hi_ns"][-1]
    # /sched/latencies phase histogram: count agrees with the dump's own hist_summary.
    lat = ld.samples["/sched/latencies:seconds"]
    assert len(lat) == raw["hist_summary"]["/sched/latencies:seconds"]["phase"]["count"] == 1834
    assert np.sum(lat == 0) == d.hists_phase["/sched/latencies:seconds"].counts[1] == 15
    # Every value lies under the dump's max upper bound.
    phase = raw["hist_summary"]["/sched/latencies:seconds"]["phase"]
    assert lat.max() <= phase["max_upper_s"] * 1e9
    assert list(ld.samples["makespan_ns"]) == [2000136806.0]
    assert ld.summary["go_version"] == "go1.23.1"
    hist = ld.frames["histograms"]
    ph = hist[(hist.metric == "/sched/latencies:seconds") & (hist.section == "phase")]
    assert ph["count"].sum() == 1834


def test_gc_pause_stats_from_histograms() -> None:
    raw = json.loads(GCCHURN.read_text())
    ld = load(GCCHURN)
    cycles = raw["metrics_phase_delta"]["/gc/cycles/total:gc-cycles"]
    p = ld.summary["pauses"]["/sched/pauses/total/gc:seconds"]
    # Two stop-the-world pauses per GC cycle (sweep termination, mark termination).
    assert p["count"] == 2 * cycles > 0
    hs = raw["hist_summary"]["/sched/pauses/total/gc:seconds"]["phase"]
    assert p["max_ns"] <= hs["max_upper_s"] * 1e9
    assert p["p99_ns"] <= hs["p99_upper_s"] * 1e9
    assert p["cv"] == pytest.approx(p["stdev_ns"] / p["mean_ns"])
    assert len(ld.frames["pauses"]) == p["count"]


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ('{"metrics_end": {"a": 1}\n,,', "line 2 column 2 (byte 26): expected valid JSON"),
        ("[1, 2]", "top level: expected a JSON object"),
        ('{"x": 1}', "expected a runtime/metrics dump"),
        ('{"metrics_end": {"/h:seconds": {"boundaries": [0, 1], "counts": [1, 2]}}}',
         "metrics_end['/h:seconds']: expected 'boundaries' with exactly one more"),
        ('{"metrics_phase_delta": {"/h:seconds": {"counts": [1]}}}',
         "metrics_phase_delta['/h:seconds']: expected 'counts' matching"),
        ('{"latency": {"r": {"hist_lo_ns": [1], "hist_hi_ns": [2, 3], "hist_count": [1]}}}',
         "latency['r']: expected hist_lo_ns, hist_hi_ns and hist_count lists of equal length"),
        ('{"latency": {"r": {"hist_lo_ns": [5], "hist_hi_ns": [2], "hist_count": [1]}}}',
         "expected finite bounds with hist_hi_ns >= hist_lo_ns"),
        ('{"latency": {"r": {"hist_lo_ns": ["a"], "hist_hi_ns": [2], "hist_count": [1]}}}',
         "expected numeric bounds and non-negative integer counts"),
        ('{"latency": 3}', "key 'latency': expected an object"),
    ],
)
def test_bad_dumps(tmp_path: Path, content: str, where: str) -> None:
    p = tmp_path / "bad.json"
    p.write_text(content)
    with pytest.raises(LogParseError) as ei:
        load(p)
    msg = str(ei.value)
    assert msg.startswith(f"{p}: ") and where in msg and "\n" not in msg


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_roundtrip(tmp_path: Path, fmt: str) -> None:
    for src in (REP1, SCHEDDETAIL, GCTRACE):
        ld = load(src)
        written = ld.export(tmp_path / "out", fmt)
        names = {p.name for p in written}
        nonempty = {f"{src.name}.{k}.{fmt}" for k, v in ld.frames.items() if not v.empty}
        assert names == nonempty and names
        for k, df in ld.frames.items():
            if df.empty:
                continue
            back = (pd.read_parquet if fmt == "parquet" else pd.read_csv)(
                tmp_path / "out" / f"{src.name}.{k}.{fmt}"
            )
            assert back.shape == df.shape
            if fmt == "parquet":
                pd.testing.assert_frame_equal(back, df.reset_index(drop=True),
                                              check_dtype=False)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_frames_attribute_access() -> None:
    ld = load(SCHEDDETAIL)
    assert ld.scheddetail_g is ld.frames["scheddetail_g"]
    g = ld.scheddetail_g
    assert list(g[(g["sample"] == 1) & (g["goid"] == 5)]["waitreason"]) == ["finalizer wait"]
    with pytest.raises(AttributeError):
        _ = ld.nope


def test_negative_and_huge_counts(tmp_path: Path) -> None:
    p = tmp_path / "neg.json"
    p.write_text('{"latency": {"r": {"hist_lo_ns": [1], "hist_hi_ns": [2], "hist_count": [-1]}}}')
    with pytest.raises(LogParseError, match="non-negative integer counts"):
        load(p)
    # Memory stays bounded whatever the counts say: scaled down, shape kept.
    h = Hist(np.array([[1000.0, 2000.0], [4000.0, 5000.0]]), np.array([10**15, 3 * 10**15]))
    v = expand_hist(h, limit=1000)
    assert len(v) == 1000 and np.sum(v < 2000) == 250


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**20) | st.floats(allow_nan=True)
    | st.text(max_size=5) | st.sampled_from(["+Inf", "-Inf"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=6,
)


def _paths(obj: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(obj, list) and len(obj) < 8:
        for i, v in enumerate(obj):
            out.extend(_paths(v, (*prefix, i)))
    return out


_BASE = json.loads(REP1.read_text())
_BASE = {k: _BASE[k] for k in ("makespan_ns", "metrics_end", "metrics_phase_delta", "latency")}
_BASE["metrics_end"] = {k: v for k, v in _BASE["metrics_end"].items()
                        if k in ("/sched/latencies:seconds", "/gc/cycles/total:gc-cycles")}
_BASE["metrics_phase_delta"] = {k: v for k, v in _BASE["metrics_phase_delta"].items()
                                if k in _BASE["metrics_end"]}
_BASE["latency"] = {"request": _BASE["latency"]["request"]}
_PATHS = [p for p in _paths(_BASE) if p]


@settings(max_examples=150, deadline=None)
@given(mutations=st.lists(st.tuples(st.sampled_from(_PATHS), _JSON_VALUES | st.just(KeyError)),
                          min_size=1, max_size=3))
def test_mutated_dumps_only_raise_user_errors(tmp_path_factory, mutations) -> None:
    obj = copy.deepcopy(_BASE)
    for path, value in mutations:
        parent = obj
        try:
            for k in path[:-1]:
                parent = parent[k]
            if value is KeyError:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    p = tmp_path_factory.mktemp("mut") / "m.json"
    p.write_text(json.dumps(obj))
    try:
        ld = load(p)
    except UserInputError as e:
        assert "\n" not in str(e) and str(p) in str(e)
        return
    try:
        rep = diff_files([p], [p], cfg=DiffConfig(n_resamples=20))
    except UserInputError as e:
        assert "\n" not in str(e)
        return
    assert rep.verdict in ("pass", "marginal", "fail")
    assert ld.format == "metrics-json"
