"""The model card lists every training source with its licence and terms, from what training really
writes: a model trained here on a catalogue card and an analyst's file, then served."""

from __future__ import annotations

import csv
import json

from model.modeldir import MANIFEST_JSON, NORMALIZER_JSON
from model.normalize import NORMALIZER_VERSION, Normalizer
from tests.fixture_texts import fixture_examples
from tests.model.catalogue_fixtures import make_catalogue
from training.baseline import train_baseline
from training.cli import load_training_data


def test_model_card_lists_every_source_with_its_licence(tmp_path, monkeypatch, make_client, make_settings):
    make_catalogue(tmp_path, monkeypatch)  # a 'tweets' card: CC-BY-4.0, commercial use allowed
    mine = tmp_path / "koreksi.csv"
    with open(mine, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "hoax", "slander", "incitement"])
        w.writerows([e.text, e.labels["hoax"], e.labels["slander"], e.labels["incitement"]] for e in fixture_examples())
    normalizer, prepared, _ = load_training_data(["catalogue", str(mine)], [], "utf-8")
    out = tmp_path / "model"
    train_baseline(out, dict(prepared.items()), normalizer, prepared.manifest)

    # the normaliser is saved with the words of the training texts that masked words are read against
    saved = Normalizer.from_json(out / NORMALIZER_JSON)
    texts = " ".join(e.text for e in fixture_examples()).lower()
    assert saved.version == NORMALIZER_VERSION and saved.words and all(w in texts for w in saved.words)

    written = json.loads((out / MANIFEST_JSON).read_text(encoding="utf-8"))["sources"]
    by_name = {s["name"]: s for s in written}
    assert set(by_name) == {"tweets", "file:koreksi.csv"}
    tweets = by_name["tweets"]
    assert (tweets["title"], tweets["licence"], tweets["commercial_use"], tweets["share_alike"]) == (
        "test card",
        "CC-BY-4.0",
        True,
        False,
    )
    assert tweets["basis"] == "test" and tweets["citation"] == "none"
    assert set(tweets["examples"]) == {"train", "validation", "test"} and sum(tweets["examples"].values()) >= 1
    assert by_name["file:koreksi.csv"]["licence"] == "analyst-provided"
    assert sum(by_name["file:koreksi.csv"]["examples"].values()) >= len(fixture_examples()) // 2

    card = make_client(make_settings(model_dir=out)).get("/v1/model").json()
    assert card["sources"] == written
    assert card["data_licences"] == {"tweets": "CC-BY-4.0", "file:koreksi.csv": "analyst-provided"}
    # what each score means travels with the model card
    assert set(card["risk_meanings"]) == {"hoax", "slander", "incitement"}
    assert "checkable claim" in card["risk_meanings"]["hoax"]
