"""Mechanism 290 (docs/validation.md): each saved VM set's costs file with the
``timesleep_unsampled_ns`` line calibrate would add (the real ``sleep_spawn_park_ns``, read from
the ``timesleep_ns`` source comment, minus the model's plain-park trial, within [0, timesleep_ns]),
written to OUT/<set>.toml for ``goschedlab validate --real ... --costs``.

    .venv/bin/python benchmarks/probes/sleep_unsampled_costs.py [OUT]   (default /tmp/sleep8/costs)
"""

from __future__ import annotations

import os
import re
import sys

from goschedlab.runtime.costs import load_costs
from goschedlab.validate.calibrate import fit_timesleep_unsampled

SETS = ("final", "final2", "s4", "s5", "s6", "s7")
PAT = re.compile(r"sleep_spawn_ns p50 GMP=1 (\d+).*sleep_spawn_park_ns (\d+)")


def main(out: str) -> int:
    os.makedirs(out, exist_ok=True)
    for s in SETS:
        p = f"/work/vmreal/{s}/costs.toml"
        text = open(p, encoding="utf-8").read()
        m = PAT.search(text)
        if m is None:
            print(f"{p}: no timesleep_ns source naming sleep_spawn_park_ns", file=sys.stderr)
            return 2
        park = int(m.group(2))
        c = load_costs(p)
        u = fit_timesleep_unsampled(c, park)
        print(f"{s}: timesleep_ns {c.timesleep_ns} -> timesleep_unsampled_ns {u.value} "
              f"({u.source})")
        lines = []
        for line in text.rstrip("\n").split("\n"):
            if line.startswith("timesleep_unsampled_ns"):
                continue  # a file written by this script already: the line is made anew
            lines.append(line)
            if line.startswith("timesleep_ns"):
                lines.append(f"{u.name} = {u.value}  # {u.source}")
        with open(f"{out}/{s}.toml", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sleep8/costs"))
