"""goschedlab's own Go programs (package ``goschedlab/gosrc``): settings, building and running.

Each program is one directory of the Go module shipped as package data; every workload takes the
flags of the reference corpus program of the same name and prints the same JSON.  :class:`Program`
builds the whole module once per Go release into the cache, keyed by a hash of the sources, and
runs one binary with chosen GOMAXPROCS / GODEBUG / GOGC, returning the parsed JSON.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.realgo.toolchain import GoToolchain, cache_dir, run

#: Every flag of every program with its default, in the type the Go flag has (as the JSON's
#: ``params`` shows it).  ``trace`` is the common flag every program has.
DEFAULTS: dict[str, dict[str, Any]] = {
    "fanout-cpu": {"g": 1000, "w": 200.0},
    "pingpong": {"r": 200000, "pairs": 1, "w": 0.0},
    "pipeline": {"s": 4, "c": 16, "w": 10.0, "n": 20000, "rate": 0.0, "seed": 1},
    "blocking-logger": {"rate": 2000.0, "d": 2.0, "w": 100.0, "k": 200.0, "c": 0, "seed": 1},
    "syscall-block": {"g": 16, "s": 1000.0, "w": 100.0, "r": 100},
    "gc-churn": {"g": 4, "iters": 10000, "bytes": 8192, "w": 10.0, "live": 16, "gogc": 100},
    "open-loop-server": {"rate": 5000.0, "d": 2.0, "mean": 100.0, "seed": 1},
    "timer-storm": {"g": 100, "w": 5.0, "r": 100, "maxsleep": 2000.0, "seed": 1},
    "calibrate": {"scale": 1.0},
}

#: The reference corpus settings: workload -> setting -> flag overrides (run_all.sh's table).
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "fanout-cpu": {
        "default": {"g": 1000, "w": 200},
        "tiny": {"g": 100000, "w": 1},
        "long": {"g": 4, "w": 25000},
    },
    "pingpong": {
        "default": {"r": 200000},
        "spin": {"r": 20000, "w": 20},
        "pairs8": {"r": 50000, "pairs": 8},
    },
    "pipeline": {
        "default": {"s": 4, "c": 16, "w": 10, "n": 20000},
        "unbuf": {"s": 4, "c": 0, "w": 0, "n": 200000},
        "light": {"s": 4, "c": 16, "w": 10, "n": 5000, "rate": 5000},
    },
    "blocking-logger": {
        f"{name}-c{c}": {"rate": rate, "d": 2, "w": 100, "k": 200, "c": c}
        for name, rate in (("default", 2000), ("light", 500), ("heavy", 4000))
        for c in (0, 1024)
    },
    "syscall-block": {
        "default": {"g": 16, "s": 1000, "w": 100, "r": 100},
        "light": {"g": 2, "s": 1000, "w": 100, "r": 200},
        "many": {"g": 64, "s": 100, "w": 20, "r": 200},
    },
    "gc-churn": {
        "default": {"g": 4, "iters": 10000, "bytes": 8192, "w": 10, "live": 16},
        "light": {"g": 2, "iters": 4000, "bytes": 4096, "w": 50, "live": 16},
        "heavy": {"g": 4, "iters": 5000, "bytes": 65536, "w": 0, "live": 16},
    },
    "open-loop-server": {
        "default": {"rate": 5000, "d": 2, "mean": 100},
        "light": {"rate": 1000, "d": 2, "mean": 100},
        "heavy": {"rate": 9000, "d": 2, "mean": 100},
    },
    "timer-storm": {
        "default": {"g": 100, "w": 5, "r": 100},
        "light": {"g": 10, "w": 5, "r": 200},
        "heavy": {"g": 1000, "w": 20, "r": 20},
    },
}

WORKLOADS: tuple[str, ...] = tuple(SETTINGS)
PROGRAMS: tuple[str, ...] = (*WORKLOADS, "calibrate")


def setting_params(workload: str, setting: str) -> dict[str, Any]:
    """Full ``params`` (defaults + the setting's flags, typed as Go parses them, plus ``trace``)."""
    if workload not in SETTINGS:
        known = ", ".join(WORKLOADS)
        raise UserInputError(f"unknown workload {workload!r} (expected one of {known})")
    if setting not in SETTINGS[workload]:
        known = ", ".join(SETTINGS[workload])
        raise UserInputError(f"{workload}: unknown setting {setting!r} (expected one of {known})")
    return params_for(workload, SETTINGS[workload][setting])


def params_for(program: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults of ``program`` updated by ``overrides``, each value coerced to its flag's type."""
    base = DEFAULTS[program]
    out: dict[str, Any] = dict(base)
    for key, value in overrides.items():
        if key not in base:
            raise UserInputError(f"{program}: unknown flag -{key} (expected one of {sorted(base)})")
        out[key] = type(base[key])(value)
    out["trace"] = ""
    return out


def flags_for(overrides: Mapping[str, Any]) -> list[str]:
    """Command-line flags for the given flag values (``trace`` left out when empty)."""
    args: list[str] = []
    for key, value in overrides.items():
        if key == "trace" and not value:
            continue
        args += [f"-{key}", str(value)]
    return args


def source_root() -> Path:
    """Directory of the Go module shipped with the package."""
    return Path(str(resources.files("goschedlab") / "gosrc"))


def source_hash(root: Path | None = None) -> str:
    """Hash over every .go file and go.mod of the module (path and content)."""
    root = root or source_root()
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and (path.suffix == ".go" or path.name == "go.mod"):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:16]


def build_all(tc: GoToolchain) -> Path:
    """Build every program of the module with ``tc`` once; return the directory of binaries.

    Binaries live in ``<cache>/gosrc-bin/<go version>/<source hash>/``; a build happens in a
    scratch copy (whose go.mod names ``tc``'s release, so it runs with that release's default
    GODEBUG settings) and is renamed into place, so concurrent callers never see half a build.
    """
    root = source_root()
    dest = cache_dir() / "gosrc-bin" / tc.version / source_hash(root)
    if all((dest / p).is_file() for p in PROGRAMS):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=dest.parent))
    try:
        src = scratch / "src"
        shutil.copytree(root, src, ignore=shutil.ignore_patterns("__pycache__", "*.py*"))
        tc.tool("mod", "edit", f"-go={tc.version}", cwd=src)
        tc.tool("build", "-trimpath", "-o", str(scratch / "bin") + "/", "./...", cwd=src)
        if not dest.exists():
            (scratch / "bin").rename(dest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return dest


@dataclass(frozen=True, slots=True)
class Program:
    """One of goschedlab's Go programs (a directory of ``goschedlab/gosrc``)."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in PROGRAMS:
            raise UserInputError(
                f"unknown program {self.name!r} (expected one of {', '.join(PROGRAMS)})"
            )

    def binary(self, tc: GoToolchain) -> Path:
        """Path of the built binary for ``tc`` (building the module first if needed)."""
        return build_all(tc) / self.name

    def run(
        self,
        tc: GoToolchain,
        flags: Mapping[str, Any] | Sequence[str] = (),
        *,
        gomaxprocs: int | None = None,
        godebug: str | None = None,
        gogc: int | str | None = 100,
        timeout: float = 600,
    ) -> dict[str, Any]:
        """Run with the given flags (a mapping of flag values or raw args); return its JSON."""
        args = flags_for(flags) if isinstance(flags, Mapping) else list(flags)
        res = run(
            tc, self.binary(tc), args, gomaxprocs=gomaxprocs, godebug=godebug, gogc=gogc,
            timeout=timeout,
        )
        if res.returncode != 0:
            tail = (res.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"{self.name} {' '.join(args)} exited {res.returncode}: {tail}")
        try:
            out = json.loads(res.stdout)
        except json.JSONDecodeError as err:
            raise RuntimeError(f"{self.name}: stdout is not one JSON object: {err}") from err
        if not isinstance(out, dict):
            raise RuntimeError(f"{self.name}: stdout is JSON but not an object")
        return out
