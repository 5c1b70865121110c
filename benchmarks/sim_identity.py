"""Byte-identity check of simulator outputs across performance edits (prints; exit 1 on a diff).

Runs a fixed set of representative simulations (different workloads, GOMAXPROCS 1/2/8,
schedtrace/scheddetail, GC, policies) and writes, per case, the refcorpus-style JSON result
(`observe.result.dumps_go`) followed by the SCHED lines, i.e. what `goschedlab simulate
--json F --schedtrace N` produces.  ``--save DIR`` stores a baseline; ``--check DIR``
compares against it and names the first differing line of every case that changed.

    .venv/bin/python benchmarks/sim_identity.py --save /tmp/ident-base
    .venv/bin/python benchmarks/sim_identity.py --check /tmp/ident-base

Performance work must keep every case byte-identical; a model change legitimately
changes outputs (re-baseline only after such an announced change).
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from goschedlab import policies
from goschedlab.observe.result import dumps_go
from goschedlab.workloads import simulate

# (label, workload, setting, overrides, gomaxprocs, schedtrace_ms, scheddetail, extra kwargs)
CASES: list[tuple[str, str, str | None, list[str], int, int, bool, dict[str, Any]]] = [
    ("fanout-tiny-gmp2", "fanout-cpu", "tiny", [], 2, 1, False, {}),
    ("fanout-default-gmp8", "fanout-cpu", "default", [], 8, 1, True, {}),
    ("fanout-long-gmp1", "fanout-cpu", "long", [], 1, 10, False, {}),
    ("openloop-default-gmp2", "open-loop-server", "default", [], 2, 50, False, {}),
    ("openloop-light-gmp1", "open-loop-server", "light", ["d=0.5"], 1, 100, False, {}),
    ("pingpong-r50k-gmp1", "pingpong", "default", ["r=50000"], 1, 5, False, {}),
    ("pingpong-pairs8-gmp2", "pingpong", "pairs8", ["r=2000"], 2, 5, True, {}),
    ("pipeline-default-gmp8", "pipeline", "default", ["n=5000"], 8, 10, False, {}),
    ("logger-c0-gmp2", "blocking-logger", "default-c0", ["d=0.5"], 2, 20, True, {}),
    ("timerstorm-gmp2", "timer-storm", None, [], 2, 20, False, {}),
    ("syscall-block-gmp1", "syscall-block", None, [], 1, 20, False, {}),
    ("gc-churn-light-gmp2", "gc-churn", "light", ["iters=1000"], 2, 10, False, {"gctrace": True}),
    ("net-server-gmp2", "net-server", "light", ["d=0.2"], 2, 20, False, {}),
    (
        "openloop-hotfix-gmp4",
        "open-loop-server",
        "light",
        ["d=0.5"],
        4,
        50,
        False,
        {"policy": "hotfix"},
    ),
    (
        "pairs8-locked-gmp4",
        "pingpong",
        "pairs8",
        ["r=1000"],
        4,
        5,
        False,
        {"policy": "locked-steal"},
    ),
]


def render(case: tuple[str, str, str | None, list[str], int, int, bool, dict[str, Any]]) -> str:
    """The bytes `goschedlab simulate --json F --schedtrace N` would produce for one case."""
    _label, name, setting, sets, gmp, st, detail, extra = case
    if "policy" in extra:  # a scheduling policy (goschedlab.policies) via the Config
        extra = dict(extra)
        extra["config_extra"] = {"policy": policies.get(extra.pop("policy"))}
    out = simulate(
        name,
        setting=setting,
        overrides=sets,
        gomaxprocs=gmp,
        schedtrace_ms=st,
        scheddetail=detail,
        **extra,
    )
    parts = [dumps_go(out.result), *out.schedtrace, *(out.gctrace or [])]
    return "\n".join(parts) + "\n"


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("--save", "--check"):
        print(__doc__)
        return 2
    mode, d = sys.argv[1], Path(sys.argv[2])
    d.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[3:])
    bad = 0
    total = 0.0
    for case in CASES:
        label = case[0]
        if only and label not in only:
            continue
        t0 = time.perf_counter()
        text = render(case)
        dt = time.perf_counter() - t0
        total += dt
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        f = d / f"{label}.out"
        if mode == "--save":
            f.write_text(text)
            print(f"{label:<26} {dt:6.2f}s saved   {digest}")
            continue
        old = f.read_text() if f.exists() else ""
        if old == text:
            print(f"{label:<26} {dt:6.2f}s same    {digest}")
            continue
        bad += 1
        a, b = old.splitlines(), text.splitlines()
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        print(f"{label:<26} {dt:6.2f}s DIFFERS {digest} at line {i + 1}:")
        print(f"    was: {a[i][:160] if i < len(a) else '<eof>'}")
        print(f"    now: {b[i][:160] if i < len(b) else '<eof>'}")
    print(f"total {total:.1f}s, {bad} case(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
