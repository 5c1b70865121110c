"""calibrate's time.Sleep path as a difference of two real trials (docs/validation.md,
"This VM's run of session 7": tried, not adopted).

    .venv/bin/python benchmarks/probes/sleep_fit_difference.py COSTS.toml [COSTS.toml ...]

COSTS: a machine fit written by ``goschedlab calibrate`` whose ``timesleep_ns`` source names the
real trials (``sleep_spawn_ns p50 GMP=1 N ... sleep_spawn_park_ns M``).  Prints, per file, the
fitted ``timesleep_ns`` (real go-then-Sleep trial minus the model's 0-ns Sleep path) and the
difference rule (real go-then-Sleep minus real go-then-receive, less the model's own difference
between the two trials), which cancels a host that runs both trials slower for a while.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from goschedlab.runtime import Config, Runtime
from goschedlab.runtime.costs import Costs, load_costs
from goschedlab.validate.calibrate import sleep_spawn_sim_ns
from goschedlab.workloads.ops import Chan, Go, Now, Recv, Send, Sleep


def park_spawn_sim_ns(costs: Costs, trials: int = 200) -> float:
    """The calibrate program's plain-park trial in the model (GOMAXPROCS=1, seed 1): ``go f();
    <-got``, f sends its start time; median ns from before the go statement to f's first run."""
    lat: list[int] = []
    got = Chan(1)

    def f() -> Iterator[Any]:
        t = yield Now()
        yield Send(got, t)

    def main() -> Iterator[Any]:
        for _ in range(trials):
            a = yield Now()
            yield Go(f)
            v, _ok = yield Recv(got)
            lat.append(v - a)
            yield Sleep(200_000)

    Runtime(Config(gomaxprocs=1, ncpu=2, costs=costs, seed=1)).run(main)
    return float(statistics.median(lat))


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    pat = re.compile(r"sleep_spawn_ns p50 GMP=1 (\d+).*sleep_spawn_park_ns (\d+)")
    for p in paths:
        try:
            text = open(p, encoding="utf-8").read()
        except OSError as e:
            print(f"{p}: cannot read: {e.strerror}", file=sys.stderr)
            return 2
        m = pat.search(text)
        if m is None:
            print(f"{p}: no timesleep_ns source naming sleep_spawn_ns and sleep_spawn_park_ns",
                  file=sys.stderr)
            return 2
        spawn, park = int(m.group(1)), int(m.group(2))
        c = load_costs(p)
        sleep0 = sleep_spawn_sim_ns(replace(c, timesleep_ns=0))
        park_m = park_spawn_sim_ns(c)
        diff = round((spawn - park) - (sleep0 - park_m))
        print(f"{p}: real spawn {spawn} park {park} | model 0-ns Sleep {sleep0:.0f} park "
              f"{park_m:.0f} | fitted timesleep_ns {c.timesleep_ns}, difference rule {diff}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
