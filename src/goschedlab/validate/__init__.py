"""Validation of the simulator against the real Go runtime (``goschedlab validate/calibrate``).

What it models: nothing of the scheduler itself -- it *measures* the model.  For every
reference workload, setting and GOMAXPROCS it gathers real runs (the shipped reference corpus,
another results tree, or goschedlab's own Go programs run now via :mod:`goschedlab.realgo`) and
simulated runs (the simulator over several seeds, or another results tree), and compares
per metric: makespan; ``/sched/latencies:seconds`` p50/p90/p99 (Go's timeHistogram buckets, the
runtime's 1-in-8 sampling, read as bucket upper bounds); the workload's primary request latency
p50/p99; threads; GC pause count and p99.

Main objects:

* :func:`goschedlab.validate.api.run_validation` -- one call, what the CLI does.
* ``sources``: a *group* ``{(workload, setting, gomaxprocs): [run, ...]}`` from a results tree
  (:func:`load_dir`), a real run (:func:`run_real`) or a :data:`Simulator` callable
  ``simulate(workload, params, gomaxprocs, seed) -> run dict`` (:func:`simulate_group`).
* ``metrics``: :data:`METRICS`, each a reader of one run JSON plus its tolerance.
* ``compare``: :class:`CaseRow` (real/sim medians, max/min spreads, relative error, verdict)
  and :class:`Validation` (rows, ``score`` = share within tolerance).
* ``gaps``: the shipped table of known model gaps (``gaps.toml``) that gives every miss its
  reason -- the mechanism real Go or the OS has that the model lacks -- or leaves it
  "unexplained"; the report counts "N misses, M explained, K unexplained".
* ``render``: rich table, ``--json`` file, self-contained HTML page with matplotlib plots.
* ``calibrate``: runs our calibrate program and fits :class:`goschedlab.runtime.costs.Costs`.

Invariants: both sides are read by the same metric functions (a simulated run must use the
corpus JSON layout); relative error = (sim median - real median) / real median; a case the
simulated side lacks counts as a miss, never silently drops out (except with ``--sim DIR``,
where only cases both trees have are compared); ``score`` = within / rows; a histogram
quantile is within tolerance also when real and simulated medians are in the same or adjacent
Go timeHistogram bucket and that step is wider than the tolerance (``metrics.BUCKET_RULE``;
such rows carry ``by_buckets``); a row within tolerance never carries a reason.

Rejected alternatives: comparing means (latency tails are what the scheduler decides, and
medians over repetitions are robust to one noisy run); comparing against the run-to-run spread
only (the issue's targets are fixed tolerances; spreads are reported beside them); fitting
costs per workload (costs are global machine/runtime parameters, see ``calibrate``).

Follows the reference corpus of Go 1.23.1 (``data/refcorpus``: its README's JSON fields,
percentiles and histogram conventions), runtime/metrics and runtime/histogram.go.
"""

from goschedlab.validate.api import run_validation
from goschedlab.validate.compare import CaseRow, Validation, compare
from goschedlab.validate.gaps import Gap, load_gaps
from goschedlab.validate.metrics import METRICS, Metric
from goschedlab.validate.sources import (
    Simulator,
    load_dir,
    load_simulator,
    run_real,
    shipped_results,
    simulate_group,
)

__all__ = [
    "METRICS", "CaseRow", "Gap", "Metric", "Simulator", "Validation", "compare", "load_dir",
    "load_gaps",
    "load_simulator", "run_real", "run_validation", "shipped_results", "simulate_group",
]
