"""Example goschedlab policies, installed through the ``goschedlab.policies`` entry point group.

* ``global-check-31``: findRunnable looks at the global run queue every 31 schedticks
  instead of Go's 61 (fairness towards the global queue at the cost of more sched.lock
  traffic).
* ``spin-quarter``: at most a quarter of the busy Ps may have a spinning M looking for work
  (Go: half), trading pick-up latency for less CPU burnt spinning.
"""

from __future__ import annotations

from goschedlab.policies import Policy


class GlobalCheck31(Policy):
    """Go 1.23 with the global-queue fairness check every 31 schedticks (Go: 61)."""

    name = "global-check-31"
    description = "example plug-in: findRunnable checks the global queue every 31 ticks (Go: 61)"
    globrunq_check_period = 31


class SpinQuarter(Policy):
    """Go 1.23 with at most a quarter (Go: half) of the busy Ps' worth of spinning Ms."""

    name = "spin-quarter"
    description = "example plug-in: spinning Ms capped at a quarter of busy Ps (Go: half)"

    def spinning_allowed(self, nmspinning: int, gomaxprocs: int, npidle: int) -> bool:
        """findRunnable's spinning cap with 4 instead of 2."""
        return 4 * nmspinning < gomaxprocs - npidle
