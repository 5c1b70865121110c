"""Reader facade: :func:`open` streams events, :func:`read` returns a :class:`Trace` of tables.

(pyelftools ``elffile.py``; Go ``internal/trace.Reader``.)
"""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

from goschedlab.trace import wire
from goschedlab.trace.generation import Generation, open_trace
from goschedlab.trace.order import EvSync, Ordering, Record
from goschedlab.trace.states import G_STATE_NAMES, GI_COLS, P_STATE_NAMES, PI_COLS, TraceBuilder

if TYPE_CHECKING:
    import pandas as pd


class Event:
    """One event in Go's merged order.

    ``time`` ns (Go's clamped time), ``type`` the wire code (``name`` Go's name, "Sync" for the
    end-of-generation marker), ``m``/``p``/``g`` the scheduling context (-1 = none), ``args`` the
    wire arguments by Go's names, ``gen`` the generation (string/stack lookups:
    :meth:`string`, :meth:`stack`).
    """

    __slots__ = ("time", "type", "m", "p", "g", "args", "gen", "_generation")

    def __init__(self, r: Record, generation: Generation) -> None:
        self.time, self.type, self.m, self.p, self.g = r[0], r[1], r[2], r[3], r[4]
        if r[1] == EvSync or r[1] == wire.EvCPUSample:
            names: tuple[str, ...] = ("gen",) if r[1] == EvSync else ("stack",)
        else:
            names = wire.EVENT_SPECS[r[1]][1]
        self.args = dict(zip(names, r[5:9], strict=False))
        self.gen = generation.gen
        self._generation = generation

    @property
    def name(self) -> str:
        return "Sync" if self.type == EvSync else wire.event_name(self.type)

    def string(self, arg: str) -> str:
        """Resolve a ``*_string`` argument through this generation's string table."""
        return self._generation.string(self.args[arg])

    def stack(self, arg: str = "stack") -> tuple:
        """Resolve a stack argument: frames leaf first (empty for 0)."""
        return self._generation.stack(self.args.get(arg, 0))

    def __repr__(self) -> str:
        a = " ".join(f"{k}={v}" for k, v in self.args.items())
        return f"Event({self.name} t={self.time} M={self.m} P={self.p} G={self.g} {a})"


class TraceReader:
    """An open trace file: header checked, generations read lazily one at a time."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._f, self.version, self.size = open_trace(self.path)
        self.ordering = Ordering(self._f, self.version, self.size, self.path)

    def records(self) -> Iterator[Record]:
        """Raw records in merged order (fast path; see ``order.py`` for the layout)."""
        return self.ordering.records()

    def events(self) -> Iterator[Event]:
        """:class:`Event` objects in Go's merged order."""
        o = self.ordering
        for r in o.records():
            yield Event(r, o.current)  # type: ignore[arg-type]

    def generations(self) -> Iterator[Generation]:
        """The raw generations (tables and undecoded batches), one at a time."""
        from goschedlab.trace.generation import iter_generations

        return iter_generations(self._f, self.version, self.size, self.path)

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> TraceReader:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open(path: str | os.PathLike[str]) -> TraceReader:  # noqa: A001 - mirrors builtins.open
    """Open a Go 1.22/1.23 execution trace (header checked now, the rest read lazily)."""
    return TraceReader(path)


