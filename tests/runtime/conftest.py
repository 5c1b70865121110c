"""Fixtures for runtime tests: small runtimes and a factory of runnable Gs."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest

from goschedlab.runtime import Config, Runtime
from goschedlab.runtime.g import G
from goschedlab.runtime.proc import newproc1


def idle_body() -> Generator[Any, Any, None]:
    """A goroutine that does nothing (never actually run in unit tests)."""
    return
    yield


def _make_gs(rt: Runtime, n: int) -> list[G]:
    """``n`` fresh _Grunnable Gs created on P0 (not queued)."""
    return [newproc1(rt, rt.m0, rt.allp[0], idle_body, (), None) for _ in range(n)]


@pytest.fixture
def make_gs() -> Callable[[Runtime, int], list[G]]:
    """Factory: ``make_gs(rt, n)`` -> n fresh _Grunnable Gs on P0, not queued."""
    return _make_gs


@pytest.fixture
def rt4() -> Runtime:
    """A runtime with GOMAXPROCS=4, not started: m0 owns P0, P1..P3 are idle."""
    return Runtime(Config(gomaxprocs=4))
