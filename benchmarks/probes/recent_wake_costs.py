"""Mechanism 340 (docs/validation.md): the recently-parked wake-up costs of each saved VM set.

``probe DIR N``: run the calibrate program N times at GOMAXPROCS=2 (take the CPU lock with
``flock -x``) and save the runs as DIR/calibrate/probe-gmp2-repK.json (a results tree).
``fit DIR [SET...]``: for each set (the six saved sets unless named), refit
``mwake_polling_jitter_ns``, ``mwake_polling_ns`` and ``futexwakeup_polling_ns``
(calibrate._fit_recent_wake: the set's own other costs, the probe's medians) from
/work/vmreal/<set>/costs_pre340.toml (the original, copied there first if missing) into
/work/vmreal/<set>/costs_340.toml.

    .venv/bin/python benchmarks/probes/recent_wake_costs.py probe /work/vmreal/probe340 3
    .venv/bin/python benchmarks/probes/recent_wake_costs.py fit /work/vmreal/probe340
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import fields
from pathlib import Path

from goschedlab.runtime.costs import load_costs
from goschedlab.validate.calibrate import Fitted, _fit_recent_wake, load_calibration_dir

SETS = ("final", "final2", "s4", "s5", "s6", "s7")
KEYS = ("mwake_polling_jitter_ns", "mwake_polling_ns", "futexwakeup_polling_ns")


def probe(out: Path, n: int) -> None:
    from goschedlab.realgo.programs import Program
    from goschedlab.realgo.toolchain import ensure_go

    (out / "calibrate").mkdir(parents=True, exist_ok=True)
    tc = ensure_go("1.23.1")
    for k in range(1, n + 1):
        run = Program("calibrate").run(tc, {"scale": 1.0}, gomaxprocs=2)
        (out / "calibrate" / f"probe-gmp2-rep{k}.json").write_text(json.dumps(run))
        c = run["calib"]
        print(k, {q: {f: c[q][f] for f in ("p50_ns", "p90_ns", "p99_ns")}
                  for q in ("spin_hop_ns", "recent_wake_steal_ns")}, flush=True)


def fit(probe_dir: Path, sets: tuple[str, ...] = SETS) -> None:
    runs = load_calibration_dir(probe_dir)
    for s in sets:
        d = Path("/work/vmreal") / s
        src = d / "costs_pre340.toml"
        if not src.exists():
            shutil.copy(d / "costs.toml", src)
        c = load_costs(src)
        out = {f.name: Fitted(f.name, getattr(c, f.name), "file") for f in fields(c)}
        _fit_recent_wake(out, runs)
        text = src.read_text()
        for k in KEYS:
            line = f"{k} = {out[k].value}  # {out[k].source} (mechanism 340 probe, {probe_dir})"
            print(s, line[:100])
            if re.search(rf"^{k} = .*$", text, flags=re.M):
                text = re.sub(rf"^{k} = .*$", line.replace("\\", "\\\\"), text, flags=re.M)
            else:
                text = text.rstrip("\n") + "\n" + line + "\n"
        (d / "costs_340.toml").write_text(text)


if __name__ == "__main__":
    if sys.argv[1] == "probe":
        probe(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        fit(Path(sys.argv[2]), tuple(sys.argv[3:]) or SETS)
