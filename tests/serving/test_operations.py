"""Health, readiness, metrics, micro-batching, hot swap and graceful drain."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from model.scorer import Scorer
from serving.batcher import BatcherClosed, MicroBatcher
from serving.lifespan import sighup
from serving.metrics import method_label
from serving.settings import Settings
from tests.serving.conftest import ADMIN_KEY, INSULT, NEUTRAL, assert_error, sha
from tests.serving.test_claims_store import SIRSAK


def test_healthz_and_readyz(client, tiny_baseline_dir):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz").json()
    assert r["status"] == "ready" and r["model"]["version"] == Scorer(tiny_baseline_dir).version


@pytest.mark.usefixtures("tiny_baseline_dir")
def test_not_ready_while_the_model_loads(make_client, make_settings):
    gate = threading.Event()

    def slow_loader(path):
        assert gate.wait(10)
        return Scorer(path)

    c = make_client(make_settings(load_in_background=True), loader=slow_loader)
    try:
        assert c.get("/healthz").status_code == 200  # alive while loading
        r = c.get("/readyz")
        assert_error(r, 503, "NOT_READY")
        assert r.headers["retry-after"] == "5"
        r = c.post("/v1/score", json={"items": [{"text": NEUTRAL}]})
        err = assert_error(r, 503, "NOT_READY")
        assert "loading" in err["message"] and r.headers["retry-after"]
        assert_error(c.get("/v1/model"), 503, "NOT_READY")
    finally:
        gate.set()
    deadline = time.monotonic() + 10
    while c.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert c.post("/v1/score", json={"items": [{"text": NEUTRAL}]}).status_code == 200


@pytest.mark.usefixtures("tiny_baseline_dir")
def test_the_claim_store_opens_with_the_models_slang_after_a_background_load(make_client, make_settings):
    """Opened before the model, the claim store would read posts without the model's slang table for the life of
    the process (its opener takes the scorer's normaliser); so it waits for the model, and a claims route that
    comes first is told to retry."""
    from model.claims.index import ClaimIndex

    gate, given = threading.Event(), []

    def slow_loader(path):
        assert gate.wait(10)
        return Scorer(path)

    def opener(path):
        scorer = c.app.state.holder.scorer
        given.append(scorer.normalizer if scorer else None)
        return ClaimIndex.open(path, None)

    c = make_client(make_settings(load_in_background=True), loader=slow_loader, claims_opener=opener)
    try:
        r = c.post("/v1/claims", json=[SIRSAK])
        err = assert_error(r, 503, "NOT_READY")
        assert "once the model has loaded" in err["message"] and r.headers["retry-after"] == "5"
        assert given == []
    finally:
        gate.set()
    deadline = time.monotonic() + 10
    while c.app.state.claims is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert given == [c.app.state.holder.scorer.normalizer]
    assert c.post("/v1/claims", json=[SIRSAK]).status_code == 201


def test_failed_background_load_keeps_saying_why(make_client, make_settings, tmp_path):
    c = make_client(make_settings(load_in_background=True, model_dir=tmp_path / "tidak-ada"))
    deadline = time.monotonic() + 10
    while True:
        err = assert_error(c.get("/readyz"), 503, "NOT_READY")
        if "failed to load" in err["message"]:
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert "does not exist" in err["message"]


def test_startup_fails_loudly_when_the_model_cannot_load(make_settings, tmp_path):
    from fastapi.testclient import TestClient

    from serving.app import create_app

    app = create_app(make_settings(model_dir=tmp_path / "tidak-ada"))
    with pytest.raises(Exception, match="does not exist"), TestClient(app):
        pass


def test_metrics_are_exposed_with_the_model_version(client, tiny_baseline_dir):
    version = Scorer(tiny_baseline_dir).version
    client.post("/v1/score", json={"items": [{"text": INSULT}, {"text": NEUTRAL}]})
    client.post("/v1/score", json={"items": [{"text": ""}]})
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert f'saring_model_info{{kind="baseline",name="saring-baseline",version="{version}"}} 1.0' in text
    assert 'saring_requests_total{method="POST",route="/v1/score",status="200"} 1.0' in text
    assert 'saring_requests_total{method="POST",route="/v1/score",status="400"} 1.0' in text
    assert 'saring_request_duration_seconds_count{route="/v1/score"} 2.0' in text
    for risk in ("hoax", "slander", "incitement"):
        assert f'saring_score_count{{risk="{risk}"}} 2.0' in text
    assert "saring_batch_size_bucket" in text and "saring_decisions_total" in text
    assert 'saring_model_reloads_total{outcome="success"} 1.0' in text


def test_unknown_paths_do_not_explode_metric_labels(client):
    for k in range(5):
        client.get(f"/acak/{k}")
    assert 'route="unmatched"' in client.get("/metrics").text
    assert "/acak/" not in client.get("/metrics").text


def test_arbitrary_methods_do_not_explode_metric_labels(client):
    """A client picks the method; only the standard ones are labels of their own, the rest are OTHER."""
    for method in ("FOO", "BREW", "PROPFIND", "X-GET-ME"):
        assert_error(client.request(method, "/v1/model"), 405, "METHOD_NOT_ALLOWED")
        assert_error(client.request(method, f"/acak/{method}"), 404, "NOT_FOUND")
    client.delete("/v1/model")
    text = client.get("/metrics").text
    assert 'saring_requests_total{method="OTHER",route="/v1/model",status="405"} 4.0' in text
    assert 'saring_requests_total{method="OTHER",route="unmatched",status="404"} 4.0' in text
    assert 'saring_requests_total{method="DELETE",route="/v1/model",status="405"} 1.0' in text
    for method in ("FOO", "BREW", "PROPFIND", "X-GET-ME"):
        assert f'method="{method}"' not in text and f"/acak/{method}" not in text


def test_method_label_keeps_the_standard_methods_only():
    for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"):
        assert method_label(method) == method
    for method in ("get", "Post", "FOO", "", "QUERY", "M" * 1000):
        assert method_label(method) == "OTHER"


# -- HEAD wherever GET is -----------------------------------------------------------------------------------

GET_PATHS = ["/healthz", "/readyz", "/metrics", "/v1/model", "/v1/claims", "/v1/claims/search?q=daun+sirsak"]


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_answers_like_get_without_a_body(client, path):
    get = client.get(path)
    head = client.head(path)
    assert (head.status_code, get.status_code) == (200, 200), head.text
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    if path != "/metrics":  # the metrics grow between the two requests
        assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))


def test_head_keeps_the_status_and_headers_of_gets_errors(make_client, make_settings):
    c = make_client(make_settings(api_key_hashes=[sha("kunci-uji-kepala")], require_api_key=True))
    get, head = c.get("/v1/model"), c.head("/v1/model")
    assert get.status_code == head.status_code == 401 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    ok = c.head("/v1/model", headers={"X-API-Key": "kunci-uji-kepala"})
    assert ok.status_code == 200 and ok.content == b""
    get, head = (
        c.get("/v1/claims/tidak-ada", headers={"X-API-Key": "kunci-uji-kepala"}),
        c.head("/v1/claims/tidak-ada", headers={"X-API-Key": "kunci-uji-kepala"}),
    )
    assert get.status_code == head.status_code == 404 and head.content == b""


def test_head_where_there_is_no_get_is_still_refused(client):
    r = client.head("/v1/score")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert client.head("/v2/tidak-ada").status_code == 404
    # the 405 of a GET route names HEAD among the allowed methods, and HEAD is indeed answered
    allow = client.delete("/healthz").headers["allow"].split(", ")
    assert "HEAD" in allow and client.head("/healthz").status_code == 200


def test_head_sends_no_body_bytes_at_the_asgi_level(client):
    """The TestClient drops a HEAD response's body itself; the server must not send one either."""
    messages: list[dict] = []

    async def call() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "HEAD",
            "scheme": "http",
            "path": "/healthz",
            "raw_path": b"/healthz",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 1234),
            "server": ("testserver", 80),
        }

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            messages.append(message)

        await client.app(scope, receive, send)
        assert scope["method"] == "HEAD"  # the server's own scope still says HEAD

    asyncio.run(call())
    start, *bodies = messages
    assert start["status"] == 200
    assert dict(start["headers"])[b"content-length"] == str(len(client.get("/healthz").content)).encode()
    assert bodies and all(m["body"] == b"" for m in bodies)


