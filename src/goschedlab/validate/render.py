"""Presenting a :class:`Validation`: rich table, JSON file and a self-contained HTML page.

Every miss shows its reason: the id of the known model gap that explains it (the mechanism,
what was done about it and its docs anchor are listed under the table) or "unexplained"; rows
within tolerance only by the bucket-aware rule are flagged ("yes~").  The score line ends with
"N misses, M explained, K unexplained".
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from goschedlab.validate.compare import CaseRow, Validation
from goschedlab.validate.distributions import CaseCDF, cdf_rows
from goschedlab.validate.metrics import BUCKET_RULE
from goschedlab.validate.sources import write_json_atomic, write_text_atomic


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _pct(x: float | None) -> str:
    if x is None:
        return "-"
    if x != x or abs(x) == float("inf"):
        return "inf"
    return f"{x * 100:+.1f}%"


def _case(r: CaseRow) -> str:
    return f"{r.workload}/{r.setting} gmp{r.gomaxprocs} {r.metric}"


def _verdict(r: CaseRow) -> str:
    """'yes', 'yes~' (only by the bucket rule) or 'NO'."""
    return "NO" if not r.within else ("yes~" if r.by_buckets else "yes")


def _why(r: CaseRow) -> str:
    """A miss's gap id, 'unexplained', or '' for a case within tolerance."""
    if r.within:
        return ""
    return r.gap or "unexplained"


def counts_line(v: Validation) -> str:
    """'N misses, M explained, K unexplained' (+ the bucket-rule passes)."""
    busy = v.unexplained_on_busy_host
    spread_n = v.by_real_spread
    return (f"{v.misses} misses, {v.explained} explained"
            + (f" ({spread_n} by the real runs' own spread)" if spread_n else "")
            + f", {v.unexplained} unexplained"
            + (f" ({busy} of them with real runs on a busy host)" if busy else "")
            + f"; {v.within_by_buckets} within only by the bucket rule")


def explanations(v: Validation
                 ) -> tuple[list[tuple[str, str, str, str, list[str]]], list[str]]:
    """([(gap id, mechanism, done, doc, [case, ...]), ...] in first-seen order,
    [unexplained case])."""
    gaps: dict[str, tuple[str, str, str, list[str]]] = {}
    unexplained: list[str] = []
    for r in v.rows:
        if r.within:
            continue
        if r.gap is None:
            unexplained.append(_case(r) + (f" ({_pct(r.rel_error)})" if r.rel_error is not None
                                           else f" ({r.note or 'no value'})")
                               + (f" [busy host: {r.real_noisy} real run(s)]"
                                  if r.real_noisy else ""))
        else:
            gaps.setdefault(r.gap, (r.reason or "", r.done or "", r.doc or "", []))[3].append(
                _case(r))
    return [(k, m, dn, d, cases) for k, (m, dn, d, cases) in gaps.items()], unexplained


def table(v: Validation, *, only_misses: bool = False) -> Table:
    """A rich table with one row per case and metric."""
    t = Table(title=f"real vs simulated - score {v.score * 100:.1f}% "
                    f"({sum(r.within for r in v.rows)}/{len(v.rows)} within tolerance)")
    for col, just in (("workload", "left"), ("setting", "left"), ("GMP", "right"),
                      ("metric", "left"), ("unit", "left"), ("real med", "right"),
                      ("spread", "right"), ("sim med", "right"), ("spread", "right"),
                      ("rel err", "right"), ("tol", "right"), ("ok", "center"),
                      ("why", "left")):
        t.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    for r in v.rows:
        if only_misses and r.within:
            continue
        t.add_row(r.workload, r.setting, str(r.gomaxprocs), r.metric, r.unit,
                  _num(r.real_median), _num(r.real_spread), _num(r.sim_median),
                  _num(r.sim_spread), _pct(r.rel_error), f"{r.tolerance * 100:.0f}%",
                  f"[green]{_verdict(r)}[/]" if r.within
                  else "[red]NO[/]" + ("*" if r.note else ""),
                  "[yellow]unexplained[/]" if _why(r) == "unexplained" else _why(r))
    return t


