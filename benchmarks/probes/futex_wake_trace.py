"""Mechanism 340 (docs/validation.md): every FUTEX_WAKE (op 0x81) of a traced program's threads
in a tracefs text trace - the waker's futex duration, the wakee's start (from the waker's futex
entry to the wakee's sched_switch in), how long the wakee had been parked, same/other vCPU.

The trace (own tracefs instance, so other tracing is untouched), e.g. pingpong spin GMP=2:
    T=/sys/kernel/tracing/instances/spin; mkdir $T; echo 65536 > $T/buffer_size_kb
    for e in sched:sched_waking sched:sched_wakeup sched:sched_switch \
        sched:sched_wake_idle_without_ipi syscalls:sys_enter_futex syscalls:sys_exit_futex \
        power:cpu_idle; do echo $e >> $T/set_event; done
    echo 1 > $T/tracing_on; GOMAXPROCS=2 <bin>/pingpong -r 20000 -w 20 > r.json
    echo 0 > $T/tracing_on; cat $T/trace > r.trace; echo > $T/set_event; rmdir $T
    python3 benchmarks/probes/futex_wake_trace.py r.trace pingpong
"""

import re
import sys

ev = re.compile(
    r"^\s*(.+?)-(\d+)\s+(?:\(\s*([-\d]+)\)\s+)?\[(\d+)\]\s+\S+\s+([\d.]+):\s+(\w+):?\s*(.*)$"
)
prog = sys.argv[2] if len(sys.argv) > 2 else "pingpong"
pend = {}  # waker tid -> [t_enter, target, target_cpu, parked_for]
parked = {}  # tid -> time switched out with S
waitq = {}  # wakee tid -> (t_enter_of_waker, waker_cpu, target_cpu, parked_for, rec)
recs = []
for line in open(sys.argv[1]):
    m = ev.match(line)
    if not m:
        continue
    comm, tid, tgid, cpu, ts, name, rest = m.groups()
    tid = int(tid)
    cpu = int(cpu)
    t = float(ts) * 1e9
    if (
        name == "sys_futex"
        and rest.startswith("(")
        and "op: 0x81" in rest
        and comm.startswith(prog)
    ):
        pend[tid] = [t, None, None, None, cpu]
    elif name == "sched_waking" and tid in pend and pend[tid][1] is None:
        p = int(re.search(r"pid=(\d+)", rest).group(1))
        tc = int(re.search(r"target_cpu=(\d+)", rest).group(1))
        pend[tid][1] = p
        pend[tid][2] = tc
        pend[tid][3] = t - parked[p] if p in parked else None
    elif name == "sys_futex" and rest.startswith("->") and tid in pend:
        t0, p, tc, pf, wc = pend.pop(tid)
        rec = {
            "dur": t - t0,
            "woke": p is not None,
            "same": tc == wc,
            "parked_for": pf,
            "lat": None,
        }
        recs.append(rec)
        if p is not None:
            waitq[p] = (t0, rec)
    elif name == "sched_switch":
        pp = int(re.search(r"prev_pid=(\d+)", rest).group(1))
        np_ = int(re.search(r"next_pid=(\d+)", rest).group(1))
        if "prev_state=S" in rest:
            parked[pp] = t
        if np_ in waitq:
            t0, rec = waitq.pop(np_)
            rec["lat"] = t - t0


def q(xs, ps=(10, 50, 90, 99)):
    xs = sorted(xs)
    return (
        " ".join(f"p{p}={xs[min(len(xs) - 1, int(len(xs) * p / 100))] / 1000:.1f}" for p in ps)
        + f" n={len(xs)}"
    )


bins = [(0, 50e3), (50e3, 200e3), (200e3, 1e6), (1e6, 1e12)]
for same in (False, True):
    for lo, hi in bins:
        rs = [
            r
            for r in recs
            if r["woke"]
            and r["same"] == same
            and r["parked_for"] is not None
            and lo <= r["parked_for"] < hi
        ]
        if not rs:
            continue
        durs = q([r["dur"] for r in rs])
        print(f"same_cpu={same} parked {lo / 1e3:.0f}-{hi / 1e3:.0f}us: futex {durs}")
        ls = [r["lat"] for r in rs if r["lat"] is not None]
        if ls:
            print(f"   wakee start after futex entry {q(ls)}")
nw = [r["dur"] for r in recs if not r["woke"]]
if nw:
    print("futex wake with no waiter", q(nw))
print("--- cross-cpu futex duration by parked_for (us)")
for lo, hi in [
    (0, 2e3),
    (2e3, 4e3),
    (4e3, 6e3),
    (6e3, 10e3),
    (10e3, 20e3),
    (20e3, 30e3),
    (30e3, 50e3),
]:
    rs = [
        r
        for r in recs
        if r["woke"]
        and not r["same"]
        and r["parked_for"] is not None
        and lo <= r["parked_for"] < hi
    ]
    if rs:
        print(
            f"{lo / 1e3:.0f}-{hi / 1e3:.0f}",
            q([r["dur"] for r in rs]),
            "wakee",
            q([r["lat"] for r in rs if r["lat"] is not None])
            if any(r["lat"] is not None for r in rs)
            else "",
        )
