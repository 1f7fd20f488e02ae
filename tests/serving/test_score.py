"""The /v1/score contract on the tiny model: every field, order, replies, explanations, policies, storage."""

from __future__ import annotations

import pytest

from model.labels import DECISIONS, RISKS
from model.scorer import Scorer
from serving.store import Store
from tests.serving.conftest import INCITE, INSULT, NEUTRAL

PARENT = "dasar walikota goblok dan maling uang rakyat, mundur saja kau"
QUOTING_REPLY = "Tidak benar bahwa walikota goblok dan maling uang rakyat; laporan keuangan diaudit BPK."


def test_score_response_has_every_field(client, tiny_baseline_dir):
    r = client.post("/v1/score", json={"items": [{"text": INSULT, "id": "p-1"}]})
    assert r.status_code == 200, r.text
    body = r.json()
    scorer = Scorer(tiny_baseline_dir)
    assert body["model"] == {"name": scorer.name, "version": scorer.version}
    assert isinstance(body["request_id"], str) and body["request_id"]
    assert r.headers["x-request-id"] == body["request_id"]
    assert body["warnings"] == []
    (res,) = body["results"]
    assert set(res) == {
        "index",
        "id",
        "kind",
        "scores",
        "flags",
        "decisions",
        "decision",
        "policy",
        "spans",
        "warnings",
        "matches",
    }
    assert res["index"] == 0 and res["id"] == "p-1" and res["kind"] == "post"
    assert set(res["scores"]) == set(RISKS) == set(res["flags"]) == set(res["decisions"])
    assert all(0.0 <= p <= 1.0 for p in res["scores"].values())
    assert res["flags"] == {k: v != "allow" for k, v in res["decisions"].items()}
    assert res["decision"] == max(res["decisions"].values(), key=DECISIONS.index)
    assert res["policy"] == "default"
    assert res["spans"] == [] and res["matches"] == []
    # the same numbers as the scorer itself (the API adds nothing to the scores)
    direct = scorer.score([INSULT])[0]
    assert res["scores"] == pytest.approx(direct.scores, abs=1e-6)
    assert res["decisions"] == direct.decisions
    # the thresholds that decided are in the response
    th = body["policies"]["default"]
    assert th == {
        r_: {"flag": pytest.approx(t.flag, abs=1e-6), "block": pytest.approx(t.block, abs=1e-6)}
        for r_, t in scorer.thresholds.items()
        if r_ in RISKS
    }


def test_results_in_input_order_and_equal_to_single_requests(client):
    texts = [INSULT, NEUTRAL, INCITE, NEUTRAL + " tolong", INSULT + " sekali"]
    items = [{"text": t, "id": f"i{k}"} for k, t in enumerate(texts)]
    many = client.post("/v1/score", json={"items": items}).json()["results"]
    assert [r["id"] for r in many] == [f"i{k}" for k in range(len(texts))]
    assert [r["index"] for r in many] == list(range(len(texts)))
    for k, t in enumerate(texts):
        one = client.post("/v1/score", json={"items": [{"text": t}]}).json()["results"][0]
        assert one["scores"] == pytest.approx(many[k]["scores"], abs=1e-6)
    # the toy model learned the direction
    assert many[0]["scores"]["slander"] > many[1]["scores"]["slander"]
    assert many[2]["scores"]["incitement"] > many[1]["scores"]["incitement"]


