"""P and G state hand-offs of Go 1.23 (src/runtime/proc.go): wirep/acquirep/releasep and
casgstatus, as explorer models.

acquirep: thread 0 is an M running ``acquirep`` -> ``wirep`` (Go writes ``m.p``, ``pp.m``,
``pp.status = _Prunning`` in that order with **plain** stores); thread 1 is a reader checking
``pp.status == _Prunning implies pp.m != nil`` with plain loads. Go's wirep relies on the P
having been handed over under ``sched.lock`` or a CAS, and on readers that take the lock or
tolerate stale values - it never promises this reader's check. The model says so honestly: the
check holds under SC and x86-TSO (stores and loads each stay in order) and fails under the
ARM-like model (plain stores to different locations may become visible out of order). With
``releasep`` added the check fails under every model: two plain loads are not a snapshot.

The hotfix write-up (section 2.4) variants: "before" stores status before p.m; "after" stores p.m
then status, both with atomic (sequentially consistent) stores, read with atomic loads.

casgstatus: one G starts ``_Grunning``; thread 0 parks it (``casgstatus(_Grunning,
_Gwaiting)``), thread 1 readies it once it is waiting (``casgstatus(_Gwaiting, _Grunnable)``),
thread 2 is a stack scanner that sets and clears the ``_Gscan`` bit (``castogscanstatus`` /
``casfrom_Gscanstatus``, one attempt, as ``suspendG`` would make). casgstatus's CAS retry
loop is kept as in Go (the spin is a loop of loads; state hashing folds its repetitions).
Final check: the G ends ``_Grunnable`` with no scan bit. Difference from Go: the 5us
procyield/osyield back-off is a plain retry; latency tracking is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from goschedlab.explore.atomics import (
    await_eq,
    cas,
    check,
    load,
    load_sc,
    store,
    store_sc,
    throw,
)
from goschedlab.explore.execution import Instance
from goschedlab.explore.locations import Layout, Location

Gen = Generator[tuple, Any, Any]

_Pidle = 0
_Prunning = 1

_Gidle = 0
_Grunnable = 1
_Grunning = 2
_Gsyscall = 3
_Gwaiting = 4
_Gscan = 0x1000

M_ID = 1  # the M's id; 0 is nil


class PM:
    """The fields wirep touches: ``m.p`` (the M's own), ``pp.m`` and ``pp.status``."""

    __slots__ = ("mp", "pm", "status")

    def __init__(self, lay: Layout) -> None:
        self.mp = lay.loc("m1.p", private=0)
        self.pm = lay.loc("p0.m", writers=(0,))
        self.status = lay.loc("p0.status", init=_Pidle, writers=(0,))


def build_acquirep(name: str, *, release: bool = False, hotfix: str | None = None) -> Instance:
    """acquirep (+ releasep) against a reader; ``hotfix``: None, 'before' or 'after'."""
    lay = Layout()
    pp = PM(lay)
    st = store_sc if hotfix else store
    ld = load_sc if hotfix else load

    def wirep() -> Gen:
        """Models proc.go: wirep (hotfix: the write-up's store order and atomics)."""
        mp = yield load(pp.mp)
        if mp != 0:
            throw("wirep: already in go")
        m = yield load(pp.pm)  # safety: this M owns the idle P it is wiring
        s = yield load(pp.status)
        if m != 0 or s != _Pidle:
            throw("wirep: invalid p state")
        yield store(pp.mp, 1)
        if hotfix == "before":
            yield st(pp.status, _Prunning)
            yield st(pp.pm, M_ID)
        else:
            yield st(pp.pm, M_ID)  # Go: plain store
            yield st(pp.status, _Prunning)  # Go: plain store

    def releasepNoTrace() -> Gen:
        """Models proc.go: releasepNoTrace."""
        mp = yield load(pp.mp)
        if mp == 0:
            throw("releasep: invalid arg")
        m = yield load(pp.pm)
        s = yield load(pp.status)
        if m != M_ID or s != _Prunning:
            throw("releasep: invalid p state")
        yield store(pp.mp, 0)
        yield st(pp.pm, 0)
        yield st(pp.status, _Pidle)

    def acquirep_m() -> Gen:
        """Models proc.go: acquirep (its trace and mcache work left out), then releasep."""
        yield from wirep()
        if release:
            yield from releasepNoTrace()

    def reader() -> Gen:
        """A thread checking ``status == _Prunning implies p.m != nil`` without a lock."""
        s = yield ld(pp.status)
        if s == _Prunning:
            m = yield ld(pp.pm)
            check(m != 0, "p0.status == _Prunning but p0.m == nil")

    inst = Instance(name, lay, [acquirep_m, reader], ["M acquirep", "reader"])
    inst.params = {}
    return inst


def build_casgstatus(name: str, *, plain: bool = False) -> Instance:
    """casgstatus park/ready racing a stack scanner; ``plain`` = seeded load+store bug."""
    lay = Layout()
    status = lay.loc("g1.atomicstatus", init=_Grunning)

    def casgstatus(oldval: int, newval: int) -> Gen:
        """Models proc.go: casgstatus (CAS retry loop)."""
        if (oldval & _Gscan) or (newval & _Gscan) or oldval == newval:
            throw("casgstatus: bad incoming values")
        while True:
            if plain:
                s = yield load(status)
                ok = s == oldval
                if ok:
                    yield store(status, newval)  # seeded bug: not atomic with the load
            else:
                ok = yield cas(status, oldval, newval)
            if ok:
                return
            s = yield load_sc(status)
            if oldval == _Gwaiting and s == _Grunnable:
                throw("casgstatus: waiting for Gwaiting but is Grunnable")

    def castogscanstatus(oldval: int, newval: int) -> Gen:
        """Models proc.go: castogscanstatus (one CAS)."""
        if oldval not in (_Grunnable, _Grunning, _Gwaiting, _Gsyscall) or newval != oldval | _Gscan:
            throw("castogscanstatus")
        ok = yield cas(status, oldval, newval)
        return ok

    def casfrom_Gscanstatus(oldval: int, newval: int) -> Gen:
        """Models proc.go: casfrom_Gscanstatus (CAS; failure is fatal)."""
        ok = yield cas(status, oldval, newval)
        if not ok:
            throw("casfrom_Gscanstatus: gp->status is not in scan state")

    def park() -> Gen:
        """The G's own M: park_m's casgstatus(_Grunning, _Gwaiting)."""
        yield from casgstatus(_Grunning, _Gwaiting)

    def ready() -> Gen:
        """A waker: once the G is waiting, ready it (casgstatus(_Gwaiting, _Grunnable))."""
        yield await_eq(status, _Gwaiting)
        yield from casgstatus(_Gwaiting, _Grunnable)

    def scanner() -> Gen:
        """The GC: suspendG-style scan of the G's stack (one attempt)."""
        s = yield load_sc(status)
        if s in (_Grunnable, _Grunning, _Gwaiting):
            ok = yield from castogscanstatus(s, s | _Gscan)
            if ok:
                yield from casfrom_Gscanstatus(s | _Gscan, s)

    def final_check(value: Callable[[Location], int], results: list[Any]) -> str | None:
        s = value(status)
        if s != _Grunnable:
            return f"g1.atomicstatus ends {s:#x}, expected _Grunnable ({_Grunnable})"
        return None

    inst = Instance(name, lay, [park, ready, scanner], ["park_m", "ready", "GC scan"], final_check)
    inst.params = {}
    return inst
