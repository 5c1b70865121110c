"""``goschedlab compare``, ``goschedlab reproduce`` and ``goschedlab policies``: thin typer
commands over :mod:`goschedlab.report` and :mod:`goschedlab.policies`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from goschedlab.errors import UserInputError
from goschedlab.report.compare import (
    ALPHA,
    CompareResult,
    compare,
    default_jobs,
    parse_sets,
    write_atomic,
    write_json_atomic,
)


def fmt_num(v: float) -> str:
    """Compact number: 3 significant figures, k/M suffixes for large values."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.3g}G"
    if a >= 1e6:
        return f"{v / 1e6:.3g}M"
    if a >= 1e4:
        return f"{v / 1e3:.3g}k"
    if a >= 100 or float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.3g}"


def fmt_ci(v: tuple[float, float, float]) -> str:
    """``median [low, high]``."""
    return f"{fmt_num(v[0])} [{fmt_num(v[1])}, {fmt_num(v[2])}]"


def fmt_change(c: tuple[float, float, float, float]) -> str:
    """benchstat style: ``+12.3% [+10.1%, +14.0%] p=0.008`` or ``~ (p=0.69)``."""
    ch, lo, hi, p = c
    if math.isnan(ch):
        return "-"
    if p >= ALPHA:
        return f"~ (p={p:.2g})"
    return f"{ch:+.1%} [{lo:+.1%}, {hi:+.1%}] p={p:.2g}"


def compare_table(res: CompareResult) -> Table:
    """The benchstat-like table of a comparison."""
    title = f"{res.workload}: {len(res.seeds)} seeds, GOMAXPROCS={res.gomaxprocs}"
    if res.setting:
        title += f", setting {res.setting}"
    if res.overrides:
        title += ", " + " ".join(f"{k}={v}" for k, v in res.overrides.items())
    t = Table(title=title, caption=res.method)
    t.add_column("metric")
    for p in res.policies:
        t.add_column(f"{p}\nmedian [95% CI]", justify="right")
    for p in res.policies[1:]:
        t.add_column(f"{p} vs {res.policies[0]}", justify="right")
    for r in res.rows:
        cells = [r.metric]
        for p in res.policies:
            v = r.per_policy.get(p)
            cells.append("-" if v is None else fmt_ci(v))
        for p in res.policies[1:]:
            c = r.change.get(p)
            cells.append("-" if c is None else fmt_change(c))
        t.add_row(*cells)
    return t


def compare_command(
    workload: Annotated[str, typer.Argument(help="Workload name (see 'goschedlab workloads').")],
    policies: Annotated[str, typer.Option(
        "--policies", help="Comma-separated policies, the first is the baseline; a policy may "
        "take parameters as NAME:key=value:key=value.")] = "go1.23,hotfix",
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds 1..N per policy.")] = 10,
    setting: Annotated[str | None, typer.Option("--setting", help="Workload setting.")] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Workload parameter override key=value (repeatable).")] = None,
    gomaxprocs: Annotated[int, typer.Option("--gomaxprocs", help="GOMAXPROCS.")] = 2,
    numa: Annotated[int | None, typer.Option(
        "--numa", help="NUMA nodes (Ps split evenly); needs runtime NUMA support.")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", help="Worker processes [CPUs available].")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the full result.")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the table as CSV.")] = None,
) -> None:
    """Run WORKLOAD under every policy on the same seeds and print a benchstat-like table.

    Each cell is the median over seeds with a 95 % bootstrap CI; the change columns give the
    change of the median against the first policy with its CI and a two-sided Mann-Whitney U
    p-value ("~" = not significant at 0.05).  Runs go to parallel worker processes; the result
    is deterministic given the seeds.
    """
    if seeds < 1:
        raise UserInputError(f"--seeds: expected an integer >= 1, got {seeds}")
    if gomaxprocs < 1:
        raise UserInputError(f"--gomaxprocs: expected an integer >= 1, got {gomaxprocs}")
    names = [p.strip() for p in policies.split(",") if p.strip()]
    ov = parse_sets(set_ or [])
    nj = jobs if jobs is not None else default_jobs()
    total = len(dict.fromkeys(names)) * seeds
    console = Console(stderr=True)
    with Progress(TextColumn("compare {task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as prog:
        task = prog.add_task(workload, total=total)
        res = compare(workload, names, list(range(1, seeds + 1)), gomaxprocs=gomaxprocs,
                      setting=setting, overrides=ov, numa_nodes=numa, jobs=nj,
                      progress=lambda k: prog.advance(task, k))
    Console(width=200).print(compare_table(res))
    if json_file is not None:
        write_json_atomic(json_file, res.to_json())
    if csv_file is not None:
        write_atomic(csv_file, res.to_csv())


def policies_command() -> None:
    """List the scheduler policies (built-ins and installed plug-ins) and their parameters."""
    from goschedlab import policies as registry

    t = Table(title="scheduler policies (entry point group goschedlab.policies)")
    t.add_column("name")
    t.add_column("description")
    t.add_column("parameters")
    for name, desc in registry.available().items():
        try:
            params = registry.get(name).params
        except UserInputError:
            params = {}
        t.add_row(name, desc, "; ".join(f"{k}={d} ({h})" for k, (d, h) in params.items()))
    Console(width=200).print(t)


def reproduce_command(
    quick: Annotated[bool, typer.Option(
        "--quick", help="Fewer seeds, smaller runs (< 3 min).")] = False,
    full: Annotated[bool, typer.Option("--full", help="More seeds and longer runs.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("report"),
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", help="Worker processes [CPUs available].")] = None,
    only: Annotated[str | None, typer.Option(
        "--only", help="Comma-separated experiment ids to run (default: all).")] = None,
) -> None:
    """Rerun every experiment of the hotfix write-up on the model; write report.html + .md.

    Each section gives the write-up's claim, our figures with 95 % CIs over the seeds, a
    verdict (reproduced / contradicted / not comparable / not available) and the command that
    reruns it.  Default mode: 10 seeds; --quick: 5 seeds and shorter runs; --full: 20 seeds.
    """
    from goschedlab.report.reproduce import EXPERIMENTS, reproduce

    if quick and full:
        raise UserInputError("reproduce: --quick and --full are exclusive")
    mode = "quick" if quick else "full" if full else "default"
    ids = None
    if only:
        ids = [s.strip() for s in only.split(",") if s.strip()]
        bad = [i for i in ids if i not in EXPERIMENTS]
        if bad:
            raise UserInputError(
                f"--only: unknown experiment {bad[0]!r} (expected one of: {', '.join(EXPERIMENTS)})"
            )
    console = Console(stderr=True)
    nj = jobs if jobs is not None else default_jobs()
    paths = reproduce(out, mode=mode, jobs=nj, only=ids,
                      log=lambda s: console.print(f"[dim]reproduce:[/dim] {s}"))
    for p in paths:
        print(p)
