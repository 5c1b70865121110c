"""Every refcorpus workload runs in the model (GC, netpoll and all) at GOMAXPROCS 1, 2 and 8
and produces the same JSON keys as the real go1.23.1 runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from goschedlab.observe.result import MODEL_ONLY_TOP_LEVEL
from goschedlab.workloads import builtin_registry, simulate

REF = Path(__file__).parents[2] / "src/goschedlab/data/refcorpus/go1.23.1"
WORKLOADS = [sc.name for sc in builtin_registry()]
REDUCED: dict[str, dict[str, Any]] = {
    "blocking-logger": {"d": 0.05},
    "fanout-cpu": {"g": 50},
    "gc-churn": {"iters": 300, "live": 4},
    "open-loop-server": {"d": 0.05},
    "pingpong": {"r": 2000},
    "pipeline": {"n": 500},
    "syscall-block": {"r": 5},
    "timer-storm": {"r": 5},
}


def _paths(o: Any, pre: str = "") -> dict[str, Any]:
    """Every dict key path (a/b/c) -> its value."""
    out: dict[str, Any] = {}
    if isinstance(o, dict):
        for k, v in o.items():
            p = f"{pre}/{k}" if pre else k
            out[p] = v
            out.update(_paths(v, p))
    return out


def _real(name: str, gmp: int) -> dict[str, Any]:
    f = sorted((REF / name).glob(f"*-gmp{min(gmp, 2)}-rep1.json"))[0]
    return json.loads(f.read_text())


def _same_keys(sim: dict[str, Any], real: dict[str, Any]) -> None:
    sp = {p: v for p, v in _paths(sim).items() if p.split("/")[0] not in MODEL_ONLY_TOP_LEVEL}
    rp = _paths(real)
    nulls = [p for p, v in sp.items() if v is None]  # unknowable in a model: null subtree

    def hidden(p: str) -> bool:
        return any(p.startswith(n + "/") for n in nulls)

    assert set(sp) == {p for p in rp if not hidden(p)}
    assert set(sim) - set(real) == set(MODEL_ONLY_TOP_LEVEL) & set(sim)


def test_reduced_sizes_cover_every_workload() -> None:
    assert sorted(REDUCED) == sorted(WORKLOADS) and len(WORKLOADS) == 8


@pytest.mark.parametrize("gmp", [1, 2, 8])
@pytest.mark.parametrize("name", WORKLOADS)
def test_reduced_run_has_real_key_set(name: str, gmp: int) -> None:
    out = simulate(name, gomaxprocs=gmp, overrides=REDUCED[name])
    res = json.loads(json.dumps(out.result))
    _same_keys(res, _real(name, gmp))
    assert res["gomaxprocs"] == gmp
    assert res["metrics_end"]["/gc/cycles/total:gc-cycles"] == out.runtime.gc.numgc
    if name == "gc-churn":
        assert out.runtime.gc.numgc >= 1
        assert res["metrics_end"]["/gc/pauses:seconds"]["total"] == 2 * out.runtime.gc.numgc


@pytest.mark.slow
@pytest.mark.parametrize("gmp", [1, 2, 8])
def test_default_parameters_run_everywhere(gmp: int) -> None:
    """Default parameters of every workload (about 10 s of CPU for all three GOMAXPROCS)."""
    for name in WORKLOADS:
        out = simulate(name, gomaxprocs=gmp)
        _same_keys(json.loads(json.dumps(out.result)), _real(name, gmp))
