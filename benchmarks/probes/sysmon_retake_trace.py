# ruff: noqa: E501
"""Real probe (mechanism 370): a runtime/trace of syscall-block: waits, retakes, P syscall episodes.

.venv/bin/python benchmarks/probes/sysmon_retake_trace.py TRACE [TRACE ...]
"""

import collections
import sys

import numpy as np

import goschedlab.trace as gotrace


def q(xs):
    if not xs:
        return "n=0"
    return f"n={len(xs)} p50/90/99/max {np.percentile(xs, 50):.0f}/{np.percentile(xs, 90):.0f}/{np.percentile(xs, 99):.0f}/{max(xs):.0f}"


for path in sys.argv[1:]:
    with gotrace.open(path) as r:
        ev = list(r.events())
    runnable = {}
    waits = []
    retakes = []
    psys = None  # start of P syscall episode
    epis = []
    ownret = returner = 0
    for e in ev:
        n = e.name
        if n == "GoSyscallEndBlocked" and e.p == -1:
            runnable[e.g] = e.time
        elif n == "GoStart":
            g = e.args["g"]
            if g in runnable:
                waits.append((e.time - runnable.pop(g)) / 1e3)
        elif n == "GoSyscallBegin":
            psys = e.time
        elif n == "GoSyscallEnd" and e.p != -1:
            ownret += 1
            psys = None
        elif n == "ProcSteal":
            if e.g == -1:
                retakes.append(e.time)
                if psys is not None:
                    epis.append((e.time - psys) / 1e3)
            else:
                returner += 1
            psys = None
    gaps = [(b - a) / 1e3 for a, b in zip(retakes, retakes[1:], strict=False)]
    dur = (ev[-1].time - ev[0].time) / 1e6
    print(
        f"{path}: {dur:.0f} ms, retakes {len(retakes)}, own returns {ownret}, returner steals {returner}"
    )
    print("  waits (EndBlocked->GoStart) us:", q(waits))
    print(
        "  waits > 1 ms:",
        sum(1 for w in waits if w > 1000),
        " >8ms",
        sum(1 for w in waits if w > 8000),
        " >10.5ms",
        sum(1 for w in waits if w > 10500),
    )
    print(
        "  retake-to-retake us:",
        q(gaps),
        " share of run in gaps>1ms",
        f"{sum(g for g in gaps if g > 1000) / 1e3 / dur * 100:.0f}%",
    )
    print(
        "  gap hist (ms):",
        sorted(collections.Counter(min(int(g // 1000), 12) for g in gaps).items()),
    )
    print("  syscall episode at retake us:", q(epis))
    # episodes and syscall durations
    beg = None
    gb = {}
    ep = collections.defaultdict(list)
    sysd = []
    for e in ev:
        n = e.name
        if n == "GoSyscallBegin":
            beg = e.time
            gb[e.g] = e.time
        elif n in ("GoSyscallEnd", "GoSyscallEndBlocked"):
            if e.g in gb:
                sysd.append((e.time - gb.pop(e.g)) / 1e3)
            if n == "GoSyscallEnd" and beg is not None:
                ep["own"].append((e.time - beg) / 1e3)
                beg = None
        elif n == "ProcSteal" and beg is not None:
            ep["sysmon" if e.g == -1 else "returner"].append((e.time - beg) / 1e3)
            beg = None
    print("  syscall durations:", q(sysd))
    for k, v in ep.items():
        print(f"  episodes ended by {k}:", q(v))
    allep = [x for v in ep.values() for x in v]
    print(
        "  all episodes:",
        q(allep),
        " >=100us",
        f"{100 * sum(1 for x in allep if x >= 100) / len(allep):.0f}%",
    )
