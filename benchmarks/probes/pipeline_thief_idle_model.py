"""Lead's check of mechanism 350: does the model's thief give up its P in pipeline unbuf GMP=2?

``GOSCHEDLAB_PURE=1 python benchmarks/probes/pipeline_thief_idle_model.py COSTS.toml`` counts, over
seed 1: what a thief finds at the end of runqgrab's pause (runnext seen, ring non-empty),
findRunnable's idle paths, checkRunqsNoP's outcomes (True: a P with work, so the M takes a P
again) and stopm calls (the M parks).
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

import goschedlab.runtime.proc as proc
import goschedlab.runtime.runtime as rtm
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads.driver import simulate


def main(costs_file: str) -> None:
    counts: Counter[str] = Counter()
    orig_pause, orig_idle = proc.stealRunnextAfterPause, proc.findRunnableIdle
    orig_check, orig_stopm = proc.checkRunqsNoP, proc.stopm

    def pause(rt: Any, mp: Any) -> bool:
        p2 = mp.pause_victim
        seen = proc.runnextSeen(rt, p2) is not None
        counts[f"pause end: runnext {seen}, ring {p2.runqhead != p2.runqtail}"] += 1
        return orig_pause(rt, mp)

    def idle(rt: Any, mp: Any) -> bool:
        counts["findRunnableIdle"] += 1
        return orig_idle(rt, mp)

    def check(rt: Any, snapshot: list[bool]) -> Any:
        p = orig_check(rt, snapshot)
        counts[f"checkRunqsNoP found work: {p is not None}"] += 1
        return p

    def stopm(rt: Any, mp: Any) -> bool:
        counts["stopm"] += 1
        return orig_stopm(rt, mp)

    rtm.stealRunnextAfterPause = pause  # type: ignore[assignment]
    rtm.findRunnableIdle = idle  # type: ignore[assignment]
    proc.checkRunqsNoP = check  # type: ignore[assignment]
    proc.stopm = stopm  # type: ignore[assignment]
    simulate("pipeline", setting="unbuf", gomaxprocs=2, seed=1, costs=load_costs(costs_file))
    for key, n in sorted(counts.items()):
        print(f"{key:40s} {n}")


if __name__ == "__main__":
    main(sys.argv[1])
