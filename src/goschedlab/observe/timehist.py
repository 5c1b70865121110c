"""Export helpers for Go's ``timeHistogram`` (the histogram itself is the runtime's:
:class:`goschedlab.runtime.histogram.timeHistogram`).

runtime/metrics exports a timeHistogram as 162 counts ``[underflow, 160 counters, overflow]``
and 163 boundaries in seconds; the refcorpus JSON writes infinite ends as the strings
``"-Inf"``/``"+Inf"``.  ``hist_summary`` is the corpus' per-histogram quantile summary: the
*upper* bound of the bucket that holds each quantile.
"""

from __future__ import annotations

import math

from goschedlab.runtime.histogram import timeHistNumBuckets, timeHistNumSubBuckets, timeHistogram

NCOUNTS = timeHistNumBuckets * timeHistNumSubBuckets + 2
"""Exported counts: underflow + 160 counters + overflow."""

Bound = float | str


def boundaries_seconds() -> list[Bound]:
    """The 163 exported boundaries, infinite ends as ``"-Inf"``/``"+Inf"`` (JSON-ready)."""
    out: list[Bound] = []
    for b in timeHistogram.boundaries():
        if math.isinf(b):
            out.append("+Inf" if b > 0 else "-Inf")
        else:
            out.append(b)
    return out


def hist_quantile_upper(bounds: list[Bound], counts: list[int], q: float) -> Bound | None:
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


def hist_summary(bounds: list[Bound], counts: list[int]) -> dict[str, object]:
    """count and the upper bucket bound holding p50/p90/p99/p99.9/max."""
    return {
        "count": sum(counts),
        "p50_upper_s": hist_quantile_upper(bounds, counts, 0.5),
        "p90_upper_s": hist_quantile_upper(bounds, counts, 0.9),
        "p99_upper_s": hist_quantile_upper(bounds, counts, 0.99),
        "p999_upper_s": hist_quantile_upper(bounds, counts, 0.999),
        "max_upper_s": hist_quantile_upper(bounds, counts, 1.0),
    }
