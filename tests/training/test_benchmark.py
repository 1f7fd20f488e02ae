"""The cross-validation benchmark: folds, the published F1 definition, and a tiny run on fixture texts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from model.normalize import Normalizer
from tests.fixture_texts import fixture_examples
from training import benchmark as B


def test_stratified_folds_partition_the_data() -> None:
    y = np.array([1] * 20 + [0] * 80)
    folds = B.make_folds(y, k=5, seed=1)
    tests = np.concatenate([f["test"] for f in folds])
    assert sorted(tests.tolist()) == list(range(100))  # every example tested exactly once
    for f in folds:
        assert not set(f["train"]) & set(f["test"]) and not set(f["validation"]) & set(f["test"])
        assert not set(f["train"]) & set(f["validation"])
        assert len(f["train"]) + len(f["validation"]) + len(f["test"]) == 100
        assert y[f["test"]].sum() == 4  # stratified: 20% of the positives
        assert 8 <= len(f["validation"]) <= 12  # about 10% of the data


def test_grouped_folds_never_split_a_group() -> None:
    rng = np.random.default_rng(0)
    groups = [f"t{i % 12}" for i in range(240)]
    y = np.array([int(rng.random() < 0.4) for _ in groups])
    folds = B.make_folds(y, groups, k=5, seed=0)
    g = np.array(groups)
    assert sorted(np.concatenate([f["test"] for f in folds]).tolist()) == list(range(240))
    for f in folds:
        test_g, train_g, dev_g = set(g[f["test"]]), set(g[f["train"]]), set(g[f["validation"]])
        assert not test_g & train_g and not test_g & dev_g and not train_g & dev_g
        assert dev_g


def test_too_few_examples_for_the_folds() -> None:
    with pytest.raises(ValueError, match="at least 5 examples"):
        B.make_folds(np.array([1, 1, 0, 0, 0, 0, 0]), k=5)


def test_fold_metrics_use_the_published_definition() -> None:
    # sklearn's f1_score(gold, pred) with pred = p > 0.5: tp 2, fp 1, fn 1 -> 2/3; 0.5 itself is not positive
    p = np.array([0.9, 0.8, 0.5, 0.6, 0.1])
    y = np.array([1, 0, 1, 1, 0])
    m = B.fold_metrics(p, y, dev_threshold=0.45)
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["f1_at_dev_threshold"] == pytest.approx(2 * 0.75 * 1 / 1.75)  # 0.5 counts at threshold 0.45
    assert m["accuracy"] == pytest.approx(0.6)
    from sklearn.metrics import f1_score

    assert m["f1"] == pytest.approx(f1_score(y, (p > 0.5).astype(int)))


def test_tiny_cross_validation_run_on_fixture_texts(tmp_path) -> None:
    examples = fixture_examples()
    res = B.run_benchmark(
        examples,
        "slander",
        kind="baseline",
        folds=3,
        seed=0,
        normalizer=Normalizer({"gk": "tidak"}),
        workdir=tmp_path / "w",
        task="fixture",
    )
    assert res["folds"] == 3 and len(res["per_fold"]) == 3
    assert sum(f["n"] for f in res["per_fold"]) == len(examples)
    assert res["labels_trained"] == ["slander"]
    assert 0.0 <= res["summary"]["f1"]["mean"] <= 1.0 and res["summary"]["roc_auc"]["mean"] > 0.6
    assert "f1_score" in res["metric"] and res["seconds"] > 0
    assert not (tmp_path / "w" / "fold0").exists()  # fold models removed unless kept


def test_grouped_run_reports_test_groups(tmp_path) -> None:
    examples = fixture_examples()
    for i, e in enumerate(examples):
        e.group = f"topic{i % 8}"
    res = B.run_benchmark(
        examples, "hoax", kind="baseline", grouped=True, folds=3, seed=0, workdir=tmp_path, keep_models=True
    )
    seen = [g for f in res["per_fold"] for g in f["test_groups"]]
    assert sorted(seen) == sorted(f"topic{i}" for i in range(8))  # each topic tested once
    assert (tmp_path / "fold0" / "saring_model.json").exists()


def test_unknown_kind_and_label() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        B.run_benchmark(fixture_examples(), "hoax", kind="svm")
    with pytest.raises(ValueError, match="no example carries the label"):
        B.run_benchmark(fixture_examples(), "hate_speech")


def test_cli_prints_published_numbers_and_writes_json(monkeypatch, tmp_path) -> None:
    def fake_load(task, limit, seed):
        exs = fixture_examples()
        for e in exs:  # stand in for Ibrohim's HS label
            e.labels["hate_speech"] = int(e.labels["slander"] or e.labels["incitement"])
        return exs, Normalizer()

    monkeypatch.setattr(B, "_load", fake_load)
    out = tmp_path / "hs.json"
    res = CliRunner().invoke(B.app, ["hs", "--folds", "3", "--out", str(out)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "IndoBERTweet" in res.output and "88.8" in res.output and "85.1" in res.output
    saved = json.loads(out.read_text())
    assert saved["published"]["IndoBERT"] == 86.8 and saved["label"] == "hate_speech"
    assert saved["dataset"] == "ibrohim2019_multilabel_hs"
    bad = CliRunner().invoke(B.app, ["hs", "--kind", "svm"])
    assert bad.exit_code == 2


def test_every_kind_takes_the_recipes_flag_settings_as_saring_train_does(tmp_path, tiny_encoder_dir) -> None:
    """--set reaches the baseline and the ensemble's flags too: a benchmarked model is flagged as a trained one."""
    from model.modeldir import TRAINING_CONFIG_JSON, ModelDir
    from model.scorer import Scorer
    from tests.fixture_texts import fixture_splits

    sets = ['flag_beta={"slander": 2}', "block_precision=0.95", f"base_model={tiny_encoder_dir}", "epochs=1"]
    normalizer = Normalizer({"gk": "tidak"})
    B.train_fold("baseline", fixture_splits(), normalizer, tmp_path / "b", {}, "tiny", sets)
    B.train_fold("ensemble", fixture_splits(), normalizer, tmp_path / "e", {}, "tiny", sets)
    for out in (tmp_path / "b", tmp_path / "e"):
        th = Scorer(out, device="cpu").thresholds
        assert th["slander"].beta == 2.0 and th["hoax"].beta == 0.5, out.name  # hoax's beta kept by the merge
    assert ModelDir(tmp_path / "b").read_json(TRAINING_CONFIG_JSON)["block_precision"] == 0.95


def test_ensemble_kind_cross_validates_the_served_kind(tmp_path, tiny_encoder_dir) -> None:
    """--kind ensemble trains both members on each fold and mixes them as `saring train` serves them."""
    examples = fixture_examples()
    res = B.run_benchmark(
        examples,
        "slander",
        kind="ensemble",
        folds=2,
        seed=0,
        normalizer=Normalizer({"gk": "tidak"}),
        recipe="tiny",
        overrides=[f"base_model={tiny_encoder_dir}", "epochs=1"],
        workdir=tmp_path / "w",
        keep_models=True,
        task="fixture",
    )
    assert res["kind"] == "ensemble" and res["recipe"] == "tiny" and len(res["per_fold"]) == 2
    assert sum(f["n"] for f in res["per_fold"]) == len(examples)
    info = json.loads((tmp_path / "w" / "fold0" / "saring_model.json").read_text())
    assert info["kind"] == "ensemble" and set(info["members"]) == {"transformer", "lexical"}
    # the members live inside the ensemble's folder; nothing is left beside it
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["fold0", "fold1"]
