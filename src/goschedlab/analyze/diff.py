"""The baseline-vs-candidate judge behind ``goschedlab diff``.

For every metric present on both sides it compares *distributions* (samples pooled over the
repetitions, i.e. files, of each side) with three checks, each giving pass / marginal / fail:

``median``
    median shift ``med(C) - med(B)`` with a seeded bootstrap 95 % CI (``scipy.stats.bootstrap``,
    percentile method, the two sides resampled independently) and a one-sided Mann-Whitney U
    test. Fail when the CI's lower end exceeds the tolerated shift ``max(floor, median_tol *
    med(B))`` and U is significant (``alpha``); marginal when only the point estimate exceeds it
    and U is at least weakly significant (``marginal_alpha``): the median of a bimodal sample
    can jump between modes from run to run without any change in the distribution.
``p99``
    tail ratio ``p99(C) / p99(B)`` with a bootstrap CI. Fail when the CI's lower end exceeds
    ``1 + tail_tol`` and the absolute increase it implies exceeds the floor; marginal on the point
    estimate. Skipped (noted) with fewer than ``min_tail_n`` samples on a side.
``spread``
    Brown-Forsythe test (``scipy.stats.levene(center="median")``) on the mean absolute deviation
    from the median, with a bootstrap CI of its ratio. Fail when significant, the CI's lower end
    shows growth by more than ``spread_tol`` and by more than the floor; marginal when the point
    estimate grew that much with only ``marginal_alpha`` significance. A variance blow-up with
    a steady median therefore fails here or in ``p99``.

Zero-heavy metrics (hurdle approach): when either side has at least ``zero_heavy`` of its samples
exactly 0 (e.g. /sched/latencies records 0 for a goroutine resuming without queueing), a
``zeros`` check compares the share of zeros (one-sided Fisher exact test: candidate has fewer)
and the three checks above run on the positive values only. The zero share failing needs a drop
of more than ``zero_tol`` *and* an expected cost ``drop * median(positive C)`` above the floor.
Reason: a median of a 60 %-zero sample is 0 on both sides and hides everything.

The absolute **floor** (per metric; durations default to 10 us, counts to 1) is the change below
which nothing fails: 5 us -> 10 us is +100 % and harmless. "Higher is worse" for every metric
(latencies, pauses, queue lengths, threads, makespan).

Repetitions: with at least ``MIN_CLUSTER_REPS`` (3) files on both sides every bootstrap
resamples whole repetitions (cluster bootstrap), so run-to-run variation widens the CIs and a
noisy setting does not fail on 20 000 pooled samples; with fewer files it resamples single
samples (which cannot see run-to-run variation: use 3+ repetitions per side in CI pipelines).
The rank and dispersion tests always see the pooled samples; a fail needs both the CI and the
test.

Determinism: each metric's bootstrap RNG is seeded from ``seed`` and the metric's name; sides
larger than ``max_samples`` are thinned (per repetition, equally) by a seeded draw without
replacement.

Rejected alternatives: comparing means (Kayenta's classic judge: blind to variance blow-ups and
dominated by outliers); a KS test alone (significant for any difference with 10^4 samples,
says nothing about direction or size); per-repetition medians only (5 points per side cannot
see tails).
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats as sps

from goschedlab.errors import UserInputError

__all__ = [
    "DiffConfig",
    "CheckResult",
    "MetricResult",
    "DiffReport",
    "default_floor",
    "compare_samples",
    "diff_samples",
    "diff_files",
]

VERDICTS = ("pass", "marginal", "fail")
DURATION_FLOOR_NS = 10_000.0


def _worst(vs: Sequence[str]) -> str:
    return max(vs, key=VERDICTS.index, default="pass")


def default_floor(metric: str) -> float:
    """Default absolute floor: 1 for counts (queue lengths, threads), 10 us for durations (ns)."""
    if metric.startswith("schedtrace.") or metric == "threads_end":
        return 1.0
    return DURATION_FLOOR_NS


def metric_unit(metric: str) -> str:
    return "count" if default_floor(metric) == 1.0 else "ns"


@dataclass(frozen=True, slots=True)
class DiffConfig:
    """Tolerances of the judge (stated defaults; each is a CLI flag of ``goschedlab diff``)."""

    median_tol: float = 0.10
    tail_tol: float = 0.25
    spread_tol: float = 0.25
    zero_tol: float = 0.05
    zero_heavy: float = 0.05
    alpha: float = 0.01
    marginal_alpha: float = 0.10
    n_resamples: int = 1000
    max_samples: int = 4000
    min_tail_n: int = 50
    min_spread_n: int = 10
    seed: int = 0
    floors: Mapping[str, float] = field(default_factory=dict)

    def floor(self, metric: str) -> float:
        return float(self.floors.get(metric, default_floor(metric)))


@dataclass(slots=True)
class CheckResult:
    """One check on one metric: its verdict, the figures behind it and a one-line reason."""

    check: str
    verdict: str
    detail: str
    values: dict[str, float]


@dataclass(slots=True)
class MetricResult:
    metric: str
    unit: str
    floor: float
    n_baseline: int
    n_candidate: int
    reps_baseline: int
    reps_candidate: int
    median_baseline: float
    median_candidate: float
    p99_baseline: float
    p99_candidate: float
    checks: list[CheckResult]
    verdict: str


@dataclass(slots=True)
class DiffReport:
    metrics: list[MetricResult]
    verdict: str
    config: dict[str, Any]

    @property
    def exit_code(self) -> int:
        return 1 if self.verdict == "fail" else 0

    def to_json(self) -> dict[str, Any]:
        def clean(x: Any) -> Any:
            if isinstance(x, float) and not math.isfinite(x):
                return None
            if isinstance(x, dict):
                return {k: clean(v) for k, v in x.items()}
            if isinstance(x, list):
                return [clean(v) for v in x]
            return x

        return clean({"verdict": self.verdict, "config": self.config,
                      "metrics": [asdict(m) for m in self.metrics]})


# ----------------------------------------------------------------------------- statistics


def _p99(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.quantile(x, 0.99, axis=axis, method="inverted_cdf")


def _mad(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mean absolute deviation from the median: the spread Brown-Forsythe compares."""
    med = np.median(x, axis=axis, keepdims=True)
    return np.mean(np.abs(x - med), axis=axis)


