"""Routes of the claim memory on a minimal app (the real app includes the same router)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from model.claims import ClaimIndex
from serving.errors import install_error_handlers
from serving.routes.claims import MAX_CLAIMS_PER_REQUEST, router
from tests.model.test_claims import SIRSAK, TELUR, TEST_PARAMS, VAKSIN, NgramEmbedder

# The API takes flat records with a verdict (ClaimReview feeds and rating texts go through `saring claims import`).
API_VAKSIN = {
    "claim": VAKSIN["claimReviewed"],
    "verdict": "false",
    "rating": "[SALAH]",
    "publisher": "turnbackhoax.id",
    "url": VAKSIN["url"],
    "date": "2021-05-01",
}
API_SIRSAK = {**SIRSAK, "verdict": "false"}
API_TELUR = {**TELUR, "verdict": "false"}


def make_app(claims: ClaimIndex | None) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.claims = claims
    return app


@pytest.fixture
def index(tmp_path: Path) -> ClaimIndex:
    return ClaimIndex.open(tmp_path / "claims.sqlite", NgramEmbedder(), params=TEST_PARAMS)


@pytest.fixture
def client(index: ClaimIndex) -> TestClient:
    return TestClient(make_app(index))


def test_no_store_answers_not_ready() -> None:
    c = TestClient(make_app(None))
    for res in (c.get("/v1/claims/search", params={"q": "vaksin"}), c.post("/v1/claims", json=[API_SIRSAK])):
        assert res.status_code == 503
        assert res.json()["error"]["code"] == "NOT_READY" and res.headers["Retry-After"]


def test_add_then_search_finds_the_rewording(client: TestClient) -> None:
    res = client.post("/v1/claims", json={"claims": [API_VAKSIN, API_SIRSAK, API_TELUR]})
    assert res.status_code == 201, res.text
    body = res.json()
    assert (body["added"], body["total_claims"]) == (3, 3) and len(body["ids"]) == 3
    assert client.post("/v1/claims", json=API_SIRSAK).json()["unchanged"] == 1

    res = client.get(
        "/v1/claims/search", params={"q": "daun sirsak direbus trus diminum, kanker ilang dlm 2 minggu", "top": 2}
    )
    assert res.status_code == 200
    out = res.json()
    assert out["threshold"] == TEST_PARAMS.threshold and len(out["results"]) == 2
    top = out["results"][0]
    assert top["claim"] == SIRSAK["claim"] and top["match"] is True and top["url"] == SIRSAK["url"]
    assert out["results"][0]["similarity"] >= out["results"][1]["similarity"]

    got = client.get(f"/v1/claims/{top['claim_id']}")
    assert got.status_code == 200 and got.json()["publisher"] == "cekfakta.com"
    listed = client.get("/v1/claims", params={"verdict": "false"}).json()
    assert listed["total"] == 3 and len(listed["claims"]) == 3


def test_a_bad_record_rejects_the_request_in_the_error_shape(client: TestClient, index: ClaimIndex) -> None:
    res = client.post("/v1/claims", json=[API_SIRSAK, {**API_TELUR, "verdict": "agak lain"}, {"claim": "x"}])
    assert res.status_code == 422
    err = res.json()["error"]
    assert err["code"] == "INVALID_REQUEST" and "verdict" in err["message"]
    assert err["item"] == 1 and "ClaimsIn" not in err["message"]  # the bad record, in the body's own shape
    one = client.post("/v1/claims", json={**API_TELUR, "verdict": "hoaks"}).json()["error"]
    assert one["message"].startswith("verdict: Input should be") and one["item"] == 0
    wrapped = client.post("/v1/claims", json={"claims": [API_SIRSAK, {**API_TELUR, "verdict": "x"}]}).json()["error"]
    assert wrapped["message"].startswith("claims.1.verdict") and wrapped["item"] == 1
    assert len(index) == 0
    # Rating texts without a verdict are for `saring claims import`, which maps them.
    res = client.post("/v1/claims", json=[SIRSAK])
    assert res.status_code == 422 and "verdict" in res.json()["error"]["message"]


def test_two_records_with_one_id_and_different_content_conflict(client: TestClient, index: ClaimIndex) -> None:
    res = client.post("/v1/claims", json=[{**API_SIRSAK, "id": "k-1"}, {**API_TELUR, "id": "k-1"}])
    assert res.status_code == 409, res.text
    assert res.json()["error"]["item"] == 1 and len(index) == 0


def test_every_stored_id_can_be_fetched_back(client: TestClient, index: ClaimIndex) -> None:
    """Ids imported from ClaimReview feeds are often URLs: GET /v1/claims/{id} returns them, slashes and all; ids
    that name another route (or that URL handling removes) are refused when stored."""
    url_id = "https://cekfakta.com/review/123"
    assert client.post("/v1/claims", json=[{**API_SIRSAK, "id": url_id}]).status_code == 201
    got = client.get(f"/v1/claims/{url_id}")
    assert got.status_code == 200 and got.json()["id"] == url_id
    assert client.get("/v1/claims/https%3A%2F%2Fcekfakta.com%2Freview%2F123").json()["id"] == url_id
    assert client.get("/v1/claims/search", params={"q": "daun sirsak kanker"}).status_code == 200  # still the search
    for bad in ("search", "..", "."):
        res = client.post("/v1/claims", json=[{**API_TELUR, "id": bad}])
        assert res.status_code == 422 and "cannot be fetched back" in res.json()["error"]["message"], bad
    assert len(index) == 1


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    res = client.delete("/v1/claims")
    assert res.status_code == 405
    assert set(res.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_input_errors(client: TestClient) -> None:
    assert client.get("/v1/claims/search", params={"q": "  "}).json()["error"]["code"] == "TEXT_EMPTY"
    assert client.get("/v1/claims/search", params={"q": "x" * 10_001}).json()["error"]["code"] == "TEXT_TOO_LONG"
    assert client.get("/v1/claims/search", params={"q": "a", "top": 0}).status_code == 422
    assert client.get("/v1/claims/nope").json()["error"]["code"] == "NOT_FOUND"
    refused = client.get("/v1/claims", params={"verdict": "maybe"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "INVALID_REQUEST"
    assert "400" not in client.get("/openapi.json").json()["paths"]["/v1/claims"]["get"]["responses"]  # never sent
    too_many = [API_SIRSAK] * (MAX_CLAIMS_PER_REQUEST + 1)
    assert client.post("/v1/claims", json=too_many).json()["error"]["code"] == "TOO_MANY_ITEMS"
    res = client.post("/v1/claims", json={"nothing": "here"})
    assert res.status_code == 422 and res.json()["error"]["code"] == "INVALID_REQUEST"


@pytest.mark.parametrize(
    ("path", "params", "expected", "found", "fix"),
    [
        ("/v1/claims", {"limit": "abc"}, "an integer (a whole number) from 1 to 500", '"abc"', "?limit=50"),
        ("/v1/claims", {"limit": "0"}, "an integer (a whole number) from 1 to 500", '"0"', "?limit=50"),
        ("/v1/claims", {"limit": "2.5"}, "an integer (a whole number) from 1 to 500", '"2.5"', "?limit=50"),
        ("/v1/claims", {"offset": "-1"}, "an integer (a whole number) from 0 to 2147483647", '"-1"', "?offset=0"),
        (
            "/v1/claims",
            {"verdict": "maybe"},
            'one of "false", "misleading", "true", "unproven"',
            '"maybe"',
            "?verdict=",
        ),
        (
            "/v1/claims/search",
            {"q": "a", "top": "lima"},
            "an integer (a whole number) from 1 to 50",
            '"lima"',
            "?top=5",
        ),
    ],
)
def test_a_bad_query_parameter_says_what_was_expected_found_and_the_fix(
    client: TestClient, path: str, params: dict[str, str], expected: str, found: str, fix: str
) -> None:
    (name,) = [k for k in params if k != "q"]
    err = client.get(path, params=params).json()["error"]
    assert err["code"] == "INVALID_REQUEST" and err["item"] is None
    message = err["message"]
    assert f"the query parameter {name} must be {expected}; found {found}." in message, message
    assert fix in message and f"leave {name} out" in message
    assert "found a string" not in message and "Input should be" not in message


def test_a_long_bad_query_value_is_quoted_cut_short(client: TestClient) -> None:
    res = client.get("/v1/claims", params={"limit": "9" * 20 + "x" * 280})
    assert res.status_code == 422
    message = res.json()["error"]["message"]
    assert 'found "' + "9" * 20 + "x" * 20 + '"... (300 characters)' in message
    assert "x" * 21 not in message


def test_a_missing_query_parameter_says_what_it_takes(client: TestClient) -> None:
    err = client.get("/v1/claims/search").json()["error"]
    assert err["code"] == "INVALID_REQUEST"
    assert err["message"].startswith(
        "the query parameter q is missing; expected a text of 1 to 10000 characters. Fix the URL, e.g. ?q=..."
    )


def test_matches_appear_in_score_results(make_client, index: ClaimIndex) -> None:
    """The API attaches the store as app.state.claims; /v1/score then carries each text's matches."""
    index.import_records([VAKSIN, SIRSAK, TELUR])
    client = make_client(claims=index)
    res = client.post(
        "/v1/score",
        json={
            "items": [
                {"text": "daun sirsak direbus trus airnya diminum, kanker ilang dlm 2 minggu. SEBARKAN!!"},
                {"text": "jadwal vaksinasi di kelurahan besok pagi jam delapan, bawa ktp"},
            ]
        },
    )
    assert res.status_code == 200, res.text
    first, second = (r["matches"] for r in res.json()["results"])
    assert [m["claim"] for m in first][:1] == [SIRSAK["claim"]] and first[0]["verdict"] == "false"
    assert second == []
    # the claim routes are installed by the app itself
    assert client.get("/v1/claims/search", params={"q": "telur plastik palsu"}).status_code == 200


