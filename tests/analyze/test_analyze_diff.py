"""The diff judge on real runtime/metrics dumps (blocking-logger, go1.23.1 and go1.22.10)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest
from analyze_paths import GCTRACE, INTERLEAVED, SCHEDTRACE, blocking_logger

from goschedlab.analyze import DiffConfig, diff_files, load
from goschedlab.analyze.diff import compare_samples

GO123 = blocking_logger("1.23.1")
GO122 = blocking_logger("1.22.10")
REQ = "latency.request"


def _rebin(values: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    """Sparse 4-per-octave histogram, the layout of the refcorpus ``latency`` series."""
    k = np.floor(4 * np.log2(np.maximum(values, 1.0))).astype(int)
    ks, counts = np.unique(k, return_counts=True)
    lo = [math.floor(2 ** (x / 4)) for x in ks]
    hi = [math.ceil(2 ** ((x + 1) / 4)) for x in ks]
    return lo, hi, [int(c) for c in counts]


def _write_series(src: Path, dst: Path, values: np.ndarray, series: str = "request") -> Path:
    raw = json.loads(src.read_text())
    out = copy.deepcopy(raw)
    lo, hi, cnt = _rebin(values)
    out["latency"][series].update(hist_lo_ns=lo, hist_hi_ns=hi, hist_count=cnt)
    dst.write_text(json.dumps(out))
    return dst


def _req(f: Path) -> np.ndarray:
    return load(f).samples[REQ]


def _check(rep, metric: str, check: str) -> str:
    m = next(m for m in rep.metrics if m.metric == metric)
    return next(c.verdict for c in m.checks if c.check == check)


def test_same_files_pass() -> None:
    rep = diff_files(GO123, GO123, cfg=DiffConfig(n_resamples=200))
    assert rep.verdict == "pass" and rep.exit_code == 0
    assert all(c.verdict == "pass" for m in rep.metrics for c in m.checks)
    names = {m.metric for m in rep.metrics}
    assert {REQ, "/sched/latencies:seconds", "makespan_ns", "threads_end"} <= names


def test_same_setting_other_repetitions_do_not_fail() -> None:
    rep = diff_files(GO123[:3], GO123[3:], metrics=[REQ, "latency.spawn_lag",
                                                   "/sched/latencies:seconds"])
    assert rep.verdict != "fail"
    assert next(m for m in rep.metrics if m.metric == REQ).verdict == "pass"


def test_go122_vs_go123_real_runs() -> None:
    """The measured result for blocking-logger default-c0 at GOMAXPROCS=2: no regression."""
    rep = diff_files(GO122, GO123, metrics=[REQ, "/sched/latencies:seconds", "makespan_ns"])
    assert rep.verdict == "pass"
    m = rep.metrics[0]
    assert m.metric == REQ and (m.n_baseline, m.n_candidate) == (20445, 20445)
    assert (m.reps_baseline, m.reps_candidate) == (5, 5)


def test_p99_doubled_median_held_fails(tmp_path: Path, run_cli) -> None:
    base, cand = [], []
    for i, f in enumerate(GO123):
        s = _req(f)
        p97 = np.quantile(s, 0.97)
        doubled = np.where(s > p97, 2 * s, s)
        assert np.median(doubled) == np.median(s)
        base.append(_write_series(f, tmp_path / f"b{i}.json", s))
        cand.append(_write_series(f, tmp_path / f"c{i}.json", doubled))
    rep = diff_files(base, cand, metrics=[REQ])
    m = rep.metrics[0]
    assert m.p99_candidate / m.p99_baseline == pytest.approx(2.0, rel=0.1)
    assert m.median_candidate == pytest.approx(m.median_baseline, rel=0.02)
    assert _check(rep, REQ, "median") == "pass"
    assert _check(rep, REQ, "p99") == "fail"
    assert m.verdict == "fail" and rep.verdict == "fail"
    # Same through the CLI: exit 1 and a JSON report.
    out = tmp_path / "r.json"
    code, stdout, _ = run_cli("diff", *map(str, base), "--candidate", *map(str, cand),
                              "--metric", REQ, "--json", str(out))
    assert code == 1 and "overall: fail" in stdout
    js = json.loads(out.read_text())
    assert js["verdict"] == "fail" and js["metrics"][0]["metric"] == REQ
    # Baseline against itself through the same rebinned files passes, exit 0.
    code, stdout, _ = run_cli("diff", *map(str, base), "-c", *map(str, base), "-m", REQ)
    assert code == 0 and "overall: pass" in stdout


def test_change_under_the_floor_is_ignored() -> None:
    """Real request latencies scaled to a p99 of 5 us, candidate twice as slow (10 us)."""
    reps = [_req(f) for f in GO123]
    scale = 5000.0 / np.quantile(np.concatenate(reps), 0.99, method="inverted_cdf")
    base = [r * scale for r in reps]
    cand = [r * scale * 2 for r in reps]
    m = compare_samples(REQ, base, cand, DiffConfig(n_resamples=300))
    assert m.p99_baseline == pytest.approx(5000.0)
    assert m.p99_candidate == pytest.approx(10000.0)
    assert m.floor == 10_000 and m.verdict == "pass"
    strict = compare_samples(REQ, base, cand, DiffConfig(n_resamples=300, floors={REQ: 0.0}))
    assert strict.verdict == "fail"
    assert {c.check for c in strict.checks if c.verdict == "fail"} >= {"median", "p99"}


def _masked(q: float) -> list[np.ndarray]:
    """Real request latencies with every value below the repetition's q-quantile set to 0."""
    out = []
    for f in GO123:
        s = _req(f)
        out.append(np.where(s < np.quantile(s, q), 0.0, s))
    return out


