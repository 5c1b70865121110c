"""The machine: ``ncpu`` vCPUs shared by the threads that want to run.

Two models, chosen by ``Config.os_placement``:

*Processor sharing* (default, ``os_placement=False``).  An M holding a P runs Go code (or
spins) and needs a core; Ms in syscalls, idle or blocked in netpoll do not.  With
``ncpu >= GOMAXPROCS`` every M that wants a core has one (the default: ncpu = GOMAXPROCS)
and the machine costs nothing.  With fewer cores the model stretches each CPU burst
(``Cpu`` ops) by ``max(1, k / ncpu)`` where k is the number of Ms holding a P when the burst
starts - processor sharing frozen at burst start (bursts are not re-timed when k changes
mid-burst).  Spin ops end at an elapsed-time deadline, so sharing does not lengthen them.

*Time slices* (``os_placement=True``; Linux 6.x EEVDF, kernel/sched/fair.c).  The kernel
does not share a vCPU finely: a runnable thread that finds every vCPU busy waits in a
per-CPU run queue until the running thread's slice (``sysctl_sched_base_slice``, 0.75 ms
scaled by ``1 + ilog2(min(ncpu, 8))``, i.e. 1.5 ms on the 2-vCPU reference machine) ends.
The threads that want a vCPU are counted, as the kernel sees them: Ms holding a P (not in a
syscall) plus Ms awake without one (``M_SCHED`` without a P: the tail of findRunnable after
releasing the P, or an M back from netpoll looking for one).  While k such threads share
``ncpu`` vCPUs the model runs them round-robin in slices of ``q``: over a cycle of
``q * k / ncpu`` each runs ``q`` and waits the rest.  A burst starting now lands at a
uniformly drawn phase of that cycle (seeded stream ``rt.sim.rng("vcpu")``):

* a ``Cpu`` burst of b ns takes b plus the off-vCPU windows it crosses;
* a ``Spin`` (deadline) ends at its deadline if the thread is on a vCPU then, otherwise at
  the start of its next slice - the GOMAXPROCS=2 tail the processor-sharing model misses
  (docs/validation.md, "OS placement").

With k <= ncpu every thread has a vCPU (wake-up placement picks an idle vCPU if there is
one: select_idle_sibling) and nothing is added.

Invariants: the machine adds only time (never removes work); with k <= ncpu it is exact.
Rejected alternatives: explicit per-vCPU run queues with migrations and wake-up preemption
(needs every M state change to be an event, and the simulator's bursts are timed when they
start); a fixed stretch factor (right mean, no slice-sized tail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goschedlab.runtime.m import M_SCHED

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime


def base_slice_ns(base_ns: int, ncpu: int) -> int:
    """Models kernel/sched/fair.c: update_sysctl / get_update_sysctl_factor with
    SCHED_TUNABLESCALING_LOG: ``sysctl_sched_base_slice = base * (1 + ilog2(min(ncpu, 8)))``."""
    n = max(1, min(ncpu, 8))
    return base_ns * (1 + n.bit_length() - 1)


class Machine:
    """``ncpu`` vCPUs.  ``shared`` is True when the machine can delay a burst."""

    __slots__ = ("ncpu", "shared", "slices", "slice_ns", "_rt", "_rng")

    def __init__(self, rt: Runtime, ncpu: int, slices: bool = False) -> None:
        self.ncpu = ncpu
        self._rt = rt
        self.slices = slices
        self.slice_ns = base_slice_ns(rt.costs.sched_base_slice_ns, ncpu)
        self._rng = rt.sim.rng("vcpu") if slices else None
        # Time slices: P-less Ms awake in the scheduler can make threads outnumber vCPUs.
        self.shared = ncpu < rt.sched.gomaxprocs or slices

    def wanting(self) -> int:
        """Ms that want a core now: Ps owned by an M (running or spinning)."""
        sched = self._rt.sched
        insys = sum(1 for pp in self._rt.allp if pp.status == 2)
        return sched.gomaxprocs - sched.npidle - insys

    def threads(self) -> int:
        """Threads that want a vCPU now (time-slice model): P-holding Ms not in a syscall
        plus Ms awake in the scheduler without a P."""
        k = self.wanting()
        for mp in self._rt.allm:
            if mp.state == M_SCHED and mp.p is None and mp.nextp is None:
                k += 1
        return k

    def _phase(self, k: int) -> tuple[int, int]:
        """(cycle length, phase now) of a round-robin over k threads on ncpu vCPUs."""
        cycle = self.slice_ns * k // self.ncpu
        assert self._rng is not None
        return cycle, int(self._rng.random() * cycle)

    def stretch(self, ns: int) -> int:
        """Elapsed time of ``ns`` of CPU work started now."""
        if not self.slices:
            k = self.wanting()
            if k <= self.ncpu:
                return ns
            return ns * k // self.ncpu
        k = self.threads()
        if k <= self.ncpu or ns <= 0:
            return ns
        q = self.slice_ns
        cycle, phi = self._phase(k)
        if phi < q:  # on a vCPU now: the rest of this slice first
            r = q - phi
            if ns <= r:
                return ns
            elapsed = r + (cycle - q)
            ns -= r
        else:  # waiting in the run queue for the next slice
            elapsed = cycle - phi
        full = (ns - 1) // q
        return elapsed + full * cycle + (ns - full * q)

    def spin_end(self, now: int, end: int) -> int:
        """When a spin started ``now`` with deadline ``end`` sees the deadline: at ``end``
        if its thread holds a vCPU then, else when its next slice starts."""
        k = self.threads()
        if k <= self.ncpu or end <= now:
            return end
        q = self.slice_ns
        cycle, phi = self._phase(k)
        psi = (phi + end - now) % cycle
        if psi < q:
            return end
        return end + (cycle - psi)

    def unstretch(self, elapsed: int) -> int:
        """CPU work done in ``elapsed`` ns at the current sharing level."""
        k = self.threads() if self.slices else self.wanting()
        if k <= self.ncpu:
            return elapsed
        return elapsed * self.ncpu // k
