"""Command-line interface: a thin typer layer over the library.

Each package owns its commands in ``<package>/_cli.py`` (typed functions whose docstrings become
``--help``); this module only registers them and turns user errors into one-line messages.

Exit status: 0 success, 1 a check failed (explore violation, diff fail), 2 bad input.
"""

from __future__ import annotations

import sys

import typer

from goschedlab.errors import UserInputError

app = typer.Typer(
    name="goschedlab",
    help="The Go runtime's goroutine scheduler, made executable, measurable and checkable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from goschedlab import __version__, _build

        typer.echo(f"goschedlab {__version__} (simulator core: {_build.mode()})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Print the version and whether the simulator core is compiled (mypyc), then exit.",
    ),
) -> None:
    """The Go runtime's goroutine scheduler, made executable, measurable and checkable."""


def _register() -> None:
    # --- command registrations, in the order --help lists them ---
    from goschedlab.analyze._cli import DIFF_CONTEXT, analyze_command, diff_command
    from goschedlab.explore._cli import explore_command
    from goschedlab.realgo._cli import go_command
    from goschedlab.report._cli import compare_command, policies_command, reproduce_command
    from goschedlab.trace._cli import trace_command
    from goschedlab.validate._cli import calibrate_command, validate_command
    from goschedlab.workloads._cli import simulate_command, workloads_command

    app.command("simulate")(simulate_command)
    app.command("workloads")(workloads_command)
    app.command("compare")(compare_command)
    app.command("policies")(policies_command)
    app.command("reproduce")(reproduce_command)
    app.command("explore")(explore_command)
    app.command("analyze")(analyze_command)
    app.command("trace")(trace_command)
    app.command("diff", context_settings=DIFF_CONTEXT)(diff_command)
    app.command("validate")(validate_command)
    app.command("calibrate")(calibrate_command)
    app.command("go")(go_command)
    # --- end of registrations ---


_register()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app; user errors become one line and exit 2."""
    try:
        app(args=argv, prog_name="goschedlab", standalone_mode=True)
    except UserInputError as err:
        print(f"goschedlab: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
