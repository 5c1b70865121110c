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
#: ``--real corpus``: the shipped reference corpus measured for Go ``go``.
CORPUS = "corpus"


def machine_costs(tc: object, progress: Callable[[str], None] | None = None) -> tuple[object, Path]:
    """The cost model fitted on THIS machine (``goschedlab calibrate``), cached per Go release
    and CPU: real runs made here are compared with a simulator that has this machine's costs
    (the shipped defaults describe the reference corpus's machine).  Returns (Costs, TOML path).
    """
    import hashlib
    import os
    import platform

    from goschedlab.realgo import cache_dir
    from goschedlab.runtime.costs import load_costs
    from goschedlab.validate.calibrate import (
        fallback_warnings,
        fit_costs,
        noisy_runs,
        refine_with_simulator,
        run_calibration,
        write_costs,
    )

    cpu = ""
    try:
        cpu = "".join(
            ln for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith(("model name", "cpu family", "model\t", "stepping"))
        )
    except OSError:
        pass
    # The fit depends on the machine AND on the model (the rules subtract the model's other
    # costs; unmeasured parameters keep the model's defaults): a new model version or changed
    # defaults invalidate a cached fit.
    from dataclasses import asdict

    from goschedlab import __version__
    from goschedlab.realgo.programs import source_hash
    from goschedlab.runtime.costs import Costs

    # ... and on the calibrate program and the fit's rules (a new measurement or a changed
    # rule must refit).
    from goschedlab.validate import calibrate as fit_rules

    rules = hashlib.sha256(Path(fit_rules.__file__).read_bytes()).hexdigest()[:16]
    model = f"{__version__}|{sorted(asdict(Costs()).items())}|{source_hash()}|{rules}"
    key = hashlib.sha256(
        f"{cpu}|{os.cpu_count()}|{platform.machine()}|{model}".encode()
    ).hexdigest()[:12]
    version = getattr(tc, "version", "?")
    path = cache_dir() / "calibration" / f"go{version}-{key}.toml"
    if not path.is_file():
        if progress:
            progress(f"calibrating the cost model on this machine (go{version}) -> {path}")
        # three runs per GOMAXPROCS: the fit takes the median, so one run disturbed by another
        # process on the host does not become the machine's cost model
        runs = run_calibration(tc, (1, 2), reps=3, attempts=3)
        fit = refine_with_simulator(fit_costs(runs), runs)
        if progress:
            for line in fallback_warnings(fit):
                progress(line)
        header = [f"goschedlab validate: cost model fit for go{version} on "
                  f"{platform.node()} (cpu key {key})"]
        noisy = noisy_runs(runs)
        if noisy > 1:
            # a fit from a loaded host (e.g. an idle-P wake-up of 1.4 ms instead of 0.1 ms)
            # must not become this machine's cost model: use it once, do not cache it
            busy = path.with_name(path.stem + ".busy-host.toml")  # never read as the cache
            path.parent.mkdir(parents=True, exist_ok=True)
            write_costs(busy, fit, [*header, f"NOT CACHED: {noisy} of 6 runs on a busy host"])
            if progress:
                progress(f"host busy during {noisy} of 6 calibrate runs: this fit is used for "
                         f"this run only, not cached ({busy})")
            return load_costs(busy), busy
        path.parent.mkdir(parents=True, exist_ok=True)
        write_costs(path, fit, header)
    costs = load_costs(path)
    return costs, path


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
    calibrate: bool = True,
    progress: Callable[[str], None] | None = None,
    gaps: str | Path | None = None,
) -> Validation:
    """Compare real Go with the simulator (or with another results tree).

    ``real``: ``"run"`` or None (run our Go programs now with Go ``go``, ``reps`` times,
    repeating a run on a busy host up to ``attempts`` runs), ``"corpus"`` (the shipped
    reference corpus of Go ``go``) or a results tree.  With real runs made now and no
    ``costs``, the simulator uses the cost model fitted on this machine (:func:`machine_costs`;
    ``calibrate=False``: the shipped defaults).
    ``sim``: a results tree to use instead of the simulator (only cases present on both sides
    are compared); otherwise ``simulate`` (default: the project's simulator) runs ``seeds``
    seeds per case on each real case's own params and GOMAXPROCS; a simulator exception fails
    that case with the error as its note (``strict``: it propagates).  ``costs``: a costs TOML
    (``goschedlab calibrate --out``) for the simulator -- needed when the real side was
    measured on another machine than the one the default costs describe.
    ``gaps``: the known-model-gaps table that gives each miss its reason -- None: the shipped
    table (:mod:`goschedlab.validate.gaps`) when the simulated side is the simulator, none for
    a ``sim`` results tree (the table describes goschedlab's model, not another Go release);
    ``"none"``: no reasons; otherwise a TOML file in the shipped table's format.
    """
    from goschedlab.validate.gaps import load_gaps
    from goschedlab.validate.machine import describe_machine, machine_line, read_machine

    if gaps is None:
        gap_table = () if sim is not None else load_gaps()
    elif str(gaps) == "none":
        gap_table = ()
    else:
        gap_table = load_gaps(Path(gaps))
    if reps < 1 or seeds < 1:
        raise UserInputError("--reps and --seeds must be at least 1")
    if not gomaxprocs or any(g < 1 for g in gomaxprocs):
        raise UserInputError("--gomaxprocs: expected a comma list of positive integers, e.g. 1,2")
    sel = parse_selection(workloads)
    if real is None:
        real = RUN
    elif str(real) == CORPUS:
        shipped = shipped_results(go)
        if shipped is None:
            raise UserInputError(f"--real corpus: no shipped reference corpus for go{go}")
        real = shipped
    meta: dict[str, object] = {
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "gomaxprocs": list(gomaxprocs),
        "reps": reps,
        "workloads": workloads or "all",
    }
    real_group: Group
    machine_cost_model = None
    if str(real) == RUN:
        from goschedlab.realgo import ensure_go

        tc = ensure_go(go)
        if costs is None and sim is None and simulate is None and calibrate:
            machine_cost_model, cpath = machine_costs(tc, progress)
            meta["costs"] = f"fitted on this machine: {cpath}"
        real_group = run_real(tc, sel, gomaxprocs, reps, attempts=attempts, save_dir=save_real,
                              progress=progress)
        meta["real"] = f"our Go programs run now with go{tc.version}"
        meta["machine"] = machine_line(describe_machine(f"go{tc.version}"))
    else:
        real_group = load_dir(Path(real), sel, gomaxprocs, reps)
        meta["real"] = f"results tree {real}"
        meta["machine"] = machine_line(read_machine(Path(real)))
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
        cost_model = machine_cost_model
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
    meta["gaps"] = ("none" if not gap_table else
                    f"{len(gap_table)} known model gaps from "
                    f"{'goschedlab/validate/gaps.toml' if gaps is None else gaps}")
    return compare(real_group, sim_group, meta=meta, gaps=gap_table)
