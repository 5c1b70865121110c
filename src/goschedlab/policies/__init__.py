"""Scheduler policies: named objects that replace documented parts of the Go model.

What it models
    The runtime model (``goschedlab.runtime``) asks its policy, never a constant, for each
    decision a scheduler change might alter.  :class:`Policy` carries Go 1.23.1's behaviour
    (src/runtime/proc.go); a policy overrides only what it changes.  Hook points (and the Go
    code they stand for):

    ===========================  ======================================  ====================
    hook                         Go 1.23                                 where in proc.go
    ===========================  ======================================  ====================
    ``runq_capacity``            256                                     ``type p``: ``runq``
    ``globrunq_check_period``    61                                      ``findRunnable``
    ``force_preempt_ns``         10 ms                                   ``forcePreemptNS``
    ``steal_tries``              4                                       ``stealWork``
    ``spinning_allowed``         ``2*nmspinning < gomaxprocs - npidle``  ``findRunnable``
    ``steal_order``              coprime-stride random permutation       ``randomOrder``
    ``steal_extra_cost_ns``      0 (the lock-free path's cost is in the  ``runqgrab``
                                 cost model)
    ``locks_runq`` +             False: the owner's queue ops take no    ``runqput``,
    ``runq_owner_cost_ns``       lock                                    ``runqget``
    ``after_failed_steal``       none: no back-off (returns 0)           ``findRunnable``
    ``bind``                     per-run copy (state lives per run)      --
    ===========================  ======================================  ====================

Main objects
    :class:`Policy` (base, = ``go1.23``), the built-ins in :mod:`.builtin` (``locked-steal``,
    ``hotfix``), and the registry: :func:`get` (``"hotfix"`` or ``"hotfix:cap=3:park_ns=500"``),
    :func:`available` (name -> description).  Third-party policies register a
    :class:`Policy` subclass under the entry point group ``goschedlab.policies``; the entry
    point's name is the policy name (see examples/goschedlab-example-policy).

Invariants
    * ``get(n).name == n`` for every ``n in available()``.
    * A policy changes costs and decisions only through the hooks above; the queue algorithm
      (who holds which G) stays Go's, so the runtime's invariant checks hold for every policy.
    * ``bind`` never mutates the configured object: the same Config can run many seeds.

Rejected alternatives
    Subclassing the runtime (one code path keeps every policy under the same invariants and
    tests); a module-level registry dict filled at import (global mutable state - the
    registry is rebuilt from built-ins + entry points on each call, which is cheap).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.policies.base import Policy
from goschedlab.policies.builtin import Go123, Hotfix, LockedSteal

ENTRY_POINT_GROUP = "goschedlab.policies"

_BUILTIN: dict[str, type[Policy]] = {
    "go1.23": Go123,
    "locked-steal": LockedSteal,
    "hotfix": Hotfix,
}


def _plugins() -> dict[str, Any]:
    """Entry points of the ``goschedlab.policies`` group, by name (not loaded)."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _load(name: str) -> type[Policy]:
    cls = _BUILTIN.get(name)
    if cls is not None:
        return cls
    ep = _plugins().get(name)
    if ep is None:
        valid = ", ".join(sorted(set(_BUILTIN) | set(_plugins())))
        raise UserInputError(f"unknown policy {name!r} (available: {valid})")
    try:
        obj = ep.load()
    except Exception as e:  # a broken plug-in is the user's installation problem
        raise UserInputError(
            f"policy {name!r}: entry point {ep.value!r} of group {ENTRY_POINT_GROUP} "
            f"failed to load ({type(e).__name__}: {e})"
        ) from None
    if not (isinstance(obj, type) and issubclass(obj, Policy)):
        raise UserInputError(
            f"policy {name!r}: entry point {ep.value!r} is not a goschedlab.policies.Policy "
            "subclass"
        )
    return obj


def available() -> dict[str, str]:
    """Every policy name (built-ins first, then plug-ins sorted) -> its one-line description."""
    out = {n: c.description for n, c in _BUILTIN.items()}
    for name in sorted(_plugins()):
        if name in out:
            continue
        try:
            out[name] = _load(name).description
        except UserInputError as e:
            out[name] = f"(broken plug-in: {e})"
    return out


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``"name:k=v:k=v"`` into the name and its parameters (strings)."""
    name, *rest = spec.strip().split(":")
    params: dict[str, str] = {}
    for item in rest:
        k, sep, v = item.partition("=")
        if not sep or not k:
            raise UserInputError(
                f"policy spec {spec!r}: expected NAME[:key=value...], got {item!r}"
            )
        params[k.strip()] = v.strip()
    if not name:
        raise UserInputError(f"policy spec {spec!r}: expected NAME[:key=value...]")
    return name, params


def get(spec: str, **params: Any) -> Policy:
    """A new policy object: ``get("hotfix")``, ``get("hotfix", cap=3)`` or
    ``get("hotfix:cap=3")``.  Unknown names raise :class:`UserInputError` listing valid ones."""
    name, given = parse_spec(spec)
    cls = _load(name)
    pol = cls(**{**given, **params})
    if pol.name != name:
        pol.name = name  # a plug-in registered under another name keeps the registry's name
    return pol


__all__ = ["ENTRY_POINT_GROUP", "Go123", "Hotfix", "LockedSteal", "Policy", "available", "get",
           "parse_spec"]
