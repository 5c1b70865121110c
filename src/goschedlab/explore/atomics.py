"""Explorer atomics: every shared access of a model is one of these operations.

A model thread is a generator; each shared access is written ``v = yield load_acq(loc)``. The
yield is the scheduling point (loom: "all sources of non-determinism must be via loom types").
An operation is a small tuple ``(kind, location, order, a, b)``; the memory model decides what
it returns and when it is enabled.

Names follow Go's ``runtime/internal/atomic``: ``LoadAcq`` -> :func:`load_acq`, ``StoreRel`` ->
:func:`store_rel`, ``Cas``/``CasRel`` -> :func:`cas`, ``Xchg`` -> :func:`xchg`, ``Xadd`` ->
:func:`xadd`, ``Load``/``Store`` (sequentially consistent) -> :func:`load_sc` / :func:`store_sc`;
plain Go loads and stores are :func:`load` / :func:`store` (relaxed).

Rules a model must follow (so that thread states can be fingerprinted from frame locals):
one shared access per statement, its result assigned to a local; thread-local data lives in
locals (lists are fine); loops are ``while`` loops or ``for i in range(n)``.
"""

from __future__ import annotations

from goschedlab.explore.locations import Location

# operation kinds
LOAD = 0
STORE = 1
CAS = 2
XCHG = 3
XADD = 4
FENCE = 5
LOCK = 6
UNLOCK = 7
AWAIT = 8

# memory orders
RLX = 0  # plain Go access / relaxed atomic
ACQ = 1  # load-acquire
REL = 2  # store-release
SC = 3  # sequentially consistent (Go atomic.Load/Store/Cas)

KIND_NAMES = {
    LOAD: "load",
    STORE: "store",
    CAS: "CAS",
    XCHG: "xchg",
    XADD: "xadd",
    FENCE: "fence",
    LOCK: "lock",
    UNLOCK: "unlock",
    AWAIT: "await",
}
ORDER_NAMES = {RLX: "", ACQ: "-acq", REL: "-rel", SC: "-sc"}

Op = tuple  # (kind, Location | None, order, a, b)


class ModelAssertion(Exception):
    """A check inside a model thread failed (the model's analogue of Go's throw)."""


def load(loc: Location) -> Op:
    """Plain (relaxed) load, as a Go plain read of a shared field."""
    return (LOAD, loc, RLX, 0, 0)


def load_acq(loc: Location) -> Op:
    """Load-acquire (Go ``atomic.LoadAcq``): later accesses cannot be performed before it."""
    return (LOAD, loc, ACQ, 0, 0)


def load_sc(loc: Location) -> Op:
    """Sequentially consistent load (Go ``atomic.Load``; LDAR on arm64, MOV on amd64)."""
    return (LOAD, loc, SC, 0, 0)


def store(loc: Location, v: int) -> Op:
    """Plain (relaxed) store, as a Go plain write of a shared field."""
    return (STORE, loc, RLX, v, 0)


def store_rel(loc: Location, v: int) -> Op:
    """Store-release (Go ``atomic.StoreRel``): earlier accesses are visible before it."""
    return (STORE, loc, REL, v, 0)


def store_sc(loc: Location, v: int) -> Op:
    """Sequentially consistent store (Go ``atomic.Store``; XCHG on amd64, STLR on arm64)."""
    return (STORE, loc, SC, v, 0)


def cas(loc: Location, old: int, new: int) -> Op:
    """Compare-and-swap (Go ``atomic.Cas``/``CasRel``; a full barrier on amd64 and arm64).

    Returns True when the location held ``old`` and now holds ``new``.
    """
    return (CAS, loc, SC, old, new)


def xchg(loc: Location, new: int) -> Op:
    """Atomic exchange (Go ``atomic.Xchg``); returns the old value."""
    return (XCHG, loc, SC, new, 0)


def xadd(loc: Location, delta: int) -> Op:
    """Atomic add (Go ``atomic.Xadd``); returns the new value."""
    return (XADD, loc, SC, delta, 0)


def fence() -> Op:
    """Full fence (MFENCE / DMB ISH): drains the store buffer, orders everything."""
    return (FENCE, None, SC, 0, 0)


def lock(loc: Location) -> Op:
    """Acquire a plain mutex (Go ``lock(&sched.lock)``); blocks while another thread holds it."""
    return (LOCK, loc, SC, 0, 0)


def unlock(loc: Location) -> Op:
    """Release a mutex held by this thread (Go ``unlock``)."""
    return (UNLOCK, loc, SC, 0, 0)


def await_eq(loc: Location, v: int) -> Op:
    """Block until a (relaxed) load of ``loc`` returns ``v``; returns it.

    Stands for a spin loop (``for load(loc) != v { procyield }``) without its stutter steps.
    """
    return (AWAIT, loc, RLX, v, 0)


def check(cond: bool, msg: str) -> None:
    """Model assertion: raise :class:`ModelAssertion` with ``msg`` unless ``cond``."""
    if not cond:
        raise ModelAssertion(msg)


def throw(msg: str) -> None:
    """Go's ``throw``: the model reached a state the runtime treats as fatal."""
    raise ModelAssertion(msg)
