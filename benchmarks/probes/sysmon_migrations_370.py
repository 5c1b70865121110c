"""Mechanism 370 probe: where real sysmon's thread sleeps and wakes, and what moves it.

Reads tracefs text captures taken by ``sysmon_migrations_370.sh`` (syscall-block default
GOMAXPROCS=1).  sysmon is the process's thread tgid+1 (runtime.main's first ``newm``); the script
prints its median sleep as a check (sleepers sleep >= 1 ms, sysmon 20 us - 10 ms).  Every vCPU
change of sysmon (``sched_migrate_task``) is classified: at a wake-up (between its
``sched_waking`` and ``sched_wakeup``) by its own hrtimer (hardirq, ``hrtimer_wakeup`` just before)
or by another task, or not at a wake-up (load balance / idle pull, with the task on the pulling
vCPU).  For every wake-up it records prev/target vCPU, what ran there, whether the interrupt also
woke a sleeper of the process, how long sysmon stays on a vCPU, and where the sleepers sleep.

Usage: .venv/bin/python benchmarks/probes/sysmon_migrations_370.py PREFIX.trace [...]
"""

from __future__ import annotations

import collections
import statistics
import sys

from tracefs_text import load


def analyse(fn: str) -> None:
    ev, tids = load(fn, "syscall-block")
    tgid = min(tids)
    sm = tgid + 1
    cur = {0: 0, 1: 0}  # pid running per vCPU
    sm_cpu = None
    sleep_at = None
    sleeps: list[float] = []
    last_hrt = {0: -1e18, 1: -1e18}
    waking_t = None
    waking_info: tuple[str, int, int] | None = None
    cls: collections.Counter[str] = collections.Counter()
    wake_kind: collections.Counter[str] = collections.Counter()
    on_cpu_wakes = collections.Counter()
    stays: list[float] = []
    stay_start = None
    sleeper_sleep_cpu = collections.Counter()
    cowake = 0
    hrt_wakes = 0
    pending_cowake: tuple[float, int] | None = None
    direction: collections.Counter[str] = collections.Counter()
    states: collections.Counter[tuple[str, bool]] = collections.Counter()
    pend_state = ""
    moved_now = False
    sleeper_wake_times: dict[int, list[float]] = {0: [], 1: []}
    for t, cpu, pid, flags, name, f in ev:
        if name == "hrtimer_expire_entry" and f.get("function") == "hrtimer_wakeup":
            last_hrt[cpu] = t
        elif name == "sched_waking":
            p = int(f["pid"])
            if p == sm:
                waking_t = t
                own = "h" in flags and t - last_hrt[cpu] < 5
                waking_info = ("own-hrtimer" if own else "other", cpu, pid)
                if own:
                    o = 1 - cpu
                    here = "go" if pid in tids else ("idle" if pid == 0 else "other")
                    there = "idle" if cur[o] == 0 else ("go" if cur[o] in tids else "other")
                    pend_state = f"{here}/{there}"
            elif p in tids and "h" in flags and t - last_hrt[cpu] < 5:
                sleeper_wake_times[cpu].append(t)
        elif name == "sched_migrate_task" and int(f["pid"]) == sm:
            o, d = int(f["orig_cpu"]), int(f["dest_cpu"])
            direction[f"{o}->{d}"] += 1
            if waking_info is not None and waking_info[0] == "own-hrtimer":
                moved_now = True
            if waking_t is not None and waking_info is not None:
                k, wc, _ = waking_info
                tgt_task = cur[d]
                what = "idle" if tgt_task == 0 else ("go" if tgt_task in tids else "other")
                prev_what = "idle" if cur[o] == 0 else ("go" if cur[o] in tids else "other")
                on = "dest" if wc == d else "orig"
                cls[f"wake:{k}:irq-on-{on}:dest={what}:orig={prev_what}"] += 1
            else:
                what = "idle" if cur[d] == 0 else ("go" if cur[d] in tids else "other")
                by = "idle" if pid == 0 else pid
                cls[f"not-at-wake:by-task-on-cpu{cpu}({by}):dest={what}"] += 1
            if stay_start is not None:
                stays.append(t - stay_start)
            stay_start = t
            sm_cpu = d
        elif name == "sched_wakeup" and int(f["pid"]) == sm and waking_info is not None:
            tc = int(f["target_cpu"])
            wake_kind[waking_info[0]] += 1
            on_cpu_wakes[tc] += 1
            if waking_info[0] == "own-hrtimer":
                hrt_wakes += 1
                states[(pend_state, moved_now)] += 1
                moved_now = False
                pending_cowake = (waking_t or t, waking_info[1])
            if sleep_at is not None:
                sleeps.append(t - sleep_at)
            waking_t = None
            waking_info = None
            if stay_start is None:
                stay_start = t
                sm_cpu = tc
        elif name == "sched_switch":
            prev, nxt = int(f["prev_pid"]), int(f["next_pid"])
            cur[cpu] = nxt
            if prev == sm and f["prev_state"].startswith("S"):
                sleep_at = t
            elif prev in tids and prev != sm and f["prev_state"].startswith("S"):
                sleeper_sleep_cpu[cpu] += 1
        if pending_cowake is not None and t - pending_cowake[0] > 5:
            tw, c = pending_cowake
            if any(abs(x - tw) <= 5 for x in sleeper_wake_times[c][-8:]):
                cowake += 1
            pending_cowake = None
    print(f"== {fn}: tgid {tgid}, sysmon tid {sm}, threads {len(tids)}, last vCPU {sm_cpu}")
    print(f"sysmon wake-ups {sum(wake_kind.values())} {dict(wake_kind)}, per target vCPU "
          f"{dict(sorted(on_cpu_wakes.items()))}, median sleep {statistics.median(sleeps):.0f} us")
    print(f"own-hrtimer wake-ups whose interrupt also woke a process thread: {cowake}/{hrt_wakes}")
    print(f"vCPU changes {sum(cls.values())}:")
    for k, v in cls.most_common():
        print(f"  {v:4d} {k}")
    print(f"directions {dict(direction)}")
    print("own-hrtimer wake-ups by (task on sysmon's vCPU / on the other vCPU): stayed, moved")
    for st in sorted({k[0] for k in states}):
        print(f"  {st:12s} {states[(st, False)]:5d} {states[(st, True)]:4d}")
    if stays:
        q = statistics.quantiles(stays, n=4)
        print(f"stay on a vCPU between changes (us): median {q[1]:.0f}, p25 {q[0]:.0f}, "
              f"p75 {q[2]:.0f}, max {max(stays):.0f}")
    per = dict(sorted(sleeper_sleep_cpu.items()))
    print(f"other threads' sleeps (switch-out in S) per vCPU: {per}")
    hw = {c: len(v) for c, v in sleeper_wake_times.items()}
    print(f"other threads woken by an hrtimer interrupt, per vCPU: {hw}")


if __name__ == "__main__":
    for a in sys.argv[1:]:
        analyse(a)
