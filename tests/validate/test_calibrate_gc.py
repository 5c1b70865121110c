"""GC cost calibration: the fit rules of validate/calibrate.py (_fit_gc) on synthetic
measurements made from known parameters, the machine-fit cache key, and (slow) the real
calibrate program's new keys."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

import goschedlab.realgo as realgo
import goschedlab.realgo.programs as programs
import goschedlab.validate.calibrate as cal
from goschedlab.runtime.costs import Costs, load_costs
from goschedlab.validate.api import machine_costs

# Parameters the synthetic measurements are made from (none equal to a default).
TRUE = {"mallocgc_ns_per_kib": 341, "fresh_memory_ns_per_kib": 187, "gc_scan_ns_per_kib": 353,
        "gc_sweep_span_ns": 211, "gc_sweepterm_ns": 9216, "gc_markterm_ns": 2816}
KIB = 16384.0


def sched_calib() -> dict[str, Any]:
    """The scheduler keys fit_costs needs (values plausible, not asserted here)."""
    d = {"p50_ns": 0}
    return {
        "clock_read_ns": 20.0, "gosched_two_goroutines_ns_per_call": 150.0,
        "chan_unbuffered_roundtrip_ns_per_batch_of_1000": dict(d, p50_ns=600),
        "goroutine_create_to_first_run_ns": dict(d, p50_ns=400), "go_statement_ns": 500.0,
        "syscall_getpid_ns": 300.0, "rawsyscall_getpid_ns": 200.0,
        "syscall_nanosleep_1ns_actual_ns": dict(d, p50_ns=55000),
        "sleep_actual_ns": {k: dict(d, p50_ns=1_050_000) for k in cal.SLEEPS_1MS_ROUNDED},
    }


def gc_calib(p: dict[str, int], empty_mark: float = 10.5e6, empty_wall: float = 11.6e6
             ) -> dict[str, Any]:
    """What the calibrate program would measure if Go charged exactly as runtime/gc.py."""
    mark = p["gc_scan_ns_per_kib"] * KIB
    spans = 8192
    sweep = p["gc_sweep_span_ns"] * spans
    return {
        "gc_alloc_list_ns_per_kib": float(p["mallocgc_ns_per_kib"]),
        "first_touch_ns_per_kib": float(p["fresh_memory_ns_per_kib"]),
        "gc_live_list_kib": KIB,
        "gc_forced_empty_mark_cpu_ns": empty_mark,
        "gc_forced_live_mark_cpu_ns": empty_mark + mark,
        "gc_forced_empty_wall_ns": empty_wall,
        "gc_forced_live_wall_ns": empty_wall + mark + 2048 * 4300,  # not used by the rules
        "gc_sweep_spans": spans,
        "gc_forced_spans_mark_cpu_ns": empty_mark + 50_000,
        "gc_forced_spans_wall_ns": empty_wall + 50_000 + sweep,
        "gc_pause_live_long_ns": float(p["gc_sweepterm_ns"]),
        "gc_pause_live_short_ns": float(p["gc_markterm_ns"]),
        "gc_pause_long_ns": 5000.0,  # empty-heap pauses: reported, not fitted
        "gc_pause_short_ns": 1000.0,
    }


def runs_of(calib: dict[str, Any], reps: int = 1) -> dict[int, list[dict[str, Any]]]:
    return {1: [{"gomaxprocs": 1, "calib": calib} for _ in range(reps)]}


def test_gc_rules_invert_the_model_charges() -> None:
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))}
    for name, want in TRUE.items():
        assert fit[name].value == want, (name, fit[name])
        assert "assumed" not in fit[name].source
    assert "gc_alloc_list_ns_per_kib GMP=1 341" in fit["mallocgc_ns_per_kib"].source
    assert "8192 live noscan spans" in fit["gc_sweep_span_ns"].source
    assert "longer half" in fit["gc_sweepterm_ns"].source


def test_gc_rules_use_the_median_over_reps() -> None:
    lo, mid, hi = (gc_calib(dict(TRUE, mallocgc_ns_per_kib=v)) for v in (300, 350, 900))
    runs = {1: [{"calib": sched_calib() | c} for c in (hi, lo, mid)]}
    fit = {f.name: f.value for f in cal.fit_costs(runs)}
    assert fit["mallocgc_ns_per_kib"] == 350


def test_gc_rules_independent_of_empty_heap_baseline() -> None:
    a = {f.name: f.value for f in cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))}
    b = {f.name: f.value for f in cal.fit_costs(
        runs_of(sched_calib() | gc_calib(TRUE, empty_mark=1e5, empty_wall=3e5)))}
    assert {k: a[k] for k in TRUE} == {k: b[k] for k in TRUE} == TRUE


def test_gc_scan_fit_takes_the_fresh_process_slope_when_measured() -> None:
    """Mechanism 240: with the slope keys the scan rule is their slope (the intercept is
    reported, not fitted); without them, live minus empty over the list."""
    c = gc_calib(TRUE) | {"gc_mark_slope_ns_per_kib": 251.4, "gc_mark_intercept_ns": 31_000.0,
                          "gc_mark_slope_rounds": 10, "gc_mark_empty_cpu_ns": 28_000.0,
                          "gc_mark_half_cpu_ns": 2.09e6, "gc_mark_full_cpu_ns": 4.14e6}
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | c))}
    assert fit["gc_scan_ns_per_kib"].value == 251
    assert "fresh process: slope" in fit["gc_scan_ns_per_kib"].source
    assert "intercept 0.03 ms not fitted" in fit["gc_scan_ns_per_kib"].source
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))}
    assert fit["gc_scan_ns_per_kib"].value == TRUE["gc_scan_ns_per_kib"]
    assert "live" in fit["gc_scan_ns_per_kib"].source


def test_gc_sweep_negative_is_clamped_and_said() -> None:
    c = gc_calib(TRUE)
    c["gc_forced_spans_wall_ns"] = c["gc_forced_empty_wall_ns"]  # sweep hidden by noise
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | c))}
    assert fit["gc_sweep_span_ns"].value == 0
    assert "clamped to 0" in fit["gc_sweep_span_ns"].source


def test_runs_without_gc_keys_keep_defaults() -> None:
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib()))}
    base = Costs()
    for name in TRUE:
        assert fit[name].value == getattr(base, name)
        assert fit[name].source.startswith("assumed (calibrate runs without GC")


def test_gc_fit_round_trips_through_toml(tmp_path: Path) -> None:
    fit = cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))
    cal.write_costs(tmp_path / "c.toml", fit)
    costs = load_costs(tmp_path / "c.toml")
    assert {k: getattr(costs, k) for k in TRUE} == TRUE
    assert [f.name for f in fit] == [f.name for f in fields(Costs)]


class _Tc:
    version = "9.99"


def test_machine_costs_cache_key_includes_program_hash(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    h = {"v": "aaaa"}

    def fake_run(tc: Any, gmps: Any, reps: int = 1,
                 attempts: int = 1) -> dict[int, list[dict[str, Any]]]:
        calls.append(reps)
        runs = runs_of(sched_calib() | gc_calib(TRUE))
        for r in runs[1]:  # a quiet host (validate.sources.host_verdict: "ok")
            r.update(makespan_ns=10**9, num_cpu=2,
                     host_cpu_phase={"other_cpu_ns": 0, "own_threads_rqwait_ns": 0})
        return runs

    monkeypatch.setattr(realgo, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(programs, "source_hash", lambda root=None: h["v"])
    monkeypatch.setattr(cal, "run_calibration", fake_run)
    monkeypatch.setattr(cal, "refine_with_simulator", lambda fit, runs: fit)
    c1, p1 = machine_costs(_Tc())
    _, p1b = machine_costs(_Tc())
    assert p1 == p1b and calls == [3]  # cached; the fit takes the median of 3 runs
    h["v"] = "bbbb"  # the calibrate program changed: refit
    _, p2 = machine_costs(_Tc())
    assert p2 != p1 and len(calls) == 2
    assert c1.gc_scan_ns_per_kib == TRUE["gc_scan_ns_per_kib"]
    rules = tmp_path / "calibrate_rules.py"  # the fit's rules changed (calibrate.py): refit
    rules.write_text(Path(cal.__file__).read_text() + "\n# a changed rule\n")
    monkeypatch.setattr(cal, "__file__", str(rules))
    _, p3 = machine_costs(_Tc())
    assert p3 not in (p1, p2) and len(calls) == 3


def test_machine_costs_does_not_cache_a_busy_host_fit(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def busy_run(tc: Any, gmps: Any, reps: int = 1,
                 attempts: int = 1) -> dict[int, list[dict[str, Any]]]:
        calls.append(attempts)
        runs = runs_of(sched_calib() | gc_calib(TRUE), reps=3)
        for r in runs[1]:  # other processes took half the CPU: host_verdict "noisy"
            r.update(makespan_ns=10**9, num_cpu=2, workload="calibrate",
                     host_cpu_phase={"other_cpu_ns": 10**9})
        return runs

    monkeypatch.setattr(realgo, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(cal, "run_calibration", busy_run)
    monkeypatch.setattr(cal, "refine_with_simulator", lambda fit, runs: fit)
    msgs: list[str] = []
    c1, p1 = machine_costs(_Tc(), msgs.append)
    assert p1.name.endswith(".busy-host.toml") and "NOT CACHED: 3 of 6" in p1.read_text()
    assert c1.gc_scan_ns_per_kib == TRUE["gc_scan_ns_per_kib"]
    assert any("not cached" in m for m in msgs)
    machine_costs(_Tc())
    assert calls == [3, 3]  # calibrated again: the busy fit was not taken as the cache
    assert not list((tmp_path / "calibration").glob("*[0-9a-f].toml"))


@pytest.mark.slow
def test_calibrate_program_measures_gc_costs() -> None:
    tc = realgo.ensure_go("1.23.1")
    runs = cal.run_calibration(tc, (1,), scale=0.1)
    c = runs[1][0]["calib"]
    assert set(cal.GC_ALL_KEYS) <= set(c)
    for key in cal.GC_ALL_KEYS:
        assert isinstance(c[key], int | float), (key, c.get(key))
        # a least-squares intercept near 0 may come out of either sign
        assert c[key] > 0 or key in ("gc_mark_intercept_ns", "gc_sweep_intercept_ns"), (
            key, c.get(key))
    assert c["gc_live_list_kib"] == 16384 and c["gc_sweep_spans"] == 8192
    assert c["gc_pause_count"] >= 20  # two pauses per forced cycle, >= 10 cycles
    assert c["gc_pause_long_ns"] >= c["gc_pause_short_ns"] > 0
    assert c["gc_pause_live_long_ns"] >= c["gc_pause_live_short_ns"]
    # the live list makes the forced cycle's mark longer than with an empty heap
    assert c["gc_forced_live_mark_cpu_ns"] > c["gc_forced_empty_mark_cpu_ns"]
    # the old keys are still there
    assert c["clock_read_ns"] > 0 and "goroutine_create_to_first_run_ns" in c
    # the slope (fresh process): the full list's cycle marks far more than the empty one's
    assert c["gc_mark_full_cpu_ns"] > c["gc_mark_half_cpu_ns"] > c["gc_mark_empty_cpu_ns"]
    fit = {f.name: f for f in cal.fit_costs(runs)}
    assert 20 <= fit["mallocgc_ns_per_kib"].value <= 5000
    assert 20 <= fit["gc_scan_ns_per_kib"].value <= 5000
    assert "fresh process: slope" in fit["gc_scan_ns_per_kib"].source
    # the sweep slope (same process): more live spans, longer sweep; tens of ns a span
    assert c["gc_sweep_full_ns"] > c["gc_sweep_half_ns"] > c["gc_sweep_empty_ns"]
    assert 10 <= fit["gc_sweep_span_ns"].value <= 1000
    assert "scavenger CPU GMP=1, fresh process: slope" in fit["gc_sweep_span_ns"].source


def test_gc_cold_cycle_rules_invert_the_model_charges() -> None:
    """Mechanism 80: forced cycles 100 ms apart vs back-to-back give the extra
    sweep-termination work per e-fold of the interval; their spread is reported, not fitted
    (wider than allocation-triggered cycles'), so the default stays."""
    import math

    c = gc_calib(TRUE)
    gap, interval, per_efold, tail = c["gc_forced_live_wall_ns"], 105e6, 4200.0, 2304.0
    cold = TRUE["gc_sweepterm_ns"] + per_efold * math.log(interval / gap)
    c |= {"gc_pause_cold_long_ns": cold, "gc_pause_cold_long_p75_ns": cold + tail * math.log(2),
          "gc_pause_cold_interval_ns": interval}
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | c))}
    assert fit["gc_stw_cold_ns_per_efold"].value == 4200
    assert fit["gc_sweepterm_spread_pct"].value == Costs().gc_sweepterm_spread_pct  # not fitted
    assert "allocation-triggered" in fit["gc_sweepterm_spread_pct"].source
    assert "e-folds" in fit["gc_stw_cold_ns_per_efold"].source
    old = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))}
    for name in ("gc_stw_cold_ns_per_efold", "gc_sweepterm_spread_pct"):
        assert old[name].value == getattr(Costs(), name)
        assert old[name].source.startswith("assumed (calibrate runs without the cold")


