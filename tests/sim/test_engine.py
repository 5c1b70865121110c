"""The event engine: ordering, cancellation, inline advance, run(until), RNG streams."""

from __future__ import annotations

import pytest

from goschedlab.sim import Simulation


def test_fifo_tie_break_and_priority() -> None:
    sim = Simulation()
    log: list[tuple[int, str]] = []
    sim.at(10, lambda a: log.append((sim.now, a)), "a")
    sim.at(5, lambda a: log.append((sim.now, a)), "b")
    sim.at(10, lambda a: log.append((sim.now, a)), "c")
    sim.at(10, lambda a: log.append((sim.now, a)), "p0", prio=0)
    sim.at(5, lambda a: log.append((sim.now, a)), "d")
    assert sim.run() == 5
    assert log == [(5, "b"), (5, "d"), (10, "p0"), (10, "a"), (10, "c")]


def test_cancel_and_events_scheduled_during_run() -> None:
    sim = Simulation()
    log: list[str] = []
    ev = sim.at(3, log.append, "cancelled")
    sim.at(1, lambda _: sim.after(1, log.append, "child"))
    sim.at(2, lambda _: sim.cancel(ev))
    sim.run()
    assert log == ["child"]
    assert sim.statistics().cancelled == 1
    sim.cancel(ev)  # cancelling twice is a no-op
    assert sim.statistics().cancelled == 1


def test_try_advance_refuses_equal_or_later_pending_event() -> None:
    sim = Simulation()
    sim.at(100, lambda _: None)
    assert sim.try_advance(99) and sim.now == 99
    assert not sim.try_advance(100)
    assert sim.now == 99
    sim.run()
    assert sim.now == 100
    assert sim.try_advance(10_000) and sim.now == 10_000


def test_run_until_leaves_later_events_pending() -> None:
    sim = Simulation()
    log: list[int] = []
    for t in (10, 20, 30):
        sim.at(t, log.append, t)
    sim.run(until=20)
    assert log == [10, 20] and sim.now == 20
    sim.run()
    assert log == [10, 20, 30]


def test_at_in_the_past_is_refused() -> None:
    sim = Simulation()
    sim.at(5, lambda _: None)
    sim.run()
    with pytest.raises(ValueError, match="before now=5"):
        sim.at(4, lambda _: None)


def test_stop() -> None:
    sim = Simulation()
    log: list[int] = []
    sim.at(1, lambda _: (log.append(1), sim.stop()))
    sim.at(2, log.append, 2)
    sim.run()
    assert log == [1]


def test_rng_streams_are_seeded_and_independent() -> None:
    a = Simulation(seed=7)
    b = Simulation(seed=7)
    c = Simulation(seed=8)
    xa = [a.rng("steal").random() for _ in range(5)]
    b.rng("other").random()  # using another stream first must not perturb "steal"
    xb = [b.rng("steal").random() for _ in range(5)]
    xc = [c.rng("steal").random() for _ in range(5)]
    assert xa == xb
    assert xa != xc
    assert a.rng("steal") is a.rng("steal")
