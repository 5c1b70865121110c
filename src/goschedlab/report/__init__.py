"""Policies side by side (``goschedlab compare``) and the hotfix write-up rerun on the model
(``goschedlab reproduce``).

What it models
    Nothing of Go itself: this package runs the runtime model (``goschedlab.runtime`` through
    ``goschedlab.workloads.simulate``) under scheduler policies (``goschedlab.policies``) on
    many seeds and turns the runs into statistics, tables, plots and verdicts.  The claims it
    checks are the hotfix write-up's (an unverified "Go 1.23.1 patch"); the reference for
    what Go 1.23.1 really does is its runtime source (src/runtime/proc.go), as the model.

Main objects
    * :mod:`.compare` - :class:`~.compare.RunSpec` (one run: workload, policy spec, seed,
      GOMAXPROCS, setting, overrides, NUMA nodes, thread limit), :func:`~.compare.run_full`
      (one run -> scalar metrics + details), :func:`~.compare.compare` (policies x seeds in
      worker processes -> :class:`~.compare.CompareResult` with benchstat-like rows),
      :func:`~.compare.median_ci` / :func:`~.compare.change_ci` (bootstrap CIs, Mann-Whitney U).
    * :mod:`.reproduce` - one function per write-up experiment (:data:`~.reproduce.EXPERIMENTS`)
      returning a :class:`~.render.Section`; :func:`~.reproduce.reproduce` writes the report.
    * :mod:`.render` - Section/TableData/Plot -> report.md and a self-contained report.html.

Invariants
    * Deterministic: the same arguments give byte-identical tables (runs are keyed by
      (policy, seed) and gathered in that order; bootstrap RNGs are seeded by metric name);
      ``jobs`` changes only the wall time.
    * Every policy of a comparison runs on the same seeds (same arrivals, same steal-order
      randomness stream), so differences come from the policy.
    * A section's verdict is one of reproduced / contradicted / not comparable / not
      available; "not available" always names the missing model feature, never shows numbers.
    * Output files are written to a temp file in the target directory and renamed.

Rejected alternatives
    Comparing means with t-tests (latency metrics are skewed; benchstat's medians with a
    Mann-Whitney U test are what Go performance engineers read); a single pooled run per
    policy (no run-to-run spread, hence no CI); templating the HTML with a third-party
    engine (one small escaping renderer keeps the report dependency-free and self-contained).
"""
