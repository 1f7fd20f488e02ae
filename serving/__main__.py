"""`python -m serving [--model DIR --host H --port P]`: the same as `saring serve`."""

from __future__ import annotations

from serving.cli import serve_app

if __name__ == "__main__":
    serve_app(prog_name="python -m serving")
