"""Read a tracefs text capture (``/sys/kernel/tracing/trace`` with record-tgid) of a Go program.

Shared by the probes of mechanisms 200 and 380 (``real_wakee_runs.py``,
``involuntary_switches_real.py``, ``timer_wakee_preempts_real.py``): captures as mechanism 190/260's
``cap.sh`` took them (sched_switch, sched_waking, sched_wakeup, sched_migrate_task,
hrtimer_expire_entry).
"""

from __future__ import annotations

import re
from typing import Any

LINE = re.compile(
    r"^\s*(.+?)-(\d+)\s+\(\s*([\d-]+)\)\s+\[(\d+)\]\s+(\S+)\s+([\d.]+):\s+(\w+):\s+(.*)$"
)

Event = tuple[float, int, int, str, str, dict[str, str]]


def kv(s: str) -> dict[str, str]:
    """The ``key=value`` fields of an event's text."""
    return dict(re.findall(r"(\w+)=(\S+)", s))


def load(fn: str, comm: str, scale: float = 1e6) -> tuple[list[Event], set[int]]:
    """Events ``(ts * scale, cpu, pid, flags, name, fields)`` of capture ``fn`` (ts in seconds,
    so the default scale gives microseconds) and the thread ids of the process whose command
    starts with ``comm`` (cut to the kernel's 15 characters), as seen in sched_switch."""
    ev: list[Event] = []
    with open(fn) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                _task, pid, _tgid, cpu, flags, ts, name, rest = m.groups()
                ev.append((float(ts) * scale, int(cpu), int(pid), flags, name, kv(rest)))
    tids: set[int] = set()
    prefix = comm[:15]
    for e in ev:
        if e[4] == "sched_switch":
            fields: Any = e[5]
            for k in ("prev", "next"):
                if fields[k + "_comm"].startswith(prefix):
                    tids.add(int(fields[k + "_pid"]))
    return ev, tids
