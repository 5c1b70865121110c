"""One-call entry point: :func:`run_validation` (what ``goschedlab validate`` does)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from pathlib import Path

from goschedlab.errors import UserInputError
from goschedlab.validate.compare import Validation, compare
from goschedlab.validate.sources import (
    SIM_ERROR,
    Group,
    Simulator,
    host_verdict,
    load_dir,
    load_simulator,
    parse_selection,
    run_real,
    shipped_results,
    simulate_group,
)

#: ``--real run``: measure now with our Go programs instead of reading a results tree.
RUN = "run"


def run_validation(
    *,
    go: str = "1.23.1",
    workloads: str | None = None,
    reps: int = 3,
    gomaxprocs: Sequence[int] = (1, 2),
    real: str | Path | None = None,
    sim: str | Path | None = None,
    simulate: Simulator | None = None,
    seeds: int = 3,
    save_real: Path | None = None,
    strict: bool = False,
    attempts: int = 3,
    costs: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Validation:
    """Compare real Go with the simulator (or with another results tree).

    ``real``: a results tree, ``"run"`` (run our Go programs now with Go ``go``, ``reps``
    times, repeating a run on a busy host up to ``attempts`` runs), or None = the shipped
    reference corpus of Go ``go`` when there is one, else run.
    ``sim``: a results tree to use instead of the simulator (only cases present on both sides
    are compared); otherwise ``simulate`` (default: the project's simulator) runs ``seeds``
    seeds per case on each real case's own params and GOMAXPROCS; a simulator exception fails
    that case with the error as its note (``strict``: it propagates).  ``costs``: a costs TOML
    (``goschedlab calibrate --out``) for the simulator -- needed when the real side was
    measured on another machine than the one the default costs describe.
    """
    if reps < 1 or seeds < 1:
        raise UserInputError("--reps and --seeds must be at least 1")
    if not gomaxprocs or any(g < 1 for g in gomaxprocs):
        raise UserInputError("--gomaxprocs: expected a comma list of positive integers, e.g. 1,2")
    sel = parse_selection(workloads)
    if real is None:
        shipped = shipped_results(go)
        real = shipped if shipped is not None else RUN
    meta: dict[str, object] = {
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "gomaxprocs": list(gomaxprocs),
        "reps": reps,
        "workloads": workloads or "all",
    }
    real_group: Group
    if str(real) == RUN:
        from goschedlab.realgo import ensure_go

        tc = ensure_go(go)
        real_group = run_real(tc, sel, gomaxprocs, reps, attempts=attempts, save_dir=save_real,
                              progress=progress)
        meta["real"] = f"our Go programs run now with go{tc.version}"
    else:
        real_group = load_dir(Path(real), sel, gomaxprocs, reps)
        meta["real"] = f"results tree {real}"
    meta["real_runs_on_noisy_host"] = sum(
        host_verdict(r) == "noisy" for runs in real_group.values() for r in runs
    )
    if sim is not None:
        other = load_dir(Path(sim), sel, gomaxprocs)
        dropped = [k for k in real_group if k not in other]
        real_group = {k: v for k, v in real_group.items() if k in other}
        if not real_group:
            raise UserInputError(f"--sim {sim}: no case in common with the real side")
        meta["sim"] = f"results tree {sim} (all repetitions)"
        meta["cases_without_counterpart"] = len(dropped)
        sim_group = other
    else:
        cost_model = None
        if costs is not None:
            from goschedlab.runtime.costs import load_costs

            cost_model = load_costs(costs)
            meta["costs"] = str(costs)
        fn = simulate or load_simulator(cost_model)
        sim_group = simulate_group(fn, real_group, seeds, strict=strict, progress=progress)
        meta["sim"] = f"goschedlab simulator, seeds 1..{seeds}"
        meta["simulator_failures"] = sum(
            SIM_ERROR in r for runs in sim_group.values() for r in runs
        )
    return compare(real_group, sim_group, meta=meta)
