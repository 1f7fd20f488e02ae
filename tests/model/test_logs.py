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


def test_onnx_runtime_quantizer_chatter_is_dropped_above_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    """ONNX Runtime's quantizer logs a line per tensor on the root logger at INFO (about 50 per int8 export):
    not in a training log at INFO, still there at DEBUG; its warnings and saring's own INFO always pass."""
    monkeypatch.delenv(LOG_LEVEL_ENV, raising=False)
    quantizer = "/venv/lib/python3.11/site-packages/onnxruntime/quantization/onnx_quantizer.py"

    def record(name: str, level: int, path: str) -> logging.LogRecord:
        message = 'Quantization parameters for tensor:"x" not specified'
        return logging.LogRecord(name, level, path, 530, message, None, None)

    for fmt in (TIMESTAMPED, "rich"):
        with bare_root() as root:
            setup_logging("INFO", fmt=fmt)
            [handler] = root.handlers
            assert not handler.filter(record("root", logging.INFO, quantizer))
            assert handler.filter(record("root", logging.WARNING, quantizer))
            assert handler.filter(record("model.int8", logging.INFO, "/repo/model/int8.py"))
            assert handler.filter(record("root", logging.INFO, "/repo/scripts/tool.py"))
    with bare_root() as root:
        setup_logging("DEBUG", fmt=TIMESTAMPED)
        assert root.handlers[0].filter(record("root", logging.INFO, quantizer))
