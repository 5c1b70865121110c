"""``goschedlab analyze`` and ``goschedlab diff``: thin typer commands over the library."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from goschedlab.errors import UserInputError
from goschedlab.fileio import write_atomic

_VERDICT_STYLE = {"pass": "green", "marginal": "yellow", "fail": "bold red"}


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item"):  # numpy scalar
        return _jsonable(x.item())
    return x


def _write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON to a temp file in the same directory, then rename over ``path``."""
    text = json.dumps(_jsonable(obj), indent=2, sort_keys=True) + "\n"
    try:
        write_atomic(path, text)
    except OSError as err:
        raise UserInputError(f"--json {path}: cannot write: {err.strerror or err}") from None


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return "-"
        return f"{v:.4g}"
    if isinstance(v, list):
        return ", ".join(_fmt(x) for x in v[:8]) + (" ..." if len(v) > 8 else "")
    return str(v)


def _console() -> Console:
    """A console at least 120 columns wide, so that tables stay readable in CI logs."""
    c = Console()
    return c if c.is_terminal and c.width >= 120 else Console(width=max(120, c.width))


def _short(c: Any) -> str:
    """One short phrase for a non-passing check (the full text is in --json)."""
    v = c.values
    if c.check == "median":
        return (f"median {c.verdict}: {v['relative']:+.0%} "
                f"(CI {v['ci_low']:.3g}..{v['ci_high']:.3g})")
    if c.check in ("p99", "spread"):
        r = v.get("p99_ratio", v.get("ratio", math.nan))
        return f"{c.check} {c.verdict}: x{r:.2f} (CI {v['ci_low']:.2f}..{v['ci_high']:.2f})"
    if c.check == "zeros":
        return (f"zeros {c.verdict}: {v['zero_share_baseline']:.0%} -> "
                f"{v['zero_share_candidate']:.0%}")
    return f"{c.check} {c.verdict}: {c.detail}"


def _summary_table(title: str, summary: dict[str, Any]) -> Table:
    t = Table(title=title, show_header=True, header_style="bold")
    t.add_column("section")
    t.add_column("key")
    t.add_column("value", justify="right")

    def walk(prefix: str, d: dict[str, Any], section: str) -> None:
        for k, v in d.items():
            if isinstance(v, dict):
                walk(f"{prefix}{k}.", v, section)
            else:
                t.add_row(section, f"{prefix}{k}", _fmt(v))

    for k, v in summary.items():
        if isinstance(v, dict):
            walk("", v, k)
        else:
            t.add_row("", k, _fmt(v))
    return t


def analyze_command(
    files: Annotated[
        list[str], typer.Argument(help="Files: GODEBUG logs, metrics JSON dumps, Go traces.")
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write all summaries as JSON.")
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write each file's DataFrames into this directory."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Export format: parquet or csv.")
    ] = "parquet",
) -> None:
    """Detect each FILE's format (schedtrace/scheddetail/gctrace log, runtime/metrics JSON dump or
    goschedlab simulation result, Go execution trace) and print its summary: run-queue imbalance
    and thread growth (schedtrace), STW pause statistics (gctrace, metrics histograms),
    latency series."""
    from goschedlab.analyze.loader import export_frames, load

    if fmt not in ("parquet", "csv"):
        raise UserInputError(f"--format {fmt!r}: expected 'parquet' or 'csv'")
    console = _console()
    out: dict[str, Any] = {}
    for f in files:
        ld = load(f)
        out[f] = {"format": ld.format, **ld.summary}
        console.print(_summary_table(f"{f} ({ld.format})", ld.summary))
        if export is not None:
            try:
                written = export_frames(ld, export, fmt)
            except OSError as err:
                raise UserInputError(f"--export {export}: cannot write: {err}") from None
            console.print(f"exported {len(written)} frames to {export}")
    if json_out is not None:
        _write_json(json_out, out)


def _parse_floors(items: list[str]) -> dict[str, float]:
    floors: dict[str, float] = {}
    for it in items:
        name, sep, val = it.rpartition("=")
        try:
            if not sep or not name:
                raise ValueError
            floors[name] = float(val)
        except ValueError:
            raise UserInputError(
                f"--floor {it!r}: expected METRIC=VALUE (ns for durations, e.g. "
                "latency.request=20000)"
            ) from None
    return floors


