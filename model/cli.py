"""The `saring` command. Subcommands are contributed by each package through the `saring.commands`
entry-point group (see pyproject.toml), so this kernel module imports none of the other packages."""

from __future__ import annotations

import logging
import os
from importlib.metadata import entry_points

import typer

app = typer.Typer(
    name="saring",
    help="saring (saring sebelum sharing): hoax, slander and incitement scores for Indonesian posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _setup_logging() -> None:
    from rich.logging import RichHandler

    level = os.environ.get("SARING_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(message)s", datefmt="[%X]",
                        handlers=[RichHandler(show_path=False, rich_tracebacks=False)])


def build_app() -> typer.Typer:
    # A subcommand that fails to import is a failing command, never a silently missing one.
    for ep in sorted(entry_points(group="saring.commands"), key=lambda e: e.name):
        app.add_typer(ep.load(), name=ep.name)
    return app


def main() -> None:
    _setup_logging()
    build_app()()


if __name__ == "__main__":
    main()
