"""Mechanism 370 Tried 4 probe (needs benchmarks/probes/sysmon_vcpu_follow_370_tried4.diff
applied): sysmon's usleeps expired by a sleeper's interrupt on its vCPU (co) against by its own
expiry (own), syscall-block default GMP=1, ncpu 2, seeds 1-2.  Usage: GOSCHEDLAB_PURE=1
.venv/bin/python benchmarks/probes/sysmon_cowake_370.py {corpus,SET}"""

import sys

import goschedlab.runtime.runtime as rtm
from goschedlab.runtime import Costs
from goschedlab.runtime import sysmon as sm
from goschedlab.runtime.costs import load_costs
from goschedlab.workloads import simulate

n = {"co": 0, "own": 0}
o1, o2 = sm.sysmonHrtimerExpire, sm.sysmonHrtimerCoalesce


def own(rt) -> None:  # type: ignore[no-untyped-def]
    n["own"] += 1
    o1(rt)


def co(rt, cpu, now, mp) -> None:  # type: ignore[no-untyped-def]
    st = rt.sysmon
    if 0 <= st.hr_soft <= now and (cpu == sm.sysmonCpu(rt) or cpu < 0):
        n["co"] += 1
    o2(rt, cpu, now, mp)


sm.sysmonHrtimerExpire = own
sm.sysmonHrtimerCoalesce = co
rtm.sysmonHrtimerExpire = own  # type: ignore[attr-defined]
name = sys.argv[1]
costs = Costs() if name == "corpus" else load_costs(f"/work/vmreal/{name}/costs.toml")
for seed in (1, 2):
    n.update(co=0, own=0)
    simulate("syscall-block", setting="default", gomaxprocs=1, ncpu=2, seed=seed, costs=costs)
    print(name, seed, n)
