"""The one error the trace reader raises for malformed input."""

from __future__ import annotations

from goschedlab.errors import UserInputError


class TraceParseError(UserInputError):
    """A trace file is not a well-formed Go 1.22/1.23 execution trace.

    The message is one line: ``<file>: byte <offset>: <structure>: expected <x>, found <y>``.
    ``path``, ``offset`` and ``what`` keep the parts for programs.
    """

    def __init__(self, path: str, offset: int | None, what: str) -> None:
        self.path = path
        self.offset = offset
        self.what = what
        where = f"{path}: byte {offset}" if offset is not None else path
        super().__init__(f"{where}: {what}")
