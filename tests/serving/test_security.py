"""API keys, rate limits, CORS and the refusal to listen beyond loopback without keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from serving.security import RateLimiter, hash_key, matches_any
from serving.settings import Settings, is_loopback
from tests.serving.conftest import API_KEY, NEUTRAL, assert_error, sha

BODY = {"items": [{"text": NEUTRAL}]}


@pytest.fixture
def keyed(make_client, make_settings):
    return make_client(make_settings(api_key_hashes=[sha(API_KEY)], require_api_key=True))


def test_missing_key_is_401(keyed):
    r = keyed.post("/v1/score", json=BODY)
    assert_error(r, 401, "UNAUTHORIZED")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert_error(keyed.get("/v1/model"), 401, "UNAUTHORIZED")
    assert_error(keyed.post("/v1/feedback", json={"text": NEUTRAL, "risk": "hoax", "label": 0}), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer salah"},
        {"X-API-Key": "salah"},
        {"Authorization": f"Basic {API_KEY}"},
        {"Authorization": "Bearer "},
        {"X-API-Key": API_KEY + " x"},
    ],
)
def test_bad_key_is_401(keyed, headers):
    assert_error(keyed.post("/v1/score", json=BODY, headers=headers), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "headers", [{"Authorization": f"Bearer {API_KEY}"}, {"X-API-Key": API_KEY}, {"authorization": f"bearer {API_KEY}"}]
)
def test_good_key_is_accepted(keyed, headers):
    assert keyed.post("/v1/score", json=BODY, headers=headers).status_code == 200


def test_claims_routes_need_a_key_too(keyed):
    if "/v1/claims" not in keyed.app.openapi()["paths"]:
        pytest.skip("serving.routes.claims is not installed")
    assert_error(keyed.get("/v1/claims"), 401, "UNAUTHORIZED")
    assert keyed.get("/v1/claims", headers={"X-API-Key": API_KEY}).status_code != 401


def test_auth_comes_before_validation(keyed):
    assert_error(keyed.post("/v1/score", json={"items": "x"}), 401, "UNAUTHORIZED")


def test_health_and_metrics_need_no_key(keyed):
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200
    assert keyed.get("/metrics").status_code == 200


def test_keys_are_required_beyond_loopback(make_settings):
    with pytest.raises(ValidationError, match="SARING_API_KEY_HASHES"):
        make_settings(host="0.0.0.0")
    with pytest.raises(ValidationError, match="SARING_API_KEY_HASHES"):
        make_settings(host="192.168.1.10")
    s = make_settings(host="0.0.0.0", api_key_hashes=[sha(API_KEY)])
    assert s.keys_required
    assert not make_settings().keys_required
    with pytest.raises(ValidationError, match="SARING_API_KEY_HASHES is empty"):
        make_settings(require_api_key=True)


def test_keys_required_beyond_loopback_even_if_not_asked(make_client, make_settings):
    c = make_client(make_settings(host="0.0.0.0", api_key_hashes=[sha(API_KEY)], require_api_key=False))
    assert_error(c.post("/v1/score", json=BODY), 401, "UNAUTHORIZED")
    assert c.post("/v1/score", json=BODY, headers={"X-API-Key": API_KEY}).status_code == 200


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.1.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("example.org")


def test_key_hashes_from_environment(monkeypatch, tiny_baseline_dir):
    monkeypatch.setenv("SARING_API_KEY_HASHES", f"{sha('a')}, {sha('b').upper()}")
    monkeypatch.setenv("SARING_CHANNEL_POLICIES", '{"pengaduan": {"slander": {"flag": 0.8}}}')
    monkeypatch.setenv("SARING_CORS_ORIGINS", '["https://contoh.go.id"]')
    s = Settings(model_dir=tiny_baseline_dir)
    assert s.api_key_hashes == [sha("a"), sha("b")]
    assert s.channel_policies == {"pengaduan": {"slander": {"flag": 0.8}}}
    assert s.cors_origins == ["https://contoh.go.id"]
    monkeypatch.setenv("SARING_API_KEY_HASHES", "kunci-polos")
    with pytest.raises(ValidationError, match="SHA-256 hex digests"):
        Settings(model_dir=tiny_baseline_dir)


@pytest.mark.parametrize(
    "policies, match",
    [
        ({"x": {"fitnah": {"flag": 0.5}}}, "unknown risk"),
        ({"x": {"slander": {"flag": 1.5}}}, r"\[0, 1\]"),
        ({"x": {"slander": {"flag": 0.9, "block": 0.5}}}, "above block"),
        ({"x": {"slander": {"flg": 0.5}}}, "unknown keys"),
        ({"default": {"slander": {"flag": 0.5}}}, "not allowed"),
    ],
)
def test_bad_channel_policies_are_refused(make_settings, policies, match):
    with pytest.raises(ValidationError, match=match):
        make_settings(channel_policies=policies)


def test_constant_time_matching():
    hashes = [sha("satu"), sha("dua")]
    assert matches_any("dua", hashes) and not matches_any("tiga", hashes) and not matches_any("dua", [])
    assert hash_key("satu") == sha("satu")


def test_rate_limit_429_with_retry_after(make_client, make_settings):
    c = make_client(
        make_settings(rate_limit_per_minute=60, rate_limit_burst=3, api_key_hashes=[sha(API_KEY), sha("lain")])
    )
    h = {"X-API-Key": API_KEY}
    assert [c.post("/v1/score", json=BODY, headers=h).status_code for _ in range(3)] == [200, 200, 200]
    r = c.post("/v1/score", json=BODY, headers=h)
    err = assert_error(r, 429, "RATE_LIMITED")
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert "retry after" in err["message"]
    # per key: another key has its own bucket
    assert c.post("/v1/score", json=BODY, headers={"X-API-Key": "lain"}).status_code == 200
    # limited callers can still be probed for health
    assert c.get("/healthz").status_code == 200


def test_token_bucket_refills():
    rl = RateLimiter(per_minute=60, burst=2)
    assert rl.take("a", now=0.0) == 0 and rl.take("a", now=0.0) == 0
    wait = rl.take("a", now=0.0)
    assert wait == pytest.approx(1.0)
    assert rl.take("a", now=1.01) == 0
    assert RateLimiter(per_minute=0, burst=1).take("a") == 0  # disabled


def test_no_cors_unless_configured(client, make_client, make_settings):
    origin = {"Origin": "https://contoh.go.id"}
    r = client.post("/v1/score", json=BODY, headers=origin)
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/v1/score", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    c = make_client(make_settings(cors_origins=["https://contoh.go.id"]))
    r = c.post("/v1/score", json=BODY, headers=origin)
    assert r.headers["access-control-allow-origin"] == "https://contoh.go.id"
    other = c.post("/v1/score", json=BODY, headers={"Origin": "https://jahat.example"})
    assert "access-control-allow-origin" not in other.headers


def test_texts_are_not_logged(client, caplog):
    secret = "rahasia pribadi warga nomor 12345 tidak boleh tercatat"
    with caplog.at_level("DEBUG"):
        client.post("/v1/score", json={"items": [{"text": secret}], "explain": True})
        client.post("/v1/score", json={"items": [{"text": secret + "\x00"}]})
        client.post("/v1/feedback", json={"text": secret, "risk": "slander", "label": 0})
    assert all(secret not in rec.getMessage() for rec in caplog.records)
