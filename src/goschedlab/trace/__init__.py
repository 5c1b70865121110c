"""Reader of Go's execution-trace wire format (Go 1.22 and 1.23) and its scheduling views.

What it models: the files ``runtime/trace`` writes in go1.22.x/go1.23.x (header ``go 1.22
trace`` / ``go 1.23 trace``), read as Go's own ``internal/trace`` reader (go1.23.1, files
``generation.go``, ``batch.go``, ``batchcursor.go``, ``order.go``, ``reader.go``, ``event.go``)
reads them, then turned into the scheduling views a runtime engineer wants: per-goroutine
state intervals, per-P timelines, STW and GC ranges, user tasks/regions/logs and goroutine
creation sites.  The byte layouts are described in ``wire``; ordering rules in ``order``.

Layers (pyelftools structs -> sections -> elffile; Go internal/trace):

* ``wire``       byte layouts: header, batch framing, uvarints (numpy), the event table.
* ``generation`` batches grouped into generations with string/stack/frequency tables; read
                 one generation at a time (memory bounded by a generation, not the file).
* ``order``      Go's sequence-number merge of the per-thread streams (``Ordering``):
                 records in Go's order, Go's +1 ns clamp applied.
* ``states``     records -> state transitions, intervals, ranges (``TraceBuilder``).
* ``reader``     the facade: :func:`open` (stream of :class:`Event`) and :func:`read`
                 (a :class:`Trace` of pandas DataFrames).

Invariants: every length field is checked against the bytes left before allocation; every
malformed input raises :class:`TraceParseError` (file, byte offset, what was expected); a
goroutine's intervals tile its lifetime inside the window without overlap; per-type event
counts equal ``go tool trace -d=2``'s and state-transition counts ``-d=1``'s (tests).

Rejected alternatives: sorting by timestamp instead of the sequence merge (wrong on real
traces: a GoSyscallEndBlocked can be stamped before the ProcSteal that must precede it);
decoding every varint in a Python loop (about 4x slower than the numpy decode + one walk per
event, measured on a 6.5 MB sample of batches); materialising the whole file (memory grows
with the file); wrapping Go's parser through a subprocess (users need no Go installed).
"""

from goschedlab.trace.errors import TraceParseError
from goschedlab.trace.generation import Frame, Generation
from goschedlab.trace.reader import Event, Trace, TraceReader, open, read, read_frames

__all__ = ["Event", "Frame", "Generation", "Trace", "TraceParseError", "TraceReader", "open",
           "read", "read_frames"]
