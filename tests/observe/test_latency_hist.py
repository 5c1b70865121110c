"""Latency summaries and timeHistogram export against real refcorpus result files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import goschedlab
from goschedlab.observe.latency import go_log2, log_bucket, nearest_rank, summarize
from goschedlab.observe.result import HISTOGRAMS
from goschedlab.observe.timehist import NCOUNTS, boundaries_seconds, hist_summary
from goschedlab.runtime.histogram import timeHistogram

REF = Path(goschedlab.__file__).parent / "data" / "refcorpus" / "go1.23.1"
FILES = sorted(REF.glob("*/default*-gmp2-rep1.json"))


def _load(p: Path) -> dict:
    return json.loads(p.read_text())


def test_nearest_rank_matches_corpus_rule() -> None:
    data = list(range(1, 1001))
    assert nearest_rank(data, 0.5) == 500
    assert nearest_rank(data, 0.9) == 900
    assert nearest_rank(data, 0.99) == 990
    assert nearest_rank(data, 0.999) == 999
    assert nearest_rank([5, 7, 9], 0.5) == 7  # ceil(1.5)-1 = 1
    assert nearest_rank([], 0.5) == 0


def test_summarize_values_and_sparse_histogram() -> None:
    s = summarize([0, 1, 2, 3, 100, 100, -5])
    assert s["n"] == 7
    assert s["min_ns"] == -5 and s["max_ns"] == 100
    assert s["p50_ns"] == 2
    assert s["mean_ns"] == pytest.approx(201 / 7)
    # -5 and 0 -> bucket -1 reported as [MinInt64, 1); 1 -> k=0 [1,2); 2 -> k=4 [2,3);
    # 3 -> k=6 (4*log2 3 = 6.34) [3,4); 100 -> k=26 (26.57) [91, 108)
    assert s["hist_lo_ns"] == [-(1 << 63), 1, 2, 3, 91]
    assert s["hist_hi_ns"] == [1, 2, 3, 4, 108]
    assert s["hist_count"] == [2, 1, 1, 1, 2]


def test_go_log2_exact_on_powers_of_two() -> None:
    for e in range(0, 62):
        assert go_log2(float(1 << e)) == float(e)
        assert log_bucket(1 << e) == 4 * e
    assert log_bucket((1 << 20) - 1) == 79


def test_empty_series_like_go() -> None:
    s = summarize([])
    assert s["n"] == 0 and s["hist_lo_ns"] is None and s["p99_ns"] == 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_real_series_consistent_with_our_buckets(path: Path) -> None:
    """Every bucket a Go run wrote has our [ceil 2^(k/4), ceil 2^((k+1)/4)) bounds."""
    d = _load(path)
    for name, s in d["latency"].items():
        assert sum(s["hist_count"]) == s["n"], name
        for lo, hi in zip(s["hist_lo_ns"], s["hist_hi_ns"], strict=True):
            if lo < 0:
                assert hi == 1
                continue
            k = log_bucket(lo)
            assert math.ceil(2.0 ** (k / 4)) == lo, (name, lo)
            assert math.ceil(2.0 ** ((k + 1) / 4)) == hi, (name, hi)
        # min, p50 and max lie in listed buckets
        for key in ("min_ns", "p50_ns", "max_ns"):
            v = s[key]
            if v > 0:
                k = log_bucket(v)
                assert math.ceil(2.0 ** (k / 4)) in s["hist_lo_ns"], (name, key)


def test_boundaries_equal_go_export() -> None:
    real = _load(REF / "fanout-cpu/default-gmp2-rep1.json")
    b = real["metrics_end"]["/sched/latencies:seconds"]["boundaries"]
    assert boundaries_seconds() == b
    assert len(real["metrics_end"]["/sched/latencies:seconds"]["counts"]) == NCOUNTS


def test_runtime_histogram_record_layout() -> None:
    h = timeHistogram()
    for d in (-1, 0, 63, 64, 255, 256, 511, 512, 640, 1 << 47):
        h.record(d)
    c = h.counts()
    b = boundaries_seconds()
    assert len(c) == NCOUNTS
    assert c[0] == 1  # underflow: -1
    assert c[-1] == 1  # overflow: 2^47 ns
    # each non-negative value lands in the bucket whose exported bounds contain it
    for d in (0, 63, 64, 255, 256, 511, 512, 640):
        h2 = timeHistogram()
        h2.record(d)
        i = h2.counts().index(1)
        assert float(b[i]) * 1e9 <= d + 1e-6 and d < float(b[i + 1]) * 1e9 - 1e-6


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_hist_summary_reproduces_go(path: Path) -> None:
    d = _load(path)
    for name in HISTOGRAMS:
        end = d["metrics_end"][name]
        phase = d["metrics_phase_delta"][name]["counts"]
        want = d["hist_summary"][name]
        assert hist_summary(end["boundaries"], end["counts"]) == want["end"]
        assert hist_summary(end["boundaries"], phase) == want["phase"]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Bucket bounds contain their values below 2^49 ns (6.5 days), the range the module documents;
# at 2^49 - 1 float64 Log2 already rounds up to 49, in Go as here (test below).
_LAT_MAX = (1 << 49) - 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(10**6), max_value=_LAT_MAX), min_size=1, max_size=300))
def test_summarize_properties(values: list[int]) -> None:
    s = summarize(values)
    srt = sorted(values)
    n = len(values)
    assert s["n"] == n and s["min_ns"] == srt[0] and s["max_ns"] == srt[-1]
    for key, q in (("p50_ns", 0.5), ("p90_ns", 0.9), ("p99_ns", 0.99), ("p999_ns", 0.999)):
        assert s[key] == srt[max(0, math.ceil(q * n) - 1)]
    assert sum(s["hist_count"]) == n
    assert s["hist_lo_ns"] == sorted(s["hist_lo_ns"])
    for v in values:  # each value lies in exactly one listed bucket
        hits = [
            i for i, (lo, hi) in enumerate(zip(s["hist_lo_ns"], s["hist_hi_ns"], strict=True))
            if (v <= 0 and hi == 1) or (v > 0 and lo <= v < hi and lo > 0)
        ]
        assert len(hits) == 1, v


def test_bucket_rounding_above_documented_range_matches_go() -> None:
    # math.Log2(2^49-1) == 49 in float64 (Go and Python alike), so the value lands in bucket 196,
    # whose reported lower bound is 2^49: the documented limit of the bounds' agreement.
    v = (1 << 49) - 1
    s = summarize([v])
    assert s["hist_lo_ns"] == [1 << 49] and s["hist_count"] == [1]
    s2 = summarize([_LAT_MAX])
    assert s2["hist_lo_ns"][0] <= _LAT_MAX < s2["hist_hi_ns"][0]
