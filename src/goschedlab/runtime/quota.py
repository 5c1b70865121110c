"""CPU quota: cgroup CFS bandwidth control of the whole process (cpu.max "Q T").

What it models
    The kernel gives the process ``quota_ns`` of CPU time per ``period_ns`` (e.g. 200 ms per
    100 ms = 2 CPUs), shared by all its threads, independently of GOMAXPROCS.  Once the
    threads have used the period's quota they are throttled (off CPU) until the next period
    refills it.  With GOMAXPROCS above the quota the threads burn the quota early in each
    period and then stall for the rest of it: the tail-latency effect automaxprocs avoids.

Accounting (a ledger of CPU per period; stated approximations)
    * CPU bursts of goroutines (``Cpu``, ``Spin``; ``run_g``) are what consumes the quota.
      When a burst starts, its CPU is charged period by period into the ledger, first come
      first served: a burst runs while its period has quota left, then waits for the next
      period.  ``Cpu(ns)`` ends when its ns of CPU are charged (:meth:`CFSBandwidth.cpu_end`);
      ``Spin(ns)`` ends at its elapsed deadline, or - when the deadline falls while it is
      throttled - when the next period starts (the thread cannot run to see its clock;
      :meth:`CFSBandwidth.spin_end`).
    * A burst cut by async preemption is refunded the part after the cut
      (:meth:`CFSBandwidth.refund`).
    * Scheduler work (``mp.debt``), spinning Ms and sysmon do not consume quota.
    * CFS throttles every thread at the same instant; here a burst that starts after the
      pool is empty waits, and a running burst stops at the instant the pool empties (the same
      instant for all threads already running when their charges were made in order).

Invariants
    * No period's ledger exceeds the quota (checked on every charge; :meth:`check`).

Rejected alternative
    Scaling CPU by quota/period (a fluid 2-CPU machine): it loses the on/off shape of CFS
    throttling, which is what produces the 100 ms-scale tails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goschedlab.runtime.errors import Throw

if TYPE_CHECKING:
    from goschedlab.runtime.m import M
    from goschedlab.runtime.runtime import Runtime


class CFSBandwidth:
    """The CFS bandwidth pool of one process: quota per period and the usage ledger."""

    __slots__ = ("quota_ns", "period_ns", "ledger", "segs", "throttles")

    def __init__(self, rt: Runtime, cpus: float, period_ns: int, ncpu: int) -> None:
        if not cpus > 0:
            raise ValueError(f"CFSBandwidth: quota must be > 0 CPUs, got {cpus}")
        if period_ns <= 0:
            raise ValueError(f"CFSBandwidth: period must be > 0 ns, got {period_ns}")
        self.quota_ns = int(cpus * period_ns)
        self.period_ns = period_ns
        self.ledger: dict[int, int] = {}
        """period index -> CPU ns charged to it."""
        self.segs: dict[int, list[tuple[int, int, int]]] = {}
        """M id -> (period, start, end) segments charged for its current burst."""
        self.throttles = 0
        """Bursts that had to wait for a later period (throttling events)."""

    def _charge(self, p: int, ns: int) -> None:
        used = self.ledger.get(p, 0) + ns
        if used > self.quota_ns:
            raise Throw("cfs_bandwidth", f"period {p} would use {used} > quota {self.quota_ns}")
        self.ledger[p] = used

    def cpu_end(self, mp: M, now: int, ns: int) -> int:
        """When ``ns`` of CPU started at ``now`` by ``mp`` ends; charges the ledger."""
        T = self.period_ns
        Q = self.quota_ns
        t = now
        need = ns
        segs: list[tuple[int, int, int]] = []
        waited = False
        while need > 0:
            p = t // T
            pend = (p + 1) * T
            room = Q - self.ledger.get(p, 0)
            if room <= 0:
                t = pend
                waited = True
                continue
            run = min(need, room, pend - t)
            self._charge(p, run)
            segs.append((p, t, t + run))
            need -= run
            t += run
            if need > 0 and t < pend:
                t = pend  # the pool is empty: throttled until the refill
                waited = True
        self.segs[mp.id] = segs
        self.throttles += waited
        return t

    def spin_end(self, mp: M, now: int, deadline: int) -> int:
        """When a busy loop started at ``now`` sees its elapsed ``deadline``; charges the CPU
        it runs (until the deadline or until throttled)."""
        T = self.period_ns
        Q = self.quota_ns
        t = now
        segs: list[tuple[int, int, int]] = []
        end = deadline
        while True:
            p = t // T
            pend = (p + 1) * T
            room = Q - self.ledger.get(p, 0)
            stop = min(pend, deadline, t + max(room, 0))
            if stop > t:
                self._charge(p, stop - t)
                segs.append((p, t, stop))
            if stop == deadline:
                break
            if stop < pend:  # throttled from ``stop`` until the period ends
                self.throttles += 1
                if deadline < pend:
                    end = pend
                    break
            t = pend
        self.segs[mp.id] = segs
        return end

    def refund(self, mp: M, now: int) -> int:
        """The burst of ``mp`` stopped at ``now`` (async preemption): give back the CPU
        charged after ``now``; returns the CPU ns it did run before ``now``."""
        segs = self.segs.pop(mp.id, None)
        ran = 0
        if not segs:
            return ran
        for p, a, b in segs:
            if b > now:
                self.ledger[p] -= b - max(a, now)
            if a < now:
                ran += min(b, now) - a
        return ran

    def usage(self) -> list[tuple[int, int]]:
        """(period start ns, CPU ns used) for every period with usage, in order."""
        return [(p * self.period_ns, u) for p, u in sorted(self.ledger.items()) if u]

    def check(self) -> None:
        """Invariant: no period used more CPU than the quota."""
        for p, used in self.ledger.items():
            if used > self.quota_ns or used < 0:
                raise Throw("cfs_bandwidth", f"period {p} used {used} of {self.quota_ns}")


__all__ = ["CFSBandwidth"]