def test_request_id_is_echoed(client):
    body = client.post("/v1/score", json={"request_id": "audit-42", "items": [{"text": NEUTRAL}]}).json()
    assert body["request_id"] == "audit-42"
    r = client.post("/v1/score", json={"items": [{"text": NEUTRAL}]}, headers={"X-Request-ID": "hdr-7"})
    assert r.json()["request_id"] == "hdr-7" and r.headers["x-request-id"] == "hdr-7"
    # only header-safe tokens: anything else is refused in the body and replaced when sent as a header
    bad = client.post("/v1/score", json={"request_id": "tanda\u00a0baca", "items": [{"text": NEUTRAL}]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "INVALID_REQUEST"
    r = client.post("/v1/score", json={"items": [{"text": NEUTRAL}]}, headers={"X-Request-ID": "a b"})
    assert r.json()["request_id"] != "a b" and r.headers["x-request-id"] == r.json()["request_id"]


def test_draft_reply_repeating_a_risky_parent_is_warned(client):
    parent_flagged = client.post("/v1/score", json={"items": [{"text": PARENT}]}).json()["results"][0]
    assert parent_flagged["flags"]["slander"], "the toy model should flag the parent insult"
    r = client.post(
        "/v1/score",
        json={
            "items": [
                {"text": QUOTING_REPLY, "kind": "reply", "parent_text": PARENT, "id": "draft"},
                {"text": "Laporan keuangan kota diaudit BPK setiap tahun.", "parent_text": PARENT},
            ]
        },
    ).json()["results"]
    assert r[0]["kind"] == "reply" and r[1]["kind"] == "reply"  # kind inferred from parent_text
    w = next(w for w in r[0]["warnings"] if w["code"] == "REPEATS_RISKY_PARENT")
    assert any("maling uang rakyat" in words for words in w["words"])
    assert w["risk"] == "slander" and "message" in w
    assert "REPEATS_RISKY_PARENT" not in [w["code"] for w in r[1]["warnings"]]
    # the reply is scored on its own text: same scores as without a parent
    alone = client.post("/v1/score", json={"items": [{"text": QUOTING_REPLY}]}).json()["results"][0]
    assert alone["scores"] == pytest.approx(r[0]["scores"], abs=1e-6)


def test_reply_without_parent_and_post_with_parent_get_warnings(client):
    res = client.post(
        "/v1/score",
        json={
            "items": [
                {"text": QUOTING_REPLY, "kind": "reply"},
                {"text": QUOTING_REPLY, "kind": "post", "parent_text": PARENT},
                {"text": QUOTING_REPLY, "kind": "reply", "parent_text": "   "},
            ]
        },
    ).json()["results"]
    assert "REPLY_WITHOUT_PARENT" in [w["code"] for w in res[0]["warnings"]]
    codes1 = [w["code"] for w in res[1]["warnings"]]
    assert "PARENT_TEXT_IGNORED" in codes1 and "REPEATS_RISKY_PARENT" not in codes1
    assert "REPLY_WITHOUT_PARENT" in [w["code"] for w in res[2]["warnings"]]
    for r in res:
        assert all({"code", "message"} <= set(w) for w in r["warnings"])


def test_short_text_warning_passes_through(client):
    res = client.post("/v1/score", json={"items": [{"text": "ok"}, {"text": "👍👍👍 !!!"}]}).json()["results"]
    assert [[w["code"] for w in r["warnings"]] for r in res] == [["TEXT_TOO_SHORT"]] * 2


def test_explain_spans_point_into_the_original_text(client):
    original = "  DASAR   walikota GOBLOK,\tmaling uang rakyat!!  "
    res = client.post("/v1/score", json={"explain": True, "items": [{"text": original}, {"text": NEUTRAL}]})
    assert res.status_code == 200
    flagged, neutral = res.json()["results"]
    assert flagged["flags"]["slander"]
    assert flagged["spans"], "a flagged text gets spans"
    for s in flagged["spans"]:
        assert set(s) == {"begin", "end", "word", "risk", "weight"}
        assert original[s["begin"] : s["end"]] == s["word"]
        assert flagged["flags"][s["risk"]] and s["weight"] > 0
    weights = [s["weight"] for s in flagged["spans"] if s["risk"] == "slander"]
    assert weights == sorted(weights, reverse=True)
    words = {s["word"].lower() for s in flagged["spans"]}
    assert words & {"goblok", "maling", "dasar", "walikota"}
    if not any(neutral["flags"].values()):
        assert neutral["spans"] == []
    # without explain: no spans
    plain = client.post("/v1/score", json={"items": [{"text": original}]}).json()["results"][0]
    assert plain["spans"] == []


def test_explain_weights_are_score_drops(client, tiny_baseline_dir):
    scorer = Scorer(tiny_baseline_dir)
    res = client.post("/v1/score", json={"explain": True, "items": [{"text": INSULT}]}).json()["results"][0]
    top = res["spans"][0]
    without = INSULT[: top["begin"]] + " " + INSULT[top["end"] :]
    j = RISKS.index(top["risk"])
    drop = scorer.risk_proba([INSULT])[0, j] - scorer.risk_proba([without])[0, j]
    assert top["weight"] == pytest.approx(drop, abs=1e-3)


def test_explain_long_text_is_partial_with_a_warning(make_client, make_settings):
    c = make_client(make_settings(explain_max_words=3))
    res = c.post("/v1/score", json={"explain": True, "items": [{"text": INSULT}]}).json()["results"][0]
    if any(res["flags"].values()):
        assert "EXPLANATION_PARTIAL" in [w["code"] for w in res["warnings"]]
        assert all(s["begin"] < len("dasar walikota goblok") for s in res["spans"])


def test_channel_policy_overrides_thresholds_and_is_named(make_client, make_settings):
    policies = {
        "pengaduan": {"slander": {"flag": 0.999, "block": 0.9999}},
        "bisnis": {"slander": {"flag": 0.01, "block": 0.02}},
    }
    c = make_client(make_settings(channel_policies=policies))
    body = c.post(
        "/v1/score",
        json={
            "items": [
                {"text": INSULT},
                {"text": INSULT, "channel": "pengaduan"},
                {"text": NEUTRAL, "channel": "bisnis"},
                {"text": NEUTRAL, "channel": "default"},
            ]
        },
    ).json()
    default, lenient, strict, explicit_default = body["results"]
    assert [r["policy"] for r in body["results"]] == ["default", "pengaduan", "bisnis", "default"]
    assert default["scores"] == pytest.approx(lenient["scores"])  # policies change decisions, not scores
    assert default["flags"]["slander"] and not lenient["flags"]["slander"]
    assert lenient["decisions"]["slander"] == "allow"
    assert strict["decisions"]["slander"] == "block"
    assert explicit_default["decisions"]["slander"] == "allow" or default["flags"]["slander"]
    assert body["policies"]["pengaduan"]["slander"] == {"flag": 0.999, "block": 0.9999}
    assert body["policies"]["pengaduan"]["hoax"] == body["policies"]["default"]["hoax"]
    assert set(body["policies"]) == {"default", "pengaduan", "bisnis"}


def test_flag_only_override_keeps_block_at_or_above_flag(make_client, make_settings):
    c = make_client(make_settings(channel_policies={"ketat": {"hoax": {"flag": 0.995}}}))
    th = c.post("/v1/score", json={"items": [{"text": NEUTRAL, "channel": "ketat"}]}).json()["policies"]["ketat"]
    assert th["hoax"]["flag"] == 0.995 and th["hoax"]["block"] >= 0.995


def test_nothing_is_stored_unless_asked(client, make_settings):
    client.post("/v1/score", json={"items": [{"text": INSULT}]})
    store = Store(make_settings().database_url)
    assert store.scored_rows() == []
    r = client.post(
        "/v1/score",
        json={"store": True, "request_id": "simpan-1", "items": [{"text": INSULT, "id": "x"}, {"text": NEUTRAL}]},
    )
    assert r.status_code == 200 and r.json()["warnings"] == []
    rows = store.scored_rows()
    assert [row["text"] for row in rows] == [INSULT, NEUTRAL]
    assert rows[0]["model_version"] == r.json()["model"]["version"]
    assert rows[0]["request_id"] == "simpan-1" and rows[0]["item_id"] == "x"
    assert rows[0]["scores"] == r.json()["results"][0]["scores"]
    store.dispose()


def test_store_failure_keeps_the_scores_and_warns(make_client, make_settings):
    c = make_client(make_settings(feedback_db_url="sqlite:////proc/no/such/dir/x.db"))
    r = c.post("/v1/score", json={"store": True, "items": [{"text": NEUTRAL}]})
    assert r.status_code == 200
    assert [w["code"] for w in r.json()["warnings"]] == ["NOT_STORED"]


class FakeClaims:
    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def match(self, texts: list[str]) -> list[list[dict]]:
        self.seen.append(texts)
        return [[{"claim_id": "cek-1", "similarity": 0.9, "rating": "SALAH"}] if "chip" in t else [] for t in texts]


def test_claim_matches_come_from_the_attached_store(make_client):
    claims = FakeClaims()
    c = make_client(claims=claims)
    res = c.post("/v1/score", json={"items": [{"text": "vaksin mengandung chip pelacak"}, {"text": NEUTRAL}]})
    first, second = res.json()["results"]
    assert first["matches"] == [{"claim_id": "cek-1", "similarity": 0.9, "rating": "SALAH"}]
    assert second["matches"] == []
    assert claims.seen == [["vaksin mengandung chip pelacak", NEUTRAL]]


def test_a_failing_claim_store_does_not_fail_scoring(make_client):
    class Broken:
        def match(self, texts):
            raise RuntimeError("index missing")

    c = make_client(claims=Broken())
    r = c.post("/v1/score", json={"items": [{"text": NEUTRAL}]})
    assert r.status_code == 200
    res = r.json()["results"][0]
    assert res["matches"] == []
    assert "CLAIMS_UNAVAILABLE" in [w["code"] for w in res["warnings"]]


def test_a_repeated_false_claim_raises_hoax_under_the_policy(make_client, make_settings):
    class KnownFalse:
        def match(self, texts):
            return [
                [
                    {
                        "claim_id": "c-9",
                        "claim": "vaksin mengandung chip pelacak",
                        "verdict": "false",
                        "rating": "SALAH",
                        "publisher": "cekfakta.com",
                        "url": "https://cekfakta.com/x",
                        "similarity": 0.97,
                        "probability": 0.995,
                        "match": True,
                    }
                ]
                if "chip" in t
                else []
                for t in texts
            ]

    c = make_client(
        make_settings(channel_policies={"longgar": {"hoax": {"flag": 0.999, "block": 0.9999}}}), claims=KnownFalse()
    )
    plain = make_client().post("/v1/score", json={"items": [{"text": "vaksin mengandung chip pelacak"}]}).json()
    res = c.post(
        "/v1/score",
        json={
            "items": [
                {"text": "vaksin mengandung chip pelacak"},
                {"text": "vaksin mengandung chip pelacak", "channel": "longgar"},
                {"text": NEUTRAL},
            ]
        },
    ).json()["results"]
    assert res[0]["scores"]["hoax"] == pytest.approx(0.995)
    assert res[0]["scores"]["hoax"] > plain["results"][0]["scores"]["hoax"]
    assert res[0]["flags"]["hoax"] and res[0]["matches"][0]["claim_id"] == "c-9"
    assert "KNOWN_FALSE_CLAIM" in [w["code"] for w in res[0]["warnings"]]
    assert res[1]["decisions"]["hoax"] == "allow"  # decided under the channel's thresholds
    assert res[2]["matches"] == [] and res[2]["scores"] == pytest.approx(
        make_client().post("/v1/score", json={"items": [{"text": NEUTRAL}]}).json()["results"][0]["scores"]
    )


def test_model_card(client, tiny_baseline_dir):
    card = client.get("/v1/model").json()
    scorer = Scorer(tiny_baseline_dir)
    assert card["name"] == scorer.name and card["version"] == scorer.version
    assert card["risks"] == list(RISKS) and "thresholds" in card and "metrics" in card
    assert card["data_licences"] == {"fixture": "test texts"}
    assert card["limits"]["max_items"] == 64
    assert "default" in card["policies"]


def test_many_texts_up_to_the_limit(client):
    items = [{"text": f"{NEUTRAL} nomor {k}"} for k in range(64)]
    res = client.post("/v1/score", json={"items": items})
    assert res.status_code == 200 and len(res.json()["results"]) == 64


@pytest.mark.parametrize("fixture", ["tiny_transformer_dir", "tiny_ensemble_dir"])
def test_every_model_kind_serves_the_same_contract(request, make_client, make_settings, fixture):
    try:
        model_dir = request.getfixturevalue(fixture)
    except pytest.FixtureLookupError:
        pytest.skip(f"{fixture} is not available")
    # fp32: exactly the scores of the model directory. int8 (the default) quantises activations per batch, so a
    # text's scores move slightly with its batch neighbours: within 0.05 here, checked below.
    c = make_client(make_settings(model_dir=model_dir, precision="fp32"))
    scorer = Scorer(model_dir, precision="fp32")
    body = c.post(
        "/v1/score",
        json={
            "explain": True,
            "items": [{"text": INSULT}, {"text": QUOTING_REPLY, "parent_text": PARENT}, {"text": NEUTRAL}],
        },
    ).json()
    assert body["model"]["version"] == scorer.version
    int8 = Scorer(model_dir, precision="int8")
    for res, text in zip(body["results"], [INSULT, QUOTING_REPLY, NEUTRAL], strict=True):
        assert res["scores"] == pytest.approx(scorer.score([text])[0].scores, abs=1e-4)
        assert int8.score([text])[0].scores == pytest.approx(res["scores"], abs=0.05)
        for s in res["spans"]:
            assert text[s["begin"] : s["end"]] == s["word"]
    assert c.get("/readyz").json()["model"]["kind"] == scorer.kind


def test_language_warning_passes_through_with_the_language(client):
    res = client.post(
        "/v1/score", json={"items": [{"text": "Watch out, kidnappers are driving a white van around the school!"}]}
    )
    assert res.status_code == 200
    (w,) = [w for w in res.json()["results"][0]["warnings"] if w["code"] == "LANGUAGE_NOT_SUPPORTED"]
    assert w["language"] == "en" and "review" in w["message"]
    languages = client.get("/v1/model").json()["languages"]  # the model card says which languages are read
    assert "id" in languages["read"] and "en" not in languages["read"]
    assert "LANGUAGE_NOT_SUPPORTED" in languages["others"]
