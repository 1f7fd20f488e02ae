from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from model.claims import ClaimIndex
from model.labels import RISKS
from model.modeldir import OPERATING_POINTS_JSON
from model.operating import operating_points
from serving.app import create_app
from serving.settings import Settings

API_KEY = "kunci-rahasia-uji-1"
ADMIN_KEY = "kunci-admin-uji-1"

INSULT = "dasar walikota goblok dan maling uang rakyat"
NEUTRAL = "jadwal vaksinasi di kelurahan besok pagi jam delapan, bawa ktp"
INCITE = "usir semua orang suku itu dari kampung kita"


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lexical_claims(path: Path) -> ClaimIndex:
    """The claim store the app creates on first use, BM25 only: tests never load the e5 encoder."""
    return ClaimIndex.open(path, None)


@pytest.fixture(scope="session")
def measured_model_dir(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model with operating points measured on 400 synthetic validation and test texts: its own 13
    validation texts are too few for a precision to be promised (model.operating.MIN_FLAGGED)."""
    rng = np.random.default_rng(7)

    def split() -> tuple[np.ndarray, np.ndarray, list[str]]:
        y = (rng.random((400, len(RISKS))) < 0.3).astype(np.float64)
        return np.clip(0.3 * y + 0.7 * rng.random(y.shape), 0, 1), y, list(RISKS)

    out = tmp_path_factory.mktemp("measured") / "baseline"
    shutil.copytree(tiny_baseline_dir, out)
    points = operating_points({"validation": split(), "test": split()})
    (out / OPERATING_POINTS_JSON).write_text(points.model_dump_json(), encoding="utf-8")
    return out


@pytest.fixture
def make_settings(tiny_baseline_dir: Path, tmp_path: Path) -> Callable[..., Settings]:
    """Settings on the tiny model, with storage in the test's own directory."""

    def make(**kw: Any) -> Settings:
        base: dict[str, Any] = {
            "model_dir": tiny_baseline_dir,
            "data_dir": tmp_path / "data",
            "rate_limit_per_minute": 0,
            "batch_max_wait_ms": 1.0,
        }
        base.update(kw)
        return Settings(**base)

    return make


@pytest.fixture
def make_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """Start a TestClient (lifespan run) for given settings; all are closed at the end of the test."""
    opened: list[TestClient] = []

    def make(settings: Settings | None = None, raise_server_exceptions: bool = True, **app_kw: Any) -> TestClient:
        app_kw.setdefault("claims_opener", lexical_claims)
        app = create_app(settings or make_settings(), **app_kw)
        client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for c in reversed(opened):
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def assert_error(resp: Any, status: int, code: str, item: int | None = None) -> dict[str, Any]:
    """The one error shape, with the expected status and code."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"code", "message", "item"}
    assert err["code"] == code, err
    assert isinstance(err["message"], str) and len(err["message"]) > 10
    assert err["item"] == item
    return err
