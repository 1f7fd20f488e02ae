"""`python -m eval`: `saring eval`."""

from eval.cli import app

app()
