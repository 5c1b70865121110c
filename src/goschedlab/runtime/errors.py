"""Errors of the runtime model: throws (model invariant violations) and Go fatal exits."""

from __future__ import annotations


class Throw(RuntimeError):
    """A model invariant was violated, like the runtime's ``throw``: names the Go function.

    This is a bug in the model (or in a policy plugged into it), never a user mistake.
    """

    def __init__(self, fn: str, msg: str, now: int | None = None) -> None:
        at = "" if now is None else f" at t={now}ns"
        super().__init__(f"{fn}: {msg}{at}")
        self.fn = fn
        self.now = now


class GoFatal(Exception):
    """The simulated program died as Go would (thread exhaustion, deadlock, panic).

    ``lines`` are exactly what Go writes to stderr first; ``exit_code`` is Go's (2).
    ``Runtime.run`` catches it and returns a result with ``fatal=lines``.
    """

    def __init__(self, lines: list[str], exit_code: int = 2) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.exit_code = exit_code
