"""Benchmark: `goschedlab explore` against SPIN on the same run-queue scenario.

Runs, side by side in one process, our explorer (SC) with its two reductions - "static"
(DFS + state hashing + persistent and sleep sets, the default) and "dpor" (source-DPOR + sleep
sets with a state cache) - and SPIN 6 (Debian package `spin`; pan compiled with gcc -O2
-DSAFETY, exhaustive, its default partial-order reduction on) on benchmarks/promela/runq.pml:
the owner's runqput / runqget on a ring of CAPACITY slots plus 1 then 2 thieves doing
runqsteal, for capacity 2, 4, 8 and 2..6 owner operations, for Go's algorithm ("runq",
expected ok) and a seeded bug
("bug-slot-after-cas", expected violation). Prints verdicts, states (ours: distinct
states explored; SPIN: states stored) and wall time (ours: in-process; SPIN: pan's own reported
search time, the pan process wall time, and the total including spin -a and gcc), and the
ratios. Targets: identical verdicts; fewer states than SPIN stores (issue 4: "with DPOR");
our wall time within 10x of pan's search time. A second table compares the reductions on the
acceptance command (runq, capacity 4, 3 threads, 5 ops) under each memory model: distinct
states, transitions, executions and wall time of static, dpor and dpor without its cache.

Usage: .venv/bin/python benchmarks/explore_vs_spin.py [--quick]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from goschedlab.explore.models import MODELS
from goschedlab.explore.scheduler import Config, Statistics, explore

PML = Path(__file__).resolve().parent / "promela" / "runq.pml"


def run_ours(
    model: str,
    threads: int,
    capacity: int,
    ops: int,
    reduction: str = "static",
    memory: str = "sc",
    cache: bool = True,
) -> tuple[str, Statistics, float]:
    spec = MODELS[model]
    inst = spec.build(model, threads=threads, capacity=capacity, ops=ops)
    t0 = time.perf_counter()
    cfg = Config(memory=memory, shortest=False, reduction=reduction, dpor_cache=cache)
    out = explore(inst, cfg)
    dt = time.perf_counter() - t0
    return ("violation" if out.violation else "ok"), out.stats, dt


def run_spin(
    work: Path, bug: bool, threads: int, capacity: int, ops: int
) -> tuple[str, int, float, float]:
    defs = [f"-DCAP={capacity}", f"-DOPS={ops}", f"-DNTHIEVES={threads - 1}"]
    if bug:
        defs.append("-DBUG_SLOT_AFTER_CAS")
    t0 = time.perf_counter()
    subprocess.run(["spin", "-a", *defs, str(PML)], cwd=work, check=True, capture_output=True)
    subprocess.run(
        ["gcc", "-O2", "-DSAFETY", "-DVECTORSZ=4096", "-o", "pan", "pan.c"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    t1 = time.perf_counter()
    res = subprocess.run(["./pan", "-m100000", "-w20"], cwd=work, capture_output=True, text=True)
    t2 = time.perf_counter()
    text = res.stdout
    m = re.search(r"(\d+) states, stored", text)
    e = re.search(r"errors: (\d+)", text)
    el = re.search(r"elapsed time ([0-9.e+-]+) seconds", text)
    if not m or not e:
        raise RuntimeError(f"unexpected pan output:\n{text}")
    verdict = "violation" if int(e.group(1)) else "ok"
    search = float(el.group(1)) if el else t2 - t1
    return verdict, int(m.group(1)), search, t2 - t1, t2 - t0


def main() -> int:
    quick = "--quick" in sys.argv
    have_spin = shutil.which("spin") is not None and shutil.which("gcc") is not None
    if not have_spin:
        print(
            "SPIN NOT FOUND: install it with `apt-get install -y spin` (and gcc); "
            "printing goschedlab's side only.\n"
        )
    caps = (2, 4, 8)
    opss = (2, 4, 6) if quick else (2, 3, 4, 5, 6)
    hdr = (
        f"{'model':20s} {'thr':>3s} {'cap':>3s} {'ops':>3s} | {'static':9s} {'dpor':9s} "
        f"{'spin':9s} | {'st static':>9s} {'st dpor':>9s} {'spin stored':>11s} "
        f"{'dpor/spin':>9s} | {'t static':>8s} {'t dpor':>8s} {'t pan':>8s} {'pan wall':>8s} "
        f"{'dpor/pan':>8s}"
    )
    print(hdr)
    print("-" * len(hdr))
    same = fewer_s = fewer_d = total = 0
    worst_s = worst_d = 0.0
    with tempfile.TemporaryDirectory(prefix="explore-spin-") as tmp:
        work = Path(tmp)
        for model in ("runq", "bug-slot-after-cas"):
            for threads in (2, 3):
                for cap in caps:
                    for ops in opss:
                        v, st, dt = run_ours(model, threads, cap, ops)
                        vd, sd, dtd = run_ours(model, threads, cap, ops, "dpor")
                        line = f"{model:20s} {threads:3d} {cap:3d} {ops:3d} | {v:9s} {vd:9s} "
                        if have_spin:
                            sv, sst, pan_t, wall_t, _all_t = run_spin(
                                work, model != "runq", threads, cap, ops
                            )
                            total += 1
                            same += sv == v == vd
                            fewer_s += st.states < sst
                            fewer_d += sd.states < sst
                            worst_s = max(worst_s, dt / max(pan_t, 1e-2))
                            worst_d = max(worst_d, dtd / max(pan_t, 1e-2))
                            flag = "" if sv == v == vd else "  VERDICTS DIFFER"
                            line += (
                                f"{sv:9s} | {st.states:9d} {sd.states:9d} {sst:11d} "
                                f"{sd.states / sst:9.2f} | {dt:7.3f}s {dtd:7.3f}s "
                                f"{pan_t:7.3f}s {wall_t:7.3f}s {dtd / max(pan_t, 1e-2):8.2f}"
                                f"{flag}"
                            )
                        else:
                            line += (
                                f"{'-':9s} | {st.states:9d} {sd.states:9d} {'-':>11s} "
                                f"{'-':>9s} | {dt:7.3f}s {dtd:7.3f}s"
                            )
                        print(line, flush=True)
    if have_spin:
        print(
            f"\nidentical verdicts (static, dpor, SPIN): {same}/{total}; fewer states than SPIN "
            f"stores: static {fewer_s}/{total}, dpor {fewer_d}/{total}; worst wall-time ratio "
            f"ours/pan: static {worst_s:.2f}x, dpor {worst_d:.2f}x "
            f"(t pan = pan's own reported search time, 10 ms resolution; floor 10 ms)"
        )
    print(
        "\nreductions on the acceptance command (runq, capacity 4, threads 3, ops 5); "
        "states = distinct states visited"
    )
    hdr2 = (
        f"{'memory':6s} {'reduction':15s} {'verdict':9s} {'states':>8s} {'transitions':>11s} "
        f"{'executions':>10s} {'time':>8s}"
    )
    print(hdr2)
    print("-" * len(hdr2))
    runs = [("static", True), ("dpor", True)] + ([] if quick else [("dpor", False)])
    for memory in ("sc", "tso", "arm"):
        for red, cache in runs:
            if memory == "arm" and red == "dpor" and not cache:
                continue  # stateless DPOR does not finish in minutes here (see README)
            v, st, dt = run_ours("runq", 3, 4, 5, red, memory, cache)
            name = red + ("" if cache or red != "dpor" else " (no cache)")
            print(
                f"{memory:6s} {name:15s} {v:9s} {st.states:8d} {st.transitions:11d} "
                f"{st.executions:10d} {dt:7.2f}s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
