"""Scheduler policies: named objects that replace documented parts of the Go model.

The runtime model (``goschedlab.runtime``) asks its policy, never a constant, for each decision a
scheduler change might alter.  :class:`Policy` carries Go 1.23's behaviour; a policy overrides
only what it changes.  Hook points (and the Go code they stand for):

===========================  ==========================================  =====================
hook                         Go 1.23                                     where in proc.go
===========================  ==========================================  =====================
``runq_capacity``            256                                         ``type p``: ``runq``
``globrunq_check_period``    61                                          ``findRunnable``
``force_preempt_ns``         10 ms                                       ``forcePreemptNS``
``steal_tries``              4                                           ``stealWork``
``spinning_allowed``         ``2*nmspinning < gomaxprocs - npidle``      ``findRunnable``
``steal_order``              coprime-stride random permutation           ``randomOrder``
``steal_extra_cost_ns``      0 (costs of the lock-free path are in       ``runqgrab``
                             the cost model)
``after_failed_steal``       none: no back-off (returns 0)               ``findRunnable``
===========================  ==========================================  =====================

Rejected alternative: subclassing the runtime.  A policy object keeps the model one code path,
so every policy is checked by the same invariants and tests.
"""

from goschedlab.policies.base import Policy

__all__ = ["Policy"]
