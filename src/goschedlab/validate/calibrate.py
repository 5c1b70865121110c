"""``goschedlab calibrate``: measure runtime primitives with real Go and fit the cost model.

Runs our ``calibrate`` Go program (``goschedlab/gosrc/calibrate``) at GOMAXPROCS 1 and 2 (or
reads such runs from a results tree), reduces each measured quantity to one number (median over
repetitions of the run's scalar, or of its p50 for distributions), and sets the parameters of
:class:`goschedlab.runtime.costs.Costs` from them.  Each parameter's rule says which measurement
sets it; parameters the program cannot separate keep their defaults and are marked "assumed".

The rules model what one measurement costs in the simulator's terms:

* unbuffered round trip (one P) = 2 x (2 chanop + ready + gopark + schedule)
* go -> first run, creator blocking at once = newproc + chanop + gopark + schedule
* Gosched with two goroutines = gosched + schedule
* idle-P wake-up = mwake + steal_probe + schedule
* GC (allocation, first touch, mark, sweep, stop-the-world): see :func:`_fit_gc`
* syscall hand-off (sysmon retakes a sleeping syscall's P, handoffp wakes an M) = the
  model's own run of that trial + handoff_wake_ns: see :func:`_fit_handoff`
* ``go f(); time.Sleep(200us)`` -> f's first run (one P) = the model's own run of that trial
  + timesleep_ns, timesleep_unsampled_ns: see :func:`_fit_timesleep`
* one cache line passed between two spinning goroutines on two Ps (fastest batch of 1000
  one-way hops) = cacheline_transfer_ns: see :func:`_fit_cacheline`

so parameters are solved in dependency order (assumed ones first).  Then
:func:`refine_with_simulator` checks the rules against the model itself: for each
:data:`SIM_TARGETS` entry it simulates a workload that *is* the micro-benchmark (pingpong with
one pair and no spin = the batched channel round trip) and scales the parameters involved until
the simulation reproduces the measurement.  Costs are global: one fit per machine and Go
release, never per workload.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from goschedlab.errors import UserInputError
from goschedlab.runtime.costs import Costs
from goschedlab.validate.sources import read_run, write_text_atomic

Runs = Mapping[int, Sequence[Mapping[str, Any]]]  # GOMAXPROCS -> calibrate runs


def load_calibration_dir(root: Path) -> dict[int, list[dict[str, Any]]]:
    """Calibrate runs of a results tree: ``root/calibrate/<setting>-gmp<N>-rep<K>.json``."""
    d = Path(root) / "calibrate"
    files = sorted(d.glob("*-gmp*-rep*.json")) if d.is_dir() else []
    if not files:
        raise UserInputError(f"{d}: no calibrate runs (expected <setting>-gmp<N>-rep<K>.json)")
    out: dict[int, list[dict[str, Any]]] = {}
    for f in files:
        run = read_run(f)
        if not isinstance(run.get("calib"), Mapping):
            raise UserInputError(f"{f}: expected a calibrate run with a 'calib' object")
        out.setdefault(int(run.get("gomaxprocs", 0)), []).append(run)
    return out


def run_calibration(tc: Any, gomaxprocs: Sequence[int] = (1, 2), reps: int = 1,
                    scale: float = 1.0, attempts: int = 1) -> dict[int, list[dict[str, Any]]]:
    """Run our calibrate program ``reps`` times at each GOMAXPROCS with toolchain ``tc``.

    ``attempts`` > 1: a run during which other processes used the CPU
    (:func:`goschedlab.validate.sources.host_verdict` says ``noisy``) is repeated, up to that
    many runs, and the least disturbed one is kept; :func:`noisy_runs` counts what remains.
    """
    from goschedlab.realgo.programs import Program
    from goschedlab.validate.sources import host_verdict

    prog = Program("calibrate")
    out: dict[int, list[dict[str, Any]]] = {}
    for _ in range(reps):
        for g in gomaxprocs:
            tried = []
            for _attempt in range(max(1, attempts)):
                tried.append(prog.run(tc, {"scale": scale}, gomaxprocs=g))
                if host_verdict(tried[-1]) != "noisy":
                    break
            out.setdefault(g, []).append(min(tried, key=_disturbance))
    return out


def _disturbance(run: Mapping[str, Any]) -> float:
    from goschedlab.validate.sources import host_verdict

    if host_verdict(run) != "noisy":
        return -1.0
    h = run.get("host_cpu_phase") or {}
    return float(h.get("other_cpu_ns", float("inf")))


def noisy_runs(runs: Mapping[int, Sequence[Mapping[str, Any]]]) -> int:
    """How many calibrate runs were disturbed by other processes (host gate)."""
    from goschedlab.validate.sources import host_verdict

    return sum(1 for rs in runs.values() for r in rs if host_verdict(r) == "noisy")


def _calib_entries(runs: Runs, gmp: int, name: str) -> list[Any]:
    """``calib.<name>`` (dotted for nested) of each repetition at ``gmp``; None where absent."""
    out: list[Any] = []
    for run in runs.get(gmp, ()):
        v: Any = run["calib"]
        for part in name.split("."):
            v = v.get(part) if isinstance(v, Mapping) else None
        out.append(v)
    return out


def quantity(runs: Runs, gmp: int, name: str, field: str = "p50_ns") -> float:
    """Median over the repetitions at ``gmp`` of ``calib.<name>`` (dotted for nested; for a
    distribution, its ``field``)."""
    vals: list[float] = []
    for v in _calib_entries(runs, gmp, name):
        if isinstance(v, Mapping):
            v = v.get(field)
        if isinstance(v, int | float):
            vals.append(float(v))
    if not vals:
        raise UserInputError(f"calibrate runs at GOMAXPROCS={gmp} lack calib.{name}")
    return float(statistics.median(vals))


def hist_quantile(series: Mapping[str, Any], q: float) -> float | None:
    """The ``q`` quantile of a calibrate ``lab.Summary`` series from its histogram
    (``hist_lo_ns`` / ``hist_hi_ns`` / ``hist_count``, quarter-octave bins), linear within the
    bin it falls in; None when the series has no histogram."""
    lo, hi, cnt = (series.get(k) for k in ("hist_lo_ns", "hist_hi_ns", "hist_count"))
    if not (isinstance(lo, list) and isinstance(hi, list) and isinstance(cnt, list)) or not cnt:
        return None
    rank = q * sum(cnt)
    seen = 0.0
    for a, b, n in zip(lo, hi, cnt, strict=True):
        if n and seen + n >= rank:
            return float(max(a, 0) + (b - max(a, 0)) * (rank - seen) / n)
        seen += n
    return float(hi[-1])


def quantity_q(runs: Runs, gmp: int, name: str, q: float) -> float | None:
    """Median over the repetitions at ``gmp`` of the ``q`` quantile of ``calib.<name>``'s
    histogram (:func:`hist_quantile`); None when any repetition lacks the histogram (runs of
    older programs)."""
    vals = [hist_quantile(v, q) if isinstance(v, Mapping) else None
            for v in _calib_entries(runs, gmp, name)]
    if not vals or any(x is None for x in vals):
        return None
    return float(statistics.median(x for x in vals if x is not None))


@dataclass(frozen=True, slots=True)
class Fitted:
    """One parameter: its value (ns) and the rule/measurements that gave it."""

    name: str
    value: int
    source: str


SLEEPS_1MS_ROUNDED = ("1µs", "10µs", "50µs", "100µs", "200µs", "500µs", "1ms")


def fit_costs(runs: Runs, base: Costs | None = None) -> list[Fitted]:
    """Fit :class:`Costs` from calibrate runs at GOMAXPROCS 1 and 2 (see the module rules)."""
    base = base or Costs()
    q: Callable[..., float] = lambda g, n, f="p50_ns": quantity(runs, g, n, f)  # noqa: E731
    out: dict[str, Fitted] = {}

    def put(name: str, value: float, source: str) -> int:
        v = max(0, int(round(value)))
        if value < 0:  # the other terms of the rule already exceed the measurement (noise?)
            source += f" = {value:.0f}, clamped to 0"
        out[name] = Fitted(name, v, source)
        return v

    def keep(name: str, why: str) -> int:
        v = int(getattr(base, name))
        out[name] = Fitted(name, v, f"assumed ({why})")
        return v

    c1, c2 = q(1, "clock_read_ns"), q(2, "clock_read_ns") if 2 in runs else q(1, "clock_read_ns")
    put("clock_read_ns", (c1 + c2) / 2, f"clock_read_ns: mean of GMP=1 {c1:.1f} and GMP=2 {c2:.1f}")

    gosched = keep("gosched_ns", "Gosched's own entry cost is not separable from schedule")
    two = q(1, "gosched_two_goroutines_ns_per_call")
    sched = put("schedule_ns", two - gosched,
                f"gosched_two_goroutines_ns_per_call GMP=1 {two:.0f} - gosched_ns {gosched}")
    ready = keep("ready_ns", "not separable from the channel round trip")
    rt = q(1, "chan_unbuffered_roundtrip_ns_per_batch_of_1000")
    per_side = rt / 2 - ready - sched
    # split 2 x chanop + gopark equally over the three operations
    chanop = put("chanop_ns", per_side / 3,
                 f"(chan round trip batch p50 GMP=1 {rt:.0f} / 2 - ready {ready} - schedule "
                 f"{sched}) = 2 chanop + gopark, split in thirds")
    gopark = put("gopark_ns", per_side / 3, "see chanop_ns")
    first = q(1, "goroutine_create_to_first_run_ns")
    newproc = put("newproc_ns", first - chanop - gopark - sched,
                  f"goroutine_create_to_first_run p50 GMP=1 {first:.0f} - chanop - gopark - "
                  "schedule")
    gostmt = q(1, "go_statement_ns")
    put("malg_ns", gostmt - newproc, f"go_statement_ns GMP=1 {gostmt:.0f} - newproc_ns {newproc}")
    getpid, raw = q(1, "syscall_getpid_ns"), q(1, "rawsyscall_getpid_ns")
    pair = getpid - raw
    enter = put("entersyscall_ns", pair * 40 / 85,
                f"syscall_getpid {getpid:.0f} - rawsyscall_getpid {raw:.0f} = {pair:.0f}, "
                "split 40:45 between entry and exit")
    put("exitsyscall_ns", pair - enter, "see entersyscall_ns")
    slack = q(1, "syscall_nanosleep_1ns_actual_ns")
    put("usleep_slack_ns", slack, f"syscall_nanosleep_1ns_actual p50 GMP=1 {slack:.0f}")
    over = statistics.median(q(1, f"sleep_actual_ns.{d}") - 1_000_000 for d in SLEEPS_1MS_ROUNDED)
    put("netpoll_overshoot_ns", over,
        "median over time.Sleep(1us..1ms) at GMP=1 of (actual p50 - 1 ms netpoll timeout)")
    probe = keep("steal_probe_ns", "not measured")
    if 2 in runs:
        wake = q(2, "idle_p_wakeup_ns")
        mwake = put("mwake_ns", wake - probe - sched,
                    f"idle_p_wakeup p50 GMP=2 {wake:.0f} - steal_probe_ns - schedule_ns")
        put("netpoll_break_ns", mwake, "as mwake_ns (waking an M blocked in epoll)")
        put("newm_ns", mwake + (base.newm_ns - base.mwake_ns),
            "mwake_ns + the default's thread-creation margin (clone is not measured)")
    else:
        for name in ("mwake_ns", "netpoll_break_ns", "newm_ns"):
            keep(name, "needs a GOMAXPROCS=2 run")
    _fit_cacheline(runs, put, keep)
    put("handoff_wake_ns", out["mwake_ns"].value,
        "as mwake_ns (rule value; refine_with_simulator fits it from syscall_handoff_ns)")
    _fit_gc(runs, put, keep)
    for f in fields(Costs):
        if f.name not in out:
            keep(f.name, "not measured by calibrate")
    return [out[f.name] for f in fields(Costs)]


#: Calibrate-program keys the GC rules need (all at GOMAXPROCS=1); runs without them (older
#: programs, the reference corpus's calibrate) keep the GC parameters' defaults.
GC_KEYS = ("gc_alloc_list_ns_per_kib", "first_touch_ns_per_kib", "gc_live_list_kib",
           "gc_forced_live_wall_ns", "gc_forced_live_mark_cpu_ns", "gc_forced_empty_wall_ns",
           "gc_forced_empty_mark_cpu_ns", "gc_sweep_spans", "gc_forced_spans_wall_ns",
           "gc_forced_spans_mark_cpu_ns", "gc_pause_live_long_ns", "gc_pause_live_short_ns")
#: Every key the GC part of the program adds to ``calib`` (GC_KEYS and informational ones).
#: The forced cycles after a 100 ms spin (mechanism 80); older programs lack them.
GC_COLD_KEYS = ("gc_pause_cold_long_ns", "gc_pause_cold_long_p75_ns",
                "gc_pause_cold_interval_ns")
#: The mark CPU slope over three live-heap sizes, sizes interleaved, in a fresh process
#: (mechanism 240); older programs lack them and fall back to live minus empty.
GC_SLOPE_KEYS = ("gc_mark_slope_ns_per_kib", "gc_mark_intercept_ns", "gc_mark_slope_rounds",
                 "gc_mark_empty_cpu_ns", "gc_mark_half_cpu_ns", "gc_mark_full_cpu_ns")
#: The sweep's slope over 0 / 4096 / 8192 live one-block spans in the same fresh process
#: (wall less mark and scavenger CPU); older programs lack them and fall back to spans - empty.
GC_SWEEP_SLOPE_KEYS = ("gc_sweep_slope_ns_per_span", "gc_sweep_intercept_ns",
                       "gc_sweep_slope_rounds", "gc_sweep_empty_ns", "gc_sweep_half_ns",
                       "gc_sweep_full_ns")
GC_ALL_KEYS = (*GC_KEYS, *GC_COLD_KEYS, *GC_SLOPE_KEYS, *GC_SWEEP_SLOPE_KEYS,
               "gc_alloc_fresh_list_ns_per_kib",
               "gc_pause_long_ns", "gc_pause_short_ns", "gc_pause_count")
#: Where the slope's child process failed, the program says why under this key instead.
GC_SLOPE_ERROR_KEY = "gc_mark_slope_error"
#: How a fitted source that fell back to an older, noisier rule begins (the CLI warns on it).
FALLBACK = "FALLBACK"


def slope_errors(runs: Runs) -> list[str]:
    """The distinct reasons the GOMAXPROCS=1 runs give for a failed fresh-process slope."""
    errs = (run["calib"].get(GC_SLOPE_ERROR_KEY) for run in runs.get(1, ()))
    return sorted({e for e in errs if isinstance(e, str) and e})


def fallback_prefix(runs: Runs) -> str:
    """How a GC fit's source begins when it falls back because the fresh-process slope failed
    (empty for older programs, which never ran it)."""
    failed = slope_errors(runs)
    return f"{FALLBACK} (the fresh-process slope failed: {failed[0]}): " if failed else ""


def fallback_warnings(fit: Sequence[Fitted]) -> list[str]:
    """One line per parameter whose rule fell back (see :data:`FALLBACK`)."""
    return [f"warning: {f.name} = {f.value}: {f.source}" for f in fit
            if f.source.startswith(FALLBACK)]


#: Keys the cache-line ping-pong adds to ``calib`` (GOMAXPROCS >= 2; the note elsewhere).
CACHELINE_KEYS = ("cacheline_pingpong_ns", "cacheline_pingpong_note")
#: Above this a hop is no cache-line transfer (cross-socket lines take ~100-300 ns).
CACHELINE_CREDIBLE_NS = 1_000


def _fit_cacheline(runs: Runs, put: Callable[[str, float, str], int],
                   keep: Callable[[str, str], int]) -> None:
    """cacheline_transfer_ns <- calib.cacheline_pingpong_ns at GOMAXPROCS=2: ns per one-way hop
    of one cache line between two goroutines spinning on the two Ps, the fastest batch of 1000
    hops (batches in which the two threads shared a vCPU take time slices, not transfers).
    Runs without it (the reference corpus's calibrate) keep the default."""
    try:
        hop = quantity(runs, 2, "cacheline_pingpong_ns", "min_ns")
    except UserInputError:
        keep("cacheline_transfer_ns", "not measured by calibrate")
        return
    if hop > CACHELINE_CREDIBLE_NS:  # every batch shared a vCPU: time slices, not transfers
        keep("cacheline_transfer_ns", f"cacheline_pingpong_ns GMP=2 fastest batch {hop:.0f} ns is "
             f"over {CACHELINE_CREDIBLE_NS} ns: the two threads never ran at the same time")
        return
    put("cacheline_transfer_ns", hop,
        f"cacheline_pingpong_ns GMP=2 fastest batch {hop:.0f} ns per one-way hop")


#: Keys the syscall hand-off measurement adds to ``calib`` (the note only where it is null).
HANDOFF_KEYS = ("syscall_handoff_ns", "syscall_handoff_note")


def _fit_gc(runs: Runs, put: Callable[[str, float, str], int],
            keep: Callable[[str, str], int]) -> None:
    """The GC rules, each "measurement -> parameter" charged as runtime/gc.py charges it.

    * mallocgc (gc.py: mallocgc, ``nbytes * mallocgc_ns_per_kib / 1024`` per Alloc) <- time
      per KiB to build a linked list of 64-byte pointer nodes with GC off
      (``gc_alloc_list_ns_per_kib``), into pages already touched.
    * first touch (gc.py: _heapAlloc, ``fresh_memory_ns_per_kib`` per KiB of heap growth
      above the high-water mark, on top of mallocgc) <- writing one byte per 4 KiB page of a
      new anonymous mapping (``first_touch_ns_per_kib``).
    * mark (gc.py: reachable bytes x ``gc_scan_ns_per_kib`` of mark CPU) <- the slope of
      runtime.GC() mark CPU (/cpu/classes/gc/mark/*) against the live list's KiB, measured
      in a fresh process after the measured phase (gosrc/calibrate/gc.go: markSlope): rounds
      of forced cycles with lists of 0, 8 and 16 MiB, the sizes interleaved in each round, a
      least-squares line per round, median over rounds (``gc_mark_slope_ns_per_kib``).  The
      intercept (``gc_mark_intercept_ns``: the process's fixed root marking, ~0.03 ms there)
      has no counterpart in the model (no per-cycle root work) and is reported, not fitted.
      In the calibrate process itself the dead goroutines its measurements leave in allgs
      add 2-8 ms to every cycle.  Programs without the slope keys: live-list cycles minus
      empty-heap cycles measured apart, divided by L (docs/validation.md mechanism 240).
    * sweep (gc.py: one ``gc_sweep_span_ns`` per fully-live 8 KiB span) <- the slope of
      runtime.GC() wall time (which sweeps every span before returning) less its mark CPU and
      less the scavenger's CPU (/cpu/classes/scavenge/total: freed spans' pages go back to
      the OS in ~1 ms bursts inside some cycles) against S live 8 KiB noscan blocks (one per
      span, next to nothing to mark), S = 0 / 4096 / 8192 interleaved, in the same fresh
      process as the mark slope (gc.go: sweepSlope; ``gc_sweep_slope_ns_per_span``, 79-83 ns
      in three runs on the development VM where the older rule gave 0-77).  Programs without
      the slope keys: spans minus empty-heap cycles measured apart in the calibrate process,
      less the mark CPU difference, divided by S.
    * STW work (gc.py: gcStart / gcMarkTermination pauses = stopping + work; at GOMAXPROCS=1
      stopping is ~0) <- /sched/pauses/total/gc:seconds over the forced cycles with the
      live list (two pauses each): median of the longer half -> ``gc_sweepterm_ns``, of the
      shorter half -> ``gc_markterm_ns``.  (The program also reports the pauses of forced
      cycles on an empty heap, ``gc_pause_{long,short}_ns``: shorter, and farther from what
      gc-churn's allocation-triggered cycles show.)
    * STW work vs time since the last cycle (gc.py: sweeptermWork, ``gc_stw_cold_ns_per_efold``
      per e-fold above 10 ms) <- forced cycles each after a 100 ms spin: (their longer-half
      median - the back-to-back one) / ln(their interval / ``gc_forced_live_wall_ns``).  Its
      spread (``gc_sweepterm_spread_pct``, the exponential tail's mean in % of
      ``gc_sweepterm_ns``) is kept at its default: the same cycles' (p75 - p50) / ln 2 is
      reported (``gc_pause_cold_long_p75_ns``), not fitted - it is far wider than the spread of
      allocation-triggered cycles.  Runs without these keys keep the defaults.
    """
    names = ("mallocgc_ns_per_kib", "fresh_memory_ns_per_kib", "gc_scan_ns_per_kib",
             "gc_sweep_span_ns", "gc_sweepterm_ns", "gc_markterm_ns",
             "gc_stw_cold_ns_per_efold", "gc_sweepterm_spread_pct")
    try:
        v = {k: quantity(runs, 1, k) for k in GC_KEYS}
    except UserInputError:
        for name in names:
            keep(name, "calibrate runs without GC measurements")
        return
    put("mallocgc_ns_per_kib", v["gc_alloc_list_ns_per_kib"],
        f"gc_alloc_list_ns_per_kib GMP=1 {v['gc_alloc_list_ns_per_kib']:.0f} (64-byte pointer "
        "nodes, GC off)")
    put("fresh_memory_ns_per_kib", v["first_touch_ns_per_kib"],
        f"first_touch_ns_per_kib GMP=1 {v['first_touch_ns_per_kib']:.0f} (page faults of a "
        "new mapping)")
    try:
        sl = {k: quantity(runs, 1, k) for k in GC_SLOPE_KEYS}
    except UserInputError:
        kib = v["gc_live_list_kib"]
        mark = v["gc_forced_live_mark_cpu_ns"] - v["gc_forced_empty_mark_cpu_ns"]
        put("gc_scan_ns_per_kib", mark / kib,
            fallback_prefix(runs) + f"runtime.GC() mark CPU GMP=1 live "
            f"{v['gc_forced_live_mark_cpu_ns']:.0f} - empty "
            f"{v['gc_forced_empty_mark_cpu_ns']:.0f} ns over {kib:.0f} KiB of list")
    else:
        put("gc_scan_ns_per_kib", sl["gc_mark_slope_ns_per_kib"],
            f"runtime.GC() mark CPU GMP=1, fresh process: slope over 0 / 8 / 16 MiB lists "
            f"({sl['gc_mark_slope_rounds']:.0f} rounds; medians "
            f"{sl['gc_mark_empty_cpu_ns'] / 1e6:.2f} / {sl['gc_mark_half_cpu_ns'] / 1e6:.2f} / "
            f"{sl['gc_mark_full_cpu_ns'] / 1e6:.2f} ms; intercept "
            f"{sl['gc_mark_intercept_ns'] / 1e6:.2f} ms not fitted)")
    try:
        sw = {k: quantity(runs, 1, k) for k in GC_SWEEP_SLOPE_KEYS}
    except UserInputError:
        spans = v["gc_sweep_spans"]
        wall = v["gc_forced_spans_wall_ns"] - v["gc_forced_empty_wall_ns"]
        smark = v["gc_forced_spans_mark_cpu_ns"] - v["gc_forced_empty_mark_cpu_ns"]
        put("gc_sweep_span_ns", (wall - smark) / spans,
            fallback_prefix(runs) + f"runtime.GC() wall GMP=1 {spans:.0f} live noscan spans - "
            f"empty {wall:.0f} - mark CPU difference {smark:.0f} ns, per span")
    else:
        put("gc_sweep_span_ns", sw["gc_sweep_slope_ns_per_span"],
            f"runtime.GC() wall - mark CPU - scavenger CPU GMP=1, fresh process: slope over 0 / "
            f"4096 / 8192 live noscan spans ({sw['gc_sweep_slope_rounds']:.0f} rounds; medians "
            f"{sw['gc_sweep_empty_ns'] / 1e3:.0f} / {sw['gc_sweep_half_ns'] / 1e3:.0f} / "
            f"{sw['gc_sweep_full_ns'] / 1e3:.0f} us; intercept "
            f"{sw['gc_sweep_intercept_ns'] / 1e3:.0f} us not fitted)")
    put("gc_sweepterm_ns", v["gc_pause_live_long_ns"],
        f"/sched/pauses/total/gc forced cycles with the live list GMP=1: longer half median "
        f"{v['gc_pause_live_long_ns']:.0f}")
    put("gc_markterm_ns", v["gc_pause_live_short_ns"],
        f"/sched/pauses/total/gc forced cycles with the live list GMP=1: shorter half median "
        f"{v['gc_pause_live_short_ns']:.0f}")
    try:
        c = {k: quantity(runs, 1, k) for k in GC_COLD_KEYS}
    except UserInputError:
        keep("gc_stw_cold_ns_per_efold", "calibrate runs without the cold forced cycles")
        keep("gc_sweepterm_spread_pct", "calibrate runs without the cold forced cycles")
        return
    warm, gap = v["gc_pause_live_long_ns"], v["gc_forced_live_wall_ns"]
    efolds = math.log(c["gc_pause_cold_interval_ns"] / gap) if gap > 0 else 0.0
    if efolds > 0.5:
        put("gc_stw_cold_ns_per_efold", (c["gc_pause_cold_long_ns"] - warm) / efolds,
            f"/sched/pauses/total/gc GMP=1 longer half: forced cycles "
            f"{c['gc_pause_cold_interval_ns'] / 1e6:.0f} ms apart {c['gc_pause_cold_long_ns']:.0f} "
            f"- back-to-back ({gap / 1e6:.1f} ms) {warm:.0f} ns, over {efolds:.2f} e-folds")
    else:
        keep("gc_stw_cold_ns_per_efold", "cold forced cycles not farther apart than back-to-back")
    # The spread of these cycles ((p75 - p50) / ln 2: 5-10 us on the development VM, 90-220 %
    # of the back-to-back figure) is far wider than that of allocation-triggered cycles (real
    # gc-churn runs: ~2.4 us, ~25 %), so it is reported, not fitted (mechanism 80).
    keep("gc_sweepterm_spread_pct", "the forced cycles spread wider than allocation-triggered "
         "ones; the reference machine's gc-churn figure")


@dataclass(frozen=True, slots=True)
class SimTarget:
    """A measured quantity matched by simulating a workload and scaling some parameters.

    The simulated quantity is affine in the cost parameters, so two simulations give the
    scale factor for ``params`` that makes the simulation reproduce the measurement.
    """

    params: tuple[str, ...]
    workload: str
    overrides: Mapping[str, Any]
    gomaxprocs: int
    per: float  # simulated quantity = makespan_ns / per
    quantity: str  # calib.<quantity> p50 at GOMAXPROCS 1 is the target
    label: str


#: Unbuffered hand-off: pingpong (one pair, no spin, one P) is the calibrate program's batched
#: channel round trip, so chanop/gopark are scaled until its ns per round trip matches.
SIM_TARGETS: tuple[SimTarget, ...] = (
    SimTarget(("chanop_ns", "gopark_ns"), "pingpong", {"r": 5000, "pairs": 1, "w": 0}, 1, 5000,
              "chan_unbuffered_roundtrip_ns_per_batch_of_1000", "simulated pingpong ns/round trip"),
)


def refine_with_simulator(fit: Sequence[Fitted], runs: Runs,
                          simulate: Callable[..., Any] | None = None,
                          targets: Sequence[SimTarget] = SIM_TARGETS) -> list[Fitted]:
    """Adjust rule-fitted parameters so that the simulator itself reproduces a measurement.

    The rules in this module assume how the model charges an operation; the model may charge
    differently.  For each target, the simulation is run with the fitted costs and with the
    target's parameters doubled (+1 ns), and the parameters are scaled by the factor that makes
    the (affine) simulated quantity equal the measured one.  ``simulate(workload, overrides=,
    gomaxprocs=, ncpu=, seed=, costs=)`` returns an object with ``.result`` (the driver's API).
    """
    if simulate is None:
        from goschedlab.workloads import simulate as simulate_fn

        simulate = simulate_fn
    out = {f.name: f for f in fit}

    def costs_of(vals: Mapping[str, int]) -> Costs:
        return replace(Costs(), **vals)

    def sim(t: SimTarget, vals: Mapping[str, int]) -> float:
        res = simulate(t.workload, overrides=dict(t.overrides), gomaxprocs=t.gomaxprocs,
                       ncpu=2, seed=1, costs=costs_of(vals))
        run = getattr(res, "result", res)
        return float(run["makespan_ns"]) / t.per

    for t in targets:
        vals = {f.name: f.value for f in out.values()}
        want = quantity(runs, 1, t.quantity)
        y0 = sim(t, vals)
        bumped = dict(vals, **{p: 2 * vals[p] + 1 for p in t.params})
        y1 = sim(t, bumped)
        if y1 == y0:
            continue
        k = (want - y0) / (y1 - y0)  # 0 keeps the rule's values, 1 takes the bumped ones
        for p in t.params:
            v = max(0, round(vals[p] + k * (bumped[p] - vals[p])))
            vals[p] = v
            out[p] = Fitted(p, v, f"{t.label} {y0:.0f} -> measured {t.quantity} p50 GMP=1 "
                                  f"{want:.0f}: rule value {out[p].value} scaled (rule: "
                                  f"{out[p].source})")
        got = sim(t, vals)
        for p in t.params:
            out[p] = replace(out[p], source=out[p].source + f"; simulated now {got:.0f}")
    _fit_handoff(out, runs)
    _fit_timesleep(out, runs)
    _fit_recent_wake(out, runs)
    _fit_cold_reuse(out, runs)
    return [out[f.name] for f in fit]


#: Keys the cold-reuse trial adds to ``calib`` (at GOMAXPROCS=1; the note where it is null).
#: Older programs and the reference corpus's calibrate lack them.
COLD_REUSE_KEYS = ("go_reuse_ns", "go_reuse_note")


def _fit_cold_reuse(out: dict[str, Fitted], runs: Runs) -> None:
    """cold_g_reuse_ns <- calib.go_reuse_ns (GMP=1) p50 at distance 20 000 minus at 64: what a
    go statement reusing a G that many go statements and exits old costs beyond a warm reuse
    (mechanism 430); cold_g_knee <- the distance d0 for which ln(2000 / d0) / ln(20 000 / d0)
    is the measured share at 2000, (r(2000) - r(64)) / (r(20 000) - r(64)), within [64,
    20 000].  Runs without the trial (older programs, the reference corpus) keep the defaults
    (off)."""
    try:
        r64, r2k, r20k = (quantity(runs, 1, f"go_reuse_ns.{d}") for d in (64, 2000, 20000))
    except UserInputError:
        return
    cold = max(0, round(r20k - r64))
    if cold == 0:
        knee = 20_000
    else:
        q = min(max((r2k - r64) / cold, 0.0), 0.999)
        knee = round(math.exp((math.log(2000) - q * math.log(20_000)) / (1 - q)))
        knee = min(max(knee, 64), 20_000)
    out["cold_g_reuse_ns"] = Fitted(
        "cold_g_reuse_ns", cold,
        f"go_reuse_ns p50 GMP=1 at distance 20000 {r20k:.0f} - at 64 {r64:.0f}")
    out["cold_g_knee"] = Fitted(
        "cold_g_knee", knee,
        f"go_reuse_ns p50 GMP=1 at 2000 {r2k:.0f}: share {(r2k - r64) / cold if cold else 0:.2f} "
        "of the far extra, as ln(2000 / knee) / ln(20000 / knee)")


def handoff_sim_ns(costs: Costs, trials: int = 200) -> float:
    """The calibrate program's ``syscall_handoff_ns`` trial run in the model (GOMAXPROCS=1,
    seed 1): a goroutine's 3 ms blocking syscall, another goroutine queued behind it, sysmon
    retakes the P and handoffp starts an M for it.  Returns the median latency (ns) from the
    syscall's start to the queued goroutine's first run."""
    from goschedlab.runtime import Config, Runtime
    from goschedlab.workloads.ops import (
        Go,
        Gosched,
        Now,
        Sleep,
        Syscall,
        WaitGroup,
        WgAdd,
        WgDone,
        WgWait,
    )

    lat: list[int] = []

    def queued(start: list[int], wg: WaitGroup) -> Any:
        t = yield Now()
        lat.append(t - start[0])
        yield WgDone(wg)

    def sleeper(start: list[int], wg: WaitGroup) -> Any:
        start[0] = yield Now()
        yield Syscall(3_000_000)
        yield WgDone(wg)

    def main() -> Any:
        for _ in range(trials):
            wg = WaitGroup()
            yield WgAdd(wg, 2)
            start = [0]
            yield Go(queued, start, wg)
            yield Go(sleeper, start, wg)
            yield Gosched()
            yield WgWait(wg)
            yield Sleep(2_000_000)

    Runtime(Config(gomaxprocs=1, ncpu=2, costs=costs, seed=1)).run(main)
    return float(statistics.median(lat))


def _fit_handoff(out: dict[str, Fitted], runs: Runs) -> None:
    """handoff_wake_ns <- calib.syscall_handoff_ns p50 at GOMAXPROCS=1: the model runs the same
    trial with handoff_wake_ns = 0 (sysmon's detection of the syscall, the hand-off and the
    schedule as the model does them) and the parameter takes the rest, at least
    mwake_local_ns (no wake-up is cheaper than one onto the caller's own vCPU).  Runs without the
    measurement keep the rule value (mwake_ns)."""
    try:
        want = quantity(runs, 1, "syscall_handoff_ns")
    except UserInputError:
        return
    vals = {f.name: f.value for f in out.values()}
    base = handoff_sim_ns(replace(Costs(), **dict(vals, handoff_wake_ns=0)))
    floor = vals["mwake_local_ns"]
    v = max(floor, round(want - base))
    note = f", clamped to mwake_local_ns {floor}" if want - base < floor else ""
    out["handoff_wake_ns"] = Fitted(
        "handoff_wake_ns", v,
        f"syscall_handoff_ns p50 GMP=1 {want:.0f} - the model's same trial with a 0-ns hand-off "
        f"wake-up {base:.0f}{note}",
    )


#: Keys the time.Sleep spawn measurement adds to ``calib`` (the note only where they are null).
SLEEP_SPAWN_KEYS = ("sleep_spawn_ns", "sleep_spawn_park_ns", "sleep_spawn_note")


def sleep_spawn_sim_ns(costs: Costs, trials: int = 200, park: bool = False) -> float:
    """The calibrate program's ``sleep_spawn_ns`` trial run in the model (GOMAXPROCS=1, seed 1):
    ``go f(); time.Sleep(200us)``, f records its start.  Returns the median latency (ns) from
    just before the go statement to f's first run; it includes the creator's Sleep path
    (interp.run_g's Sleep op: timesleep_ns, then gopark with resetForSleep) and schedule.
    ``park``: the plain-park reference ``sleep_spawn_park_ns`` instead (the creator blocks on
    a channel receive that f's send ends, then sleeps 200 us before the next trial)."""
    from goschedlab.runtime import Config, Runtime
    from goschedlab.workloads.ops import Chan, Go, Now, Recv, Send, Sleep

    lat: list[int] = []
    got = Chan(1)

    def f(start: int) -> Any:
        t = yield Now()
        if park:
            yield Send(got, t)
        else:
            lat.append(t - start)

    def main() -> Any:
        for _ in range(trials):
            a = yield Now()
            yield Go(f, a)
            if park:
                t, _ok = yield Recv(got)
                lat.append(t - a)
            yield Sleep(200_000)

    Runtime(Config(gomaxprocs=1, ncpu=2, costs=costs, seed=1)).run(main)
    return float(statistics.median(lat))


def _fit_timesleep(out: dict[str, Fitted], runs: Runs) -> None:
    """timesleep_ns <- calib.sleep_spawn_ns p50 at GOMAXPROCS=1: the model runs the same trial
    with timesleep_ns = 0 (newproc, gopark, schedule as the model charges them) and the
    parameter takes the rest, never below 0.  With the plain-park reference
    (sleep_spawn_park_ns), timesleep_unsampled_ns <- that real trial minus the model's same
    trial, within [0, timesleep_ns] (mechanism 290).  Runs without the measurement (the
    reference corpus's calibrate) keep the defaults."""
    try:
        want = quantity(runs, 1, "sleep_spawn_ns")
    except UserInputError:
        return
    try:
        ref = quantity(runs, 1, "sleep_spawn_park_ns")
        park = f"; plain-park reference sleep_spawn_park_ns {ref:.0f}"
    except UserInputError:
        park = ""
    vals = {f.name: f.value for f in out.values()}
    base = sleep_spawn_sim_ns(replace(Costs(), **dict(vals, timesleep_ns=0)))
    note = ", clamped to 0" if want < base else ""
    ts = max(0, round(want - base))
    out["timesleep_ns"] = Fitted(
        "timesleep_ns", ts,
        f"sleep_spawn_ns p50 GMP=1 {want:.0f} - the model's same trial with a 0-ns "
        f"time.Sleep path {base:.0f}{note}{park}",
    )
    if park:
        out["timesleep_unsampled_ns"] = fit_timesleep_unsampled(
            replace(Costs(), **dict(vals, timesleep_ns=ts)), ref)


def fit_timesleep_unsampled(costs: Costs, park_ns: float) -> Fitted:
    """timesleep_unsampled_ns <- the real plain-park trial's p50 ``park_ns`` minus the model's
    same trial with ``costs`` (their timesleep_ns already fitted), within [0, timesleep_ns]:
    what the real trial takes beyond the model's (the cold start after the 200 us sleep) lies
    outside the new G's sampled window (mechanism 290)."""
    park_m = sleep_spawn_sim_ns(costs, park=True)
    return Fitted(
        "timesleep_unsampled_ns", min(costs.timesleep_ns, max(0, round(park_ns - park_m))),
        f"sleep_spawn_park_ns p50 GMP=1 {park_ns:.0f} - the model's same trial {park_m:.0f}, "
        f"within [0, timesleep_ns]",
    )


#: Keys the recently-parked wake-up trials add to ``calib`` (at GOMAXPROCS >= 2; the note where
#: they are null).  Older programs and the reference corpus's calibrate lack them.
RECENT_WAKE_KEYS = ("spin_hop_ns", "recent_wake_steal_ns", "recent_wake_note")


def spin_hop_sim_ns(costs: Costs, hops: int = 2000, q: float = 0.5) -> float:
    """The calibrate program's ``spin_hop_ns`` trial run in the model (GOMAXPROCS=2, 2 CPUs,
    seed 1): two goroutines pass a token over an unbuffered channel and spin 20 us after each
    receive.  Returns the median latency (ns) from just before a send to the receiver's
    return from its receive (each send's wakep wakes the other P's M, parked since the
    previous hop: proc.wakeCosts' recently-parked branch); ``q``: that quantile instead."""
    from goschedlab.runtime import Config, Runtime
    from goschedlab.workloads.ops import Chan, Go, Now, Recv, Send, Spin

    lat: list[int] = []
    c = Chan(0)
    done = Chan(0)

    def echo() -> Any:
        for _ in range(hops // 2):
            t, _ok = yield Recv(c)
            lat.append((yield Now()) - t)
            yield Spin(20_000)
            yield Send(c, (yield Now()))
        yield Send(done, 0)

    def main() -> Any:
        yield Go(echo)
        for _ in range(hops // 2):
            yield Send(c, (yield Now()))
            t, _ok = yield Recv(c)
            lat.append((yield Now()) - t)
            yield Spin(20_000)
        yield Recv(done)

    Runtime(Config(gomaxprocs=2, ncpu=2, costs=costs, seed=1)).run(main)
    return float(np.quantile(lat, q))


def recent_steal_sim_ns(costs: Costs, trials: int = 1000, q: float = 0.5) -> float:
    """The calibrate program's ``recent_wake_steal_ns`` trial run in the model (GOMAXPROCS=2,
    2 CPUs, seed 1): a spinning goroutine starts f1 then f2 (f1 ends in the run queue, f2 in
    runnext) and spins 50 us; the other P's M, parked a moment before, is woken by the first
    go statement's wakep and steals f1.  Returns the median latency (ns) from just before the
    go statement to f1's first run; ``q``: that quantile instead."""
    from goschedlab.runtime import Config, Runtime
    from goschedlab.workloads.ops import Go, Now, Spin, WaitGroup, WgAdd, WgDone, WgWait

    lat: list[int] = []

    def f1(a: int, wg: WaitGroup) -> Any:
        lat.append((yield Now()) - a)
        yield WgDone(wg)

    def f2(wg: WaitGroup) -> Any:
        yield WgDone(wg)

    def main() -> Any:
        yield Spin(100_000)
        for _ in range(trials):
            wg = WaitGroup()
            yield WgAdd(wg, 2)
            a = yield Now()
            yield Go(f1, a, wg)
            yield Go(f2, wg)
            yield Spin(50_000)
            yield WgWait(wg)
            yield Spin(50_000)

    Runtime(Config(gomaxprocs=2, ncpu=2, costs=costs, seed=1)).run(main)
    return float(np.quantile(lat, q))


def solve_cost(sim: Callable[[int], float], want: float) -> tuple[int, float]:
    """The cost value v >= 0 for which ``sim(v)`` (a model trial that is mostly that cost)
    comes closest to ``want``: from v = want, steps v += want - sim(v) (at most 8, until
    within 16 ns).  Returns v and the model's trial at v.  The trials are affine only near
    the measured value: far below it the woken M takes runqgrab's usleep or is still
    spinning at the next hop (the median drops to a plain hand-off), far above it the woken
    M overlaps the next trial - hence local steps, not a subtraction at 0."""
    v = max(0, round(want))
    best: tuple[float, int, float] | None = None
    for _ in range(8):
        y = sim(v)
        if best is None or abs(y - want) < best[0]:
            best = (abs(y - want), v, y)
        if abs(y - want) < 16:
            break
        v = max(0, round(v + want - y))
    assert best is not None
    return best[1], best[2]


def _fit_recent_wake(out: dict[str, Fitted], runs: Runs) -> None:
    """mwake_polling_ns <- calib.recent_wake_steal_ns at GOMAXPROCS=2: the value for which the
    model's same trial gives the measured figure (the go statement, the thief's steal and
    schedule as the model charges them); then futexwakeup_polling_ns <- calib.spin_hop_ns at
    GOMAXPROCS=2 the same way, with that mwake_polling_ns (mechanism 340).  First
    mwake_polling_jitter_ns, the wakee's own spread in Runtime.os_delay's law, which both
    trials then use.  Runs without the trials (older programs, the reference corpus) keep the
    defaults.

    The figure is each trial's p75, read off the runs' histograms (mechanism 400): both trials
    have a second, faster mode whose share moves from run to run - a thief still in
    runqgrab's usleep when the next trial starts steals early, and a pingpong hop whose
    partner's M has not parked yet wakes nobody - so on a machine where that share nears one
    half (the session-11 Intel VM: spin_hop_ns p50 10.2 us in one run, 1.6 us in the next; p75
    11.0 and 11.1) the p50 jumps between the modes, while the p75 lies in the slow mode, the
    wake-up of a parked M that both trials are there to time.  The tail is then (p90 - p75) /
    (ln 5 - ln 2), the exponential law's p90 less its p75.  Runs without histograms fit the
    p50s, the tail as (p90 - p50) / (ln 10 - ln 2)."""
    try:
        steal = quantity(runs, 2, "recent_wake_steal_ns")
        hop = quantity(runs, 2, "spin_hop_ns")
    except UserInputError:
        return
    vals = {f.name: f.value for f in out.values()}
    s75, s90, h75 = (quantity_q(runs, 2, k, q) for k, q in (
        ("recent_wake_steal_ns", 0.75), ("recent_wake_steal_ns", 0.9), ("spin_hop_ns", 0.75)))
    if s75 is not None and s90 is not None and h75 is not None:
        q, steal, hop, label = 0.75, s75, h75, "p75"
        tail = max(1, round((s90 - s75) / math.log(2.5)))
        why = (f"recent_wake_steal_ns GMP=2 (p90 {s90:.0f} - p75 {s75:.0f}) / (ln 5 - ln 2), "
               "from the runs' histograms: the exponential tail of Runtime.os_delay's law")
    else:
        p90 = quantity(runs, 2, "recent_wake_steal_ns", "p90_ns")
        q, label = 0.5, "p50"
        tail = max(1, round((p90 - steal) / math.log(5)))
        why = (f"recent_wake_steal_ns GMP=2 (p90 {p90:.0f} - p50 {steal:.0f}) / (ln 10 - ln 2): "
               "the exponential tail of Runtime.os_delay's law")
    out["mwake_polling_jitter_ns"] = Fitted("mwake_polling_jitter_ns", tail, why)
    vals["mwake_polling_jitter_ns"] = tail

    mw = _solve_field(out, vals, "mwake_polling_ns", partial(recent_steal_sim_ns, q=q), steal,
                      f"recent_wake_steal_ns {label} GMP=2 {steal:.0f}", "")
    _solve_field(out, vals, "futexwakeup_polling_ns", partial(spin_hop_sim_ns, q=q), hop,
                 f"spin_hop_ns {label} GMP=2 {hop:.0f}", f", with mwake_polling_ns {mw}")


def _solve_field(out: dict[str, Fitted], vals: dict[str, Any], name: str,
                 trial: Callable[[Costs], float], want: float, measured: str, extra: str) -> int:
    """Fit ``name`` as the value for which the model's ``trial`` (with the other fields in
    ``vals``) gives the measured ``want``; record it in ``out`` and ``vals``."""
    v, got = solve_cost(lambda x: trial(replace(Costs(), **dict(vals, **{name: x}))), want)
    out[name] = Fitted(
        name, v,
        f"{measured}: the value for which the model's same trial gives it{extra} "
        f"(simulated {got:.0f})",
    )
    vals[name] = v
    return v


def costs_toml(fit: Sequence[Fitted], header: Sequence[str] = ()) -> str:
    """The fit as a TOML file that ``load_costs`` / ``simulate --costs FILE`` read."""
    lines = [f"# {h}" for h in header]
    lines.append("[costs]")
    for f in fit:
        lines.append(f"{f.name} = {f.value}  # {f.source}")
    return "\n".join(lines) + "\n"


def write_costs(path: Path, fit: Sequence[Fitted], header: Sequence[str] = ()) -> None:
    """Write :func:`costs_toml` to a temp file beside ``path`` and rename it into place."""
    write_text_atomic(Path(path), costs_toml(fit, header))
