"""The simulator's speed shortcuts change no output (sim-speed).

Each shortcut on the hot path has a slow twin that the model used before; these tests run
the same simulations both ways and require byte-identical results (the refcorpus-style JSON
plus the schedtrace lines):

* inline clock advances (``Simulation.try_advance`` and its inlined copy in interp.run_g)
  versus every step going through the event heap;
* proc.stealWork's cached steal orders and skipped base-policy hooks versus the policy
  methods themselves (a Policy subclass that only delegates to the base methods);
* the cyclic GC pause around ``Runtime.run`` is undone on every exit path.

benchmarks/sim_identity.py checks the same property across edits (before/after).
"""

from __future__ import annotations

import gc
import re
from random import Random
from typing import Any

import pytest

from goschedlab.observe.result import dumps_go
from goschedlab.policies.base import Policy
from goschedlab.runtime import Config, Runtime
from goschedlab.workloads import simulate
from goschedlab.workloads.ops import Chan, Go, Recv

CASES: list[tuple[str, str | None, list[str], int]] = [
    ("fanout-cpu", "tiny", ["g=3000"], 2),
    ("open-loop-server", "light", ["d=0.3"], 4),
    ("pingpong", "pairs8", ["r=400"], 4),
    ("pipeline", "default", ["n=1500"], 2),
    ("timer-storm", None, [], 2),
]


def _render(name: str, setting: str | None, sets: list[str], gmp: int, **kw: Any) -> str:
    out = simulate(name, setting=setting, overrides=sets, gomaxprocs=gmp, schedtrace_ms=5, **kw)
    return "\n".join([dumps_go(out.result), *out.schedtrace])


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_inline_advances_equal_heap_round_trips(
    case: tuple[str, str | None, list[str], int],
) -> None:
    fast = _render(*case)
    heap_only = {"heap_only_steps": True}
    name, setting, sets, gmp = case
    kw = {"setting": setting, "overrides": sets, "gomaxprocs": gmp}
    slow_out = simulate(name, **kw, config_extra=heap_only)
    assert slow_out.runtime.sim.heap_only
    assert slow_out.runtime.sim.inline_advances == 0
    fast_out = simulate(name, **kw)
    assert fast_out.runtime.sim.inline_advances > 0
    slow = _render(*case, config_extra=heap_only)
    # model_counters.ops counts op interpretations, and an op deferred to pay the M's debt
    # through the heap is interpreted twice: the one counter that may differ.
    assert _drop_ops(slow) == _drop_ops(fast)
    assert _drop_ops(slow) != slow  # the counter was there


def _drop_ops(text: str) -> str:
    return re.sub(r'"ops":[0-9]+,', "", text)


class DelegatingPolicy(Policy):
    """Go 1.23 behaviour through the policy methods (no runtime shortcut applies)."""

    def spinning_allowed(self, nmspinning: int, gomaxprocs: int, npidle: int) -> bool:
        return super().spinning_allowed(nmspinning, gomaxprocs, npidle)

    def steal_order(self, rng: Random, nprocs: int, coprimes: list[int]) -> Any:
        return super().steal_order(rng, nprocs, coprimes)

    def steal_extra_cost_ns(self, thief: Any, victim: Any, n: int) -> int:
        return super().steal_extra_cost_ns(thief, victim, n)

    def after_failed_steal(self, m: Any, nfails: int) -> int:
        return super().after_failed_steal(m, nfails)


@pytest.mark.parametrize("case", CASES[1:3], ids=[c[0] for c in CASES[1:3]])
def test_steal_shortcuts_equal_policy_methods(case: tuple[str, str | None, list[str], int]) -> None:
    fast = _render(*case)
    slow = _render(*case, config_extra={"policy": DelegatingPolicy()})
    assert slow == fast
    # the slow run really took the policy path, the fast one the shortcuts
    rt = Runtime(Config(gomaxprocs=4, policy=DelegatingPolicy()))
    assert not rt.go_steal_order and rt.steal_extra_hook and rt.spinning_allowed_hook
    rt = Runtime(Config(gomaxprocs=4))
    assert rt.go_steal_order and not rt.steal_extra_hook and not rt.spinning_allowed_hook


def test_steal_order_cache_matches_randomOrder() -> None:
    """The cached visit orders are exactly Policy.steal_order's (proc.go: randomOrder)."""
    rt = Runtime(Config(gomaxprocs=6))

    def blocked(ch: Chan) -> Any:
        yield Recv(ch)

    def main() -> Any:
        ch = Chan(0)
        for _ in range(50):
            yield Go(blocked, ch)
        yield Recv(Chan(0))

    rt.run(main)
    assert rt.steal_orders  # spinning Ms stole at GMP=6
    base = Policy()
    for key, order in rt.steal_orders.items():
        ci, pos = divmod(key, 6)
        r = ci * 6 + pos  # a 32-bit draw with r % 6 == pos and (r // 6) % len == ci
        assert list(base.steal_order(_Fixed(r), 6, rt.coprimes)) == list(order)


class _Fixed(Random):
    def __init__(self, r: int) -> None:
        super().__init__(0)
        self.r = r

    def getrandbits(self, k: int) -> int:
        return self.r


def test_cyclic_gc_is_restored_after_run_and_after_a_fatal_error() -> None:
    assert gc.isenabled()

    def deadlock() -> Any:
        yield Recv(Chan(0))

    res = Runtime(Config(gomaxprocs=2)).run(deadlock)
    assert res.exit_code == 2 and "deadlock" in res.fatal[0]
    assert gc.isenabled()

    def bad() -> Any:
        yield "not an op"

    with pytest.raises(TypeError):
        Runtime(Config(gomaxprocs=1)).run(bad)
    assert gc.isenabled()
    gc.disable()
    try:  # a caller's choice to run without GC is kept
        Runtime(Config(gomaxprocs=1)).run(deadlock)
        assert not gc.isenabled()
    finally:
        gc.enable()
