"""Workload models: the refcorpus Go programs as simulated goroutines, and a public API for more.

What it models
    Each built-in :class:`Scenario` mirrors one program of the reference corpus (same name, same
    flags with the same defaults, the same named settings, the same measured series and extra
    JSON fields): fanout-cpu, pingpong, pipeline, blocking-logger, syscall-block, gc-churn,
    open-loop-server, timer-storm.  A goroutine is a Python generator that yields operations
    (:mod:`goschedlab.workloads.ops`: Spin, Go, Send/Recv/Close, Sleep, Syscall, WaitGroup,
    Mutex, Alloc, Now); the runtime model interprets them with Go 1.23's semantics.

Main objects
    :class:`Scenario` / :class:`Param` (flags) / :class:`Registry` (name -> scenario);
    :class:`Report` (T0/T1, runtime/metrics snapshots, latency series, extra fields);
    :func:`simulate` (build the runtime, run a scenario, return the JSON result and the
    schedtrace lines); :mod:`.rng` (splitmix64 and the seeded input generators, bit-exact with
    the Go programs' ``common.Rng``).

Invariants
    * Seeded inputs equal the Go programs' bit for bit: ``arrivals_checksum`` /
      ``service_checksum`` / ``sleeps_checksum`` of a simulated run equal those of the real run
      with the same parameters (tested against refcorpus result files).
    * Same scenario, parameters, config and seed -> byte-identical JSON and schedtrace.
    * Every clock reading in a workload is a ``yield Now()``; no wall-clock time is used.

Rejected alternatives
    * Replaying measured traces instead of re-running the programs' logic: it would freeze the
      schedule of one real run, so a scheduler change could not change what happens next.
    * Callback-style workloads (``on_recv(...)``): generators read like the Go code they mirror
      (one ``yield`` where Go blocks or spends time).
    * A module-level mutable registry: a :class:`Registry` object is passed explicitly.
    * Drawing seeded inputs inside the simulation's RNG streams: they come from the Go programs'
      own splitmix64 so real and simulated runs see the same arrivals.

Follows the refcorpus programs (``<workload>/main.go``, ``common/common.go``) as measured with
go1.23.1; Go runtime semantics live in :mod:`goschedlab.runtime`.

Writing a workload::

    from goschedlab.workloads import Param, Scenario, simulate
    from goschedlab.workloads.ops import Go, Now, Spin, WaitGroup, WgAdd, WgDone, WgWait

    def main(rep, p):
        wg = WaitGroup()
        yield WgAdd(wg, p["n"])
        def worker(i):
            yield Spin(50_000)
            yield WgDone(wg)
        rep.start((yield Now()))
        for i in range(p["n"]):
            yield Go(worker, i)
        yield WgWait(wg)
        rep.end((yield Now()))

    mine = Scenario("mine", "n workers spin 50 us", (Param("n", int, 8, "workers"),),
                    {}, primary="", main=main)
    out = simulate(mine, gomaxprocs=2)
    print(out.result["makespan_ns"])
"""

from __future__ import annotations

from typing import Any

# Exports are resolved lazily: the runtime imports ``goschedlab.workloads.ops`` (the op
# contract) and must not pull in the scenarios, the driver and ``observe`` with it.
_EXPORTS = {
    "BUILTIN": "goschedlab.workloads.corpus",
    "Param": "goschedlab.workloads.scenario",
    "Registry": "goschedlab.workloads.scenario",
    "Scenario": "goschedlab.workloads.scenario",
    "Report": "goschedlab.workloads.report",
    "SimOutput": "goschedlab.workloads.driver",
    "builtin_registry": "goschedlab.workloads.driver",
    "simulate": "goschedlab.workloads.driver",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'goschedlab.workloads' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(mod), name)
