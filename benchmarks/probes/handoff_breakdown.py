"""Mechanism 310 (docs/validation.md): calibrate's syscall hand-off trial, real and model.

    python3 benchmarks/probes/handoff_breakdown.py real OUTPREFIX
    GOSCHEDLAB_PURE=1 .venv/bin/python benchmarks/probes/handoff_breakdown.py model COSTS_TOML

real: reads OUTPREFIX.out (handoff_trial.go's "T start latency" lines) and OUTPREFIX.trace
(handoff_trace.sh's tracefs text, mono clock).  sysmon is the thread with the most nanosleeps
under 1 ms; a trial's system call is the nanosleep entered within 30 us of its start that lasts
over 2.5 ms; a look of sysmon is the return of its usleep (nanosleep) or deep sleep (futex); the
retake is sysmon's first FUTEX_WAKE after the system call began (handoffp -> startm).  Prints,
relative to the system call's entry, sysmon's wake-up, its first look and the retake, the queued
goroutine's start after the retake, and how sysmon's last usleep ended: its wake-up against the
netpoll M's (epoll_pwait return) wake-up, and on which vCPU.

model: runs calibrate's same trial (validate/calibrate.py: handoff_sim_ns) with the costs file and
a 0-ns hand-off wake-up, and prints the same figures from the model's sysmon (needs the pure-Python
model: it wraps sysmon's and the system calls' functions).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Any


def pct(v: list[Any]) -> str:
    x = sorted(a for a in v if a is not None)
    if not x:
        return "n=0"
    n = len(x)
    return (f"n={n} p10 {x[n // 10] / 1000:.1f} p50 {x[n // 2] / 1000:.1f} "
            f"p90 {x[n * 9 // 10] / 1000:.1f} us")


LINE = re.compile(r"^\s*(\S+)-(\d+)\s+\(\s*[\d-]+\)\s+\[(\d+)\]\s+\S+\s+(\d+\.\d+): (\w+): (.*)$")


def real(pref: str) -> None:
    ev = []
    for line in open(pref + ".trace", encoding="utf-8"):
        m = LINE.match(line)
        if m:
            _, tid, cpu, ts, name, rest = m.groups()
            ev.append((round(float(ts) * 1e9), int(tid), int(cpu), name, rest))
    trials = []
    for line in open(pref + ".out", encoding="utf-8"):
        if line.startswith("T "):
            _, s, lat = line.split()
            trials.append((int(s), int(lat)))
    pending: dict[int, tuple[int, int, str]] = {}
    sc = []  # (tid, nr, enter, exit, args)
    wakes: dict[int, list[tuple[int, int]]] = {}
    for t, tid, _cpu, name, rest in ev:
        if name == "sys_enter":
            pending[tid] = (int(rest.split()[1]), t, rest)
        elif name == "sys_exit":
            nr = int(rest.split()[1])
            if tid in pending and pending[tid][0] == nr:
                sc.append((tid, nr, pending[tid][1], t, pending[tid][2]))
                del pending[tid]
        elif name == "sched_wakeup":
            p = int(re.search(r"pid=(\d+)", rest).group(1))  # type: ignore[union-attr]
            c = int(re.search(r"target_cpu=(\d+)", rest).group(1))  # type: ignore[union-attr]
            wakes.setdefault(p, []).append((t, c))
    cnt = Counter(s[0] for s in sc if s[1] == 35 and s[3] - s[2] < 1_000_000)
    sysmon = cnt.most_common(1)[0][0]
    smon = [s for s in sc if s[0] == sysmon]
    rows: dict[str, list[Any]] = {k: [] for k in ("lat", "wake", "first", "retake", "queued",
                                                  "usleep", "vs_netpoll")}
    looks = Counter()
    same_cpu = together = n_np = 0
    for s, lat in trials:
        calls = [x for x in sc
                 if x[1] == 35 and s - 5000 <= x[2] <= s + 30000 and x[3] - x[2] > 2_500_000]
        if not calls:
            continue
        e, mt, q = calls[0][2], calls[0][0], s + lat
        after = [x for x in smon if x[1] in (35, 202) and e < x[3] <= q]
        wk = [x for x in smon if x[1] == 202 and " 81," in x[4] and e < x[2] <= q + 50_000]
        r = wk[0][2] if wk else None
        rows["lat"].append(lat)
        if after:
            fa = after[0]
            rows["first"].append(fa[3] - e)
            w = [t for t, _ in wakes.get(sysmon, []) if fa[2] <= t <= fa[3]]
            rows["wake"].append(w[-1] - e if w else None)
        if r is not None:
            rows["retake"].append(r - e)
            rows["queued"].append(q - r)
            looks[len([x for x in after if x[3] <= r])] += 1
        eps = [x for x in sc if x[0] == mt and x[1] == 281 and e - 500_000 <= x[3] <= e]
        us = [x for x in smon if x[1] == 35 and x[2] <= e < x[3] + 20_000 and x[3] > e - 100_000]
        if eps and us:
            mw = [w for w in wakes.get(mt, []) if eps[-1][2] <= w[0] <= eps[-1][3]]
            sw = [w for w in wakes.get(sysmon, []) if us[0][2] <= w[0] <= us[0][3]]
            if mw and sw:
                n_np += 1
                d = sw[-1][0] - mw[-1][0]
                rows["vs_netpoll"].append(d)
                rows["usleep"].append(sw[-1][0] - us[0][2])
                together += abs(d) <= 3000
                same_cpu += sw[-1][1] == mw[-1][1]
    print(f"sysmon tid {sysmon}, trials {len(rows['lat'])}")
    print("latency (start -> queued G)      ", pct(rows["lat"]))
    print("sysmon wake-up - syscall entry   ", pct(rows["wake"]))
    print("sysmon first look - syscall entry", pct(rows["first"]))
    print("retake (FUTEX_WAKE) - entry      ", pct(rows["retake"]))
    print("queued G - retake                ", pct(rows["queued"]))
    print("sysmon looks up to the retake    ", dict(looks))
    print("sysmon's last usleep, start -> wake-up", pct(rows["usleep"]))
    print(f"sysmon wake-up - netpoll M wake-up {pct(rows['vs_netpoll'])}; within 3 us "
          f"{together} of {n_np}; same vCPU {same_cpu} of {n_np}")


def model(costs_path: str) -> None:
    from dataclasses import replace

    import goschedlab.runtime.runtime as rtm
    from goschedlab.runtime import proc, syscall, sysmon
    from goschedlab.runtime.costs import load_costs
    from goschedlab.validate.calibrate import handoff_sim_ns

    log: list[tuple[int, str]] = []

    def wrap(mod: Any, name: str, tag: str) -> Any:
        f = getattr(mod, name)

        def w(rt: Any, *a: Any, **k: Any) -> Any:
            log.append((rt.sim.now, tag))
            return f(rt, *a, **k)

        setattr(mod, name, w)
        return w

    wrap(sysmon, "sysmonTick", "look")
    wrap(sysmon, "sysmonDeepWake", "look")
    rtm.sysmonTick = sysmon.sysmonTick  # type: ignore[attr-defined]
    rtm.sysmonDeepWake = sysmon.sysmonDeepWake  # type: ignore[attr-defined]
    hp = proc.handoffp

    def handoffp(rt: Any, pp: Any) -> None:
        log.append((rt.sim.now, "retake"))
        hp(rt, pp)

    sysmon.handoffp = handoffp  # type: ignore[assignment]
    enter = syscall.entersyscall

    def entersyscall(rt: Any, mp: Any, gp: Any, ns: int, slack: bool = False) -> None:
        log.append((rt.sim.now, "enter"))
        enter(rt, mp, gp, ns, slack)

    for mod in list(sys.modules.values()):
        name = getattr(mod, "__name__", "")
        if name.startswith("goschedlab") and getattr(mod, "entersyscall", None) is enter:
            mod.entersyscall = entersyscall  # type: ignore[attr-defined]
    med = handoff_sim_ns(replace(load_costs(costs_path), handoff_wake_ns=0))
    first, ret = [], []
    for i, (t, tag) in enumerate(log):
        if tag != "enter":
            continue
        nxt = [u for u, g in log[i + 1:i + 10] if g == "look"]
        rr = [u for u, g in log[i + 1:i + 12] if g == "retake"]
        if nxt:
            first.append(nxt[0] - t)
        if rr:
            ret.append(rr[0] - t)
    print(f"model trial median (0-ns hand-off wake-up) {med / 1000:.1f} us")
    print("sysmon first look - syscall entry", pct(first))
    print("retake (handoffp) - entry        ", pct(ret))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("real", "model"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    (real if sys.argv[1] == "real" else model)(sys.argv[2])
