"""The machine: ``ncpu`` vCPUs and where the OS runs the process's threads on them.

Two models, chosen by ``Config.os_placement``:

*vCPU placement* (``os_placement=True``, the default; Linux 6.18 EEVDF,
kernel/sched/fair.c, as measured on the reference VMs - docs/validation.md mechanisms 10 and
19).  Each M (thread) has a vCPU (``Machine.vcpu_of``): a new thread goes to the vCPU with the
fewest runnable threads (fork balancing) and stays there while it only wakes and sleeps - the
guest kernel, booted with a vCPU-packing option, wakes a thread where it last ran
(blocking-logger at GOMAXPROCS=2: 33-130 migrations per second against 2400-5600 voluntary
switches; several Ms on one vCPU while the other idles).  So two P-holding Ms often share
one vCPU.  At low load (the process's recent CPU use below PACK_MAX_UTIL) an M woken onto
an idle vCPU is put on its waker's instead (``Machine._pack``, mechanism 100).  Each vCPU
has a holder (``run_m``), the M whose burst has it: a burst of another M starting there
waits (EEVDF RUN_TO_PARITY: the current thread keeps the vCPU inside its slice) until the
holder blocks
(``Machine.release``, called from proc.stopm, findRunnable's netpoll block and
syscall._block) or its slice ends (``sysctl_sched_base_slice`` 0.70 ms x (1 +
ilog2(min(ncpu, 8))) = 1.4 ms on 2 vCPUs) - at the vCPU's first scheduler tick after the
slice has run out, where Linux checks it (mechanism 43: measured, involuntary switches fall
at one phase of each vCPU's 4 ms tick grid); a holder's burst that outlives its slice and the
newcomer then take turns of whole tick periods (``Machine._alternate``).  An M woken by
the M running on its vCPU after a park shorter than WAKE_PREEMPT_MAX_SLEEP_NS takes the vCPU
from it at once (``Machine.wake_preempt``, :meth:`Machine._preempt`; measured for Go's
threads, mechanism 43); at low load also after a longer park when its last run was short, and
then already at the waker's futex return, which stalls the waker (:meth:`Machine.stall`,
mechanism 130).  CPU work (``Cpu``) runs after
the wait; a ``Spin`` (elapsed-time deadline) ends at its deadline or when its thread gets
the vCPU back, whichever is later.  Bursts are timed when they start; a release re-times the
waiting burst's end event.  An M that has a vCPU to itself runs exactly.
A vCPU shared by two wanting threads while another vCPU has none is not left so for long
(``Machine._pull_time``, fair.c's nohz idle balance): at the first scheduler tick of the busy
vCPU (HZ=250) after the wait has lasted ``sysctl_sched_migration_cost`` (0.5 ms: task_hot)
the idle vCPU pulls the waiting thread - if it surely still waits then (the holder's burst in
progress has not ended).  A contention starts when a burst has to wait and ends when a burst
starts on the vCPU with no other thread wanting it.  Measured (mechanism 19): blocking-logger
heavy at GOMAXPROCS=2 has two threads stacked on one vCPU, the other vCPU without a runnable
thread of the process, in 23 % of 1 ms samples, in episodes of 2 ms (median) to 14 ms.

*Processor sharing* (``os_placement=False``).  An M holding a P runs Go code (or
spins) and needs a core; Ms in syscalls, idle or blocked in netpoll do not.  With ``ncpu >=
GOMAXPROCS`` every M that wants a core has one and the machine costs nothing. With fewer
cores each CPU burst (``Cpu`` ops) is stretched by ``max(1, k / ncpu)`` where k is the
number of Ms holding a P when the burst starts (frozen at burst start).

Invariants: the machine adds only time (never removes work); a thread alone on its vCPU is
exact; a burst waits at most one slice per thread ahead of it.  Deterministic (the tick
phases of the balancer use the seeded stream ``rt.sim.rng("vcpu")``).  Rejected alternatives
(figures in docs/validation.md, mechanisms 10 and 19): no balancing (threads pinned for the
whole run halve the process's capacity when both P-holding Ms share a vCPU at high load:
blocking-logger heavy makespan +15 %); a pull decided at the wait's start whatever the
holder does next (syscall-block default makespan +40 %: the holder blocks at once in a
system call, the pulled thread waited for the tick instead); wake-affine placement (a woken
M moves to its waker's vCPU; score 71.1 % vs 74.8 %); wake-up preemption (the newcomer runs
first) and a random slice phase per burst (both too short or too long waits: the wait is set
by when the holder blocks, not by a burst or a phase).  Wake-up preemption by the rule of a
C probe (parked >= 0.2 ms, any holder; mechanism 38) and preemption of
any holder rather than only the waker (mechanism 43: syscall-block, whose Ms are woken by
sysmon, lost its tail) were tried and not kept."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from goschedlab.runtime.m import M_RUNNING, M_SCHED, M

if TYPE_CHECKING:
    from goschedlab.runtime.runtime import Runtime

# Wake-up preemption (Machine.wake_preempt).  A C probe with two threads pinned to one vCPU
# (docs/validation.md mechanism 38) preempted only after sleeps of >= ~0.2 ms, but Go's own
# threads, unpinned, behave otherwise (mechanism 43: perf sched traces of
# blocking-logger at GOMAXPROCS=2): an M woken on the vCPU where its waker runs takes it from
# the waker within 50 us in ~95 % of the wake-ups after a park of 20-500 us, and mostly waits
# for the waker to block after a park of 0.5 ms or more.  The default rule
# (Machine.wake_preempt on): a wakee parked less than this preempts its waker.
WAKE_PREEMPT_MAX_SLEEP_NS: Final = 500_000
# ... or whose last run before that park was shorter than this (mechanism 100, table 2: last
# run < 20 us -> preempted in 574/608 and 180/283 wake-ups after parks >= 0.5 ms; >= 20 us ->
# 33/470 and 1/41).  EEVDF's PLACE_LAG keeps the lag of a thread that ran little.
WAKE_PREEMPT_MAX_LAST_RUN_NS: Final = 20_000
# vCPU packing (Machine._pack, docs/validation.md mechanism 100).  The process's recent CPU
# use is a decayed sum of its bursts with the time constant of the kernel's PELT averages
# (kernel/sched/pelt.c: a 32 ms half-life, LOAD_AVG_PERIOD; 32 ms / ln 2 = 46 ms).  Measured
# on the reference kernel (sched_vcpu_pack=15), Go threads woken onto an idle vCPU were put on
# their waker's busy vCPU in 56 of 80 such wake-ups (blocking-logger light) and 29 of 48
# (timer-storm default) at a process CPU use of 0.05-0.35 vCPU, and in none of 855
# (blocking-logger heavy, 0.6-1.35 vCPU) or 5 (pipeline default, 1.5-1.75).  The model packs
# below PACK_MAX_UTIL of its own estimate, which counts only simulated bursts (0.22 vCPU for
# timer-storm default against 0.38-0.42 in the real runs' rusage).
PACK_TAU_NS: Final = 46_000_000
PACK_MAX_UTIL: Final = 0.3


def base_slice_ns(base_ns: int, ncpu: int) -> int:
    """Models kernel/sched/fair.c: update_sysctl / get_update_sysctl_factor with
    SCHED_TUNABLESCALING_LOG: ``sysctl_sched_base_slice = base * (1 + ilog2(min(ncpu, 8)))``."""
    n = max(1, min(ncpu, 8))
    return base_ns * (1 + n.bit_length() - 1)


def _turn(t: int, rem: int, deadline: int, spin: bool, alone: bool, q: int) -> tuple[int, int, int]:
    """One turn, from ``t``, of a burst sharing a vCPU in slices of ``q`` (``alone``: the other
    burst has ended, so this one runs to its end): returns (time after the turn, work left,
    the burst's end or -1).  A Spin ends at its ``deadline`` if that falls in this turn (or
    has passed), else waits a slice; CPU work runs for a slice or what is left."""
    if spin:
        if deadline <= t + q or alone:
            t = max(deadline, t)
            return t, rem, t
        return t + q, rem, -1
    r = rem if alone else min(q, rem)
    rem -= r
    t += r
    return t, rem, (t if rem <= 0 else -1)


class Machine:
    """``ncpu`` vCPUs.  ``shared`` is True when the machine can delay a burst.

    With ``slices`` (Config.os_placement) each M has a vCPU (``vcpu_of``, by M id) and each
    vCPU remembers the M whose CPU burst holds it (``run_m``, ``run_until``): a burst that
    starts on a vCPU held by another M's burst preempts it (:meth:`_occupy`)."""

    __slots__ = (
        "ncpu",
        "shared",
        "slices",
        "slice_ns",
        "vcpu_of",
        "run_m",
        "run_until",
        "hold_start",
        "waiter",
        "waiter_d",
        "waiter_spin",
        "waiter_start",
        "waiter_run",
        "burst_work",
        "burst_end",
        "tick_ns",
        "migration_cost_ns",
        "overload_since",
        "tick_phase",
        "migrations",
        "balance",
        "preemptions",
        "affine",
        "wake_preempt",
        "woken",
        "woken_by",
        "turn_ns",
        "tick_slices",
        "pack",
        "last_run_rule",
        "wake_stall",
        "run_from",
        "last_run",
        "stalls",
        "busy_usleep",
        "wake_behind",
        "behind",
        "util",
        "util_at",
        "_rt",
    )

    def __init__(self, rt: Runtime, ncpu: int, slices: bool = False) -> None:
        self.ncpu = ncpu
        self._rt = rt
        self.slices = slices
        self.slice_ns = base_slice_ns(rt.costs.sched_base_slice_ns, ncpu)
        self.vcpu_of: dict[int, int] = {}
        self.run_m: list[M | None] = [None] * ncpu
        self.run_until: list[int] = [0] * ncpu
        self.hold_start: list[int] = [0] * ncpu  # when run_m's current slice began
        # The thread waiting for each vCPU (one; a third one is timed behind it), its
        # burst (length, Spin or not, start) and its run once it has the vCPU.
        self.waiter: list[M | None] = [None] * ncpu
        self.waiter_d: list[int] = [0] * ncpu
        self.waiter_spin: list[bool] = [False] * ncpu
        self.waiter_start: list[int] = [0] * ncpu
        self.waiter_run: list[int] = [0] * ncpu
        # Per M id: the CPU work and the (re-timed) end of its burst in progress, for
        # unstretch when an asynchronous preemption cuts the burst.
        self.burst_work: dict[int, int] = {}
        self.burst_end: dict[int, int] = {}
        costs = rt.costs
        self.tick_ns = costs.sched_tick_ns
        self.migration_cost_ns = costs.sched_migration_cost_ns
        # When each vCPU was first seen contended while another vCPU had no wanting thread
        # (-1: not); per-vCPU scheduler-tick phase (seeded): ticks at phase + n * tick_ns.
        self.overload_since: list[int] = [-1] * ncpu
        rng = rt.sim.rng("vcpu") if slices else None
        self.tick_phase: list[int] = [
            int(rng.random() * self.tick_ns) if rng is not None else 0 for _ in range(ncpu)
        ]
        self.migrations = 0
        # Idle-vCPU pulls of a thread waiting behind another (_pull_time): on - measured,
        # two busy Ms never share a vCPU for long while the other idles (mechanism 19).
        self.balance = True
        self.preemptions = 0  # wake-up preemptions of a burst (involuntary switches)
        # Wake-affine placement (a woken thread moves to its waker's vCPU): off - on the
        # measured kernel woken threads stay where they ran (docs/validation.md, mech. 10;
        # mechanism 43: 0-11 such moves a second in blocking-logger heavy, no rule found).
        self.affine = False
        # Wake-up preemption (docs/validation.md mechanisms 38 and 43): an M that startm
        # wakes after a park shorter than WAKE_PREEMPT_MAX_SLEEP_NS takes its vCPU
        # from its waker running there at its first burst (``woken``: M ids whose first
        # burst since the wake-up is still to come; ``woken_by``: their wakers).
        self.wake_preempt = True
        self.woken: set[int] = set()
        self.woken_by: dict[int, int] = {}  # wakee M id -> its waker's M id
        # vCPU packing at low load (mechanism 100, :meth:`_pack`): on.  ``util``: the
        # process's recent CPU use in vCPUs (decayed sum of burst lengths, PACK_TAU_NS), as of
        # ``util_at``.
        self.pack = True
        # Wake-up preemption also after a long park when the wakee's last run was short
        # (WAKE_PREEMPT_MAX_LAST_RUN_NS, ``last_run_rule``; at every load, mechanism 191:
        # tracefs at 0.2-1.3 vCPU of use), and the preemption at the waker's futex return
        # (``wake_stall``, :meth:`stall`, at low load only; mechanism 130).  ``run_from``: when
        # each M woken by startm got its vCPU; ``last_run``: its run until it last blocked.
        self.last_run_rule = True
        self.wake_stall = True
        self.run_from: dict[int, int] = {}
        self.last_run: dict[int, int] = {}
        self.stalls = 0
        # runqgrab's usleep(3) on a vCPU that another thread of the process holds ends
        # after the timer slack and a running-vCPU wake-up (:meth:`shares_vcpu`,
        # proc.runqgrabUsleep; mechanism 160): on.
        self.busy_usleep = True
        # A woken M put on its waker's vCPU that does not preempt the waker (not marked by
        # :meth:`wakeup`) runs only when the waker blocks or at the vCPU's next tick
        # (:meth:`behind_waker`, proc.startm; mechanisms 200, 260): on.  ``behind``: per
        # vCPU, the woken M waiting so (or None).
        self.wake_behind = True
        self.behind: list[M | None] = [None] * ncpu
        self.util = 0.0
        self.util_at = 0
        # A holder past its slice loses the vCPU at its next scheduler tick (mechanism 43):
        # turns of two CPU-bound threads last the slice rounded up to whole ticks.
        # (tick_slices off: slices end exactly, turns last a slice - as before mechanism 43)
        self.tick_slices = True
        tick = self.tick_ns
        self.turn_ns = -(-self.slice_ns // tick) * tick if tick > 0 else self.slice_ns
        self.shared = ncpu < rt.sched.gomaxprocs or slices

    def wanting(self) -> int:
        """Ms that want a core now: Ps owned by an M (running or spinning)."""
        sched = self._rt.sched
        insys = sum(1 for pp in self._rt.allp if pp.status == 2)
        return sched.gomaxprocs - sched.npidle - insys

    @staticmethod
    def _wants(mp: M) -> bool:
        """The kernel sees ``mp`` runnable: running Go code or the scheduler with a P (not
        in a syscall), or awake in the scheduler without one."""
        st = mp.state
        if st == M_RUNNING:
            return True
        return st == M_SCHED and (mp.p is not None or mp.nextp is None)

    def _vcpu(self, mp: M) -> int:
        """``mp``'s vCPU; a thread seen for the first time is placed on the vCPU with the
        fewest wanting threads (kernel/sched/fair.c: select_task_rq_fair with
        SD_BALANCE_FORK -> find_idlest_cpu at clone)."""
        v = self.vcpu_of.get(mp.id, -1)
        if v >= 0:
            return v
        load = [0] * self.ncpu
        for m2 in self._rt.allm:
            u = self.vcpu_of.get(m2.id, -1)
            if u >= 0 and m2 is not mp and self._wants(m2):
                load[u] += 1
        v = load.index(min(load))
        self.vcpu_of[mp.id] = v
        return v

    def wakeup(self, mp: M, waker: M | None) -> None:
        """Place the thread ``mp`` woken by ``waker`` (notewakeup -> futexwakeup).

        Models kernel/sched/fair.c: select_task_rq_fair.  Measured on the reference VMs'
        6.18 guest kernel (booted with a vCPU-packing option): the process's threads
        practically never migrate (0-150 migrations against 600-4000 wake-ups in 2 s), so a
        woken thread stays on the vCPU it last ran on - except at low load, where a wakee
        whose vCPU is idle joins its waker's (:meth:`_pack`, on: ``pack``).  ``affine``
        (off) instead moves it to the waker's vCPU (mainline wake_affine when the previous
        vCPU is busy)."""
        if self.affine and waker is not None:
            self.vcpu_of[mp.id] = self._vcpu(waker)
        if self.pack and waker is not None:
            self._pack(mp, waker)
        if self.wake_preempt and waker is not None:
            if self._rt.sim.now - mp.parked_at < WAKE_PREEMPT_MAX_SLEEP_NS or (
                self.last_run_rule
                and self.last_run.get(mp.id, WAKE_PREEMPT_MAX_LAST_RUN_NS)
                < WAKE_PREEMPT_MAX_LAST_RUN_NS
            ):
                self.woken.add(mp.id)
                self.woken_by[mp.id] = waker.id

    def preempts_at_wake(self, mp: M, waker: M) -> bool:
        """Whether the woken ``mp`` preempts ``waker`` at its futex(FUTEX_WAKE) return
        (mechanism 130): :meth:`wakeup` marked it (park or last-run rule) and ``waker`` runs
        on ``mp``'s vCPU - it holds it, or holds no burst there yet (back from netpoll or a
        park, in the scheduler: it is the thread inside futex() there)."""
        if not self.wake_stall or self.woken_by.get(mp.id, -1) != waker.id:
            return False
        v = self.vcpu_of.get(mp.id, -1)
        if v < 0 or self.vcpu_of.get(waker.id, -1) != v or not self._wants(waker):
            return False
        if not self.low_load():
            return False
        y = self.run_m[v]
        return y is None or y is waker or not self._wants(y)

    def stall(self, mp: M, waker: M, d: int, wcost: int) -> int:
        """The woken ``mp`` preempts ``waker`` at its futex(FUTEX_WAKE) return
        (:meth:`preempts_at_wake`): returns the extra time the waker stands, to add to its
        debt after ``wcost`` (0: no stall).

        Models kernel/sched/fair.c: try_to_wake_up -> wakeup_preempt (check_preempt_wakeup_fair)
        on the waker's own runqueue: the resched is taken on the waker's return from the
        futex system call (runtime.futexwakeup, called by notewakeup in proc.go: startm), so
        the waker stands between the wake-up and its next instruction until the wakee blocks.
        Measured (docs/validation.md mechanisms 50, 100): the wakee runs ~3-9 us after the
        wake, spins through findRunnable and blocks (runqgrab's usleep(3) or stopm).  The
        model takes the wakee's block to come after its wake-up latency ``d`` and one idle
        scheduler pass (``costs.findrunnable_idle_ns``)."""
        if not self.preempts_at_wake(mp, waker):
            return 0
        return self.stalled(d, wcost)

    def stalled(self, d: int, wcost: int) -> int:
        """:meth:`stall` once :meth:`preempts_at_wake` holds (proc.startm has asked it):
        count the preemption and return the waker's extra time."""
        self.stalls += 1
        self.preemptions += 1
        return max(0, d + self._rt.costs.findrunnable_idle_ns - wcost)

    def low_load(self) -> bool:
        """The process has used less than PACK_MAX_UTIL vCPU lately (:meth:`_pack`'s
        regime, also that of :meth:`preempts_at_wake` and proc.runqgrabUsleep; not in the
        run's first PACK_TAU_NS, while the estimate is not yet set)."""
        now = self._rt.sim.now
        return now >= PACK_TAU_NS and self._utilization(now) < PACK_MAX_UTIL

    def _utilization(self, now: int) -> float:
        """The process's CPU use over the last ~PACK_TAU_NS, in vCPUs: the bursts' lengths
        decayed with PACK_TAU_NS (kernel/sched/pelt.c: ___update_load_avg's geometric series,
        summed over the process's threads)."""
        dt = now - self.util_at
        if dt > 0:
            self.util *= math.exp(-dt / PACK_TAU_NS)
            self.util_at = now
        return self.util

    def _pack(self, mp: M, waker: M) -> None:
        """Put the woken ``mp`` on its waker's vCPU when no thread wants its own vCPU and the
        process has used less than PACK_MAX_UTIL vCPU lately (kernel/sched/fair.c:
        select_task_rq_fair, as the guest kernel's non-mainline sched_vcpu_pack option changes
        it; measured, docs/validation.md mechanism 100).  Not in the first PACK_TAU_NS of the
        run, while the estimate has not yet seen the process's load.  The woken M then shares
        its waker's vCPU, where mechanism 43's wake-up preemption and slices apply."""
        u = self.vcpu_of.get(mp.id, -1)
        w = self.vcpu_of.get(waker.id, -1)
        if u < 0 or w < 0 or u == w:
            return
        if not self.low_load() or self.shares_vcpu(mp):
            return
        self.vcpu_of[mp.id] = w
        self.migrations += 1

    def runs_at_once(self, mp: M) -> bool:
        """Whether the woken ``mp`` will take its vCPU from its waker running there
        (:meth:`wakeup` marked it and the waker holds ``mp``'s vCPU): the vCPU is not idle,
        so the wake-up costs no halted-vCPU latency (proc.startm)."""
        if mp.id not in self.woken:
            return False
        v = self.vcpu_of.get(mp.id, -1)
        if v < 0:
            return False
        y = self.run_m[v]
        return y is not None and y.id == self.woken_by.get(mp.id, -1) and self._wants(y)

    def behind_waker(self, mp: M, waker: M) -> int:
        """When the woken ``mp`` first runs if it waits behind ``waker`` on their shared vCPU
        (-1: it does not).  Models kernel/sched/fair.c: a wakee that does not preempt the
        current task at the wake-up (wakeup_preempt_fair) waits on the runqueue until the
        current task blocks (:meth:`release` moves the wake-up then) or the vCPU's next
        tick (task_tick_fair -> update_curr -> pick_eevdf).  A wakee :meth:`wakeup` marked
        (park < 0.5 ms or last run < 20 us: it preempts, mechanisms 43, 191) never waits
        so.  Measured (docs/validation.md mechanism 260, tracefs, GOMAXPROCS=2): such real
        wakees run when the waker blocks (34-78 %) or at the first tick at which the waker
        has run a slice (1.4 ms), or the idle vCPU pulls them; the model's tick is the next
        one (the slice-end tick, tried there, overshoots more) and it has no such pull."""
        if not self.wake_behind:
            return -1
        v = self.vcpu_of.get(mp.id, -1)
        if v < 0 or self.vcpu_of.get(waker.id, -1) != v or not self._wants(waker):
            return -1
        if self.low_load():  # packed wakees preempt there (mechanisms 100, 130)
            return -1
        if mp.id in self.woken:
            return -1  # marked (park or last-run rule): it preempts at its first burst
        b = self.behind[v]
        if b is not None and b.state == M_SCHED and b.p is None and b.nextp is not None:
            return -1  # one woken M waits there already
        now = self._rt.sim.now
        self._switch(v, now)
        self.behind[v] = mp
        return self._next_tick(v, now + 1)

    def shares_vcpu(self, mp: M) -> bool:
        """Whether another thread of the process wants ``mp``'s vCPU now (holds it or is
        runnable there): the vCPU stays busy while ``mp`` sleeps, so its timer interrupt
        arrives on a running vCPU - no idle or halted vCPU to wake (kernel/time/hrtimer.c:
        hrtimer_interrupt -> hrtimer_wakeup on the running vCPU; measured, docs/validation.md
        mechanism 160)."""
        v = self.vcpu_of.get(mp.id, -1)
        if v < 0:
            return False
        for m2 in self._rt.allm:
            if m2 is not mp and self.vcpu_of.get(m2.id, -1) == v and self._wants(m2):
                return True
        return False

    def _slice_end(self, v: int, t: int) -> int:
        """When a slice that runs out at ``t`` on vCPU ``v`` ends: at the vCPU's next tick
        (kernel/sched/fair.c: update_deadline runs from update_curr, called by
        task_tick_fair or an enqueue on that runqueue; HRTICK is off by default)."""
        return self._next_tick(v, t) if self.tick_slices else t

    def _next_tick(self, v: int, t: int) -> int:
        """vCPU ``v``'s first scheduler tick at or after ``t`` (HZ=250, seeded phase)."""
        ph = self.tick_phase[v]
        tick = self.tick_ns
        if tick <= 0:
            return t
        return ph + -(-(t - ph) // tick) * tick

    def _occupy(self, mp: M, start: int, d: int, spin: bool = False) -> int:
        """A burst of ``mp`` that would take ``d`` ns alone starts at ``start`` (``spin``:
        a Spin, which ends at its deadline ``start + d``); returns the time it takes.

        Models EEVDF (kernel/sched/fair.c: pick_eevdf with RUN_TO_PARITY, default on): the
        thread on a vCPU (``run_m``) keeps it against a newly runnable thread until it
        blocks (:meth:`release`, called when the M parks, polls or enters a syscall) or
        its slice (``slice_ns`` from when it got the vCPU, ``hold_start``) runs out.  The
        newcomer waits (``waiter``); CPU work all runs after the wait, a Spin's deadline
        passes during it.  When the slice runs out first (``run_until``), the holder's
        burst in progress loses the vCPU for the waiter's run (up to a slice); after that
        the waiter holds the vCPU.  With an idle vCPU, its balance pass may pull the
        waiter first (:meth:`_pull_time`).  Bursts are timed when they start: a release
        re-times the waiter's burst-end event.
        """
        v = self._vcpu(mp)
        if self.pack:
            self.util = self._utilization(start) + d / PACK_TAU_NS
        self._switch(v, start)
        y = self.run_m[v]
        if self.woken and mp.id in self.woken:
            self.woken.discard(mp.id)
            if (
                y is not None
                and y is not mp
                and self.woken_by.pop(mp.id, -1) == y.id
                and self.waiter[v] is None
                and self._wants(y)
            ):
                e = self._preempt(v, mp, y, start, d, spin)
                if e >= 0:
                    return e
        if y is None or y is mp or not self._wants(y):
            if y is not mp:
                self.run_m[v] = mp
                self.hold_start[v] = start
            w = self.waiter[v]
            t = self.run_until[v]
            if w is not None and w is not mp and start + d > t:
                # mp's slice runs out during this burst: from then on the waiter and mp
                # take turns by slices, the waiter first
                done = t - start
                wend = self._event_end(w)
                if wend < 0:
                    self.waiter[v] = None
                    return d
                wrem = wend - t if not self.waiter_spin[v] else self.waiter_d[v] + (
                    self.waiter_start[v] - t
                )
                ew, em = self._alternate(t, wrem, self.waiter_spin[v], d - done, spin)
                self._retime(w, ew)
                self._settle(v, w, ew, mp, em)
                return em - start
            if w is None and self.overload_since[v] >= 0 and not self._contended(v, mp):
                self.overload_since[v] = -1  # nr_running back to 1: the next wait starts anew
            return d
        if self.waiter[v] is not None:  # a third thread: after the waiter's run
            q = self.slice_ns
            wait = self.run_until[v] + min(self.waiter_run[v], q) - start
            self.preemptions += 1
            return max(d, wait) if spin else wait + d
        # the holder's slice ends at its vCPU's first tick after it ran out (mechanism 43)
        slice_end = max(self._slice_end(v, self.hold_start[v] + self.slice_ns), start)
        pull = self._pull_time(v, start)
        # an idle vCPU's balance pass takes mp - if mp surely still waits then: before its
        # slice turn and before the holder's burst in progress ends (after that the holder
        # may block and hand mp the vCPU, which the model learns only then, in release)
        if pull >= 0 and pull <= slice_end and pull <= self._event_end(y):
            u = self._idle_vcpu(v)
            self.vcpu_of[mp.id] = u
            self.migrations += 1
            self.overload_since[v] = -1
            self.run_m[u] = mp
            self.hold_start[u] = max(pull, start)
            self.waiter[u] = None
            wait = max(pull, start) - start
            return max(d, wait) if spin else wait + d
        self.preemptions += 1
        wait = slice_end - start
        yend = self._event_end(y)
        if yend > slice_end:
            # y's burst in progress outlives its slice: from the slice end the two take
            # turns by slices, mp first
            yspin = self._spinning(y)
            mrem = start + d - slice_end if spin else d
            em, ey = self._alternate(slice_end, mrem, spin, yend - slice_end, yspin)
            self._retime(y, ey)
            self._settle(v, mp, em, y, ey)
            return em - start
        el = max(d, wait) if spin else wait + d
        self._wait(v, mp, d, spin, start, el - wait, slice_end)
        return el

    def _preempt(self, v: int, mp: M, y: M, start: int, d: int, spin: bool) -> int:
        """The woken ``mp`` takes vCPU ``v`` from ``y``, whose burst is in progress; returns
        the time ``mp``'s burst takes (-1: ``y`` is not in a burst, nothing to preempt).

        Models kernel/sched/fair.c: check_preempt_wakeup_fair (wakeup_preempt_fair in
        6.x) -> pick_eevdf at try_to_wake_up: measured on the reference kernel (mechanism 32),
        the M that notewakeup wakes runs on its waker's running vCPU within ~3 us and the
        waker runs again only when the wakee blocks.  ``y`` becomes the waiter: its burst
        resumes when ``mp`` blocks (:meth:`release`) or ``mp``'s slice ends; bursts longer
        than a slice take turns (:meth:`_alternate`, ``mp`` first)."""
        yend = self._event_end(y)
        if yend <= start:
            return -1
        yspin = self._spinning(y)
        yrem = yend - start
        self.preemptions += 1
        self.run_m[v] = mp
        self.hold_start[v] = start
        if d > self.slice_ns:
            em, ey = self._alternate(start, d, spin, yrem, yspin)
            self._retime(y, ey)
            self._settle(v, mp, em, y, ey)
            return em - start
        t = self._slice_end(v, start + self.slice_ns)
        self._wait(v, y, yrem, yspin, start, yrem, t)
        self._retime(y, t + yrem if not yspin else max(yend, t))
        return d

    def _wait(self, v: int, w: M, d: int, spin: bool, start: int, run: int, until: int) -> None:
        """``w``'s burst (``d``, a Spin or not, started at ``start``) waits for vCPU ``v``,
        whose holder keeps it until ``until``; once it has the vCPU it runs ``run``."""
        self.waiter[v] = w
        self.waiter_d[v] = d
        self.waiter_spin[v] = spin
        self.waiter_start[v] = start
        self.waiter_run[v] = run
        self.run_until[v] = until

    @staticmethod
    def _spinning(mp: M) -> bool:
        """``mp``'s burst in progress is a Spin (elapsed-time deadline), not CPU work."""
        return mp.curg is None or not mp.curg.cpu_left

    def _alternate(
        self, t: int, a_rem: int, a_spin: bool, b_rem: int, b_spin: bool
    ) -> tuple[int, int]:
        """Ends of two bursts sharing one vCPU from ``t`` in turns of a slice, ``a`` first.
        A CPU burst's ``rem`` is work left; a Spin's is its deadline minus ``t`` (it ends at
        the deadline, or when its thread next runs if the deadline passed meanwhile)."""
        q = self.turn_ns if self.tick_slices else self.slice_ns
        da = t + a_rem
        db = t + b_rem
        ea = eb = -1
        a_turn = True
        while ea < 0 or eb < 0:
            if a_turn and ea < 0:
                t, a_rem, ea = _turn(t, a_rem, da, a_spin, eb >= 0, q)
            elif not a_turn and eb < 0:
                t, b_rem, eb = _turn(t, b_rem, db, b_spin, ea >= 0, q)
            a_turn = not a_turn
        return ea, eb

    def _event_end(self, mp: M) -> int:
        """When ``mp``'s pending burst-end event fires (-1: it is not in a burst)."""
        ev = mp.ev
        if not mp.inburst or ev is None or ev[1] is None:
            return -1
        return self._rt.sim.time_of(ev)

    def _retime(self, mp: M, t: int) -> None:
        """Move ``mp``'s burst-end event to ``t``."""
        sim = self._rt.sim
        ev = mp.ev
        if ev is None or ev[1] is None or sim.time_of(ev) == t or t < sim.now:
            return
        sim.cancel(ev)
        mp.ev = sim.at(t, self._rt._ev_burst_done, mp)
        self.burst_end[mp.id] = t

    def _settle(self, v: int, a: M, ea: int, b: M, eb: int) -> None:
        """Both bursts on vCPU ``v`` are timed: the one ending last holds it from the
        other's end; no waiter is left."""
        self.waiter[v] = None
        if ea >= eb:
            self.run_m[v], self.hold_start[v] = a, eb
        else:
            self.run_m[v], self.hold_start[v] = b, ea

    def _switch(self, v: int, now: int) -> None:
        """Apply the pending hand-over of vCPU ``v`` to its waiter if due by ``now``."""
        w = self.waiter[v]
        if w is not None and self.run_until[v] <= now:
            self.run_m[v] = w
            self.hold_start[v] = self.run_until[v]
            self.waiter[v] = None

    def release(self, mp: M, now: int) -> None:
        """``mp`` blocks (stopm, netpoll, a system call): the thread waiting for its vCPU
        runs now.  Re-times the waiter's burst-end event: CPU work from now, a Spin at its
        deadline or now."""
        if self.woken:
            self.woken.discard(mp.id)
            self.woken_by.pop(mp.id, None)
        if self.run_from:
            t0 = self.run_from.pop(mp.id, -1)
            if t0 >= 0:
                self.last_run[mp.id] = now - t0
            else:  # not woken by startm since it last blocked: its run is not known
                self.last_run.pop(mp.id, None)
        v = self.vcpu_of.get(mp.id, -1)
        if v < 0:
            return
        b = self.behind[v]
        if b is not None:
            self.behind[v] = None
            if b is not mp and b.state == M_SCHED and b.p is None and b.nextp is not None:
                ev = b.ev
                if ev is not None and ev[1] is not None and self._rt.sim.time_of(ev) > now:
                    sim = self._rt.sim
                    sim.cancel(ev)
                    t = max(now, sim.now) + self._rt.costs.mwake_local_ns
                    b.ev = sim.at(t, self._rt._ev_mwake, b)
                    self.run_from[b.id] = t
        if self.run_m[v] is not mp:
            return
        rt = self._rt
        self._switch(v, now)
        w = self.waiter[v]
        if self.run_m[v] is not mp:
            return
        self.run_m[v] = None
        if w is None:
            return
        self.waiter[v] = None
        self.run_m[v] = w
        self.hold_start[v] = now
        ev = w.ev
        if not w.inburst or ev is None or ev[1] is None:
            return
        sim = rt.sim
        start = self.waiter_start[v]
        d = self.waiter_d[v]
        new = max(start + d, now) if self.waiter_spin[v] else now + d
        old = sim.time_of(ev)
        if new < old and new >= sim.now:
            sim.cancel(ev)
            w.ev = sim.at(new, rt._ev_burst_done, w)
            self.burst_end[w.id] = new

    def _idle_vcpu(self, v: int) -> int:
        """A vCPU other than ``v`` on which no thread wants to run, or -1."""
        load = [0] * self.ncpu
        for m2 in self._rt.allm:
            if self._wants(m2):
                load[self.vcpu_of.get(m2.id, 0)] += 1
        for u in range(self.ncpu):
            if u != v and load[u] == 0:
                return u
        return -1

    def _contended(self, v: int, mp: M) -> bool:
        """Whether a thread other than ``mp`` wants vCPU ``v`` (the kernel's nr_running > 1
        once ``mp`` runs there)."""
        vcpu_of = self.vcpu_of
        for m2 in self._rt.allm:
            if m2 is not mp and vcpu_of.get(m2.id, -1) == v and self._wants(m2):
                return True
        return False

    def _pull_time(self, v: int, now: int) -> int:
        """When an idle vCPU pulls a waiting thread off the contended vCPU ``v`` (-1: no
        vCPU is idle).  Models fair.c's nohz idle balance: the busy vCPU's tick
        (``tick_ns``, HZ=250) kicks the idle vCPU, which pulls a runnable task that is not
        cache-hot (it last ran more than sysctl_sched_migration_cost ago: task_hot)."""
        if not self.balance or self._idle_vcpu(v) < 0:
            self.overload_since[v] = -1
            return -1
        since = self.overload_since[v]
        if since < 0:
            since = self.overload_since[v] = now
        return self._next_tick(v, since + self.migration_cost_ns)

    def stretch(self, ns: int, mp: M | None = None) -> int:
        """Elapsed time of ``ns`` of CPU work started now (by ``mp``, after its debt)."""
        if not self.slices or mp is None:
            k = self.wanting()
            if k <= self.ncpu:
                return ns
            return ns * k // self.ncpu
        if ns <= 0:
            return ns
        start = self._rt.sim.now + mp.debt
        el = self._occupy(mp, start, ns)
        self.burst_work[mp.id] = ns
        self.burst_end[mp.id] = start + el
        return el

    def spin_end(self, now: int, end: int, mp: M | None = None) -> int:
        """When a spin of ``mp`` started ``now`` (plus its debt) with deadline ``end`` sees
        the deadline."""
        if mp is None:
            return end
        start = now + mp.debt
        if end <= start:
            return end
        return start + self._occupy(mp, start, end - start, True)

    def unstretch(self, elapsed: int, mp: M | None = None) -> int:
        """CPU work done in ``elapsed`` ns of the burst in progress (vCPU placement: in
        proportion to the burst's work over its timed length)."""
        if self.slices:
            if mp is None:
                return elapsed
            work = self.burst_work.get(mp.id, 0)
            total = self.burst_end.get(mp.id, 0) - mp.burst_start
            if work <= 0 or total <= 0:
                return elapsed
            return min(work, elapsed * work // total)
        k = self.wanting()
        if k <= self.ncpu:
            return elapsed
        return elapsed * self.ncpu // k
