"""Build script: compiles the simulator core with mypyc when a C compiler is present.

The modules in ``goschedlab._build.COMPILED`` (the engine and the runtime model, i.e. the
simulator's hot loop) are plain, type-annotated Python.  mypyc turns them into C extensions
that run the same code 2-3.7x faster (benchmarks/sim_engine.py); results are byte-identical
(tests/runtime/test_compiled_core.py).  When mypyc or a C compiler is missing, or
``GOSCHEDLAB_PURE_BUILD=1`` is set, the package installs as pure Python: same results, slower.

A manifest of the compiled sources' hashes is written beside them; at import time
``goschedlab._build`` loads the pure-Python modules instead of the extensions when a source
has changed since the build (an edited checkout), so an edit always takes effect.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "src"))
from goschedlab import _build  # noqa: E402  (stdlib-only module; no package imports)

sys.path.pop(0)


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python if compiling fails (no C compiler)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler failure means: stay pure
            self._fallback(exc)

    def _fallback(self, exc: BaseException) -> None:
        for ext in self.extensions:
            Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
        _build.remove_manifest(HERE / "src")
        print(
            f"goschedlab: compiling the simulator core failed ({exc}); installing pure Python "
            "(same results, slower)",
            file=sys.stderr,
        )


def _ext_modules() -> list:
    if os.environ.get("GOSCHEDLAB_PURE_BUILD"):
        _build.remove_manifest(HERE / "src")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        print(f"goschedlab: mypyc is not available ({exc}); pure Python", file=sys.stderr)
        _build.remove_manifest(HERE / "src")
        return []
    paths = [str(Path("src") / p) for p in _build.compiled_paths()]
    try:
        exts = mypycify(paths, opt_level="3", debug_level="0", group_name="goschedlab")
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - type errors etc.: stay pure
        print(f"goschedlab: mypyc could not compile the core ({exc}); pure Python",
              file=sys.stderr)
        _build.remove_manifest(HERE / "src")
        return []
    _build.write_manifest(HERE / "src")
    return exts


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
