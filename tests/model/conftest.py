"""Fixtures of the model tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory (the int8 copy is built there), with no precision set in the environment."""
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SARING_PRECISION", raising=False)
    return tmp_path / "cache"
