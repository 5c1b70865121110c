"""Counterexamples people can read: replay a path with live generators and print it.

:func:`replay` re-executes a path (list of transitions) from scratch, records for each step the
thread, the Go function that performed the access (innermost generator frame), the operation,
location, value read or written and the memory event (store buffered / made visible), and
re-checks the violation at the end - the same path must fail the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import GeneratorType
from typing import Any

from goschedlab.errors import UserInputError
from goschedlab.explore.atomics import (
    AWAIT,
    CAS,
    FENCE,
    KIND_NAMES,
    LOAD,
    ORDER_NAMES,
    SC,
    STORE,
    XADD,
    XCHG,
    ModelAssertion,
)
from goschedlab.explore.execution import Instance
from goschedlab.explore.memory import MEMORY_MODELS
from goschedlab.explore.path import FLUSH, Transition, encode_token
from goschedlab.explore.scheduler import Outcome
from goschedlab.fileio import write_atomic


@dataclass
class Step:
    """One printed step of a counterexample."""

    number: int
    thread: int
    func: str
    line: int
    text: str


@dataclass
class Replay:
    """What replaying a path gave: the steps and the violation at its end (or None)."""

    steps: list[Step]
    violation: tuple[str, str] | None


def _innermost(gen: Any) -> tuple[str, int]:
    g = gen
    while type(g.gi_yieldfrom) is GeneratorType:
        g = g.gi_yieldfrom
    fr = g.gi_frame
    return (fr.f_code.co_name, fr.f_lineno) if fr is not None else ("?", 0)


def _describe(op: tuple, value: Any, before: tuple, buffered: bool, own: bool) -> str:
    kind, loc, order = op[0], op[1], op[2]
    name = KIND_NAMES[kind] + (ORDER_NAMES[order] if kind in (LOAD, STORE) else "")
    if kind == FENCE:
        return "fence"
    if kind == LOAD or kind == AWAIT:
        if own:
            return f"{name} {loc.name} -> {value}  [from own store buffer]"
        if value != before[loc.index]:
            return f"{name} {loc.name} -> {value}  [stale: memory holds {before[loc.index]}]"
        return f"{name} {loc.name} -> {value}"
    if kind == STORE:
        return f"{name} {loc.name} = {op[3]}" + ("  [store buffered]" if buffered else "")
    if kind == CAS:
        cur = before[loc.index]
        res = "ok" if value else f"failed, saw {cur}"
        return f"CAS {loc.name} {op[3]}->{op[4]} {res}"
    if kind == XCHG:
        return f"xchg {loc.name} = {op[3]} (old {value})"
    if kind == XADD:
        return f"xadd {loc.name} += {op[3]} -> {value}"
    return f"{name} {loc.name}"


def replay(inst: Instance, memory: str, path: list[Transition]) -> Replay:
    """Re-run ``path`` on fresh generators; raise UserInputError if a step is not possible."""
    locs = inst.layout.locations
    n = len(inst.threads)
    mm = MEMORY_MODELS[memory](locs, n)
    mem = mm.initial()
    gens = [fn() for fn in inst.threads]
    ops: list[tuple | None] = []
    where: list[tuple[str, int]] = []
    status: list[tuple[str, Any]] = []
    for tid, g in enumerate(gens):
        where.append(_innermost(g))
        try:
            ops.append(next(g))
            where[tid] = _innermost(g)
            status.append(("run", None))
        except StopIteration as stop:
            ops.append(None)
            status.append(("done", stop.value))
            mem = mm.thread_done(mem, tid)
        except (ModelAssertion, AssertionError) as err:
            ops.append(None)
            status.append(("fail", str(err)))
    steps: list[Step] = []
    for k, (tid, kind, choice) in enumerate(path, 1):
        if tid >= n:
            raise UserInputError(f"replay step {k}: no thread {tid} (model has {n})")
        if kind == FLUSH:
            fl = [f for f in mm.flushes(mem, tid) if f[0] == choice]
            if not fl:
                raise UserInputError(
                    f"replay step {k}: thread {tid} has no store {choice} to flush"
                )
            _, mem, (i, v) = fl[0]
            steps.append(Step(k, tid, "(memory)", 0, f"made visible {locs[i].name} = {v}"))
            continue
        op = ops[tid]
        if op is None:
            raise UserInputError(f"replay step {k}: thread {tid} has finished")
        mv = [m for m in mm.moves(mem, tid, op) if m[0] == choice]
        if not mv:
            raise UserInputError(f"replay step {k}: thread {tid} cannot do choice {choice} here")
        before = mm.values(mem)
        mem_before = mem
        _, value, mem = mv[0]
        buffered = (
            op[0] == STORE
            and mm.buffered
            and op[1].private is None
            and not (memory == "tso" and op[2] == SC)
        )
        func, line = where[tid]
        own = op[1] is not None and any(i == op[1].index for i, _ in mm.pending(mem_before, tid))
        steps.append(Step(k, tid, func, line, _describe(op, value, before, buffered, own)))
        try:
            ops[tid] = gens[tid].send(value)
            where[tid] = _innermost(gens[tid])
        except StopIteration as stop:
            ops[tid] = None
            status[tid] = ("done", stop.value)
            mem = mm.thread_done(mem, tid)
        except (ModelAssertion, AssertionError) as err:
            ops[tid] = None
            status[tid] = ("fail", str(err))
    violation: tuple[str, str] | None = None
    for tid, (s, payload) in enumerate(status):
        if s == "fail":
            violation = ("assertion", f"thread {tid} ({inst.thread_names[tid]}): {payload}")
            break
    if violation is None:
        anymove = any(
            (ops[t] is not None and mm.moves(mem, t, ops[t])) or mm.flushes(mem, t)
            for t in range(n)
        )
        if not anymove:
            if all(s == "done" for s, _ in status):
                if inst.final_check is not None:
                    vals = mm.values(mem)
                    msg = inst.final_check(lambda loc: vals[loc.index], [p for _, p in status])
                    if msg:
                        violation = ("final-state", msg)
            else:
                violation = ("deadlock", "no thread can move")
    return Replay(steps, violation)


def format_table(inst: Instance, rep: Replay) -> str:
    """Numbered steps, one column per thread: ``goFunction:line: operation location value``
    (line = line of the model source), with memory events (store buffered, made visible)."""
    n = len(inst.threads)
    rows = []
    for s in rep.steps:
        cols = [""] * n
        cols[s.thread] = f"{s.func}:{s.line}: {s.text}" if s.func != "(memory)" else s.text
        rows.append((s.number, cols))
    titles = [f"{t}: {inst.thread_names[t]}" for t in range(n)]
    width = [max([len(titles[t])] + [len(r[1][t]) for r in rows]) for t in range(n)]
    head = "step | " + " | ".join(titles[t].ljust(width[t]) for t in range(n))
    lines = [head.rstrip(), "-" * len(head)]
    for num, cols in rows:
        lines.append(
            (f"{num:4d} | " + " | ".join(c.ljust(width[t]) for t, c in enumerate(cols))).rstrip()
        )
    return "\n".join(lines)


def token_of(out: Outcome) -> str | None:
    if out.violation is None:
        return None
    return encode_token(out.config.memory, out.instance.params, out.violation.path)


def format_outcome(out: Outcome, model: str) -> str:
    """The full text report: verdict, counterexample table, replay token, statistics."""
    st = out.stats
    lines = []
    mem = out.config.memory
    if out.violation is None:
        verdict = "no violation" + ("" if st.complete else " found (search NOT exhaustive)")
        lines.append(f"{model} [{mem}]: {verdict}")
    else:
        v = out.violation
        lines.append(f"{model} [{mem}]: VIOLATION ({v.kind}): {v.message}")
        rep = replay(out.instance, mem, v.path)
        lines.append(
            f"counterexample, {len(v.path)} steps"
            + (f" (search found {out.dfs_path_len})" if out.dfs_path_len else "")
            + ":"
        )
        lines.append(format_table(out.instance, rep))
        lines.append(f"replay: goschedlab explore {model} --replay {token_of(out)}")
    regs = out.instance.registers
    if regs and out.finals:
        outs = sorted({tuple(vals[r.index] for r in regs) for vals in out.finals})
        names = ",".join(r.name for r in regs)
        lines.append(
            f"outcomes ({names}): " + " ".join("(" + ",".join(map(str, o)) + ")" for o in outs)
        )
    lines.append(
        f"statistics: {st.states} states, {st.transitions} transitions, {st.executions} "
        f"executions, {st.final_states} final states, {st.reduced_states} reduced, max depth "
        f"{st.max_depth}, {st.seconds:.2f} s, {st.mode}" + (", exhaustive" if st.complete else "")
    )
    if st.mode.startswith("dpor"):
        lines.append(
            f"dpor: {st.cache_hits} cut at explored states, {st.sleep_blocked} sleep-blocked, "
            f"{st.spin_blocked} spin-blocked executions"
            + ("" if st.complete or out.violation else "; a search bound was hit")
        )
    return "\n".join(lines)


def outcome_json(out: Outcome, model: str) -> dict[str, Any]:
    d: dict[str, Any] = {
        "model": model,
        "memory": out.config.memory,
        "params": out.instance.params,
        "verdict": "violation" if out.violation else "ok",
        "exhaustive": out.stats.complete,
        "statistics": out.stats.as_dict(),
        "counterexample": None,
    }
    if out.violation is not None:
        rep = replay(out.instance, out.config.memory, out.violation.path)
        d["counterexample"] = {
            "kind": out.violation.kind,
            "message": out.violation.message,
            "replay_token": token_of(out),
            "steps": [
                {
                    "step": s.number,
                    "thread": s.thread,
                    "func": s.func,
                    "line": s.line,
                    "event": s.text,
                }
                for s in rep.steps
            ],
        }
    return d


def write_json(path: str, data: dict[str, Any]) -> None:
    """Write ``data`` atomically (temp file + rename)."""
    try:
        write_atomic(path, json.dumps(data, indent=2) + "\n")
    except OSError as err:
        raise UserInputError(f"--json {path}: cannot write: {err.strerror}") from None