def print_report(v: Validation, console: Console | None = None, *, only_misses: bool = False
                 ) -> None:
    """Print the table and the score per metric."""
    c = console or Console()
    if not c.is_terminal:
        c.width = max(c.width, 140)
    if "real" in v.meta:
        c.print(f"real: {escape(str(v.meta['real']))}; machine: "
                f"{escape(str(v.meta.get('machine', 'not recorded')))}; simulated: "
                f"{escape(str(v.meta.get('sim', '?')))}, costs: "
                f"{escape(str(v.meta.get('costs', 'shipped defaults')))}")
    c.print(table(v, only_misses=only_misses))
    notes: dict[str, list[str]] = {}
    for r in v.rows:
        if r.note:
            notes.setdefault(r.note, []).append(f"{r.workload}/{r.setting} gmp{r.gomaxprocs} "
                                                f"{r.metric}")
    for note, where in notes.items():
        shown = ", ".join(where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
        c.print(f"* {note}: {shown}")
    gaps, unexplained = explanations(v)
    if gaps:
        c.print("[bold]Why the misses miss[/] (known model gaps, goschedlab/validate/gaps.toml):")
    for gid, mech, done, doc, cases in gaps:
        shown = ", ".join(cases[:6]) + (f" and {len(cases) - 6} more" if len(cases) > 6 else "")
        c.print(f"  [bold]{gid}[/] ({len(cases)}): {mech} [dim]({doc}; {shown})[/]")
        if done:
            c.print(f"    [italic]done:[/] {escape(done)}")
    if unexplained:
        c.print(f"[bold yellow]Unexplained misses ({len(unexplained)})[/] - no known gap "
                f"matches: " + ", ".join(unexplained))
    if v.within_by_buckets:
        passed = [_case(r) for r in v.rows if r.by_buckets]
        c.print(f"yes~ = within only by the bucket rule ({len(passed)}): " + ", ".join(passed))
    c.print(f"[dim]bucket rule: {BUCKET_RULE}[/]")
    by = ", ".join(f"{k} {s * 100:.0f}%" for k, s in v.score_by("metric").items())
    c.print(f"score {v.score * 100:.1f}% over {len(v.rows)} cases ({counts_line(v)}); "
            f"by metric: {by}")


def cdf_table(c: CaseCDF) -> Table:
    """The case's /sched/latencies CDFs as a table: per bucket upper bound, the share of samples
    at or below it in every real run and every simulated seed, for every bucket that holds samples
    (:func:`cdf_rows`)."""
    t = Table(title=f"{c.label}: /sched/latencies, share of samples <= bound")
    t.add_column("<= us", justify="right", no_wrap=True)
    for i in range(len(c.real)):
        t.add_column(f"real{i + 1}", justify="right", no_wrap=True)
    for i in range(len(c.sim)):
        t.add_column(f"sim{i + 1}", justify="right", no_wrap=True)
    for ub, vals in cdf_rows(c):
        t.add_row("inf" if math.isinf(ub) else f"{ub:.3f}", *(f"{x:.4f}" for x in vals))
    return t


def check_cdf_keys(v: Validation, keys: Sequence[tuple[str, str, int]]) -> None:
    """One-line error for a ``--cdf`` case the validation lacks or that has no
    /sched/latencies samples on both sides (checked before anything is printed or written)."""
    from goschedlab.errors import UserInputError

    for w, s, g in keys:
        if (w, s, g) not in v.cdfs:
            have = ", ".join(x.label for x in list(v.cdfs.values())[:4])
            raise UserInputError(
                f"--cdf {w}/{s}/{g}: no such case with /sched/latencies samples on both sides"
                f" (e.g. {have or 'none'})")


def print_cdfs(v: Validation, keys: Sequence[tuple[str, str, int]],
               console: Console | None = None) -> None:
    """``validate --cdf``: print :func:`cdf_table` for each key (the CLI has checked them with
    :func:`check_cdf_keys` before the report)."""
    c = console or Console()
    if not c.is_terminal:
        c.width = max(c.width, 140)
    for key in keys:
        c.print(cdf_table(v.cdfs[key]))


def write_json(v: Validation, path: Path) -> None:
    """``--json FILE``: per-case rows and the top-level ``score`` (written atomically)."""
    write_json_atomic(Path(path), v.to_json())


def _png(fig: object) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")  # type: ignore[attr-defined]
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _scatter(rows: Sequence[CaseRow], title: str) -> str:
    """Real median vs simulated median, log-log, with the tolerance band; base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = [r for r in rows if r.sim_median is not None and r.real_median > 0
           and r.sim_median > 0]
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    try:
        if pts:
            lo = min(min(r.real_median, r.sim_median or 0) for r in pts) / 1.5
            hi = max(max(r.real_median, r.sim_median or 0) for r in pts) * 1.5
            tol = pts[0].tolerance
            xs = [lo, hi]
            ax.plot(xs, xs, color="0.3", lw=1)
            ax.fill_between(xs, [x * (1 - tol) for x in xs], [x * (1 + tol) for x in xs],
                            color="tab:green", alpha=0.15, label=f"±{tol * 100:.0f}%")
            for ok, color, label in ((True, "tab:green", "within"), (False, "tab:red", "miss")):
                sel = [r for r in pts if r.within == ok]
                if sel:
                    ax.scatter([r.real_median for r in sel], [r.sim_median for r in sel],
                               c=color, s=22, label=label,
                               marker="o" if ok else "x")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
            ax.legend(loc="upper left", fontsize=8)
        else:
            ax.text(0.5, 0.5, "no comparable cases", ha="center", transform=ax.transAxes)
        unit = rows[0].unit if rows else ""
        ax.set_xlabel(f"real median ({unit})")
        ax.set_ylabel(f"simulated median ({unit})")
        ax.set_title(title, fontsize=10)
        return _png(fig)
    finally:
        plt.close(fig)


def _errors(rows: Sequence[CaseRow], title: str) -> str:
    """Relative error per case as horizontal bars, tolerance marked; base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = [r for r in rows if r.rel_error is not None and r.rel_error == r.rel_error
          and abs(r.rel_error) != float("inf")]
    fig, ax = plt.subplots(figsize=(7, max(2.0, 0.22 * len(rs) + 1)))
    try:
        labels = [f"{r.workload}/{r.setting} gmp{r.gomaxprocs}" for r in rs]
        vals = [max(-1.0, min(1.0, r.rel_error or 0.0)) * 100 for r in rs]
        ax.barh(range(len(rs)), vals, color=["tab:green" if r.within else "tab:red" for r in rs])
        ax.set_yticks(range(len(rs)), labels, fontsize=7)
        ax.invert_yaxis()
        if rs:
            tol = rs[0].tolerance * 100
            ax.axvline(tol, color="0.4", ls="--", lw=0.8)
            ax.axvline(-tol, color="0.4", ls="--", lw=0.8)
        ax.axvline(0, color="0.2", lw=0.8)
        ax.set_xlabel("relative error of the simulated median, % (clipped to ±100)")
        ax.set_title(title, fontsize=10)
        return _png(fig)
    finally:
        plt.close(fig)


def cdf_png(c: CaseCDF) -> str:
    """The case's CDFs as a base64 PNG: real runs solid, simulated seeds dashed, log x."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(ub, vals) for ub, vals in cdf_rows(c) if math.isfinite(ub)]
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    try:
        if rows:
            xs = [ub for ub, _ in rows]
            series = [(k, "-", "tab:blue", "real run") for k in range(len(c.real))]
            series += [(len(c.real) + k, "--", "tab:orange", "seed") for k in range(len(c.sim))]
            seen: set[str] = set()
            for col, style, color, name in series:
                ax.step(xs, [vals[col] for _, vals in rows], where="post", ls=style,
                        color=color, lw=1, label=None if name in seen else name)
                seen.add(name)
            ax.set_xscale("log")
            ax.set_xlim(max(xs[0] / 2, 0.01), xs[-1] * 1.25)
            ax.set_ylim(0, 1.01)
            ax.legend(loc="lower right", fontsize=8)
        ax.set_xlabel("scheduling latency, us (upper bounds of Go's buckets)")
        ax.set_ylabel("share of samples <=")
        ax.set_title(f"{c.label}: /sched/latencies CDF", fontsize=10)
        return _png(fig)
    finally:
        plt.close(fig)


def html_page(v: Validation) -> str:
    """A self-contained HTML page: score, plots (inline PNG) and the full table."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>goschedlab validate</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
        "td.l{text-align:left}tr.miss{background:#fdd}img{margin:4px}</style></head><body>",
        "<h1>goschedlab validate: real Go vs simulated</h1>",
        f"<p><b>score {v.score * 100:.1f}%</b> ({sum(r.within for r in v.rows)} of "
        f"{len(v.rows)} cases within tolerance): {html.escape(counts_line(v))}</p>",
        f"<p>Bucket rule: {html.escape(BUCKET_RULE)}. Rows passing only by it say "
        "<i>yes~</i>.</p>",
    ]
    if v.meta:
        parts.append("<p>" + "<br>".join(f"{html.escape(str(k))}: {html.escape(str(x))}"
                                          for k, x in sorted(v.meta.items())) + "</p>")
    parts.append("<table><tr><th>metric</th><th>score</th></tr>")
    for k, s in v.score_by("metric").items():
        parts.append(f"<tr><td class='l'>{html.escape(k)}</td><td>{s * 100:.0f}%</td></tr>")
    parts.append("</table>")
    gaps, unexplained = explanations(v)
    parts.append("<h2>Why the misses miss</h2><table><tr><th>gap</th><th>misses</th>"
                 "<th>mechanism (and what was done)</th><th>evidence</th><th>cases</th></tr>")
    for gid, mech, done, doc, cases in gaps:
        done_html = (f"<br><i>Done:</i> {html.escape(done)}" if done else "")
        parts.append(f"<tr><td class='l'>{html.escape(gid)}</td><td>{len(cases)}</td>"
                     f"<td class='l'>{html.escape(mech)}{done_html}</td>"
                     f"<td class='l'>{html.escape(doc)}"
                     f"</td><td class='l'>{html.escape(', '.join(cases))}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h3>Unexplained misses ({len(unexplained)})</h3><ul>"
                 + "".join(f"<li>{html.escape(u)}</li>" for u in unexplained) + "</ul>")
    parts.append("<h2>Plots</h2>")
    metrics = list(dict.fromkeys(r.metric for r in v.rows))
    for m in metrics:
        rows = [r for r in v.rows if r.metric == m]
        parts.append(f"<h3>{html.escape(m)}</h3>")
        parts.append(f"<img alt='{m} real vs simulated' src='data:image/png;base64,"
                     f"{_scatter(rows, m + ': real vs simulated')}'>")
        parts.append(f"<img alt='{m} relative error' src='data:image/png;base64,"
                     f"{_errors(rows, m + ': relative error')}'>")
    missed = sorted({(r.workload, r.setting, r.gomaxprocs) for r in v.rows
                     if not r.within and r.metric.startswith("sched_latency")})
    parts.append(f"<h2>Scheduling-latency distributions of the missed cases ({len(missed)})</h2>"
                 "<p>/sched/latencies as Go exports it: the share of samples at or below each "
                 "bucket's upper bound, every real run (solid) against every simulated seed "
                 "(dashed). <code>goschedlab validate --cdf WORKLOAD/SETTING/GOMAXPROCS</code> "
                 "prints the same numbers.</p>")
    for key in missed:
        cdf = v.cdfs.get(key)
        if cdf is not None:
            parts.append(f"<img alt='{html.escape(cdf.label)} sched latency CDF' "
                         f"src='data:image/png;base64,{cdf_png(cdf)}'>")
    parts.append("<h2>All cases</h2><table><tr>")
    heads = ("workload", "setting", "GMP", "metric", "unit", "real median", "real spread",
             "sim median", "sim spread", "rel error", "tolerance", "within", "why")
    parts.append("".join(f"<th>{h}</th>" for h in heads) + "</tr>")
    for r in v.rows:
        cells = (r.workload, r.setting, r.gomaxprocs, r.metric, r.unit, _num(r.real_median),
                 _num(r.real_spread), _num(r.sim_median), _num(r.sim_spread), _pct(r.rel_error),
                 f"{r.tolerance * 100:.0f}%", _verdict(r) + (" " + r.note if r.note else ""),
                 "" if r.within else (f"{r.gap}: {r.reason} ({r.doc})"
                                      + (f" Done: {r.done}" if r.done else "") if r.gap
                                      else "unexplained"))
        tds = "".join(
            f"<td class='l'>{html.escape(str(c))}</td>" if i < 5 or i == 12 else
            f"<td>{html.escape(str(c))}</td>" for i, c in enumerate(cells))
        parts.append(f"<tr class='{'ok' if r.within else 'miss'}'>{tds}</tr>")
    parts.append("</table></body></html>\n")
    return "".join(parts)


def write_html(v: Validation, path: Path) -> None:
    """``--html FILE``: the page of :func:`html_page`, written to a temp file then renamed."""
    write_text_atomic(Path(path), html_page(v))
