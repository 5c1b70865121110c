"""The three kinds of error goschedlab raises (see STYLE §6).

* :class:`UserInputError` and its subclasses: malformed input from a user (a file, a flag).
  The CLI prints ``str(err)`` on one line and exits 2; never a traceback.
* ``ValueError`` / ``RuntimeError``: misuse of the Python API.
* :class:`InternalError`: a bug in goschedlab itself ("please report").
"""

from __future__ import annotations


class UserInputError(Exception):
    """Malformed user input. The message is one line naming the file/flag and what was expected."""

    exit_code = 2


class InternalError(RuntimeError):
    """A bug in goschedlab; the message says so."""

    def __init__(self, msg: str) -> None:
        super().__init__(f"{msg} [goschedlab internal error, please report]")
