"""Scenario registry, parameters and settings mirror the refcorpus programs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import goschedlab
from goschedlab.errors import UserInputError
from goschedlab.workloads import BUILTIN, Param, Registry, Scenario, builtin_registry

REF = Path(goschedlab.__file__).parent / "data" / "refcorpus" / "go1.23.1"
NAMES = [
    "blocking-logger",
    "fanout-cpu",
    "gc-churn",
    "open-loop-server",
    "pingpong",
    "pipeline",
    "syscall-block",
    "timer-storm",
]


def test_builtin_names() -> None:
    assert builtin_registry().names() == NAMES
    assert len(BUILTIN) == 8


@pytest.mark.parametrize("name", NAMES)
def test_settings_and_defaults_equal_real_params(name: str) -> None:
    """Every (setting) resolves to exactly the params of the real run of that setting."""
    sc = builtin_registry().get(name)
    files = sorted((REF / name).glob("*-gmp1-rep1.json"))
    assert files
    seen = set()
    for f in files:
        setting = re.sub(r"-gmp\d+-rep\d+\.json$", "", f.name)
        seen.add(setting)
        real = json.loads(f.read_text())["params"]
        ours = {**sc.extra_params, **sc.resolve(setting)}
        assert ours == real, setting
        assert {k: type(v) for k, v in ours.items()} == {
            k: (float if isinstance(v, float) else type(v)) for k, v in ours.items()
        }
    assert seen == set(sc.settings)


def test_fanout_defaults_are_the_flag_defaults() -> None:
    sc = builtin_registry().get("fanout-cpu")
    assert sc.defaults() == {"g": 1000, "w": 200.0}
    assert sc.resolve("tiny") == {"g": 100000, "w": 1.0}
    assert sc.resolve("tiny", ["w=2.5"]) == {"g": 100000, "w": 2.5}
    assert sc.resolve(None, {"g": "0x10"}) == {"g": 16, "w": 200.0}


@pytest.mark.parametrize(
    ("name", "setting", "sets", "msg"),
    [
        (
            "fanout-cpu",
            "huge",
            [],
            "fanout-cpu: unknown setting 'huge' (valid: default, tiny, long)",
        ),
        ("fanout-cpu", None, ["x=1"], "fanout-cpu: unknown parameter 'x' (valid: g, w)"),
        ("fanout-cpu", None, ["g=abc"], "--set g=abc: parameter 'g' expects int, got 'abc'"),
        ("fanout-cpu", None, ["g"], "--set 'g': expected key=value"),
        ("fanout-cpu", None, ["g=0"], "--set g=0: parameter 'g' must be >= 1, got 0"),
        ("pingpong", None, ["w=nan"], "--set w=nan: parameter 'w' expects float, got 'nan'"),
    ],
)
def test_bad_parameters_one_line(name: str, setting: str | None, sets: list[str], msg: str) -> None:
    sc = builtin_registry().get(name)
    with pytest.raises(UserInputError) as ei:
        sc.resolve(setting, sets)
    assert str(ei.value) == msg


def test_unknown_workload_lists_valid() -> None:
    with pytest.raises(UserInputError) as ei:
        builtin_registry().get("fanout")
    assert str(ei.value) == "unknown workload 'fanout' (valid: " + ", ".join(NAMES) + ")"


def test_registry_custom_scenario_and_duplicates() -> None:
    def main(rep, p):  # type: ignore[no-untyped-def]
        yield from ()

    reg = Registry(BUILTIN)
    mine = Scenario("mine", "x", (Param("n", int, 3, "n"),), {}, "", main)
    reg.add(mine)
    assert reg.get("mine") is mine
    with pytest.raises(ValueError):
        reg.add(mine)
    assert builtin_registry().names() == NAMES  # a fresh registry is unaffected


def test_real_result_params_resolve_as_is() -> None:
    for f in sorted(REF.glob("*/*-gmp2-rep1.json")):
        real = json.loads(f.read_text())
        if real["workload"] == "calibrate":
            continue
        sc = builtin_registry().get(real["workload"])
        assert {**sc.extra_params, **sc.resolve(None, real["params"])} == real["params"]
    with pytest.raises(UserInputError):
        builtin_registry().get("fanout-cpu").resolve(None, {"trace": "x.out"})