def test_zero_heavy_same_distribution_passes() -> None:
    z = _masked(0.7)
    m = compare_samples(REQ, z[:3], z[3:], DiffConfig(n_resamples=300))
    assert [c.check for c in m.checks] == ["zeros", "median", "p99", "spread"]
    assert m.verdict == "pass"


def test_zero_heavy_positive_part_regression_fails_though_medians_are_zero() -> None:
    z = _masked(0.7)
    cand = [np.where(r > 0, 3 * r, 0.0) for r in z]
    m = compare_samples(REQ, z, cand, DiffConfig(n_resamples=300))
    assert m.median_baseline == 0.0 and m.median_candidate == 0.0  # a plain median sees nothing
    verdicts = {c.check: c.verdict for c in m.checks}
    assert verdicts["zeros"] == "pass" and verdicts["median"] == "fail"
    assert m.verdict == "fail"


def test_zero_heavy_share_of_zeros_drop_fails() -> None:
    base = _masked(0.7)
    cand = _masked(0.3)
    m = compare_samples(REQ, base, cand, DiffConfig(n_resamples=300))
    verdicts = {c.check: c.verdict for c in m.checks}
    zeros = next(c for c in m.checks if c.check == "zeros")
    assert zeros.values["zero_share_baseline"] == pytest.approx(0.7, abs=0.01)
    assert zeros.values["zero_share_candidate"] == pytest.approx(0.3, abs=0.01)
    assert verdicts["zeros"] == "fail" and verdicts["median"] != "fail"


def test_deterministic() -> None:
    a = diff_files(GO122[:3], GO123[:3], metrics=[REQ]).to_json()
    b = diff_files(GO122[:3], GO123[:3], metrics=[REQ]).to_json()
    assert a == b
    c = diff_files(GO122[:3], GO123[:3], metrics=[REQ], cfg=DiffConfig(seed=7)).to_json()
    assert c["metrics"][0]["median_baseline"] == a["metrics"][0]["median_baseline"]


def test_diff_on_logs() -> None:
    rep = diff_files([GCTRACE], [GCTRACE])
    assert {m.metric for m in rep.metrics} == {
        "gctrace.pause_ns", "gctrace.stw_sweepterm_ns", "gctrace.stw_markterm_ns",
        "gctrace.mark_ns"}
    assert rep.verdict == "pass"
    rep = diff_files([SCHEDTRACE], [INTERLEAVED], metrics=["schedtrace.threads"])
    assert rep.verdict == "pass" and rep.metrics[0].floor == 1.0


