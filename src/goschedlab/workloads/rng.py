"""Seeded inputs of the reference workloads, bit-exact with the Go programs.

The refcorpus programs draw arrival gaps, service times and sleep lengths from a splitmix64
generator (``common.Rng`` there).  The same sequences are produced here so that a simulated run
replays exactly the inputs of the real run; the ``*_checksum`` objects of the result files
(:func:`arrivals_checksum`) prove it.

Float details that matter for bit-exactness:

* ``u = (x >> 11) / 2**53`` is exact in binary64.
* Exponential draws are ``round(-mean * ln(1 - u))`` with Go's ``math.Round`` (half away from
  zero), not Python's banker's ``round``.
* Uniform draws truncate ``u * max`` toward zero (Go's ``int64(float64)`` conversion).
"""

from __future__ import annotations

import math
from typing import Final

M64: Final = (1 << 64) - 1
_GAMMA: Final = 0x9E3779B97F4A7C15


def go_round(x: float) -> int:
    """Go's ``int64(math.Round(x))``: nearest integer, halves away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


class Rng:
    """splitmix64 stream; the same seed gives the same sequence as the Go workloads' RNG."""

    __slots__ = ("s",)

    def __init__(self, seed: int) -> None:
        self.s = seed & M64

    def uint64(self) -> int:
        """Next 64-bit output (splitmix64 finaliser)."""
        self.s = (self.s + _GAMMA) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def float64(self) -> float:
        """Uniform in [0, 1) from the top 53 bits."""
        return (self.uint64() >> 11) / 9007199254740992.0

    def exp_ns(self, mean_ns: float) -> int:
        """Exponential duration with the given mean, rounded half away from zero (Go's Round)."""
        return go_round(-mean_ns * math.log(1.0 - self.float64()))

    def uniform_ns(self, max_ns: int) -> int:
        """``floor(u * max_ns)``: uniform in [0, max_ns)."""
        return int(self.float64() * float(max_ns))


def poisson_arrivals(
    seed: int, rate: float, dur_s: float, mean_svc_ns: float | None = None
) -> tuple[list[int], list[int]]:
    """Arrival offsets of a Poisson process over ``dur_s`` seconds, optionally with service times.

    The stream alternates gap, service, gap, service, ... when ``mean_svc_ns`` is given; the
    draw that crosses the window end is consumed and dropped, as in the Go programs.
    """
    rng = Rng(seed)
    limit = int(dur_s * 1e9)
    mean = 1e9 / rate
    t = 0
    arr: list[int] = []
    svc: list[int] = []
    while True:
        t += rng.exp_ns(mean)
        s = rng.exp_ns(mean_svc_ns) if mean_svc_ns is not None else 0
        if t >= limit:
            break
        arr.append(t)
        if mean_svc_ns is not None:
            svc.append(s)
    return arr, svc


def pipeline_arrivals(seed: int, rate: float, n: int) -> list[int]:
    """``n`` cumulative exponential arrival offsets (pipeline ``-rate``; no window)."""
    rng = Rng(seed)
    t = 0
    out: list[int] = []
    mean = 1e9 / rate
    for _ in range(n):
        t += rng.exp_ns(mean)
        out.append(t)
    return out


def timer_storm_sleeps(seed: int, g: int, r: int, max_ns: int) -> list[list[int]]:
    """Per-goroutine sleep lengths: goroutine k draws from ``Rng(seed + k<<32)``."""
    out: list[list[int]] = []
    for k in range(g):
        rng = Rng((seed + (k << 32)) & M64)
        out.append([rng.uniform_ns(max_ns) for _ in range(r)])
    return out


def arrivals_checksum(a: list[int]) -> dict[str, object]:
    """The ``*_checksum`` object of the result files: n, sum, first five, last.

    An empty schedule gives ``first_ns: null``, as Go encodes the nil slice.
    """
    return {
        "n": len(a),
        "sum_ns": sum(a),
        "first_ns": a[:5] if a else None,
        "last_ns": a[-1] if a else 0,
    }
