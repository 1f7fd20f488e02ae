"""model.logs: the one logging set-up of every entry point."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rich.logging import RichHandler

from model import cli
from model.logs import LOG_LEVEL_ENV, TIMESTAMPED, log_level, setup_logging


@contextmanager
def bare_root() -> Iterator[logging.Logger]:
    """The root logger without handlers (as in a fresh process), restored afterwards."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    for h in saved:
        root.removeHandler(h)
    try:
        yield root
    finally:
        for h in root.handlers[:]:
            root.removeHandler(h)
            h.close()
        for h in saved:
            root.addHandler(h)
        root.setLevel(level)


def test_level_from_argument_then_environment_then_info(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOG_LEVEL_ENV, raising=False)
    assert log_level() == logging.INFO
    monkeypatch.setenv(LOG_LEVEL_ENV, "debug")
    assert log_level() == logging.DEBUG
    assert log_level("Warning") == logging.WARNING and log_level(logging.ERROR) == logging.ERROR
    monkeypatch.setenv(LOG_LEVEL_ENV, "loud")
    with pytest.raises(ValueError, match=r"SARING_LOG_LEVEL is 'loud'; expected one of DEBUG, INFO, WARNING"):
        log_level()
    with pytest.raises(ValueError, match="the log level is 'verbose'"):
        log_level("verbose")


def test_rich_style_once_at_the_environment_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOG_LEVEL_ENV, "WARNING")
    with bare_root() as root:
        assert setup_logging(stderr=True) is True
        assert root.level == logging.WARNING
        [handler] = root.handlers
        assert isinstance(handler, RichHandler) and handler.console.stderr
        assert setup_logging("DEBUG") is False  # already configured: nothing changes
        assert root.handlers == [handler] and root.level == logging.WARNING


def test_timestamped_style_for_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOG_LEVEL_ENV, raising=False)
    with bare_root() as root:
        assert setup_logging("debug", fmt=TIMESTAMPED) is True
        [handler] = root.handlers
        assert type(handler) is logging.StreamHandler and root.level == logging.DEBUG
        record = logging.LogRecord("saring.x", logging.INFO, __file__, 1, "ready", None, None)
        line = handler.format(record)
        assert line.endswith(" INFO saring.x: ready") and line[:4].isdigit()  # starts with the date


def test_saring_refuses_a_bad_level_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOG_LEVEL_ENV, "loud")
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert "SARING_LOG_LEVEL is 'loud'" in str(exc.value.code) and "unset it" in str(exc.value.code)
