"""Fixtures for the trace-reader tests (paths live in trace_paths.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trace_paths  # noqa: E402,F401 - puts tests/data/traces on sys.path


@pytest.fixture
def synth_path(tmp_path: Path) -> Path:
    import trace_synth

    p = tmp_path / "synth.trace"
    p.write_bytes(trace_synth.two_thread_trace())
    return p
