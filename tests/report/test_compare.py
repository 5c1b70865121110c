"""``goschedlab compare``: statistics, determinism, parallel runs, CLI and output files."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from goschedlab.cli import app
from goschedlab.errors import UserInputError
from goschedlab.report.compare import RunSpec, change_ci, compare, median_ci, parse_sets, run_one


def test_median_ci_brackets_the_median() -> None:
    v = [10.0, 12.0, 11.0, 13.0, 9.0, 10.5, 12.5, 11.5, 10.0, 12.0]
    med, lo, hi = median_ci(v, "x")
    assert med == float(np.median(v)) == 11.25
    assert lo <= med <= hi and lo >= 9.0 and hi <= 13.0 and lo < hi
    assert median_ci([5.0, 5.0, 5.0]) == (5.0, 5.0, 5.0)
    assert median_ci([7.0]) == (7.0, 7.0, 7.0)


def test_change_ci_detects_a_shift_and_not_noise() -> None:
    base = [100.0, 101.0, 99.0, 100.5, 99.5, 100.2, 99.8, 100.1]
    cand = [x * 1.2 for x in base]
    ch, lo, hi, p = change_ci(base, cand, "m")
    assert ch == pytest.approx(0.2)
    assert lo <= 0.2 <= hi and lo > 0.1
    assert p < 0.01  # fully separated samples of 8: exact two-sided U p = 2/C(16,8)
    assert p == pytest.approx(2 / 12870)
    same = change_ci(base, list(base), "m")
    assert same[0] == 0.0 and same[3] > 0.5
    assert change_ci([3.0, 3.0], [3.0, 3.0])[3] == 1.0
    assert math.isnan(change_ci([0.0, 0.0], [1.0, 2.0])[0])


def test_parse_sets() -> None:
    assert parse_sets(["r=10", " w = 2 "]) == {"r": "10", "w": "2"}
    with pytest.raises(UserInputError, match=r"--set: expected key=value, got 'r'"):
        parse_sets(["r"])


SMALL = {"r": "3000"}


def test_compare_is_deterministic_and_parallel_equals_serial() -> None:
    a = compare("pingpong", ["go1.23", "hotfix"], [1, 2, 3], overrides=SMALL, jobs=1)
    b = compare("pingpong", ["go1.23", "hotfix"], [1, 2, 3], overrides=SMALL, jobs=2)
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    assert a.policies == ["go1.23", "hotfix"] and a.seeds == [1, 2, 3]
    row = a.row("makespan_ns")
    assert set(row.per_policy) == {"go1.23", "hotfix"} and set(row.change) == {"hotfix"}
    # per-run values are the same as simulating each run alone
    alone = run_one(RunSpec("pingpong", "hotfix", 2, 2, None, tuple(SMALL.items())))
    assert a.runs["hotfix"][1] == alone
    assert a.values("go1.23", "makespan_ns") == [r["makespan_ns"] for r in a.runs["go1.23"]]


def test_compare_validates_before_running() -> None:
    with pytest.raises(UserInputError, match="unknown policy 'nope'"):
        compare("pingpong", ["go1.23", "nope"], [1])
    with pytest.raises(UserInputError, match="pingpongx"):
        compare("pingpongx", ["go1.23"], [1])


def test_cli_compare_prints_table_and_writes_files(tmp_path: Path) -> None:
    j, c = tmp_path / "out.json", tmp_path / "out.csv"
    res = CliRunner().invoke(app, [
        "compare", "fanout-cpu", "--policies", "go1.23,locked-steal", "--seeds", "4",
        "--gomaxprocs", "8", "--set", "g=400", "--set", "w=2", "--jobs", "1",
        "--json", str(j), "--csv", str(c)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "fanout-cpu: 4 seeds, GOMAXPROCS=8" in out
    assert "locked-steal vs go1.23" in out and "steal_latency_ns" in out
    assert "Mann-Whitney U" in out
    data = json.loads(j.read_text())
    assert data["baseline"] == "go1.23" and data["seeds"] == [1, 2, 3, 4]
    rows = {r["metric"]: r for r in data["rows"]}
    sl = rows["steal_latency_ns"]
    assert sl["per_policy"]["go1.23"]["median"] == 40.0  # Costs.steal_probe_ns per attempt
    ch = sl["change_vs_baseline"]["locked-steal"]
    assert ch["change"] > 0.5 and ch["significant"] is True  # 4 vs 4 separated: p=0.029
    with c.open() as f:
        table = list(csv.DictReader(f))
    assert {r["policy"] for r in table} == {"go1.23", "locked-steal"}
    assert any(r["metric"] == "lock_wait_ns" and r["policy"] == "locked-steal" for r in table)


@pytest.mark.parametrize("args,needle", [
    (["compare", "pingpong", "--policies", "go1.23,bogus"], "unknown policy 'bogus'"),
    (["compare", "pingpong", "--seeds", "0"], "--seeds: expected an integer >= 1"),
    (["compare", "pingpong", "--set", "r"], "--set: expected key=value"),
])
def test_cli_compare_user_errors_exit_2_one_line(args: list[str], needle: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from goschedlab.cli import main

    with pytest.raises(SystemExit) as ei:
        main(args)
    assert ei.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("goschedlab: error: ") and needle in err[0]


def test_cli_policies_lists_builtins() -> None:
    res = CliRunner().invoke(app, ["policies"])
    assert res.exit_code == 0
    for n in ("go1.23", "locked-steal", "hotfix", "cap=6"):
        assert n in res.output
