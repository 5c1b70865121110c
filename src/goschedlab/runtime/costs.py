"""Modelled costs (ns) of runtime operations, and their TOML override.

Defaults come from the calibration table of the reference corpus ("Calibration, go1.23.1",
refcorpus README; medians on the reference 2-vCPU VM).  Each field says which figure it is
derived from; "assumed" marks figures the corpus does not measure.  Costs are global
parameters of the machine+runtime, never per workload.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Final

from goschedlab.errors import UserInputError

LN2: Final = 0.6931471805599453


def osJitter(rng: random.Random, tail: int) -> int:
    """A kernel/VM timing deviation of median 0: ``Exp(mean=tail) - tail*ln2`` (ns), the law
    of :meth:`Runtime.os_delay` (an exponential upper tail whose median is the calibrated
    figure).  ``tail`` must be > 0."""
    return int(rng.expovariate(1.0 / tail)) - int(tail * LN2)


@dataclass(frozen=True, slots=True)
class Costs:
    """Nanosecond costs charged by the model.  Override with :func:`load_costs`."""

    clock_read_ns: int = 37
    """Now() / nanotime: clock_read_ns p50 36.5 (GMP=1) / 36.9 (GMP=2)."""
    newproc_ns: int = 300
    """Creator's cost of a ``go`` statement reusing a dead G: between
    goroutine_create_to_first_run 0.22-0.34 us and go_statement 611 ns (fresh g)."""
    malg_ns: int = 300
    """Extra cost when no dead G can be reused (new g + 2 KiB stack): go_statement_ns 611 at
    GMP=1 minus newproc_ns."""
    schedule_ns: int = 120
    """schedule()+execute() context switch: gosched_two_goroutines_ns_per_call 128, minus
    the Gosched call itself (gosched_ns)."""
    gosched_ns: int = 8
    """Gosched entry (goschedImpl, global-queue lock): gosched_alone_ns 123 - schedule_ns."""
    chanop_ns: int = 40
    """One channel operation (lock, copy, queue): an unbuffered round trip (485 ns GMP=2,
    573 ns GMP=1) = 4 chanop + 2 gopark + 2 ready + 2 schedule = 580; split assumed."""
    gopark_ns: int = 60
    """gopark + park_m: see chanop_ns."""
    timesleep_ns: int = 800
    """What time.Sleep costs beyond a plain gopark (timeSleep's nanotime and timer setup,
    resetForSleep -> modify/maybeAdd under the timer locks, wakeNetPoller, the timer check
    of the next findRunnable).  Measured on the development VM at GMP=1 (docs/validation.md
    mechanism 9): ``t=Now(); go f(); time.Sleep(200us)`` -> f's first instruction p50
    500-690 ns vs 160-190 ns when the creator blocks on a channel instead; x 1.8-2.1 (the
    reference machine's goroutine_create_to_first_run 341 ns vs 160-190 ns here) -> 0.75-0.9
    us on the reference machine.  ``goschedlab calibrate`` fits it from sleep_spawn_ns (that
    trial, GMP=1) minus the model's own run of it with timesleep_ns = 0 (mechanism 18); the
    reference corpus does not measure it, so the default stays there."""
    timesleep_unsampled_ns: int = 0
    """The part of timesleep_ns that lies outside the sampled /sched/latencies window of the G
    the sleeper's P runs next (mechanism 290): the model charges it after that G's execute
    clock read instead of before the creator's gopark.  Measured on this VM (GOMAXPROCS=1,
    ``go f(); time.Sleep(200us)`` with the runtime/metrics histogram read around 4000 trials):
    f's window p50 192-256 ns while the whole trial takes 390-711 ns; the plain-park trial's
    window stays at 64-192 ns whether cold (total 281-961 ns) or warm (151-210 ns), so what a
    cold trial adds lies outside the window.  ``goschedlab calibrate`` fits it as the real
    plain-park trial (sleep_spawn_park_ns) minus the model's, at most timesleep_ns; the
    reference corpus does not measure it, so the default is 0 there."""
    ready_ns: int = 30
    """goready/ready (runqput into runnext): assumed, part of the round trip above."""
    steal_probe_ns: int = 40
    """Looking at one victim P in stealWork (runqgrab loads/CAS): assumed."""
    findrunnable_idle_ns: int = 3_000
    """Time a spinning M spends from its last failed steal pass until it drops its P (steps
    M-Q of findRunnable): assumed, set so that a 1 us sleep at GOMAXPROCS=2 ends ~7.7 us later
    (sleep_actual_ns.1us GMP=2 p50 7.65 us) as the spinning M catches the timer."""
    mwake_ns: int = 50_000
    """notewakeup(&m.park) until the woken M runs: idle_p_wakeup_ns p50 112 us (GMP=2) minus
    the usleep(3) the thief takes before stealing a running P's runnext (3 us +
    usleep_slack_ns) and ~1 us of steal/switch; on this VM the idle vCPU is halted."""
    newm_ns: int = 60_000
    """newm (clone) until the new M runs: assumed (not measured by the corpus): a thread
    creation plus a halted-vCPU wakeup, a little above mwake_ns."""
    netpoll_break_ns: int = 50_000
    """netpollBreak (eventfd write) until the M blocked in epoll runs: as mwake_ns."""
    handoff_wake_ns: int = 50_000
    """handoffp -> startm until the woken M runs (proc.wakeCosts' halted-vCPU latency for
    these wake-ups).  The thread that calls handoffp blocks right after (sysmon's usleep
    after retake, an M entering its syscall), so Linux may run the wakee on that vCPU
    instead of a halted one.  Fitted by ``goschedlab calibrate`` from syscall_handoff_ns
    (a nanosleep's P retaken by sysmon -> the queued goroutine runs); the reference corpus
    does not measure it: assumed as mwake_ns there (syscall-block at GMP=1 matches it; a
    polling wake-up there made 6 of its cases miss).  docs/validation.md mechanism 12."""
    wake_jitter_ns: int = 15_000
    """Spread of thread wake-ups (mwake_ns, newm_ns, netpoll_break_ns; Runtime.os_delay):
    mean of the exponential tail.  idle_p_wakeup_buffered_ns p50 109 / p99 177 us: the
    p99 - p50 gap of 68 us = tail * (ln 100 - ln 2)."""
    timer_slack_ns: int = 50_000
    """The thread's timer slack (/proc/self/timerslack_ns, the kernel default; reference
    machine timerslack_ns: 50000): a timed sleep's hrtimer may expire anywhere in
    [t, t + slack] (syscall.hrtimerSleep).  nanosleep(1ns) p50 57.8 us = slack + wake-up."""
    usleep_jitter_ns: int = 6_700
    """Spread of the timer slack of usleep/nanosleep (usleep_slack_ns): nanosleep(1ns)
    p50 57.8 / p99 83.9 us (GMP=1) -> tail (83.9 - 57.8) / 3.91."""
    netpoll_jitter_ns: int = 13_300
    """Spread of the epoll_pwait timeout overshoot (netpoll_overshoot_ns):
    sleep_actual_ns.1ms p50 1087 / p99 1139 us -> tail 52 / 3.91."""
    haltpoll_ns: int = 200_000
    """How long an idle vCPU polls before it halts: Linux cpuidle-haltpoll's
    guest_halt_poll_ns default (200 us).  Waking a thread parked less than this ago is
    cheap (futexwakeup_polling_ns, mwake_polling_ns): proc.wakeCosts."""
    futexwakeup_polling_ns: int = 3_500
    """The waker's cost of waking a thread parked less than haltpoll_ns ago on another vCPU
    (on the reference machine that vCPU still polls: no IPI, a futex syscall and the woken
    thread's start competing briefly): pingpong spin GMP=2 /sched/latencies p50 4.1 us per
    hop, each hop waking the other P's M that parked < 40 us earlier.  ``goschedlab
    calibrate`` fits it on the machine at hand from spin_hop_ns (the same hop timed in the
    calibrate program): the value for which the model's same trial gives its p75 (mechanisms
    340, 400: the trial's p50 may fall in its fast mode, hops that wake nobody); the
    reference corpus's calibrate lacks that trial, so the default stays there."""
    sched_base_slice_ns: int = 700_000
    """Linux's sysctl_sched_base_slice before scaling (kernel/sched/fair.c, EEVDF; 0.70 ms
    since 6.12, 0.75 ms in 6.6-6.11): a thread keeps its vCPU this long against other
    runnable threads; scaled by 1 + ilog2(min(ncpu, 8)) - 1.4 ms on 2 vCPUs, the
    ``se.slice`` that /proc/self/sched shows on the 6.18 development VM.
    Used only with Config.os_placement (machine.py time slices)."""
    sched_tick_ns: int = 4_000_000
    """The scheduler tick, 1/HZ (CONFIG_HZ=250 on the 6.18 guest kernel): a busy vCPU's tick
    kicks the nohz idle balance of an idle one (machine.py, Config.os_placement)."""
    sched_migration_cost_ns: int = 500_000
    """sysctl_sched_migration_cost (0.5 ms): a task that ran less than this ago is cache-hot
    and not pulled by load balancing (fair.c: task_hot; machine.py, Config.os_placement)."""
    mwake_polling_ns: int = 5_000
    """Wake-up latency of a thread parked less than haltpoll_ns ago on another vCPU: assumed on
    the reference machine (a context switch on a vCPU that is running its idle loop; no host
    involvement).  ``goschedlab calibrate`` fits it on the machine at hand from
    recent_wake_steal_ns (a spinning goroutine's go statement wakes the other P's M parked a
    moment before, which steals the new G): the value for which the model's same trial gives
    its p75 (mechanisms 340, 400); the reference corpus's calibrate lacks that trial."""
    mwake_polling_jitter_ns: int = 0
    """The wakee's own spread (Runtime.os_delay tail) in proc.wakeCosts' recently-parked
    branch; 0: wake_polling_jitter_ns (the reference machine, whose one figure covers both
    draws).  ``goschedlab calibrate`` fits it from recent_wake_steal_ns as (p90 - p75) /
    (ln 5 - ln 2), the exponential law's p90 less its p75 (mechanisms 340, 400; without the
    runs' histograms (p90 - p50) / (ln 10 - ln 2)): this VM's idle vCPUs halt at
    once and the woken thread's start spreads p50 18-21 / p90 24 us while its waker's futex
    call spreads < 1 us (spin_hop_ns p50 5.4-7.4 / p90 8.0-8.1 us)."""
    futexwakeup_local_ns: int = 3_500
    """The waker's cost when the kernel runs the wakee on the waker's own vCPU (machine.py,
    Config.os_placement: the wakee preempts its waker at the futex return, runs at once, or
    waits behind it; mechanisms 43, 130, 200): no IPI.  Default as the reference machine's
    polling wake (mechanism 340 split the two); this VM's tracefs (pingpong spin GMP=2, the
    1 320 same-vCPU wakes of one run): FUTEX_WAKE p50 2 us at 1 us resolution.  Not fitted."""
    mwake_local_ns: int = 5_000
    """Wake-up latency of a wakee the kernel runs on its waker's vCPU (see
    futexwakeup_local_ns; the floor of a wakee waiting behind its waker, of the hand-off
    wake-up fit): default as the reference machine's polling wake (mechanism 340 split the
    two); this VM's tracefs: the wakee runs p50 3 us after its waker's futex entry.  Not
    fitted."""
    wake_polling_jitter_ns: int = 1_000
    """Spread (Runtime.os_delay tail) of a wake-up on a polling vCPU, drawn twice in
    proc.wakeCosts: once for the waker's futex call (futexwakeup_polling_ns; the wakee, queued
    at its end, moves with it: mechanism 27) and once for the wakee's start after it
    (mechanism 13: without it a woken thief probes a ping-ponging P at a fixed phase of the
    hand-off cycle).  pingpong spin GMP=2, where every sampled hop is such a futex call, has
    /sched/latencies p50 4.1 / p99 8.2 us -> (8.2 - 4.1) / 3.91."""
    futexwakeup_ns: int = 9_000
    """The WAKER's cost of waking a parked thread (notewakeup -> futexwakeup, netpollBreak's
    eventfd write, newm's clone): a syscall plus the reschedule IPI to a halted vCPU, which
    traps to the hypervisor.  open-loop-server light GMP=2: main's timer wake-up (goready ->
    wakep -> startm -> futexwakeup, then schedule) is the typical /sched/latencies sample,
    p50 bucket (8.2, 10.2] us; pingpong spin 48.7 us/round trip at GMP=2 vs 42.0 at GMP=1,
    with ~0.7 modelled wake-ups per round trip -> ~9.6 us each.  go_statement_ns 2737
    (GMP=2) vs 611 (GMP=1) is the same cost amortised over the ``go`` statements."""
    netpoll_overshoot_ns: int = 87_000
    """Extra time after an epoll_pwait timeout before the M runs: sleep_actual_ns.1ms GMP=1
    p50 1087 us (and 1.09 ms for any 1 us..1 ms sleep) minus the 1 ms timeout."""
    usleep_slack_ns: int = 57_800
    """Extra time of usleep(d) (nanosleep timer slack + wakeup): syscall_nanosleep_1ns
    actual p50 57.8 us.  Applies to sysmon's sleeps and runqgrab's usleep(3)."""
    usleep_busy_wake_ns: int = 13_000
    """runqgrab's usleep(3) when another thread of the process holds the thief's vCPU
    (proc.runqgrabUsleep): from the timer's hard expiry (3 us + timer_slack_ns after the
    call) to the thief back from nanosleep, on a vCPU that never went idle (timer interrupt,
    wake-up, preemption of the holder).  Measured on the 6.18 VM (tracefs, blocking-logger
    light-c0 GMP=2, docs/validation.md mechanism 160): 685 such nanosleeps, entry to return
    p10/p50/p90 68/69/74 us with tracing on (53 + 16); the untraced runs' stolen handlers
    start 65-78 us after their go statement (this VM and the reference corpus alike), ~6 us
    of which come before the thief's nanosleep: 13 us.  Not fitted per machine (the
    calibration has no sleep on a busy vCPU)."""
    entersyscall_ns: int = 40
    """entersyscall: (syscall_getpid 335 - rawsyscall_getpid 249) ns split into entry 40 ..."""
    exitsyscall_ns: int = 45
    """... and exit 45 (fast path)."""
    preempt_signal_ns: int = 5_000
    """preemptM (tgkill SIGURG) until the target G is off the CPU: assumed."""
    goexit_ns: int = 100
    """goexit0/gdestroy/gfput: goroutine_burst_create_run_exit 256 ns (GMP=2) - newproc_ns
    ... rounded; assumed."""
    sema_ns: int = 40
    """semacquire/semrelease fast path (WaitGroup, Mutex): assumed."""
    locked_instr_ns: int = 20
    """One uncontended locked read-modify-write (LOCK XCHG / LOCK CMPXCHG) on a line already
    in this core's cache: assumed (~20 ns on current x86; used by scheduler policies)."""
    cacheline_transfer_ns: int = 60
    """Moving one cache line from another core of the same NUMA node: assumed (~60 ns) for the
    reference machine, whose calibrate runs predate the measurement; ``goschedlab calibrate``
    fits it from cacheline_pingpong_ns (GOMAXPROCS=2: the fastest batch of one-way hops of an
    atomic counter between two spinning goroutines; 36-40 ns on the development VM)."""
    numa_remote_ns: int = 120
    """Extra for a cache line or memory access served by the other NUMA node: assumed
    (~120 ns on two-socket x86)."""
    mallocgc_ns_per_kib: int = 1000
    """Allocation CPU per KiB (mallocgc of small pointerful objects incl. zeroing and span
    refill): gc-churn iteration p50 18.0 us = 8 KiB of 64-byte nodes + 10 us spin -> ~1 ns/B."""
    mallocgc_mark_pct: int = 60
    """Extra allocation CPU while the GC marks, in % of ``mallocgc_ns_per_kib``: mallocgc
    allocates black (gcmarknewobject) and each pointer store of a new node runs the write
    barrier (wbBuf flush), neither of which happens outside the mark (gc.py: mallocgc;
    docs/validation.md mechanisms 120 and 170).  Measured with benchmarks/probes/gc_mark_alloc.go
    (64 KiB of 64-byte pointer nodes, GOMAXPROCS=1, iterations tagged by runtime.gcphase):
    development VM +152 ns/KiB over its 269 ns/KiB = 57 %; the reference machine's gc-churn
    default GMP=1 histogram, +606 ns/KiB over its 1000 ns/KiB = 61 %.  The same ratio on both
    machines (the extra work is memory traffic like mallocgc's own), so it is global and
    not fitted per machine."""
    mallocgc_contention_pct: int = 24
    """Extra allocation CPU outside the mark while another P is allocating too, in % of
    ``mallocgc_ns_per_kib``: the two vCPUs share caches and memory bandwidth, and mallocgc's
    zeroing and span refills are memory-bound (gc.py: mallocgc; docs/validation.md
    mechanism 300).  Measured with benchmarks/probes/gc_alloc_contention.go (gc-churn's 64 KiB
    iteration, 16 MiB live list, GOGC=100, iterations outside the mark, development VM, three
    runs each): p50 17.8-18.1 us with the other P idle, 22.1-23.0 us (+24 %) with it
    allocating the same way (22.0-23.9 with it reading a 64 MiB array); inside the mark no
    change (28.3-29.3 us).  The reference machine's gc-churn heavy iteration p50, 59.9 us at
    GOMAXPROCS=1 and 74.2 us at 2, gives the same ratio (+24 %), so it is global and not
    fitted per machine."""
    mallocgc_busy_pct: int = 14
    """Extra allocation CPU outside the mark while another P runs a goroutine that is not
    allocating, in % of ``mallocgc_ns_per_kib`` (the same probe with the other P in a
    register-only loop: p50 20.1-21.0 us against 17.8-18.1 idle, +14 %; docs/validation.md
    mechanism 300).  Global, as ``mallocgc_contention_pct``."""
    gc_scan_ns_per_kib: int = 842
    """Mark (scan) CPU per KiB of reachable heap (the model scans the 16 MiB list, not the
    allocate-black objects): the reference machine's gc-churn default GMP=1 runs,
    ``/cpu/classes/gc/mark/{assist,dedicated}`` per cycle, reps 1-5 8.1 / 13.8 / 14.2 / 13.4 /
    14.3 ms, median 13.8 ms / 16384 KiB = 842 ns/KiB (docs/validation.md mechanism 120; was
    600, taken over the 23 MiB marked heap of the gctrace; re-read 2026-11-27: 8.06 / 13.84 /
    14.21 / 13.45 / 14.25 ms).  ``goschedlab calibrate`` fits it per machine as the slope of
    runtime.GC() mark CPU over 0 / 8 / 16 MiB live lists, interleaved, in a fresh process; its
    intercept (~0.03 ms: a process's fixed root marking) has no place in the model.  The
    development VM: 242-255 ns/KiB per run, against gc-churn heavy GMP=1 cycles marking
    4.07-4.17 ms = 249-255 ns/KiB the same hour, i.e. the fit measures what this default was
    taken from (docs/validation.md mechanism 240)."""
    gc_sweepterm_ns: int = 18_000
    """Work done with the world stopped at sweep termination (finishsweep_m, clearpools,
    startCycle, root preparation): gc-churn GMP=1 /gc/pauses:seconds, where stopping takes
    < 1 us, has a mode at the 16.4-24.6 us buckets (one per cycle)."""
    gc_markterm_ns: int = 4_000
    """Work done with the world stopped at mark termination: the other GMP=1 mode, 3.6-6 us."""
    gc_stw_cold_ns_per_efold: int = 3_000
    """Extra sweep-termination work per e-fold of the time since the previous cycle's sweep
    termination beyond 10 ms (gc.sweeptermWork; the structures it touches go cold between
    cycles, docs/validation.md mechanism 80).  Reference machine: its gc-churn GMP=1 runs,
    light (cycles ~240 ms apart) minus default (~62 ms) long-pause medians of the same
    repetition, +3.0/+4.1/+4.1/+6.2/+12.3 us, median 4.1 us over ln(240/62) = 1.35 e-folds.
    ``goschedlab calibrate`` measures it (forced cycles 100 ms apart vs back-to-back)."""
    gc_sweepterm_spread_pct: int = 28
    """Cycle-to-cycle spread of the sweep-termination work, in % of ``gc_sweepterm_ns``: the
    mean of the exponential upper tail (Runtime.os_delay's law, median unchanged) drawn per
    cycle from the "gcstw" stream.  Reference machine: gc-churn default/heavy GMP=1 runs,
    longer half of each run's pauses, (p90 - p50) / ln 5, median over the 10 runs 5.1 us =
    28 % of 18 us (this VM's runs: 1.7-2.5 us, 21-26 % of its 9.2-11.3 us).  Not fitted by
    ``goschedlab calibrate``: its forced cycles spread far wider (90-220 %)."""
    netread_ns: int = 500
    """A non-blocking read(2) on a socket plus the pollDesc checks of NetRead: assumed."""
    stopnote_wake_ns: int = 20_000
    """The last P to stop wakes the stopping thread sleeping in notetsleep(&sched.stopnote):
    gc-churn default GMP=2 /sched/pauses/stopping/gc:seconds spans 16-98 us (median bucket
    ~25 us) = SIGURG + reaching gcstopm (costs.preempt_signal_ns) + this futex wake-up."""
    gcstopm_path_ns: int = 9_000
    """From the SIGURG's delivery to a preempted goroutine's M until that M wakes the thread
    waiting for it (stopTheWorldWithSema's sched.stopnote, forEachP's sched.safePointNote):
    the signal handler and its sigreturn, asyncPreempt, gopreempt_m, schedule and gcstopm (or
    runSafePointFn) up to the futex wake-up.  Measured on the development VM with perf
    (signal:signal_deliver of the target to sched:sched_waking of the initiator, go1.23.1
    gc-churn default / heavy and fanout-cpu tiny at GOMAXPROCS=2, medians 8-9 / 11 / 10 us;
    docs/validation.md mechanism 210).  The delivery itself is ``preempt_signal_ns`` and the
    initiator's wake-up ``stopnote_wake_ns``.  Not fitted per machine (assumed global)."""
    gc_sweep_span_ns: int = 200
    """Sweeping one 8 KiB span that is still fully live (mspan.sweep finds no free slot; O(1),
    docs/validation.md mechanism 120): ``goschedlab calibrate`` measures 79-83 ns on the
    development VM (slope of runtime.GC() wall less mark and scavenger CPU over 0 / 4096 /
    8192 live spans in a fresh process, docs/validation.md mechanism 245; the older
    difference rule gave 0-77).  The reference machine predates that measurement, so its value
    is the VM's scaled by that machine's slower memory (mallocgc 1000 vs 267-288 ns/KiB, mark
    842 vs 242-256 ns/KiB: x3.4-3.6): 200 from the older rule's 39-72 ns; the slope's 79-83
    would give 270-300, not taken: at 280 the corpus's gc-churn default GOMAXPROCS=2 request
    p99 falls out (seeds 1-3: 226 / 126 / 408 us against 454 / 385 / 326 at 200, real 364),
    one case lost for none gained (mechanism 245).  The earlier 4300 ns had been inferred
    from the 370-624 us iterations, which are assist bursts (mechanism 23)."""
    fresh_memory_ns_per_kib: int = 450
    """First touch of memory the process never used (page faults of new heap / stack pages):
    fanout-cpu tiny GMP=1 rusage stime 48.6 ms for ~100 MB of new g structs + 2 KiB stacks
    (~41k fresh goroutines); also goroutine_burst_create_run_exit_ns 1757 (GMP=1, all fresh)
    vs 256 (GMP=2, reused) ns."""
    cold_g_reuse_ns: int = 0
    """Extra cost of a go statement that reuses a dead G last touched (created or exited)
    20 000 or more go statements and exits ago: its g's and its stack's lines have left the
    cache (proc.newproc1, mechanism 430).  Between cold_g_knee and 20 000 it grows with the
    log of that distance.  ``goschedlab calibrate`` fits it from go_reuse_ns (GMP=1) at 20 000
    minus at 64: 87 and 103 ns in two fits on the session-11 Intel VM.  0 (off) where not
    measured: the reference corpus's calibrate lacks the trial."""
    cold_g_knee: int = 20_000
    """The reuse distance (go statements and exits since the G was last touched) below which
    reusing it costs nothing extra; fitted with cold_g_reuse_ns from go_reuse_ns at 2000."""


def load_costs(path: str | Path, base: Costs | None = None) -> Costs:
    """Read a TOML file of cost overrides (``name = ns`` at top level or under ``[costs]``).

    Unknown keys and non-integer values raise :class:`UserInputError` with one line naming
    the file and the key.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text())
    except OSError as e:
        raise UserInputError(f"{p}: cannot read costs file ({e.strerror})") from None
    except tomllib.TOMLDecodeError as e:
        raise UserInputError(f"{p}: not valid TOML ({e})") from None
    if "costs" in data and isinstance(data["costs"], dict) and len(data) == 1:
        data = data["costs"]
    known = {f.name for f in fields(Costs)}
    out: dict[str, int] = {}
    for key, val in data.items():
        if key not in known:
            raise UserInputError(
                f"{p}: unknown cost key {key!r} (expected one of: {', '.join(sorted(known))})"
            )
        if isinstance(val, bool) or not isinstance(val, int) or val < 0:
            raise UserInputError(f"{p}: key {key!r} must be a non-negative integer of ns")
        out[key] = val
    return replace(base or Costs(), **out)
