"""Go's ``timeHistogram`` (runtime/histogram.go) and its runtime/metrics export.

HDR-style buckets over nanoseconds: ``timeHistMinBucketBits = 9``, ``timeHistMaxBucketBits = 48``,
``timeHistSubBucketBits = 2`` -> 40 buckets x 4 sub-buckets = 160 counters, plus an underflow
and an overflow counter: 162 counts, 163 boundaries (seconds, with ``-Inf``/``+Inf`` ends).
The counts layout is ``[underflow, 160 counters, overflow]``, as runtime/metrics exports it
and as the refcorpus JSON stores it.
"""

from __future__ import annotations

import math

timeHistMinBucketBits = 9
timeHistMaxBucketBits = 48
timeHistSubBucketBits = 2
timeHistNumSubBuckets = 1 << timeHistSubBucketBits
timeHistNumBuckets = timeHistMaxBucketBits - timeHistMinBucketBits + 1
timeHistTotalBuckets = timeHistNumBuckets * timeHistNumSubBuckets + 1
NCOUNTS = timeHistNumBuckets * timeHistNumSubBuckets + 2  # underflow + counters + overflow


def time_hist_bucket(d: int) -> int:
    """Index into the 162-slot exported counts for a duration ``d`` ns (models timeHistogram.record)."""
    if d < 0:
        return 0
    bit = d.bit_length()
    if bit < timeHistMinBucketBits:
        bucket = 0
        bit = timeHistMinBucketBits
    else:
        bucket = bit - timeHistMinBucketBits + 1
    if bucket >= timeHistNumBuckets:
        return NCOUNTS - 1
    sub = (d >> (bit - 1 - timeHistSubBucketBits)) & (timeHistNumSubBuckets - 1)
    return 1 + bucket * timeHistNumSubBuckets + sub


def boundaries_seconds() -> list[float | str]:
    """The 163 exported bucket boundaries in seconds (models metrics.go: timeHistogramMetricsBuckets)."""
    b: list[float | str] = ["-Inf"]
    for i in range(timeHistTotalBuckets):
        bucket = i // timeHistNumSubBuckets
        sub = i % timeHistNumSubBuckets
        if bucket == 0:
            ns = sub << (timeHistMinBucketBits - 1 - timeHistSubBucketBits)
        else:
            bit = bucket + timeHistMinBucketBits - 1
            ns = (1 << (bit - 1)) | (sub << (bit - 1 - timeHistSubBucketBits))
        b.append(ns / 1e9)
    b.append("+Inf")
    return b


class TimeHistogram:
    """Counts of durations in Go's timeHistogram layout (``sched.timeToRun`` etc.)."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: list[int] = [0] * NCOUNTS

    def record(self, d: int) -> None:
        """Add one duration in ns (models histogram.go: timeHistogram.record)."""
        self.counts[time_hist_bucket(d)] += 1

    def snapshot(self) -> list[int]:
        """A copy of the counts."""
        return list(self.counts)


def hist_quantile_upper(bounds: list[float | str], counts: list[int], q: float) -> float | str | None:
    """Upper boundary of the bucket holding the q-quantile (the corpus' ``hist_summary`` rule)."""
    tot = sum(counts)
    if tot == 0:
        return None
    target = max(1, math.ceil(q * tot))
    acc = 0
    for i, c in enumerate(counts):
        acc += c
        if acc >= target:
            return bounds[i + 1]
    return bounds[-1]


def hist_summary(bounds: list[float | str], counts: list[int]) -> dict[str, object]:
    """count and the upper bucket bound holding p50/p90/p99/p99.9/max."""
    return {
        "count": sum(counts),
        "p50_upper_s": hist_quantile_upper(bounds, counts, 0.5),
        "p90_upper_s": hist_quantile_upper(bounds, counts, 0.9),
        "p99_upper_s": hist_quantile_upper(bounds, counts, 0.99),
        "p999_upper_s": hist_quantile_upper(bounds, counts, 0.999),
        "max_upper_s": hist_quantile_upper(bounds, counts, 1.0),
    }
