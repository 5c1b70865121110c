"""``goschedlab simulate`` and ``goschedlab workloads``: thin typer commands over the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from goschedlab.errors import UserInputError
from goschedlab.observe.result import go_float, write_json_atomic
from goschedlab.workloads.driver import model_registry, simulate


def _fmt(v: Any) -> str:
    return go_float(v) if isinstance(v, float) else str(v)


def _us(ns: float | int) -> str:
    us = ns / 1000.0
    if us >= 100:
        return f"{us:.0f}"
    if us >= 10:
        return f"{us:.1f}"
    return f"{us:.2f}"


def _summary_tables(result: dict[str, Any], primary: str) -> list[Table]:
    run = Table(title=f"{result['workload']} (simulated, GOMAXPROCS={result['gomaxprocs']})")
    run.add_column("quantity")
    run.add_column("value", justify="right")
    run.add_row("makespan ms", f"{result['makespan_ns'] / 1e6:.3f}")
    run.add_row("threads_end", str(result["threads_end"]))
    hs = result["hist_summary"]["/sched/latencies:seconds"]["phase"]
    run.add_row("/sched/latencies samples (phase)", str(hs["count"]))
    for q in ("p50", "p99", "max"):
        v = hs[f"{q}_upper_s"]
        run.add_row(f"/sched/latencies {q} bucket upper us", "-" if v is None else _us(v * 1e9))
    for k in sorted(result):
        v = result[k]
        if k.endswith("_ns") and k != "makespan_ns" and isinstance(v, int | float):
            run.add_row(k, _fmt(v))
        elif k in ("ns_per_roundtrip", "requests", "total_roundtrips"):
            run.add_row(k, _fmt(v))
    lat = Table(title="latency series (us; nearest-rank percentiles)")
    for c in ("series", "n", "min", "p50", "p90", "p99", "p99.9", "max"):
        lat.add_column(c, justify="left" if c == "series" else "right")
    for name in sorted(result["latency"], key=lambda s: (s != primary, s)):
        s = result["latency"][name]
        label = f"{name} *" if name == primary else name
        lat.add_row(
            label,
            str(s["n"]),
            *(_us(s[k]) for k in ("min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns")),
        )
    return [run, lat]


def simulate_command(
    workload: Annotated[str, typer.Argument(help="Scenario name (see `goschedlab workloads`).")],
    setting: Annotated[
        str | None, typer.Option("--setting", help="Named parameter setting, e.g. tiny.")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override one parameter: key=value (repeatable)."),
    ] = None,
    gomaxprocs: Annotated[
        int,
        typer.Option(
            "--gomaxprocs", help="GOMAXPROCS (Ps); 2 = Go's default on the 2-CPU reference machine."
        ),
    ] = 2,
    ncpu: Annotated[
        int | None, typer.Option("--ncpu", help="CPU cores of the machine (default GOMAXPROCS).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the simulation's RNG.")] = 1,
    schedtrace: Annotated[
        int, typer.Option("--schedtrace", help="Print SCHED lines every MS ms (GODEBUG).")
    ] = 0,
    scheddetail: Annotated[
        bool, typer.Option("--scheddetail", help="Detailed P/M/G lines (needs --schedtrace).")
    ] = False,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the refcorpus-style JSON result here.")
    ] = None,
    costs: Annotated[
        Path | None, typer.Option("--costs", help="TOML file overriding modelled costs (ns).")
    ] = None,
    gogc: Annotated[
        int | None,
        typer.Option(
            "--gogc",
            help="GOGC percent (default 100; -1 = off) for the GC pacer. gc-churn calls "
            "SetGCPercent itself: use --set gogc=N there.",
        ),
    ] = None,
    gctrace: Annotated[
        bool, typer.Option("--gctrace", help="Print GODEBUG=gctrace=1 lines (to stderr, as Go).")
    ] = False,
    numa: Annotated[
        str | None,
        typer.Option(
            "--numa",
            help="NUMA machine NODESxCORES, e.g. 2x8 (optional :d,d,.. SLIT distances); "
            "remote migrations pay a distance-scaled penalty.",
        ),
    ] = None,
    cpu_quota: Annotated[
        float | None,
        typer.Option(
            "--cpu-quota",
            help="cgroup CFS CPU quota of the process in CPUs per 100 ms period (e.g. 2.0).",
        ),
    ] = None,
    max_threads: Annotated[
        int | None,
        typer.Option(
            "--max-threads", help="debug.SetMaxThreads (default 10000); fatal if exceeded."
        ),
    ] = None,
) -> None:
    """Simulate WORKLOAD on the Go 1.23 scheduler model.

    Prints GODEBUG=schedtrace lines in Go's format (to stdout) and a latency summary.
    --json writes a result with the same keys as the reference corpus' result files.
    """
    if scheddetail and schedtrace <= 0:
        raise UserInputError("--scheddetail: needs --schedtrace MS > 0 (as GODEBUG does)")
    cost_model = None
    if costs is not None:
        from goschedlab.runtime.costs import load_costs

        cost_model = load_costs(costs)
    if json_out is not None and not json_out.parent.is_dir():
        raise UserInputError(f"--json {json_out}: directory {json_out.parent} does not exist")
    out = simulate(
        workload,
        setting=setting,
        overrides=set_ or (),
        gomaxprocs=gomaxprocs,
        ncpu=ncpu,
        seed=seed,
        schedtrace_ms=schedtrace,
        scheddetail=scheddetail,
        costs=cost_model,
        line_sink=typer.echo,
        gogc=gogc,
        gctrace=gctrace,
        gctrace_sink=lambda line: typer.echo(line, err=True),
        numa=numa,
        cpu_quota=cpu_quota,
        max_threads=max_threads,
    )
    if json_out is not None:
        write_json_atomic(json_out, out.result)
    console = Console(width=100, highlight=False)
    for t in _summary_tables(out.result, out.scenario.primary):
        console.print(t)
    if json_out is not None:
        console.print(f"JSON result written to {json_out}", soft_wrap=True)


RUNTIME_FLAGS: tuple[tuple[str, str], ...] = (
    ("--gogc N", "GOGC percent for the GC pacer (default 100, -1 = off)"),
    ("--gctrace", "print GODEBUG=gctrace=1 lines (stderr)"),
    ("--numa AxB[:d,..]", "A NUMA nodes of B cores, SLIT distances (default 20 remote)"),
    ("--cpu-quota CPUS", "cgroup CFS quota in CPUs per 100 ms period, e.g. 2.0"),
    ("--max-threads N", "debug.SetMaxThreads (default 10000; exceeding it is fatal)"),
    ("--gomaxprocs N / --ncpu N", "Ps / machine cores"),
)


def workloads_command() -> None:
    """List the built-in workloads with their parameters, defaults and named settings."""
    for sc in model_registry():
        typer.echo(f"{sc.name}: {sc.summary}")
        for p in sc.params:
            kind = {int: "int", float: "float", str: "string"}[p.kind]
            typer.echo(f"    {p.name:<9} {kind:<6} default {_fmt(p.default):<8} {p.help}")
        for name, vals in sc.settings.items():
            typer.echo(f"  setting {name}: " + " ".join(f"{k}={_fmt(v)}" for k, v in vals.items()))
        typer.echo(f"  primary series: {sc.primary}")
        if sc.notes:
            typer.echo(f"  note: {sc.notes}")
        typer.echo("")
    typer.echo("runtime options of `goschedlab simulate` (any workload):")
    for flag, text in RUNTIME_FLAGS:
        typer.echo(f"    {flag:<26} {text}")
