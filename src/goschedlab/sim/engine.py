"""The event heap and virtual clock (see the package docstring for ordering rules)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappop, heappush
from typing import Any, Final

_SEQ_BITS: Final = 40
_PRIO_BITS: Final = 4
_SHIFT: Final = _SEQ_BITS + _PRIO_BITS
_SEQ_MASK: Final = (1 << _SEQ_BITS) - 1
MAX_PRIO: Final = (1 << _PRIO_BITS) - 1
KEY_SHIFT: Final = _SHIFT
"""An event's time is ``heap[i][0] >> KEY_SHIFT`` (for hot loops that inline try_advance)."""


@dataclass(frozen=True, slots=True)
class SimStats:
    """Counters of one simulation (immutable snapshot)."""

    now: int
    events: int
    inline_advances: int
    scheduled: int
    cancelled: int
    pending: int


class Simulation:
    """Virtual clock + event heap + seeded RNG streams.  Single-threaded; not re-entrant.

    An event is a list ``[key, fn, arg]``; ``cancel`` sets ``fn`` to ``None``.  The handle
    returned by :meth:`at` is that list (opaque to callers).  ``heap`` is the event heap,
    exposed READ-ONLY so a hot loop can inline :meth:`try_advance` (``not heap or
    heap[0][0] >> KEY_SHIFT > t`` then ``now = t; inline_advances += 1``).
    """

    __slots__ = (
        "now",
        "seed",
        "_heap",
        "heap",
        "seq_next",  # the next event sequence number
        "_stopped",
        "_rngs",
        "events",
        "inline_advances",
        "cancelled",
        "heap_only",
    )

    def __init__(self, seed: int = 1, heap_only: bool = False) -> None:
        """``heap_only`` (testing): refuse every inline advance - each event leaves a
        cancelled sentinel at the current time on top of the heap while it runs, so
        :meth:`try_advance` and its inlined copies always see a pending event."""
        self.heap_only = heap_only
        self.now = 0
        self.seed = seed
        self._heap: list[list[Any]] = []
        self.heap = self._heap  # the same list, read-only for callers
        self.seq_next = 0
        self._stopped = False
        self._rngs: dict[str, random.Random] = {}
        self.events = 0
        self.inline_advances = 0
        self.cancelled = 0

    # -- randomness -------------------------------------------------------------------
    def rng(self, name: str) -> random.Random:
        """The random stream ``name`` of this simulation (created on first use, seeded)."""
        r = self._rngs.get(name)
        if r is None:
            digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
            r = random.Random(int.from_bytes(digest[:8], "little"))
            self._rngs[name] = r
        return r

    # -- scheduling -------------------------------------------------------------------
    def at(self, t: int, fn: Callable[[Any], Any], arg: Any = None, prio: int = 8) -> list[Any]:
        """Schedule ``fn(arg)`` at absolute time ``t`` (ns) with priority ``prio`` (0 first)."""
        if t < self.now:
            raise ValueError(f"Simulation.at: time {t} is before now={self.now}")
        seq = self.seq_next
        self.seq_next = seq + 1
        ev = [((t << _PRIO_BITS | prio) << _SEQ_BITS) | (seq & _SEQ_MASK), fn, arg]
        heappush(self._heap, ev)
        return ev

    def after(self, delay: int, fn: Callable[[Any], Any], arg: Any = None, prio: int = 8) -> list:
        """Schedule ``fn(arg)`` ``delay`` ns from now (``at(now + delay, ...)`` inlined)."""
        if delay < 0:
            raise ValueError(f"Simulation.at: time {self.now + delay} is before now={self.now}")
        seq = self.seq_next
        self.seq_next = seq + 1
        ev = [(((self.now + delay) << _PRIO_BITS | prio) << _SEQ_BITS) | (seq & _SEQ_MASK), fn, arg]
        heappush(self._heap, ev)
        return ev

    def cancel(self, ev: list[Any] | None) -> None:
        """Cancel a pending event (no effect if it already ran or was cancelled)."""
        if ev is not None and ev[1] is not None:
            ev[1] = None
            self.cancelled += 1

    @staticmethod
    def time_of(ev: list[Any]) -> int:
        """The time an event is (or was) scheduled for."""
        return ev[0] >> _SHIFT

    def try_advance(self, t: int) -> bool:
        """Move the clock to ``t`` now if no pending event is due at or before ``t``."""
        heap = self._heap
        if heap and (heap[0][0] >> _SHIFT) <= t:
            return False
        self.now = t
        self.inline_advances += 1
        return True

    def next_time(self) -> int | None:
        """Time of the earliest pending (possibly cancelled) event, or None."""
        return (self._heap[0][0] >> _SHIFT) if self._heap else None

    def stop(self) -> None:
        """Make :meth:`run` return after the current event."""
        self._stopped = True

    def run(self, until: int | None = None) -> int:
        """Run events in order until the heap is empty, :meth:`stop` or time ``until``.

        Returns the number of events run by this call.  Events due after ``until`` stay
        pending and the clock is left at ``until``.
        """
        heap = self._heap
        pop = heappop
        shift = _SHIFT
        self._stopped = False
        n = 0
        if self.heap_only:
            return self._run_heap_only(until)
        if until is None:  # the common case: no time limit check per event
            while heap:
                ev = pop(heap)
                fn = ev[1]
                if fn is None:
                    continue
                self.now = ev[0] >> shift
                ev[1] = None
                n += 1
                fn(ev[2])
                if self._stopped:
                    break
            self.events += n
            return n
        limit = (until + 1) << shift
        while heap:
            ev = pop(heap)
            fn = ev[1]
            if fn is None:
                continue
            key = ev[0]
            if key >= limit:
                heappush(heap, ev)
                self.now = max(self.now, until)  # type: ignore[type-var]
                break
            self.now = key >> shift
            ev[1] = None
            n += 1
            fn(ev[2])
            if self._stopped:
                break
        self.events += n
        return n

    def _run_heap_only(self, until: int | None) -> int:
        """:meth:`run` with a blocking sentinel on the heap during every event."""
        heap = self._heap
        limit = None if until is None else (until + 1) << _SHIFT
        n = 0
        while heap:
            ev = heappop(heap)
            fn = ev[1]
            if fn is None:
                continue
            if limit is not None and ev[0] >= limit:
                heappush(heap, ev)
                self.now = max(self.now, until or 0)
                break
            self.now = ev[0] >> _SHIFT
            ev[1] = None
            heappush(heap, [self.now << _SHIFT, None, None])  # the blocking sentinel
            n += 1
            fn(ev[2])
            if self._stopped:
                break
        self.events += n
        return n

    @property
    def pending(self) -> int:
        """Pending live events."""
        return sum(1 for e in self._heap if e[1] is not None)

    def statistics(self) -> SimStats:
        """An immutable snapshot of the engine's counters."""
        return SimStats(
            self.now, self.events, self.inline_advances, self.seq_next, self.cancelled, self.pending
        )
