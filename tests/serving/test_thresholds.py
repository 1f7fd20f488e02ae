"""GET /v1/model/thresholds: threshold queries answered from the model's operating points."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from model.labels import RISKS
from model.modeldir import OPERATING_POINTS_JSON, ModelDirError
from model.operating import GRID
from model.scorer import Scorer
from serving.settings import Settings


@pytest.fixture
def client(
    make_client: Callable[..., TestClient], make_settings: Callable[..., Settings], measured_model_dir: Path
) -> TestClient:
    return make_client(make_settings(model_dir=measured_model_dir))


def test_a_threshold_asked_for_by_precision_is_a_policy_that_works(
    client: TestClient,
    make_client: Callable[..., TestClient],
    make_settings: Callable[..., Settings],
    measured_model_dir: Path,
) -> None:
    res = client.get("/v1/model/thresholds", params={"risk": "slander", "min_precision": 0.5})
    assert res.status_code == 200
    body = res.json()
    assert body["model"]["version"] and "validation split" in body["measured_on"]
    (answer,) = body["results"]
    assert answer["risk"] == "slander" and answer["query"] == "maximum recall at precision >= 0.5"
    assert answer["threshold"] in GRID and answer["validation"]["precision"] >= 0.5
    assert set(answer["test"]) == {"precision", "recall", "flagged", "flagged_n", "n", "positives"}
    assert set(answer["model_threshold"]) == {"flag", "block"}
    # the answer's policy goes straight into SARING_CHANNEL_POLICIES and decides with that flag
    strict = make_client(make_settings(model_dir=measured_model_dir, channel_policies={"dipilih": answer["policy"]}))
    scored = strict.post("/v1/score", json={"items": [{"text": "dasar bupati maling", "channel": "dipilih"}]}).json()
    assert scored["policies"]["dipilih"]["slander"]["flag"] == answer["threshold"]


def test_every_risk_by_recall_and_the_whole_tables(client: TestClient) -> None:
    body = client.get("/v1/model/thresholds", params={"min_recall": 0.5}).json()
    assert [r["risk"] for r in body["results"]] == list(RISKS)
    assert all(r["validation"]["recall"] >= 0.5 for r in body["results"])
    both = client.get("/v1/model/thresholds", params={"min_precision": 0.5, "min_recall": 0.5}).json()["results"]
    for r in both:  # both targets: the highest recall among the thresholds meeting both
        assert r["query"] == "maximum recall at precision >= 0.5 and recall >= 0.5"
        assert r["validation"]["precision"] >= 0.5 and r["validation"]["recall"] >= 0.5
    tables = client.get("/v1/model/thresholds").json()
    assert tables["grid"] == list(GRID)
    for r in tables["results"]:
        for split in ("validation", "test"):
            t = r["tables"][split]
            assert len(t["precision"]) == len(t["recall"]) == len(t["flagged"]) == len(GRID)


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"min_precision": 0}, "min_precision"),
        ({"min_precision": 1.5}, "min_precision"),
        ({"risk": "spam", "min_precision": 0.9}, "risk"),
    ],
)
def test_bad_queries_say_what_was_expected(client: TestClient, params: dict[str, object], found: str) -> None:
    res = client.get("/v1/model/thresholds", params=params)
    assert res.status_code == 422
    error = res.json()["error"]
    assert error["code"] == "INVALID_REQUEST" and found in error["message"]


def _copy_with_points(src: Path, dst: Path, points: dict[str, object] | None) -> Path:
    shutil.copytree(src, dst)
    if points is None:
        (dst / OPERATING_POINTS_JSON).unlink()
    else:
        (dst / OPERATING_POINTS_JSON).write_text(json.dumps(points))
    return dst


def test_unreachable_targets_and_models_without_points(
    tiny_baseline_dir: Path,
    measured_model_dir: Path,
    tmp_path: Path,
    make_client: Callable[..., TestClient],
    make_settings: Callable[..., Settings],
) -> None:
    points = json.loads((measured_model_dir / OPERATING_POINTS_JSON).read_text())
    for tables in points["splits"].values():
        for t in tables.values():  # a model no threshold makes precise
            t["precision"] = [0.5 if p is not None else None for p in t["precision"]]
    flat = make_client(make_settings(model_dir=_copy_with_points(measured_model_dir, tmp_path / "flat", points)))
    (answer,) = flat.get("/v1/model/thresholds", params={"risk": "hoax", "min_precision": 0.9}).json()["results"]
    assert answer["threshold"] is None and "highest precision on its grid is 0.500" in answer["reason"]
    # the tiny model's own 13 validation texts: a precision flagged on so few is not promised
    tiny = make_client(make_settings())
    for answer in tiny.get("/v1/model/thresholds", params={"min_precision": 0.5}).json()["results"]:
        assert answer["threshold"] is None and "flag fewer than 20 texts" in answer["reason"]

    old = make_client(make_settings(model_dir=_copy_with_points(tiny_baseline_dir, tmp_path / "old", None)))
    res = old.get("/v1/model/thresholds", params={"min_precision": 0.9})
    assert res.status_code == 404 and "retrain it with `saring train`" in res.json()["error"]["message"]
    assert old.post("/v1/score", json={"items": [{"text": "jalan depan rumah rusak"}]}).status_code == 200


def test_a_corrupt_operating_points_file_stops_the_load(tiny_baseline_dir: Path, tmp_path: Path) -> None:
    broken = _copy_with_points(tiny_baseline_dir, tmp_path / "broken", {"grid": [0.5], "splits": {}})
    with pytest.raises(ModelDirError, match="operating_points.json: expected every risk's precision"):
        Scorer(broken)
