"""``goschedlab validate`` and ``goschedlab calibrate``."""

from __future__ import annotations

import datetime as _dt
import platform
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from goschedlab.errors import UserInputError


def _gmps(text: str) -> list[int]:
    try:
        vals = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise UserInputError(
            f"--gomaxprocs {text!r}: expected a comma list of positive integers, e.g. 1,2"
        ) from None
    if not vals or any(v < 1 for v in vals):
        raise UserInputError(f"--gomaxprocs {text!r}: expected positive integers, e.g. 1,2")
    return vals


def validate_command(
    go: str = typer.Option("1.23.1", "--go", help="Go release of the real side."),
    workloads: str = typer.Option(
        "", "--workloads", help="Comma list of workload or workload/setting (default: all)."
    ),
    reps: int = typer.Option(3, "--reps", help="Real repetitions per case (run, or first N)."),
    gomaxprocs: str = typer.Option("1,2", "--gomaxprocs", help="GOMAXPROCS values, e.g. 1,2."),
    real: str = typer.Option(
        "", "--real",
        help="'run' (default): run our Go programs now; 'corpus': the shipped reference corpus "
        "of --go; or a results tree <workload>/<setting>-gmp<N>-rep<K>.json.",
    ),
    sim: str = typer.Option(
        "", "--sim", help="Compare against this results tree instead of the simulator."
    ),
    seeds: int = typer.Option(3, "--seeds", help="Simulator seeds per case."),
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write per-case rows and score here.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML page with plots here.")
    ] = None,
    save_real: Annotated[
        Path | None,
        typer.Option("--save-real", help="With --real run: also write each run here."),
    ] = None,
    attempts: int = typer.Option(
        3, "--attempts", help="With --real run: runs per repetition while the host is busy."
    ),
    costs: Annotated[
        Path | None,
        typer.Option("--costs", help="Costs TOML for the simulator (goschedlab calibrate)."),
    ] = None,
    misses: bool = typer.Option(False, "--misses", help="Table: show only cases out of tolerance."),
    gaps: str = typer.Option(
        "", "--gaps",
        help="Known-model-gaps table giving each miss its reason: a TOML file in the format of "
        "goschedlab/validate/gaps.toml, or 'none' (default: the shipped table; none with --sim).",
    ),
    calibrate: bool = typer.Option(
        True, "--calibrate/--no-calibrate",
        help="With real runs made now and no --costs: simulate with the cost model fitted on "
        "this machine (goschedlab calibrate, cached) instead of the shipped defaults.",
    ),
    cdf: Annotated[
        list[str] | None,
        typer.Option(
            "--cdf",
            help="Also print this case's whole /sched/latencies CDF, every real run against "
            "every simulated seed: WORKLOAD/SETTING/GOMAXPROCS, e.g. pingpong/spin/2 "
            "(repeatable).",
        ),
    ] = None,
) -> None:
    """Measure the simulator against real Go: per workload, setting, GOMAXPROCS and metric
    (makespan; /sched/latencies p50/p90/p99; request latency p50/p99; threads; GC pause count and
    p99) the real and simulated medians and spreads, the relative error and whether it is within
    tolerance (makespan 5 %, latencies 25 %, counts 25 % or 1); prints the table and the score
    (share of cases within tolerance).

    Histogram quantiles (sched latency p50/p90/p99, GC pause p99) are bucket upper bounds of
    Go's timeHistogram, so they also pass when real and simulated medians lie in the same or
    adjacent bucket AND that one-bucket step is wider than the tolerance (below 512 ns, where
    Go's buckets are 64 ns wide); such rows say "yes~".

    --cdf W/S/G prints a case's whole /sched/latencies distribution (real runs against seeds),
    and the --html page draws it for every case whose sched-latency quantiles miss.

    Each miss shows why: the known model gap (shipped table goschedlab/validate/gaps.toml:
    the mechanism real Go or the OS has that the model lacks, and where it is documented) or
    "unexplained"; the score line counts "N misses, M explained, K unexplained"."""
    from goschedlab.validate.api import run_validation
    from goschedlab.validate.distributions import parse_case
    from goschedlab.validate.render import (
        check_cdf_keys,
        print_cdfs,
        print_report,
        write_html,
        write_json,
    )

    cdf_keys = [parse_case(x) for x in cdf or ()]
    console = Console(stderr=True)
    v = run_validation(
        go=go, workloads=workloads or None, reps=reps, gomaxprocs=_gmps(gomaxprocs),
        real=real or None, sim=sim or None, seeds=seeds, save_real=save_real,
        attempts=attempts, costs=costs, calibrate=calibrate,
        progress=lambda msg: console.log(msg), gaps=gaps or None,
    )
    check_cdf_keys(v, cdf_keys)
    print_report(v, only_misses=misses)
    print_cdfs(v, cdf_keys)
    if json_out is not None:
        write_json(v, json_out)
    if html_out is not None:
        write_html(v, html_out)


def calibrate_command(
    go: str = typer.Option("1.23.1", "--go", help="Go release to measure."),
    out: Annotated[Path, typer.Option("--out", help="Costs TOML to write.")] = Path("costs.toml"),
    reps: int = typer.Option(1, "--reps", help="Runs per GOMAXPROCS (the median is used)."),
    scale: float = typer.Option(1.0, "--scale", help="Multiply the program's trial counts."),
    sim_refine: bool = typer.Option(
        True, "--sim-refine/--no-sim-refine",
        help="Scale channel costs until the simulator reproduces the measured hand-off.",
    ),
    from_dir: Annotated[
        Path | None,
        typer.Option("--from", help="Fit from calibrate runs in this results tree, not a run."),
    ] = None,
) -> None:
    """Run goschedlab's calibration Go program at GOMAXPROCS 1 and 2, fit the simulator's cost
    parameters (goroutine creation, channel hand-off, context switch, idle-P wake-up, syscall
    entry/exit, timer granularity, ...) and write them as a TOML file for simulate --costs FILE.
    Each line says which measurement set the parameter."""
    from goschedlab.validate.calibrate import (
        fallback_warnings,
        fit_costs,
        load_calibration_dir,
        refine_with_simulator,
        run_calibration,
        write_costs,
    )

    if reps < 1 or scale <= 0:
        raise UserInputError("--reps must be at least 1 and --scale positive")
    if from_dir is not None:
        runs = load_calibration_dir(from_dir)
        origin = f"calibrate runs read from {from_dir}"
    else:
        from goschedlab.realgo import ensure_go

        tc = ensure_go(go)
        runs = run_calibration(tc, (1, 2), reps=reps, scale=scale)
        origin = f"calibrate run now with go{tc.version}, {reps} rep(s), scale {scale}"
    version = next(iter(runs.values()))[0].get("go_version", "?")
    fit = fit_costs(runs)
    if sim_refine:
        fit = refine_with_simulator(fit, runs)
    header = [
        f"goschedlab calibrate: cost model fit for {version} on {platform.node()} "
        f"({platform.machine()}), {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M}Z",
        origin,
        "name = ns  # the measurement (median over repetitions) that set it",
    ]
    write_costs(out, fit, header)
    console = Console(soft_wrap=True)
    for f in fit:
        console.print(f"{f.name:>22} = {f.value:>8}  [dim]{f.source}[/]")
    for line in fallback_warnings(fit):
        print(line, file=sys.stderr)
    print(f"wrote {out}")
