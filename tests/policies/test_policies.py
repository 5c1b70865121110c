"""Policy registry, the built-in policies' hooks, and their effect on simulated runs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from goschedlab import policies
from goschedlab.errors import UserInputError
from goschedlab.policies import Go123, Hotfix, LockedSteal, Policy
from goschedlab.runtime import Costs


# --------------------------------------------------------------------------- registry
def test_available_lists_builtins_with_descriptions() -> None:
    av = policies.available()
    assert list(av)[:3] == ["go1.23", "locked-steal", "hotfix"]
    assert "Go 1.23.1" in av["go1.23"]
    assert "spinlock" in av["locked-steal"]
    assert "XCHG+CAS" in av["hotfix"]


@pytest.mark.parametrize("name,cls", [("go1.23", Go123), ("locked-steal", LockedSteal),
                                      ("hotfix", Hotfix)])
def test_get_returns_fresh_named_instances(name: str, cls: type) -> None:
    a, b = policies.get(name), policies.get(name)
    assert type(a) is cls and a.name == name and a is not b
    assert isinstance(a, Policy)


def test_unknown_policy_is_one_line_listing_valid_names() -> None:
    with pytest.raises(UserInputError) as ei:
        policies.get("go1.24")
    msg = str(ei.value)
    assert "\n" not in msg
    assert msg.startswith("unknown policy 'go1.24' (available: ")
    for n in ("go1.23", "hotfix", "locked-steal"):
        assert n in msg


def test_spec_parameters_are_parsed_and_typed() -> None:
    p = policies.get("hotfix:cap=3:park_ns=500:backoff=false")
    assert p.values == {"cap": 3, "park_ns": 500, "backoff": False, "xchg_steal": True}
    assert p.spec() == "hotfix(cap=3,park_ns=500,backoff=False)"
    assert policies.get("hotfix", cap=2).values["cap"] == 2
    assert policies.get("hotfix").spec() == "hotfix"


@pytest.mark.parametrize("spec,needle", [
    ("hotfix:cap=x", "parameter 'cap' expects an integer"),
    ("hotfix:nope=1", "unknown parameter 'nope'"),
    ("hotfix:cap", "expected NAME[:key=value...]"),
    ("hotfix:cap=99", "cap must be in 0..62"),
    ("hotfix:backoff=maybe", "expects true/false"),
    ("go1.23:x=1", "unknown parameter 'x' (expected one of: none)"),
])
def test_bad_parameters_raise_user_errors(spec: str, needle: str) -> None:
    with pytest.raises(UserInputError, match=needle.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")):
        policies.get(spec)


# --------------------------------------------------------------------------- hooks (unit)
def _fake_rt(n: int = 4, now: int = 1000, costs: Costs | None = None) -> SimpleNamespace:
    ps = [SimpleNamespace(id=i, m=SimpleNamespace(id=i, debt=0, spinstart=0)) for i in range(n)]
    return SimpleNamespace(sim=SimpleNamespace(now=now), costs=costs or Costs(), allp=ps,
                           config=SimpleNamespace(gomaxprocs=n))


def test_base_policy_is_go_1_23() -> None:
    p = Policy()
    assert (p.runq_capacity, p.globrunq_check_period, p.force_preempt_ns, p.steal_tries) == (
        256, 61, 10_000_000, 4)
    assert p.spinning_allowed(1, 4, 1) is True  # 2 < 3
    assert p.spinning_allowed(2, 4, 0) is False  # 4 < 4 fails: at most half the busy Ps
    assert p.after_failed_steal(None, 3) == 0 and p.locks_runq is False
    rt = _fake_rt()
    assert p.bind(rt) is p  # stateless


def test_bind_returns_independent_copies() -> None:
    pol = policies.get("locked-steal")
    rt = _fake_rt()
    a, b = pol.bind(rt), pol.bind(rt)
    assert a is not pol and a is not b and a.rt is rt and pol.rt is None
    a.steal_extra_cost_ns(rt.allp[1], rt.allp[0], 0)
    assert a.statistics()["lock_acquires"] == 1 and b.statistics()["lock_acquires"] == 0


def test_unbound_costed_policy_names_the_missing_bind() -> None:
    rt = _fake_rt()
    with pytest.raises(RuntimeError, match=r"cfg\.policy\.bind\(rt\)"):
        policies.get("hotfix").steal_extra_cost_ns(rt.allp[1], rt.allp[0], 0)


def test_locked_steal_contention_waits_for_the_holder() -> None:
    c = Costs()
    rt = _fake_rt(costs=c)
    pol = policies.get("locked-steal").bind(rt)
    p0, p1, p2 = rt.allp[:3]
    # First thief: lock line comes from the owner (transfer), no wait.
    d1 = pol.steal_extra_cost_ns(p1, p0, 0)
    assert d1 == c.locked_instr_ns + c.cacheline_transfer_ns
    held_until = 1000 + d1 + c.steal_probe_ns
    # Second thief at the same instant waits for the first to release, then pulls the line.
    d2 = pol.steal_extra_cost_ns(p2, p0, 0)
    assert d2 == (held_until - 1000) + c.locked_instr_ns + c.cacheline_transfer_ns
    st = pol.statistics()
    assert st["lock_contended"] == 1 and st["lock_wait_ns"] == held_until - 1000
    # Owner later (lock free), line last held by p2: transfer, no wait.
    rt.sim.now = 10**6
    assert pol.runq_owner_cost_ns(p0) == c.locked_instr_ns + c.cacheline_transfer_ns
    # Owner again: line already here, only the locked instruction.
    rt.sim.now = 2 * 10**6
    assert pol.runq_owner_cost_ns(p0) == c.locked_instr_ns
    assert pol.locks_runq is True


def test_remote_node_transfers_pay_the_numa_extra() -> None:
    c = Costs()
    rt = _fake_rt(costs=c)
    rt.config.numa_nodes = 2  # Ps 0,1 on node 0; Ps 2,3 on node 1
    pol = policies.get("hotfix").bind(rt)
    assert pol.node == [0, 0, 1, 1]
    p0, p1, p2 = rt.allp[:3]
    assert pol.steal_extra_cost_ns(p2, p0, 0) == c.locked_instr_ns + c.cacheline_transfer_ns \
        + c.numa_remote_ns
    assert pol.statistics()["policy_remote_steals"] == 1
    rt.sim.now = 10**6  # window over; the line now sits on node 1 (last holder P2)
    assert pol.steal_extra_cost_ns(p1, p0, 0) == c.locked_instr_ns + c.cacheline_transfer_ns \
        + c.numa_remote_ns
    assert pol.statistics()["policy_remote_steals"] == 1  # P1 -> P0 is a same-node steal


def test_hotfix_steal_waits_for_an_inflight_exchange() -> None:
    c = Costs()
    rt = _fake_rt(costs=c)
    pol = policies.get("hotfix").bind(rt)
    d1 = pol.steal_extra_cost_ns(rt.allp[1], rt.allp[0], 0)
    assert d1 == c.locked_instr_ns + c.cacheline_transfer_ns
    d2 = pol.steal_extra_cost_ns(rt.allp[2], rt.allp[0], 0)
    assert d2 == d1 + c.steal_probe_ns + c.locked_instr_ns + c.cacheline_transfer_ns
    assert pol.statistics()["cas_retries"] == 1
    assert pol.locks_runq is False
    off = policies.get("hotfix:xchg_steal=false").bind(rt)
    assert off.steal_extra_cost_ns(rt.allp[1], rt.allp[0], 0) == 0


def test_hotfix_backoff_delays_and_unreachable_park() -> None:
    rt = _fake_rt()
    pol = policies.get("hotfix").bind(rt)
    m = rt.allp[1].m
    delays = [pol.after_failed_steal(m, i) for i in range(1, 12)]
    # consecutive failed rounds 1..11: 1 << min(k, 6)
    assert delays == [2, 4, 8, 16, 32, 64, 64, 64, 64, 64, 64]
    st = pol.statistics()
    assert st["backoff_parks"] == 0 and st["backoff_max_delay_ns"] == 64
    assert st["backoff_ns"] == sum(delays)
    # A new spinning episode (spinstart changed) restarts the count.
    m.spinstart = 5
    assert pol.after_failed_steal(m, 1) == 2
    # With cap 10 the park branch is reachable: 1 << 10 = 1024 > 1000.
    p10 = policies.get("hotfix:cap=10").bind(rt)
    out = [p10.after_failed_steal(m, 1) for _ in range(10)]
    assert out[:9] == [2, 4, 8, 16, 32, 64, 128, 256, 512] and out[9] == -1
    assert p10.statistics()["backoff_parks"] == 1


# --------------------------------------------------------------------------- in the runtime
def _sim(policy: Policy | None, seed: int = 3, **kw: object):
    from goschedlab.workloads import simulate

    extra = {} if policy is None else {"policy": policy}
    return simulate("fanout-cpu", overrides={"g": 600, "w": 2}, gomaxprocs=8, seed=seed,
                    config_extra=extra, **kw)


def test_go123_policy_runs_exactly_like_the_default_model() -> None:
    a = _sim(None)
    b = _sim(policies.get("go1.23"))
    assert a.result == b.result
    assert a.run.stats == b.run.stats
    st = b.runtime.policy.statistics()
    assert st["policy_steal_attempts"] == b.run.stats.steal_attempts > 0
    assert st["policy_steal_ns"] == st["policy_steal_attempts"] * Costs().steal_probe_ns


@pytest.mark.parametrize("name", ["locked-steal", "hotfix"])
def test_costed_policies_run_keep_invariants_and_cost_more(name: str) -> None:
    base = _sim(policies.get("go1.23"))
    out = _sim(policies.get(name))
    out.runtime.check_invariants()
    st = out.runtime.policy.statistics()
    assert st["policy_steal_attempts"] == out.run.stats.steal_attempts > 0
    # every attempt pays at least a locked instruction on top of the probe
    per = st["policy_steal_ns"] / st["policy_steal_attempts"]
    assert per >= Costs().steal_probe_ns + Costs().locked_instr_ns
    # ... and more than Go 1.23's lock-free probe does per attempt
    bst = base.runtime.policy.statistics()
    assert per > bst["policy_steal_ns"] / bst["policy_steal_attempts"]
    assert base.result["latency"]["sojourn"]["n"] == 600
    # all goroutines still ran
    assert out.result["latency"]["sojourn"]["n"] == 600


def test_policy_object_in_config_is_reusable_across_runs() -> None:
    pol = policies.get("hotfix")
    a = _sim(pol, seed=5)
    b = _sim(pol, seed=5)
    assert a.result == b.result
    assert a.runtime.policy.statistics() == b.runtime.policy.statistics()
    assert pol.rt is None
