"""Which goroutine starts cross Ps in a real runtime/trace, by the other P's state then.

Usage: ``python benchmarks/probes/pipeline_cross_p_real.py TRACE`` (a Go 1.23 execution trace of
the project's pipeline program at GOMAXPROCS=2, e.g. ``-s 4 -c 0 -w 0 -n 200000 -trace F``).

For every GoUnblock followed by a GoStart on the other P it records that P's state at the
unblock (idle, running a goroutine, or in the scheduler without one) and the wait from the
unblock to the start; prints the counts and the wait p10/p50/p90/p99 in ns per state
(docs/validation.md mechanism 350).
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

import numpy as np

from goschedlab import trace


def quantiles(values: list[int]) -> list[int]:
    """p10/p50/p90/p99 of ``values`` (empty list when there are none)."""
    return [int(np.percentile(values, q)) for q in (10, 50, 90, 99)] if values else []


def main(path: str) -> None:
    pstate: dict[int, str] = {}
    prun: dict[int, int | None] = {}  # P -> the goroutine it runs, or None
    idle_since: dict[int, int | None] = {}
    unblocked: dict[int, tuple[int, int, dict[int, tuple[str, int | None, int | None]]]] = {}
    counts: Counter[str] = Counter()
    waits: defaultdict[str, list[int]] = defaultdict(list)
    with trace.open(path) as reader:
        for e in reader.events():
            name = e.name
            if name == "ProcStart":
                p = e.args["p"]
                pstate[p], prun[p], idle_since[p] = "run", None, e.time
            elif name == "ProcStop":
                pstate[e.p] = "idle"
            elif name == "GoUnblock":
                snap = {p: (pstate.get(p, "?"), prun.get(p), idle_since.get(p)) for p in (0, 1)}
                unblocked[e.args["g"]] = (e.time, e.p, snap)
            elif name == "GoStart":
                g = e.args["g"]
                if g in unblocked:
                    t, p, snap = unblocked.pop(g)
                    if e.p != p and p >= 0:
                        state, running, since = snap[e.p]
                        if state != "run":
                            kind = "P idle"
                        elif running is not None:
                            kind = "thief running a G"
                        else:
                            kind = "thief in schedule (no G)"
                            if since is not None:
                                waits["no G for"].append(t - since)
                        counts[kind] += 1
                        waits[kind].append(e.time - t)
                prun[e.p], idle_since[e.p] = g, None
            elif name in ("GoBlock", "GoStop", "GoDestroy", "GoSyscallBegin"):
                if e.p in prun and e.p >= 0:
                    prun[e.p], idle_since[e.p] = None, e.time
    for kind, n in counts.items():
        print(f"{kind:30s} {n:6d} wait p10/50/90/99 {quantiles(waits[kind])}")
    print("thief had no G for (ns) at the unblock", quantiles(waits["no G for"]))


if __name__ == "__main__":
    main(sys.argv[1])
