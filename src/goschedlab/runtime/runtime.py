"""The public entry point: :class:`Config`, :class:`Runtime`, :class:`Result`."""

from __future__ import annotations

import gc as _gc
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import partial
from typing import Any

from goschedlab.policies.base import Policy, coprimes_of
from goschedlab.runtime.costs import Costs, osJitter
from goschedlab.runtime.errors import GoFatal, Throw
from goschedlab.runtime.g import (
    G,
    _Gdead,
    _Grunnable,
    _Grunning,
    _Gsyscall,
)
from goschedlab.runtime.gc import gcState
from goschedlab.runtime.histogram import timeHistogram
from goschedlab.runtime.interp import async_preempt, burst_done, run_g
from goschedlab.runtime.m import M_IDLE, M_RUNNING, M_SCHED, M_SYSCALL, M_SYSMON, M
from goschedlab.runtime.machine import Machine
from goschedlab.runtime.numa import NumaTopology
from goschedlab.runtime.p import P, _Pgcstop, _Pidle, _Prunning, casPstatus
from goschedlab.runtime.proc import (
    acquirep,
    createfingAtInit,
    findRunnableIdle,
    mcount,
    netpollReturn,
    newproc1,
    pidleput,
    schedule,
    stealRunnextAfterPause,
)
from goschedlab.runtime.quota import CFSBandwidth
from goschedlab.runtime.runq import runqput
from goschedlab.runtime.sched import schedt
from goschedlab.runtime.syscall import exitsyscall, hrtimerExpire
from goschedlab.runtime.sysmon import SysmonState, sysmonDeepWake, sysmonStart, sysmonTick
from goschedlab.sim import Simulation


@dataclass(frozen=True)
class Config:
    """One simulated run's settings (defaults: Go 1.23.1's, ncpu = GOMAXPROCS).

    gomaxprocs: GOMAXPROCS.  ncpu: cores of the machine (None: = gomaxprocs).  seed: the one
    seed of every random stream (steal order, trackingSeq).  costs: ns cost model.
    maxmcount: thread limit (debug.SetMaxThreads; Go: 10000).  schedtrace_ms: sysmon calls
    the schedtrace callback every that many ms (0: off).  asyncpreempt: False models
    GODEBUG=asyncpreemptoff=1.  policy: scheduler policy hooks (Go 1.23 by default).
    numa_nodes: Ps are split into that many nodes (node(P) = P.id * numa_nodes //
    gomaxprocs); a G resumed on another node than it last ran on pays costs.numa_remote_ns.
    gogc: GOGC (debug.SetGCPercent; < 0: off).  gctrace: format gctrace=1 lines (gc.py).
    cpu_quota: CFS bandwidth limit of the process in CPUs (quota/period, e.g. 2.0 =
    200 ms per 100 ms), None: unlimited; cpu_quota_period_ns: the CFS period (quota.py).
    numa_distance: node distance matrix (SLIT, 10 = local; () = 20 between nodes);
    numa_penalty_ns: cost of a remote migration at distance 20, scaled by distance
    (None: costs.numa_remote_ns) (numa.py).
    os_placement: model the OS's placement of threads on vCPUs (machine.py: each M stays
    on its vCPU, Ms sharing one take turns by EEVDF slices, an idle vCPU pulls a thread
    that has waited behind another past the migration cost at a scheduler tick; on by
    default, docs/validation.md mechanisms 10 and 19); False: processor sharing.
    fing: the program imports os, whose init starts the finalizer goroutine before main.main
    (proc.py: createfingAtInit); the workload driver sets it (every corpus program imports
    os), off for bare programs.
    heap_only_steps: testing aid - every clock step goes through the event heap (no inline
    advance, :class:`~goschedlab.sim.engine.Simulation` ``heap_only``); results are identical.
    """

    gomaxprocs: int = 2
    ncpu: int | None = None
    seed: int = 1
    costs: Costs = field(default_factory=Costs)
    maxmcount: int = 10000
    schedtrace_ms: int = 0
    asyncpreempt: bool = True
    policy: Policy = field(default_factory=Policy)
    numa_nodes: int = 1
    gogc: int = 100
    gctrace: bool = False
    cpu_quota: float | None = None
    cpu_quota_period_ns: int = 100_000_000
    numa_distance: tuple[tuple[int, ...], ...] = ()
    numa_penalty_ns: int | None = None
    os_placement: bool = True
    fing: bool = False
    heap_only_steps: bool = False

    def __post_init__(self) -> None:
        if self.gomaxprocs < 1:
            raise ValueError(f"Config.gomaxprocs must be >= 1, got {self.gomaxprocs}")
        if self.ncpu is not None and self.ncpu < 1:
            raise ValueError(f"Config.ncpu must be >= 1, got {self.ncpu}")
        if self.numa_nodes < 1 or self.numa_nodes > self.gomaxprocs:
            raise ValueError(f"Config.numa_nodes must be in 1..gomaxprocs, got {self.numa_nodes}")
        if self.maxmcount < 1:
            raise ValueError(f"Config.maxmcount must be >= 1, got {self.maxmcount}")
        if self.cpu_quota is not None and not self.cpu_quota > 0:
            raise ValueError(f"Config.cpu_quota must be > 0 CPUs, got {self.cpu_quota}")
        if self.cpu_quota_period_ns <= 0:
            raise ValueError(
                f"Config.cpu_quota_period_ns must be > 0, got {self.cpu_quota_period_ns}"
            )