def test_head_is_counted_as_head_under_its_route(client):
    for _ in range(2):
        client.head("/v1/model")
    client.head("/v1/score")
    text = client.get("/metrics").text
    assert 'saring_requests_total{method="HEAD",route="/v1/model",status="200"} 2.0' in text
    assert 'saring_requests_total{method="HEAD",route="/v1/score",status="405"} 1.0' in text


def test_head_is_not_an_operation_of_the_schema(client):
    """HEAD is answered by the middleware, so the schema keeps one operation per route (no duplicates)."""
    paths = client.get("/openapi.json").json()["paths"]
    assert all("head" not in ops for ops in paths.values())


def test_concurrent_requests_are_micro_batched(make_client, make_settings):
    c = make_client(make_settings(batch_max_wait_ms=200, batch_max_size=64))
    n = 8
    with ThreadPoolExecutor(n) as pool:
        results = list(
            pool.map(
                lambda k: c.post("/v1/score", json={"items": [{"text": f"{NEUTRAL} {k}", "id": str(k)}]}), range(n)
            )
        )
    assert [r.json()["results"][0]["id"] for r in results] == [str(k) for k in range(n)]
    text = c.get("/metrics").text
    count = float(next(x for x in text.splitlines() if x.startswith("saring_batch_size_count")).split()[-1])
    total = float(next(x for x in text.splitlines() if x.startswith("saring_batch_size_sum")).split()[-1])
    # the startup canary is not batched through the queue; the readyz canaries are
    assert total >= n and count < n, (count, total)


