"""``goschedlab reproduce --quick``: every write-up experiment ends up in report.md and a
self-contained report.html, checked in headless Chromium."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest

from goschedlab.report.render import Plot, Section, TableData, render_html, render_md
from goschedlab.report.reproduce import EXPERIMENTS, backoff_delay, reproduce

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    paths = reproduce(out, mode="quick", jobs=2)
    assert paths == [out / "report.html", out / "report.md"]
    return out


def test_backoff_delay_matches_the_write_up_table() -> None:
    assert [backoff_delay(k) for k in (0, 3, 6, 7, 10)] == [1, 8, 64, 64, 64]
    assert max(backoff_delay(k) for k in range(100)) == 64 < 1000
    assert backoff_delay(10, cap=10) == 1024


def test_quick_report_has_every_experiment_with_a_verdict(quick_report: Path) -> None:
    md = (quick_report / "report.md").read_text()
    html = (quick_report / "report.html").read_text()
    assert list(EXPERIMENTS) == ["steal-path", "backoff", "starvation", "numa", "gc-stw",
                                 "thread-limit", "explore"]
    for eid in EXPERIMENTS:
        assert f'<a id="{eid}"></a>' in md
        assert f'<section id="{eid}" data-verdict="' in html
        assert f"goschedlab reproduce --only {eid} --quick" in md
    verdicts = dict(re.findall(r'<section id="([a-z-]+)" data-verdict="([a-z ]+)"', html))
    # Facts of the model (and of Go) the verdicts must reflect:
    assert verdicts["steal-path"] == "contradicted"  # ~100 ns steals, not 32.7 us -> 9.4 us
    assert verdicts["thread-limit"] == "contradicted"  # fatal, as in Go; no elastic shrink
    assert verdicts["backoff"] == "reproduced"  # 1/8/64 ns, park unreachable
    assert verdicts["starvation"] == "reproduced"  # buffer cuts p99
    assert verdicts["explore"] == "contradicted"  # hotfix steal violates, Go's runq does not
    for v in verdicts.values():
        assert v in ("reproduced", "contradicted", "not comparable", "not available")
    # an unavailable experiment names what is missing instead of giving numbers
    if verdicts["gc-stw"] == "not available":
        assert "not available: the runtime model has no garbage collector" in md
    else:  # the GC model exists: per-cycle pauses in us, not the write-up's ~125 ms
        assert verdicts["gc-stw"] == "not comparable"
        assert "three orders of magnitude below" in md
    assert "fatal error: thread exhaustion" in md
    assert "32.7 us" in md and "1.84 s" in md and "CV 15.0 %" in md


def test_quick_report_figures_have_cis_and_plots(quick_report: Path) -> None:
    md = (quick_report / "report.md").read_text()
    # median [low, high] cells over 5 seeds
    assert "over 5 seeds" in md
    assert re.search(r"\| steal_latency_ns \| \d+ ns \[\d+ ns, \d+ ns\] \| 40 ns \[40 ns, 40 ns\]",
                     md)
    pngs = sorted(quick_report.glob("*.png"))
    assert {p.name for p in pngs} >= {"steal-path-0.png", "backoff-0.png", "starvation-0.png"}
    for p in pngs:
        assert p.read_bytes()[:8] == PNG_MAGIC
        assert f"]({p.name})" in md
    html = (quick_report / "report.html").read_text()
    imgs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(imgs) == len(pngs)
    assert all(base64.b64decode(b)[:8] == PNG_MAGIC for b in imgs)
    # self-contained: no external resource
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not list(quick_report.glob(".*"))  # no temp file left behind


def _synthetic() -> list[Section]:
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    return [
        Section("a-b", "First <x>", "claim & more", "reproduced", "because",
                [TableData("t1", ["h1", "h2"], [["1", "2"]])], [Plot("p1", png)], ["cmd a"]),
        Section("c", "Second", "claim", "not available", "not available: thing",
                commands=["cmd c"]),
    ]


def test_render_escapes_and_links() -> None:
    secs = _synthetic()
    html = render_html("T", ["intro"], secs)
    assert "First &lt;x&gt;" in html and "claim &amp; more" in html
    assert html.count("<section ") == 2 and html.count("<img ") == 1
    md = render_md("T", ["intro"], secs)
    assert "| 1 | [First <x>](#a-b) | **reproduced** |" in md and "![p1](a-b-0.png)" in md
    with pytest.raises(ValueError, match="verdict"):
        Section("x", "x", "x", "maybe")


def _check_in_browser(drv: Any, path: Path, n_sections: int, n_tables: int,
                      n_imgs: int) -> None:
    drv.get(path.resolve().as_uri())
    assert drv.title.startswith("goschedlab") or drv.title == "T"
    secs = drv.find_elements("css selector", "section")
    assert len(secs) == n_sections
    for s in secs:
        assert s.find_element("css selector", "h2").text
        assert s.find_element("css selector", ".verdict").text in (
            "reproduced", "contradicted", "not comparable", "not available")
        cmd = s.find_element("css selector", "pre.command").text
        assert cmd.startswith(("goschedlab ", "cmd "))
    assert len(drv.find_elements("css selector", "table")) == n_tables
    imgs = drv.find_elements("css selector", "img")
    assert len(imgs) == n_imgs
    for img in imgs:  # decoded and laid out: a broken image has naturalWidth 0
        assert drv.execute_script("return arguments[0].complete && "
                                  "arguments[0].naturalWidth", img) > 0
    assert drv.console_errors() == []


def test_synthetic_report_in_chromium(tmp_path: Path, chromium: Any) -> None:
    p = tmp_path / "r.html"
    p.write_text(render_html("T", ["intro"], _synthetic()))
    _check_in_browser(chromium, p, 2, 2, 1)  # summary table + t1


def test_quick_report_in_chromium(quick_report: Path, chromium: Any) -> None:
    html = (quick_report / "report.html").read_text()
    n_sections = html.count("<section ")
    n_tables = html.count("<table")
    n_imgs = html.count("<img ")
    assert n_sections == len(EXPERIMENTS) and n_imgs >= 3 and n_tables >= 1 + len(EXPERIMENTS)
    _check_in_browser(chromium, quick_report / "report.html", n_sections, n_tables, n_imgs)


def test_browser_check_sees_console_errors(tmp_path: Path, chromium: Any) -> None:
    p = tmp_path / "bad.html"
    p.write_text("<!DOCTYPE html><html><head><title>x</title></head><body>"
                 "<script>throw new Error('boom-from-test')</script></body></html>")
    chromium.get(p.resolve().as_uri())
    errs = chromium.console_errors()
    assert any("boom-from-test" in e for e in errs)


def test_cli_reproduce_only_writes_both_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from goschedlab.cli import app

    res = CliRunner().invoke(app, ["reproduce", "--quick", "--only", "thread-limit",
                                   "--out", str(tmp_path / "r"), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert str(tmp_path / "r" / "report.html") in res.output
    md = (tmp_path / "r" / "report.md").read_text()
    assert md.count("<a id=") == 1 and "debug.SetMaxThreads below the need" in md
    assert "runtime: program exceeds" in md


@pytest.mark.parametrize("args,needle", [
    (["reproduce", "--quick", "--full"], "--quick and --full are exclusive"),
    (["reproduce", "--only", "nope"], "--only: unknown experiment 'nope'"),
])
def test_cli_reproduce_user_errors(args: list[str], needle: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from goschedlab.cli import main

    with pytest.raises(SystemExit) as ei:
        main(args)
    assert ei.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]
