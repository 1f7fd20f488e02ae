"""Term lists in the API: SARING_TERM_LISTS raises decisions, reports TERM_LIST_MATCH, never changes scores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from model.readers import DataError
from serving import cli
from serving.app import create_app
from serving.lifespan import sighup
from serving.settings import Settings
from tests.serving.conftest import ADMIN_KEY, NEUTRAL, assert_error, sha

TERMS = "term,risk,decision,list\nkadrun,incitement,review,julukan\nantek asing,slander,block,julukan\n"
POST = "dasar K4DRUN semua, pulang sana"


def _terms(tmp_path: Path, text: str = TERMS) -> Path:
    path = tmp_path / "istilah.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_listed_term_raises_its_risk_and_says_why(
    tmp_path: Path, client: TestClient, make_client: Callable[..., TestClient], make_settings: Callable[..., Settings]
) -> None:
    plain = client.post("/v1/score", json={"items": [{"text": POST}, {"text": NEUTRAL}]}).json()["results"]
    listed = make_client(make_settings(term_lists=_terms(tmp_path)))
    res = listed.post("/v1/score", json={"items": [{"text": POST}, {"text": NEUTRAL}]}).json()["results"]
    assert res[0]["scores"] == plain[0]["scores"]  # scores stay the model's
    assert res[0]["decisions"]["incitement"] in ("review", "block") and res[0]["flags"]["incitement"]
    (w,) = [w for w in res[0]["warnings"] if w["code"] == "TERM_LIST_MATCH"]
    assert (w["list"], w["term"], w["risk"], w["decision"]) == ("julukan", "kadrun", "incitement", "review")
    assert POST[w["begin"] : w["end"]] == "K4DRUN"
    assert res[1] == plain[1]  # a post without a listed term is untouched
    moderation = listed.post("/v1/moderations", json={"input": POST}).json()["results"][0]
    assert moderation["flagged"] and moderation["categories"]["incitement"]
    exported = listed.get("/metrics").text
    assert 'saring_term_matches_total{list="julukan",risk="incitement"} 2.0' in exported  # /v1/score, /v1/moderations
    card = listed.get("/v1/model").json()
    assert card["term_lists"] == {"julukan": {"terms": 2, "by_risk": {"incitement": 1, "slander": 1}}}
    assert client.get("/v1/model").json()["term_lists"] == {}


def test_a_bad_term_list_stops_the_start_with_its_rows_named(
    tmp_path: Path, make_settings: Callable[..., Settings], tiny_baseline_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _terms(tmp_path, "term,risk\nkadrun,hate\n")
    with pytest.raises(DataError, match=r"row 1: 'risk' is 'hate'"):
        create_app(make_settings(term_lists=bad))
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append((a, k)))
    monkeypatch.setenv("SARING_TERM_LISTS", str(bad))
    res = CliRunner().invoke(cli.serve_app, ["--model", str(tiny_baseline_dir)])
    assert res.exit_code == 2 and "SARING_TERM_LISTS" in res.output and "'risk' is 'hate'" in res.output
    assert started == []


def test_sighup_rereads_the_term_lists_and_keeps_them_when_the_file_breaks(
    tmp_path: Path, make_client: Callable[..., TestClient], make_settings: Callable[..., Settings]
) -> None:
    path = _terms(tmp_path)
    c = make_client(make_settings(term_lists=path))

    def codes() -> list[str]:
        (r,) = c.post("/v1/score", json={"items": [{"text": "awas cebong di mana mana"}]}).json()["results"]
        return [w["code"] for w in r["warnings"]]

    assert "TERM_LIST_MATCH" not in codes()
    path.write_text(TERMS + "cebong,incitement,review,julukan\n", encoding="utf-8")
    c.portal.call(sighup, c.app)
    assert "TERM_LIST_MATCH" in codes()
    path.write_text("term,risk\ncebong,\n", encoding="utf-8")  # broken: the lists read last keep serving
    c.portal.call(sighup, c.app)
    assert "TERM_LIST_MATCH" in codes()


def test_admin_reload_rereads_the_term_lists_with_the_model_and_swaps_nothing_when_they_break(
    tmp_path: Path, make_client: Callable[..., TestClient], make_settings: Callable[..., Settings]
) -> None:
    path = _terms(tmp_path)
    c = make_client(make_settings(term_lists=path, admin_key_hashes=[sha(ADMIN_KEY)]))
    admin = {"X-API-Key": ADMIN_KEY}

    def codes() -> list[str]:
        (r,) = c.post("/v1/score", json={"items": [{"text": "awas cebong di mana mana"}]}).json()["results"]
        return [w["code"] for w in r["warnings"]]

    assert "TERM_LIST_MATCH" not in codes()
    path.write_text(TERMS + "cebong,incitement,review,julukan\n", encoding="utf-8")
    r = c.post("/admin/reload", headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["term_lists"] == {
        "file": str(path),
        "lists": {"julukan": {"terms": 3, "by_risk": {"incitement": 2, "slander": 1}}},
    }
    assert "TERM_LIST_MATCH" in codes()
    assert c.get("/v1/model").json()["term_lists"]["julukan"]["terms"] == 3
    version = c.get("/v1/model").json()["version"]
    reloads = c.get("/metrics").text
    path.write_text("term,risk\ncebong,hate\n", encoding="utf-8")  # broken: nothing is swapped, the caller is told
    err = assert_error(c.post("/admin/reload", headers=admin), 422, "RELOAD_FAILED")
    assert "SARING_TERM_LISTS" in err["message"] and "row 1: 'risk' is 'hate'" in err["message"]
    assert f"model {version} and the term lists read before keep serving" in err["message"]
    assert "TERM_LIST_MATCH" in codes() and c.get("/v1/model").json()["term_lists"]["julukan"]["terms"] == 3
    assert 'saring_model_reloads_total{outcome="failure"} 1.0' in c.get("/metrics").text
    assert 'saring_model_reloads_total{outcome="failure"}' not in reloads
    path.unlink()  # gone: the same
    err = assert_error(c.post("/admin/reload", headers=admin), 422, "RELOAD_FAILED")
    assert "cannot read the file" in err["message"] and "TERM_LIST_MATCH" in codes()


def test_admin_reload_without_term_lists_says_none(
    make_client: Callable[..., TestClient], make_settings: Callable[..., Settings]
) -> None:
    c = make_client(make_settings(admin_key_hashes=[sha(ADMIN_KEY)]))
    r = c.post("/admin/reload", headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 200 and r.json()["term_lists"] is None
