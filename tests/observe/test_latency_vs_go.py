"""The latency summary equals Go's (package lab of the project's Go workloads), bit for bit."""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import goschedlab
from goschedlab.observe.latency import summarize
from goschedlab.observe.result import dumps_go

GOSRC = Path(goschedlab.__file__).parent / "gosrc"
PROG = Path(__file__).parent.parent / "data" / "observe" / "latsum" / "main.go"


@pytest.mark.slow
def test_summary_equals_go(tmp_path: Path) -> None:
    from goschedlab.realgo import build, ensure_go

    tc = ensure_go("1.23.1", quiet=True)
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(GOSRC / "go.mod", src / "go.mod")
    shutil.copytree(GOSRC / "lab", src / "lab")
    shutil.copy(PROG, src / "main.go")
    exe = build(tc, src, tmp_path / "latsum")
    rnd = random.Random(5)
    # Below 2^49 ns (6.5 days); above, Go's Exp2 and libm's pow may round a bucket bound 1 ulp
    # apart (documented in observe.latency).  Bucket *indices* agree everywhere (Log2 port).
    vals = [0, -1, -(1 << 40), 1, 2, 3, (1 << 49) - 1]
    for k in range(0, 196):  # both sides of every quarter-octave boundary
        b = math.ceil(2.0 ** (k / 4))
        vals += [b - 1, b, b + 1]
    vals += [int(rnd.lognormvariate(12, 3)) for _ in range(3000)]
    proc = subprocess.run(
        [str(exe)],
        input="\n".join(map(str, vals)) + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    go = json.loads(proc.stdout)
    ours = summarize(vals)
    assert float(ours.pop("mean_ns")) == float(go.pop("mean_ns"))  # type: ignore[arg-type]
    assert ours == go
    # and our Go-style encoder prints what Go printed for the rest
    assert dumps_go(ours) == dumps_go(go)