SLOPE_FAILED = "the -gc-slope child: exit status 2 (fatal error: out of memory)"


def test_gc_scan_fallback_is_marked_when_the_slope_child_failed() -> None:
    """A program whose fresh-process slope failed says why; the fit falls back to live minus
    empty and marks the source, and fallback_warnings turns it into one warning line.  An
    older program (no slope keys, no error) falls back without a mark."""
    c = gc_calib(TRUE) | {cal.GC_SLOPE_ERROR_KEY: SLOPE_FAILED}
    fit = cal.fit_costs(runs_of(sched_calib() | c))
    scan = next(f for f in fit if f.name == "gc_scan_ns_per_kib")
    assert scan.value == TRUE["gc_scan_ns_per_kib"]
    assert scan.source.startswith(f"{cal.FALLBACK} (the fresh-process slope failed: "
                                  f"{SLOPE_FAILED}): runtime.GC() mark CPU GMP=1 live")
    assert cal.fallback_warnings(fit)[0] == f"warning: gc_scan_ns_per_kib = 353: {scan.source}"
    old = cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))
    assert cal.fallback_warnings(old) == []


def test_calibrate_cli_warns_on_stderr_when_the_slope_child_failed(tmp_path: Path,
                                                                   run_cli) -> None:
    import json

    from goschedlab.validate import shipped_results

    real = shipped_results("1.23.1")
    assert real is not None
    (tmp_path / "calibrate").mkdir()
    for f in sorted((real / "calibrate").glob("*.json")):
        run = json.loads(f.read_text())
        if run["gomaxprocs"] == 1:
            run["calib"] |= gc_calib(TRUE) | {cal.GC_SLOPE_ERROR_KEY: SLOPE_FAILED}
        (tmp_path / "calibrate" / f.name).write_text(json.dumps(run))
    out = tmp_path / "costs.toml"
    code, stdout, err = run_cli("calibrate", "--from", str(tmp_path), "--out", str(out),
                                "--no-sim-refine")
    assert code == 0 and f"wrote {out}" in stdout
    warned = [ln for ln in err.splitlines() if ln.startswith("warning: ")]
    assert len(warned) == 2 and warned[0].startswith("warning: gc_scan_ns_per_kib = 353: ")
    assert warned[1].startswith("warning: gc_sweep_span_ns = 211: ")
    assert SLOPE_FAILED in warned[0]
    assert "FALLBACK" in out.read_text()


