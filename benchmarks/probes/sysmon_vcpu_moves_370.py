"""Mechanism 370 Tried 4 probe (needs benchmarks/probes/sysmon_vcpu_follow_370_tried4.diff
applied): sysmon's vCPU after each wake-up (sysmonPlace) and its moves, syscall-block GMP=1,
ncpu 2, seeds 1-2.  Usage: GOSCHEDLAB_PURE=1 .venv/bin/python
benchmarks/probes/sysmon_vcpu_moves_370.py {corpus,SET}"""

import sys

from goschedlab.runtime import Costs
from goschedlab.runtime import sysmon as sm
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads import simulate

orig = sm.sysmonPlace
cnt: dict = {"m": 0, "w": 0, "cpu": [0, 0]}


def place(rt) -> None:  # type: ignore[no-untyped-def]
    before = rt.sysmon.cpu
    orig(rt)
    cnt["w"] += 1
    cnt["cpu"][rt.sysmon.cpu] += 1
    if rt.sysmon.cpu != before:
        cnt["m"] += 1


sm.sysmonPlace = place
name = sys.argv[1]
costs = Costs() if name == "corpus" else load_costs(f"/work/vmreal/{name}/costs.toml")
for setting in ("default", "many"):
    for seed in (1, 2):
        cnt.update(m=0, w=0, cpu=[0, 0])
        out = simulate("syscall-block", setting=setting, gomaxprocs=1, ncpu=2, seed=seed,
                       costs=costs)
        print(name, setting, seed, "wakes", cnt["w"], "per-vCPU", cnt["cpu"],
              "migrations", cnt["m"], "retakes", out.run.stats.syscall_retakes)