class _Sides:
    """Both sides of one metric: per-repetition arrays and their pooled concatenation."""

    __slots__ = ("b_reps", "c_reps", "b", "c")

    def __init__(self, b_reps: list[np.ndarray], c_reps: list[np.ndarray]) -> None:
        self.b_reps = [r for r in b_reps if len(r)] or [np.zeros(0)]
        self.c_reps = [r for r in c_reps if len(r)] or [np.zeros(0)]
        self.b = np.concatenate(self.b_reps)
        self.c = np.concatenate(self.c_reps)

    @property
    def clustered(self) -> bool:
        return min(len(self.b_reps), len(self.c_reps)) >= MIN_CLUSTER_REPS


MIN_CLUSTER_REPS = 3


def _boot_ci(sd: _Sides, stat: Any, rng: np.random.Generator,
             cfg: DiffConfig) -> tuple[float, float]:
    """Percentile bootstrap 95 % CI of ``stat(b, c, axis)`` (nan bounds -> the point estimate).

    With at least ``MIN_CLUSTER_REPS`` repetitions on both sides the bootstrap resamples whole
    repetitions (a cluster bootstrap), so run-to-run variation widens the interval; otherwise it
    resamples individual samples, which cannot see run-to-run variation.
    """
    b, c = sd.b, sd.c
    point = float(stat(b, c, -1))
    if len(b) < 2 or len(c) < 2:
        return point, point
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if sd.clustered:
            br, cr = sd.b_reps, sd.c_reps

            def cstat(ib: np.ndarray, ic: np.ndarray) -> float:
                return float(stat(np.concatenate([br[k] for k in ib]),
                                  np.concatenate([cr[k] for k in ic]), -1))

            res = sps.bootstrap(
                (np.arange(len(br)), np.arange(len(cr))), cstat, vectorized=False,
                paired=False, n_resamples=cfg.n_resamples, method="percentile", rng=rng,
            )
        else:
            res = sps.bootstrap(
                (b, c), stat, vectorized=True, paired=False, n_resamples=cfg.n_resamples,
                method="percentile", rng=rng,
                batch=max(1, min(cfg.n_resamples, 4_000_000 // (len(b) + len(c)))),
            )
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    if not math.isfinite(lo) or not math.isfinite(hi):
        return point, point
    return lo, hi


def _median_check(sd: _Sides, floor: float, cfg: DiffConfig,
                  rng: np.random.Generator) -> CheckResult:
    b, c = sd.b, sd.c
    mb, mc = float(np.median(b)), float(np.median(c))
    shift = mc - mb
    lo, hi = _boot_ci(sd, lambda x, y, axis: np.median(y, axis=axis) - np.median(x, axis=axis),
                      rng, cfg)
    if np.ptp(np.concatenate([b, c])) > 0:
        p = float(sps.mannwhitneyu(c, b, alternative="greater").pvalue)
    else:
        p = 1.0
    thr = max(floor, cfg.median_tol * abs(mb))
    vals = {"shift": shift, "ci_low": lo, "ci_high": hi, "mannwhitney_p": p, "threshold": thr,
            "relative": shift / mb if mb else math.nan}
    rel = f"{shift / mb:+.1%}" if mb else "n/a"
    txt = f"median {mb:.4g} -> {mc:.4g} ({rel}), shift CI [{lo:.4g}, {hi:.4g}], U p={p:.3g}"
    if lo > thr and p < cfg.alpha:
        return CheckResult("median", "fail", txt + f"; above tolerated {thr:.4g}", vals)
    if shift > thr and p < cfg.marginal_alpha:
        return CheckResult("median", "marginal", txt + f"; point above tolerated {thr:.4g}", vals)
    return CheckResult("median", "pass", txt, vals)


def _tail_check(sd: _Sides, floor: float, cfg: DiffConfig,
                rng: np.random.Generator) -> CheckResult:
    b, c = sd.b, sd.c
    if min(len(b), len(c)) < cfg.min_tail_n:
        return CheckResult("p99", "pass",
                           f"skipped: fewer than {cfg.min_tail_n} samples on a side",
                           {"n_min": float(min(len(b), len(c)))})
    pb, pc = float(_p99(b)), float(_p99(c))
    # Ratio against max(p99, floor): a p99 of 0 (or of a few ns) makes ratios meaningless.
    denom = max(pb, floor, 1e-300)

    def ratio(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        return _p99(y, axis) / np.maximum(_p99(x, axis), denom)

    r = pc / denom
    lo, hi = _boot_ci(sd, ratio, rng, cfg)
    inc_lo = denom * (lo - 1.0)
    vals = {"p99_ratio": r, "ci_low": lo, "ci_high": hi, "increase": pc - pb}
    txt = f"p99 {pb:.4g} -> {pc:.4g} (x{r:.3g}, CI [{lo:.3g}, {hi:.3g}])"
    lim = 1.0 + cfg.tail_tol
    if lo > lim and inc_lo > floor:
        return CheckResult("p99", "fail", txt + f"; ratio above {lim:.3g}", vals)
    if r > lim and pc - pb > floor:
        return CheckResult("p99", "marginal", txt + f"; point ratio above {lim:.3g}", vals)
    return CheckResult("p99", "pass", txt, vals)


def _spread_check(sd: _Sides, floor: float, cfg: DiffConfig,
                  rng: np.random.Generator) -> CheckResult:
    b, c = sd.b, sd.c
    if min(len(b), len(c)) < cfg.min_spread_n:
        return CheckResult("spread", "pass",
                           f"skipped: fewer than {cfg.min_spread_n} samples on a side",
                           {"n_min": float(min(len(b), len(c)))})
    sb, sc = float(_mad(b)), float(_mad(c))
    if sb == 0 and sc == 0:
        p = 1.0
    else:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            p = float(sps.levene(b, c, center="median").pvalue)
        if not math.isfinite(p):
            p = 1.0
    denom = max(sb, 1e-300)
    q = sc / denom

    def ratio(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        return _mad(y, axis) / np.maximum(_mad(x, axis), denom)

    lo, hi = _boot_ci(sd, ratio, rng, cfg)
    vals = {"spread_baseline": sb, "spread_candidate": sc, "ratio": q, "ci_low": lo,
            "ci_high": hi, "brown_forsythe_p": p}
    txt = (f"mean |x - median| {sb:.4g} -> {sc:.4g} (x{q:.3g}, CI [{lo:.3g}, {hi:.3g}]), "
           f"Brown-Forsythe p={p:.3g}")
    lim = 1.0 + cfg.spread_tol
    if lo > lim and denom * (lo - 1.0) > floor and p < cfg.alpha:
        return CheckResult("spread", "fail", txt + "; dispersion grew", vals)
    if q > lim and sc - sb > floor and p < cfg.marginal_alpha:
        return CheckResult("spread", "marginal", txt + "; dispersion grew (point)", vals)
    return CheckResult("spread", "pass", txt, vals)


def _zeros_check(b: np.ndarray, c: np.ndarray, floor: float, cfg: DiffConfig) -> CheckResult:
    zb_n, zc_n = int(np.sum(b == 0)), int(np.sum(c == 0))
    zb, zc = zb_n / len(b), zc_n / len(c)
    p = float(sps.fisher_exact([[zb_n, len(b) - zb_n], [zc_n, len(c) - zc_n]],
                               alternative="greater").pvalue)
    pos_c = c[c > 0]
    drop = zb - zc
    cost = drop * float(np.median(pos_c)) if len(pos_c) else 0.0
    vals = {"zero_share_baseline": zb, "zero_share_candidate": zc, "fisher_p": p,
            "expected_cost": cost}
    txt = f"share of zeros {zb:.1%} -> {zc:.1%}, Fisher p={p:.3g}"
    if drop > cfg.zero_tol and cost > floor and p < cfg.marginal_alpha:
        if p < cfg.alpha:
            return CheckResult("zeros", "fail", txt + "; fewer zero samples", vals)
        return CheckResult("zeros", "marginal", txt + "; fewer zeros, not significant", vals)
    return CheckResult("zeros", "pass", txt, vals)


def _thin(x: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if len(x) <= n:
        return x
    return x[np.sort(rng.choice(len(x), size=n, replace=False))]


def compare_samples(metric: str, base: Sequence[np.ndarray], cand: Sequence[np.ndarray],
                    cfg: DiffConfig | None = None) -> MetricResult:
    """Judge one metric: ``base``/``cand`` hold one sample array per repetition (file)."""
    cfg = cfg or DiffConfig()
    floor = cfg.floor(metric)
    b_reps = [np.asarray(x, dtype=np.float64).ravel() for x in base]
    c_reps = [np.asarray(x, dtype=np.float64).ravel() for x in cand]
    b_all = np.concatenate(b_reps) if b_reps else np.zeros(0)
    c_all = np.concatenate(c_reps) if c_reps else np.zeros(0)
    if not (np.all(np.isfinite(b_all)) and np.all(np.isfinite(c_all))):
        raise UserInputError(f"diff: metric {metric!r}: expected finite sample values")
    rng = np.random.default_rng([cfg.seed, zlib.crc32(metric.encode())])
    checks: list[CheckResult] = []

    def q(x: np.ndarray, f: Any) -> float:
        return float(f(x)) if len(x) else math.nan

    if len(b_all) == 0 or len(c_all) == 0:
        if len(b_all) == len(c_all):
            checks.append(CheckResult("samples", "pass", "no samples on either side", {}))
        elif len(b_all) == 0 and float(np.max(c_all)) > floor:
            checks.append(CheckResult("samples", "marginal",
                                      f"no baseline samples; candidate has {len(c_all)}", {}))
        else:
            checks.append(CheckResult("samples", "pass",
                                      f"samples only on one side ({len(b_all)} vs {len(c_all)})",
                                      {}))
    else:
        per_b = max(1, cfg.max_samples // len(b_reps))
        per_c = max(1, cfg.max_samples // len(c_reps))
        bt = [_thin(r, per_b, rng) for r in b_reps]
        ct = [_thin(r, per_c, rng) for r in c_reps]
        zero_heavy = max(np.mean(b_all == 0), np.mean(c_all == 0)) >= cfg.zero_heavy
        if zero_heavy:
            checks.append(_zeros_check(b_all, c_all, floor, cfg))
            bt = [r[r > 0] for r in bt]
            ct = [r[r > 0] for r in ct]
        sd = _Sides(bt, ct)
        if len(sd.b) and len(sd.c):
            checks.append(_median_check(sd, floor, cfg, rng))
            checks.append(_tail_check(sd, floor, cfg, rng))
            checks.append(_spread_check(sd, floor, cfg, rng))
    return MetricResult(
        metric=metric, unit=metric_unit(metric), floor=floor,
        n_baseline=len(b_all), n_candidate=len(c_all),
        reps_baseline=len(base), reps_candidate=len(cand),
        median_baseline=q(b_all, np.median), median_candidate=q(c_all, np.median),
        p99_baseline=q(b_all, _p99), p99_candidate=q(c_all, _p99),
        checks=checks, verdict=_worst([ch.verdict for ch in checks]),
    )


def diff_samples(base: Sequence[Mapping[str, np.ndarray]], cand: Sequence[Mapping[str, np.ndarray]],
                 metrics: Sequence[str] | None = None,
                 cfg: DiffConfig | None = None) -> DiffReport:
    """Judge every metric common to all repetitions of both sides (or the named ``metrics``)."""
    cfg = cfg or DiffConfig()
    common = set.intersection(*(set(s) for s in [*base, *cand])) if base and cand else set()
    if metrics:
        missing = [m for m in metrics if m not in common]
        if missing:
            raise UserInputError(
                f"--metric {missing[0]!r}: expected a metric present in every file on both "
                f"sides; available: {', '.join(sorted(common)) or 'none'}"
            )
        names = list(metrics)
    else:
        names = sorted(common)
    if not names:
        raise UserInputError("diff: expected at least one metric present in every baseline and "
                             "candidate file; found none in common")
    results = [compare_samples(m, [s[m] for s in base], [s[m] for s in cand], cfg) for m in names]
    conf = asdict(cfg)
    conf["floors"] = {m.metric: m.floor for m in results}
    return DiffReport(results, _worst([r.verdict for r in results]), conf)


def diff_files(baseline: Sequence[str | Path], candidate: Sequence[str | Path],
               metrics: Sequence[str] | None = None, cfg: DiffConfig | None = None) -> DiffReport:
    """Load each file (any format :func:`goschedlab.analyze.load` reads) and judge them."""
    from goschedlab.analyze.loader import load

    if not baseline or not candidate:
        raise UserInputError("diff: expected at least one baseline and one candidate file")
    base = [load(p).samples for p in baseline]
    cand = [load(p).samples for p in candidate]
    return diff_samples(base, cand, metrics, cfg)
