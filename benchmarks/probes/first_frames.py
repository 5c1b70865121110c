"""Where a goroutine's clock reads cost more (mechanism 390): perf call graphs of fanout-cpu.

Record (this VM, go1.23.1, under ``flock -x /tmp/cpu.lock``), e.g.::

    GOMAXPROCS=1 perf record -q -g -F 4999 -o cg_1.data FANOUT_CPU -g 100000 -w 1 > cg_1.json

then ``python3 benchmarks/probes/first_frames.py G cg_1.data cg_2.data ...`` prints, in ns per
goroutine, the samples whose leaf is a clock function (vdso clock_gettime, nanotime1,
nanotime, time.Since), grouped by the first non-clock caller frame (symbol+offset): in
fanout-cpu's body (main.main.func1) the first call site is ``began[i] = lab.Now()``, the
second SpinNs, the third ``ended[i] = lab.Now()``; SpinNs's first site is its deadline read,
the second its loop.  A sample is 1 / F seconds (F = 4999 here).
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys

CLOCK = re.compile(r"clock_gettime|nanotime1|^runtime\.nanotime\+|^time\.Since|lab\.Now\+")
FREQ = 4999


def main() -> None:
    g = int(sys.argv[1])
    files = sys.argv[2:]
    sites: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[tuple[str, str]] = collections.Counter()
    for f in files:
        out = subprocess.run(
            ["perf", "script", "-i", f, "-F", "ip,sym,symoff"], capture_output=True, text=True
        ).stdout
        for block in out.split("\n\n"):
            frames = [ln.split(None, 1) for ln in block.strip().splitlines() if ln.strip()]
            syms = [fr[1] if len(fr) > 1 else "?" for fr in frames]
            if not syms or not CLOCK.search(syms[0]):
                continue
            caller = next((s for s in syms[1:] if not CLOCK.search(s)), "?")
            sites[caller] += 1
            leaves[(caller, syms[0].split("+")[0])] += 1
    per = 1e9 / FREQ / g / len(files)
    for site, n in sites.most_common(12):
        print(f"{site:45s} {n * per:7.0f} ns/G  ({n} samples)")
        for (s, leaf), m in leaves.most_common():
            if s == site:
                print(f"    {leaf:41s} {m * per:7.0f}")


if __name__ == "__main__":
    main()
