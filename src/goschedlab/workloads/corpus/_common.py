"""Pieces shared by the corpus scenarios: ``SpinNs``, the open-loop generator, unit helpers."""

from __future__ import annotations

from collections.abc import Callable

from goschedlab.workloads.ops import GoroutineBody, Now, Sleep, Spin


def us_to_ns(us: float) -> int:
    """``int64(us * 1000)`` (Go truncates toward zero)."""
    return int(us * 1000)


def spin_ns(ns: int) -> GoroutineBody:
    """``common.SpinNs``: nothing for ns <= 0, else busy until start + ns (elapsed time)."""
    if ns > 0:
        yield Spin(ns)


def run_open_loop(t0: int, arr: list[int], spawn: Callable[[int], GoroutineBody]) -> GoroutineBody:
    """``common.RunOpenLoop`` on the calling goroutine: sleep until due, then spawn every due one.

    ``spawn(i)`` is a generator (``yield from``-ed): it normally records ``Now()`` and yields
    ``Go(handler, i)``.  Latency is measured by the caller from the scheduled ``t0 + arr[i]``.
    """
    n = len(arr)
    i = 0
    while i < n:
        now = yield Now()
        due = t0 + arr[i]
        if now < due:
            yield Sleep(due - now)
            continue
        while i < n and t0 + arr[i] <= now:
            yield from spawn(i)
            i += 1
