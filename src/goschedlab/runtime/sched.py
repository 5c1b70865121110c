"""schedt: the global scheduler state (runtime2.go: type schedt, variable ``sched``)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from goschedlab.runtime.g import G
    from goschedlab.runtime.m import M
    from goschedlab.runtime.p import P


class schedt:
    """Global scheduler state.  ``runq`` is the global FIFO (a deque; Go links Gs via
    schedlink), ``midle``/``pidle`` are LIFO stacks (Python lists; Go links via schedlink /
    p.link).  ``sched.lock`` is implicit: the model runs one M step at a time."""

    __slots__ = (
        "goidgen",
        "gexits",
        "lastpoll",
        "pollUntil",
        "midle",
        "nmidlelocked",
        "mnext",
        "maxmcount",
        "nmsys",
        "nmfreed",
        "ngsys",
        "pidle",
        "npidle",
        "nmspinning",
        "needspinning",
        "runq",
        "runqsize",
        "gFree",
        "gcwaiting",
        "stopwait",
        "sysmonwait",
        "gomaxprocs",
        "timeToRun",
        "wakep_lastp",
    )

    def __init__(self, gomaxprocs: int, maxmcount: int) -> None:
        self.goidgen = 0
        self.gexits = 0  # goroutine exits so far (goexit0; with stats.goroutines_created: newproc1)
        self.lastpoll = 1
        self.pollUntil = 0
        self.midle: list[M] = []
        self.nmidlelocked = 0
        self.mnext = 0
        self.maxmcount = maxmcount
        self.nmsys = 0
        self.nmfreed = 0
        self.ngsys = 0
        self.pidle: list[P] = []
        self.npidle = 0
        self.nmspinning = 0
        self.needspinning = 0
        self.runq: deque[G] = deque()
        self.runqsize = 0
        self.gFree: list[G] = []
        self.gcwaiting = False
        self.stopwait = 0
        self.sysmonwait = False
        self.gomaxprocs = gomaxprocs
        self.timeToRun: Any = None  # the runtime's timeHistogram (/sched/latencies:seconds)
        # The P whose core last wrote sched.lock / nmspinning in wakep's no-idle-P path
        # (proc.wakepNoIdleP: another P's core pays for pulling those cache lines over).
        self.wakep_lastp: Any = None

    @property
    def nmidle(self) -> int:
        """Number of idle Ms (length of ``midle``)."""
        return len(self.midle)
