"""The model's counterpart of pipeline_cross_p_real.py: cross-P starts by the other P's state.

Usage: ``GOSCHEDLAB_PURE=1 python benchmarks/probes/pipeline_cross_p_model.py [COSTS.toml]``
(pure Python, so that wrapping ``proc.ready`` / ``proc.execute`` takes effect).  Simulates
pipeline unbuf at GOMAXPROCS=2, seed 1, and prints, per state of the other P's M at the ready
(running a G, in runqgrab's usleep pause, spinning, no G, no M), the count of goroutines that
started on that P and their wait p10/p50/p90/p99 in ns (docs/validation.md mechanism 350).
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from typing import Any

import numpy as np

import goschedlab.runtime.proc as proc
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads.driver import simulate


def state_of(p: Any) -> str:
    """The state of P ``p``'s M, as the real probe classifies the other P."""
    m = p.m
    if m is None:
        return "P idle (no M)"
    if m.curg is not None:
        return "thief running a G"
    if getattr(m, "pause_victim", None) is not None:
        return "thief in usleep pause"
    return "thief spinning" if m.spinning else "thief M no G"


def main() -> None:
    if os.environ.get("GOSCHEDLAB_PURE") != "1":
        sys.exit("pipeline_cross_p_model.py: set GOSCHEDLAB_PURE=1 (the wrappers need pure Python)")
    costs = load_costs(sys.argv[1]) if len(sys.argv) > 1 else None
    info: dict[Any, tuple[Any, int, dict[int, str]]] = {}
    counts: Counter[str] = Counter()
    waits: defaultdict[str, list[int]] = defaultdict(list)
    orig_ready, orig_execute = proc.ready, proc.execute

    def ready(rt: Any, mp: Any, gp: Any, next: bool = True) -> Any:
        snap = {id(p): state_of(p) for p in rt.allp if p is not mp.p}
        info[gp] = (mp.p, rt.sim.now + mp.debt, snap)
        return orig_ready(rt, mp, gp, next)

    def execute(rt: Any, mp: Any, gp: Any, inheritTime: bool) -> Any:
        x = info.pop(gp, None)
        if x is not None and x[0] is not mp.p:
            kind = x[2].get(id(mp.p), "?")
            counts[kind] += 1
            waits[kind].append(rt.sim.now + mp.debt - x[1])
        return orig_execute(rt, mp, gp, inheritTime)

    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("goschedlab."):
            if getattr(mod, "ready", None) is orig_ready:
                mod.ready = ready  # type: ignore[attr-defined]
            if getattr(mod, "goready", None) is orig_ready:
                mod.goready = ready  # type: ignore[attr-defined]
            if getattr(mod, "execute", None) is orig_execute:
                mod.execute = execute  # type: ignore[attr-defined]
    out = simulate("pipeline", setting="unbuf", gomaxprocs=2, seed=1, costs=costs)
    stats = out.runtime.stats
    print("steals", stats.gs_stolen, "spin_ms", stats.spin_ns / 1e6)
    for kind, n in counts.items():
        v = waits[kind]
        q = [int(np.percentile(v, x)) for x in (10, 50, 90, 99)]
        print(f"  {kind:28s} {n:6d} wait p10/50/90/99 {q}")


if __name__ == "__main__":
    main()
