"""validate/calibrate commands, JSON and HTML output, and the cost fit."""

from __future__ import annotations

import base64
import json
import re
import statistics
from pathlib import Path

import pytest

from goschedlab.runtime.costs import Costs, load_costs
from goschedlab.validate import shipped_results
from goschedlab.validate.calibrate import fit_costs, load_calibration_dir

REAL = shipped_results("1.23.1")
SIM = shipped_results("1.22.10")
assert REAL is not None and SIM is not None


def test_validate_sim_dir_json_and_html(tmp_path: Path, run_cli) -> None:
    js, page = tmp_path / "out" / "v.json", tmp_path / "v.html"
    code, out, _ = run_cli(
        "validate", "--real", "corpus", "--sim", str(SIM), "--workloads", "fanout-cpu,timer-storm",
        "--reps", "5", "--json", str(js), "--html", str(page))
    assert code == 0
    data = json.loads(js.read_text())
    rows = data["rows"]
    assert {(r["workload"], r["gomaxprocs"]) for r in rows} == {
        (w, g) for w in ("fanout-cpu", "timer-storm") for g in (1, 2)}
    assert data["score"] == pytest.approx(sum(r["within"] for r in rows) / len(rows))
    fan1 = next(r for r in rows if r["workload"] == "fanout-cpu" and r["gomaxprocs"] == 1
                and r["metric"] == "makespan")
    real = [json.loads(f.read_text())["makespan_ns"] / 1e6
            for f in sorted((REAL / "fanout-cpu").glob("default-gmp1-rep*.json"))]
    assert fan1["real"] == pytest.approx(real) and fan1["real_median"] == statistics.median(real)
    assert f"score {data['score'] * 100:.1f}%" in out
    html = page.read_text()
    assert "http://" not in html and "https://" not in html  # self-contained
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert len(pngs) >= 3
    assert all(base64.b64decode(p).startswith(b"\x89PNG") for p in pngs)
    assert not list(tmp_path.glob(".*"))  # no temp files left


@pytest.mark.parametrize("args,needle", [
    (["--gomaxprocs", "1,x"], "--gomaxprocs '1,x'"),
    (["--workloads", "nope"], "unknown workload 'nope'"),
    (["--reps", "0"], "--reps and --seeds must be at least 1"),
])
def test_validate_user_errors_exit_2_one_line(args: list[str], needle: str, run_cli) -> None:
    code, _, err = run_cli("validate", "--real", "corpus", "--sim", str(SIM), *args)
    assert code == 2
    assert err.count("\n") == 1 and needle in err and err.startswith("goschedlab: error:")


def test_fit_from_corpus_matches_the_files() -> None:
    runs = load_calibration_dir(REAL)
    assert sorted(runs) == [1, 2] and len(runs[1]) == 5
    fit = {f.name: f for f in fit_costs(runs)}
    assert list(fit) == [f.name for f in Costs.__dataclass_fields__.values()]

    def med(gmp: int, key: str, field: str | None = None) -> float:
        files = sorted((REAL / "calibrate").glob(f"default-gmp{gmp}-rep*.json"))
        vals = []
        for f in files:
            v = json.loads(f.read_text())["calib"][key]
            vals.append(v[field] if field else v)
        return statistics.median(vals)

    base = Costs()
    sched = round(med(1, "gosched_two_goroutines_ns_per_call") - base.gosched_ns)
    assert fit["schedule_ns"].value == sched
    slack = med(1, "syscall_nanosleep_1ns_actual_ns", "p50_ns")
    assert fit["usleep_slack_ns"].value == round(slack)
    wake = med(2, "idle_p_wakeup_ns", "p50_ns")
    assert fit["mwake_ns"].value == round(wake - base.steal_probe_ns - sched)
    pair = med(1, "syscall_getpid_ns") - med(1, "rawsyscall_getpid_ns")
    assert fit["entersyscall_ns"].value + fit["exitsyscall_ns"].value == pytest.approx(pair, abs=1)
    # the README's figures: ~110 us idle-P wake-up, ~58 us nanosleep slack, ~87 us epoll overshoot
    assert 100_000 < fit["mwake_ns"].value < 120_000
    assert 80_000 < fit["netpoll_overshoot_ns"].value < 95_000
    assert fit["preempt_signal_ns"].source.startswith("assumed")


