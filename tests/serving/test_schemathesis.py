"""A bounded schemathesis run over the app's own OpenAPI schema (in-process, ASGI), so the contract cannot
drift: every documented operation, every built-in check (server errors, undocumented status codes, response
schemas, schema-valid requests accepted, schema-violating ones rejected, Allow headers...), on a tiny model
with API keys, an admin key and channel policies configured. Runs in seconds on 2 cores.

The same check against a running server: `st run http://127.0.0.1:8000/openapi.json --checks all`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from serving.app import create_app
from serving.settings import Settings
from tests.serving.conftest import ADMIN_KEY, API_KEY, lexical_claims, sha

POLICIES = {"pengaduan": {"slander": {"flag": 0.6, "block": 0.9}}, "bisnis": {"hoax": {"flag": 0.2}}}


@pytest.fixture(scope="module")
def api_schema(tiny_baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    app = create_app(
        Settings(
            model_dir=tiny_baseline_dir,
            data_dir=tmp_path_factory.mktemp("st-data"),
            rate_limit_per_minute=0,
            batch_max_wait_ms=1.0,
            api_key_hashes=[sha(API_KEY)],
            require_api_key=True,
            admin_key_hashes=[sha(ADMIN_KEY)],
            channel_policies=POLICIES,
            max_text_chars=2000,
            max_items=16,
        ),
        claims_opener=lexical_claims,
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_contract(api_schema) -> None:
    ran = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def run(case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {API_KEY}"})

        run()
        ran.append(operation.label)
    assert "POST /v1/score" in ran and "POST /v1/claims" in ran and len(ran) >= 10, ran