@dataclass
class Trace:
    """Everything :func:`read` derives from a trace, as pandas DataFrames (times in ns).

    * ``events``: time_ns, name, m, p, goid, a0..a3 (wire arguments; 2**64-1 sentinels read
      as -1), Go's merged order.  About 80 bytes per event: pass ``events=False`` to
      :func:`read` for big traces when only intervals are needed.
    * ``goroutine_intervals``: goid, state (runnable/running/syscall/waiting), start_ns,
      end_ns, duration_ns, reason (the block/stop reason that began it), p (for running and
      syscall), next_state, left_censored, right_censored.
    * ``proc_intervals``: p, state (running/idle), start_ns, end_ns, duration_ns, m, censoring.
    * ``stw``: start_ns, end_ns, duration_ns, kind, goid, p.  ``gc``: seq, start_ns, end_ns,
      duration_ns (end -1 and duration NaN: still open at the end).
    * ``tasks``, ``regions``, ``logs``, ``creations`` (goid, time_ns, parent_goid, start_func,
      created_at, creation_stack), ``metrics`` (time_ns, name, value).
    * ``transition_counts`` / ``kind_counts`` / ``type_counts`` / ``wire_counts``: dicts
      comparable with ``go tool trace -d=1`` / ``-d=2``.
    """

    path: str
    version: int
    generations: int
    window: tuple[int, int]
    events: pd.DataFrame
    goroutine_intervals: pd.DataFrame
    proc_intervals: pd.DataFrame
    stw: pd.DataFrame
    gc: pd.DataFrame
    tasks: pd.DataFrame
    regions: pd.DataFrame
    logs: pd.DataFrame
    creations: pd.DataFrame
    metrics: pd.DataFrame
    transition_counts: dict[str, int] = field(default_factory=dict)
    kind_counts: dict[str, int] = field(default_factory=dict)
    type_counts: dict[str, int] = field(default_factory=dict)
    wire_counts: dict[str, int] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    frequency: int = 0  # trace clock ticks per second (last generation's Frequency batch)

    def state_totals(self) -> dict[int, dict[str, int]]:
        """Per goroutine: total ns per state (Go's names: "Running", ...) within the window."""
        gi = self.goroutine_intervals
        out: dict[int, dict[str, int]] = {}
        if gi.empty:
            return out
        s = gi.groupby(["goid", "state"])["duration_ns"].sum()
        for (g, st), v in s.items():
            out.setdefault(int(g), {})[str(st).capitalize()] = int(v)
        return out

    def summary(self) -> dict[str, Any]:
        """A small JSON-able summary."""
        return {
            "path": self.path, "version": f"go1.{self.version}",
            "generations": self.generations, "window_ns": list(self.window),
            "frequency": self.frequency,
            "events": int(sum(self.type_counts.values())),
            "goroutines": int(self.goroutine_intervals["goid"].nunique())
            if not self.goroutine_intervals.empty else 0,
            "procs": int(self.proc_intervals["p"].nunique())
            if not self.proc_intervals.empty else 0,
            "stw_pauses": len(self.stw), "gc_cycles": len(self.gc),
        }


