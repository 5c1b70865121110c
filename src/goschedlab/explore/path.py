"""Paths (choice sequences) and replay tokens.

A transition is ``(tid, kind, choice)``: ``kind`` 0 = thread ``tid`` performs its next
operation and ``choice`` picks among the values the memory model allows it to read (0 when
there is one); ``kind`` 1 = a buffered store of thread ``tid`` becomes visible, ``choice`` is
its index in the buffer. A path is a list of transitions from the initial state.

Replay token (text, stable): ``<memory>:<param>=<v>,...:<steps>`` where a step is ``T`` or
``T.C`` for a thread step and ``FT`` or ``FT.C`` for a flush; e.g.
``tso:capacity=4,ops=3,threads=2:0,0,1,F0,1.1``.
"""

from __future__ import annotations

from typing import Any

from goschedlab.errors import UserInputError

Transition = tuple[int, int, int]

STEP = 0
FLUSH = 1


def encode_step(t: Transition) -> str:
    tid, kind, choice = t
    s = ("F" if kind == FLUSH else "") + str(tid)
    return s if choice == 0 else f"{s}.{choice}"


def encode_token(memory: str, params: dict[str, Any], path: list[Transition]) -> str:
    ps = ",".join(f"{k}={params[k]}" for k in sorted(params))
    return f"{memory}:{ps}:" + ",".join(encode_step(t) for t in path)


def decode_token(token: str) -> tuple[str, dict[str, int], list[Transition]]:
    """Parse a replay token; a malformed one raises UserInputError naming the offset."""
    parts = token.strip().split(":")
    if len(parts) != 3:
        raise UserInputError(
            f"--replay token: expected '<memory>:<params>:<steps>' (3 fields), "
            f"found {len(parts)} field(s)"
        )
    memory, ps, steps = parts
    if memory not in ("sc", "tso", "arm"):
        raise UserInputError(f"--replay token offset 0: unknown memory model {memory!r}")
    params: dict[str, int] = {}
    off = len(memory) + 1
    for item in ps.split(",") if ps else []:
        k, eq, v = item.partition("=")
        if not eq or not v.lstrip("-").isdigit():
            raise UserInputError(f"--replay token offset {off}: expected name=int, found {item!r}")
        params[k] = int(v)
        off += len(item) + 1
    off = len(memory) + len(ps) + 2
    path: list[Transition] = []
    for item in steps.split(",") if steps else []:
        kind = FLUSH if item.startswith("F") else STEP
        body = item[1:] if kind == FLUSH else item
        tid, dot, choice = body.partition(".")
        if not tid.isdigit() or (dot and not choice.isdigit()):
            raise UserInputError(
                f"--replay token offset {off}: expected a step like 2, 2.1, F2 or F2.1, "
                f"found {item!r}"
            )
        path.append((int(tid), kind, int(choice) if dot else 0))
        off += len(item) + 1
    return memory, params, path
