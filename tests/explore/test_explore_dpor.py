"""Source-DPOR (``Config(reduction="dpor")``) against full expansion: same verdicts, same final
states, never more executions than a stateless full expansion, every seeded bug found with a
counterexample that replays, litmus outcome sets unchanged, and the dependency relation it uses
really is an independence relation (independent events commute and do not disable each other)."""

from __future__ import annotations

import sys

import pytest

from goschedlab.explore.atomics import load, store
from goschedlab.explore.dpor import SourceDPOR, _Frame, dependent
from goschedlab.explore.execution import Instance
from goschedlab.explore.locations import Layout
from goschedlab.explore.models import MODELS
from goschedlab.explore.models.litmus import LITMUS, outcomes
from goschedlab.explore.report import replay
from goschedlab.explore.scheduler import Config, Explorer, explore

MEMS = ("sc", "tso", "arm")
SMALL = {"threads": 2, "ops": 4, "capacity": 4}


def _build(name: str, **over: int) -> Instance:
    spec = MODELS[name]
    if not spec.params:
        return spec.build(name)
    kw = dict(spec.defaults)
    kw.update({k: v for k, v in over.items() if k in spec.params})
    return spec.build(name, **kw)


def stateless_paths(inst: Instance, memory: str) -> float:
    """Maximal executions of a stateless full expansion: paths of the full state graph from
    the initial state to a state without moves or with a violation (inf if it has a cycle:
    a spin loop)."""
    ex = Explorer(inst, Config(memory=memory, reduction="none"))
    memo: dict[tuple, int] = {}
    on_path: set[tuple] = set()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def count(st: tuple) -> int:
        c = memo.get(st)
        if c is not None:
            return c
        if st in on_path:
            raise RuntimeError("cycle: infinitely many executions")
        mv, _ = ex.successors(st, False)
        if not mv or ex.check_state(st, mv):
            memo[st] = 1
            return 1
        on_path.add(st)
        c = sum(count(nxt) for _, nxt in mv)
        on_path.discard(st)
        memo[st] = c
        return c

    try:
        return count(ex.initial())
    except RuntimeError:
        return float("inf")


OK_CASES = [
    (name, mem, SMALL)
    for name in ("runq", "hotfix-runqget", "variant-no-bound-recheck", "casgstatus")
    for mem in MEMS
] + [
    ("runq", "sc", {"threads": 3, "ops": 5}),
    ("runq", "tso", {"threads": 3, "ops": 5}),
    ("acquirep", "sc", {}),
    ("acquirep", "tso", {}),
    ("hotfix-acquirep-after", "arm", {}),
    ("litmus-IRIW", "arm", {}),
    ("litmus-2+2W", "arm", {}),
]


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "stateless"])
@pytest.mark.parametrize(("name", "memory", "kw"), OK_CASES)
def test_dpor_same_final_states_and_fewer_executions(
    name: str, memory: str, kw: dict, cache: bool
) -> None:
    full = explore(_build(name, **kw), Config(memory=memory, reduction="none"))
    dpor = explore(_build(name, **kw), Config(memory=memory, reduction="dpor", dpor_cache=cache))
    assert full.violation is None and dpor.violation is None
    assert dpor.stats.complete
    assert dpor.stats.mode == ("dpor+sleep+cache" if cache else "dpor+sleep")
    assert dpor.finals == full.finals and len(dpor.finals) >= 1
    assert dpor.stats.states <= full.stats.states
    paths = stateless_paths(_build(name, **kw), memory)
    assert dpor.stats.executions <= paths
    if len(full.finals) > 1 or paths == float("inf"):
        assert dpor.stats.executions < paths


BUG_CASES = [
    (name, mem)
    for name, spec in MODELS.items()
    if spec.expect != {"sc": "ok", "tso": "ok", "arm": "ok"}
    for mem in MEMS
    if spec.expect[mem] == "violation"
]


def _bug_params(name: str, memory: str) -> dict[str, int]:
    if memory == "arm" and name not in ("bug-runnext-plain-store",):
        return {"ops": 4 if name in ("bug-slot-after-cas", "bug-putslow-plain-head") else 3}
    return {}


@pytest.mark.parametrize(("name", "memory"), BUG_CASES)
def test_dpor_finds_every_seeded_bug_with_replayable_path(name: str, memory: str) -> None:
    kw = _bug_params(name, memory)
    out = explore(_build(name, **kw), Config(memory=memory, reduction="dpor", shortest=False))
    v = out.violation
    assert v is not None, f"{name} under {memory}: DPOR missed the violation"
    assert not out.stats.complete and out.stats.mode == "dpor+sleep+cache"
    # DPOR's own path (not the BFS-shortened one) replays to the same violation
    rep = replay(_build(name, **kw), memory, v.path)
    assert rep.violation == (v.kind, v.message)
    assert len(rep.steps) == len(v.path)
    if memory != "arm":  # the shortest-counterexample pass still applies (BFS; slow on arm)
        short = explore(_build(name, **kw), Config(memory=memory, reduction="dpor"))
        assert short.violation is not None and len(short.violation.path) <= len(v.path)
        rep = replay(_build(name, **kw), memory, short.violation.path)
        assert rep.violation == (short.violation.kind, short.violation.message)


@pytest.mark.parametrize("test", sorted(LITMUS))
def test_litmus_outcomes_unchanged_under_dpor(test: str) -> None:
    for memory in MEMS:
        assert outcomes(test, memory, reduction="dpor") == outcomes(test, memory, "none")


