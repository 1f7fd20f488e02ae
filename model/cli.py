"""The `saring` command. Subcommands are contributed by each package through the `saring.commands`
entry-point group (see pyproject.toml), so this kernel module imports none of the other packages."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import typer

from model.logs import setup_logging

app = typer.Typer(
    name="saring",
    help="saring (saring sebelum sharing): hoax, slander and incitement scores for Indonesian posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def build_app() -> typer.Typer:
    # A subcommand that fails to import is a failing command, never a silently missing one.
    for ep in sorted(entry_points(group="saring.commands"), key=lambda e: e.name):
        app.add_typer(ep.load(), name=ep.name)
    return app


def main() -> None:
    try:
        setup_logging()  # rich, on stdout, at $SARING_LOG_LEVEL (default INFO)
    except ValueError as e:
        sys.exit(f"error: {e}")
    build_app()()


if __name__ == "__main__":
    main()
