"""validate: comparison logic, checked against values computed here straight from the files.

The "simulated" side is the shipped go1.22.10 corpus, the real side go1.23.1 (both real Go).
"""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any

import pytest

from goschedlab.errors import UserInputError
from goschedlab.validate import compare, load_dir, shipped_results, simulate_group
from goschedlab.validate.metrics import METRICS, PRIMARY_SERIES, hist_quantile_upper
from goschedlab.validate.sources import parse_selection

REAL = shipped_results("1.23.1")
SIM = shipped_results("1.22.10")
assert REAL is not None and SIM is not None


def runs(root: Path, workload: str, setting: str, gmp: int) -> list[dict[str, Any]]:
    files = sorted((root / workload).glob(f"{setting}-gmp{gmp}-rep*.json"))
    return [json.loads(f.read_text()) for f in files]


@pytest.fixture(scope="module")
def validation():
    sel = parse_selection("fanout-cpu/default,gc-churn/default,blocking-logger/default-c0,pingpong")
    real = load_dir(REAL, sel, (1, 2))
    sim = load_dir(SIM, sel, (1, 2))
    real = {k: v for k, v in real.items() if k in sim}
    return compare(real, sim)


def test_cases_and_metrics_present(validation) -> None:
    keys = {(r.workload, r.setting, r.gomaxprocs) for r in validation.rows}
    assert keys == {(w, s, g) for w, s in (("fanout-cpu", "default"), ("gc-churn", "default"),
                                            ("blocking-logger", "default-c0"),
                                            ("pingpong", "default")) for g in (1, 2)}
    pp = {r.metric for r in validation.rows if r.workload == "pingpong"}
    assert "request_latency_p99" not in pp and "makespan" in pp  # pingpong has no series
    gc = {r.metric for r in validation.rows if r.workload == "gc-churn"}
    assert {"gc_pause_count", "gc_pause_p99"} <= gc


def rel(sim: float, real: float) -> float:
    return (sim - real) / real


def test_makespan_rows_match_independent_computation(validation) -> None:
    rows = [r for r in validation.rows if r.metric == "makespan"]
    assert len(rows) == 8
    for r in rows:
        real = [d["makespan_ns"] / 1e6 for d in runs(REAL, r.workload, r.setting, r.gomaxprocs)]
        sim = [d["makespan_ns"] / 1e6 for d in runs(SIM, r.workload, r.setting, r.gomaxprocs)]
        assert len(real) == 5 and len(sim) == 5
        assert r.real_median == pytest.approx(statistics.median(real))
        assert r.sim_median == pytest.approx(statistics.median(sim))
        assert r.real_spread == pytest.approx(max(real) / min(real))
        assert r.rel_error == pytest.approx(rel(statistics.median(sim), statistics.median(real)))
        assert r.within == (abs(r.rel_error) <= 0.05)
    # known corpus figures: fanout-cpu default GMP=1 is ~205 ms on both releases
    fan = next(r for r in rows if r.workload == "fanout-cpu" and r.gomaxprocs == 1)
    assert 200 < fan.real_median < 210 and fan.within


def test_latency_rows_use_file_percentiles_and_hist_summary(validation) -> None:
    for r in validation.rows:
        real = runs(REAL, r.workload, r.setting, r.gomaxprocs)
        sim = runs(SIM, r.workload, r.setting, r.gomaxprocs)
        if r.metric.startswith("request_latency_"):
            key = r.metric.split("_")[-1] + "_ns"
            series = PRIMARY_SERIES[r.workload]
            want_r = statistics.median(d["latency"][series][key] / 1e3 for d in real)
            want_s = statistics.median(d["latency"][series][key] / 1e3 for d in sim)
        elif r.metric.startswith("sched_latency_"):
            # cross-check against the programs' own hist_summary (computed in Go)
            key = r.metric.split("_")[-1] + "_upper_s"

            def q(d: dict[str, Any], key: str = key) -> float:
                return d["hist_summary"]["/sched/latencies:seconds"]["phase"][key] * 1e6

            want_r = statistics.median(q(d) for d in real)
            want_s = statistics.median(q(d) for d in sim)
        else:
            continue
        assert r.real_median == pytest.approx(want_r), (r.workload, r.metric)
        assert r.sim_median == pytest.approx(want_s), (r.workload, r.metric)
        assert r.rel_error == pytest.approx(rel(want_s, want_r))
        # within the 25 % tolerance, or (sched latency only) one wide Go bucket apart
        assert r.within == (abs(rel(want_s, want_r)) <= 0.25 or r.by_buckets)
        if r.by_buckets:
            assert r.metric.startswith("sched_latency_") and abs(rel(want_s, want_r)) > 0.25
            assert max(want_r, want_s) <= 0.512


