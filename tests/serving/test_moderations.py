"""POST /v1/moderations: the OpenAI moderation contract, tested with the official `openai` SDK as the client
against a real uvicorn server on 127.0.0.1, and checked against /v1/score."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import openai
import pytest
import uvicorn

from model.labels import RISKS
from serving.app import create_app
from serving.settings import Settings
from tests.serving.conftest import ADMIN_KEY, API_KEY, INCITE, INSULT, NEUTRAL, lexical_claims, sha

HOAX_POST = "SEBARKAN!! vaksin mengandung chip pelacak, jangan mau disuntik"
TEXTS = [INSULT, NEUTRAL, HOAX_POST, INCITE]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(settings: Settings) -> Iterator[str]:
    """Serve the app with uvicorn on 127.0.0.1 in a thread; yield the base URL of the /v1 routes."""
    port = _free_port()
    app = create_app(settings, claims_opener=lexical_claims)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def serve(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., str]]:
    """Start a real server with settings `make_settings(**kw)` (keys required); all stop at the test's end."""
    stack: list[Any] = []

    def start(**kw: Any) -> str:
        base: dict[str, Any] = {"api_key_hashes": [sha(API_KEY)], "require_api_key": True}
        base.update(kw)
        cm = running_server(make_settings(**base))
        url = cm.__enter__()
        stack.append(cm)
        return url

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


def sdk(base_url: str, key: str = API_KEY) -> Any:
    return openai.OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=30)