def test_gc_sweep_fit_takes_the_fresh_process_slope_when_measured() -> None:
    """With the sweep slope keys the sweep rule is their slope (intercept reported, not
    fitted); without them, spans minus empty less the mark difference, per span; a failed
    child marks that fallback."""
    slope = {"gc_sweep_slope_ns_per_span": 80.6, "gc_sweep_intercept_ns": 17_000.0,
             "gc_sweep_slope_rounds": 10, "gc_sweep_empty_ns": 14_700.0,
             "gc_sweep_half_ns": 341_000.0, "gc_sweep_full_ns": 666_000.0}
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE) | slope))}
    assert fit["gc_sweep_span_ns"].value == 81
    assert fit["gc_sweep_span_ns"].source.endswith(
        "(10 rounds; medians 15 / 341 / 666 us; intercept 17 us not fitted)")
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | gc_calib(TRUE)))}
    assert fit["gc_sweep_span_ns"].value == TRUE["gc_sweep_span_ns"]
    assert fit["gc_sweep_span_ns"].source.startswith("runtime.GC() wall GMP=1 8192 live")
    failed = gc_calib(TRUE) | {cal.GC_SLOPE_ERROR_KEY: SLOPE_FAILED}
    fit = {f.name: f for f in cal.fit_costs(runs_of(sched_calib() | failed))}
    assert fit["gc_sweep_span_ns"].value == TRUE["gc_sweep_span_ns"]
    assert fit["gc_sweep_span_ns"].source.startswith(cal.FALLBACK)
    assert [w.split(" = ")[0] for w in cal.fallback_warnings(list(fit.values()))] == [
        "warning: gc_scan_ns_per_kib", "warning: gc_sweep_span_ns"]
