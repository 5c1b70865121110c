"""Output files that are never half-written.

Every file goschedlab writes for a user (JSON results, reports, traces' reports, exported
frames) goes through :func:`write_atomic` or :func:`replace_atomic`: the data is written to a
temporary file in the destination's directory, given the permissions a plain ``open(path,
"w")`` would give (0666 minus the umask; ``mkstemp`` alone would leave 0600), and renamed over
the destination in one step.  On any error the temporary file is removed and the destination
is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def replace_atomic(path: str | os.PathLike[str], writer: Callable[[str], None]) -> Path:
    """Call ``writer(tmp_path)`` to write the file, then rename it over ``path``.

    The parent directory is created if missing.  Returns ``path`` as a :class:`Path`.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    try:
        writer(tmp)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically (see module doc)."""

    def write(tmp: str) -> None:
        if isinstance(data, bytes):
            Path(tmp).write_bytes(data)
        else:
            Path(tmp).write_text(data, encoding="utf-8")

    return replace_atomic(path, write)
