"""Fixtures for runtime tests."""

from __future__ import annotations

import pytest

from goschedlab.runtime import Config, Runtime


@pytest.fixture
def rt4() -> Runtime:
    """A runtime with GOMAXPROCS=4, not started: m0 owns P0, P1..P3 are idle."""
    return Runtime(Config(gomaxprocs=4))
