"""observe.latency._bucket_counts (one bisect per bucket) == the per-value log_bucket loop."""

from __future__ import annotations

import random

from goschedlab.observe.latency import _bucket_counts, log_bucket, summarize


def _per_value(s: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for x in s:
        k = log_bucket(x)
        counts[k] = counts.get(k, 0) + 1
    return counts


def test_bucket_runs_match_per_value_loop_at_every_boundary() -> None:
    # Every integer from -3 to 70000 (all bucket boundaries up to k = 64), and values
    # within +-3 of each real bound 2^(k/4) up to 2^50.
    s = list(range(-3, 70_000))
    assert _bucket_counts(s) == _per_value(s)
    near = sorted({int(2 ** (k / 4)) + d for k in range(200) for d in range(-3, 4)})
    assert _bucket_counts(near) == _per_value(near)


def test_bucket_runs_match_on_random_latency_samples() -> None:
    r = random.Random(7)
    for trial in range(60):
        n = r.randint(0, 3000)
        if trial % 3 == 0:
            v = [r.randint(-10, 10**6) for _ in range(n)]
        elif trial % 3 == 1:
            v = [int(r.expovariate(1e-5)) for _ in range(n)]
        else:
            v = [r.randint(0, 2**49) for _ in range(n)]
        s = sorted(v)
        got = _bucket_counts(s)
        assert got == _per_value(s), trial
        assert sum(got.values()) == n


def test_summarize_histogram_uses_the_runs() -> None:
    out = summarize([0, -5, 1, 2, 3, 4, 5, 1000, 1000, 1001])
    # buckets: <=0 | 1 (k=0) | 2 (k=4) | 3 (k=6) | 4 (k=8) | 5 (k=9) | 1000..1001 in
    # [2^(39/4), 2^10) = [862, 1024) (k=39)
    assert out["hist_count"] == [2, 1, 1, 1, 1, 1, 3]
    assert out["hist_lo_ns"] == [-(1 << 63), 1, 2, 3, 4, 5, 862]
    assert out["hist_hi_ns"] == [1, 2, 3, 4, 5, 6, 1024]
    assert out["p50_ns"] == 3
