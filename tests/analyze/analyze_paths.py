"""Paths of the analyze tests' real data (tests/data/logs, tests/data/metrics)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
LOGS = DATA / "logs"
METRICS = DATA / "metrics"
SCHEDTRACE = LOGS / "fanout-cpu-default-gmp2-schedtrace10.log"
SCHEDDETAIL = LOGS / "fanout-cpu-default-gmp2-schedtrace10-scheddetail1.first200.log"
GCTRACE = LOGS / "gc-churn-default-gmp2-gctrace.log"
INTERLEAVED = LOGS / "interleaved.log"


def blocking_logger(version: str) -> list[Path]:
    """The five repetitions of blocking-logger default-c0 GOMAXPROCS=2 for a Go release."""
    files = sorted((METRICS / f"go{version}").glob("blocking-logger-default-c0-gmp2-rep*.json"))
    assert len(files) == 5
    return files
