"""The metrics ``validate`` compares, read from one run's JSON (refcorpus layout).

Both sides -- real Go and the simulator -- are read by the same functions, so a simulated run
must fill the same fields: ``makespan_ns``, ``threads_end``, ``latency.<series>`` and the
``/sched/latencies:seconds`` and ``/sched/pauses/total/gc:seconds`` histograms (counts in
``metrics_phase_delta``, boundaries in ``metrics_end``; Go's timeHistogram buckets, and for
/sched/latencies Go's 1-in-8 sampling).  Histogram quantiles are the *upper bound* of the bucket
holding rank ceil(q*count), as the corpus's ``hist_summary`` reports them.

Bucket-aware tolerance (:data:`BUCKET_RULE`): a histogram quantile can only take the values of
Go's bucket bounds, and below 512 ns those buckets are 64 ns wide, so one bucket step there is
25-100 % of the value -- more than the tolerance.  Such a case also passes when the real and
simulated medians lie in the same or adjacent buckets of Go's layout AND that step is wider
than the tolerance: a one-bucket difference there is the histogram's resolution, not model
error.  Where the buckets are narrow (>= 512 ns: four sub-buckets per power of two, adjacent
upper bounds <= 25 % apart) the rule changes nothing, and two buckets apart never pass.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SCHED_LATENCIES = "/sched/latencies:seconds"
GC_PAUSES = "/sched/pauses/total/gc:seconds"

#: The per-request series each workload reports as its primary latency (pingpong has none:
#: its figure of merit, ns per round trip, is makespan / R).
PRIMARY_SERIES: dict[str, str] = {
    "fanout-cpu": "sojourn",
    "pipeline": "item_latency",
    "blocking-logger": "request",
    "syscall-block": "round",
    "gc-churn": "iteration",
    "open-loop-server": "request",
    "timer-storm": "oversleep",
}

#: Tolerances: relative error allowed against the real median.
MAKESPAN_TOL = 0.05
LATENCY_TOL = 0.25
COUNT_TOL = 0.25
#: Counts (threads, GC pauses) also pass within this absolute difference.
COUNT_ABS_TOL = 1.0


#: The rule, as ``validate --help``, the report and docs/validation.md state it.
BUCKET_RULE = (
    "histogram quantiles (sched latency p50/p90/p99, GC pause p99) also pass when real and "
    "simulated medians lie in the same or adjacent bucket of Go's timeHistogram and that "
    "one-bucket step is wider than the tolerance (below 512 ns, where Go's buckets are 64 ns "
    "wide): the histogram cannot resolve a smaller difference"
)


def go_time_hist_bounds_ns() -> tuple[float, ...]:
    """The boundaries (ns) of Go 1.23's timeHistogram as runtime/metrics exports them:
    -Inf, 0, 64, 128, 192 (the sub-minimum bucket, 2^(9-1-2) = 64 ns steps), then for every
    power of two 2^8 .. 2^46 four linear sub-buckets, then 2^47 and +Inf (163 bounds).

    Models histogram.go: timeHistogramMetricsBuckets (via the model's own copy in
    :mod:`goschedlab.runtime.histogram`)."""
    from goschedlab.runtime.histogram import timeHistogram

    return tuple(b * 1e9 if math.isfinite(b) else b for b in timeHistogram.boundaries())


_BOUNDS_NS = go_time_hist_bounds_ns()


def time_hist_bucket(value_ns: float) -> int:
    """Index (into the exported counts) of the Go timeHistogram bucket ``(lo, hi]`` holding a
    quantile value; quantiles are reported as upper bounds, so a bound belongs to the bucket
    it closes (float noise of the s -> us -> ns conversions is absorbed)."""
    if value_ns != value_ns:
        raise ValueError("time_hist_bucket: NaN")
    i = bisect_left(_BOUNDS_NS, value_ns - 1e-9 * abs(value_ns))
    return max(0, min(i - 1, len(_BOUNDS_NS) - 2))


def bucket_step_ns(index: int) -> float:
    """Width (ns) of bucket ``index`` (inf for the under- and overflow buckets)."""
    return _BOUNDS_NS[index + 1] - _BOUNDS_NS[index]


def bound_s(x: Any) -> float:
    """A histogram boundary as runtime/metrics exports it (a number, or "-Inf" / "+Inf") in
    seconds."""
    if isinstance(x, str):
        return math.inf if x.lstrip("+") == "Inf" else -math.inf
    return float(x)


def hist_quantile_upper(bounds: list[Any], counts: list[int], q: float) -> float | None:
    """Upper bound (s) of the bucket holding rank max(1, ceil(q*total)); None when empty."""
    total = sum(counts)
    if total == 0:
        return None
    want = max(1, math.ceil(q * total))
    seen = 0
    for i, c in enumerate(counts):
        seen += c
        if seen >= want:
            return bound_s(bounds[i + 1])
    return bound_s(bounds[-1])


def phase_histogram(run: Mapping[str, Any], name: str) -> tuple[list[Any], list[int]] | None:
    """(boundaries, phase counts) of a full histogram, or None if the run lacks it."""
    end = run.get("metrics_end", {}).get(name)
    delta = run.get("metrics_phase_delta", {}).get(name)
    if not isinstance(end, Mapping) or not isinstance(delta, Mapping):
        return None
    bounds, counts = end.get("boundaries"), delta.get("counts")
    if not isinstance(bounds, list) or not isinstance(counts, list):
        return None
    if len(bounds) != len(counts) + 1:
        raise ValueError(f"{name}: {len(bounds)} boundaries for {len(counts)} counts")
    return bounds, counts


def _hist_q_us(name: str, q: float) -> Callable[[Mapping[str, Any]], float | None]:
    def get(run: Mapping[str, Any]) -> float | None:
        h = phase_histogram(run, name)
        if h is None:
            return None
        v = hist_quantile_upper(h[0], h[1], q)
        return None if v is None or math.isinf(v) else v * 1e6

    return get


def _hist_count(name: str) -> Callable[[Mapping[str, Any]], float | None]:
    def get(run: Mapping[str, Any]) -> float | None:
        h = phase_histogram(run, name)
        return None if h is None else float(sum(h[1]))

    return get


def _series_us(key: str) -> Callable[[Mapping[str, Any]], float | None]:
    def get(run: Mapping[str, Any]) -> float | None:
        series = PRIMARY_SERIES.get(str(run.get("workload")))
        s = run.get("latency", {}).get(series) if series else None
        if not isinstance(s, Mapping) or not s.get("n") or s.get(key) is None:
            return None
        return float(s[key]) / 1e3

    return get


def _gc_pause_p99(run: Mapping[str, Any]) -> float | None:
    h = phase_histogram(run, GC_PAUSES)
    if h is None or sum(h[1]) == 0:
        return None
    v = hist_quantile_upper(h[0], h[1], 0.99)
    return None if v is None or math.isinf(v) else v * 1e6


@dataclass(frozen=True, slots=True)
class Metric:
    """One compared quantity: how to read it from a run and how close is close enough."""

    name: str
    unit: str
    kind: str  # "makespan" | "latency" | "count"
    tolerance: float
    get: Callable[[Mapping[str, Any]], float | None]
    abs_tolerance: float = 0.0
    #: A quantile of a Go timeHistogram in microseconds: :meth:`within_buckets` applies.
    hist: bool = False

    def within(self, real: float, sim: float) -> bool:
        """True when sim is within the relative (or, for counts, absolute) tolerance."""
        if abs(sim - real) <= self.abs_tolerance:
            return True
        if real == 0:
            return sim == 0
        return abs(sim - real) / abs(real) <= self.tolerance

    def within_buckets(self, real: float, sim: float) -> bool:
        """The bucket-aware rule (:data:`BUCKET_RULE`) for a histogram quantile in us: same
        or adjacent Go timeHistogram bucket, and the wider of the two buckets exceeds
        ``tolerance`` x the real value.  Always False for non-histogram metrics."""
        if not self.hist:
            return False
        kr, ks = time_hist_bucket(real * 1e3), time_hist_bucket(sim * 1e3)
        if abs(kr - ks) > 1:
            return False
        if kr == ks:
            return True
        step = bucket_step_ns(max(kr, ks))
        return step > self.tolerance * abs(real) * 1e3


METRICS: tuple[Metric, ...] = (
    Metric("makespan", "ms", "makespan", MAKESPAN_TOL,
           lambda r: float(r["makespan_ns"]) / 1e6 if r.get("makespan_ns") is not None else None),
    Metric("sched_latency_p50", "us", "latency", LATENCY_TOL, _hist_q_us(SCHED_LATENCIES, 0.5),
           hist=True),
    Metric("sched_latency_p90", "us", "latency", LATENCY_TOL, _hist_q_us(SCHED_LATENCIES, 0.9),
           hist=True),
    Metric("sched_latency_p99", "us", "latency", LATENCY_TOL, _hist_q_us(SCHED_LATENCIES, 0.99),
           hist=True),
    Metric("request_latency_p50", "us", "latency", LATENCY_TOL, _series_us("p50_ns")),
    Metric("request_latency_p99", "us", "latency", LATENCY_TOL, _series_us("p99_ns")),
    Metric("threads", "threads", "count", COUNT_TOL,
           lambda r: float(r["threads_end"]) if r.get("threads_end") is not None else None,
           COUNT_ABS_TOL),
    Metric("gc_pause_count", "pauses", "count", COUNT_TOL, _hist_count(GC_PAUSES), COUNT_ABS_TOL),
    Metric("gc_pause_p99", "us", "latency", LATENCY_TOL, _gc_pause_p99, hist=True),
)

METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)
