"""Helpers for runtime tests (imported as a top-level module by the test files)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from goschedlab.runtime import Runtime
from goschedlab.runtime.g import G
from goschedlab.runtime.proc import newproc1


def idle_body() -> Generator[Any, Any, None]:
    """A goroutine that does nothing (never actually run in unit tests)."""
    return
    yield


def make_gs(rt: Runtime, n: int) -> list[G]:
    """``n`` fresh _Grunnable Gs created on P0 (not queued)."""
    return [newproc1(rt, rt.m0, rt.allp[0], idle_body, (), None) for _ in range(n)]
