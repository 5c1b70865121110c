"""The policy interface; :class:`Policy` itself is Go 1.23's behaviour."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from math import gcd
from random import Random
from typing import Any, ClassVar

from goschedlab.errors import UserInputError


class Policy:
    """Go 1.23.1's scheduler decisions.  Subclass and override hooks to model a change.

    Attributes are read once when a runtime is built (cheap on the hot path); methods are
    called where Go makes the decision.  A policy may take keyword parameters (declared in
    ``params``, name -> (default, one-line help)); ``get("hotfix", cap=3)`` passes them.

    Per-run state: the runtime calls :meth:`bind` once with itself and uses the returned
    object; stateful policies return a fresh copy that holds the runtime (``self.rt``), so a
    policy object given in a Config can be reused for any number of runs.
    """

    name = "go1.23"
    description = "the faithful model of Go 1.23.1 (src/runtime/proc.go)"
    params: ClassVar[dict[str, tuple[Any, str]]] = {}

    runq_capacity: int = 256
    globrunq_check_period: int = 61
    force_preempt_ns: int = 10_000_000
    steal_tries: int = 4
    locks_runq: bool = False
    """True: the owner P's runqput/runqget take a lock too; the runtime then calls
    :meth:`runq_owner_cost_ns` at those call sites (False: never called, no cost)."""

    def __init__(self, **params: Any) -> None:
        self.rt: Any = None
        self.values: dict[str, Any] = {}
        for key, (default, _help) in self.params.items():
            self.values[key] = default
        for key, val in params.items():
            if key not in self.params:
                known = ", ".join(sorted(self.params)) or "none"
                raise UserInputError(
                    f"policy {self.name}: unknown parameter {key!r} (expected one of: {known})"
                )
            default = self.params[key][0]
            self.values[key] = _coerce(self.name, key, val, default)
        self.configure()

    def configure(self) -> None:
        """Apply ``self.values`` (called once by ``__init__``); subclasses validate here."""

    def bind(self, rt: Any) -> Policy:
        """The object the runtime ``rt`` will call for one run.

        The base is stateless and returns ``self``; policies with per-run state return a copy
        holding ``rt`` (see :meth:`new_run_state`).
        """
        return self

    def bound_copy(self, rt: Any) -> Policy:
        """A shallow copy of this policy bound to ``rt`` with fresh per-run state."""
        other = copy.copy(self)
        other.rt = rt
        other.values = dict(self.values)
        other.new_run_state(rt)
        return other

    def new_run_state(self, rt: Any) -> None:
        """Create the per-run state of a bound copy (stateful policies override)."""

    def spec(self) -> str:
        """``name`` plus non-default parameters, e.g. ``hotfix(cap=3)``."""
        diff = {k: v for k, v in self.values.items() if v != self.params[k][0]}
        if not diff:
            return self.name
        return self.name + "(" + ",".join(f"{k}={v}" for k, v in diff.items()) + ")"

    def statistics(self) -> dict[str, int]:
        """Counters the policy keeps for one run (bound copies only; base: none)."""
        return {}

    # ------------------------------------------------------------------ hooks
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
        """Extra ns a steal attempt costs beyond the cost model's lock-free runqgrab.

        Called by stealWork once per attempt on a non-idle victim (``thief``/``victim`` are
        Ps; ``n`` may be 0 when the runtime charges the cost before the grab)."""
        return 0

    def runq_owner_cost_ns(self, pp: Any) -> int:
        """Extra ns the owner of ``pp`` pays for one runqput/runqget (only if locks_runq)."""
        return 0

    def after_failed_steal(self, m: Any, nfails: int) -> int:
        """Back-off after a failed stealWork round: ns to spin before retrying (0 = Go: none).

        A negative value means "park now".
        """
        return 0


def _coerce(policy: str, key: str, val: Any, default: Any) -> Any:
    """Convert a CLI string (or a Python value) to the type of ``default``."""
    if isinstance(default, bool):
        if isinstance(val, bool):
            return val
        s = str(val).lower()
        if s in ("1", "true", "yes", "on"):
            return True
        if s in ("0", "false", "no", "off"):
            return False
        raise UserInputError(f"policy {policy}: parameter {key!r} expects true/false, got {val!r}")
    if isinstance(default, int):
        try:
            return int(val)
        except (TypeError, ValueError):
            raise UserInputError(
                f"policy {policy}: parameter {key!r} expects an integer, got {val!r}"
            ) from None
    if isinstance(default, float):
        try:
            return float(val)
        except (TypeError, ValueError):
            raise UserInputError(
                f"policy {policy}: parameter {key!r} expects a number, got {val!r}"
            ) from None
    return val


def coprimes_of(n: int) -> list[int]:
    """Models proc.go: randomOrder.reset - every c in 1..n with gcd(c, n) == 1."""
    return [c for c in range(1, n + 1) if gcd(c, n) == 1]
