"""Summarise benchmarks/probes/sysmon_lead_trace.sh runs (docs/validation.md mechanism 330).

    python3 benchmarks/probes/sysmon_lead_summary.py OUT...

For each OUT (OUT.trace, OUT.json): the exec, sysmon's start, its sleeps before T0, the start
of its back-off (R: the first doubled sleep), its sleeps over 0.5 ms before R, the preemptone
uprobe hits and the first two executes, in ms relative to T0 = Finish's entry - makespan.
"""

from __future__ import annotations

import json
import re
import sys

LINE = re.compile(r"\s*(\S+)-(\d+)\s+\(\s*[-\d]+\)\s+\[(\d+)\]\s+\S+\s+([\d.]+):\s+(\S+?):?\s(.*)")


def parse(path: str) -> list[tuple[float, int, str, str]]:
    """(ms, tid, event, rest) of every event line of a tracefs text dump."""
    out = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                _, tid, _, ts, name, rest = m.groups()
                out.append((float(ts) * 1e3, int(tid), name.split("(")[0], rest))
    return out


def summary(base: str) -> dict[str, object]:
    ev = parse(f"{base}.trace")
    with open(f"{base}.json") as f:
        mk = json.load(f)["makespan_ns"] / 1e6
    t0 = next(e[0] for e in ev if e[2] == "finish") - mk
    ex = next(e[0] for e in ev if e[2] == "sched_process_exec" and "fanout" in e[3])
    sm = next(e for e in ev if e[2] == "sysmon")
    sleeps: list[tuple[float, float]] = []
    ent = None
    for t, tid, name, rest in ev:
        if tid != sm[1] or name != "sys_nanosleep":
            continue
        if "->" not in rest:
            ent = t
        elif ent is not None:
            sleeps.append((ent - t0, (t - ent) * 1e3))
            ent = None
    i5 = next(i for i, (_, d) in enumerate(sleeps) if d > 4000)  # the 5.12 ms sleep
    r = sleeps[i5 - 7][0]  # the 40 us one
    return {
        "run": base, "makespan": round(mk, 2), "exec": round(ex - t0, 2),
        "sysmon": round(sm[0] - t0, 2), "sleeps_before_t0": sum(1 for a, _ in sleeps if a < 0),
        "R": round(r, 2), "long_wakes": [(round(a, 2), round(d)) for a, d in sleeps[:i5 - 7]
                                         if d > 500],
        "preemptone": [round(e[0] - t0, 2) for e in ev if e[2] == "preemptone"],
        "first_executes": [round(e[0] - t0, 3) for e in ev if e[2] == "execute" and e[0] > t0][:2],
    }


if __name__ == "__main__":
    for b in sys.argv[1:]:
        print(summary(b))
