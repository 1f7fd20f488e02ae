"""POST /v1/feedback stores corrections durably; `saring feedback export` closes the retraining loop."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from model.examples import read_labelled_file
from serving.cli import feedback_app
from serving.store import Store, export_feedback
from tests.serving.conftest import INSULT, NEUTRAL, assert_error

COMPLAINT = "pelayanan kantor samsat lambat sekali, antrean panjang"


def send(client, **kw):
    return client.post("/v1/feedback", json=kw)


def test_feedback_is_stored(client, make_settings):
    r = send(client, text=COMPLAINT, risk="slander", label=0, note="keluhan layanan", model_version="v-lama")
    assert r.status_code == 201 and r.json()["stored"] is True
    r2 = send(client, text=INSULT, risk="slander", label=True, id="kasus-9")
    assert r2.json()["id"] > r.json()["id"]
    store = Store(make_settings().database_url)
    rows = store.feedback_rows()
    assert [(x["text"], x["risk"], x["label"]) for x in rows] == [(COMPLAINT, "slander", 0), (INSULT, "slander", 1)]
    assert rows[0]["note"] == "keluhan layanan" and rows[0]["model_version"] == "v-lama"
    # without a version, the serving model's version is recorded
    card = client.get("/v1/model").json()
    assert rows[1]["model_version"] == card["version"] and rows[1]["item_id"] == "kasus-9"
    store.dispose()


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"text": "", "risk": "hoax", "label": 1}, 400, "TEXT_EMPTY"),
        ({"text": "\x00\x07", "risk": "hoax", "label": 1}, 400, "TEXT_EMPTY"),  # controls are dropped: nothing left
        ({"text": NEUTRAL, "risk": "fitnah", "label": 1}, 422, "INVALID_REQUEST"),
        ({"text": NEUTRAL, "risk": "hoax", "label": 2}, 422, "INVALID_REQUEST"),
        ({"text": NEUTRAL, "risk": "hoax", "label": "ya"}, 422, "INVALID_REQUEST"),
        ({"text": NEUTRAL, "risk": "hoax"}, 422, "INVALID_REQUEST"),
        ({"text": NEUTRAL, "risk": "hoax", "label": 1, "note": "x" * 2001}, 422, "INVALID_REQUEST"),
        ({"text": NEUTRAL, "risk": "hoax", "label": 1, "note": "a\x07"}, 422, "INVALID_REQUEST"),
    ],
)
def test_bad_feedback(client, body, status, code):
    assert_error(client.post("/v1/feedback", json=body), status, code)


def test_feedback_store_unavailable_is_503(make_client, make_settings):
    c = make_client(make_settings(feedback_db_url="sqlite:////proc/no/such/dir/x.db"))
    r = send(c, text=NEUTRAL, risk="hoax", label=0)
    assert_error(r, 503, "NOT_READY")
    assert r.headers["retry-after"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_is_read_back_as_labelled_examples(client, make_settings, tmp_path, fmt):
    send(client, text=COMPLAINT, risk="slander", label=1)
    send(client, text=COMPLAINT, risk="slander", label=0)  # the later correction wins
    send(client, text=COMPLAINT, risk="hoax", label=0)
    send(client, text="vaksin mengandung chip pelacak, jangan mau disuntik", risk="hoax", label=1, id="c-1")
    send(
        client,
        text="Tidak benar, vaksin aman.",
        risk="hoax",
        label=0,
        parent_text="vaksin mengandung chip pelacak, jangan mau disuntik",
    )
    out = tmp_path / f"koreksi.{fmt}"
    store = Store(make_settings().database_url)
    assert export_feedback(store, out) == 3
    store.dispose()
    result = read_labelled_file(out)
    assert result.bad_rows == []
    by_text = {e.text: e for e in result.examples}
    complaint = by_text[COMPLAINT]
    assert complaint.labels["slander"] == 0 and complaint.labels["hoax"] == 0
    assert complaint.labels["incitement"] is None  # not annotated, never read as 0
    hoax = by_text["vaksin mengandung chip pelacak, jangan mau disuntik"]
    assert hoax.labels["hoax"] == 1 and hoax.id == "c-1"
    assert by_text["Tidak benar, vaksin aman."].parent_text.startswith("vaksin mengandung")
    assert not list(tmp_path.glob(".koreksi*")), "no temp file left behind"


def test_cli_export(client, make_settings, tmp_path):
    send(client, text=COMPLAINT, risk="slander", label=0)
    out = tmp_path / "umpan-balik.jsonl"
    res = CliRunner().invoke(feedback_app, ["export", "--out", str(out), "--db", make_settings().database_url])
    assert res.exit_code == 0, res.output
    (line,) = out.read_text(encoding="utf-8").splitlines()
    rec = json.loads(line)
    assert rec["text"] == COMPLAINT and rec["slander"] == 0 and rec["hoax"] is None
    bad = CliRunner().invoke(
        feedback_app, ["export", "--out", str(tmp_path / "x.xlsx"), "--db", make_settings().database_url]
    )
    assert bad.exit_code == 2 and "csv" in bad.output


def test_cli_export_uses_the_settings_database(client, make_settings, tmp_path, monkeypatch):
    send(client, text=COMPLAINT, risk="incitement", label=0)
    monkeypatch.setenv("SARING_DATA_DIR", str(make_settings().data_dir))
    out = tmp_path / "k.csv"
    res = CliRunner().invoke(feedback_app, ["export", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert read_labelled_file(out).examples[0].labels["incitement"] == 0
