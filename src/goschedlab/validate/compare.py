"""Real vs simulated: per case and metric, medians, spreads, relative error, a verdict and,
for a miss, the reason (the known model gap of :mod:`goschedlab.validate.gaps`) and what the
project did about it (the gap's ``done``)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from goschedlab.validate.distributions import CaseCDF, Key, sched_latency_cdfs
from goschedlab.validate.gaps import Gap, find_gap, load_gaps
from goschedlab.validate.metrics import METRICS, Metric
from goschedlab.validate.sources import SIM_ERROR, Group, host_verdict


def median(values: Sequence[float]) -> float:
    """Median (mean of the middle two for an even count)."""
    return float(statistics.median(values))


def spread(values: Sequence[float]) -> float | None:
    """max/min over the values, as the corpus reports run-to-run noise; None if min <= 0."""
    lo, hi = min(values), max(values)
    return hi / lo if lo > 0 else None


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One (workload, setting, GOMAXPROCS, metric) comparison."""

    workload: str
    setting: str
    gomaxprocs: int
    metric: str
    unit: str
    kind: str
    real: tuple[float, ...]
    sim: tuple[float, ...]
    real_median: float
    real_spread: float | None
    sim_median: float | None
    sim_spread: float | None
    rel_error: float | None
    tolerance: float
    within: bool
    note: str = ""
    #: Within tolerance only by the bucket-aware rule (metrics.BUCKET_RULE).
    by_buckets: bool = False
    #: For a miss explained by a known gap: its mechanism, id and docs anchor (else None).
    reason: str | None = None
    gap: str | None = None
    doc: str | None = None
    #: For an explained miss: what the project did about its gap (gaps.toml ``done``).
    done: str | None = None
    #: Real runs of this case the host gate judged disturbed (other processes took CPU).
    real_noisy: int = 0

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["real"], d["sim"] = list(self.real), list(self.sim)
        if d["rel_error"] is not None and not math.isfinite(d["rel_error"]):
            d["rel_error"] = None
        return d


def compare_case(metric: Metric, key: tuple[str, str, int], real_runs: Sequence[dict[str, Any]],
                 sim_runs: Sequence[dict[str, Any]]) -> CaseRow | None:
    """Compare one metric of one case; None when the real runs do not have it."""
    real = [v for v in (metric.get(r) for r in real_runs) if v is not None]
    if not real:
        return None
    sim = [v for v in (metric.get(r) for r in sim_runs) if v is not None]
    rmed = median(real)
    w, s, g = key
    noisy = sum("host_cpu_phase" in r and host_verdict(r) == "noisy" for r in real_runs)
    if not sim:
        errors = [str(r[SIM_ERROR]) for r in sim_runs if SIM_ERROR in r]
        if errors:
            note = f"simulator failed: {errors[0]}"
        elif sim_runs:
            note = "no value in the simulated runs"
        else:
            note = "missing from the simulated runs"
        return CaseRow(w, s, g, metric.name, metric.unit, metric.kind, tuple(real), (), rmed,
                       spread(real), None, None, None, metric.tolerance, False, note,
                       real_noisy=noisy)
    smed = median(sim)
    if rmed != 0:
        rel: float | None = (smed - rmed) / abs(rmed)
    else:
        rel = 0.0 if smed == 0 else math.inf
    within = metric.within(rmed, smed)
    by_buckets = not within and metric.within_buckets(rmed, smed)
    return CaseRow(w, s, g, metric.name, metric.unit, metric.kind, tuple(real), tuple(sim), rmed,
                   spread(real), smed, spread(sim), rel, metric.tolerance,
                   within or by_buckets, by_buckets=by_buckets, real_noisy=noisy)


#: The built-in reason for a miss that lies inside the real runs' own disagreement.
SPREAD_GAP = "real-run-spread"
SPREAD_REASON = ("The real runs disagree with each other by more than the tolerance and the "
                 "simulated median lies inside their range, so the median of these few real runs "
                 "cannot tell how far off the model is")
SPREAD_DOC = "docs/validation.md#misses-inside-the-real-runs-own-spread"
SPREAD_DONE = ("A rule of validate (compare.py: inside_real_spread; docs \"Misses inside the "
               "real runs' own spread\") names such a miss, keeps it a miss and counts it apart; "
               "no model change, since these few real runs cannot tell how far off the model is")


def inside_real_spread(r: CaseRow) -> bool:
    """A miss whose simulated median lies within [min, max] of at least three real runs that
    are themselves further apart than the tolerance ((max - min) / |real median|)."""
    if r.within or r.sim_median is None or len(r.real) < 3 or r.real_median == 0:
        return False
    lo, hi = min(r.real), max(r.real)
    return lo <= r.sim_median <= hi and (hi - lo) / abs(r.real_median) > r.tolerance


