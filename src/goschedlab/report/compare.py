"""``goschedlab compare``: every policy on the same seeds, a benchstat-like table.

Each (policy, seed) pair is one simulated run (:func:`run_one`, a top-level function so worker
processes can import it).  A run yields scalar metrics; per policy and metric the table shows
the median over seeds with a 95 % percentile-bootstrap CI, and for every policy but the first
(the baseline) the change of the median in % with its bootstrap CI and a two-sided
Mann-Whitney U test (the test benchstat uses; significant when p < ``ALPHA``).

Determinism: runs are keyed by (policy, seed) and collected in that order whatever the
completion order; each bootstrap RNG is seeded from the metric name, so the same arguments
give the same table.  ``goschedlab.analyze`` has no public per-scalar CI function (its diff
judge works on pooled sample distributions), so the two small helpers here call scipy directly.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from goschedlab import fileio
from goschedlab.errors import UserInputError


def _sps() -> Any:
    """scipy.stats, imported on first use (it costs ~0.4 s of every CLI start otherwise)."""
    from scipy import stats

    return stats

ALPHA = 0.05
N_RESAMPLES = 2000
STAT_METHOD = (
    "median over seeds, 95 % percentile-bootstrap CI (2000 resamples); change = ratio of "
    "medians - 1 with a two-sample bootstrap CI; significance: two-sided Mann-Whitney U, "
    f"p < {ALPHA}"
)


@dataclass(frozen=True)
class RunSpec:
    """One simulated run: a workload under one policy and one seed."""

    workload: str
    policy: str
    seed: int
    gomaxprocs: int = 2
    setting: str | None = None
    overrides: tuple[tuple[str, str], ...] = ()
    numa_nodes: int | None = None
    maxmcount: int | None = None
    series: tuple[str, ...] = ()
    """Extra latency series whose n/mean/p50/p99 become metrics ``<series>.<stat>``."""
    keep: tuple[str, ...] = ()
    """Top-level result keys returned in the details of :func:`run_full`."""
    allow_death: bool = False
    """A run that dies like Go (thread limit, deadlock) is a result, not an error."""


def _config_extra(spec: RunSpec, policy: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {"policy": policy}
    if spec.numa_nodes is not None:
        extra["numa_nodes"] = spec.numa_nodes
    if spec.maxmcount is not None:
        extra["maxmcount"] = spec.maxmcount
    return extra


def run_full(spec: RunSpec) -> tuple[dict[str, float], dict[str, Any]]:
    """Simulate ``spec``: (scalar metrics, details).  Details: ``latency`` (every series'
    summary incl. its sparse histogram), ``result`` keys the caller listed in ``spec.keep``,
    and ``fatal`` (Go's stderr lines) when ``spec.allow_death`` and the program died (then
    the metrics are just ``{"died": 1.0}``)."""
    from goschedlab import policies
    from goschedlab.workloads import builtin_registry, simulate
    from goschedlab.workloads.driver import SimulatedProgramDied

    pol = policies.get(spec.policy)
    sc = builtin_registry().get(spec.workload)
    overrides = dict(spec.overrides)
    if "seed" in {p.name for p in sc.params} and "seed" not in overrides:
        overrides["seed"] = str(spec.seed)  # arrivals vary with the seed too, same per policy
    try:
        out = simulate(
            spec.workload,
            setting=spec.setting,
            overrides=overrides,
            gomaxprocs=spec.gomaxprocs,
            seed=spec.seed,
            config_extra=_config_extra(spec, pol),
        )
    except SimulatedProgramDied as e:
        if not spec.allow_death:
            raise
        return {"died": 1.0}, {"fatal": list(e.lines)}
    m = metrics_of(out, sc.primary, spec.series)
    if spec.allow_death:
        m["died"] = 0.0
    details: dict[str, Any] = {"latency": out.result.get("latency", {})}
    gc = getattr(out.runtime, "gc", None)
    cycles = getattr(gc, "cycles", None) or []
    details["gc_pauses_ns"] = [int(c.pause_ns) for c in cycles]  # both STWs of each cycle
    for k in spec.keep:
        details[k] = out.result.get(k)
    return m, details


def run_one(spec: RunSpec) -> dict[str, float]:
    """Simulate ``spec`` and return its scalar metrics (ns, counts, rates)."""
    return run_full(spec)[0]


def metrics_of(out: Any, primary: str, series: Sequence[str] = ()) -> dict[str, float]:
    """The scalar metrics of one simulated run (see :data:`METRIC_HELP`)."""
    res = out.result
    m: dict[str, float] = {}
    for name in series:
        s = res.get("latency", {}).get(name)
        if s:
            for k in ("n", "mean_ns", "p50_ns", "p99_ns"):
                m[f"{name}.{k}"] = float(s[k])
    for k in ("ns_per_roundtrip", "threads_end"):
        if isinstance(res.get(k), int | float):
            m[k] = float(res[k])
    mk = float(res["makespan_ns"])
    m["makespan_ns"] = mk
    lat = res.get("latency", {}).get(primary)
    if lat:
        m["p50_ns"] = float(lat["p50_ns"])
        m["p99_ns"] = float(lat["p99_ns"])
        if lat.get("n") and mk > 0:
            m["throughput_per_s"] = lat["n"] / (mk / 1e9)
    st = out.run.stats.as_dict()
    for k in ("steal_attempts", "steal_successes", "gs_stolen", "spin_ns", "context_switches",
              "threads_created", "steal_ns", "sched_ns", "migrations_local", "migrations_remote"):
        if k in st:
            m[k] = float(st[k])
    pol = getattr(out.runtime, "policy", None)
    pst = pol.statistics() if pol is not None and hasattr(pol, "statistics") else {}
    for k, v in pst.items():
        m[k] = float(v)
    n_att = pst.get("policy_steal_attempts") or st.get("steal_attempts") or 0
    steal_ns = pst.get("policy_steal_ns", st.get("steal_ns"))
    if steal_ns is not None and n_att:
        m["steal_latency_ns"] = steal_ns / n_att
    if "spin_ns" in m:
        m["spin_cpu_ns"] = m["spin_ns"] + m.get("backoff_ns", 0.0)
    return m


METRIC_HELP = {
    "makespan_ns": "T1 - T0 of the workload (virtual ns)",
    "p50_ns": "median of the workload's primary latency series",
    "p99_ns": "p99 of the workload's primary latency series",
    "throughput_per_s": "primary-series items per second of makespan",
    "steal_latency_ns": "modelled thief time per steal attempt (probe + policy's extra)",
    "steal_attempts": "stealWork attempts on non-idle victims",
    "steal_successes": "attempts that returned a G",
    "gs_stolen": "Gs moved by stealing",
    "spin_ns": "time Ms spent spinning (M spinning time)",
    "spin_cpu_ns": "spinning + back-off CPU (spin_ns + backoff_ns)",
    "sched_ns": "scheduler CPU overhead charged to Ms",
    "migrations_local": "G ran on a different P of the same NUMA node",
    "migrations_remote": "G ran on a P of another NUMA node",
}


# --------------------------------------------------------------------------- statistics
def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


def median_ci(values: Sequence[float], name: str = "") -> tuple[float, float, float]:
    """(median, low, high) with a 95 % percentile-bootstrap CI (point CI if < 2 values or
    no spread)."""
    x = np.asarray(values, dtype=np.float64)
    med = float(np.median(x)) if len(x) else math.nan
    if len(x) < 2 or np.ptp(x) == 0:
        return med, med, med
    res = _sps().bootstrap((x,), np.median, n_resamples=N_RESAMPLES, method="percentile",
                        rng=_rng(name), vectorized=True)
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return med, (lo if math.isfinite(lo) else med), (hi if math.isfinite(hi) else med)


def change_ci(base: Sequence[float], cand: Sequence[float],
              name: str = "") -> tuple[float, float, float, float]:
    """(change, low, high, p): median(cand)/median(base) - 1 with a bootstrap 95 % CI, and the
    two-sided Mann-Whitney U p-value (1.0 when the samples do not differ at all)."""
    b = np.asarray(base, dtype=np.float64)
    c = np.asarray(cand, dtype=np.float64)
    mb, mc = float(np.median(b)), float(np.median(c))
    if mb == 0:
        return math.nan, math.nan, math.nan, 1.0
    ch = mc / mb - 1.0
    if np.ptp(np.concatenate([b, c])) == 0:
        return ch, ch, ch, 1.0
    p = float(_sps().mannwhitneyu(c, b, alternative="two-sided").pvalue)
    if len(b) < 2 or len(c) < 2:
        return ch, ch, ch, p

    def stat(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.median(y, axis=axis) / np.median(x, axis=axis) - 1.0

    with np.errstate(all="ignore"):
        res = _sps().bootstrap((b, c), stat, n_resamples=N_RESAMPLES, method="percentile",
                            rng=_rng("change:" + name), vectorized=True, paired=False)
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return ch, (lo if math.isfinite(lo) else ch), (hi if math.isfinite(hi) else ch), p


# --------------------------------------------------------------------------- the comparison
@dataclass
class MetricRow:
    """One table row: a metric's per-policy median/CI and the change vs the baseline."""

    metric: str
    per_policy: dict[str, tuple[float, float, float]]
    change: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)

    def significant(self, policy: str) -> bool:
        c = self.change.get(policy)
        return c is not None and c[3] < ALPHA