def score(base_url: str, texts: list[str]) -> dict[str, Any]:
    resp = httpx.post(
        f"{base_url}/score",
        json={"items": [{"text": t} for t in texts]},
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def assert_openai_error(err: Any, status: int, code: str, type_: str, param: str | None = None) -> None:
    assert err.status_code == status
    body = err.response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
    assert err.code == code and err.type == type_ and err.param == param, body
    assert isinstance(err.message, str) and len(body["error"]["message"]) > 20


# ----------------------------------------------------------------------------------------------------------
def test_sdk_results_agree_with_score(serve: Callable[..., str]) -> None:
    base = serve()
    mod = sdk(base).moderations.create(input=TEXTS)
    ref = score(base, TEXTS)
    assert mod.id.startswith("modr-") and mod.model == ref["model"]["version"]
    assert len(mod.results) == len(TEXTS)
    for got, want in zip(mod.results, ref["results"], strict=True):  # input order
        cats = got.categories.model_dump()
        scores = got.category_scores.model_dump()
        for r in RISKS:
            assert cats[r] is want["flags"][r]
            assert scores[r] == want["scores"][r]  # the same numbers, rounded the same way
        assert got.flagged is any(want["flags"].values())
        assert {r: getattr(got.category_applied_input_types, r) for r in RISKS} == {r: ["text"] for r in RISKS}
    # the fixture texts include at least one flagged and one clean text, so `flagged` is exercised both ways
    assert {r.flagged for r in mod.results} == {True, False}

    one = sdk(base).moderations.create(input=INSULT, model="omni-moderation-latest")
    assert len(one.results) == 1
    assert one.results[0].category_scores.hoax == mod.results[0].category_scores.hoax
    assert one.results[0].categories.slander is mod.results[0].categories.slander


def test_key_errors_raise_the_sdks_typed_errors(serve: Callable[..., str]) -> None:
    base = serve()
    with pytest.raises(openai.AuthenticationError) as e:
        sdk(base, key="kunci-yang-salah").moderations.create(input=[NEUTRAL])
    assert_openai_error(e.value, 401, "UNAUTHORIZED", "authentication_error")
    assert "not valid" in e.value.message
    # no key at all: the same 401 in the OpenAI shape (the SDK always sends one, so use plain HTTP)
    resp = httpx.post(f"{base}/moderations", json={"input": NEUTRAL}, timeout=30)
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "UNAUTHORIZED"
    assert resp.json()["error"]["type"] == "authentication_error"
    unchecked = httpx.post(f"{base}/moderations", json={"input": 5}, timeout=30)  # auth before validation
    assert unchecked.status_code == 401 and unchecked.json()["error"]["code"] == "UNAUTHORIZED"
    # the same keys as /v1/score: X-API-Key works too
    ok = httpx.post(f"{base}/moderations", json={"input": NEUTRAL}, headers={"X-API-Key": API_KEY}, timeout=30)
    assert ok.status_code == 200 and len(ok.json()["results"]) == 1


def test_a_server_without_keys_accepts_the_sdks_key(serve: Callable[..., str]) -> None:
    # `make run` serves on loopback without keys; the SDK insists on sending one
    base = serve(api_key_hashes=[], require_api_key=False)
    mod = sdk(base, key="tidak-dipakai").moderations.create(input=[INSULT, NEUTRAL])
    assert len(mod.results) == 2


def test_input_limits_raise_bad_request(serve: Callable[..., str]) -> None:
    base = serve(max_text_chars=200, max_items=3, max_body_bytes=4096)
    client = sdk(base)
    with pytest.raises(openai.BadRequestError) as e:
        client.moderations.create(input=[NEUTRAL, "kata " * 60])
    assert_openai_error(e.value, 400, "TEXT_TOO_LONG", "invalid_request_error", "input[1]")
    assert "input[1] has 300 characters, the limit is 200" in e.value.message
    with pytest.raises(openai.BadRequestError) as e:
        client.moderations.create(input="kata " * 60)
    assert_openai_error(e.value, 400, "TEXT_TOO_LONG", "invalid_request_error", "input")
    with pytest.raises(openai.BadRequestError) as e:
        client.moderations.create(input=[NEUTRAL] * 4)
    assert_openai_error(e.value, 400, "TOO_MANY_ITEMS", "invalid_request_error", "input")
    with pytest.raises(openai.BadRequestError) as e:
        client.moderations.create(input=[NEUTRAL, "   "])
    assert_openai_error(e.value, 400, "TEXT_EMPTY", "invalid_request_error", "input[1]")
    # the body limit is enforced before the route, as for /v1/score: a typed 413 from the SDK
    with pytest.raises(openai.APIStatusError) as e:
        client.moderations.create(input=["a" * 150] * 40)
    assert e.value.status_code == 413 and "too large" in e.value.message


def test_rate_limits_are_shared_with_score(serve: Callable[..., str]) -> None:
    base = serve(rate_limit_per_minute=1, rate_limit_burst=2)
    client = sdk(base)
    client.moderations.create(input=NEUTRAL)
    score(base, [NEUTRAL])  # the same bucket: the caller's key
    with pytest.raises(openai.RateLimitError) as e:
        client.moderations.create(input=NEUTRAL)
    assert_openai_error(e.value, 429, "RATE_LIMITED", "rate_limit_error")
    assert int(e.value.response.headers["retry-after"]) >= 1


def test_schema_errors_in_openai_shape(client: Any) -> None:
    cases = [
        ({"input": 5}, 422, "input"),
        ({"input": ["ok", 7]}, 422, "input"),
        ({"texts": ["ok"]}, 422, "input"),
        ({"input": ["ok"], "model": "x" * 200}, 422, "model"),
        ({"input": []}, 422, "input"),
        # saring reads text only: an image part is outside the schema
        ({"input": [{"type": "image_url", "image_url": {"url": "https://contoh.id/a.png"}}]}, 422, "input"),
    ]
    for body, status, param in cases:
        resp = client.post("/v1/moderations", json=body)
        assert resp.status_code == status, (body, resp.text)
        err = resp.json()["error"]
        assert set(err) == {"message", "type", "param", "code"}
        assert err["code"] == "INVALID_REQUEST" and err["type"] == "invalid_request_error", err
        assert err["param"] == param, (body, err)
    json_type = {"content-type": "application/json"}
    bad_json = client.post("/v1/moderations", content=b'{"input": [', headers=json_type)
    assert bad_json.status_code == 400 and bad_json.json()["error"]["type"] == "invalid_request_error"
    latin1 = client.post("/v1/moderations", content='{"input": "café"}'.encode("latin-1"), headers=json_type)
    assert latin1.status_code == 400 and "encoded as UTF-8" in latin1.json()["error"]["message"]


def test_text_parts_and_the_score_route_keep_their_own_shape(client: Any) -> None:
    parts = client.post(
        "/v1/moderations", json={"input": [{"type": "text", "text": INSULT}, {"type": "text", "text": NEUTRAL}]}
    )
    plain = client.post("/v1/moderations", json={"input": [INSULT, NEUTRAL]})
    assert parts.status_code == plain.status_code == 200
    assert [r["category_scores"] for r in parts.json()["results"]] == [
        r["category_scores"] for r in plain.json()["results"]
    ]
    assert parts.headers["x-request-id"] and parts.json()["id"] == f"modr-{parts.headers['x-request-id']}"
    # /v1/score's errors keep saring's own shape
    err = client.post("/v1/score", json={"items": []}).json()["error"]
    assert set(err) == {"code", "message", "item"}
    # the route is in the OpenAPI document
    assert "/v1/moderations" in client.get("/openapi.json").json()["paths"]


def test_fuzzed_bodies_give_no_500_and_the_openai_shape(make_client: Any, make_settings: Any) -> None:
    import json

    from hypothesis import HealthCheck, given
    from hypothesis import settings as hyp_settings

    from tests.serving.test_fuzz import _bodies

    client = make_client(
        make_settings(api_key_hashes=[sha(ADMIN_KEY)], max_text_chars=200, max_items=4), raise_server_exceptions=False
    )

    @hyp_settings(
        max_examples=120,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=_bodies(client.app, "/v1/moderations"))
    def run(body: bytes) -> None:
        resp = client.post(
            "/v1/moderations",
            content=body,
            headers={"content-type": "application/json", "Authorization": f"Bearer {ADMIN_KEY}"},
        )
        assert resp.status_code < 500, resp.text
        data = resp.json()
        if resp.status_code >= 400:
            assert set(data) == {"error"} and set(data["error"]) == {"message", "type", "param", "code"}, data
        else:
            sent = json.loads(body)["input"]
            assert len(data["results"]) == (1 if isinstance(sent, str) else len(sent))

    run()
