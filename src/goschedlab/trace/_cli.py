"""``goschedlab trace FILE``: read a Go 1.22/1.23 execution trace and print scheduling views."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from goschedlab.fileio import write_atomic


def _us(ns: float | None) -> str:
    return "-" if ns is None else f"{ns / 1000:.1f}"


def _write_atomic(path: Path, text: str) -> None:
    write_atomic(path, text)


def trace_command(
    file: Annotated[Path, typer.Argument(help="Trace written by runtime/trace (Go 1.22/1.23).")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the full report as JSON here.")
    ] = None,
    starvation_ms: Annotated[
        float, typer.Option(help="Report goroutines runnable at least this long (ms).")
    ] = 10.0,
    idle_ms: Annotated[
        float, typer.Option(help="Report spans with an idle P and runnable work this long (ms).")
    ] = 1.0,
    top: Annotated[int, typer.Option(help="Rows per table.")] = 10,
) -> None:
    """Scheduling latency, starvation, work conservation, P utilisation and STW pauses of a trace.

    Events are merged by Go's sequence-number rules, so state totals equal `go tool trace`'s.
    """
    from goschedlab.analyze import schedlat
    from goschedlab.trace import read

    tr = read(file, events=False)
    st_ns, idle_ns = int(starvation_ms * 1e6), int(idle_ms * 1e6)
    rep: dict[str, Any] = schedlat.report(tr, starvation_ns=st_ns, idle_ns=idle_ns)
    con = Console(width=120)
    s = rep["trace"]
    con.print(f"[bold]{file}[/]: {s['version']}, {s['generations']} generation(s), "
              f"{s['events']} events, {s['goroutines']} goroutines, {s['procs']} Ps, "
              f"window {(s['window_ns'][1] - s['window_ns'][0]) / 1e6:.3f} ms", soft_wrap=True)

    t = Table(title="Scheduling latency (runnable -> running), us")
    for c in ("cause", "count", "mean", "p50", "p90", "p99", "max"):
        t.add_column(c, justify="right" if c != "cause" else "left")
    rows = [("all", rep["sched_latency_ns"])] + sorted(rep["sched_latency_by_cause_ns"].items())
    for name, d in rows:
        t.add_row(name, str(d["count"]), _us(d["mean"]), _us(d["p50"]), _us(d["p90"]),
                  _us(d["p99"]), _us(d["max"]))
    con.print(t)

    sv = rep["starvation"]
    t = Table(title=f"Starvation: {sv['count']} runnable waits >= {starvation_ms:g} ms "
                    f"(longest {min(top, sv['count'])})")
    for c in ("goid", "waited ms", "cause", "still runnable", "start func", "created at"):
        t.add_column(c)
    for r in sv["worst"][:top]:
        t.add_row(str(r["goid"]), f"{r['waited_ns'] / 1e6:.3f}", r["cause"],
                  "yes" if r["still_runnable"] else "", r["start_func"], r["created_at"])
    con.print(t)

    wc = rep["work_conservation"]
    con.print(f"Work conservation: {wc['count']} span(s) >= {idle_ms:g} ms with an idle P while "
              f"goroutines were runnable, {wc['total_ns'] / 1e6:.3f} ms in total", soft_wrap=True)
    t = Table(title="P utilisation")
    for c in ("P", "busy %", "held %", "idle ms"):
        t.add_column(c, justify="right")
    for r in rep["p_utilisation"]:
        w = r["window_ns"] or 1
        t.add_row(str(r["p"]), f"{100 * r['busy_ns'] / w:.1f}", f"{100 * r['held_ns'] / w:.1f}",
                  f"{r['idle_ns'] / 1e6:.3f}")
    con.print(t)
    p = rep["stw_pauses_ns"]
    cv = "-" if p["cv"] is None else f"{p['cv']:.2f}"
    con.print(f"STW pauses: {p['count']}, mean {_us(p['mean'])} us, stdev {_us(p['stdev'])} us, "
              f"cv {cv}, p50 {_us(p['p50'])} us, p99 {_us(p['p99'])} us, max {_us(p['max'])} us",
              soft_wrap=True)
    if json_out is not None:
        _write_atomic(json_out, json.dumps(rep, indent=1, default=str) + "\n")
