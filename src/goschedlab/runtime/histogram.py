"""timeHistogram (histogram.go): the bucket scheme behind /sched/latencies:seconds (spec 8.4)."""

from __future__ import annotations

from typing import Final

timeHistMinBucketBits: Final = 9
timeHistMaxBucketBits: Final = 48
timeHistSubBucketBits: Final = 2
timeHistNumSubBuckets: Final = 1 << timeHistSubBucketBits
timeHistNumBuckets: Final = timeHistMaxBucketBits - timeHistMinBucketBits + 1
timeHistTotalBuckets: Final = timeHistNumBuckets * timeHistNumSubBuckets + 1


class timeHistogram:
    """HDR-style histogram of ns durations: 160 counters + underflow + overflow.

    ``counts()`` returns the 162 buckets as runtime/metrics exports them
    ``[underflow, 160 counters, overflow]``; ``boundaries()`` the 163 bounds in seconds.
    """

    __slots__ = ("_counts", "underflow", "overflow", "n")

    def __init__(self) -> None:
        self._counts = [0] * (timeHistNumBuckets * timeHistNumSubBuckets)
        self.underflow = 0
        self.overflow = 0
        self.n = 0

    def record(self, duration: int) -> None:
        """Models histogram.go: (*timeHistogram).record."""
        self.n += 1
        if duration < 0:
            self.underflow += 1
            return
        bucketBit = duration.bit_length()
        if bucketBit < timeHistMinBucketBits:
            bucket = 0
            bucketBit = timeHistMinBucketBits
        else:
            bucket = bucketBit - timeHistMinBucketBits + 1
        if bucket >= timeHistNumBuckets:
            self.overflow += 1
            return
        sub = (duration >> (bucketBit - 1 - timeHistSubBucketBits)) % timeHistNumSubBuckets
        self._counts[bucket * timeHistNumSubBuckets + sub] += 1

    def counts(self) -> list[int]:
        """[underflow, counters..., overflow] (162 entries)."""
        return [self.underflow, *self._counts, self.overflow]

    @staticmethod
    def boundaries() -> list[float]:
        """The 163 bucket boundaries in seconds, as metrics.go: timeHistogramMetricsBuckets."""
        b = [float("-inf")]
        for i in range(timeHistNumBuckets * timeHistNumSubBuckets):
            bucket = i // timeHistNumSubBuckets
            sub = i % timeHistNumSubBuckets
            if bucket == 0:
                ns = sub << (timeHistMinBucketBits - 1 - timeHistSubBucketBits)
            else:
                bit = bucket + timeHistMinBucketBits - 2
                ns = (1 << bit) | (sub << (bit - timeHistSubBucketBits))
            b.append(ns / 1e9)
        b.append((1 << (timeHistMaxBucketBits - 1)) / 1e9)
        b.append(float("inf"))
        return b
