"""CLI: user mistakes give one line on stderr and exit 2; `workloads` lists every scenario."""

from __future__ import annotations

import pytest

from goschedlab.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ei:
        main(argv)
    out, err = capsys.readouterr()
    code = ei.value.code
    return (0 if code is None else int(code)), out, err


@pytest.mark.parametrize(
    ("argv", "msg"),
    [
        (
            ["simulate", "nope"],
            "goschedlab: error: unknown workload 'nope' (valid: blocking-logger,",
        ),
        (
            ["simulate", "fanout-cpu", "--set", "g=x"],
            "goschedlab: error: --set g=x: parameter 'g' expects int, got 'x'",
        ),
        (
            ["simulate", "fanout-cpu", "--setting", "big"],
            "goschedlab: error: fanout-cpu: unknown setting 'big' (valid: default, tiny, long)",
        ),
        (
            ["simulate", "fanout-cpu", "--scheddetail"],
            "goschedlab: error: --scheddetail: needs --schedtrace MS > 0 (as GODEBUG does)",
        ),
        (
            ["simulate", "fanout-cpu", "--json", "/nonexistent/dir/x.json"],
            "goschedlab: error: --json /nonexistent/dir/x.json: directory /nonexistent/dir"
            " does not exist",
        ),
    ],
)
def test_user_errors_exit_2_one_line(argv: list[str], msg: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert err.startswith(msg)
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_workloads_lists_params_defaults_settings(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["workloads"], capsys)
    assert code == 0
    assert "fanout-cpu: main starts G goroutines" in out
    assert "    g         int    default 1000     number of goroutines" in out
    assert "  setting tiny: g=100000 w=1" in out
    assert "  setting heavy-c1024: d=2 w=100 k=200 rate=4000 c=1024" in out
    for name in (
        "pingpong",
        "pipeline",
        "timer-storm",
        "syscall-block",
        "open-loop-server",
        "gc-churn",
        "blocking-logger",
    ):
        assert f"\n{name}: " in "\n" + out
