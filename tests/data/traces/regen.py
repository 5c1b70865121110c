"""Regenerate the golden traces in tests/data/traces/golden/ (one command, needs Go):

    .venv/bin/python tests/data/traces/regen.py            # all cases
    .venv/bin/python tests/data/traces/regen.py gc-go1.23.1  # some cases

``FIXED`` traces (kept as captured) only get their reference JSON recomputed.  The fixture
small-go1.23.1.* is a copy of the shared fixture, JSON as shipped.

For every case it builds ``progs/`` (tracegen) with the case's Go release, runs one mode, and
writes ``golden/<case>.trace`` plus ``golden/<case>.json`` holding what Go's own parser says
about that exact file: ``go tool trace -d=2`` per-type counts (wire), ``-d=1`` event-kind and
state-transition counts, the StateTransition stream itself (time, resource, id, from, to; when
it has <= 5000 entries) and per-goroutine state totals derived from it (window = first..last
transition).  Where Go's order is not fixed by the file (two threads' next events with equal
timestamps: see :func:`reference`), the ``-d=1`` run kept is one whose order is ours.  Go 1.22
files are read by Go 1.23.1's ``go tool trace`` (it accepts both formats; go1.22.10's tool has
the same -d flags).  ``TIES`` traces also record every order Go's tool produced.

The slow tests reuse :func:`generate` and :func:`reference` to do the same live.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import goref  # noqa: E402

from goschedlab.realgo import build, ensure_go  # noqa: E402

PROGS = HERE / "progs"
GOLDEN = HERE / "golden"
REF_GO = "1.23.1"  # whose `go tool trace` is the reference for both formats

# name -> (go release, mode, n, GOMAXPROCS, GODEBUG)
CASES: dict[str, tuple[str, str, int, int, str]] = {
    "blocking-go1.23.1": ("1.23.1", "blocking", 150, 2, ""),
    "syscalls-go1.23.1": ("1.23.1", "syscalls", 30, 2, ""),
    "gc-go1.23.1": ("1.23.1", "gc", 12, 2, ""),
    "manyp-go1.23.1": ("1.23.1", "manyp", 20, 8, ""),
    "generations-go1.23.1": ("1.23.1", "generations", 10, 2, "traceadvanceperiod=25000000"),
    "cpuprof-go1.23.1": ("1.23.1", "cpuprof", 30, 2, ""),
    "coro-go1.23.1": ("1.23.1", "coro", 50, 2, ""),
    "allocfree-go1.23.1": ("1.23.1", "gc", 2, 2, "traceallocfree=1"),
    "blocking-go1.22.10": ("1.22.10", "blocking", 150, 2, ""),
    "syscalls-go1.22.10": ("1.22.10", "syscalls", 30, 2, ""),
    "gc-go1.22.10": ("1.22.10", "gc", 12, 2, ""),
    "manyp-go1.22.10": ("1.22.10", "manyp", 20, 8, ""),
    "generations-go1.22.10": ("1.22.10", "generations", 10, 2, "traceadvanceperiod=25000000"),
}

_BINARIES: dict[str, Path] = {}


def binary(version: str, workdir: Path) -> Path:
    """tracegen built with Go ``version`` (in a copy of progs/, since build edits go.mod)."""
    if version not in _BINARIES:
        tc = ensure_go(version, quiet=True)
        src = workdir / f"src-{version}"
        shutil.copytree(PROGS, src, dirs_exist_ok=True)
        _BINARIES[version] = build(tc, src, workdir / f"tracegen-{version}")
    return _BINARIES[version]


def generate(version: str, mode: str, n: int, gomaxprocs: int, godebug: str, out: Path,
             workdir: Path) -> Path:
    """Run tracegen once; the trace lands in ``out``."""
    exe = binary(version, workdir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env["GOMAXPROCS"] = str(gomaxprocs)
    if godebug:
        env["GODEBUG"] = godebug
    subprocess.run([str(exe), "-mode", mode, "-n", str(n), "-o", str(out)], env=env,
                   check=True, capture_output=True, timeout=300)
    return out


def go_tool_trace(path: Path, level: int, version: str = REF_GO) -> str:
    """Output of ``go tool trace -d=LEVEL path`` with Go ``version`` (default: the reference)."""
    tc = ensure_go(version, quiet=True)
    proc = subprocess.run([str(tc.go), "tool", "trace", f"-d={level}", str(path)],
                          env=tc.env(), capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"go tool trace -d={level} {path}: {proc.stderr.strip()}")
    return proc.stdout


def reference(path: Path, version: str = REF_GO,
              accept: Callable[[dict], bool] | None = None, tries: int = 60) -> dict:
    """What Go ``version``'s parser reports for ``path`` (the golden JSON layout).

    Go's merged order is not a function of the file alone: ``Reader.ReadEvent`` builds its
    frontier heap by ranging over a map (``gen.batches``, random order every run), so when two
    threads' next events carry the same timestamp the winner can change from one run of
    ``go tool trace`` to the next, and the +1 ns clamp then moves the loser's event (and the
    state intervals it ends) by 1 ns (tests/data/traces/tie-go1.23.1.trace).  Measured
    2026-11-27 on 3900 fresh traces of the live-test cases: 20 disagreed with a single run of
    Go's tool (most: go1.22.10 gc at GOMAXPROCS=4, 14 of 400; go1.23.1 manyp 3 of 1500), and
    for each, a rerun of Go's tool produced exactly our order (at most 9 reruns).  With
    ``accept`` (a test on the parsed ``-d=1``:
    kinds, transitions, stream, totals, window) ``-d=1`` is rerun, up to ``tries`` times, until
    a run passes it; that run is returned (else the last one).  Only the order-dependent parts
    change between runs: counts never do.
    """
    for _ in range(max(1, tries if accept is not None else 1)):
        d1 = goref.parse_d1(go_tool_trace(path, 1, version))
        if accept is None or accept(d1):
            break
    stream = d1["stream"] if len(d1["stream"]) <= 5000 else None
    return {
        "transition_stream": stream,
        "wire_event_counts": goref.parse_d2(go_tool_trace(path, 2, version)),
        "processed_event_kind_counts": d1["kinds"],
        "state_transition_counts": d1["transitions"],
        "goroutine_state_totals_ns": d1["totals"],
        "window_ns": d1["window"],
    }


def ours_stream(path: Path) -> list[tuple[int, str, int, str, str]]:
    """Our reader's StateTransition stream for ``path``, in ``goref.parse_d1``'s layout."""
    import goschedlab.trace as T
    from goschedlab.trace.states import G_STATE_NAMES, P_STATE_NAMES, TraceBuilder

    with T.open(path) as r:
        b = TraceBuilder(keep_events=False, keep_transitions=True)
        b.feed(r.records(), r.ordering)
    out = []
    for t, res, rid, frm, to, _ in b.transitions:
        names = G_STATE_NAMES if res == "Goroutine" else P_STATE_NAMES
        out.append((t, res, rid, names[frm], names[to]))
    return out


def same_order_as_ours(path: Path) -> Callable[[dict], bool]:
    """``accept`` for :func:`reference`: Go's run produced exactly our transition stream."""
    ours = ours_stream(path)
    return lambda d1: d1["stream"] == ours


