"""Whole /sched/latencies distributions, real runs against simulated ones, per case.

The validation's rows compare quantiles; a quantile that misses usually says *where* in the
distribution the model is wrong only to someone who looks at the whole curve (a p50 that falls
on a flat stretch of the CDF moves several buckets for a 2 % shift of mass, a p99 may hang on a
handful of samples).  This module keeps, per case, every run's cumulative distribution over Go's
timeHistogram buckets -- the form Go itself exports -- so that the report can draw it
(:func:`goschedlab.validate.render.cdf_png`; ``--html``: one plot per case whose sched-latency
quantiles miss) and print it (``validate --cdf WORKLOAD/SETTING/GOMAXPROCS``: one column per real
run and per simulator seed); ``--json`` carries them too (``sched_latency_cdfs``).

Each run is read by :func:`goschedlab.validate.metrics.phase_histogram`, the function the
quantile metrics use, so the curves are exactly the data the rows were computed from.
Rejected: interpolating inside buckets (Go reports bucket bounds; a smooth curve would suggest a
resolution the data does not have) and merging the runs into one curve (the spread between runs
is what tells a model error from run-to-run noise).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.validate.metrics import SCHED_LATENCIES, bound_s, phase_histogram

Key = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class CaseCDF:
    """The /sched/latencies CDFs of one case: ``upper_us[i]`` is the upper bound (us) of
    bucket i, ``real[r][i]`` / ``sim[s][i]`` the share of run r's / seed s's samples at or
    below it (runs without samples are left out)."""

    key: Key
    upper_us: tuple[float, ...]
    real: tuple[tuple[float, ...], ...]
    sim: tuple[tuple[float, ...], ...]

    @property
    def label(self) -> str:
        w, s, g = self.key
        return f"{w}/{s}/{g}"

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` form: the case, then per bucket that holds samples (:func:`cdf_rows`)
        its upper bound in us (None for +Inf) and the share at or below it in each real run
        and each seed (to 6 decimals), one list per run."""
        rows = cdf_rows(self)
        w, s, g = self.key
        return {
            "workload": w, "setting": s, "gomaxprocs": g,
            "upper_us": [round(ub, 3) if math.isfinite(ub) else None for ub, _ in rows],
            "real": [[round(vals[i], 6) for _, vals in rows] for i in range(len(self.real))],
            "sim": [[round(vals[len(self.real) + i], 6) for _, vals in rows]
                    for i in range(len(self.sim))],
        }


def _cdf(counts: Sequence[int]) -> tuple[float, ...] | None:
    total = sum(counts)
    if total <= 0:
        return None
    return tuple(acc / total for acc in accumulate(counts))


def _curves(runs: Sequence[Mapping[str, Any]]
            ) -> tuple[list[Any] | None, list[tuple[float, ...]]]:
    bounds: list[Any] | None = None
    curves = []
    for run in runs:
        h = phase_histogram(run, SCHED_LATENCIES)
        if h is None:
            continue
        c = _cdf(h[1])
        if c is not None:
            bounds = h[0]
            curves.append(c)
    return bounds, curves


def case_cdf(key: Key, real_runs: Sequence[Mapping[str, Any]],
             sim_runs: Sequence[Mapping[str, Any]]) -> CaseCDF | None:
    """The case's CDFs, or None when either side has no /sched/latencies samples or the two
    sides' bucket layouts differ."""
    rb, real = _curves(real_runs)
    sb, sim = _curves(sim_runs)
    if rb is None or sb is None or len(rb) != len(sb):
        return None
    return CaseCDF(key, tuple(bound_s(b) * 1e6 for b in rb[1:]), tuple(real), tuple(sim))


def sched_latency_cdfs(real: Mapping[Key, Sequence[Mapping[str, Any]]],
                       sim: Mapping[Key, Sequence[Mapping[str, Any]]]) -> dict[Key, CaseCDF]:
    """:func:`case_cdf` for every case both sides have."""
    out = {}
    for key in sorted(real):
        c = case_cdf(key, real[key], sim.get(key, ()))
        if c is not None:
            out[key] = c
    return out


def parse_case(spec: str) -> Key:
    """``WORKLOAD/SETTING/GOMAXPROCS`` -> key (one-line error otherwise)."""
    parts = spec.split("/")
    if len(parts) != 3 or not parts[0] or not parts[1] or not parts[2].isdigit():
        raise UserInputError(
            f"--cdf {spec!r}: expected WORKLOAD/SETTING/GOMAXPROCS, e.g. pingpong/spin/2")
    return parts[0], parts[1], int(parts[2])


def cdf_rows(c: CaseCDF) -> list[tuple[float, tuple[float, ...]]]:
    """(bucket upper bound us, shares of every real run then every seed) for every bucket in
    which at least one run has samples: buckets no run has samples in add nothing to any curve
    and are left out."""
    curves = c.real + c.sim
    rows = []
    prev: tuple[float, ...] = tuple(0.0 for _ in curves)
    for i, ub in enumerate(c.upper_us):
        vals = tuple(cv[i] for cv in curves)
        if vals != prev:
            rows.append((ub, vals))
        prev = vals
    return rows