def test_event_loop_is_not_blocked_by_scoring(make_client):
    c = make_client()
    scorer = c.app.state.holder.scorer
    real = scorer.score

    # No wall-clock threshold (it flaked on a loaded machine): scoring holds until /healthz has answered, so
    # /healthz can only answer if the event loop is free while a batch is being scored.
    scoring, release = threading.Event(), threading.Event()

    def held(*a, **k):
        scoring.set()
        assert release.wait(30), "/healthz never answered while scoring was in progress"
        return real(*a, **k)

    scorer.score = held  # type: ignore[method-assign]
    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(c.post, "/v1/score", json={"items": [{"text": NEUTRAL}]})
        assert scoring.wait(30)
        assert c.get("/healthz").status_code == 200
        assert not fut.done()  # answered while the score request was still being worked on
        release.set()
        assert fut.result(timeout=30).status_code == 200


# -- hot swap ---------------------------------------------------------------------------------------------


def _copy_with_version(src, dst, version):
    shutil.copytree(src, dst)
    info = json.loads((dst / "saring_model.json").read_text())
    info["version"] = version
    (dst / "saring_model.json").write_text(json.dumps(info))
    return dst


@pytest.fixture
def admin(make_client, make_settings):
    return make_client(make_settings(admin_key_hashes=[sha(ADMIN_KEY)]))