def test_confirmed_hoax_feedback_becomes_a_claim(make_client, index: ClaimIndex) -> None:
    """The feedback loop: a reviewer confirms a hoax once; its rewordings are matched afterwards."""
    client = make_client(claims=index)
    text = "Pemerintah bagikan kuota internet gratis 100 GB, klik link dan isi nomor KTP sekarang"
    res = client.post("/v1/feedback", json={"text": text, "risk": "hoax", "label": 1, "note": "dibantah Kominfo"})
    assert res.status_code == 201, res.text
    assert res.json()["claim_id"]
    found = client.get("/v1/claims/search", params={"q": "kuota internet gratis 100 GB dari pemerintah, isi KTP"})
    assert found.status_code == 200
    top = found.json()["results"][0]
    assert top["publisher"] == "saring feedback" and top["match"] is True, found.json()
    # a correction that is not a confirmed hoax adds no claim
    res = client.post("/v1/feedback", json={"text": "jalan rusak di depan pasar", "risk": "slander", "label": 0})
    assert res.status_code == 201 and res.json()["claim_id"] is None and res.json()["warnings"] == []
    # a confirmed hoax that cannot be a claim: stored, and the caller is told why it is not in the claim memory
    one = client.post("/v1/feedback", json={"text": "vaksin", "risk": "hoax", "label": 1})
    assert one.status_code == 201 and one.json()["stored"] is True and one.json()["claim_id"] is None
    (w,) = one.json()["warnings"]
    assert w["code"] == "CLAIM_NOT_ADDED" and "at least two words" in w["message"] and "POST /v1/claims" in w["message"]
