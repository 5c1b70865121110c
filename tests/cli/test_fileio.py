"""goschedlab.fileio: atomic output files with the usual permissions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goschedlab.fileio import replace_atomic, write_atomic


def test_write_atomic_text_bytes_and_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        p = write_atomic(tmp_path / "sub" / "a.json", "{}\n")
        assert p.read_text() == "{}\n" and (p.stat().st_mode & 0o777) == 0o644
        write_atomic(p, b"\x00\x01")
        assert p.read_bytes() == b"\x00\x01"
    finally:
        os.umask(old)
    assert sorted(x.name for x in (tmp_path / "sub").iterdir()) == ["a.json"]


def test_failed_write_leaves_destination_and_no_temp(tmp_path: Path) -> None:
    p = tmp_path / "r.md"
    p.write_text("old")

    def broken(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        replace_atomic(p, broken)
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["r.md"]
