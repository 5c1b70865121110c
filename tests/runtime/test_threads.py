"""Syscalls at scale: thread (M) creation, hand-off, idle-M reuse and the thread limit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import Go, SetMaxThreads, Syscall, WaitGroup, WgAdd, WgDone, WgWait

CORPUS = Path(__file__).parents[2] / "src/goschedlab/data/refcorpus/go1.23.1/syscall-block"
MS = 1_000_000


def _blockers(n: int, rounds: int, marks: list[int], rt_box: list[Runtime]) -> Any:
    """main: n goroutines x rounds of a 5 ms blocking syscall; mcount after each round."""

    def main() -> Any:
        for _ in range(rounds):
            wg = WaitGroup()
            yield WgAdd(wg, n)
            for _ in range(n):
                yield Go(blocker, wg)
            yield WgWait(wg)
            marks.append(rt_box[0].mcount())

    def blocker(wg: WaitGroup) -> Any:
        yield Syscall(5 * MS)
        yield WgDone(wg)

    return main


def test_blocking_syscalls_grow_threads_then_reuse_idle_ms() -> None:
    marks: list[int] = []
    box: list[Runtime] = []
    rt = Runtime(Config(gomaxprocs=2))
    box.append(rt)
    at_start = rt.mcount()  # m0, sysmon and the idle startup threads
    res = rt.run(_blockers(40, 3, marks, box))
    assert res.exit_code == 0
    # each of the 40 concurrent syscalls holds a thread: sysmon retakes the P (handoffp)
    # and a new M runs the next goroutine; m0 + sysmon + ~40 blocked + the P owners.
    assert 40 <= marks[0] <= 45
    # later rounds reuse the parked idle Ms (mget) instead of creating threads
    assert marks[1] == marks[0] and marks[2] == marks[0]
    assert res.stats.syscall_retakes >= 39 * 3
    assert res.stats.threads_created == marks[0] - at_start
    assert len(rt.sched.midle) >= marks[0] - 4  # parked, never reaped (Go never frees idle Ms)


def test_thread_limit_is_fatal_with_gos_message() -> None:
    marks: list[int] = []
    box: list[Runtime] = []
    rt = Runtime(Config(gomaxprocs=2, maxmcount=20))
    box.append(rt)
    res = rt.run(_blockers(40, 1, marks, box))
    assert res.exit_code == 2
    assert res.fatal == (
        "runtime: program exceeds 20-thread limit",
        "fatal error: thread exhaustion",
    )
    assert res.threads == 21  # mReserveID counted the 21st before checkmcount died


def test_SetMaxThreads_op_returns_old_limit_and_kills_below_count() -> None:
    got: list[int] = []

    def main() -> Any:
        got.append((yield SetMaxThreads(50)))
        got.append((yield SetMaxThreads(40)))
        yield SetMaxThreads(1)  # m0 + sysmon exist: dies at once, nothing shrinks

    res = Runtime(Config(gomaxprocs=1)).run(main)
    assert got == [10000, 50]
    assert res.exit_code == 2
    assert res.fatal[0] == "runtime: program exceeds 1-thread limit"


@pytest.mark.parametrize(("setting", "gmp"), [("default", 1), ("default", 2), ("many", 2)])
def test_syscall_block_thread_growth_matches_real_go(setting: str, gmp: int) -> None:
    """Threads created during the measured phase (threads_end - threads_before_phase) within
    2 of the real go1.23.1 median."""
    files = sorted(CORPUS.glob(f"{setting}-gmp{gmp}-rep*.json"))
    growth = sorted(
        d["threads_end"] - d["threads_before_phase"]
        for d in (json.loads(f.read_text()) for f in files)
    )
    out = simulate("syscall-block", setting=setting, gomaxprocs=gmp)
    sim = out.result["threads_end"] - out.result["threads_before_phase"]
    assert abs(sim - growth[len(growth) // 2]) <= 2, (sim, growth)
