"""Channels, WaitGroup, Mutex, time.Sleep timers and sysmon's schedtrace hook."""

from __future__ import annotations

import json
import statistics
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime
from goschedlab.workloads.ops import (
    Chan,
    Close,
    Cpu,
    Go,
    Lock,
    Mutex,
    Now,
    Recv,
    Send,
    Sleep,
    Unlock,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)

Body = Generator[Any, Any, Any]
DATA = json.loads((Path(__file__).parent / "data" / "go1231_calibrate_extract.json").read_text())


def test_buffered_channel_is_fifo_and_blocks_when_full() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    got: list[Any] = []

    def producer(ch: Chan) -> Body:
        for i in range(5):
            yield Send(ch, i)
        yield Close(ch)

    def main() -> Body:
        ch = Chan(2)
        yield Go(producer, ch)
        while True:
            v, ok = yield Recv(ch)
            if not ok:
                break
            got.append(v)

    res = rt.run(main)
    assert res.exit_code == 0 and got == [0, 1, 2, 3, 4]


def test_send_to_parked_receiver_hands_off_and_readies_into_runnext() -> None:
    rt = Runtime(Config(gomaxprocs=1))
    seen: dict[str, Any] = {}

    def receiver(ch: Chan) -> Body:
        seen["v"] = yield Recv(ch)

    def main() -> Body:
        ch = Chan(0)
        yield Go(receiver, ch)
        yield Sleep(1000)  # main parks; the receiver runs and parks in Recv
        rx = rt.allgs[1]
        assert rx.waitreason_str == "chan receive"
        yield Send(ch, 42)
        seen["runnext"] = rt.allp[0].runnext
        seen["rx"] = rx

    res = rt.run(main)
    assert res.exit_code == 0
    assert seen["runnext"] is seen["rx"]  # goready: the readier's runnext


def test_close_wakes_all_receivers_with_ok_false() -> None:
    rt = Runtime(Config(gomaxprocs=2))
    results: list[tuple[Any, bool]] = []

    def rx(ch: Chan, wg: WaitGroup) -> Body:
        results.append((yield Recv(ch)))
        yield WgDone(wg)

    def main() -> Body:
        ch = Chan(0)
        wg = WaitGroup()
        yield WgAdd(wg, 3)
        for _ in range(3):
            yield Go(rx, ch, wg)
        yield Sleep(2_000_000)
        yield Close(ch)
        yield WgWait(wg)

    res = rt.run(main)
    assert res.exit_code == 0 and results == [(None, False)] * 3


def test_send_on_closed_channel_panics() -> None:
    rt = Runtime(Config(gomaxprocs=1))

    def main() -> Body:
        ch = Chan(1)
        yield Close(ch)
        yield Send(ch, 1)

    res = rt.run(main)
    assert res.exit_code == 2 and res.fatal[0] == "panic: send on closed channel"


def test_mutex_mutual_exclusion_and_starvation_handoff() -> None:
    rt = Runtime(Config(gomaxprocs=2))
    inside = [0]
    maxin = [0]
    order: list[int] = []

    def w(i: int, mu: Mutex, wg: WaitGroup) -> Body:
        for _ in range(5):
            yield Lock(mu)
            inside[0] += 1
            maxin[0] = max(maxin[0], inside[0])
            order.append(i)
            yield Cpu(600_000)  # long critical sections: waiters exceed 1 ms -> starvation
            inside[0] -= 1
            yield Unlock(mu)
        yield WgDone(wg)

    def main() -> Body:
        mu = Mutex()
        wg = WaitGroup()
        yield WgAdd(wg, 4)
        for i in range(4):
            yield Go(w, i, mu, wg)
        yield WgWait(wg)

    res = rt.run(main)
    assert res.exit_code == 0 and maxin[0] == 1 and len(order) == 20
    # 20 critical sections of 0.6 ms serialised.
    assert res.makespan_ns >= 12_000_000
    # In starvation mode ownership rotates: no goroutine holds the lock 5 times in a row.
    assert all(order[k : k + 5] != [order[k]] * 5 for k in range(16))


def _sleep_actual(gmp: int, d: int, n: int = 40) -> float:
    rt = Runtime(Config(gomaxprocs=gmp))

    def main() -> Body:
        out = []
        for _ in range(n):
            t = yield Now()
            yield Sleep(d)
            t2 = yield Now()
            out.append(t2 - t)
        return statistics.median(out)

    res = rt.run(main)
    assert res.exit_code == 0
    return res.main_result


@pytest.mark.parametrize("label,d", [("1µs", 1_000), ("50µs", 50_000), ("1ms", 1_000_000)])
def test_idle_gomaxprocs1_sleep_oversleeps_like_go(label: str, d: int) -> None:
    # An idle M blocks in netpoll(delay) whose epoll timeout is a whole ms: ~1.09 ms.
    real = statistics.median(DATA["sleep_actual_p50_ns_gmp1"][label])
    ours = _sleep_actual(1, d)
    assert ours == pytest.approx(real, rel=0.03)


def test_waitgroup_wait_returns_at_once_when_zero() -> None:
    rt = Runtime(Config(gomaxprocs=1))

    def main() -> Body:
        wg = WaitGroup()
        yield WgWait(wg)
        return (yield Now())

    res = rt.run(main)
    assert res.exit_code == 0 and res.main_result < 1_000


def test_schedtrace_hook_called_every_period_from_first_sysmon_tick() -> None:
    calls: list[int] = []
    rt = Runtime(Config(gomaxprocs=2, schedtrace_ms=10), schedtrace=calls.append)

    def main() -> Body:
        yield Cpu(55_000_000)

    res = rt.run(main)
    assert res.exit_code == 0
    assert len(calls) == 6  # ~0, 10, 20, 30, 40, 50 ms
    assert calls[0] < 200_000
    gaps = [b - a for a, b in zip(calls, calls[1:], strict=False)]
    assert all(10_000_000 <= g <= 10_000_000 + 10_100_000 for g in gaps)
