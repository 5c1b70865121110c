"""The mypyc-compiled simulator core (goschedlab._build, setup.py).

* the guard's decision: compiled only with a manifest whose hashes match every source, never
  when GOSCHEDLAB_PURE is set or a source was edited after the build;
* compiled and pure Python give byte-identical results (a subprocess forced pure);
* where a C compiler exists (CI, the development machines) the installed core IS compiled,
  so the speed figures of benchmarks/sim_engine.py are those of the compiled build.
"""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goschedlab import _build
from goschedlab.observe.result import dumps_go
from goschedlab.workloads import simulate

SRC = Path(_build.__file__).resolve().parent.parent


def _copy_sources(dst: Path) -> None:
    for rel in _build.COMPILED:
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SRC / rel, dst / rel)


def test_guard_decision(tmp_path: Path) -> None:
    _copy_sources(tmp_path)
    assert _build.decide(tmp_path, {}) == "not compiled (no mypyc build)"
    _build.write_manifest(tmp_path)
    # a manifest without the extension modules (a failed compile after the manifest was
    # packaged) is not a compiled build
    assert _build.decide(tmp_path, {}).startswith("not compiled (no extension module for ")
    for rel in _build.COMPILED:
        ext = importlib.machinery.EXTENSION_SUFFIXES[0]
        (tmp_path / rel.replace(".py", ext)).write_bytes(b"")
    assert _build.decide(tmp_path, {}) == ""
    assert _build.decide(tmp_path, {"GOSCHEDLAB_PURE": "0"}) == ""
    assert _build.decide(tmp_path, {"GOSCHEDLAB_PURE": "1"}) == "GOSCHEDLAB_PURE is set"
    edited = tmp_path / "goschedlab/runtime/proc.py"
    edited.write_text(edited.read_text() + "# an edit\n")
    why = _build.decide(tmp_path, {})
    assert why.startswith("sources changed since the build") and "runtime/proc.py" in why
    _build.remove_manifest(tmp_path)
    assert not (tmp_path / _build.MANIFEST).exists()


def _case_text() -> str:
    out = simulate("pingpong", setting="pairs8", overrides=["r=300"], gomaxprocs=4,
                   schedtrace_ms=2)
    return "\n".join([dumps_go(out.result), *out.schedtrace]) + "\n"


def test_compiled_and_pure_are_byte_identical() -> None:
    here = _case_text()
    env = dict(os.environ, GOSCHEDLAB_PURE="1")
    code = (
        "import sys; from goschedlab import _build; assert _build.mode().startswith('pure'); "
        "assert not _build.compiled_active(); "
        "sys.path.insert(0, sys.argv[1]); import test_compiled_core as t; "
        "sys.stdout.write(t._case_text())"
    )
    pure = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert pure == here
    assert '"model_counters"' in here


def test_core_is_compiled_where_a_compiler_exists() -> None:
    if os.environ.get("GOSCHEDLAB_PURE") or os.environ.get("GOSCHEDLAB_PURE_BUILD"):
        assert not _build.compiled_active()
        return
    has_cc = any(shutil.which(c) for c in ("cc", "gcc", "clang"))
    assert _build.compiled_active() == (has_cc and _build.mode() == "mypyc"), _build.mode()
    if has_cc:
        assert _build.mode() == "mypyc", (
            f"the simulator core runs as {_build.mode()}; rebuild: pip install -e . -v"
        )


def test_version_names_the_core(capsys: pytest.CaptureFixture[str]) -> None:
    from goschedlab.cli import main

    with pytest.raises(SystemExit) as ei:
        main(["--version"])
    assert (ei.value.code or 0) == 0
    out = capsys.readouterr().out.strip()
    assert out == f"goschedlab 0.1.0 (simulator core: {_build.mode()})"
