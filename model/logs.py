"""One logging set-up for every saring entry point (`saring`, `saring data` run on its own, `python -m serving`,
`python -m model.encoder`).

Two styles, chosen by `fmt`:

* :data:`RICH` (the default) for the interactive commands: rich's handler, the message only (rich adds the
  time and the level), on stdout, or on stderr with `stderr=True`.
* any `logging` format string, e.g. :data:`TIMESTAMPED`, for long-running or unattended processes (the server,
  the encoder preparation): a plain stream handler on stderr, each line with its timestamp, level and logger.

The level is the `level` argument, else `$SARING_LOG_LEVEL`, else INFO. As with `logging.basicConfig`, nothing
changes when the root logger already has handlers (an entry point started under `saring`, which configured
logging first, or a test harness).

ONNX Runtime's quantizer logs through the root logger, at INFO, a line for every tensor and MatMul it leaves
alone (about 50 per int8 export, in every training log and at a server's first load): below DEBUG the handlers
drop them (:class:`QuantizerChatter`); its warnings pass.
"""

from __future__ import annotations

import logging
import os

LOG_LEVEL_ENV = "SARING_LOG_LEVEL"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_LEVEL = "INFO"
RICH = "rich"
TIMESTAMPED = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_level(level: str | int | None = None) -> int:
    """The numeric level for `level` (a name in any case, or a number), else `$SARING_LOG_LEVEL`, else INFO.

    Raises ValueError naming the accepted levels when the name is not one of them."""
    if isinstance(level, int):
        return level
    source = "the log level"
    if level is None:
        level = os.environ.get(LOG_LEVEL_ENV) or DEFAULT_LEVEL
        source = LOG_LEVEL_ENV
    name = level.strip().upper()
    if name not in LEVELS:
        raise ValueError(
            f"{source} is {level!r}; expected one of {', '.join(LEVELS)}. Fix: set {LOG_LEVEL_ENV} "
            f"to one of them, or unset it for {DEFAULT_LEVEL}."
        )
    return logging.getLevelName(name)


class QuantizerChatter(logging.Filter):
    """Drops ONNX Runtime's quantizer's INFO and DEBUG lines (logged on the root logger from its
    `onnxruntime/quantization` modules); everything else passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        chatter = record.levelno < logging.WARNING and record.name == "root"
        return not (chatter and "onnxruntime" in record.pathname and "quantization" in record.pathname)


def setup_logging(level: str | int | None = None, *, fmt: str = RICH, stderr: bool = False) -> bool:
    """Configure the root logger once: `level` (see :func:`log_level`) and the style `fmt` (:data:`RICH` or a
    `logging` format string; `stderr` applies to RICH only, plain formats always go to stderr).

    Returns False, changing nothing, when the root logger already has handlers; True when it configured it."""
    numeric = log_level(level)
    if logging.getLogger().handlers:
        return False
    if fmt == RICH:
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(console=Console(stderr=True) if stderr else None, show_path=False, rich_tracebacks=False)
        logging.basicConfig(level=numeric, format="%(message)s", datefmt="[%X]", handlers=[handler])
    else:
        logging.basicConfig(level=numeric, format=fmt)
    if numeric > logging.DEBUG:
        for h in logging.getLogger().handlers:
            h.addFilter(QuantizerChatter())
    return True
