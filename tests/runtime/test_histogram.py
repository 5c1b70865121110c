"""timeHistogram against spec 8.4 and a real go1.23.1 runtime/metrics export."""

from __future__ import annotations

import json
import math
from pathlib import Path

from goschedlab.runtime.histogram import timeHistogram

DATA = json.loads((Path(__file__).parent / "data" / "go1231_calibrate_extract.json").read_text())


def test_boundaries_equal_real_go_export() -> None:
    real = DATA["sched_latencies_boundaries"]
    ours = timeHistogram.boundaries()
    assert len(ours) == 163 == len(real)
    assert real[0] == "-Inf" and real[-1] == "+Inf"
    assert math.isinf(ours[0]) and ours[0] < 0 and math.isinf(ours[-1]) and ours[-1] > 0
    for a, b in zip(ours[1:-1], real[1:-1], strict=True):
        assert a == b


def test_record_buckets() -> None:
    h = timeHistogram()
    for d in (-5, 0, 63, 64, 255, 256, 319, 320, 1000, 1 << 47, 10**15):
        h.record(d)
    c = h.counts()
    assert len(c) == 162
    b = timeHistogram.boundaries()
    assert c[0] == 1  # underflow
    assert c[-1] == 2  # overflow: 2^47 ns and 1e15 ns

    def bucket_of(d: float) -> int:
        return max(i for i in range(162) if b[i] <= d / 1e9)

    for d in (0, 63, 64, 255, 256, 319, 320, 1000):
        assert c[bucket_of(d)] >= 1, d
    assert c[bucket_of(64)] == 1 and c[bucket_of(320)] == 1 and bucket_of(1000) == 12
    assert c[bucket_of(0)] == 2  # 0 and 63 share [0, 64)
    assert h.n == 11
