"""Property-based fuzzing over the OpenAPI request schemas (hypothesis): no input gives a 500.

Bodies are drawn from the app's own OpenAPI schema (so most are nearly valid and reach deep into the
routes), then some are mutated with hostile values: control characters, unpaired surrogates, nulls, wrong
types, huge numbers, unknown fields; raw byte bodies too. Bounded to a few hundred examples (seconds).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.serving.conftest import ADMIN_KEY, sha

HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\ufeff", "\u202e", "\ud800", "\udfff", "\n"]),
    ),
    max_size=40,
)
INDONESIAN = st.sampled_from(
    [
        "vaksin mengandung chip, jgn mau disuntik!!",
        "dasar walikota goblok",
        "ok",
        "👍👍",
        "jalan rusak parah",
        "https://bit.ly/x @budi RT: s4y4ng bgt",
        "a" * 300,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS, lambda ch: st.lists(ch, max_size=3) | st.dictionaries(st.text(max_size=8), ch, max_size=3), max_leaves=8
)


def from_schema(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for values matching (a useful subset of) a JSON schema."""
    if "$ref" in schema:
        return from_schema(defs[schema["$ref"].split("/")[-1]], defs, depth)
    if "anyOf" in schema:
        return st.one_of([from_schema(s, defs, depth) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    t = schema.get("type")
    if t == "string" and "pattern" in schema:
        return st.one_of(
            st.from_regex(schema["pattern"], fullmatch=True),
            st.from_regex(schema["pattern"], fullmatch=True),
            HOSTILE_TEXT,
        )
    if t == "string":
        valid = st.one_of(
            INDONESIAN,
            st.text(
                st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
                min_size=1,
                max_size=min(schema.get("maxLength", 60), 60),
            ),
        )
        return st.one_of(valid, valid, valid, HOSTILE_TEXT)
    if t == "integer":
        return st.integers(min_value=-5, max_value=5)
    if t == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if t == "boolean":
        return st.booleans()
    if t == "null":
        return st.none()
    if t == "array":
        return st.lists(from_schema(schema.get("items", {}), defs, depth + 1), max_size=4 if depth else 5)
    if t == "object":
        props = schema.get("properties", {})
        required = schema.get("required", [])
        opt = [k for k in props if k not in required]
        return st.fixed_dictionaries(
            {k: from_schema(props[k], defs, depth + 1) for k in required},
            optional={k: from_schema(props[k], defs, depth + 1) for k in opt},
        )
    return JSON_VALUES


def mutate(value: Any) -> st.SearchStrategy[Any]:
    """Sometimes replace a field with a hostile value, or add an unknown one."""
    if not isinstance(value, dict) or not value:
        return st.just(value)
    return st.one_of(
        st.just(value),
        st.just(value),
        st.just(value),
        st.builds(lambda k, v: {**value, k: v}, st.sampled_from(sorted(value)), JSON_VALUES),
        st.builds(lambda v: {**value, "tidak_dikenal": v}, SCALARS),
    )


@pytest.fixture
def fuzz_client(make_client, make_settings):
    return make_client(
        make_settings(
            admin_key_hashes=[sha(ADMIN_KEY)], api_key_hashes=[sha(ADMIN_KEY)], max_text_chars=200, max_items=4
        ),
        raise_server_exceptions=False,
    )


def _bodies(app: Any, path: str) -> st.SearchStrategy[bytes]:
    spec = app.openapi()
    defs = spec["components"]["schemas"]
    schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    shaped = from_schema(schema, defs).flatmap(mutate).map(lambda v: json.dumps(v, ensure_ascii=True).encode())
    junk = JSON_VALUES.map(lambda v: json.dumps(v).encode())
    return st.one_of(shaped, shaped, junk, st.binary(max_size=64))


def _check(resp: Any, path: str) -> None:
    assert resp.status_code < 500, (path, resp.status_code, resp.text)
    body = resp.json()
    if resp.status_code >= 400:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "item"}, body


@pytest.mark.parametrize("path", ["/v1/score", "/v1/feedback", "/admin/reload"])
def test_no_500_from_schema_driven_bodies(fuzz_client, path):
    @settings(
        max_examples=120,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=_bodies(fuzz_client.app, path))
    def run(body: bytes) -> None:
        headers = {"content-type": "application/json", "X-API-Key": ADMIN_KEY}
        resp = fuzz_client.post(path, content=body, headers=headers)
        _check(resp, path)
        if path == "/v1/score" and resp.status_code == 200:
            sent = json.loads(body)
            assert len(resp.json()["results"]) == len(sent["items"])

    run()
