# ruff: noqa: E501
"""Real probe (mechanism 370): sysmon runs (perf sched record -k CLOCK_MONOTONIC) against the P timeline
of a runtime/trace of the same run.

    .venv/bin/python benchmarks/probes/sysmon_look_phase.py PREFIX [PREFIX ...]   (PREFIX.data, PREFIX.trace)
"""

import bisect
import collections
import subprocess
import sys

import numpy as np

import goschedlab.trace as gotrace


def q(xs):
    if not xs:
        return "n=0"
    return f"n={len(xs)} p10/50/90 {np.percentile(xs, 10):.0f}/{np.percentile(xs, 50):.0f}/{np.percentile(xs, 90):.0f}"


for pref in sys.argv[1:]:
    with gotrace.open(pref + ".trace") as r:
        ev = list(r.events())
    sysmon_tid = None
    for e in ev:
        if e.name == "ProcSteal" and e.g == -1:
            sysmon_tid = e.m
            break
    out = subprocess.run(
        ["perf", "script", "-i", pref + ".data", "-F", "tid,cpu,time,event,trace"],
        capture_output=True,
        text=True,
    ).stdout
    ins = []
    wakes = []
    outs_ = []
    for line in out.splitlines():
        if "sched_switch" in line:
            parts = line.split()
            t = int(round(float(parts[2].rstrip(":")) * 1e9))
            if f"next_pid={sysmon_tid} " in line:
                ins.append(t)
            if f"prev_pid={sysmon_tid} " in line:
                outs_.append(t)
        elif "sched_waking" in line and f"pid={sysmon_tid} " in line:
            t = int(round(float(line.split()[2].rstrip(":")) * 1e9))
            wakes.append(t)
    t0, t1 = ev[0].time, ev[-1].time
    ins = [t for t in ins if t0 <= t <= t1]
    # P timeline: state changes
    tl = []  # (time, state, episode_start)
    ep_start = None
    rets = [e.time for e in ev if e.name == "ProcSteal" and e.g == -1]
    for e in ev:
        n = e.name
        if n == "GoSyscallBegin":
            tl.append((e.time, "sys", e.time))
        elif n == "GoStart":
            tl.append((e.time, "run", None))
        elif n == "ProcSteal":
            tl.append((e.time, "stolen", None))
        elif n == "GoSyscallEnd" and e.p != -1:
            tl.append((e.time, "run", None))
        elif n == "ProcStop":
            tl.append((e.time, "idle", None))
    times = [x[0] for x in tl]
    # alignment: retake -> nearest previous sysmon switch-in
    lag = []
    for t in rets:
        i = bisect.bisect_right(ins, t) - 1
        if i >= 0:
            lag.append((t - ins[i]) / 1e3)
    print(
        f"{pref}: sysmon tid {sysmon_tid}, runs in phase {len(ins)}, retakes {len(rets)}; retake - sysmon switch-in: {q(lag)}"
    )
    per = [(b - a) / 1e3 for a, b in zip(ins, ins[1:], strict=False)]
    print(
        "  sysmon period us:",
        q(per),
        " share >1ms",
        f"{sum(p for p in per if p > 1000) / sum(per) * 100:.0f}%",
        " <70us",
        sum(1 for p in per if p < 70),
    )
    st = collections.Counter()
    offs = []
    offs_ret = []
    for t in ins:
        i = bisect.bisect_right(times, t) - 1
        if i < 0:
            continue
        s = tl[i][1]
        st[s] += 1
        if s == "sys":
            offs.append((t - tl[i][2]) / 1e3)
    print("  P state at sysmon's runs:", dict(st))
    print("  offset of runs into a syscall episode:", q(offs))
    h = collections.Counter(min(int(o // 20) * 20, 300) for o in offs)
    print("  offset hist (20us bins):", sorted(h.items()))
    # per episode: sysmon run offsets
    eps = []  # (start, end, how)
    cur = None
    for e in ev:
        n = e.name
        if n == "GoSyscallBegin":
            cur = e.time
        elif cur is not None and (n == "ProcSteal" or (n == "GoSyscallEnd" and e.p != -1)):
            eps.append((cur, e.time, "sysmon" if (n == "ProcSteal" and e.g == -1) else "other"))
            cur = None
    firsts = collections.Counter()
    nlooks = collections.Counter()
    for a, b, how in eps:
        i = bisect.bisect_left(ins, a)
        j = bisect.bisect_left(ins, b - 0)
        k = j - i
        nlooks[(how, min(k, 3))] += 1
    print("  episodes by (end, sysmon runs inside):", sorted(nlooks.items()))
    fo = [
        (ins[bisect.bisect_left(ins, a)] - a) / 1e3
        for a, b, how in eps
        if how == "sysmon" and bisect.bisect_left(ins, a) < len(ins)
    ]
    print(
        "  retaken episodes: first run offset",
        q(fo),
        " length",
        q([(b - a) / 1e3 for a, b, h in eps if h == "sysmon"]),
    )
    fo2 = [
        (ins[bisect.bisect_left(ins, a)] - a) / 1e3
        for a, b, how in eps
        if how != "sysmon"
        and bisect.bisect_left(ins, a) < len(ins)
        and ins[bisect.bisect_left(ins, a)] < b
    ]
    print("  other episodes with a look: first run offset", q(fo2))
    # sysmon wake-to-run delay
    wd = []
    for t in ins:
        i = bisect.bisect_right(wakes, t) - 1
        if i >= 0:
            wd.append((t - wakes[i]) / 1e3)
    print("  sysmon waking->run us:", q(wd), " >20us", sum(1 for x in wd if x > 20))
    # for runs at offset < 20 us into an episode: waking relative to the episode start, and sysmon's cpu vs the P thread's
    rel = []
    for t in ins:
        i = bisect.bisect_right(times, t) - 1
        if i < 0 or tl[i][1] != "sys":
            continue
        off = (t - tl[i][2]) / 1e3
        if off >= 20:
            continue
        k = bisect.bisect_right(wakes, t) - 1
        if k >= 0:
            rel.append((wakes[k] - tl[i][2]) / 1e3)
    print(
        "  runs <20us into an episode: sysmon's waking - episode start:",
        q(rel),
        " waking before start:",
        sum(1 for x in rel if x < 0),
    )
    print(
        "  hist (10us bins):",
        sorted(collections.Counter(max(min(int(x // 10) * 10, 100), -150) for x in rel).items()),
    )
