"""The machine: ``ncpu`` cores shared by the threads that want to run.

An M holding a P runs Go code (or spins) and needs a core; Ms in syscalls, idle or blocked in
netpoll do not.  With ``ncpu >= GOMAXPROCS`` every M that wants a core has one (the default:
ncpu = GOMAXPROCS) and the machine costs nothing.  With fewer cores, the OS time-slices them:
the model stretches each CPU burst (``Cpu`` ops) by ``max(1, k / ncpu)`` where k is the
number of Ms holding a P when the burst starts - processor sharing frozen at burst start, a
stated approximation (bursts are not re-timed when k changes mid-burst).  Spin ops end at an
elapsed-time deadline, so sharing does not lengthen them (as in the reference corpus).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime


class Machine:
    """``ncpu`` cores.  ``shared`` is True only when cores can be oversubscribed."""

    __slots__ = ("ncpu", "shared", "_rt")

    def __init__(self, rt: Runtime, ncpu: int) -> None:
        self.ncpu = ncpu
        self._rt = rt
        self.shared = ncpu < rt.sched.gomaxprocs

    def wanting(self) -> int:
        """Ms that want a core now: Ps owned by an M (running or spinning)."""
        sched = self._rt.sched
        insys = sum(1 for pp in self._rt.allp if pp.status == 2)
        return sched.gomaxprocs - sched.npidle - insys

    def stretch(self, ns: int) -> int:
        """Elapsed time of ``ns`` of CPU work started now."""
        k = self.wanting()
        if k <= self.ncpu:
            return ns
        return ns * k // self.ncpu

    def unstretch(self, elapsed: int) -> int:
        """CPU work done in ``elapsed`` ns at the current sharing level."""
        k = self.wanting()
        if k <= self.ncpu:
            return elapsed
        return elapsed * self.ncpu // k
