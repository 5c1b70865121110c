"""Netpoller with open arrivals: who readies a goroutine parked in NetRead, and when."""

from __future__ import annotations

from typing import Any

import pytest

from goschedlab.runtime import Config, Costs, Runtime, Throw
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import (
    Conn,
    Go,
    NetRead,
    Now,
    Sleep,
    Spin,
    WaitGroup,
    WgAdd,
    WgDone,
    WgWait,
)

MS = 1_000_000


def _run(cfg: Config, main: Any) -> Runtime:
    rt = Runtime(cfg)
    res = rt.run(main)
    assert res.exit_code == 0, res.fatal
    return rt


def test_blocked_netpoller_m_is_woken_by_the_arrival() -> None:
    """Step R: the idle M blocks in netpoll; each arrival wakes it netpoll_break_ns later."""
    got: list[tuple[int, int]] = []
    conn = Conn([1 * MS, 3 * MS, 3 * MS + 10], close_at=4 * MS)

    def main() -> Any:
        while True:
            a = yield NetRead(conn)
            if a is None:
                break
            got.append((a, (yield Now())))

    costs = Costs(wake_jitter_ns=0)  # exact wake-up latency (no kernel variance)
    rt = _run(Config(gomaxprocs=1, costs=costs), main)
    assert [a for a, _ in got] == [1 * MS, 3 * MS, 3 * MS + 10]
    first_delay = got[0][1] - got[0][0]
    assert costs.netpoll_break_ns <= first_delay <= costs.netpoll_break_ns + 3_000
    # the third request was already pending when the second was read: no wait
    assert got[2][1] - got[1][1] < 2_000
    assert rt.stats.netpoll_blocks >= 2
    assert rt.netpollWaiters == 0
    rt.net.check()


def test_findRunnable_netpoll0_readies_when_a_p_goes_idle() -> None:
    """Step K: no M is in netpoll while main spins; when main parks, findRunnable's
    netpoll(0) finds the reader at once (long before sysmon's 10 ms poll)."""
    read_at: list[int] = []
    conn = Conn([1 * MS])
    wg = WaitGroup()

    def reader() -> Any:
        yield NetRead(conn)
        read_at.append((yield Now()))
        yield WgDone(wg)

    def main() -> Any:
        yield WgAdd(wg, 1)
        yield Go(reader)
        yield Spin(5 * MS)  # reader parks first (runnext), main keeps the only P
        yield WgWait(wg)

    rt = _run(Config(gomaxprocs=1), main)
    assert len(read_at) == 1
    assert 5 * MS < read_at[0] < 5 * MS + 20_000
    assert rt.netpollWaiters == 0


def test_sysmon_netpoll_readies_when_every_p_is_busy() -> None:
    """A CPU-bound main never lets findRunnable reach step K; sysmon polls after 10 ms and
    injects the reader into the global queue, which runs at main's next preemption."""
    read_at: list[int] = []
    conn = Conn([1 * MS])
    wg = WaitGroup()

    def reader() -> Any:
        yield NetRead(conn)
        read_at.append((yield Now()))
        yield WgDone(wg)

    def main() -> Any:
        yield Sleep(10_000)  # moves P0's schedtick off 0 (real Go ran its init Gs by now)
        yield WgAdd(wg, 1)
        yield Go(reader)
        yield Spin(50 * MS)
        yield WgWait(wg)

    rt = _run(Config(gomaxprocs=1), main)
    assert len(read_at) == 1
    # Only sysmon's netpoll can find it before main's spin ends at 50 ms: at each preemption
    # findRunnable finds main in the global queue (steps F/J) before reaching step K.
    assert 10 * MS < read_at[0] < 50 * MS
    assert rt.stats.preemptions >= 1


def test_eof_and_double_wait() -> None:
    conn = Conn([], close_at=2 * MS)
    seen: list[Any] = []

    def main() -> Any:
        seen.append((yield NetRead(conn)))
        seen.append((yield Now()))

    _run(Config(gomaxprocs=1), main)
    assert seen[0] is None and seen[1] >= 2 * MS

    shared = Conn([5 * MS])

    def r() -> Any:
        yield NetRead(shared)

    def main2() -> Any:
        yield Go(r)
        yield Go(r)
        yield Spin(1 * MS)

    with pytest.raises(Throw, match="netpollblock: double wait"):
        Runtime(Config(gomaxprocs=2)).run(main2)


def test_net_server_latency_is_completion_minus_arrival_and_deterministic() -> None:
    over = {"conns": 16, "rate": 4000.0, "d": 0.2}
    a = simulate("net-server", overrides=over, gomaxprocs=2, seed=3)
    b = simulate("net-server", overrides=over, gomaxprocs=2, seed=3)
    assert a.result == b.result
    lat = a.result["latency"]["request"]
    assert lat["n"] == a.result["requests"] > 600
    assert lat["min_ns"] >= 0
    # every request waited at least its share of a netpoller wake-up or was pending
    assert a.result["latency"]["read_delay"]["p50_ns"] > 0
    assert a.runtime.netpollWaiters == 0
    one = simulate("net-server", overrides=over, gomaxprocs=1)
    # one P at 0.8 offered load queues more than two Ps at 0.4
    assert one.result["latency"]["request"]["p99_ns"] > lat["p99_ns"]
