"""Miss accounting for the issue note: per known model gap, its misses per validate run, the
mechanism and what was done about it (issue 7: "the note names, for each miss, the mechanism
responsible and what was done about it").

    .venv/bin/python benchmarks/miss_accounting.py RUN.json [RUN.json ...] [--all] [--gaps FILE]

Reads one or more ``goschedlab validate --json`` (or ``benchmarks/validate_full.py --json``)
files and prints a markdown table: one row per gap id, in the order of the gaps table, with the
count of misses in each file (column named after the file's stem), the total, the mechanism and
the ``done`` sentence.  Mechanism and done come from the rows themselves when they carry them
(validate since ``done`` was added), else from the gaps table (``--gaps FILE``, default the
shipped ``goschedlab/validate/gaps.toml``).  The built-in ``real-run-spread`` reason and the
unexplained misses get rows of their own (after the table's entries).  ``--all`` also lists
entries of the table with no miss in any file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.validate.compare import SPREAD_DONE, SPREAD_GAP, SPREAD_REASON
from goschedlab.validate.gaps import Gap, load_gaps

UNEXPLAINED = "unexplained"


def _cell(text: str) -> str:
    """A markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UserInputError(f"{path}: cannot read a validate --json file: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise UserInputError(f"{path}: not a validate --json file (no 'rows' list)")
    return data


def accounting(runs: dict[str, dict[str, Any]], gaps: tuple[Gap, ...], *, show_all: bool = False
               ) -> str:
    """The markdown table for ``runs`` (column name -> parsed validate JSON)."""
    names = list(runs)
    counts: dict[str, dict[str, int]] = {}
    text: dict[str, tuple[str, str]] = {}
    for name, data in runs.items():
        for r in data["rows"]:
            if r.get("within"):
                continue
            gid = r.get("gap") or UNEXPLAINED
            counts.setdefault(gid, {}).setdefault(name, 0)
            counts[gid][name] += 1
            if gid != UNEXPLAINED and r.get("reason") and r.get("done"):
                text.setdefault(gid, (r["reason"], r["done"]))
    table = {g.id: g for g in gaps}
    order = [g.id for g in gaps if show_all or g.id in counts]
    order += sorted(k for k in counts if k not in table and k not in (SPREAD_GAP, UNEXPLAINED))
    order += [k for k in (SPREAD_GAP, UNEXPLAINED) if k in counts]
    head = ["gap", *names, "total", "mechanism", "done"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    totals = dict.fromkeys(names, 0)
    for gid in order:
        per = counts.get(gid, {})
        for n in names:
            totals[n] += per.get(n, 0)
        if gid in text:
            mech, done = text[gid]
        elif gid in table:
            mech, done = table[gid].mechanism, table[gid].done
        elif gid == SPREAD_GAP:
            mech, done = SPREAD_REASON, SPREAD_DONE
        elif gid == UNEXPLAINED:
            mech, done = "no entry of the gaps table matches", "-"
        else:
            mech, done = "(not in this gaps table)", "-"
        out.append("| " + " | ".join([f"`{gid}`", *(str(per.get(n, 0)) for n in names),
                                      str(sum(per.values())), _cell(mech), _cell(done)]) + " |")
    out.append("| **misses** | " + " | ".join(str(totals[n]) for n in names)
               + f" | {sum(totals.values())} | | |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", nargs="+", type=Path, help="validate --json files")
    ap.add_argument("--gaps", type=Path, default=None,
                    help="gaps table for mechanism/done when the rows lack them "
                         "(default: the shipped one)")
    ap.add_argument("--all", action="store_true", help="also list gaps with no miss")
    a = ap.parse_args(argv)
    try:
        runs: dict[str, dict[str, Any]] = {}
        for p in a.json:
            name = p.stem
            while name in runs:
                name += "'"
            runs[name] = _load(p)
        sys.stdout.write(accounting(runs, load_gaps(a.gaps), show_all=a.all))
    except UserInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
