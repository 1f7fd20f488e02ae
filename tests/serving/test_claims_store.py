"""The claim store is created on first use at its default path, so `POST /v1/claims` works on a fresh
install, and `saring claims import` and the API share the same file."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from model.claims import ClaimIndex, default_claims_db
from model.claims.cli import app as claims_cli
from serving.deps import claims_path
from tests.serving.conftest import NEUTRAL

SIRSAK = {
    "claim": "Air rebusan daun sirsak menyembuhkan kanker dalam dua minggu",
    "rating": "HOAKS",
    "verdict": "false",
    "publisher": "cekfakta.com",
    "url": "https://cekfakta.com/sirsak",
}
TELUR = {
    "claim": "Telur palsu berbahan plastik beredar di pasar tradisional",
    "rating": "SALAH",
    "verdict": "false",
    "publisher": "turnbackhoax.id",
}


def test_fresh_install_creates_the_store(make_client, make_settings):
    settings = make_settings()
    store = settings.data_dir / "claims.sqlite"
    assert not store.exists()
    c = make_client(settings)
    assert c.post("/v1/score", json={"items": [{"text": NEUTRAL}]}).status_code == 200
    res = c.post("/v1/claims", json=[SIRSAK])
    assert res.status_code == 201, res.text
    assert res.json()["added"] == 1 and store.exists()
    assert c.get("/v1/claims").json()["total"] == 1


def test_the_total_counts_what_the_verdict_filter_lists(make_client, make_settings):
    """`total` is what a client pages through: with a verdict, the claims with it, not every claim stored."""
    c = make_client(make_settings())
    true_claim = {
        **TELUR,
        "claim": "Pemerintah membuka pendaftaran bantuan beasiswa lewat situs resmi",
        "verdict": "true",
    }
    assert c.post("/v1/claims", json=[SIRSAK, TELUR, true_claim]).status_code == 201
    assert c.get("/v1/claims").json()["total"] == 3
    listed = c.get("/v1/claims", params={"verdict": "true", "limit": 1}).json()
    assert listed["total"] == 1 and [x["verdict"] for x in listed["claims"]] == ["true"]
    assert c.get("/v1/claims", params={"verdict": "false", "limit": 1}).json()["total"] == 2
    assert c.get("/v1/claims", params={"verdict": "misleading"}).json() == {"total": 0, "claims": []}


def test_get_routes_on_a_fresh_install_answer_empty(make_client, make_settings):
    c = make_client(make_settings())
    assert c.get("/v1/claims").json() == {"total": 0, "claims": []}
    assert c.get("/v1/claims/search", params={"q": "daun sirsak"}).json()["results"] == []


def test_cli_import_and_api_share_the_default_store(make_client, make_settings, tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("SARING_DATA_DIR", str(data))
    monkeypatch.delenv("SARING_CLAIMS_DB", raising=False)
    settings = make_settings(data_dir=data)
    assert claims_path(settings) == default_claims_db() == data / "claims.sqlite"
    f = tmp_path / "claims.json"
    f.write_text(json.dumps([SIRSAK]), encoding="utf-8")
    res = CliRunner().invoke(claims_cli, ["import", str(f), "--lexical"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    c = make_client(settings)  # opens the store the CLI wrote
    assert c.get("/v1/claims").json()["total"] == 1
    assert c.post("/v1/claims", json=[TELUR]).status_code == 201
    assert len(ClaimIndex.open(data / "claims.sqlite", None)) == 2  # the CLI's view sees the API's claim


def test_store_imported_after_start_is_attached_for_matching(make_client, make_settings):
    """A store that could not be created at start (say the folder came later) is attached on the next batch
    once `saring claims import` has written it."""
    settings = make_settings()
    failing = []

    def opener(path):
        if not failing:
            failing.append(path)
            raise OSError("not yet")
        return ClaimIndex.open(path, None)

    c = make_client(settings, claims_opener=opener)
    deadline = time.monotonic() + 30
    while not (failing and c.app.state.claims_failed) and time.monotonic() < deadline:  # the start-up attempt
        time.sleep(0.05)
    assert c.app.state.claims is None and failing
    ClaimIndex.open(settings.data_dir / "claims.sqlite", None).import_records([SIRSAK], source="cli")
    res = c.post(
        "/v1/score",
        json={"items": [{"text": "air rebusan daun sirsak menyembuhkan kanker dalam dua minggu, sebarkan"}]},
    )
    assert res.status_code == 200
    assert c.app.state.claims is not None  # attached on that batch


def test_claims_db_setting_wins(make_client, make_settings, tmp_path):
    target = tmp_path / "elsewhere" / "klaim.sqlite"
    c = make_client(make_settings(claims_db=target))
    assert c.post("/v1/claims", json=[SIRSAK]).status_code == 201
    assert target.exists()


def test_an_unwritable_store_is_a_503_naming_the_file(make_client, make_settings, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    c = make_client(make_settings(claims_db=blocker / "claims.sqlite"))
    res = c.post("/v1/claims", json=[SIRSAK])
    assert res.status_code == 503, res.text
    err = res.json()["error"]
    assert err["code"] == "NOT_READY" and "claims.sqlite" in err["message"] and "SARING_CLAIMS_DB" in err["message"]


def test_claims_routes_document_their_errors(client):
    spec = client.app.openapi()
    for path, methods in spec["paths"].items():
        if not path.startswith("/v1/claims"):
            continue
        for method, op in methods.items():
            documented = set(op["responses"])
            assert {"401", "429", "503"} <= documented, (method, path, documented)
    assert {"400", "422"} <= set(spec["paths"]["/v1/claims"]["post"]["responses"])
    assert "404" in spec["paths"]["/v1/claims/{claim_id}"]["get"]["responses"]


def test_claim_store_follows_the_slang_table_of_a_reloaded_model(make_client, make_settings, tmp_path):
    """The store reads posts with the serving model's slang table; a model swapped in with another table is
    read by the store from the swap on, not only after a restart."""
    from model.normalize import Normalizer
    from tests.fixture_texts import fixture_splits
    from tests.serving.conftest import ADMIN_KEY, sha
    from training.baseline import train_baseline

    slang = {"sirsk": "sirsak", "kankr": "kanker", "rbsn": "rebusan", "dn": "daun", "nyembuhin": "menyembuhkan"}
    new_dir = tmp_path / "slangy"
    train_baseline(new_dir, fixture_splits(), Normalizer(slang), {"sources": {"fixture": {"licence": "test texts"}}})
    c = make_client(make_settings(admin_key_hashes=[sha(ADMIN_KEY)]))
    assert c.post("/v1/claims", json=[SIRSAK]).status_code == 201
    post = "air rbsn dn sirsk nyembuhin kankr dlm 2 minggu, sebarkan"
    before = c.post("/v1/score", json={"items": [{"text": post}]}).json()["results"][0]["matches"]
    assert before == []  # the first model's table does not know these spellings

    r = c.post("/admin/reload", json={"model_dir": str(new_dir)}, headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 200, r.text
    assert c.app.state.claims.normalizer.slang["sirsk"] == "sirsak"
    after = c.post("/v1/score", json={"items": [{"text": post}]}).json()["results"][0]["matches"]
    assert [m["claim"] for m in after] == [SIRSAK["claim"]]