def test_cli_bad_input_exit_2(tmp_path: Path, run_cli) -> None:
    bad = tmp_path / "garbage.log"
    bad.write_text("nothing here\n")
    good = str(GO123[0])
    cases = [
        (("diff", good, "--candidate", str(tmp_path / "missing.json")), "cannot read"),
        (("diff", good, "--candidate", str(bad)), "line 1: expected a GODEBUG"),
        (("diff", good), "expected BASELINE... --candidate CANDIDATE..."),
        (("diff", good, "-c", good, "--floor", "x"), "--floor 'x': expected METRIC=VALUE"),
        (("diff", good, "-c", good, "-m", "nope"), "--metric 'nope': expected a metric"),
        (("diff", good, "-c", str(GCTRACE)), "found none in common"),
        (("analyze", str(bad)), "garbage.log: line 1"),
        (("analyze", good, "--export", str(tmp_path), "--format", "xls"), "--format 'xls'"),
    ]
    for args, msg in cases:
        code, _, err = run_cli(*args)
        assert code == 2, args
        lines = err.strip().splitlines()
        assert len(lines) == 1 and msg in lines[0], (args, err)


def test_cli_analyze_json(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "a.json"
    code, stdout, _ = run_cli("analyze", str(GCTRACE), str(GO123[0]), "--json", str(out),
                              "--export", str(tmp_path / "x"), "--format", "csv")
    assert code == 0 and "stw_pauses.count" in stdout
    js = json.loads(out.read_text())
    assert js[str(GCTRACE)]["gctrace"]["stw_pauses"]["count"] == 36
    assert js[str(GO123[0])]["format"] == "metrics-json"
    assert (tmp_path / "x" / f"{GCTRACE.name}.gctrace.csv").exists()


def test_diff_on_simulation_results(tmp_path: Path, run_cli) -> None:
    """goschedlab's own simulation JSON (refcorpus layout): seeds are repetitions; a logger
    that spins 3x longer per record is a regression of the request latency."""
    def sim(tag: str, seed: int, k: int) -> str:
        out = tmp_path / f"{tag}{seed}.json"
        code, _, err = run_cli("simulate", "blocking-logger", "--setting", "default-c0",
                               "--set", "d=0.2", "--set", f"k={k}", "--seed", str(seed),
                               "--json", str(out))
        assert code == 0, err
        return str(out)

    base = [sim("b", s, 200) for s in (1, 2, 3)]
    same = [sim("s", s, 200) for s in (4, 5, 6)]
    slow = [sim("c", s, 600) for s in (1, 2, 3)]
    assert load(base[0]).format == "metrics-json"
    rep = diff_files(base, same, metrics=[REQ], cfg=DiffConfig(n_resamples=300))
    assert rep.verdict != "fail"
    rep = diff_files(base, slow, metrics=[REQ], cfg=DiffConfig(n_resamples=300))
    assert rep.verdict == "fail" and _check(rep, REQ, "median") == "fail"


def test_real_zero_heavy_metric_uses_hurdle() -> None:
    """gc-churn's /sched/latencies is zero-heavy in real runs (goroutines resuming without
    queueing record 0): the judge tests the zero share on its own, from the real counts."""
    from analyze_paths import METRICS

    files = sorted((METRICS / "go1.23.1").glob("gc-churn-default-gmp2-rep*.json"))
    name = "/sched/latencies:seconds"
    zero_share = []
    for f in files:
        raw = json.loads(f.read_text())
        counts = raw["metrics_phase_delta"][name]["counts"]
        assert raw["metrics_end"][name]["boundaries"][1:3] == [0, 6.4e-08]
        zero_share.append((counts[1], sum(counts)))
    rep = diff_files(files[:1], files[1:], metrics=[name], cfg=DiffConfig(n_resamples=300))
    m = rep.metrics[0]
    assert [c.check for c in m.checks] == ["zeros", "median", "p99", "spread"]
    zeros = m.checks[0].values
    assert zeros["zero_share_baseline"] == zero_share[0][0] / zero_share[0][1] > 0.05
    cz = sum(z for z, _ in zero_share[1:]) / sum(n for _, n in zero_share[1:])
    assert zeros["zero_share_candidate"] == pytest.approx(cz)
    assert m.verdict != "fail"
