"""casgstatus / casPstatus transition tables, throws naming the Go function, cost files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from goschedlab.errors import UserInputError
from goschedlab.runtime import Costs, Runtime, Throw, load_costs
from goschedlab.runtime.g import (
    LEGAL_G_PAIRS,
    _Gdead,
    _Grunnable,
    _Grunning,
    _Gsyscall,
    _Gwaiting,
    casgstatus,
)
from goschedlab.runtime.p import LEGAL_P_PAIRS, _Pidle, _Prunning, _Psyscall, casPstatus
from goschedlab.runtime.proc import acquirep, execute, pidleget


def test_legal_g_table_is_spec_2_2() -> None:
    assert (_Grunning, _Grunnable) in LEGAL_G_PAIRS
    assert (_Gsyscall, _Grunnable) in LEGAL_G_PAIRS
    assert (_Grunnable, _Gwaiting) not in LEGAL_G_PAIRS
    assert (_Gdead, _Grunning) not in LEGAL_G_PAIRS
    assert (_Gwaiting, _Gsyscall) not in LEGAL_G_PAIRS
    assert len(LEGAL_G_PAIRS) == 16


def test_illegal_g_transition_throws_with_go_function_g_from_to_and_time(
    rt4: Runtime, make_gs: Any
) -> None:
    (gp,) = make_gs(rt4, 1)
    rt4.sim.try_advance(1234)
    with pytest.raises(Throw) as ei:
        casgstatus(rt4, gp, _Grunnable, _Gwaiting, "park_m")
    msg = str(ei.value)
    assert msg.startswith("park_m: casgstatus: bad transition of G")
    assert "_Grunnable -> _Gwaiting" in msg and msg.endswith("at t=1234ns")
    assert ei.value.fn == "park_m"
    # a status mismatch (G is runnable, caller believes waiting) is caught too
    with pytest.raises(Throw, match=r"ready: .*is _Grunnable, asked _Gwaiting -> _Grunnable"):
        casgstatus(rt4, gp, _Gwaiting, _Grunnable, "ready")


def test_illegal_p_transition_throws(rt4: Runtime) -> None:
    pp = rt4.allp[1]
    assert pp.status == _Pidle
    assert (_Pidle, _Psyscall) not in LEGAL_P_PAIRS
    with pytest.raises(Throw, match=r"^reentersyscall: bad P status change of P1\(_Pidle\)"):
        casPstatus(rt4, pp, _Pidle, _Psyscall, "reentersyscall")
    with pytest.raises(Throw, match=r"^releasep: .*status is _Pidle, asked _Prunning -> _Pidle"):
        casPstatus(rt4, pp, _Prunning, _Pidle, "releasep")


def test_wirep_rejects_a_busy_p(rt4: Runtime) -> None:
    from goschedlab.runtime.m import M

    with pytest.raises(Throw, match="^wirep: invalid p state"):
        acquirep(rt4, M(9), rt4.allp[0])  # P0 belongs to m0
    pp = pidleget(rt4)
    assert pp is not None
    acquirep(rt4, M(9), pp)


def test_g_run_twice_is_detected(rt4: Runtime, make_gs: Any) -> None:
    (gp,) = make_gs(rt4, 1)
    execute(rt4, rt4.m0, gp, False)
    with pytest.raises(Throw, match="^execute: .*run twice"):
        execute(rt4, rt4.m0, gp, False)


def test_latency_sampling_one_in_eight(rt4: Runtime, make_gs: Any) -> None:
    # trackingSeq % 8 == 0 on a transition out of running starts tracking one episode.
    (gp,) = make_gs(rt4, 1)
    gp.tracking = False
    gp.trackingSeq = 0
    rt4.timeToRun.__init__()  # type: ignore[misc]
    execute(rt4, rt4.m0, gp, False)  # not tracked: nothing recorded
    assert rt4.timeToRun.n == 0
    samples = []
    for _ in range(16):
        casgstatus(rt4, gp, _Grunning, _Grunnable, "goschedImpl")
        rt4.sim.try_advance(rt4.sim.now + 1000)
        casgstatus(rt4, gp, _Grunnable, _Grunning, "execute")
        samples.append(rt4.timeToRun.n)
    assert samples[-1] == 2  # seq 0 and 8
    assert samples[0] == 1 and samples[7] == 1 and samples[8] == 2
    assert rt4.timeToRun.counts()[12] == 2  # 1000 ns is in [896, 1024) ns (spec 8.4)


def test_costs_toml_override_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text("[costs]\nmwake_ns = 1234\nclock_read_ns = 40\n")
    c = load_costs(f)
    assert c.mwake_ns == 1234 and c.clock_read_ns == 40 and c.schedule_ns == Costs().schedule_ns
    f.write_text("mwake_ns = 5\nbogus_ns = 3\n")
    with pytest.raises(UserInputError) as ei:
        load_costs(f)
    assert "\n" not in str(ei.value)
    assert str(ei.value).startswith(f"{f}: unknown cost key 'bogus_ns'")
    f.write_text("mwake_ns = 1.5\n")
    with pytest.raises(UserInputError, match="'mwake_ns' must be a non-negative integer"):
        load_costs(f)
    f.write_text("mwake_ns = \n")
    with pytest.raises(UserInputError, match="not valid TOML"):
        load_costs(f)
    with pytest.raises(UserInputError, match="cannot read"):
        load_costs(tmp_path / "missing.toml")
