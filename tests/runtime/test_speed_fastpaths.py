"""The fused hot paths of sim-speed-2 change no output and keep Go's invariant checks.

* schedule()'s fused local-runq path (findRunnable steps A-I + runqget + scheduleFound +
  execute inlined), newproc's inlined runqput and stealWork's skip of runqsteal on an empty
  victim versus the full calls: a policy with
  ``locks_runq = True`` whose lock costs 0 ns makes the runtime take the full path
  everywhere with the same semantics, so both runs must render byte-identical results;
* the inlined casgstatus copies still throw naming the Go function (gdestroy, park_m,
  execute) on an illegal transition, as casgstatus does.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from goschedlab.observe.result import dumps_go
from goschedlab.policies.base import Policy
from goschedlab.runtime import Config, Runtime, Throw
from goschedlab.runtime.g import _Grunnable, _Gwaiting
from goschedlab.runtime.proc import goexit0, gopark
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import Go, Gosched

CASES: list[tuple[str, str | None, list[str], int]] = [
    ("fanout-cpu", "tiny", ["g=3000"], 1),
    ("fanout-cpu", "tiny", ["g=3000"], 2),
    ("fanout-cpu", "tiny", ["g=3000"], 8),
    ("open-loop-server", "light", ["d=0.3"], 1),
    ("pingpong", "pairs8", ["r=400"], 4),
    ("timer-storm", None, [], 2),
]


class ZeroCostRunqLock(Policy):
    """Go 1.23 behaviour, but flagged as locking the run queue (at 0 ns): the runtime then
    calls findRunnable/runqget/runqput for every local-queue operation."""

    locks_runq = True


def _render(case: tuple[str, str | None, list[str], int], **kw: Any) -> tuple[str, int, int]:
    name, setting, sets, gmp = case
    out = simulate(name, setting=setting, overrides=sets, gomaxprocs=gmp, schedtrace_ms=5, **kw)
    stats = out.runtime.stats
    # findrunnable_calls differs by construction (it counts the path taken): compare the rest
    counters = out.result["model_counters"]
    assert counters["findrunnable_calls"] == stats.findrunnable_calls
    counters["findrunnable_calls"] = 0
    text = "\n".join([dumps_go(out.result), *out.schedtrace])
    return text, stats.findrunnable_calls, stats.schedules


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-gmp{c[3]}" for c in CASES])
def test_fused_schedule_equals_full_path(case: tuple[str, str | None, list[str], int]) -> None:
    fast, fast_calls, fast_sched = _render(case)
    slow, slow_calls, slow_sched = _render(case, config_extra={"policy": ZeroCostRunqLock()})
    assert slow == fast
    assert fast_sched == slow_sched > 0
    # the slow run went through findRunnable on every schedule() (and on idle-path
    # retries), the fast one skipped it for at least a fifth of them
    assert slow_calls >= slow_sched
    assert fast_calls < slow_calls - fast_sched // 5


Body = Generator[Any, Any, Any]


class _Corrupt:
    """A runtime-internal op (rt_exec) that breaks an invariant, then calls ``then``."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def rt_exec(self, rt: Runtime, mp: Any, gp: Any) -> bool:
        return bool(self.fn(rt, mp, gp))


def _run(main: Any) -> None:
    Runtime(Config(gomaxprocs=1)).run(main)


def test_goexit0_inline_casgstatus_throws_on_a_non_running_g() -> None:
    def bad(rt: Runtime, mp: Any, gp: Any) -> bool:
        gp.atomicstatus = _Grunnable
        return goexit0(rt, mp, gp)

    def main() -> Body:
        yield _Corrupt(bad)

    with pytest.raises(Throw, match=r"^gdestroy: casgstatus: bad transition .*_Grunnable"):
        _run(main)


def test_gopark_inline_casgstatus_throws_on_a_non_running_g() -> None:
    def bad(rt: Runtime, mp: Any, gp: Any) -> bool:
        gp.atomicstatus = _Gwaiting
        return gopark(rt, mp, gp, 0)

    def main() -> Body:
        yield _Corrupt(bad)

    with pytest.raises(Throw, match=r"^park_m: casgstatus: bad transition .*_Gwaiting"):
        _run(main)


def test_fused_execute_throws_on_a_g_that_is_already_running() -> None:
    def child() -> Body:
        yield Gosched()

    def mark_running(rt: Runtime, mp: Any, gp: Any) -> bool:
        mp.p.runnext.m = mp  # the child (in runnext) now claims to run on this M
        return True

    def main() -> Body:
        yield Go(child)
        yield _Corrupt(mark_running)
        yield Gosched()  # schedule() takes runnext through the fused path

    with pytest.raises(Throw, match=r"^execute: .* already running"):
        _run(main)