def test_gc_rows(validation) -> None:
    for r in validation.rows:
        if r.metric != "gc_pause_count":
            continue
        real = runs(REAL, r.workload, r.setting, r.gomaxprocs)
        name = "/sched/pauses/total/gc:seconds"
        counts = [d["hist_summary"][name]["phase"]["count"] for d in real]
        assert r.real_median == statistics.median(counts)
    gc1 = next(r for r in validation.rows
               if r.workload == "gc-churn" and r.gomaxprocs == 1 and r.metric == "gc_pause_count")
    assert gc1.real_median > 10  # 16 GC cycles -> two stop-the-world pauses each


def test_score_is_share_within(validation) -> None:
    n_ok = sum(r.within for r in validation.rows)
    assert validation.score == pytest.approx(n_ok / len(validation.rows))
    js = validation.to_json()
    assert js["score"] == validation.score and js["cases"] == len(validation.rows)
    assert len(js["rows"]) == len(validation.rows)
    assert 0 < validation.score < 1  # gc-churn and pingpong differ between the releases


def test_hist_quantile_matches_go_hist_summary_everywhere() -> None:
    """Our histogram quantile equals what the Go programs computed, on every corpus file."""
    checked = 0
    for f in sorted(REAL.glob("*/*-gmp*-rep1.json")):
        d = json.loads(f.read_text())
        for name, summ in d["hist_summary"].items():
            bounds = d["metrics_end"][name]["boundaries"]
            counts = d["metrics_phase_delta"][name]["counts"]
            for q, key in ((0.5, "p50_upper_s"), (0.9, "p90_upper_s"), (0.99, "p99_upper_s"),
                           (1.0, "max_upper_s")):
                got = hist_quantile_upper(bounds, counts, q)
                want = summ["phase"][key]
                if want is None:
                    assert got is None
                elif want == "+Inf":
                    assert got == math.inf
                else:
                    assert got == pytest.approx(want)
                checked += 1
    assert checked > 500


def test_missing_simulated_case_is_a_miss() -> None:
    real = load_dir(REAL, parse_selection("fanout-cpu/tiny"), (1,))
    v = compare(real, {})
    assert v.rows and v.score == 0
    assert all(not r.within and r.note == "missing from the simulated runs" for r in v.rows)


def test_count_tolerance_is_relative_or_one() -> None:
    threads = next(m for m in METRICS if m.name == "threads")
    assert threads.within(3, 4) and threads.within(16, 19) and not threads.within(3, 5)
    makespan = next(m for m in METRICS if m.name == "makespan")
    assert makespan.within(100, 105) and not makespan.within(100, 105.1)
    assert makespan.within(0, 0) and not makespan.within(0, 1)


def test_simulator_callable_gets_each_files_params() -> None:
    real = load_dir(REAL, parse_selection("pipeline/light,timer-storm/default"), (1, 2), reps=2)
    calls: list[tuple[str, dict[str, Any], int, int]] = []
    stock = load_dir(SIM, parse_selection("timer-storm"), (1, 2))

    def fake(workload: str, params: Any, gmp: int, seed: int) -> dict[str, Any]:
        calls.append((workload, dict(params), gmp, seed))
        key = (workload, "default", gmp)
        return stock[key][seed - 1] if key in stock else {"makespan_ns": 1}

    sim = simulate_group(fake, real, seeds=2)
    assert [(c[0], c[2], c[3]) for c in calls] == [
        ("pipeline", 1, 1), ("pipeline", 1, 2), ("pipeline", 2, 1), ("pipeline", 2, 2),
        ("timer-storm", 1, 1), ("timer-storm", 1, 2), ("timer-storm", 2, 1), ("timer-storm", 2, 2),
    ]
    assert calls[0][1] == {"s": 4, "c": 16, "w": 10, "n": 5000, "rate": 5000, "seed": 1,
                           "trace": ""}
    v = compare(real, sim)
    ts = [r for r in v.rows if r.workload == "timer-storm" and r.metric == "makespan"]
    assert len(ts) == 2 and all(len(r.sim) == 2 and len(r.real) == 2 for r in ts)
    pl = [r for r in v.rows if r.workload == "pipeline" and r.metric == "sched_latency_p99"]
    assert pl and all(not r.within and r.sim_median is None for r in pl)


def test_load_dir_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="not a directory"):
        load_dir(tmp_path / "nope")
    with pytest.raises(UserInputError, match="no result files"):
        load_dir(tmp_path)
    (tmp_path / "pingpong").mkdir()
    bad = tmp_path / "pingpong" / "default-gmp1-rep1.json"
    bad.write_text('{"makespan_ns": 5,\n  "x": }')
    with pytest.raises(UserInputError) as exc:
        load_dir(tmp_path)
    assert str(exc.value).startswith(f"{bad}:2:8: not valid JSON")
    bad.write_text("[1, 2]")
    with pytest.raises(UserInputError, match="expected a run object"):
        load_dir(tmp_path)


def test_parse_selection() -> None:
    sel = parse_selection("pingpong, fanout-cpu/tiny,fanout-cpu/long")
    assert sel == {"pingpong": None, "fanout-cpu": {"tiny", "long"}}
    with pytest.raises(UserInputError, match="unknown workload 'nope'"):
        parse_selection("nope")
    with pytest.raises(UserInputError, match="has no setting 'x'"):
        parse_selection("pingpong/x")


