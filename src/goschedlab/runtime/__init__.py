"""The Go 1.23.1 goroutine scheduler, executable: G, M, P, schedt and proc.go's algorithms.

What it models
    A Go process on a machine with ``ncpu`` cores: GOMAXPROCS Ps, the Ms (threads) the
    runtime creates, the Gs of a workload (``goschedlab.workloads.ops`` generators), sysmon,
    per-P timers, channels, WaitGroup/Mutex semaphores and system calls, following
    ``src/runtime/proc.go``, ``chan.go``, ``time.go``, ``sema.go``, ``mgc.go`` of Go 1.23.1.
    Every runtime operation costs modelled ns (costs.py,
    calibrated on the reference corpus).

Main objects
    :class:`Runtime` (one process: ``run(main_fn)``), :class:`Config`, :class:`Result`;
    ``g.G``, ``m.M``, ``p.P``, ``sched.schedt``; algorithms in ``proc`` (schedule,
    findRunnable, stealWork, wakep, startm, handoffp, stopm, execute, ready, newproc, gopark,
    goschedImpl, goyield, goexit0, checkdead), ``runq`` (runqput ... globrunqget),
    ``syscall``, ``sysmon`` (retake, preemptone), ``timers``, ``chan``, ``sema``; the
    op interpreter ``interp.run_g``; ``machine`` (cores), ``histogram`` (timeHistogram);
    ``gc``, ``netpoll``, ``quota``, ``numa`` (below).

Configuration and extension points
    ``Config`` (frozen): gomaxprocs, ncpu, seed, costs, maxmcount, schedtrace_ms, asyncpreempt,
    policy, numa_nodes.  The policy (``goschedlab.policies.Policy``; Go 1.23 by default) is
    bound once per run (``policy.bind(rt)``) and consulted wherever a scheduler change could
    alter a decision: runq capacity, the 61-tick period, forcePreemptNS, stealTries, the
    spinning cap, steal order and cost, owner-side queue locking, back-off after failed
    steals.  ``Runtime.netpoll_hook`` is where the network poller (issue 3) plugs in;
    ``injectglist`` already follows proc.go.

Execution model
    The engine (``goschedlab.sim``) runs one actor step at a time; an M is an actor whose
    step is Go code between two points where time must pass (a CPU burst, a syscall, a
    wake-up latency, the spinning window).  Go's lock-free operations are therefore atomic
    here; their concurrency windows that matter for behaviour are modelled explicitly: the
    time a spinning M spends before dropping its P (``findrunnable_idle_ns``), runqgrab's
    usleep(3) before stealing a running P's runnext, wake-up latencies of parked Ms and of
    the netpoller, sysmon's sleeps.  Runtime work is charged as ``m.debt`` and paid before
    the M's next step that other Ms can observe; clock reads and CPU bursts use the M's local
    time ``now + debt`` (see ``interp``).  Time-only steps advance the clock inline when no
    other event is due first, so a busy M does not go through the heap for every op.

OS / VM timing (docs/validation.md)
    Kernel latencies are drawn by ``Runtime.os_delay(median, tail)`` (seeded stream "os":
    calibrated median, exponential upper tail) so sleeping Ms do not phase-lock; waking a
    parked thread costs the waker (``proc.wakeCosts``: futex wake + IPI to a halted vCPU,
    cheap while the vCPU still halt-polls); timed sleeps (``Syscall(ns, slack=True)``) use
    the kernel's hrtimer slack and coalescing (``syscall.hrtimerSleep``).  Runtime init
    leaves its idle Ms and P0.schedtick as in Go (``Runtime._runtime_init_end_state``).

Invariants (checked where cheap, all by ``Runtime.check_invariants``)
    * G and P status changes only via ``g.casgstatus`` / ``p.casPstatus``, which throw on
      a transition Go does not perform (naming the Go function, the G/P, from, to, time).
    * A runnable G is on exactly one run queue; ``runqput``/``globrunqput``/``execute``
      throw if a G would be queued twice or run while queued/running (G run twice).
    * ``nmspinning`` equals the number of spinning Ms and is never negative;
      ``npidle == len(pidle)``; a spinning M has an empty local queue in ``schedule``.

Rejected alternatives
    * One generator/coroutine per M: every step would be a resume; Ms are driven as
      explicit state machines with continuation events instead (faster, and the places where
      time passes are visible in the code).
    * Modelling atomics and memory order here: that belongs to ``goschedlab.explore``; a
      timing model with atomic steps is what makes 100,000-goroutine runs feasible.
    * Time slices of fixed length: Go has none; preemption is sysmon's 10 ms schedtick rule.

Runtime breadth (issue 3; each module has its own design docstring): ``gc`` (allocation, the
GOGC pacer, stop-the-world, mark workers and assists; gctrace via ``observe.gctrace``),
``netpoll`` (connections with open arrivals, NetRead, netpoll at steps K/R, sysmon, STW),
``quota`` (cgroup CFS bandwidth), ``numa`` (nodes, distance-scaled migration penalty).

Not modelled: LockOSThread, system goroutines other than GC mark workers (goids of user Gs
start at 2), sweeping/scavenging, runtime.GC().
"""

from goschedlab.runtime.costs import Costs, load_costs
from goschedlab.runtime.errors import GoFatal, Throw
from goschedlab.runtime.histogram import timeHistogram
from goschedlab.runtime.runtime import Config, Result, Runtime, RuntimeStats

__all__ = [
    "Config",
    "Costs",
    "GoFatal",
    "Result",
    "Runtime",
    "RuntimeStats",
    "Throw",
    "load_costs",
    "timeHistogram",
]