@dataclass
class CompareResult:
    """Everything ``compare`` measured: raw per-run metrics and the table rows."""

    workload: str
    policies: list[str]
    seeds: list[int]
    gomaxprocs: int
    setting: str | None
    overrides: dict[str, str]
    runs: dict[str, list[dict[str, float]]]
    rows: list[MetricRow]
    method: str = STAT_METHOD

    def values(self, policy: str, metric: str) -> list[float]:
        return [r[metric] for r in self.runs[policy] if metric in r]

    def row(self, metric: str) -> MetricRow:
        for r in self.rows:
            if r.metric == metric:
                return r
        raise KeyError(metric)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["rows"] = [
            {
                "metric": r.metric,
                "per_policy": {p: dict(zip(("median", "ci_low", "ci_high"), v, strict=True))
                               for p, v in r.per_policy.items()},
                "change_vs_baseline": {
                    p: {"change": v[0], "ci_low": v[1], "ci_high": v[2], "mannwhitney_p": v[3],
                        "significant": v[3] < ALPHA}
                    for p, v in r.change.items()
                },
            }
            for r in self.rows
        ]
        d["baseline"] = self.policies[0]
        return d

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["metric", "policy", "median", "ci_low", "ci_high", "change", "change_ci_low",
                    "change_ci_high", "mannwhitney_p", "significant"])
        for r in self.rows:
            for p in self.policies:
                if p not in r.per_policy:
                    continue
                med, lo, hi = r.per_policy[p]
                ch = r.change.get(p)
                if ch is None:
                    w.writerow([r.metric, p, med, lo, hi, "", "", "", "", ""])
                else:
                    w.writerow([r.metric, p, med, lo, hi, ch[0], ch[1], ch[2], ch[3],
                                ch[3] < ALPHA])
        return buf.getvalue()


