"""Real syscall-block many: the Ps' system-call episodes and sysmon's loop replayed over them.

    .venv/bin/python benchmarks/probes/sysmon_replay.py TRACE [TRACE ...]

TRACE: a runtime/trace of our syscall-block program (``-trace F``; docs/validation.md
mechanism 220).  Prints, per trace, how long the system calls last (GoSyscallBegin to
GoSyscallEnd/EndBlocked), how long a P stays in one system call (an episode: GoSyscallBegin on the
P to the P's next GoSyscallEnd - its own G back - or ProcSteal - a returning G, or sysmon when the
stealing M has no G), how long after the last system-call return sysmon's retakes fall, and then
replays Go's sysmon loop (proc.go: sysmon's idle/delay rule, retake's "same syscalltick at two
looks" and its 10 ms schedtick rule) over the episodes, seeds 1-3, in two ways:

* ``independent``: sysmon's usleep(delay) ends delay + 2 us + 50 us timer slack + U(0, 46 us)
  later (median ~95 us at delay 20, as measured), at a phase of its own;
* ``coalesced``: the same hrtimer range, but it expires at the first system-call return that
  falls in [soft, hard] (one interrupt expiring both timers), and sysmon looks 8 us later.

An episode sysmon really retook is replayed as lasting the median system call (167 us).  The
replay does not feed back (its retakes do not change the timeline), so it shows which looks
the real timeline allows, not a new equilibrium.
"""

from __future__ import annotations

import bisect
import random
import sys

import numpy as np

import goschedlab.trace as gotrace

Episode = tuple[int, int, int]  # P, start ns, end ns


def load(path: str) -> tuple[list[Episode], list[int], dict[str, list[float]], int, int]:
    with gotrace.open(path) as r:
        ev = list(r.events())
    beg: dict[int, int] = {}
    gbeg: dict[int, int] = {}
    eps: list[Episode] = []
    ends: list[int] = []
    d: dict[str, list[float]] = {"syscall": [], "own": [], "returner": [], "sysmon": []}
    retakes: list[int] = []
    for e in ev:
        n = e.name
        if n == "GoSyscallBegin":
            beg[e.p] = e.time
            gbeg[e.g] = e.time
        elif n in ("GoSyscallEnd", "GoSyscallEndBlocked"):
            ends.append(e.time)
            if e.g in gbeg:
                d["syscall"].append((e.time - gbeg.pop(e.g)) / 1e3)
            if n == "GoSyscallEnd" and e.p in beg:
                a = beg.pop(e.p)
                eps.append((e.p, a, e.time))
                d["own"].append((e.time - a) / 1e3)
        elif n == "ProcSteal" and e.args["p"] in beg:
            p = e.args["p"]
            a = beg.pop(p)
            if e.g == -1:
                retakes.append(e.time)
                d["sysmon"].append((e.time - a) / 1e3)
                eps.append((p, a, a + 167_000))
            else:
                d["returner"].append((e.time - a) / 1e3)
                eps.append((p, a, e.time))
    ends.sort()
    lag = []
    for t in retakes:
        i = bisect.bisect_right(ends, t) - 1
        if i >= 0:
            lag.append((t - ends[i]) / 1e3)
    d["retake_lag"] = lag
    return eps, ends, d, ev[0].time, ev[-1].time


def replay(eps: list[Episode], ends: list[int], t0: int, t1: int, seed: int,
           coalesce: bool) -> tuple[int, int, float]:
    """Go's sysmon loop over the episodes: (looks, retakes, share of the run in sleeps > 1 ms)."""
    rng = random.Random(seed)
    by_p: dict[int, list[tuple[int, int]]] = {}
    for p, a, b in eps:
        by_p.setdefault(p, []).append((a, b))
    for v in by_p.values():
        v.sort()
    last: dict[int, int | None] = dict.fromkeys(by_p)
    tick = dict.fromkeys(by_p, 0)
    seen = dict.fromkeys(by_p, -1)
    when = dict.fromkeys(by_p, 0)
    t, idle, delay, looks, retakes, backed = t0, 0, 20, 0, 0, 0
    while t < t1:
        if idle == 0:
            delay = 20
        elif idle > 50:
            delay *= 2
        delay = min(delay, 10_000)
        soft = t + delay * 1000 + 2_000
        hard = soft + 50_000
        wake = hard + rng.uniform(0, 46_000)
        if coalesce:
            i = bisect.bisect_left(ends, soft)
            if i < len(ends) and ends[i] <= hard:
                wake = ends[i] + 8_000
        if wake - t > 1_000_000:
            backed += wake - t
        t = int(wake)
        looks += 1
        n = 0
        for p, lst in by_p.items():
            i = bisect.bisect_right(lst, (t, 1 << 62)) - 1
            cur = i if (i >= 0 and lst[i][0] <= t < lst[i][1]) else None
            sysretake = False
            if seen[p] != tick[p]:
                seen[p], when[p] = tick[p], t
            elif when[p] + 10_000_000 <= t:
                sysretake = True  # retake's forcePreemptNS rule: no schedule on the P for 10 ms
            if cur is not None and (sysretake or last[p] == cur):
                n += 1
                last[p] = None
                tick[p] += 1
            else:
                last[p] = cur
        if n:
            retakes += n
            idle = 0
        else:
            idle += 1
    return looks, retakes, backed / (t1 - t0)


def _q(xs: list[float]) -> str:
    if not xs:
        return "n=0"
    p10, p50, p90 = np.percentile(xs, [10, 50, 90])
    return f"n={len(xs)} p10/50/90 {p10:.0f}/{p50:.0f}/{p90:.0f} us"


def main() -> None:
    for path in sys.argv[1:]:
        eps, ends, d, t0, t1 = load(path)
        allep = d["own"] + d["returner"] + d["sysmon"]
        print(f"{path}: {(t1 - t0) / 1e6:.0f} ms")
        print(f"  system calls {_q(d['syscall'])}")
        for k in ("own", "returner", "sysmon"):
            print(f"  episodes ended by {k}: {_q(d[k])}")
        print(f"  all episodes {_q(allep)}, >= 93 us: "
              f"{100 * float(np.mean(np.asarray(allep) >= 93)):.0f} %")
        print(f"  sysmon retake after the last system-call return: {_q(d['retake_lag'])}, "
              f"within 20 us: {100 * float(np.mean(np.asarray(d['retake_lag']) < 20)):.0f} %")
        for co in (False, True):
            res = [replay(eps, ends, t0, t1, s, co) for s in (1, 2, 3)]
            print(f"  replay {'coalesced' if co else 'independent'}: " + "; ".join(
                f"looks {a} retakes {b} backed off {100 * c:.0f} %" for a, b, c in res))


if __name__ == "__main__":
    main()
