"""The simulator core compiled with mypyc: which modules, and whether the compiled build is used.

setup.py compiles the modules of :data:`COMPILED` (the engine and the runtime model: every
event of a simulation runs through them) with mypyc when a C compiler is present, and writes a
manifest with the SHA-256 of their sources.  On import of ``goschedlab`` :func:`install_guard`
decides, once, between the C extensions and the ``.py`` files beside them:

* the extensions when the manifest exists and every source still has its hash;
* the ``.py`` files (pure Python: same results, slower) when ``GOSCHEDLAB_PURE=1`` is set, when
  there is no manifest (pure build, failed compile), or when a source changed since the build
  (an edited checkout: the edit takes effect, rebuild with ``pip install -e .`` for speed).

It is all or nothing: compiled modules call each other natively, so mixing a compiled module
with an edited pure one would silently run the old code.  :func:`mode` says which is in use.
Standard library only: setup.py imports this module before the package's dependencies exist.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

# Paths relative to the directory holding the ``goschedlab`` package (src/ in a checkout).
COMPILED: tuple[str, ...] = (
    "goschedlab/sim/engine.py",
    "goschedlab/runtime/chan.py",
    "goschedlab/runtime/costs.py",
    "goschedlab/runtime/g.py",
    "goschedlab/runtime/gc.py",
    "goschedlab/runtime/histogram.py",
    "goschedlab/runtime/interp.py",
    "goschedlab/runtime/m.py",
    "goschedlab/runtime/machine.py",
    "goschedlab/runtime/netpoll.py",
    "goschedlab/runtime/numa.py",
    "goschedlab/runtime/p.py",
    "goschedlab/runtime/proc.py",
    "goschedlab/runtime/quota.py",
    "goschedlab/runtime/runq.py",
    "goschedlab/runtime/runtime.py",
    "goschedlab/runtime/sched.py",
    "goschedlab/runtime/sema.py",
    "goschedlab/runtime/syscall.py",
    "goschedlab/runtime/sysmon.py",
    "goschedlab/runtime/timers.py",
    "goschedlab/workloads/ops.py",
    "goschedlab/workloads/rng.py",
    "goschedlab/workloads/corpus/_common.py",
    "goschedlab/workloads/corpus/blocking_logger.py",
    "goschedlab/workloads/corpus/fanout_cpu.py",
    "goschedlab/workloads/corpus/gc_churn.py",
    "goschedlab/workloads/corpus/net_server.py",
    "goschedlab/workloads/corpus/open_loop_server.py",
    "goschedlab/workloads/corpus/pingpong.py",
    "goschedlab/workloads/corpus/pipeline.py",
    "goschedlab/workloads/corpus/syscall_block.py",
    "goschedlab/workloads/corpus/timer_storm.py",
)
MANIFEST = "goschedlab/_mypyc_manifest.json"
PURE_ENV = "GOSCHEDLAB_PURE"


def compiled_paths() -> list[str]:
    return list(COMPILED)


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def source_digest(root: Path, paths: Sequence[str] = COMPILED) -> dict[str, str]:
    """``{path: sha256 of the file}`` for the compiled sources under ``root``."""
    return {p: hashlib.sha256((root / p).read_bytes()).hexdigest() for p in paths}


def write_manifest(root: Path) -> None:
    """Record the hashes of the sources being compiled (setup.py, before compiling)."""
    (root / MANIFEST).write_text(json.dumps(source_digest(root), indent=1, sort_keys=True) + "\n")


def remove_manifest(root: Path) -> None:
    (root / MANIFEST).unlink(missing_ok=True)


class _PureFinder:
    """Loads the compiled modules from their ``.py`` files, ahead of the extension modules
    (a ``sys.meta_path`` finder; duck-typed: importlib.abc costs 30 ms of import time)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names = {module_name(p): p for p in COMPILED}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        rel = self.names.get(fullname)
        if rel is None:
            return None
        return importlib.util.spec_from_file_location(fullname, self.root / rel)


def decide(root: Path, environ: Mapping[str, str]) -> str:
    """Why the ``.py`` files must be used under ``root`` ("" = the extensions may be used)."""
    if environ.get(PURE_ENV, "") not in ("", "0"):
        return f"{PURE_ENV} is set"
    try:
        want = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return "not compiled (no mypyc build)"
    missing = [p for p in COMPILED if not _has_extension(root, p)]
    if missing:
        return f"not compiled (no extension module for {missing[0]})"
    try:
        have = source_digest(root)
    except OSError as exc:
        return f"source missing ({exc})"
    if have != want:
        changed = sorted(set(have) ^ set(want) | {p for p in have if have[p] != want.get(p)})
        return "sources changed since the build (pip install -e . rebuilds): " + ", ".join(
            changed[:3]
        )
    return ""


def _has_extension(root: Path, path: str) -> bool:
    stem = root / path.removesuffix(".py")
    return any(
        stem.with_name(stem.name + sfx).is_file()
        for sfx in importlib.machinery.EXTENSION_SUFFIXES
    )


_state: dict[str, str] = {}


def install_guard() -> str:
    """Choose compiled or pure once per process (idempotent); returns :func:`mode`."""
    if "mode" in _state:
        return _state["mode"]
    root = Path(__file__).resolve().parent.parent
    reason = decide(root, os.environ)
    if reason:
        sys.meta_path.insert(0, _PureFinder(root))
        _state["mode"] = f"pure Python ({reason})"
    else:
        _state["mode"] = "mypyc"
    return _state["mode"]


def mode() -> str:
    """``"mypyc"`` or ``"pure Python (<why>)"``: what this process runs."""
    return install_guard()


def compiled_active() -> bool:
    """True when the engine module in use is the C extension."""
    from goschedlab.sim import engine

    return not str(engine.__file__).endswith(".py")