def go_orders(path: Path, runs: int = 40, version: str = REF_GO) -> list[dict]:
    """The distinct merged orders ``runs`` runs of Go's ``-d=1`` produce for ``path`` (see
    :func:`reference`): per order, how many runs gave it, its transition stream, per-goroutine
    totals and window; most frequent first."""
    seen: dict[str, dict] = {}
    for _ in range(runs):
        d1 = goref.parse_d1(go_tool_trace(path, 1, version))
        key = json.dumps(d1["stream"])
        if key not in seen:
            seen[key] = {"runs": 0, "transition_stream": d1["stream"],
                         "goroutine_state_totals_ns": d1["totals"], "window_ns": d1["window"]}
        seen[key]["runs"] += 1
    return sorted(seen.values(), key=lambda v: -v["runs"])


# Traces kept as found (not regenerable): only their reference JSON is recomputed.
FIXED = {"fanout-cpu-go1.23.1": "refcorpus capture fanout-cpu-default-gmp2.trace (g=1000, w=200)"}
# Traces whose merged order Go does not fix (equal timestamps on two threads): every order
# Go's tool produced in TIE_RUNS runs is recorded.
TIES = {"tie-go1.23.1": "tracegen -mode manyp -n 10, GOMAXPROCS=8, go1.23.1 (1 of ~200 such "
        "traces has a cross-thread timestamp tie)"}
TIE_RUNS = 40


def main(names: list[str]) -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, source in FIXED.items():
        if names and name not in names:
            continue
        ref = reference(HERE / f"{name}.trace", accept=same_order_as_ours(HERE / f"{name}.trace"))
        ref.update({"go": "1.23.1", "source": source})
        (HERE / f"{name}.json").write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    for name, source in TIES.items():
        if names and name not in names:
            continue
        path = HERE / f"{name}.trace"
        ref = reference(path, accept=same_order_as_ours(path))
        ref.update({"go": "1.23.1", "source": source, "go_runs": TIE_RUNS,
                    "go_orders": go_orders(path, TIE_RUNS)})
        (HERE / f"{name}.json").write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    names = [n for n in names if n not in FIXED and n not in TIES] if names else list(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in names:
            version, mode, n, gmp, godebug = CASES[name]
            tmp_trace = work / f"{name}.trace"
            generate(version, mode, n, gmp, godebug, tmp_trace, work)
            ref = reference(tmp_trace, accept=same_order_as_ours(tmp_trace))
            meta = {"go": version, "mode": mode, "n": n, "gomaxprocs": gmp, "godebug": godebug,
                    "reference_tool": f"go{REF_GO} go tool trace -d=1/-d=2", **ref}
            shutil.copyfile(tmp_trace, GOLDEN / f"{name}.trace")
            tmp_json = GOLDEN / f".{name}.json.tmp"
            tmp_json.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
            tmp_json.replace(GOLDEN / f"{name}.json")
            print(f"{name}: {tmp_trace.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
