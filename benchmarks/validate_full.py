"""Full validation: every reference workload and setting at GOMAXPROCS 1 and 2.

    .venv/bin/python benchmarks/validate_full.py [--real run|DIR] [--reps N] [--seeds N]
                                                 [--sim DIR] [--json FILE] [--html FILE]

Real side: the shipped go1.23.1 reference corpus (default) or ``--real run`` (our Go programs
run now with Go 1.23.1).  Simulated side: the goschedlab simulator over ``--seeds`` seeds; if it
is not importable yet, the script says so and compares the shipped go1.22.10 corpus instead (a
stand-in that exercises the whole pipeline: real Go vs real Go of another release).
Prints the table, the score (share of cases within tolerance), the score per metric and per
GOMAXPROCS, the issue's target check (>= 90 % of makespan/latency cases) and, for every miss,
its reason (the known model gap of goschedlab/validate/gaps.toml, with what was done about it)
or "unexplained".
"""

from __future__ import annotations

import argparse
import sys
import time

from rich.console import Console

from goschedlab.errors import UserInputError
from goschedlab.validate import run_validation, shipped_results
from goschedlab.validate.render import counts_line, print_report, write_html, write_json
from goschedlab.validate.sources import load_simulator


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default="corpus", help="'corpus' (default), 'run' or a results tree")
    ap.add_argument("--sim", default=None, help="results tree instead of the simulator")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--go", default="1.23.1")
    ap.add_argument("--json", default=None)
    ap.add_argument("--html", default=None)
    ap.add_argument("--misses", action="store_true", help="table: only cases out of tolerance")
    a = ap.parse_args()
    console = Console(stderr=True)
    sim = a.sim
    if sim is None:
        try:
            load_simulator()
        except UserInputError as err:
            sim = shipped_results("1.22.10")
            console.print(f"[yellow]note:[/] {err}\n[yellow]stand-in:[/] comparing against the "
                          f"go1.22.10 corpus ({sim}) instead of the simulator")
    t0 = time.perf_counter()
    try:
        v = run_validation(go=a.go, reps=a.reps, gomaxprocs=(1, 2), real=a.real, sim=sim,
                           seeds=a.seeds, progress=lambda m: console.log(m))
    except UserInputError as err:
        print(f"validate_full: error: {err}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - t0
    print_report(v, only_misses=a.misses)
    for k, x in sorted(v.meta.items()):
        print(f"{k}: {x}")
    for g, s in sorted(v.score_by("gomaxprocs").items()):
        print(f"GOMAXPROCS={g}: score {s * 100:.1f}%")
    target = [r for r in v.rows if r.kind in ("makespan", "latency")]
    share = sum(r.within for r in target) / len(target) if target else 0.0
    print(f"target (makespan 5 %, latency 25 %, >= 90 % of {len(target)} cases): "
          f"{share * 100:.1f}% -> {'MET' if share >= 0.9 else 'NOT MET'}")
    print(f"score {v.score * 100:.1f}% ({sum(r.within for r in v.rows)}/{len(v.rows)}; "
          f"{counts_line(v)}), wall time {elapsed:.1f} s")
    if a.json:
        write_json(v, a.json)
    if a.html:
        write_html(v, a.html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
