"""The built-in scenarios: one module per refcorpus Go program, same names, flags and settings."""

from __future__ import annotations

from goschedlab.workloads.corpus.blocking_logger import SCENARIO as BLOCKING_LOGGER
from goschedlab.workloads.corpus.fanout_cpu import SCENARIO as FANOUT_CPU
from goschedlab.workloads.corpus.gc_churn import SCENARIO as GC_CHURN
from goschedlab.workloads.corpus.net_server import SCENARIO as NET_SERVER
from goschedlab.workloads.corpus.open_loop_server import SCENARIO as OPEN_LOOP_SERVER
from goschedlab.workloads.corpus.pingpong import SCENARIO as PINGPONG
from goschedlab.workloads.corpus.pipeline import SCENARIO as PIPELINE
from goschedlab.workloads.corpus.syscall_block import SCENARIO as SYSCALL_BLOCK
from goschedlab.workloads.corpus.timer_storm import SCENARIO as TIMER_STORM
from goschedlab.workloads.scenario import Scenario

BUILTIN: tuple[Scenario, ...] = (
    FANOUT_CPU,
    PINGPONG,
    PIPELINE,
    BLOCKING_LOGGER,
    SYSCALL_BLOCK,
    GC_CHURN,
    OPEN_LOOP_SERVER,
    TIMER_STORM,
)

EXTRA: tuple[Scenario, ...] = (NET_SERVER,)
"""Model-only scenarios (no refcorpus Go program): listed and simulated like the built-ins,
but not part of ``BUILTIN`` (which mirrors the corpus one to one)."""