@pytest.mark.parametrize("memory", MEMS)
@pytest.mark.parametrize("name", ["runq", "litmus-IRIW", "litmus-SB+fence"])
def test_independent_events_commute(name: str, memory: str) -> None:
    """The diamond property of :func:`dependent` on every reachable state (bounded)."""
    kw = {"threads": 3, "ops": 3, "capacity": 2}
    ex = Explorer(_build(name, **kw), Config(memory=memory, reduction="none"))
    dp = SourceDPOR(ex)
    blank = ((),) * ex.n
    states = [ex.initial()]
    seen = set(states)
    checked = 0
    while states and len(seen) < 3000:
        st = states.pop()
        f = _Frame(st, frozenset(), blank, blank)
        dp.enabled(f)
        fps = {p: dp.footprint(f, p) for p in f.procs}
        for p, mv in f.procs.items():
            for q in f.procs:
                if q <= p or dependent(fps[p], fps[q]):
                    continue
                # p then q reaches exactly the states q then p reaches, all choices included
                after_p = set()
                for _, s1, _ in mv:
                    g = _Frame(s1, frozenset(), blank, blank)
                    dp.enabled(g)
                    assert q in g.procs, "an independent event disabled another"
                    assert dp.footprint(g, q) == fps[q]
                    after_p |= {s2 for _, s2, _ in g.procs[q]}
                after_q = set()
                for _, s1, _ in f.procs[q]:
                    g = _Frame(s1, frozenset(), blank, blank)
                    dp.enabled(g)
                    assert p in g.procs, "an independent event disabled another"
                    after_q |= {s2 for _, s2, _ in g.procs[p]}
                assert after_p == after_q
                checked += 1
        for _, nxt in ex.successors(st, False)[0]:
            if nxt not in seen:
                seen.add(nxt)
                states.append(nxt)
    assert checked >= 10


def test_spin_loop_is_cut_and_its_exit_still_explored() -> None:
    lay = Layout()
    flag = lay.loc("flag", writers=(1,))
    data = lay.loc("data", writers=(1,))

    def waiter():
        seen = 0
        while seen == 0:
            seen = yield load(flag)
        d = yield load(data)
        return d

    def setter():
        yield store(data, 7)
        yield store(flag, 1)

    for mem in MEMS:
        inst = Instance("spin", lay, [waiter, setter], ["waiter", "setter"])
        ex = Explorer(inst, Config(memory=mem, reduction="dpor"))
        dp = SourceDPOR(ex)
        v, stats, _ = dp.run()
        assert v is None and stats.complete
        assert dp.spin_blocked >= 1  # executions where the waiter spun without progress
        # the loop's exits are all still explored: the same final states as full expansion
        # (the waiter returns 7, and 0 too where data's store may become visible after flag's)
        full = explore(
            Instance("spin", lay, [waiter, setter], ["waiter", "setter"]),
            Config(memory=mem, reduction="none"),
        )
        again = explore(
            Instance("spin", lay, [waiter, setter], ["waiter", "setter"]),
            Config(memory=mem, reduction="dpor"),
        )
        assert again.finals == full.finals and len(full.finals) >= 1
        assert again.stats.complete


def test_state_cache_cuts_and_saves_work_without_changing_results() -> None:
    kw = {"threads": 3, "ops": 5}
    runs = {
        cache: explore(
            _build("runq", **kw), Config(memory="sc", reduction="dpor", dpor_cache=cache)
        )
        for cache in (True, False)
    }
    cached, stateless = runs[True].stats, runs[False].stats
    assert runs[True].finals == runs[False].finals
    assert cached.cache_hits > 100 and stateless.cache_hits == 0
    assert cached.transitions * 2 < stateless.transitions
    # and both explore fewer distinct states than the static reduction
    static = explore(_build("runq", **kw), Config(memory="sc")).stats
    assert cached.states < static.states and stateless.states < static.states


def test_cli_reduction_option(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    import json

    from goschedlab.cli import main

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            main(argv)
            code = 0
        except SystemExit as ex:
            code = 0 if ex.code is None else int(ex.code)
        out, err = capsys.readouterr()
        return code, out, err

    js = tmp_path / "r.json"
    code, out, _ = run(
        ["explore", "runq", "--memory", "tso", "--threads", "2", "--reduction", "dpor"]
        + ["--json", str(js)]
    )
    assert code == 0
    assert "dpor+sleep+cache, exhaustive" in out and "\ndpor: " in out
    st = json.loads(js.read_text())["statistics"]
    assert st["mode"] == "dpor+sleep+cache" and st["cache_hits"] >= 0
    code, out, _ = run(["explore", "bug-slot-after-cas", "--reduction", "dpor"])
    assert code == 1 and "VIOLATION (final-state)" in out
    code, _, err = run(["explore", "runq", "--reduction", "spor"])
    assert code == 2
    assert "--reduction: expected dpor, static, none, got 'spor'" in err


def test_preemption_bound_uses_the_static_reduction() -> None:
    out = explore(
        _build("bug-slot-after-cas"),
        Config(memory="sc", reduction="dpor", preemption_bound=1, shortest=False),
    )
    assert out.violation is not None
    assert out.stats.mode == "dfs+persistent+preemption-bound=1"
    with pytest.raises(ValueError, match="unknown reduction 'fast'"):
        explore(_build("runq"), Config(reduction="fast"))
