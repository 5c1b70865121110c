"""`goschedlab simulate` end to end, in-process (the issue's Done-when command)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import goschedlab
from goschedlab.cli import app, main
from goschedlab.observe.result import MODEL_ONLY_TOP_LEVEL, UNKNOWABLE_TOP_LEVEL

REF = Path(goschedlab.__file__).parent / "data" / "refcorpus" / "go1.23.1"
SUMMARY_RE = re.compile(
    r"^SCHED (\d+)ms: gomaxprocs=2 idleprocs=\d+ threads=\d+ spinningthreads=\d+"
    r" needspinning=[01] idlethreads=\d+ runqueue=\d+ \[\d+ \d+\]$"
)


def _keys(d: object, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(d, dict):
        for k, v in d.items():
            out.add(prefix + k)
            out |= _keys(v, prefix + k + ".")
    return out


def test_done_when_command(tmp_path: Path) -> None:
    out_json = tmp_path / "out.json"
    res = CliRunner().invoke(
        app,
        [
            "simulate",
            "fanout-cpu",
            "--gomaxprocs",
            "2",
            "--schedtrace",
            "10",
            "--json",
            str(out_json),
        ],
    )
    assert res.exit_code == 0, res.output
    sched = [ln for ln in res.output.splitlines() if ln.startswith("SCHED")]
    assert len(sched) >= 9  # ~100 ms run, a line every 10 ms
    times = []
    for ln in sched:
        m = SUMMARY_RE.match(ln)
        assert m, ln
        times.append(int(m.group(1)))
    assert times[0] == 0 and all(b - a >= 10 for a, b in zip(times, times[1:], strict=False))
    assert "sojourn *" in res.output and "makespan ms" in res.output
    ours = json.loads(out_json.read_text())
    real = json.loads((REF / "fanout-cpu/default-gmp2-rep1.json").read_text())
    assert set(ours) - MODEL_ONLY_TOP_LEVEL == set(real)
    assert {k.split(".")[0] for k in _keys(ours) - _keys(real)} == MODEL_ONLY_TOP_LEVEL
    assert ours["model_counters"]["steal_attempts"] >= ours["model_counters"]["steal_successes"]
    assert {k.split(".")[0] for k in _keys(real) - _keys(ours)} <= UNKNOWABLE_TOP_LEVEL
    assert ours["env_GODEBUG"] == "schedtrace=10"
    # model and machine agree within 5% on this CPU-bound workload
    assert abs(ours["makespan_ns"] / real["makespan_ns"] - 1) < 0.05


def test_stdout_and_json_byte_identical_across_runs(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    outs = []
    for i in range(2):
        p = tmp_path / f"r{i}.json"
        with pytest.raises(SystemExit) as ei:
            main(
                [
                    "simulate",
                    "pingpong",
                    "--set",
                    "r=3000",
                    "--set",
                    "pairs=2",
                    "--gomaxprocs",
                    "2",
                    "--schedtrace",
                    "1",
                    "--scheddetail",
                    "--seed",
                    "3",
                    "--json",
                    str(p),
                ]
            )
        assert ei.value.code in (0, None)
        out, _ = capsys.readouterr()
        outs.append((out.replace(str(p), "X"), p.read_bytes()))
    assert outs[0] == outs[1]
    assert outs[0][0].count("SCHED ") >= 2 and "  P1: status=" in outs[0][0]


def test_costs_file_changes_the_model(tmp_path: Path) -> None:
    costs = tmp_path / "costs.toml"
    costs.write_text("schedule_ns = 5000\n")
    r = CliRunner()
    base = tmp_path / "a.json"
    slow = tmp_path / "b.json"
    args = ["simulate", "pingpong", "--set", "r=500"]
    assert r.invoke(app, [*args, "--json", str(base)]).exit_code == 0
    assert r.invoke(app, [*args, "--costs", str(costs), "--json", str(slow)]).exit_code == 0
    a = json.loads(base.read_text())["makespan_ns"]
    b = json.loads(slow.read_text())["makespan_ns"]
    assert b > a + 500 * 2 * 4000  # two switches per round trip, each ~5 us dearer


def test_bad_costs_file_exit_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    costs = tmp_path / "costs.toml"
    costs.write_text("no_such_cost = 1\n")
    with pytest.raises(SystemExit) as ei:
        main(["simulate", "fanout-cpu", "--costs", str(costs)])
    _, err = capsys.readouterr()
    assert ei.value.code == 2
    assert err.startswith("goschedlab: error: ") and str(costs) in err
    assert err.count("\n") == 1
