"""Shared pieces of the pure-Python model probes (``GOSCHEDLAB_PURE=1``): the runs a probe's
``COSTS GMPS SEEDS`` arguments name, and a recorder of sysmon's looks.

COSTS is ``corpus`` (the shipped default costs), a costs TOML file, or the name of a saved
real-run set of the development VM (``/work/vmreal/<set>/costs.toml``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import goschedlab.runtime.sysmon as sm
from goschedlab.runtime.costs import Costs, load_costs


def probe_costs(name: str) -> Costs | None:
    """The costs COSTS names (None: the shipped defaults)."""
    if name == "corpus":
        return None
    return load_costs(name if os.path.isfile(name) else f"/work/vmreal/{name}/costs.toml")


def probe_runs(argv: list[str]) -> Iterator[tuple[str, Costs | None, int, int]]:
    """``(costs name, costs, gomaxprocs, seed)`` for ``argv = [COSTS, GMPS, SEEDS]``."""
    name, gmps, seeds = argv[0], argv[1], argv[2]
    costs = probe_costs(name)
    for gmp in (int(x) for x in gmps.split(",")):
        for seed in (int(x) for x in seeds.split(",")):
            yield name, costs, gmp, seed


def record_sysmon_looks() -> list[int]:
    """Wrap ``sysmonBody`` so that each of sysmon's looks appends its time to the returned list."""
    looks: list[int] = []
    body = sm.sysmonBody

    def sysmon_body(rt: Any, st: Any, now: int) -> None:
        looks.append(now)
        body(rt, st, now)

    sm.sysmonBody = sysmon_body
    return looks


def record_syscall_episodes() -> tuple[list[tuple[float, str]], dict[int, int]]:
    """Wrap ``casPstatus`` (in every model module that calls it) so that each P system-call
    episode appends ``(its length in us, the function that ended it)`` to the returned list;
    the returned dict holds the start time of each P's episode in progress (by P id)."""
    import goschedlab.runtime.p as pm
    import goschedlab.runtime.proc as pr
    import goschedlab.runtime.syscall as sc

    episodes: list[tuple[float, str]] = []
    start: dict[int, int] = {}
    cas = pm.casPstatus

    def cas_pstatus(rt: Any, pp: Any, old: int, new: int, where: str) -> None:
        if new == pm._Psyscall:
            start[pp.id] = rt.sim.now
        elif old == pm._Psyscall and pp.id in start:
            episodes.append(((rt.sim.now - start.pop(pp.id)) / 1e3, where))
        cas(rt, pp, old, new, where)

    for mod in (pm, pr, sc, sm):
        mod.casPstatus = cas_pstatus  # type: ignore[attr-defined]
    return episodes, start