def _split_sides(files: list[str]) -> tuple[list[str], list[str]]:
    """Split ``B1 B2 --candidate C1 C2`` (also ``-c``, ``--candidate=C1``, repeated flags)."""
    base: list[str] = []
    cand: list[str] = []
    side = base
    for f in files:
        if f in ("--candidate", "-c"):
            side = cand
        elif f.startswith("--candidate="):
            side = cand
            cand.append(f.split("=", 1)[1])
        elif f.startswith("-") and not Path(f).exists():
            raise UserInputError(f"diff: unknown option {f!r}; see goschedlab diff --help")
        else:
            side.append(f)
    if not base or not cand:
        raise UserInputError(
            "diff: expected BASELINE... --candidate CANDIDATE... (at least one file on each side)"
        )
    return base, cand


DIFF_CONTEXT = {"ignore_unknown_options": True, "allow_extra_args": True}


def diff_command(
    files: Annotated[
        list[str],
        typer.Argument(
            help="BASELINE... --candidate CANDIDATE...: baseline files (one per repetition), "
            "then --candidate (or -c) and the candidate files.",
            metavar="BASELINE... --candidate CANDIDATE...",
        ),
    ],
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", "-m", help="Compare only this metric (repeatable)."),
    ] = None,
    floor: Annotated[
        list[str] | None,
        typer.Option("--floor", help="METRIC=VALUE absolute floor (default 10000 ns, counts 1)."),
    ] = None,
    median_tol: Annotated[float, typer.Option(help="Tolerated relative median increase.")] = 0.10,
    tail_tol: Annotated[float, typer.Option(help="Tolerated relative p99 increase.")] = 0.25,
    spread_tol: Annotated[
        float, typer.Option(help="Tolerated relative dispersion increase.")
    ] = 0.25,
    zero_tol: Annotated[
        float, typer.Option(help="Tolerated drop of the share of zero samples.")
    ] = 0.05,
    alpha: Annotated[float, typer.Option(help="Significance level for a fail.")] = 0.01,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples.")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed (deterministic verdict).")] = 0,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the full report as JSON.")
    ] = None,
) -> None:
    """Judge CANDIDATE against BASELINE: per metric, median shift (bootstrap 95 % CI, Mann-Whitney
    U), p99 ratio (bootstrap CI), dispersion (Brown-Forsythe), share of zeros for zero-heavy
    metrics; changes below the metric's absolute floor are ignored. Several files per side are
    repetitions (pooled). Verdict per metric and overall: pass / marginal / fail.
    Exit status: 0 pass or marginal, 1 fail, 2 bad input."""
    from goschedlab.analyze.diff import DiffConfig, diff_files

    baseline, candidate = _split_sides(files)
    cfg = DiffConfig(
        median_tol=median_tol, tail_tol=tail_tol, spread_tol=spread_tol, zero_tol=zero_tol,
        alpha=alpha, n_resamples=resamples, seed=seed, floors=_parse_floors(floor or []),
    )
    if resamples < 10:
        raise UserInputError(f"--resamples {resamples}: expected at least 10")
    rep = diff_files(baseline, candidate, metric or None, cfg)
    t = Table(title=f"goschedlab diff: {len(baseline)} baseline vs {len(candidate)} candidate")
    t.add_column("metric", overflow="fold")
    for col in ("verdict", "n B/C", "median B -> C", "p99 B -> C", "failing checks"):
        t.add_column(col)
    for m in rep.metrics:
        bad = [_short(c) for c in m.checks if c.verdict != "pass"]
        t.add_row(
            m.metric, f"[{_VERDICT_STYLE[m.verdict]}]{m.verdict}[/]",
            f"{m.n_baseline}/{m.n_candidate}",
            f"{_fmt(m.median_baseline)} -> {_fmt(m.median_candidate)}",
            f"{_fmt(m.p99_baseline)} -> {_fmt(m.p99_candidate)}",
            "\n".join(bad) or "-",
        )
    console = _console()
    console.print(t)
    console.print(f"overall: [{_VERDICT_STYLE[rep.verdict]}]{rep.verdict}[/]")
    if json_out is not None:
        _write_json(json_out, rep.to_json())
    if rep.exit_code:
        raise typer.Exit(rep.exit_code)
