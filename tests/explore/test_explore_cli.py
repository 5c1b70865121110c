"""``goschedlab explore`` in-process: exit codes, --list, --json, --replay, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goschedlab.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as ex:
        code = 0 if ex.code is None else int(ex.code)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_model_and_marks_bugs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["explore", "--list"], capsys)
    assert code == 0
    from goschedlab.explore.models import MODELS

    for name in MODELS:
        assert f"\n{name} " in out
    line = next(ln for ln in out.splitlines() if ln.startswith("bug-relaxed-tail-store "))
    assert line.split()[1:4] == ["ok", "ok", "BUG"]


def test_correct_model_exits_0_with_statistics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["explore", "runq", "--memory", "tso", "--threads", "2"], capsys)
    assert code == 0
    assert out.startswith("runq [tso]: no violation\n")
    assert "states," in out and "exhaustive" in out


def test_violation_exits_1_and_replay_reproduces(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    js = tmp_path / "cex.json"
    code, out, _ = _run(["explore", "bug-slot-after-cas", "--json", str(js)], capsys)
    assert code == 1
    assert "VIOLATION (final-state): G1 obtained 0 times" in out
    data = json.loads(js.read_text())
    assert data["verdict"] == "violation"
    cex = data["counterexample"]
    assert cex["message"] == "G1 obtained 0 times"
    assert cex["steps"][0]["step"] == 1
    assert any(
        s["func"] == "runqgrab" and s["event"].startswith("CAS p0.runqhead") for s in cex["steps"]
    )
    token = cex["replay_token"]
    assert f"--replay {token}" in out
    code, out, _ = _run(["explore", "bug-slot-after-cas", "--replay", token], capsys)
    assert code == 1
    assert "replay: VIOLATION (final-state): G1 obtained 0 times" in out
    # the same token on the correct model: no violation along that path
    code, out, _ = _run(["explore", "runq", "--replay", token], capsys)
    assert code in (0, 2)


@pytest.mark.parametrize(
    ("argv", "msg"),
    [
        (["explore", "nope"], "unknown model 'nope'"),
        (["explore", "runq", "--memory", "power"], "--memory: expected sc, tso or arm"),
        (["explore", "runq", "--capacity", "3"], "--capacity: expected an even number >= 2"),
        (["explore", "acquirep", "--threads", "3"], "--threads: model acquirep does not take"),
        (["explore", "runq", "--replay", "sc:x"], "--replay token: expected"),
        (
            ["explore", "runq", "--replay", "sc:capacity=4,ops=5,threads=3:0,zz"],
            "--replay token offset",
        ),
        (
            ["explore", "runq", "--replay", "sc:capacity=4,ops=5,threads=3:2,2,2,2,2,2,2,2,2,2,2"],
            "replay step",
        ),
        (["explore"], "expected a MODEL name"),
        (["explore", "runq", "--json", "/nonexistent-dir/x.json"], "directory does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], msg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("goschedlab: error: ")
    assert msg in err


def test_random_mode_is_seeded(capsys: pytest.CaptureFixture[str]) -> None:
    a = _run(["explore", "bug-putslow-plain-head", "--random", "20", "--seed", "7"], capsys)
    b = _run(["explore", "bug-putslow-plain-head", "--random", "20", "--seed", "7"], capsys)
    assert a[0] == b[0] == 1
    strip = [ln for ln in a[1].splitlines() if not ln.startswith("statistics")]
    assert strip == [ln for ln in b[1].splitlines() if not ln.startswith("statistics")]


def test_litmus_model_prints_its_outcome_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["explore", "litmus-MP", "--memory", "tso"], capsys)
    assert code == 0
    assert "outcomes (r0,r1): (0,0) (0,1) (1,1)\n" in out
    code, out, _ = _run(["explore", "litmus-MP", "--memory", "arm"], capsys)
    assert "outcomes (r0,r1): (0,0) (0,1) (1,0) (1,1)\n" in out
