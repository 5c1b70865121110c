"""Paths and small helpers shared by the trace-reader tests (unique module name on purpose:
every test directory has a conftest.py, so tests import from here, not from conftest)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "traces"
GOLDEN = DATA / "golden"
FIXTURE = DATA / "small-go1.23.1.trace"
FANOUT = DATA / "fanout-cpu-go1.23.1.trace"
TIE = DATA / "tie-go1.23.1.trace"  # two threads' events share a timestamp: Go's order varies
for _p in (str(Path(__file__).resolve().parent), str(DATA)):
    if _p not in sys.path:
        sys.path.insert(0, _p)


def golden_cases() -> list[str]:
    return sorted(p.stem for p in GOLDEN.glob("*.trace"))


def load_json(path: Path) -> dict:
    return json.loads(path.read_text())
