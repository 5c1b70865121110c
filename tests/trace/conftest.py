"""Shared paths for the trace-reader tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "traces"
GOLDEN = DATA / "golden"
FIXTURE = DATA / "small-go1.23.1.trace"
FANOUT = DATA / "fanout-cpu-go1.23.1.trace"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(DATA))


def golden_cases() -> list[str]:
    return sorted(p.stem for p in GOLDEN.glob("*.trace"))


def load_json(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture
def synth_path(tmp_path: Path) -> Path:
    import trace_synth

    p = tmp_path / "synth.trace"
    p.write_bytes(trace_synth.two_thread_trace())
    return p
