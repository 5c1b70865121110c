"""Per-request latency summaries in the reference corpus' layout (``latency.<series>``).

Percentiles are nearest-rank over every value (``sorted[ceil(q*n)-1]``), as the corpus does;
the sparse log histogram has bucket k = [2^(k/4), 2^((k+1)/4)) ns, values <= 0 in one bucket
reported as ``[MinInt64, 1)``.  ``log2`` follows Go's ``math.Log2`` construction (frexp, exact
for powers of two) so bucket indices agree with the Go programs at the boundaries (tested
against a Go build).  The reported bounds ``ceil(2^(k/4))`` agree with Go's for every value
below 2^49 ns (6.5 days); above that Go's ``math.Exp2`` and the C library's ``pow`` may differ
by one ulp, i.e. a bound may differ by a few ns.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

MIN_INT64 = -(1 << 63)
_INV_LN2 = 1.0 / math.log(2.0)


def go_log2(x: float) -> float:
    """``math.Log2`` as Go computes it: exact for powers of two, else log(frac)/ln2 + exp."""
    frac, exp = math.frexp(x)
    if frac == 0.5:
        return float(exp - 1)
    return math.log(frac) * _INV_LN2 + float(exp)


def nearest_rank(sorted_values: Sequence[int], q: float) -> int:
    """Nearest-rank quantile of ascending data: ``sorted[ceil(q*n)-1]`` clamped to the data."""
    n = len(sorted_values)
    if n == 0:
        return 0
    k = math.ceil(q * n) - 1
    k = min(max(k, 0), n - 1)
    return sorted_values[k]


def log_bucket(x: int) -> int:
    """Index of the quarter-octave bucket holding ``x`` ns (-1 for x <= 0)."""
    if x <= 0:
        return -1
    return math.floor(4.0 * go_log2(float(x)))


def _bucket_counts(s: Sequence[int]) -> dict[int, int]:
    """``{log_bucket(x): count}`` of ascending ``s`` with one bisect per occupied bucket.

    ``log_bucket`` is non-decreasing in x (for integers below 2^50 adjacent values differ in
    log2 by far more than its rounding error), so each bucket is one run of ``s``.  The run's
    end is the smallest integer ``c`` with ``log_bucket(c) > k``: start from the real-valued
    bound ``ceil(2^((k+1)/4))`` and step to the exact integer boundary with ``log_bucket``
    itself, so the counts equal the per-value loop bit for bit (tested against it).
    """
    counts: dict[int, int] = {}
    n = len(s)
    i = 0
    while i < n:
        x = s[i]
        k = log_bucket(x)
        if k < 0:
            c = 1  # every x <= 0 is in bucket -1; x = 1 is the first value of bucket 0
        else:
            c = math.ceil(2.0 ** ((k + 1) / 4))
            while c > x + 1 and log_bucket(c - 1) > k:
                c -= 1
            while log_bucket(c) <= k:
                c += 1
        j = bisect_left(s, c, i + 1)
        counts[k] = j - i
        i = j
    return counts


def summarize(values: Sequence[int]) -> dict[str, object]:
    """The ``LatSummary`` object: n, min/mean/p50/p90/p99/p999/max (ns) and the sparse histogram."""
    s = sorted(values)
    n = len(s)
    out: dict[str, object] = {
        "n": n,
        "min_ns": 0,
        "mean_ns": 0.0,
        "p50_ns": 0,
        "p90_ns": 0,
        "p99_ns": 0,
        "p999_ns": 0,
        "max_ns": 0,
        "hist_lo_ns": None,
        "hist_hi_ns": None,
        "hist_count": None,
    }
    if n == 0:
        return out
    total = 0.0
    for x in s:
        total += float(x)
    out["min_ns"] = s[0]
    out["max_ns"] = s[-1]
    out["mean_ns"] = total / n
    out["p50_ns"] = nearest_rank(s, 0.50)
    out["p90_ns"] = nearest_rank(s, 0.90)
    out["p99_ns"] = nearest_rank(s, 0.99)
    out["p999_ns"] = nearest_rank(s, 0.999)
    counts = _bucket_counts(s)
    lo: list[int] = []
    hi: list[int] = []
    cnt: list[int] = []
    for k in sorted(counts):
        if k < 0:
            lo.append(MIN_INT64)
            hi.append(1)
        else:
            lo.append(math.ceil(2.0 ** (k / 4)))
            hi.append(math.ceil(2.0 ** ((k + 1) / 4)))
        cnt.append(counts[k])
    out["hist_lo_ns"] = lo
    out["hist_hi_ns"] = hi
    out["hist_count"] = cnt
    return out
