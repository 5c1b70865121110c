"""The example plug-in package (examples/goschedlab-example-policy) installed into this venv
through pip is found through the ``goschedlab.policies`` entry point group and runs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "goschedlab-example-policy"


@pytest.fixture(scope="module")
def installed() -> Iterator[None]:
    pip = [sys.executable, "-m", "pip"]
    r = subprocess.run(pip + ["install", "--no-deps", "--no-build-isolation", "-q", "-e",
                              str(EXAMPLE)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    try:
        yield
    finally:
        subprocess.run(pip + ["uninstall", "-y", "-q", "goschedlab-example-policy"],
                       capture_output=True, text=True, timeout=600)


def _goschedlab(*args: str) -> subprocess.CompletedProcess[str]:
    # a fresh interpreter: entry points are read from the installed metadata
    return subprocess.run([sys.executable, "-m", "goschedlab", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_example_plugin_is_listed_and_runs(installed: None) -> None:
    r = subprocess.run([sys.executable, "-c",
                        "from goschedlab import policies as P; a = P.available(); "
                        "print(sorted(a)); p = P.get('global-check-31'); "
                        "print(type(p).__module__, p.name, p.globrunq_check_period); "
                        "q = P.get('spin-quarter'); print(q.spinning_allowed(1, 8, 4), "
                        "q.spinning_allowed(1, 8, 3))"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == str(sorted(["go1.23", "locked-steal", "hotfix", "global-check-31",
                                   "spin-quarter"]))
    assert lines[1] == "goschedlab_example_policy global-check-31 31"
    assert lines[2] == "False True"  # 4*1 < 8-4 is False; 4*1 < 8-3 is True (Go: 2*1 < 4)
    out = _goschedlab("policies")
    assert out.returncode == 0 and "global-check-31" in out.stdout and "spin-quarter" in out.stdout
    cmp_ = _goschedlab("compare", "fanout-cpu", "--policies", "go1.23,spin-quarter", "--seeds",
                       "4", "--gomaxprocs", "8", "--set", "g=400", "--set", "w=2", "--jobs", "1")
    assert cmp_.returncode == 0, cmp_.stderr
    assert "spin-quarter vs go1.23" in cmp_.stdout
    # fewer spinning Ms -> fewer steal attempts, a real effect of the plug-in's hook
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        j = Path(d) / "c.json"
        r2 = _goschedlab("compare", "fanout-cpu", "--policies", "go1.23,spin-quarter",
                         "--seeds", "4", "--gomaxprocs", "8", "--set", "g=400", "--set", "w=2",
                         "--jobs", "1", "--json", str(j))
        assert r2.returncode == 0, r2.stderr
        rows = {row["metric"]: row for row in json.loads(j.read_text())["rows"]}
    sa = rows["steal_attempts"]["per_policy"]
    assert sa["spin-quarter"]["median"] < sa["go1.23"]["median"]
