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
import sys
from dataclasses import replace

from goschedlab.runtime.costs import load_costs
from goschedlab.validate.calibrate import sleep_spawn_sim_ns


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
        park_m = sleep_spawn_sim_ns(c, park=True)
        diff = round((spawn - park) - (sleep0 - park_m))
        print(f"{p}: real spawn {spawn} park {park} | model 0-ns Sleep {sleep0:.0f} park "
              f"{park_m:.0f} | fitted timesleep_ns {c.timesleep_ns}, difference rule {diff}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
