from __future__ import annotations

import csv

import numpy as np
import pytest

from eval.data import fingerprint, load_eval_data
from eval.errors import worst_errors, write_errors
from eval.slices import compute_slices, length_bucket, slang_bucket, slice_values
from model.examples import DataError, ReadResult, label_matrix
from model.labels import RISKS
from model.normalize import Normalizer
from tests.eval.helpers import ex


@pytest.mark.parametrize(
    "words, bucket",
    [
        (1, "1-5 words"),
        (5, "1-5 words"),
        (6, "6-20 words"),
        (20, "6-20 words"),
        (21, "21-60 words"),
        (60, "21-60 words"),
        (61, ">60 words"),
    ],
)
def test_length_buckets(words, bucket) -> None:
    assert length_bucket(words) == bucket


@pytest.mark.parametrize(
    "share, bucket",
    [
        (0.0, "no slang"),
        (0.05, "slang < 20% of words"),
        (0.2, "slang 20-40%"),
        (0.39, "slang 20-40%"),
        (0.4, "slang >= 40%"),
        (1.0, "slang >= 40%"),
    ],
)
def test_slang_buckets(share, bucket) -> None:
    assert slang_bucket(share) == bucket


def test_slices_by_source_platform_length_and_slang() -> None:
    norm = Normalizer({"gk": "tidak", "bgt": "banget"})
    examples = [
        ex("jalan rusak gk diperbaiki", slander=0, source="a", platform="twitter"),
        ex("pelayanan di kantor lambat bgt hari ini", slander=0, source="a"),
        ex("bupati itu maling uang rakyat " + "kata " * 30, slander=1, source="b", platform="facebook"),
        ex("dasar pejabat penipu", slander=1, hoax=0, source="b", platform="twitter"),
    ]
    vals = slice_values(examples, norm)
    # 1 slang word of 4, 1 of 7, none, none
    assert vals["slang"] == ["slang 20-40%", "slang < 20% of words", "no slang", "no slang"]
    assert vals["platform"][1] is None
    probs = np.array([[0.1, 0.2, 0.1], [0.1, 0.7, 0.1], [0.1, 0.9, 0.1], [0.1, 0.3, 0.1]])
    s = compute_slices(examples, probs, label_matrix(examples, RISKS), [0.5] * 3, norm)
    assert set(s["platform"]) == {"twitter", "facebook"}  # unknown platform left out
    assert s["platform"]["twitter"]["n"] == 2
    assert list(s["length"]) == ["1-5 words", "6-20 words", "21-60 words"]
    b = s["source"]["b"]["risks"]
    assert b["slander"]["n"] == 2 and b["slander"]["recall"] == 0.5
    assert b["hoax"]["n"] == 1 and "incitement" not in b  # only labelled risks appear
    assert s["source"]["a"]["small"] is True


def test_worst_errors_order_and_missing_labels(tmp_path) -> None:
    examples = [
        ex("fp high", slander=0),
        ex("fp low", slander=0),
        ex("fn", slander=1),
        ex("ok", slander=1),
        ex("unlabelled high", hoax=None),
    ]
    probs = np.array([[0.1, 0.95, 0.1], [0.1, 0.6, 0.1], [0.1, 0.05, 0.1], [0.1, 0.9, 0.1], [0.99, 0.99, 0.99]])
    errs = worst_errors(examples, probs, label_matrix(examples, RISKS), [0.5] * 3, k=10)
    assert [e["text"] for e in errs["slander"]["false_positives"]] == ["fp high", "fp low"]
    assert [e["text"] for e in errs["slander"]["false_negatives"]] == ["fn"]
    assert errs["hoax"]["false_positives"] == []  # an unlabelled text is never an error
    md, cs = write_errors(tmp_path, {"model: m": errs})
    assert "fp high" in md.read_text(encoding="utf-8")
    rows = list(csv.DictReader(cs.open(encoding="utf-8")))
    assert len(rows) == 3 and rows[0]["error"] == "false positive" and rows[0]["model"] == "model: m"


def test_load_labelled_file_and_fingerprint(tmp_path) -> None:
    p = tmp_path / "mine.csv"
    p.write_text("isi,fitnah\nbupati itu maling,1\njalan rusak,0\n,1\n", encoding="utf-8")
    data = load_eval_data([str(p)], Normalizer(), columns=["text=isi", "slander=fitnah"])
    assert len(data.examples) == 2 and len(data.bad_rows) == 1
    s = data.summary()
    assert s["labelled"]["slander"] == {"n": 2, "positives": 1} and s["labelled"]["hoax"]["n"] == 0
    assert len(s["files"][0]["sha256"]) == 64 and s["fingerprint"] == fingerprint(data.examples)


def test_file_without_risk_labels_is_refused(tmp_path) -> None:
    p = tmp_path / "aux.csv"
    p.write_text("text,abusive\nkata kasar,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="none of the 1 examples has a label for the risks"):
        load_eval_data([str(p)], Normalizer())


def test_catalogue_test_split(monkeypatch) -> None:
    from tests.fixture_texts import fixture_examples

    monkeypatch.setattr("model.catalogue.load_catalogue", lambda *a, **k: ReadResult(fixture_examples(), []))
    data = load_eval_data(["catalogue"], Normalizer())
    assert data.description == "catalogue test split"
    assert 0 < len(data.examples) < len(fixture_examples())
    assert data.manifest is not None and data.summary()["manifest"]["seed"] == 42


def test_the_catalogue_is_split_as_the_evaluated_model_was(monkeypatch) -> None:
    """A model trained with `saring train --seed 7` is tested on the seed-7 test split, not on seed 42's, whose
    test texts it partly trained on."""
    from eval.data import split_seed_of
    from model.splits import prepare
    from tests.fixture_texts import fixture_examples

    monkeypatch.setattr("model.catalogue.load_catalogue", lambda *a, **k: ReadResult(fixture_examples(), []))
    seven = prepare(fixture_examples(), Normalizer(), seed=7)

    class Trained:
        manifest = {**seven.manifest, "sources": ["fixture"]}

    assert split_seed_of(Trained()) == 7
    assert split_seed_of(object()) == 42  # a model that records no split: training's default
    data = load_eval_data(["catalogue"], Normalizer(), split_seed=split_seed_of(Trained()))
    assert data.description == "catalogue test split (split seed 7)"
    assert [e.text for e in data.examples] == [e.text for e in seven.split("test")]
    assert {e.text for e in data.examples} != {e.text for e in load_eval_data(["catalogue"], Normalizer()).examples}
    assert data.summary()["manifest"]["seed"] == 7
