"""realgo.programs: settings table, source hashing, and our Go programs against the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from goschedlab.errors import UserInputError
from goschedlab.realgo import (
    DEFAULTS,
    PROGRAMS,
    SETTINGS,
    Program,
    ensure_go,
    params_for,
    setting_params,
    source_hash,
)
from goschedlab.realgo.programs import flags_for, source_root
from goschedlab.validate import shipped_results
from goschedlab.validate.calibrate import (
    CACHELINE_KEYS,
    COLD_REUSE_KEYS,
    GC_ALL_KEYS,
    HANDOFF_KEYS,
    RECENT_WAKE_KEYS,
    SLEEP_SPAWN_KEYS,
)

CORPUS = shipped_results("1.23.1")
assert CORPUS is not None


def corpus_file(workload: str, setting: str, gmp: int) -> dict[str, Any]:
    """A corpus run of that case whose host_cpu_phase has irq_softirq_ns (second build)."""
    for rep in range(1, 6):
        d = json.loads((CORPUS / workload / f"{setting}-gmp{gmp}-rep{rep}.json").read_text())
        if "irq_softirq_ns" in d["host_cpu_phase"]:
            return d
    raise AssertionError(f"no second-build corpus file for {workload}/{setting} gmp{gmp}")


@pytest.mark.parametrize(
    "workload,setting", [(w, s) for w, ss in SETTINGS.items() for s in ss]
)
def test_setting_params_equal_corpus_params(workload: str, setting: str) -> None:
    run = json.loads((CORPUS / workload / f"{setting}-gmp1-rep1.json").read_text())
    assert setting_params(workload, setting) == run["params"]


def test_corpus_has_exactly_our_settings() -> None:
    on_disk = {
        (w.name, f.name.split("-gmp")[0])
        for w in CORPUS.iterdir() if w.is_dir() and w.name != "calibrate"
        for f in w.glob("*.json")
    }
    assert on_disk == {(w, s) for w, ss in SETTINGS.items() for s in ss}


def test_params_and_flags() -> None:
    p = params_for("pingpong", {"r": "10", "w": 2})
    assert p == {"r": 10, "pairs": 1, "w": 2.0, "trace": ""}
    assert flags_for({"r": 10, "trace": ""}) == ["-r", "10"]
    with pytest.raises(UserInputError, match="unknown flag -x"):
        params_for("pingpong", {"x": 1})
    with pytest.raises(UserInputError, match="unknown setting 'nope'"):
        setting_params("pingpong", "nope")
    with pytest.raises(UserInputError, match="unknown program"):
        Program("nope")
    assert set(DEFAULTS) == set(PROGRAMS)


def test_source_hash_tracks_go_sources(tmp_path: Path) -> None:
    copy = tmp_path / "gosrc"
    shutil.copytree(source_root(), copy)
    h = source_hash(copy)
    assert h == source_hash(source_root()) and len(h) == 16
    (copy / "README.txt").write_text("not a Go source")
    assert source_hash(copy) == h
    f = copy / "lab" / "clock.go"
    f.write_text(f.read_text() + "\n// changed\n")
    assert source_hash(copy) != h


def key_paths(d: Any, prefix: str = "") -> set[str]:
    """Every key path of nested dicts ('a.b.c'); histogram/metric values are leaves."""
    out: set[str] = set()
    if isinstance(d, dict):
        for k, v in d.items():
            path = f"{prefix}.{k}"
            out.add(path)
            if not prefix.startswith((".metrics", ".calib")) or prefix.count(".") < 2:
                out |= key_paths(v, path)
    return out


# workload, corpus setting, GOMAXPROCS, flags of a short run, checksum keys that must match
CHEAP = [
    ("fanout-cpu", "default", 2, {"g": 100, "w": 50}, []),
    ("pingpong", "default", 1, {"r": 2000}, []),
    ("pipeline", "light", 2, {"s": 4, "c": 16, "w": 10, "n": 5000, "rate": 5000},
     ["arrivals_checksum"]),
    ("blocking-logger", "light-c0", 1, {"rate": 500, "d": 2, "w": 100, "k": 200, "c": 0},
     ["arrivals_checksum", "requests"]),
    ("syscall-block", "light", 2, {"g": 2, "s": 1000, "w": 100, "r": 20}, []),
    ("gc-churn", "light", 1, {"g": 2, "iters": 300, "bytes": 4096, "w": 50, "live": 16},
     ["live_nodes"]),
    ("open-loop-server", "light", 2, {"rate": 1000, "d": 2, "mean": 100},
     ["arrivals_checksum", "service_checksum", "service_total_ns", "requests"]),
    ("timer-storm", "light", 1, {"g": 10, "w": 5, "r": 200},
     ["sleeps_checksum", "sleep_total_ns"]),
]


@pytest.fixture(scope="module")
def go123():
    return ensure_go("1.23.1", quiet=True)


@pytest.mark.slow
@pytest.mark.parametrize("workload,setting,gmp,flags,checks", CHEAP, ids=[c[0] for c in CHEAP])
def test_workload_json_matches_corpus(go123, workload, setting, gmp, flags, checks) -> None:
    ours = Program(workload).run(go123, flags, gomaxprocs=gmp)
    ref = corpus_file(workload, setting, gmp)
    assert key_paths(ours) == key_paths(ref)
    assert set(ours["metrics_end"]) == set(ref["metrics_end"])
    assert ours["go_version"] == "go1.23.1" and ours["gomaxprocs"] == gmp
    assert ours["env_GOGC"] == "100" and ours["env_GODEBUG"] == ""
    assert ours["params"] == params_for(workload, flags)
    for key in checks:
        assert ours[key] == ref[key], key
    # the measured phase and its bookkeeping are sane
    assert ours["makespan_ns"] > 0 and ours["threads_end"] >= 2
    series = next(iter(ours["latency"].values()))
    assert series["n"] == sum(series["hist_count"])
    assert series["min_ns"] <= series["p50_ns"] <= series["p99_ns"] <= series["max_ns"]


@pytest.mark.slow
def test_fanout_series_are_consistent(go123) -> None:
    g, w = 50, 100
    d = Program("fanout-cpu").run(go123, {"g": g, "w": w}, gomaxprocs=1)
    lat = d["latency"]
    assert {k: v["n"] for k, v in lat.items()} == dict.fromkeys(
        ("start_delay", "sojourn", "finish_since_t0", "spin_elapsed"), g)
    # every spin lasts at least W of elapsed time; one P runs them back to back
    assert lat["spin_elapsed"]["min_ns"] >= w * 1000
    assert d["makespan_ns"] >= g * w * 1000
    assert d["ideal_makespan_ns"] == g * w * 1000


@pytest.mark.slow
@pytest.mark.parametrize("gmp", [1, 2])
def test_calibrate_json_matches_corpus(go123, gmp: int) -> None:
    ours = Program("calibrate").run(go123, {"scale": 0.02}, gomaxprocs=gmp)
    ref = corpus_file("calibrate", "default", gmp)
    # the corpus's keys, plus the GC costs our program measures on top
    assert key_paths(ours) >= key_paths(ref)
    assert set(ours["calib"]) >= set(ref["calib"])
    extra = (set(ours["calib"]) - set(ref["calib"]) - set(HANDOFF_KEYS)
             - set(SLEEP_SPAWN_KEYS) - set(CACHELINE_KEYS) - set(RECENT_WAKE_KEYS)
             - set(COLD_REUSE_KEYS))
    assert extra == set(GC_ALL_KEYS)
    # GMP=2: one cache line's hop between the Ps (tens of ns on an idle host; at this test's
    # 4 batches, on a loaded CI host both threads may share a vCPU and a hop takes a time
    # slice, up to a few ms); else null + note
    hop = ours["calib"]["cacheline_pingpong_ns"]
    if gmp == 2:
        assert 5 < hop["min_ns"] < 10_000_000 and hop["n"] >= 1
    else:
        assert hop is None and "cacheline_pingpong_note" in ours["calib"]
    assert "syscall_handoff_ns" in ours["calib"]  # GMP=1: measured; else null + note
    # GMP=1: time.Sleep's spawn path, and the plain-park reference; else null + note
    spawn, park = ours["calib"]["sleep_spawn_ns"], ours["calib"]["sleep_spawn_park_ns"]
    if gmp == 1:
        assert 0 < park["p50_ns"] and 0 < spawn["p50_ns"] < 1_000_000
    else:
        assert spawn is None and park is None and "sleep_spawn_note" in ours["calib"]
    # GMP=2: waking an M parked a moment ago (mechanism 340): the pingpong spin hop and the
    # steal by the woken M, both measured (us on an idle host, ms on a loaded one); else null
    hop2, steal = ours["calib"]["spin_hop_ns"], ours["calib"]["recent_wake_steal_ns"]
    if gmp == 2:
        assert 0 < hop2["p50_ns"] < 100_000_000 and hop2["n"] >= 10
        assert 0 < steal["p50_ns"] < 100_000_000 and 0 < steal["p90_ns"] and steal["n"] >= 10
    else:
        assert hop2 is None and steal is None and "recent_wake_note" in ours["calib"]
    # GMP=1: go statements reusing Gs 64 / 2000 / 20 000 go statements and exits old
    # (mechanism 430); else null + note
    reuse = ours["calib"]["go_reuse_ns"]
    if gmp == 1:
        assert set(reuse) == {"64", "2000", "20000"}
        assert all(0 < reuse[d]["p50_ns"] < 100_000_000 and reuse[d]["n"] == 7 for d in reuse)
    else:
        assert reuse is None and "go_reuse_note" in ours["calib"]
    assert set(ours["calib"]["sleep_actual_ns"]) == set(ref["calib"]["sleep_actual_ns"])
    # a 1 ms sleep cannot end early
    assert ours["calib"]["sleep_actual_ns"]["1ms"]["min_ns"] >= 1_000_000
    assert 0 < ours["calib"]["clock_read_ns"] < 100_000  # sane even on a busy host


@pytest.mark.slow
def test_go_command_builds_programs_once(capsys) -> None:
    from goschedlab.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["go", "--go", "1.23.1", "--build"])
    assert exc.value.code in (0, None)
    goroot, bindir = capsys.readouterr().out.split()
    assert goroot.endswith("/go/1.23.1/go")
    assert Path(bindir).name == source_hash()
    assert sorted(p.name for p in Path(bindir).iterdir()) == sorted(PROGRAMS)