@dataclass(slots=True)
class RuntimeStats:
    """Counters the model keeps (not Go metrics; Go-named where Go has the concept)."""

    ops: int = 0
    schedules: int = 0
    findrunnable_calls: int = 0  # proc.findRunnable entered (schedule's fused path skips it)
    context_switches: int = 0
    steal_attempts: int = 0
    steal_successes: int = 0
    gs_stolen: int = 0
    runnext_steals: int = 0
    spin_ns: int = 0
    threads_created: int = 0
    goroutines_created: int = 0
    preempt_requests: int = 0
    preemptions: int = 0
    async_preemptions: int = 0
    syscalls: int = 0
    syscall_retakes: int = 0
    exitsyscall_fast: int = 0
    exitsyscall_slow: int = 0
    runqputslow: int = 0
    timers_run: int = 0
    netpoll_blocks: int = 0
    schedtrace_calls: int = 0
    alloc_bytes: int = 0
    steal_ns: int = 0
    backoff_ns: int = 0
    backoff_parks: int = 0
    migrations_local: int = 0
    migrations_remote: int = 0
    numa_penalty_ns: int = 0
    sched_ns: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Result:
    """What one run produced.  ``exit_code`` 0: main returned; 2: fatal (``fatal`` holds
    Go's stderr lines); None: stopped at ``until_ns``.  ``events``: simulated events, i.e.
    goroutine ops interpreted plus engine events (M wake-ups, burst ends, sysmon ticks...);
    ``engine_events``: only those that went through the event heap."""

    exit_code: int | None
    fatal: tuple[str, ...]
    makespan_ns: int
    threads: int
    goroutines: int
    goroutines_created: int
    stats: RuntimeStats
    sched_latencies: tuple[int, ...]
    sched_latency_samples: int
    events: int
    engine_events: int
    main_result: Any = None

    @property
    def now(self) -> int:
        """Virtual time at the end of the run (= makespan_ns)."""
        return self.makespan_ns


