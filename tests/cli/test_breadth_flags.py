"""CLI flags of the runtime-breadth model: --gogc, --gctrace, --numa, --cpu-quota,
--max-threads: shown in help and `workloads`, validated with one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goschedlab.cli import main
from goschedlab.observe.gctrace import parse_gctrace_line


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(argv)
    out, err = capsys.readouterr()
    code = ei.value.code
    return (0 if code is None else int(code)), out, err


FLAGS = ("--gogc", "--gctrace", "--numa", "--cpu-quota", "--max-threads")


def test_flags_in_help_and_workloads(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["simulate", "--help"], capsys)
    assert code == 0
    for f in FLAGS:
        assert f in out
    code, out, _ = _run(["workloads"], capsys)
    assert code == 0
    for f in FLAGS:
        assert f in out
    assert "net-server:" in out


@pytest.mark.parametrize(
    ("argv", "msg"),
    [
        (["--numa", "2by8"], "goschedlab: error: --numa: expected NODESxCORES like 2x8"),
        (["--numa", "4x2"], "goschedlab: error: --numa 4x2: 4 nodes need --gomaxprocs >= 4"),
        (["--numa", "2x8", "--ncpu", "4"], "describes 16 cores but --ncpu is 4"),
        (["--cpu-quota", "0"], "goschedlab: error: --cpu-quota: expected CPUs > 0"),
        (["--max-threads", "0"], "goschedlab: error: --max-threads: expected an integer >= 1"),
        (["--gogc", "-5"], "goschedlab: error: --gogc: expected a percent >= 0 or -1"),
        (
            ["--max-threads", "4"],
            "goschedlab: error: syscall-block: the simulated Go program died: "
            "runtime: program exceeds 4-thread limit",
        ),
    ],
)
def test_bad_values_one_line_exit_2(
    argv: list[str], msg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["simulate", "syscall-block", "--set", "r=5", *argv], capsys)
    assert code == 2
    assert msg in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_gctrace_and_flags_reach_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    js = tmp_path / "r.json"
    argv = ["simulate", "gc-churn", "--set", "iters=1500", "--gctrace", "--numa", "1x2"]
    argv += ["--cpu-quota", "1.5", "--max-threads", "100", "--json", str(js)]
    code, out, err = _run(argv, capsys)
    assert code == 0
    lines = [ln for ln in err.splitlines() if ln.startswith("gc ")]
    assert len(lines) >= 2
    for i, ln in enumerate(lines, 1):
        assert parse_gctrace_line(ln).n == i
    res = json.loads(js.read_text())
    assert res["env_GODEBUG"] == "gctrace=1"
    assert res["num_cpu"] == 2
    assert res["metrics_end"]["/gc/cycles/total:gc-cycles"] == len(lines)


def test_gogc_env_for_non_gc_churn(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    js = tmp_path / "f.json"
    argv = ["simulate", "fanout-cpu", "--setting", "tiny", "--gogc", "-1", "--json", str(js)]
    code, _, _ = _run(argv, capsys)
    assert code == 0
    res = json.loads(js.read_text())
    assert res["env_GOGC"] == "-1"
    assert res["metrics_end"]["/gc/gogc:percent"] == -1
    assert res["metrics_end"]["/gc/cycles/total:gc-cycles"] == 0
