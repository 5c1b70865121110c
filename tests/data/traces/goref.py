"""Parse ``go tool trace -d=1`` / ``-d=2`` output into the counts our tests compare with.

Used by ``regen.py`` (to write golden JSON) and by the slow tests (live comparison).
"""

from __future__ import annotations

import re
from collections import Counter

_D1 = re.compile(r"^M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(\d+)")
_TR = re.compile(r"Resource=(Goroutine|Proc)\((-?\d+)\).* (\w+)->(\w+)$")
_D2 = re.compile(r"^([A-Za-z]+)\b")


def parse_d2(text: str) -> dict[str, int]:
    """Per-type counts of ``go tool trace -d=2`` (raw events in file order)."""
    c: Counter[str] = Counter()
    for line in text.splitlines():
        m = _D2.match(line)
        if m and (" dt=" in line or "=" in line or line.strip() == m.group(1)):
            c[m.group(1)] += 1
    return dict(c)


def parse_d1(text: str) -> dict:
    """Kind counts, transition counts, the transition stream and per-goroutine state totals."""
    kinds: Counter[str] = Counter()
    trans: Counter[str] = Counter()
    stream: list[tuple[int, str, int, str, str]] = []
    for line in text.splitlines():
        m = _D1.match(line)
        if not m:
            continue
        kind, t = m.group(4), int(m.group(5))
        kinds[kind] += 1
        if kind == "StateTransition":
            tm = _TR.search(line)
            assert tm, line
            res, rid, frm, to = tm.group(1), int(tm.group(2)), tm.group(3), tm.group(4)
            trans[f"{res} {frm}->{to}"] += 1
            stream.append((t, res, rid, frm, to))
    totals: dict[str, dict[str, int]] = {}
    if stream:
        t0, t1 = stream[0][0], stream[-1][0]
        since: dict[int, tuple[str, int]] = {}
        for t, res, rid, frm, to in stream:
            if res != "Goroutine":
                continue
            if frm == "Undetermined":
                since[rid] = (to, t0)
                continue
            if frm == to:
                continue
            if rid in since and frm not in ("NotExist",):
                st, s = since[rid]
                d = totals.setdefault(str(rid), {})
                d[st] = d.get(st, 0) + t - s
            since[rid] = (to, t)
        for rid, (st, s) in since.items():
            if st != "NotExist":
                d = totals.setdefault(str(rid), {})
                d[st] = d.get(st, 0) + t1 - s
        window = [t0, t1]
    else:
        window = [0, 0]
    return {"kinds": dict(kinds), "transitions": dict(trans), "stream": stream,
            "totals": totals, "window": window}