def explain(rows: Sequence[CaseRow], gaps: Sequence[Gap]) -> list[CaseRow]:
    """Each miss gets the mechanism (and ``done``) of the first matching gap; a miss no gap
    matches but that lies inside the real runs' own spread (:func:`inside_real_spread`) gets
    that reason (``gap`` = :data:`SPREAD_GAP`); the rest stay unexplained."""
    out: list[CaseRow] = []
    for r in rows:
        gap = None if r.within else find_gap(gaps, r.workload, r.setting, r.gomaxprocs,
                                               r.metric, r.rel_error)
        if gap is not None:
            out.append(replace(r, reason=gap.mechanism, gap=gap.id, doc=gap.doc, done=gap.done))
        elif inside_real_spread(r):
            out.append(replace(r, reason=SPREAD_REASON, gap=SPREAD_GAP, doc=SPREAD_DOC,
                               done=SPREAD_DONE))
        else:
            out.append(replace(r, reason=None, gap=None, doc=None, done=None) if r.reason
                       else r)
    return out


@dataclass(slots=True)
class Validation:
    """All comparison rows plus what was compared with what."""

    rows: list[CaseRow]
    meta: dict[str, Any] = field(default_factory=dict)
    #: Per case, the /sched/latencies CDFs of every real run and simulated seed (the data the
    #: sched-latency rows were read from; :mod:`goschedlab.validate.distributions`).
    cdfs: dict[Key, CaseCDF] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """Share of rows within tolerance (0 when there are no rows)."""
        return sum(r.within for r in self.rows) / len(self.rows) if self.rows else 0.0

    @property
    def misses(self) -> int:
        return sum(not r.within for r in self.rows)

    @property
    def explained(self) -> int:
        """Misses with a known model gap as reason."""
        return sum(not r.within and r.gap is not None for r in self.rows)

    @property
    def by_real_spread(self) -> int:
        """Misses explained only by the real runs' own spread (no model gap named)."""
        return sum(not r.within and r.gap == SPREAD_GAP for r in self.rows)

    @property
    def unexplained(self) -> int:
        """Misses no entry of the gaps table explains."""
        return self.misses - self.explained

    @property
    def unexplained_on_busy_host(self) -> int:
        """Unexplained misses with at least one real run taken on a busy host (measurement
        noise is the first suspect there, not the model)."""
        return sum(not r.within and r.gap is None and r.real_noisy > 0 for r in self.rows)

    @property
    def within_by_buckets(self) -> int:
        """Rows within tolerance only by the bucket-aware rule."""
        return sum(r.by_buckets for r in self.rows)

    def gap_counts(self) -> dict[str, int]:
        """Misses per gap id, in first-seen order."""
        out: dict[str, int] = {}
        for r in self.rows:
            if not r.within and r.gap is not None:
                out[r.gap] = out.get(r.gap, 0) + 1
        return out

    def score_by(self, attr: str) -> dict[str, float]:
        """Score per value of a row attribute (e.g. ``"metric"``, ``"workload"``, ``"kind"``)."""
        groups: dict[str, list[bool]] = {}
        for r in self.rows:
            groups.setdefault(str(getattr(r, attr)), []).append(r.within)
        return {k: sum(v) / len(v) for k, v in groups.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "cases": len(self.rows),
            "within": sum(r.within for r in self.rows),
            "within_by_buckets": self.within_by_buckets,
            "misses": self.misses,
            "explained": self.explained,
            "unexplained": self.unexplained,
            "explained_by_real_spread": self.by_real_spread,
            "unexplained_on_busy_host": self.unexplained_on_busy_host,
            "misses_by_gap": self.gap_counts(),
            "score_by_metric": self.score_by("metric"),
            "score_by_gomaxprocs": self.score_by("gomaxprocs"),
            "meta": self.meta,
            "rows": [r.to_json() for r in self.rows],
            "sched_latency_cdfs": [c.to_json() for c in self.cdfs.values()],
        }


def compare(real: Group, sim: Group, metrics: Sequence[Metric] = METRICS,
            meta: dict[str, Any] | None = None, gaps: Sequence[Gap] | None = None
            ) -> Validation:
    """Compare every case present on the real side (cases the simulated side lacks fail) and
    give each miss its reason from ``gaps`` (None: the shipped table; ``()``: none)."""
    rows: list[CaseRow] = []
    for key in sorted(real):
        for m in metrics:
            row = compare_case(m, key, real[key], sim.get(key, []))
            if row is not None:
                rows.append(row)
    return Validation(explain(rows, load_gaps() if gaps is None else gaps), dict(meta or {}),
                      sched_latency_cdfs(real, sim))