def test_reload_swaps_the_model(admin, tiny_baseline_dir, tmp_path):
    new_dir = _copy_with_version(tiny_baseline_dir, tmp_path / "baru", "saring-baseline-baru")
    old_version = admin.get("/v1/model").json()["version"]
    r = admin.post("/admin/reload", json={"model_dir": str(new_dir)}, headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"]["version"] == "saring-baseline-baru" and body["previous"]["version"] == old_version
    score = admin.post("/v1/score", json={"items": [{"text": NEUTRAL}]}).json()
    assert score["model"]["version"] == "saring-baseline-baru"
    metrics = admin.get("/metrics").text
    assert 'version="saring-baseline-baru"' in metrics and f'version="{old_version}"' not in metrics
    # a reload without a body reloads the configured directory
    r = admin.post("/admin/reload", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert r.status_code == 200 and r.json()["model"]["version"] == old_version


@pytest.mark.parametrize(("model_dir", "found"), [("", "an empty string"), ("   ", "only whitespace")])
def test_an_empty_model_dir_is_refused_not_read_as_the_default(admin, tiny_baseline_dir, tmp_path, model_dir, found):
    """Only leaving model_dir out reloads the configured directory; "" is a mistake (an unset variable in a
    script), and reloading the default instead would silently swap back a model the operator replaced."""
    new_dir = _copy_with_version(tiny_baseline_dir, tmp_path / "baru", "saring-baseline-baru")
    assert admin.post("/admin/reload", json={"model_dir": str(new_dir)}, headers={"X-API-Key": ADMIN_KEY}).is_success
    r = admin.post("/admin/reload", json={"model_dir": model_dir}, headers={"X-API-Key": ADMIN_KEY})
    err = assert_error(r, 422, "INVALID_REQUEST")
    assert found in err["message"] and "leave model_dir out" in err["message"] and "SARING_MODEL_DIR" in err["message"]
    assert "expected the path of a model directory" in err["message"]
    assert admin.get("/v1/model").json()["version"] == "saring-baseline-baru"
    assert 'saring_model_reloads_total{outcome="success"} 2.0' in admin.get("/metrics").text  # start-up + baru
    # leaving it out (or null) is what reloads the configured directory
    r = admin.post("/admin/reload", json={"model_dir": None}, headers={"X-API-Key": ADMIN_KEY})
    assert r.status_code == 200 and r.json()["model"]["version"] != "saring-baseline-baru"


def test_failed_reload_keeps_the_old_model(admin, tmp_path, tiny_baseline_dir):
    before = admin.get("/v1/model").json()["version"]
    broken = tmp_path / "rusak"
    shutil.copytree(tiny_baseline_dir, broken)
    (broken / "model.safetensors").write_bytes(b"bukan safetensors")
    for target in (tmp_path / "tidak-ada", broken):
        r = admin.post("/admin/reload", json={"model_dir": str(target)}, headers={"X-API-Key": ADMIN_KEY})
        err = assert_error(r, 422, "RELOAD_FAILED")
        assert before in err["message"] and "keeps serving" in err["message"]
    assert admin.post("/v1/score", json={"items": [{"text": NEUTRAL}]}).json()["model"]["version"] == before
    assert admin.get("/readyz").status_code == 200
    assert 'saring_model_reloads_total{outcome="failure"} 2.0' in admin.get("/metrics").text


def test_pickle_files_are_refused_on_reload(admin, tmp_path, tiny_baseline_dir):
    bad = tmp_path / "acar"
    shutil.copytree(tiny_baseline_dir, bad)
    (bad / "extra.pkl").write_bytes(b"\x80\x04K\x01.")
    r = admin.post("/admin/reload", json={"model_dir": str(bad)}, headers={"X-API-Key": ADMIN_KEY})
    assert "pickle" in assert_error(r, 422, "RELOAD_FAILED")["message"]


def test_admin_needs_the_admin_key(admin, client):
    assert_error(admin.post("/admin/reload"), 401, "UNAUTHORIZED")
    assert_error(admin.post("/admin/reload", headers={"X-API-Key": "bukan-admin"}), 401, "UNAUTHORIZED")
    assert_error(
        admin.post("/admin/reload", json={"model_dir": 5}, headers={"X-API-Key": ADMIN_KEY}), 422, "INVALID_REQUEST"
    )
    err = assert_error(client.post("/admin/reload"), 403, "FORBIDDEN")
    assert "SARING_ADMIN_KEY_HASHES" in err["message"]


def test_sighup_reloads_the_configured_directory(make_client, make_settings, tiny_baseline_dir, tmp_path):
    live = _copy_with_version(tiny_baseline_dir, tmp_path / "live", "v1")
    c = make_client(make_settings(model_dir=live))
    assert c.get("/readyz").json()["model"]["version"] == "v1"
    info = json.loads((live / "saring_model.json").read_text())
    info["version"] = "v2"
    (live / "saring_model.json").write_text(json.dumps(info))
    c.portal.call(sighup, c.app)
    assert c.get("/readyz").json()["model"]["version"] == "v2"
    shutil.rmtree(live)  # a failed SIGHUP reload leaves v2 serving
    c.portal.call(sighup, c.app)
    assert c.get("/readyz").json()["model"]["version"] == "v2"


# -- the batcher itself -------------------------------------------------------------------------------------


def test_batcher_gathers_routes_in_order_and_drains_on_close():
    batches: list[list[int]] = []

    def run(items):
        batches.append(list(items))
        return [x * 10 for x in items], len(batches)

    async def main():
        b = MicroBatcher(run, max_batch=8, max_wait_s=0.05)
        await b.start()
        jobs = [b.submit([k, k + 100]) for k in range(6)]
        out = await asyncio.gather(*jobs)
        # a job bigger than max_batch still runs, whole
        big, _ = await b.submit(list(range(20)))
        pending = [asyncio.ensure_future(b.submit([k])) for k in range(3)]
        await asyncio.sleep(0)
        await b.close()  # graceful: queued work finishes
        drained = [p.result()[0] for p in pending]
        with pytest.raises(BatcherClosed):
            await b.submit([1])
        return out, big, drained

    out, big, drained = asyncio.run(main())
    assert [r for r, _ in out] == [[k * 10, (k + 100) * 10] for k in range(6)]
    assert big == [x * 10 for x in range(20)]
    assert drained == [[0], [10], [20]]
    assert all(len(bt) <= 8 for bt in batches[:-2])
    assert len(batches) < 6 + 1 + 3  # the six concurrent jobs shared batches


def test_batcher_propagates_errors_to_every_job_of_the_batch():
    def run(items):
        raise ValueError("rusak")

    async def main():
        b = MicroBatcher(run, max_batch=4, max_wait_s=0.01)
        await b.start()
        res = await asyncio.gather(b.submit([1]), b.submit([2]), return_exceptions=True)
        ok_after = b.running
        await b.close()
        return res, ok_after

    res, ok_after = asyncio.run(main())
    assert all(isinstance(r, ValueError) for r in res) and ok_after


def test_a_text_sent_again_comes_from_the_logit_cache_and_the_metrics_count_it(make_client):
    client = make_client()
    scorer = client.app.state.holder.scorer
    assert scorer.cache is not None and scorer.cache.size == Settings().score_cache_size
    before = scorer.cache.misses
    one = client.post("/v1/score", json={"items": [{"text": INSULT}]}).json()
    two = client.post("/v1/score", json={"items": [{"text": NEUTRAL}, {"text": INSULT}]}).json()
    assert one["results"][0]["scores"] == two["results"][1]["scores"]
    assert scorer.cache.misses == before + 2  # INSULT and NEUTRAL run once each
    text = client.get("/metrics").text
    assert f"saring_score_cache_misses {float(scorer.cache.misses)}" in text
    assert f"saring_score_cache_hits {float(scorer.cache.hits)}" in text and scorer.cache.hits >= 1
    assert f"saring_score_cache_entries {float(len(scorer.cache))}" in text


def test_no_logit_cache_when_its_size_is_zero(make_client, make_settings):
    client = make_client(make_settings(score_cache_size=0))
    assert client.app.state.holder.scorer.cache is None
    client.post("/v1/score", json={"items": [{"text": INSULT}]})
    assert "saring_score_cache_hits 0.0" in client.get("/metrics").text


def test_explanation_variants_stay_out_of_the_logit_cache(make_client):
    client = make_client()
    cache = client.app.state.holder.scorer.cache
    before = len(cache)
    r = client.post("/v1/score", json={"explain": True, "items": [{"text": INSULT}]})
    assert r.status_code == 200 and r.json()["results"][0]["spans"]  # explained: the variants were scored
    assert len(cache) == before + 1  # the post itself, not one variant per word
