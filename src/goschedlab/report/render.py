"""Rendering of a reproduce report: :class:`Section` objects -> report.md and a
self-contained report.html (plots embedded as base64 PNG, no external resources)."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("reproduced", "contradicted", "not comparable", "not available")


@dataclass
class TableData:
    """A table: title, header row and body rows (all strings)."""

    title: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Plot:
    """A PNG image with its caption."""

    caption: str
    png: bytes


@dataclass
class Section:
    """One experiment of the write-up, as rerun on the model."""

    id: str
    title: str
    claim: str
    verdict: str = "not available"
    reason: str = ""
    tables: list[TableData] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"Section.verdict must be one of {VERDICTS}, got {self.verdict!r}")


def fig_png(fig: Any) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_md(title: str, intro: list[str], sections: list[Section]) -> str:
    """The Markdown report (plots referenced as files written beside it)."""
    out = [f"# {title}", ""]
    out += intro + [""]
    out += ["| # | experiment | verdict |", "|---|---|---|"]
    for i, s in enumerate(sections, 1):
        out.append(f"| {i} | [{s.title}](#{s.id}) | **{s.verdict}** |")
    out.append("")
    for i, s in enumerate(sections, 1):
        out += [f'<a id="{s.id}"></a>', f"## {i}. {s.title}", ""]
        out += [f"**Write-up claim.** {s.claim}", ""]
        out += [f"**Verdict: {s.verdict}.** {s.reason}", ""]
        for t in s.tables:
            out += [f"*{t.title}*", ""]
            out.append("| " + " | ".join(_md_cell(h) for h in t.header) + " |")
            out.append("|" + "---|" * len(t.header))
            for r in t.rows:
                out.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
            out.append("")
        for k, p in enumerate(s.plots):
            out += [f"![{p.caption}]({s.id}-{k}.png)", "", f"*{p.caption}*", ""]
        for n in s.notes:
            out += [f"- {n}"]
        if s.notes:
            out.append("")
        out += ["Rerun:", "", "```sh"] + s.commands + ["```", ""]
        out += [f"({s.seconds:.1f} s)", ""]
    return "\n".join(out)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.9em}
th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
th{background:#eee}
.verdict{font-weight:bold;padding:.1em .5em;border-radius:4px}
.v-reproduced{background:#d4f4d4}.v-contradicted{background:#f8d0d0}
.v-not-comparable{background:#f4ecc4}.v-not-available{background:#ddd}
pre{background:#f4f4f4;padding:.6em;overflow-x:auto}
figure{margin:1em 0}figcaption{font-size:.9em;color:#555}
section{border-top:2px solid #ccc;margin-top:2em}
"""


def render_html(title: str, intro: list[str], sections: list[Section]) -> str:
    """The self-contained HTML report."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    parts += [f"<p>{e(p)}</p>" for p in intro if p]
    parts.append('<table id="summary"><tr><th>#</th><th>experiment</th><th>verdict</th></tr>')
    for i, s in enumerate(sections, 1):
        cls = "v-" + s.verdict.replace(" ", "-")
        parts.append(f'<tr><td>{i}</td><td><a href="#{e(s.id)}">{e(s.title)}</a></td>'
                     f'<td><span class="verdict {cls}">{e(s.verdict)}</span></td></tr>')
    parts.append("</table>")
    for i, s in enumerate(sections, 1):
        cls = "v-" + s.verdict.replace(" ", "-")
        parts.append(f'<section id="{e(s.id)}" data-verdict="{e(s.verdict)}">')
        parts.append(f"<h2>{i}. {e(s.title)}</h2>")
        parts.append(f'<p class="claim"><b>Write-up claim.</b> {e(s.claim)}</p>')
        parts.append(f'<p><b>Verdict:</b> <span class="verdict {cls}">{e(s.verdict)}</span> '
                     f"{e(s.reason)}</p>")
        for t in s.tables:
            parts.append(f"<table><caption>{e(t.title)}</caption><tr>"
                         + "".join(f"<th>{e(h)}</th>" for h in t.header) + "</tr>")
            for r in t.rows:
                parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
            parts.append("</table>")
        for p in s.plots:
            b64 = base64.b64encode(p.png).decode("ascii")
            parts.append(f'<figure><img alt="{e(p.caption)}" src="data:image/png;base64,{b64}">'
                         f"<figcaption>{e(p.caption)}</figcaption></figure>")
        if s.notes:
            parts.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in s.notes) + "</ul>")
        parts.append('<p>Rerun:</p><pre class="command">'
                     + e("\n".join(s.commands)) + "</pre>")
        parts.append(f"<p><small>{s.seconds:.1f} s</small></p></section>")
    parts.append("</body></html>")
    return "\n".join(parts)