def test_calibrate_from_dir_writes_loadable_toml(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "costs.toml"
    code, stdout, _ = run_cli(
        "calibrate", "--from", str(REAL), "--out", str(out), "--no-sim-refine")
    assert code == 0 and f"wrote {out}" in stdout
    costs = load_costs(out)
    fit = {f.name: f.value for f in fit_costs(load_calibration_dir(REAL))}
    assert {k: getattr(costs, k) for k in fit} == fit
    assert "idle_p_wakeup p50 GMP=2" in out.read_text()


def test_calibrate_from_dir_without_runs(tmp_path: Path, run_cli) -> None:
    code, _, err = run_cli("calibrate", "--from", str(tmp_path))
    assert code == 2 and "no calibrate runs" in err


def test_fit_clamps_and_says_so() -> None:
    runs = load_calibration_dir(REAL)
    noisy = {g: [json.loads(json.dumps(r)) for r in rs] for g, rs in runs.items()}
    for r in noisy[1]:
        r["calib"]["syscall_getpid_ns"] = r["calib"]["rawsyscall_getpid_ns"] - 20
    fit = {f.name: f for f in fit_costs(noisy)}
    assert fit["entersyscall_ns"].value == 0
    assert "clamped to 0" in fit["entersyscall_ns"].source
    assert fit["exitsyscall_ns"].value == 0


def test_refine_scales_params_until_the_affine_model_matches() -> None:
    from goschedlab.validate.calibrate import refine_with_simulator

    runs = load_calibration_dir(REAL)
    want = statistics.median(
        json.loads(f.read_text())["calib"]["chan_unbuffered_roundtrip_ns_per_batch_of_1000"][
            "p50_ns"] for f in sorted((REAL / "calibrate").glob("default-gmp1-rep*.json")))
    calls: list[dict[str, object]] = []

    def fake(workload: str, **kw: object) -> dict[str, float]:
        calls.append({"workload": workload, **kw})
        c = kw["costs"]
        per_rt = 150 + 4 * (c.chanop_ns + c.gopark_ns)  # type: ignore[attr-defined]
        return {"makespan_ns": per_rt * 5000}

    fit = {f.name: f for f in refine_with_simulator(fit_costs(runs), runs, fake)}
    assert [c["workload"] for c in calls] == ["pingpong"] * 3
    assert calls[0]["overrides"] == {"r": 5000, "pairs": 1, "w": 0}
    got = 150 + 4 * (fit["chanop_ns"].value + fit["gopark_ns"].value)
    assert abs(got - want) <= 8  # two params rounded to whole ns
    assert fit["chanop_ns"].value == fit["gopark_ns"].value  # scaled together
    assert "simulated pingpong ns/round trip" in fit["chanop_ns"].source


def test_refine_with_the_real_simulator_reproduces_the_round_trip() -> None:
    from goschedlab.validate.calibrate import refine_with_simulator

    runs = load_calibration_dir(REAL)
    fit = refine_with_simulator(fit_costs(runs), runs)
    src = next(f.source for f in fit if f.name == "chanop_ns")
    now = float(src.rsplit("simulated now ", 1)[1])
    assert now == pytest.approx(503, rel=0.02)  # corpus: 503 ns per round trip, GMP=1


def test_validate_real_corpus_unknown_release_is_one_line(run_cli) -> None:
    code, _, err = run_cli("validate", "--go", "1.19.13", "--real", "corpus")
    assert code == 2 and err.count("\n") == 1
    assert "no shipped reference corpus for go1.19.13" in err


def test_cacheline_transfer_fitted_from_the_fastest_pingpong_batch() -> None:
    """cacheline_transfer_ns is the GOMAXPROCS=2 ping-pong's fastest batch (median over the
    runs); the corpus's calibrate runs lack the key, so the assumed default stays."""
    runs = load_calibration_dir(REAL)
    fit = {f.name: f for f in fit_costs(runs)}
    assert fit["cacheline_transfer_ns"].value == Costs().cacheline_transfer_ns
    assert fit["cacheline_transfer_ns"].source.startswith("assumed")
    with_hop = {g: [json.loads(json.dumps(r)) for r in rs] for g, rs in runs.items()}
    for i, r in enumerate(with_hop[2]):
        r["calib"]["cacheline_pingpong_ns"] = {"n": 200, "min_ns": 30 + i, "p50_ns": 900}
    for r in with_hop[1]:
        r["calib"]["cacheline_pingpong_ns"] = None
    fit = {f.name: f for f in fit_costs(with_hop)}
    mins = [30 + i for i in range(len(with_hop[2]))]
    assert fit["cacheline_transfer_ns"].value == round(statistics.median(mins))
    assert "fastest batch" in fit["cacheline_transfer_ns"].source
    # every batch slowed to time slices (the threads shared a vCPU): the default is kept
    for r in with_hop[2]:
        r["calib"]["cacheline_pingpong_ns"]["min_ns"] = 1_400_000
    fit = {f.name: f for f in fit_costs(with_hop)}
    assert fit["cacheline_transfer_ns"].value == Costs().cacheline_transfer_ns
    assert "never ran at the same time" in fit["cacheline_transfer_ns"].source
