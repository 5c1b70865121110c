"""A tracefs capture of a Go program: what each futex-woken Go thread does in its first run
(docs/validation.md mechanism 200).

    python3 benchmarks/probes/real_wakee_runs.py TRACE...

TRACE: ``/sys/kernel/tracing/trace`` text with sched_switch, sched_waking, sched_wakeup (the
capture of mechanism 190: ``cap.sh``).  Per wake-up of a process thread by a process thread in
process context, first 50 ms dropped: the wakee's first run (switch-in, or its sched_wakeup onto
an idle vCPU 1 whose idle exit is not recorded, to its switch-out), how it ended, and what woke
it next ("irq": a timer - runqgrab's usleep; "go": another Go thread - stopm's futex or
netpollBreak).  Splits: on its waker's vCPU, preempting its waker (switched in there with the
waker switched out runnable), on the other vCPU.
"""

# ruff: noqa: E501

import collections
import sys

from tracefs_text import load


def run(fn, comm="blocking-logger"):
    ev, tids = load(fn, comm, scale=1.0)
    t0 = min(e[0] for e in ev if e[2] in tids) + 0.05
    cur = {0: None, 1: None}
    pend = {}  # wakee -> dict
    recs = []
    for ts, cpu, pid, flags, name, a in ev:
        if name != "sched_switch" and pid != 0 and cur[cpu] in (0, None):
            cur[cpu] = pid
            if pid in pend and "start" not in pend[pid]:
                pend[pid]["start"] = ts
                pend[pid]["cpu"] = cpu
        if name == "sched_waking":
            w = int(a["pid"])
            if w not in tids:
                continue
            irq = flags[2] in "hHs" if len(flags) > 2 else False
            src = "irq" if irq else ("go" if pid in tids else "other")
            # the outcome of a pending first run: its next wake source
            if w in pend and "end" in pend[w]:
                r = pend.pop(w)
                r["next_wake"] = src
                r["next_wake_dt"] = ts - r["end"]
                recs.append(r)
            if src == "go" and ts >= t0 and pid != w:
                pend[w] = {"t": ts, "waker": pid, "wcpu": cpu}
        elif name == "sched_wakeup":
            w = int(a["pid"])
            c = int(a["target_cpu"])
            if w in pend and "start" not in pend[w]:
                pend[w]["tcpu"] = c
                if c == 1 and cur[1] in (0, None):
                    cur[1] = w
                    pend[w]["start"] = ts
                    pend[w]["cpu"] = 1
        elif name == "sched_switch":
            pp = int(a["prev_pid"])
            np_ = int(a["next_pid"])
            cur[cpu] = np_
            if np_ in pend and "start" not in pend[np_]:
                pend[np_]["start"] = ts
                pend[np_]["cpu"] = cpu
                pend[np_]["preempt"] = pp == pend[np_]["waker"] and a["prev_state"].startswith("R")
            if pp in pend and "start" in pend[pp] and "end" not in pend[pp]:
                r = pend[pp]
                r["end"] = ts
                r["state"] = a["prev_state"]
                r["run"] = ts - r["start"]
                if a["prev_state"].startswith("R"):
                    r["preempted_out"] = True

    # summary
    def q(a, p):
        a = sorted(a)
        return a[int(p * (len(a) - 1))] * 1e6 if a else float("nan")

    dur = max(e[0] for e in ev) - t0
    ok = [r for r in recs if "run" in r]
    print(
        f"{fn}: {len(ok)} futex wake-ups of a Go thread by a Go thread with outcome ({len(ok) / dur:.0f}/s)"
    )
    for lab, sel in (
        ("all", ok),
        ("on waker vCPU", [r for r in ok if r.get("cpu") == r["wcpu"]]),
        ("preempting", [r for r in ok if r.get("preempt")]),
        ("other vCPU", [r for r in ok if r.get("cpu") != r["wcpu"]]),
    ):
        if not sel:
            continue
        runs = [r["run"] for r in sel]
        bins = collections.Counter()
        for r in sel:
            b = "<10us" if r["run"] < 10e-6 else ("10-50us" if r["run"] < 50e-6 else ">=50us")
            bins[(b, r["next_wake"], r["state"][0])] += 1
        print(
            f"  {lab:14s} n={len(sel)} first-run p10/p50/p90 {q(runs, 0.1):.1f}/{q(runs, 0.5):.1f}/{q(runs, 0.9):.1f} us; <10us {sum(1 for x in runs if x < 10e-6)} 10-50us {sum(1 for x in runs if 10e-6 <= x < 50e-6)} >=50us {sum(1 for x in runs if x >= 50e-6)}"
        )
        for k, v in bins.most_common(8):
            sub = [
                r["next_wake_dt"]
                for r in sel
                if (
                    "<10us" if r["run"] < 10e-6 else ("10-50us" if r["run"] < 50e-6 else ">=50us"),
                    r["next_wake"],
                    r["state"][0],
                )
                == k
            ]
            print(f"      {k}: {v}  (park until next wake p50 {q(sub, 0.5):.0f} us)")


for f in sys.argv[1:]:
    run(f, "open-loop-server" if "ols" in f else "blocking-logger")
