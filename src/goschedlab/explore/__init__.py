"""goschedlab.explore: exhaustive interleaving exploration of the Go runtime's lock-free code.

What it models. Go 1.23's run queue (src/runtime/proc.go: runqput, runqputslow, runqget,
runqgrab, runqsteal), the P hand-off (wirep/acquirep/releasepNoTrace) and casgstatus, written as
Python generator functions with Go's names, statement order and locals, where every shared
access is an explicit explorer atomic (:mod:`.atomics`: load / load_acq / load_sc, store /
store_rel / store_sc, cas, xchg, xadd, fence, lock/unlock, await_eq) and checks are
``check``/``throw`` inside threads plus a final-state check. The explorer runs these threads
under sequential consistency, x86-TSO or an ARM-like (ARMv8-style, multi-copy-atomic) memory
model (:mod:`.memory`) and visits every reachable state.

Main objects (one module per mechanism, loom-style):
* :mod:`.locations` - ``Layout`` / ``Location``: the shared cells, with declared writers and
  private cells (checked at run time).
* :mod:`.atomics` - the operations a model yields.
* :mod:`.execution` - ``Instance`` (a model ready to run) and ``ThreadTable``, which interns
  thread states by fingerprinting generator frames (code, offset, locals).
* :mod:`.memory` - ``SCMemory``, ``TSOMemory``, ``ARMMemory``.
* :mod:`.path` - transitions, paths and replay tokens.
* :mod:`.scheduler` - ``Config``, ``explore()``: DFS with state hashing, persistent-set and
  sleep-set partial-order reduction (``reduction="static"``, default), preemption bound, BFS
  shortest counterexample, random walks; ``Statistics``.
* :mod:`.dpor` - ``SourceDPOR``: source-DPOR with sleep sets, a state cache and spin-loop
  blocking (``reduction="dpor"``).
* :mod:`.report` - replay of a path with Go-named steps, table / JSON output.
* :mod:`.models` - the built-in models (``MODELS``), litmus tests; :mod:`._cli` the command.

Entry point: ``explore(MODELS["runq"].build("runq", threads=3, capacity=4), Config(memory="arm"))``
returns an ``Outcome`` (``violation``, ``stats``).

Invariants. ``ThreadTable.step(n, v)`` is a pure function (threads are deterministic given the
values they read); a global state ``(mem, nodes)`` determines the whole future; every
counterexample's replay ends in the same violation (tested for every seeded bug); the
persistent-set reduction and DPOR never change the set of final states or a verdict (tested
against full expansion); DPOR's dependency relation is an independence relation (independent
events commute and do not disable each other, tested on every reachable state of small models).

Rejected alternatives. Stateless DPOR as the default (loom, Flanagan-Godefroid): without state
hashing, spin and retry loops under the weak models (a thief re-reading stale indices) are
unbounded and ARM executions explode. We built source-DPOR with sleep sets on top of a state
cache (:mod:`.dpor`, ``reduction="dpor"``); it halves the states under SC/TSO but under the
ARM-like model explores more than the static reduction (state hashing with persistent plus
sleep sets, Godefroid's stateful combination), which therefore stays the default.
Axiomatic (herd-style) memory models: they check whole executions, not a state we can hash
and replay step by step.
Copying generator state (not possible in CPython) - states are rebuilt by replaying the path.

What is not explored (not sound / not complete, loom-style): the ARM-like model does not
produce load buffering (the LB litmus outcome, allowed by ARMv8) and tracks no dependencies;
read-modify-writes and fences are full barriers; compiler reordering of plain Go accesses is not
modelled; thread state fingerprints assume models keep thread-local state in locals (one shared
access per statement). Capacities are small (Go: 256).

Follows Go 1.23.1 src/runtime/proc.go (identical in 1.22.10 for these functions).
"""

from goschedlab.explore.execution import Instance
from goschedlab.explore.scheduler import Config, Outcome, Statistics, Violation, explore

__all__ = ["Config", "Instance", "Outcome", "Statistics", "Violation", "explore"]
