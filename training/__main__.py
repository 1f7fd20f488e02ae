"""`python -m training`: `saring train`."""

from training.cli import app

app()
