"""Fixtures shared by the test packages."""

from __future__ import annotations

import pytest


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``goschedlab ARGS`` in-process; return (exit status, stdout, stderr)."""
    from goschedlab.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
