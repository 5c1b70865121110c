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
from goschedlab.validate.calibrate import sleep_spawn_sim_ns

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
        park_m = sleep_spawn_sim_ns(c, park=True)
        u = min(c.timesleep_ns, max(0, round(park - park_m)))
        print(f"{s}: park {park} model park {park_m:.0f} timesleep_ns {c.timesleep_ns} "
              f"-> timesleep_unsampled_ns {u}")
        lines = []
        for line in text.rstrip("\n").split("\n"):
            lines.append(line)
            if line.startswith("timesleep_ns"):
                lines.append(f"timesleep_unsampled_ns = {u}  # sleep_spawn_park_ns p50 GMP=1 "
                             f"{park} - the model's same trial {park_m:.0f}, within "
                             f"[0, timesleep_ns]")
        with open(f"{out}/{s}.toml", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sleep8/costs"))
