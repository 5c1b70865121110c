"""The policy interface; :class:`Policy` itself is Go 1.23's behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from math import gcd
from random import Random
from typing import Any


class Policy:
    """Go 1.23.1's scheduler decisions.  Subclass and override hooks to model a change.

    Attributes are read once when a runtime is built (cheap on the hot path); methods are
    called where Go makes the decision.
    """

    name = "go1.23"
    description = "the faithful model of Go 1.23.1 (src/runtime/proc.go)"

    runq_capacity: int = 256
    globrunq_check_period: int = 61
    force_preempt_ns: int = 10_000_000
    steal_tries: int = 4

    def spinning_allowed(self, nmspinning: int, gomaxprocs: int, npidle: int) -> bool:
        """May a non-spinning M start spinning?  Models findRunnable's spinning cap."""
        return 2 * nmspinning < gomaxprocs - npidle

    def steal_order(self, rng: Random, nprocs: int, coprimes: list[int]) -> Iterator[int]:
        """P indices to visit in one stealWork pass.  Models proc.go: randomOrder.start.

        ``coprimes`` are the c in 1..nprocs with gcd(c, nprocs) == 1 (stealOrder.reset).
        """
        r = rng.getrandbits(32)
        pos = r % nprocs
        inc = coprimes[(r // nprocs) % len(coprimes)]
        for _ in range(nprocs):
            yield pos
            pos = (pos + inc) % nprocs

    def steal_extra_cost_ns(self, thief: Any, victim: Any, n: int) -> int:
        """Extra ns a steal attempt costs beyond the cost model's lock-free runqgrab."""
        return 0

    def after_failed_steal(self, m: Any, nfails: int) -> int:
        """Back-off after a failed stealWork round: ns to spin before retrying (0 = Go: none).

        A negative value means "park now".
        """
        return 0


def coprimes_of(n: int) -> list[int]:
    """Models proc.go: randomOrder.reset - every c in 1..n with gcd(c, n) == 1."""
    return [c for c in range(1, n + 1) if gcd(c, n) == 1]
