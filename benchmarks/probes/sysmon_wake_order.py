# ruff: noqa: E501
"""Real probe (mechanism 370): per sysmon wake-up (perf sched), is another of the process threads woken
within 3 us onto the same vCPU, and who runs first.

    .venv/bin/python benchmarks/probes/sysmon_wake_order.py PREFIX:SYSMON_TID:PID ...
"""

import collections
import re
import subprocess
import sys

import numpy as np

for a in sys.argv[1:]:
    pref, sm, pid = a.split(":")
    sm = int(sm)
    pid = int(pid)
    out = subprocess.run(
        ["perf", "script", "-i", pref + ".data", "-F", "tid,cpu,time,event,trace"],
        capture_output=True,
        text=True,
    ).stdout
    wak = []  # (t, pid, target)
    sw = []  # (t, cpu, next)
    for line in out.splitlines():
        p = line.split()
        t = float(p[2].rstrip(":")) * 1e6
        if "sched_waking" in line:
            m = re.search(r" pid=(\d+) .*target_cpu=(\d+)", line)
            x = int(m.group(1))
            if pid <= x < pid + 40:
                wak.append((t, x, int(m.group(2))))
        elif "sched_switch" in line:
            m = re.search(r"next_pid=(\d+)", line)
            sw.append((t, int(p[1].strip("[]")), int(m.group(1))))
    # per sysmon waking: coalesced partner = another process thread woken within 3 us with the same target cpu
    res = collections.Counter()
    waits = collections.defaultdict(list)
    import bisect

    swt = [s[0] for s in sw]
    wt = [w[0] for w in wak]
    for _i, (t, x, _tc) in enumerate(wak):
        if x != sm:
            continue
        j0 = bisect.bisect_left(wt, t - 3)
        j1 = bisect.bisect_right(wt, t + 3)
        partners = [w for w in wak[j0:j1] if w[1] != sm]
        # sysmon's switch-in after t
        k = bisect.bisect_left(swt, t)
        run_s = next((s for s in sw[k : k + 400] if s[2] == sm), None)
        if run_s is None:
            continue
        if not partners:
            res["alone"] += 1
            waits["alone"].append(run_s[0] - t)
            continue
        same = [w for w in partners if w[2] == run_s[1]]
        if not same:
            res["partner other cpu"] += 1
            waits["partner other cpu"].append(run_s[0] - t)
            continue
        pr = same[0][1]
        run_p = next((s for s in sw[k : k + 400] if s[2] == pr), None)
        key = (
            "partner same cpu, sysmon first"
            if (run_p is None or run_s[0] <= run_p[0])
            else "partner same cpu, partner first"
        )
        res[key] += 1
        waits[key].append(run_s[0] - t)
    for k, v in res.items():
        w = waits[k]
        print(
            pref,
            k,
            v,
            f"waking->run p50/90 {np.percentile(w, 50):.0f}/{np.percentile(w, 90):.0f} us",
        )
