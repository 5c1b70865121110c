"""Classic litmus tests, used to validate the memory models.

Each test is a tiny model whose threads copy what they read into private "register" cells, so
a final state names an outcome. :func:`outcomes` explores a test exhaustively and returns the
set of reachable register tuples. Expected sets (asserted in tests/explore/test_litmus.py):
x86-TSO from Owens, Sarkar, Sewell, "A better x86 memory model: x86-TSO" (TPHOLs 2009) and the
Intel SDM vol. 3 section 8.2.3; ARMv8 from the herd7 ``aarch64.cat`` model (Alglave, Maranget,
Tautschnig, "Herding cats", TOPLAS 2014; Pulte et al., POPL 2018).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from goschedlab.explore.atomics import fence, load, load_acq, store, store_rel
from goschedlab.explore.execution import Instance
from goschedlab.explore.locations import Layout, Location

Gen = Generator[tuple, Any, None]


def _sb(lay: Layout, fenced: bool) -> tuple[list[Callable[[], Gen]], list[Location]]:
    x, y = lay.loc("x"), lay.loc("y")
    r0, r1 = lay.loc("r0", private=0), lay.loc("r1", private=1)

    def t0() -> Gen:
        yield store(x, 1)
        if fenced:
            yield fence()
        v = yield load(y)
        yield store(r0, v)

    def t1() -> Gen:
        yield store(y, 1)
        if fenced:
            yield fence()
        v = yield load(x)
        yield store(r1, v)

    return [t0, t1], [r0, r1]


def _corr(lay: Layout) -> tuple[list[Callable[[], Gen]], list[Location]]:
    x = lay.loc("x")
    r0, r1 = lay.loc("r0", private=1), lay.loc("r1", private=1)

    def writer() -> Gen:
        yield store(x, 1)

    def reader() -> Gen:
        a = yield load(x)
        b = yield load(x)
        yield store(r0, a)
        yield store(r1, b)

    return [writer, reader], [r0, r1]


def _mp(lay: Layout, rel_acq: bool) -> tuple[list[Callable[[], Gen]], list[Location]]:
    data, flag = lay.loc("data"), lay.loc("flag")
    r0, r1 = lay.loc("r0", private=1), lay.loc("r1", private=1)

    def writer() -> Gen:
        yield store(data, 1)
        yield (store_rel(flag, 1) if rel_acq else store(flag, 1))

    def reader() -> Gen:
        f = yield (load_acq(flag) if rel_acq else load(flag))
        d = yield load(data)
        yield store(r0, f)
        yield store(r1, d)

    return [writer, reader], [r0, r1]


def _lb(lay: Layout) -> tuple[list[Callable[[], Gen]], list[Location]]:
    x, y = lay.loc("x"), lay.loc("y")
    r0, r1 = lay.loc("r0", private=0), lay.loc("r1", private=1)

    def t0() -> Gen:
        v = yield load(x)
        yield store(y, 1)
        yield store(r0, v)

    def t1() -> Gen:
        v = yield load(y)
        yield store(x, 1)
        yield store(r1, v)

    return [t0, t1], [r0, r1]


def _2p2w(lay: Layout) -> tuple[list[Callable[[], Gen]], list[Location]]:
    x, y = lay.loc("x"), lay.loc("y")

    def t0() -> Gen:
        yield store(x, 1)
        yield store(y, 2)

    def t1() -> Gen:
        yield store(y, 1)
        yield store(x, 2)

    return [t0, t1], [x, y]


def _iriw(lay: Layout, acq: bool) -> tuple[list[Callable[[], Gen]], list[Location]]:
    x, y = lay.loc("x"), lay.loc("y")
    regs = [lay.loc(f"r{i}", private=2 + i // 2) for i in range(4)]
    ld = load_acq if acq else load

    def w0() -> Gen:
        yield store(x, 1)

    def w1() -> Gen:
        yield store(y, 1)

    def r_xy() -> Gen:
        a = yield ld(x)
        b = yield ld(y)
        yield store(regs[0], a)
        yield store(regs[1], b)

    def r_yx() -> Gen:
        a = yield ld(y)
        b = yield ld(x)
        yield store(regs[2], a)
        yield store(regs[3], b)

    return [w0, w1, r_xy, r_yx], regs


LITMUS: dict[str, str] = {
    "SB": "store buffering: x=1; r0=y || y=1; r1=x (outcome r0, r1)",
    "SB+fence": "store buffering with a full fence between store and load in both threads",
    "CoRR": "coherence of two reads of one location: x=1 || r0=x; r1=x",
    "MP": "message passing, plain: data=1; flag=1 || r0=flag; r1=data",
    "MP+rel+acq": "message passing with store-release flag / load-acquire flag",
    "LB": "load buffering: r0=x; y=1 || r1=y; x=1",
    "2+2W": "x=1; y=2 || y=1; x=2 (outcome: final x, y)",
    "IRIW": "independent reads of independent writes, plain loads (r0..r3)",
    "IRIW+acq": "IRIW with load-acquire reads",
}


def litmus(name: str) -> Instance:
    """Build litmus test ``name`` (a key of :data:`LITMUS`)."""
    lay = Layout()
    if name in ("SB", "SB+fence"):
        fns, regs = _sb(lay, name == "SB+fence")
    elif name == "CoRR":
        fns, regs = _corr(lay)
    elif name in ("MP", "MP+rel+acq"):
        fns, regs = _mp(lay, name != "MP")
    elif name == "LB":
        fns, regs = _lb(lay)
    elif name == "2+2W":
        fns, regs = _2p2w(lay)
    elif name in ("IRIW", "IRIW+acq"):
        fns, regs = _iriw(lay, name == "IRIW+acq")
    else:
        raise ValueError(f"unknown litmus test {name!r}")
    inst = Instance(f"litmus-{name}", lay, fns, [f.__name__ for f in fns])
    inst.params = {}
    inst.registers = regs
    return inst


def outcomes(name: str, memory: str, reduction: str = "static") -> set[tuple[int, ...]]:
    """All reachable register outcomes of litmus test ``name`` under ``memory``."""
    from goschedlab.explore.scheduler import Config, explore

    inst = litmus(name)
    out = explore(inst, Config(memory=memory, shortest=False, reduction=reduction))
    if out.violation is not None or not out.stats.complete:
        raise RuntimeError(f"litmus {name}: exploration did not complete: {out.violation}")
    regs = inst.registers
    return {tuple(vals[r.index] for r in regs) for vals in out.finals}