class Runtime:
    """One simulated Go process: Ps, Ms, Gs, schedt, sysmon, on a :class:`Simulation`.

    Go-named state for observers: ``sched`` (schedt), ``allp``, ``allm`` (creation order;
    ``allm_newest_first`` is Go's list order), ``allgs``, ``mcount()``, ``timeToRun``.
    """

    def __init__(self, config: Config | None = None, schedtrace: Callable | None = None) -> None:
        cfg = config or Config()
        self.config = cfg
        self.sim = Simulation(cfg.seed, heap_only=cfg.heap_only_steps)
        self.costs = cfg.costs
        self.policy = cfg.policy  # replaced by the bound per-run policy after _procinit
        self.globrunq_check_period = cfg.policy.globrunq_check_period
        self.force_preempt_ns = cfg.policy.force_preempt_ns
        self.steal_tries = cfg.policy.steal_tries
        self.asyncpreempt = cfg.asyncpreempt
        self.schedtrace_ns = cfg.schedtrace_ms * 1_000_000
        self.schedtrace_cb = schedtrace
        self.cheaprand = self.sim.rng("cheaprand")
        self.osrng = self.sim.rng("os")  # kernel/VM timing variance (Runtime.os_delay)
        self.stats = RuntimeStats()
        self.timeToRun = timeHistogram()
        self.sched = schedt(cfg.gomaxprocs, cfg.maxmcount)
        self.sched.timeToRun = self.timeToRun
        # GC pacer / STW / mark workers (gc.py); gogc < 0 is GOGC=off.
        self.gc = gcState(self, cfg.gogc, cfg.gctrace)
        self.allp: list[P] = []
        self.allm: list[M] = []
        self.allgs: list[G] = []
        self.coprimes = coprimes_of(cfg.gomaxprocs)
        self.mainStarted = False
        self.main_g: G | None = None
        self.fing: G | None = None  # the finalizer goroutine (proc.py: createfing)
        self.main_value: Any = None
        self.netpollInited = False
        self.netpollWaiters = 0
        self.netpoll_m: M | None = None
        self.net: Any = None  # netpoll.Netpoller, created by the first NetRead
        # Network poller hook (issue 3): netpoll_hook(rt, delay) -> list of _Gwaiting Gs whose
        # I/O is ready (delay 0: non-blocking; -1: the blocking poll just returned).
        self.netpoll_hook: Callable[[Runtime, int], list[G]] | None = None
        self.timer_seq = 0
        self.sysmon = SysmonState()
        self._exit: tuple[int, tuple[str, ...], Any] | None = None
        # Engine callbacks (bound once).
        # (functools.partial: called from C, one Python frame less per event than a lambda)
        self._ev_run_g = partial(run_g, self)
        self._ev_burst_done = partial(burst_done, self)
        self._ev_async_preempt = partial(async_preempt, self)
        self._ev_mstart = self._mstart
        self._ev_mwake = self._mwake
        self._ev_findrunnable_idle = self._findrunnable_idle
        self._ev_netpoll_return = self._netpoll_return
        self._ev_steal_pause = self._steal_pause
        self._ev_exitsyscall = self._exitsyscall
        self._ev_hrtimer = lambda mp: hrtimerExpire(self, mp)
        self.hrtimers: dict[M, int] = {}  # timed sleeps in the kernel: M -> soft expiry
        self._ev_sysmon = lambda _: sysmonTick(self)
        self._ev_sysmon_deep = lambda syscallWake: sysmonDeepWake(self, syscallWake)
        self._procinit()
        # A per-run policy object (stateful policies get a copy holding this runtime; they
        # may read allp, costs, sim and config, all set by now).
        self.policy = cfg.policy.bind(self)
        self.locks_runq = bool(self.policy.locks_runq)
        self.go_steal_order = type(self.policy).steal_order is Policy.steal_order
        # Hot-path helpers of proc.stealWork (speed only): cached Go steal orders keyed by
        # (start, coprime index) for small GOMAXPROCS, and whether the policy's per-attempt
        # steal cost hook is the base one (always 0, so the call can be skipped).
        self.steal_orders: dict[int, tuple[int, ...]] = {}
        self.steal_extra_hook = (
            type(self.policy).steal_extra_cost_ns is not Policy.steal_extra_cost_ns
        )
        # Likewise for the spinning cap (base: Go's 2*nmspinning < gomaxprocs-npidle,
        # evaluated inline by findRunnable).
        self.spinning_allowed_hook = (
            type(self.policy).spinning_allowed is not Policy.spinning_allowed
        )
        self.machine = Machine(
            self, cfg.ncpu if cfg.ncpu is not None else cfg.gomaxprocs, cfg.os_placement
        )
        # numa.py: ns charged to a G resumed on node j after node i (proc.execute).
        topo = NumaTopology(cfg.numa_nodes, 1, cfg.numa_distance)
        penalty = cfg.numa_penalty_ns
        self.numa_cost = topo.cost_matrix(
            self.costs.numa_remote_ns if penalty is None else penalty
        )
        self.quota: CFSBandwidth | None = None
        if cfg.cpu_quota is not None:
            self.quota = CFSBandwidth(
                self, cfg.cpu_quota, cfg.cpu_quota_period_ns, self.machine.ncpu
            )

    # ------------------------------------------------------------------ setup
    def _procinit(self) -> None:
        """schedinit + procresize(GOMAXPROCS) + m0 + sysmon (runtime.main)."""
        sched = self.sched
        n = sched.gomaxprocs
        cap = self.policy.runq_capacity
        nodes = self.config.numa_nodes
        for i in range(n):
            pp = P(i, cap)
            pp.node = i * nodes // n
            casPstatus(self, pp, -1, _Pgcstop, "(*p).init")
            self.allp.append(pp)
        m0 = M(0)
        sched.mnext = 1
        self.allm.append(m0)
        self.m0 = m0
        pp0 = self.allp[0]
        casPstatus(self, pp0, _Pgcstop, _Pidle, "procresize")
        acquirep(self, m0, pp0)
        for i in range(n - 1, 0, -1):
            pp = self.allp[i]
            casPstatus(self, pp, _Pgcstop, _Pidle, "procresize")
            pidleput(self, pp)
        # sysmon: newm(sysmon, nil, -1) from runtime.main; counted in nmsys.
        sm = M(sched.mnext)
        sched.mnext += 1
        sched.nmsys += 1
        sm.state = M_SYSMON
        self.allm.append(sm)
        self.sysmon_m = sm
        self._runtime_init_end_state()

    def _runtime_init_end_state(self) -> None:
        """The scheduler state runtime.main's initialisation leaves before main.main runs.

        Models proc.go: main -> doInit(runtime_inittasks) (``go forcegchelper``) and
        mgc.go: gcenable (``go bgsweep(c); go bgscavenge(c); <-c; <-c``) with the main
        goroutine locked to m0 (runtime.main calls lockOSThread during init):

        * each time main blocks in gcenable's ``<-c``, m0 must keep it (stoplockedm) and
          hands P0 to another thread (handoffp -> startm -> newm); that M parks in
          ``sched.midle`` (stopm) once main gets P0 back (startlockedm).  With
          GOMAXPROCS > 1 the first ``go`` of init (mainStarted is already true) also runs
          wakep, which starts a second new M for an idle P; it parks too.  So real
          programs start main.main with 1 (GOMAXPROCS=1) or 2 idle Ms: threads=3 / 4
          (refcorpus threads_end; captures/...-scheddetail: M2, M3 idle, G2-G5 system Gs).
          For GOMAXPROCS > 2 more spinning Ms may cascade in Go; the model keeps 2.
        * P0 has executed, from its local queue (schedtick + 1 each; runnext ones inherit
          the time slice): main twice (stoplockedm -> execute(lockedg, inheritTime=false)
          after each ``<-c``), forcegchelper and bgsweep (from the run queue; bgscavenge
          came from runnext).  So P0.schedtick is 4, not 0, when main.main starts: the
          ``schedtick % 61 == 0`` fairness check does not fire on main's first schedule.

        The system goroutines themselves (forcegchelper, bgsweep, bgscavenge, runfinq;
        parked for the whole run) are not modelled, so user goids still start at 2.
        """
        sched = self.sched
        for _ in range(1 if sched.gomaxprocs == 1 else 2):
            mp = M(sched.mnext)
            sched.mnext += 1
            self.allm.append(mp)
            mp.state = M_IDLE
            mp.blocked = True
            sched.midle.append(mp)  # mput without checkdead: m0 is running main
        self.allp[0].schedtick = 4

    def os_delay(self, median: int, tail: int) -> int:
        """A kernel/VM latency (thread wake-up, timer slack, epoll timeout overshoot) drawn
        as ``median - tail*ln2 + Exp(mean=tail)``: its median is ``median`` (the calibrated
        cost) and its upper tail the measured one (e.g. nanosleep(1ns) p50 57.8 / p99 83.9 us;
        idle-P wake-up p50 109 / p99 177 us).  Real wake-ups and timer expiries vary by
        tens of us (hrtimer slack and coalescing, halted-vCPU wake, host scheduling); with
        exact figures, Ms that sleep and wake phase-lock to each other (every syscall of
        syscall-block returning just after sysmon's retake; a woken thief always probing
        pingpong's P when runnext is empty), which real threads never sustain.
        ``tail`` 0 gives exactly ``median``."""
        if tail <= 0:
            return median
        d = median + osJitter(self.osrng, tail)
        return d if d > 0 else 0

    @staticmethod
    def epoll_wait_ns(delay: int) -> int:
        """Models netpoll_epoll.go: netpoll(delay) -> epoll_pwait timeout, in ns.

        Under 1 ms it waits 1 ms; from 1 ms it truncates to whole ms (capped at 1e9 ms).
        """
        if delay < 1_000_000:
            return 1_000_000
        if delay < 10**15:
            return delay // 1_000_000 * 1_000_000
        return 10**9 * 1_000_000

    # ------------------------------------------------------------------ observers
    def mcount(self) -> int:
        """mnext - nmfreed, as schedtrace's ``threads=``."""
        return mcount(self)

    @property
    def allm_newest_first(self) -> list[M]:
        """allm in Go's list order (newest first, M0 last)."""
        return self.allm[::-1]

    def statistics(self) -> RuntimeStats:
        """A snapshot (copy) of the model's counters."""
        return RuntimeStats(**self.stats.as_dict())

    @property
    def gc_cycles(self) -> int:
        """Completed GC cycles (/gc/cycles/total:gc-cycles; memstats.numgc)."""
        return self.gc.numgc

    @property
    def metric_histograms(self) -> dict[str, timeHistogram]:
        """The STW pause histograms under their runtime/metrics names (gc.py)."""
        return self.gc.metric_histograms()

    def gcount(self) -> int:
        """Goroutines that exist (not dead), like runtime.NumGoroutine: system Gs (the
        finalizer goroutine) are not counted."""
        fing = self.fing
        return sum(1 for gp in self.allgs if gp.atomicstatus != _Gdead and gp is not fing)

    def setMaxThreads(self, n: int) -> int:
        """Models runtime/debug.SetMaxThreads: set the limit, re-check it (may die)."""
        from goschedlab.runtime.proc import checkmcount

        old = self.sched.maxmcount
        self.sched.maxmcount = min(n, 0x7FFFFFFF)
        checkmcount(self)
        return old

    def check_invariants(self) -> None:
        """Check the model's global invariants; raise :class:`Throw` on the first violation.

        * every _Grunnable G is on exactly one run queue (runnext, a local ring, global);
          every queued G is _Grunnable (no G lost, none queued twice);
        * every _Grunning G is the curg of exactly one M, itself running with a P;
        * every _Gsyscall G is the curg of an M in a syscall;
        * nmspinning == number of spinning Ms; npidle == len(pidle), all _Pidle;
        * every idle M is on midle.
        """
        now = self.sim.now
        seen: dict[int, int] = {}
        for pp in self.allp:
            gs = [pp.runq[(pp.runqhead + i) % pp.runqcap] for i in range(pp.runqsize)]
            if pp.runnext is not None:
                gs.append(pp.runnext)
            for gp in gs:
                seen[id(gp)] = seen.get(id(gp), 0) + 1
        for gp in self.sched.runq:
            seen[id(gp)] = seen.get(id(gp), 0) + 1
        if len(self.sched.runq) != self.sched.runqsize:
            raise Throw("check_invariants", "sched.runqsize != len(sched.runq)", now)
        curgs = {id(mp.curg): mp for mp in self.allm if mp.curg is not None}
        for gp in self.allgs:
            k = seen.get(id(gp), 0)
            s = gp.atomicstatus
            if s == _Grunnable and k != 1:
                raise Throw("check_invariants", f"{gp!r} is on {k} run queues (lost G)", now)
            if s != _Grunnable and k:
                raise Throw("check_invariants", f"{gp!r} is queued but not runnable", now)
            if s == _Grunning:
                mp = curgs.get(id(gp))
                if mp is None or gp.m is not mp or mp.p is None:
                    raise Throw("check_invariants", f"{gp!r} running without its M/P", now)
            if s == _Gsyscall:
                mp = curgs.get(id(gp))
                if mp is None or mp.state != M_SYSCALL:
                    raise Throw("check_invariants", f"{gp!r} in syscall without its M", now)
        nspin = sum(1 for mp in self.allm if mp.spinning)
        if nspin != self.sched.nmspinning:
            raise Throw(
                "check_invariants", f"nmspinning={self.sched.nmspinning} but {nspin} spin", now
            )
        if self.sched.npidle != len(self.sched.pidle):
            raise Throw("check_invariants", "npidle != len(pidle)", now)
        for pp in self.sched.pidle:
            if pp.status != _Pidle or not pp.idle:
                raise Throw("check_invariants", f"{pp!r} on pidle but not idle", now)
        for mp in self.allm:
            if (mp.state == M_IDLE) != (mp in self.sched.midle):
                raise Throw("check_invariants", f"{mp!r} idle state vs midle mismatch", now)

    # ------------------------------------------------------------------ engine callbacks
    def _continue(self, mp: M, running: bool) -> None:
        if running:
            run_g(self, mp)

    def _mstart(self, mp: M) -> None:
        """mstart1: acquirep(m.nextp) then schedule."""
        mp.ev = None
        pp = mp.nextp
        mp.nextp = None
        if mp.spinning:
            mp.spinstart = self.sim.now
        acquirep(self, mp, pp)  # type: ignore[arg-type]
        mp.state = M_SCHED
        self._continue(mp, schedule(self, mp))

    def _mwake(self, mp: M) -> None:
        """stopm after mPark returns: acquirep(m.nextp) then schedule."""
        mp.blocked = False
        self._mstart(mp)

    def _findrunnable_idle(self, mp: M) -> None:
        mp.ev = None
        self._continue(mp, findRunnableIdle(self, mp))

    def _netpoll_return(self, mp: M) -> None:
        self._continue(mp, netpollReturn(self, mp))

    def _steal_pause(self, mp: M) -> None:
        mp.ev = None
        self._continue(mp, stealRunnextAfterPause(self, mp))

    def _exitsyscall(self, mp: M) -> None:
        self._continue(mp, exitsyscall(self, mp))

    def main_exited(self, mp: M, value: Any = None) -> None:
        """main.main returned: the process exits with status 0 (runtime.main -> exit(0))."""
        self._exit = (0, (), value)
        self.sim.stop()

    # ------------------------------------------------------------------ run
    def run(self, main_fn: Callable[..., Any], *args: Any, until_ns: int | None = None) -> Result:
        """Run ``main_fn(*args)`` as the main goroutine (goid 1) until it returns, the program
        dies (fatal error, deadlock) or ``until_ns`` of virtual time passed."""
        if self.main_g is not None:
            raise RuntimeError("Runtime.run: a Runtime runs one program; make a new one")
        m0 = self.m0
        pp0 = self.allp[0]
        gp = newproc1(self, m0, pp0, main_fn, args, None)
        self.main_g = gp
        runqput(self, pp0, gp, True)
        self.mainStarted = True
        if self.config.fing:
            createfingAtInit(self, m0, pp0)
        sysmonStart(self)
        self.sim.at(0, lambda mp: self._continue(mp, schedule(self, mp)), m0)
        # Speed: Python's cyclic GC is paused while the event loop runs.  The loop keeps
        # up to millions of live objects (Gs, generators) that the collector would scan
        # over and over; the model's per-event garbage is acyclic (freed by refcount), so
        # pausing it changes no output and little memory.  Restored on every exit path.
        gc_was_enabled = _gc.isenabled()
        if gc_was_enabled:
            _gc.disable()
        try:
            self.sim.run(until_ns)
        except GoFatal as e:
            self._exit = (e.exit_code, tuple(e.lines), None)
        finally:
            if gc_was_enabled:
                _gc.enable()
        if self._exit is None:
            if until_ns is None or self.sim.next_time() is None:
                self._exit = (2, ("fatal error: all goroutines are asleep - deadlock!",), None)
            else:
                self._exit = (None, (), None)  # type: ignore[assignment]
        code, lines, value = self._exit  # type: ignore[misc]
        stats = self.statistics()
        return Result(
            exit_code=code,
            fatal=lines,
            makespan_ns=self.sim.now,
            threads=self.mcount(),
            goroutines=self.gcount(),
            goroutines_created=stats.goroutines_created,
            stats=stats,
            sched_latencies=tuple(self.timeToRun.counts()),
            sched_latency_samples=self.timeToRun.n,
            events=self.sim.events + stats.ops,
            engine_events=self.sim.events,
            main_result=value,
        )


__all__ = ["Config", "Result", "Runtime", "RuntimeStats", "M_RUNNING", "_Prunning", "_Grunning"]
