"""Every error code, and hostile inputs: always the one error shape, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.serving.conftest import INSULT, NEUTRAL, assert_error


def post_raw(client, body: bytes, content_type: str | None = "application/json"):
    headers = {"content-type": content_type} if content_type else {}
    return client.post("/v1/score", content=body, headers=headers)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_text_empty(client, text):
    r = client.post("/v1/score", json={"items": [{"text": NEUTRAL}, {"text": text}]})
    err = assert_error(r, 400, "TEXT_EMPTY", item=1)
    assert "items[1].text" in err["message"]


def test_text_too_long(make_client, make_settings):
    c = make_client(make_settings(max_text_chars=50))
    err = assert_error(c.post("/v1/score", json={"items": [{"text": "a" * 51}]}), 400, "TEXT_TOO_LONG", item=0)
    assert "51" in err["message"] and "50" in err["message"]
    ok = c.post("/v1/score", json={"items": [{"text": "kata " * 10}]})
    assert ok.status_code == 200
    assert_error(
        c.post("/v1/score", json={"items": [{"text": "ok ok", "parent_text": "b" * 60}]}), 400, "TEXT_TOO_LONG", item=0
    )


def test_too_many_items(client):
    err = assert_error(client.post("/v1/score", json={"items": [{"text": NEUTRAL}] * 65}), 400, "TOO_MANY_ITEMS")
    assert "64" in err["message"]


def test_empty_items(client):
    assert_error(client.post("/v1/score", json={"items": []}), 400, "INVALID_REQUEST")


@pytest.mark.parametrize(
    "body, item",
    [
        ({"items": [{"text": 5}]}, 0),
        ({"items": [{"text": NEUTRAL}, {"text": ["a"]}]}, 1),
        ({"items": [{"text": None}]}, 0),
        ({"items": [{"id": "x"}]}, 0),
        ({"items": [{"text": NEUTRAL, "kind": "comment"}]}, 0),
        ({"items": [{"text": NEUTRAL, "parentText": "typo"}]}, 0),
        ({"items": [{"text": NEUTRAL, "id": 7}]}, 0),
        ({"items": [{"text": NEUTRAL, "id": "a\x00b"}]}, 0),
        ({"items": None}, None),
        ({"items": "teks"}, None),
        ({"items": {"text": NEUTRAL}}, None),
        ({"items": [{"text": NEUTRAL}], "explain": "yes"}, None),
        ({"items": [{"text": NEUTRAL}], "store": 1}, None),
        ({"items": [{"text": NEUTRAL}], "unknown": True}, None),
        ({}, None),
        ([], None),
        ("teks", None),
        (None, None),
        (3.5, None),
    ],
)
def test_wrong_types_and_nulls_are_invalid_requests(client, body, item):
    r = post_raw(client, json.dumps(body).encode())
    err = assert_error(r, 422, "INVALID_REQUEST", item=item)
    assert "See /docs" in err["message"]
    assert NEUTRAL not in err["message"], "errors never echo the text"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x10", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_dropped_with_a_warning(client, char):
    """As audits do: the normaliser drops them and the text is scored; the item says so."""
    clean = client.post("/v1/score", json={"items": [{"text": "halo dunia semua"}]}).json()["results"][0]
    r = client.post("/v1/score", json={"items": [{"text": NEUTRAL}, {"text": f"halo{char} dunia semua"}]})
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert "CONTROL_CHARACTERS_REMOVED" not in [w["code"] for w in first["warnings"]]
    (warn,) = [w for w in second["warnings"] if w["code"] == "CONTROL_CHARACTERS_REMOVED"]
    assert f"U+{ord(char):04X}" in warn["message"] and "items[1].text" in warn["message"] and warn["field"] == "text"
    assert second["scores"] == clean["scores"]
    r = client.post("/v1/score", json={"items": [{"text": NEUTRAL, "kind": "reply", "parent_text": f"a{char}b c"}]})
    assert r.status_code == 200
    assert [w["field"] for w in r.json()["results"][0]["warnings"] if w["code"] == "CONTROL_CHARACTERS_REMOVED"] == [
        "parent_text"
    ]


def test_a_64_item_batch_with_one_control_character_gets_64_results(client):
    items = [{"id": f"p{i}", "text": f"{NEUTRAL} nomor {i}"} for i in range(64)]
    items[17]["text"] = "postingan dari aplikasi\x10 dengan karakter aneh"
    r = client.post("/v1/score", json={"items": items})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == [f"p{i}" for i in range(64)]
    warned = [x["index"] for x in results if any(w["code"] == "CONTROL_CHARACTERS_REMOVED" for w in x["warnings"])]
    assert warned == [17]


@pytest.mark.parametrize("text", ["\x00\x10", " \x07 \n", "\u200b\u200b\u202e", "\ufeff \u2060\u00ad"])
def test_only_control_or_invisible_characters_is_text_empty(client, text):
    """Zero-width spaces, direction marks and the like show a reader nothing: such a text is empty, not scored
    (it was flagged for review), stored, or taken as feedback."""
    assert_error(client.post("/v1/score", json={"items": [{"text": text}]}), 400, "TEXT_EMPTY", item=0)
    assert_error(client.post("/v1/feedback", json={"text": text, "risk": "hoax", "label": 1}), 400, "TEXT_EMPTY")


def test_invisible_characters_inside_a_text_are_scored_as_it() -> None:
    from serving.schemas import is_blank

    assert not is_blank("bupati\u200b maling") and not is_blank("\U0001f468\u200d\U0001f469")  # an emoji ZWJ sequence


def test_feedback_with_control_characters_is_stored_without_them(client):
    r = client.post("/v1/feedback", json={"text": "keluhan\x00 warga soal jalan", "risk": "slander", "label": 0})
    assert r.status_code == 201, r.text


def test_tabs_and_newlines_are_fine(client):
    assert client.post("/v1/score", json={"items": [{"text": "baris satu\nbaris\tdua\r\n"}]}).status_code == 200


def test_unpaired_surrogate_is_rejected(client):
    r = post_raw(client, b'{"items": [{"text": "halo \\ud800 dunia"}]}')
    err = assert_error(r, 400, "INVALID_REQUEST", item=0)
    assert "surrogate" in err["message"]
    r = post_raw(client, b'{"items": [{"text": "halo", "id": "\\udfff"}]}')
    assert_error(r, 422, "INVALID_REQUEST", item=0)


def test_paired_surrogates_and_emoji_are_fine(client):
    r = post_raw(client, b'{"items": [{"text": "mantap \\ud83d\\udc4d betul sekali"}]}')
    assert r.status_code == 200


@pytest.mark.parametrize(
    "raw, item",
    [
        (b'{"items": [{"text": "\xff\xfe\xfa rusak"}]}', None),
        (b"\xff\xfe\x00\x00", None),
        (b"\xc3\x28", None),
        (b'{"items": [{"text": "ab\xed\xa0\x80"}]}', 0),  # an encoded surrogate: decoded, then refused
    ],
)
def test_invalid_utf8_is_a_400(client, raw, item):
    assert_error(post_raw(client, raw), 400, "INVALID_REQUEST", item=item)


@pytest.mark.parametrize("raw", [b'{"items": [', b"not json", b'{"items": [{"text": "a"}]} trailing', b"{'a': 1}"])
def test_invalid_json_is_a_400(client, raw):
    err = assert_error(post_raw(client, raw), 400, "INVALID_REQUEST")
    assert "JSON" in err["message"]


def test_deeply_nested_json_is_not_a_500(client):
    raw = b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = post_raw(client, raw)
    assert r.status_code in (400, 422)
    assert r.json()["error"]["code"] == "INVALID_REQUEST"


def test_nan_and_huge_numbers_are_invalid(client):
    assert_error(post_raw(client, b'{"items": [{"text": NaN}]}'), 422, "INVALID_REQUEST", item=0)
    assert_error(post_raw(client, b'{"items": [{"text": 1e999999}]}'), 422, "INVALID_REQUEST", item=0)


def test_missing_content_type_says_how_to_fix(client):
    err = assert_error(
        post_raw(client, json.dumps({"items": [{"text": NEUTRAL}]}).encode(), None), 422, "INVALID_REQUEST"
    )
    assert "Content-Type: application/json" in err["message"]
    err = assert_error(post_raw(client, b"items=1", "application/x-www-form-urlencoded"), 422, "INVALID_REQUEST")


def test_oversized_body_is_rejected_before_parsing(make_client, make_settings):
    c = make_client(make_settings(max_body_bytes=2048))
    big = json.dumps({"items": [{"text": "kata " * 1000}]}).encode()
    err = assert_error(post_raw(c, big), 413, "INVALID_REQUEST")
    assert "2048" in err["message"]

    def chunks():  # no Content-Length: counted while reading
        for _ in range(10):
            yield b" " * 1000

    r = c.post("/v1/score", content=chunks(), headers={"content-type": "application/json"})
    assert_error(r, 413, "INVALID_REQUEST")
    # garbage that is too big is refused for its size, not parsed
    assert_error(post_raw(c, b"\xff" * 5000), 413, "INVALID_REQUEST")
    assert post_raw(c, json.dumps({"items": [{"text": NEUTRAL}]}).encode()).status_code == 200


def test_unknown_channel_names_the_known_ones(make_client, make_settings):
    c = make_client(make_settings(channel_policies={"pengaduan": {"slander": {"flag": 0.8}}}))
    r = c.post("/v1/score", json={"items": [{"text": NEUTRAL}, {"text": INSULT, "channel": "rahasia"}]})
    err = assert_error(r, 400, "INVALID_REQUEST", item=1)
    assert "pengaduan" in err["message"] and "default" in err["message"]


def test_unknown_route_and_method(client):
    assert_error(client.get("/v2/score"), 404, "NOT_FOUND")
    assert_error(client.get("/v1/score"), 405, "METHOD_NOT_ALLOWED")


def test_an_unexpected_failure_is_a_500_in_the_same_shape(make_client, caplog):
    c = make_client(raise_server_exceptions=False)

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    c.app.state.holder.scorer.score = boom  # type: ignore[method-assign]
    r = c.post("/v1/score", json={"items": [{"text": NEUTRAL}]})
    assert_error(r, 500, "INTERNAL")
    assert "simulated bug" not in r.text
    assert any("unhandled error" in rec.getMessage() for rec in caplog.records)
    metrics = c.get("/metrics").text
    assert 'saring_requests_total{method="POST",route="/v1/score",status="500"} 1.0' in metrics