def test_simulator_exception_fails_the_case_with_its_message() -> None:
    real = load_dir(REAL, parse_selection("pingpong/default"), (1,), reps=1)

    def broken(workload: str, params: Any, gmp: int, seed: int) -> dict[str, Any]:
        raise AttributeError("'Runtime' object has no attribute 'x'\nsecond line")

    sim = simulate_group(broken, real, seeds=2)
    v = compare(real, sim)
    assert v.rows and v.score == 0
    assert {r.note for r in v.rows} == {
        "simulator failed: AttributeError: 'Runtime' object has no attribute 'x'"}
    with pytest.raises(AttributeError):
        simulate_group(broken, real, seeds=1, strict=True)


def test_simulator_gets_ncpu_when_it_takes_it() -> None:
    real = load_dir(REAL, parse_selection("pingpong/default"), (1,), reps=1)
    seen: list[int | None] = []

    def sim(workload: str, params: Any, gmp: int, seed: int, ncpu: int | None = None) -> Any:
        seen.append(ncpu)
        return real[("pingpong", "default", 1)][0]

    v = compare(real, simulate_group(sim, real, seeds=1))
    assert seen == [2]  # the corpus machine has 2 CPUs, also at GOMAXPROCS=1
    assert v.score == 1.0 and all(r.rel_error == 0 for r in v.rows)


def _with_host(run: dict[str, Any], other_ms: float, rqwait_ms: float) -> dict[str, Any]:
    out = json.loads(json.dumps(run))
    out["host_cpu_phase"]["other_cpu_ns"] = int(other_ms * 1e6)
    out["host_cpu_phase"]["own_threads_rqwait_ns"] = int(rqwait_ms * 1e6)
    return out


def test_host_verdict_gate() -> None:
    from goschedlab.validate.sources import host_verdict

    corpus = load_dir(REAL)
    assert {host_verdict(r) for runs in corpus.values() for r in runs} == {"ok"}
    base = runs(REAL, "fanout-cpu", "default", 1)[0]  # ~205 ms, 2 CPUs, GOMAXPROCS=1
    assert host_verdict(_with_host(base, 30, 0)) == "ok"  # <= 20 ms + 3 % of 410 ms
    assert host_verdict(_with_host(base, 150, 8)) == "ok-shared"  # neighbour on the spare CPU
    assert host_verdict(_with_host(base, 150, 50)) == "noisy"  # ... but it delayed us
    assert host_verdict(_with_host(base, 400, 0)) == "noisy"  # more than the spare CPU
    assert host_verdict({"makespan_ns": 1}) == "noisy"


def test_run_real_repeats_noisy_runs(monkeypatch) -> None:
    from goschedlab.realgo.programs import Program
    from goschedlab.validate.sources import run_real

    base = runs(REAL, "fanout-cpu", "default", 1)[0]
    queue = [_with_host(base, 900, 300), _with_host(base, 500, 100), _with_host(base, 10, 0)]
    calls: list[tuple[str, int]] = []

    def fake_run(self: Program, tc: Any, flags: Any, *, gomaxprocs: int) -> dict[str, Any]:
        calls.append((self.name, gomaxprocs))
        return queue.pop(0)

    class TC:
        version = "1.23.1"

    monkeypatch.setattr(Program, "run", fake_run)
    got = run_real(TC(), parse_selection("fanout-cpu/default"), [1], reps=1, attempts=3)
    assert calls == [("fanout-cpu", 1)] * 3
    assert got[("fanout-cpu", "default", 1)][0]["host_cpu_phase"]["other_cpu_ns"] == 10_000_000
    # out of attempts: the least disturbed noisy run is kept
    queue[:] = [_with_host(base, 900, 300), _with_host(base, 500, 100)]
    got = run_real(TC(), parse_selection("fanout-cpu/default"), [1], reps=1, attempts=2)
    assert got[("fanout-cpu", "default", 1)][0]["host_cpu_phase"]["other_cpu_ns"] == 500_000_000


def test_default_real_side_is_the_shipped_corpus_of_that_release() -> None:
    from goschedlab.validate import run_validation

    seen: list[tuple[str, int]] = []

    def fake(workload: str, params: Any, gmp: int, seed: int) -> dict[str, Any]:
        seen.append((workload, gmp))
        return runs(SIM, workload, "default", gmp)[seed - 1]

    v = run_validation(go="1.22.10", workloads="timer-storm", reps=2, gomaxprocs=[2],
                       real="corpus", simulate=fake, seeds=3)
    assert v.meta["real"] == f"results tree {SIM}"
    assert seen == [("timer-storm", 2)] * 3  # go1.22.10 has only the default setting
    mk = next(r for r in v.rows if r.metric == "makespan")
    want = [d["makespan_ns"] / 1e6 for d in runs(SIM, "timer-storm", "default", 2)]
    assert mk.real == tuple(want[:2]) and mk.sim == tuple(want[:3])