def _df(rows: list, cols: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame(columns=cols)


def read(path: str | os.PathLike[str], *, events: bool = True) -> Trace:
    """Read a whole trace: merged events (unless ``events=False``), intervals and ranges."""
    import pandas as pd  # only here: streaming through open() does not need it

    with open(path) as r:
        b = TraceBuilder(keep_events=events)
        b.feed(r.records(), r.ordering)
        t0 = b.first_t if b.first_t is not None else 0
        window = (t0, b.last_t)
        cols = ["time_ns", "m", "p", "goid", "a0", "a1", "a2", "a3"]
        if events and b.events:
            arr = np.frombuffer(b.events, dtype=np.int64).reshape(-1, 10)
            ev = pd.DataFrame(arr[:, [0, 2, 3, 4, 5, 6, 7, 8]], columns=cols)
            codes = arr[:, 1]
            names = {c: ("Sync" if c == EvSync else wire.event_name(int(c)))
                     for c in np.unique(codes)}
            ev.insert(1, "name", pd.Categorical.from_codes(
                np.searchsorted(sorted(names), codes), [names[c] for c in sorted(names)]))
        else:
            ev = pd.DataFrame(columns=cols[:1] + ["name"] + cols[1:])
        g = _intervals(b.gi, GI_COLS, window[0])
        b.gi = array("q")  # free the builder's copy before the next table is built
        names = np.array(b.reason_names or [""], dtype=object)
        gi = pd.DataFrame({
            "goid": g["goid"], "state": pd.Categorical.from_codes(g["state"] + 1, _G_CATS),
            "start_ns": g["start_ns"], "end_ns": g["end_ns"], "duration_ns": g["duration_ns"],
            "reason": names[g["reason"]], "p": g["p"],
            "next_state": pd.Categorical.from_codes(g["next_state"] + 2, ["", *_G_CATS]),
            "left_censored": g["left_censored"], "right_censored": g["right_censored"],
        }, copy=False)
        del g
        q = _intervals(b.pi, PI_COLS, window[0])
        b.pi = array("q")
        pi = pd.DataFrame({
            "p": q["p"], "state": pd.Categorical.from_codes(q["state"] + 1, _P_CATS),
            "start_ns": q["start_ns"], "end_ns": q["end_ns"], "duration_ns": q["duration_ns"],
            "m": q["m"], "left_censored": q["left_censored"],
            "right_censored": q["right_censored"],
        }, copy=False)
        stw = _df(b.stw, ["start_ns", "end_ns", "kind", "goid", "p"])
        stw.insert(2, "duration_ns", (stw["end_ns"] - stw["start_ns"]).where(stw["end_ns"] >= 0))
        gc = _df(b.gc, ["seq", "start_ns", "end_ns"])
        gc["duration_ns"] = (gc["end_ns"] - gc["start_ns"]).where(gc["end_ns"] >= 0)
        tasks = _df([(k, *v) for k, v in b.tasks.items()],
                    ["id", "parent", "name", "start_ns", "end_ns", "goid"])
        return Trace(
            path=r.path, version=r.version, generations=b.generations, window=window,
            events=ev, goroutine_intervals=gi, proc_intervals=pi, stw=stw, gc=gc, tasks=tasks,
            regions=_df(b.regions, ["goid", "task", "name", "start_ns", "end_ns"]),
            logs=_df(b.logs, ["time_ns", "goid", "task", "key", "value"]),
            creations=_df(b.creations, ["goid", "time_ns", "parent_goid", "start_func",
                                        "created_at", "creation_stack"]),
            metrics=_df(b.metrics, ["time_ns", "name", "value"]),
            transition_counts=dict(b.transition_counts), kind_counts=dict(b.kind_counts),
            type_counts=dict(b.type_counts), wire_counts=_wire_counts(b, r.ordering),
            labels=dict(b.labels), frequency=b.freq,
        )


_G_CATS = [G_STATE_NAMES[k].lower() for k in range(-1, 5)]  # code + 1 -> name
_P_CATS = [P_STATE_NAMES[k].lower() for k in range(-1, 3)]


def _intervals(flat: array, cols: list[str], t0: int) -> dict[str, np.ndarray]:
    """Flat int64 interval columns -> column arrays with duration and censoring flags;
    intervals that began in an Undetermined state start at the window start ``t0``."""
    a = (np.frombuffer(flat, dtype=np.int64).reshape(-1, len(cols)) if len(flat)
         else np.zeros((0, len(cols)), np.int64))
    out = {c: np.ascontiguousarray(a[:, i]) for i, c in enumerate(cols)}
    flags = out.pop("flags")
    left = (flags & 1).astype(bool)
    out["start_ns"][left] = t0
    out["left_censored"] = left
    out["right_censored"] = (flags & 2).astype(bool)
    out["duration_ns"] = out["end_ns"] - out["start_ns"]
    return out


def read_frames(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """All tables of :func:`read` plus the analyses of ``goschedlab.analyze.schedlat``.

    Keys: events, goroutine_intervals, proc_intervals, pauses (the STW ranges), gc, tasks,
    regions, logs, creations, metrics, sched_latency, starvation, work_conservation,
    p_utilisation.  (The entry point ``goschedlab.analyze`` uses for traces.)
    """
    from goschedlab.analyze import schedlat

    t = read(path)
    return {
        "events": t.events, "goroutine_intervals": t.goroutine_intervals,
        "proc_intervals": t.proc_intervals, "pauses": t.stw, "gc": t.gc, "tasks": t.tasks,
        "regions": t.regions, "logs": t.logs, "creations": t.creations, "metrics": t.metrics,
        "sched_latency": schedlat.sched_latency(t),
        "starvation": schedlat.starvation(t),
        "work_conservation": schedlat.work_conservation(t),
        "p_utilisation": schedlat.p_utilisation(t),
    }


def _wire_counts(b: TraceBuilder, o: Ordering) -> dict[str, int]:
    """Per-type counts as ``go tool trace -d=2`` prints them (file order, before merging)."""
    c: Counter[str] = Counter(b.wire_counts)
    for code in np.flatnonzero(o.wire_type_counts):
        c[wire.event_name(int(code))] += int(o.wire_type_counts[code])
    return dict(c)

