"""Discrete-event engine: an integer-nanosecond virtual clock and an event heap.

What it models: nothing of Go.  A :class:`Simulation` owns the clock (``now``, integer ns), a
binary heap of pending events and the seeded random streams; callers schedule callbacks
``fn(arg)`` at absolute times and the engine runs them in order.

Main objects
    * :class:`Simulation` - clock, heap, ``at``/``after``/``cancel``/``run``/``stop``,
      ``try_advance`` (inline clock advance), ``rng(name)`` (seeded streams).
    * :class:`SimStats` - immutable record returned by ``Simulation.statistics()``.

Ordering and invariants
    * Events run in ``(time, priority, seq)`` order; ``seq`` grows by one per scheduled event,
      so events with equal time and priority run first-in first-out (SimPy's rule).
    * Invariant: ``now`` never decreases; an event is never scheduled before ``now``.
    * Cancelling an event marks its heap entry dead (lazy deletion); dead entries are skipped.
    * ``try_advance(t)`` moves the clock to ``t`` without an event only when every pending
      event is strictly later than ``t``; a busy actor can thus execute many cheap steps
      without a heap round-trip, and the observable order is the same as if each step had
      been an event (an equal-time event scheduled earlier would have run first, so equal
      times are refused).
    * Hot loops may inline ``try_advance``: ``Simulation.heap`` is the event heap, exposed
      READ-ONLY, and ``KEY_SHIFT`` gives an entry's time (``heap[0][0] >> KEY_SHIFT``); the
      inlined copy must also count ``inline_advances`` (runtime/interp.py: run_g does this).
      tests/runtime/test_speed_identity.py checks that refusing every inline advance
      (all steps through the heap) gives byte-identical simulation output.
    * All randomness comes from ``rng(name)``: ``random.Random`` instances derived from the one
      seed and the stream name (SHA-256), so adding a stream never perturbs another.

Rejected alternatives
    * Generator processes (SimPy-style): one resume per step costs more than a plain callback
      and the Go model drives its actors (Ms) explicitly anyway.
    * Tuple ``(time, prio, seq)`` keys: comparing tuples is slower than comparing one int; the
      key is packed into a single integer ``((time << 4 | prio) << 40) | seq``.
    * A calendar queue: faster asymptotically, but heapq is C code and wins at our sizes.
"""

from goschedlab.sim.engine import KEY_SHIFT, SimStats, Simulation

__all__ = ["KEY_SHIFT", "Simulation", "SimStats"]