def parse_sets(items: Sequence[str]) -> dict[str, str]:
    """``["k=v", ...]`` -> dict; a malformed item raises a one-line UserInputError."""
    out: dict[str, str] = {}
    for it in items:
        k, sep, v = it.partition("=")
        if not sep or not k.strip():
            raise UserInputError(f"--set: expected key=value, got {it!r}")
        out[k.strip()] = v.strip()
    return out


def run_specs(specs: Sequence[RunSpec], jobs: int = 1,
              progress: Callable[[int], None] | None = None,
              fn: Callable[[RunSpec], Any] = run_one) -> list[Any]:
    """Run ``fn`` on every spec (in worker processes if ``jobs`` > 1); results in ``specs``
    order."""
    results: list[Any] = [None] * len(specs)
    if jobs <= 1 or len(specs) <= 1:
        for i, s in enumerate(specs):
            results[i] = fn(s)
            if progress:
                progress(1)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            futs = {ex.submit(fn, s): i for i, s in enumerate(specs)}
            from concurrent.futures import as_completed

            for f in as_completed(futs):
                results[futs[f]] = f.result()
                if progress:
                    progress(1)
    return results


def build_rows(policies: Sequence[str], runs: Mapping[str, list[dict[str, float]]],
               metrics: Sequence[str] | None = None) -> list[MetricRow]:
    """Table rows for every metric all policies report (``metrics`` restricts/orders them)."""
    base = policies[0]
    names: list[str] = []
    for p in policies:
        for r in runs[p]:
            for k in r:
                if k not in names:
                    names.append(k)
    if metrics is not None:
        names = [m for m in metrics if m in names]
    rows = []
    for mname in names:
        per = {}
        for p in policies:
            v = [r[mname] for r in runs[p] if mname in r]
            if v:
                per[p] = median_ci(v, f"{p}:{mname}")
        row = MetricRow(mname, per)
        bv = [r[mname] for r in runs[base] if mname in r]
        for p in policies[1:]:
            cv = [r[mname] for r in runs[p] if mname in r]
            if bv and cv:
                row.change[p] = change_ci(bv, cv, f"{p}:{mname}")
        rows.append(row)
    return rows


def compare(workload: str, policies: Sequence[str], seeds: Sequence[int], *,
            gomaxprocs: int = 2, setting: str | None = None,
            overrides: Mapping[str, str] | None = None, numa_nodes: int | None = None,
            jobs: int = 1, progress: Callable[[int], None] | None = None,
            metrics: Sequence[str] | None = None) -> CompareResult:
    """Run ``workload`` under every policy on every seed and build the comparison table."""
    from goschedlab import policies as registry
    from goschedlab.workloads import builtin_registry

    if not policies:
        raise UserInputError("--policies: expected at least one policy name")
    pols = list(dict.fromkeys(p.strip() for p in policies if p.strip()))
    for p in pols:
        registry.get(p)  # validates names and parameters before any worker starts
    builtin_registry().get(workload)
    if numa_nodes is not None:
        if numa_nodes < 1:
            raise UserInputError(f"--numa: expected a node count >= 1, got {numa_nodes}")
    ov = tuple(sorted((overrides or {}).items()))
    specs = [RunSpec(workload, p, s, gomaxprocs, setting, ov, numa_nodes)
             for p in pols for s in seeds]
    flat = run_specs(specs, jobs, progress)
    runs: dict[str, list[dict[str, float]]] = {p: [] for p in pols}
    for sp, r in zip(specs, flat, strict=True):
        runs[sp.policy].append(r)
    return CompareResult(workload, pols, list(seeds), gomaxprocs, setting, dict(ov), runs,
                         build_rows(pols, runs, metrics))


def default_jobs() -> int:
    """Worker processes: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same directory + rename."""
    fileio.write_atomic(path, text)


def write_json_atomic(path: str | Path, obj: Any) -> None:
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=False, default=float) + "\n")
