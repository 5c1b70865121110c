"""`goschedlab trace FILE` in-process: exit status, key output, JSON report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trace_paths import FANOUT, FIXTURE

from goschedlab.cli import main


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(args)
    out = capsys.readouterr()
    return int(ei.value.code or 0), out.out, out.err


def test_trace_command_prints_views(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    js = tmp_path / "rep.json"
    code, out, err = _run(["trace", str(FANOUT), "--json", str(js)], capsys)
    assert code == 0, err
    assert "go1.23, 1 generation(s)" in out and "1008 goroutines, 2 Ps" in out
    assert "Scheduling latency" in out and "Starvation: 903 runnable waits >= 10 ms" in out
    assert "main.main.gowrap1" in out
    rep = json.loads(js.read_text())
    assert rep["sched_latency_ns"]["count"] == 1005
    assert rep["starvation"]["count"] == 903


def test_trace_header_not_wrapped_for_long_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path.joinpath(*["a-rather-long-directory-name"] * 6)
    deep.mkdir(parents=True)
    f = deep / FANOUT.name
    f.write_bytes(FANOUT.read_bytes())
    code, out, err = _run(["trace", str(f)], capsys)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(str(f)) and first.endswith("1008 goroutines, 2 Ps, window 104.764 ms")


def test_trace_command_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.trace"
    bad.write_bytes(FIXTURE.read_bytes()[:100])
    code, out, err = _run(["trace", str(bad)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"goschedlab: error: {bad}: byte ")
    assert "Traceback" not in err
