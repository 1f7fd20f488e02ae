"""`python -m model`: the saring command line (same as `saring`)."""

from model.cli import main

main()
