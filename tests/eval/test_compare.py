from __future__ import annotations

import json
import shutil

import numpy as np
from typer.testing import CliRunner

from eval.cli import app
from eval.compare import BETTER, SAME, WORSE, compare_models, comparison_markdown, verdict
from eval.ood import Suite
from tests.eval.helpers import TableModel, ex, noisy_data, write_jsonl


def test_verdict_rules() -> None:
    assert verdict([0.01, 0.05]) == BETTER
    assert verdict([-0.05, -0.01]) == WORSE
    assert verdict([-0.01, 0.02]) == SAME
    assert verdict([0.01, 0.05], lower_is_better=True) == WORSE  # Brier / ECE went up
    assert verdict([float("nan"), float("nan")]) == SAME


def _worse_table(scores: dict, seed: int = 9) -> dict:
    rng = np.random.default_rng(seed)
    return {t: tuple(float(v) for v in rng.random(3)) for t in scores}  # random scores: no skill


def test_clearly_worse_new_model_fails_the_gate() -> None:
    examples, scores = noisy_data(300, seed=4)
    old, new = TableModel(scores, name="old"), TableModel(_worse_table(scores), name="new")
    res = compare_models(old, new, examples, replicates=300, seed=0)
    assert res["primary"]["verdict"] == WORSE and res["exit_code"] == 1
    assert res["primary"]["ci"][1] < 0 < res["primary"]["old"]
    assert all(res["risks"][r]["verdict"] == WORSE for r in ("hoax", "slander", "incitement"))
    # the other way round it is better and passes
    back = compare_models(new, old, examples, replicates=300, seed=0)
    assert back["primary"]["verdict"] == BETTER and back["exit_code"] == 0


def test_identical_models_show_no_difference() -> None:
    examples, scores = noisy_data(200, seed=5)
    res = compare_models(TableModel(scores), TableModel(scores), examples, replicates=200)
    assert res["primary"]["verdict"] == SAME and res["exit_code"] == 0
    assert res["primary"]["ci"] == [0.0, 0.0]


def test_cli_compare_exit_code_on_perturbed_tiny_model(tiny_baseline_dir, tmp_path) -> None:
    from tests.fixture_texts import fixture_examples

    data = write_jsonl(tmp_path / "data.jsonl", fixture_examples())
    new = tmp_path / "new"
    shutil.copytree(tiny_baseline_dir, new)
    th = json.loads((new / "thresholds.json").read_text())
    for t in th["risks"].values():  # a careless retrain: flags nearly nothing
        t["flag"], t["block"] = 0.995, 0.999
    (new / "thresholds.json").write_text(json.dumps(th))
    runner = CliRunner()
    out = tmp_path / "cmp"
    res = runner.invoke(
        app,
        ["--compare", str(tiny_baseline_dir), str(new), "--data", str(data), "--out", str(out), "--bootstrap", "200"],
    )
    assert res.exit_code == 1, res.output
    saved = json.loads((out / "comparison.json").read_text())
    assert saved["primary"]["verdict"] == WORSE
    assert (out / "comparison.md").read_text().count("worse") >= 1
    assert (out / "comparison.html").exists()
    same = runner.invoke(
        app,
        [
            "--compare",
            str(tiny_baseline_dir),
            str(tiny_baseline_dir),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "same"),
            "--bootstrap",
            "100",
        ],
    )
    assert same.exit_code == 0, same.output


def _suite_and_models() -> tuple[Suite, TableModel, TableModel]:
    """40 hateful and 40 counter-speech cases; OLD gets every case right, NEW flags most counter-speech."""
    cases, old, new = [], {}, {}
    for i in range(40):
        hate = ex(f"hate {i}", meta={"function": "hate_derogation", "risk": "incitement"}, hoax=0, incitement=1)
        counter = ex(f"counter {i}", meta={"function": "counter_quote", "risk": "incitement"}, hoax=0, incitement=0)
        cases += [hate, counter]
        old[hate.text], old[counter.text] = (0.1, 0.1, 0.9), (0.1, 0.1, 0.1)
        new[hate.text], new[counter.text] = (0.1, 0.1, 0.9), (0.1, 0.1, 0.9 if i % 4 else 0.1)
    return Suite("toy_suite", "a toy suite", cases), TableModel(old, name="old"), TableModel(new, name="new")


def test_a_model_worse_out_of_distribution_fails_the_gate_although_the_test_split_ties() -> None:
    suite, old_suite, new_suite = _suite_and_models()
    examples, scores = noisy_data(200, seed=6)
    old = TableModel({**scores, **old_suite.scores}, name="old")
    new = TableModel({**scores, **new_suite.scores}, name="new")
    res = compare_models(old, new, examples, replicates=300, seed=0, suites=[suite])
    assert res["primary"]["verdict"] == SAME  # same scores on the test data
    (s,) = res["suites"]
    # OLD right on both functions; NEW right on all hate and a quarter of the counter-speech
    assert s["old"] == 1.0 and s["new"] == (1.0 + 0.25) / 2 and s["right"] == {"old": 80, "new": 50}
    assert s["verdict"] == WORSE and s["ci"][1] < 0
    assert res["exit_code"] == 1 and res["gate"]["worse_on"] == ["toy_suite"]
    md = comparison_markdown(res | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "toy_suite" in md and "significantly worse on toy_suite" in md
    # the other way round the suite is better and the gate passes; no suites: the data alone decides
    assert compare_models(new, old, examples, replicates=300, suites=[suite])["exit_code"] == 0
    assert compare_models(old, new, examples, replicates=300)["exit_code"] == 0


def test_identical_models_tie_on_a_suite() -> None:
    suite, model, _ = _suite_and_models()
    examples, scores = noisy_data(50, seed=7)
    m = TableModel({**scores, **model.scores})
    (s,) = compare_models(m, m, examples, replicates=100, suites=[suite])["suites"]
    assert s["verdict"] == SAME and s["ci"] == [0.0, 0.0] and s["diff"] == 0.0


def test_the_comparison_warns_when_a_model_was_trained_on_the_texts_compared_on() -> None:
    from model.normalize import Normalizer
    from model.splits import text_hash

    examples, scores = noisy_data(60, seed=8)
    norm = Normalizer({})
    old, new = TableModel(scores, name="old"), TableModel(scores, name="new")
    # OLD learnt from the first 20 of these texts and was calibrated on the next 5; NEW saw none of them
    old.normalizer = new.normalizer = norm  # type: ignore[attr-defined]
    old_hashes = {
        "train": sorted(text_hash(norm, e.text) for e in examples[:20]),
        "validation": sorted(text_hash(norm, e.text) for e in examples[20:25]),
    }
    old.text_fingerprints = lambda: old_hashes  # type: ignore[attr-defined]
    new.text_fingerprints = lambda: {"train": [text_hash(norm, "some other text")], "validation": []}  # type: ignore[attr-defined]
    res = compare_models(old, new, examples, replicates=50)
    assert res["overlap"]["old"] == {"checked": True, "n": 60, "train": 20, "validation": 5}
    assert res["overlap"]["new"] == {"checked": True, "n": 60, "train": 0, "validation": 0}
    (w,) = res["warnings"]
    assert w.startswith("OLD was trained on 20 and calibrated on 5 of the 60 texts")
    md = comparison_markdown(res | {"data": {"description": "toy", "fingerprint": "x"}})
    assert "Warning:** OLD was trained on 20" in md
    # a model without fingerprints is reported as unchecked, not as clean
    bare = compare_models(TableModel(scores), new, examples, replicates=50)
    assert bare["overlap"]["old"]["checked"] is False and "not checked" in bare["warnings"][0]


def test_training_records_the_fingerprints_of_train_and_validation_only() -> None:
    from model.normalize import Normalizer
    from model.splits import prepare, text_hash

    examples, _ = noisy_data(120, seed=9)
    norm = Normalizer({})
    data = prepare(examples, norm, seed=1)
    hashes = data.manifest["text_hashes"]
    assert set(hashes) == {"train", "validation"}
    for split in ("train", "validation"):
        assert hashes[split] == sorted({text_hash(norm, e.text) for e in dict(data.items())[split]})
    assert not {text_hash(norm, e.text) for e in dict(data.items())["test"]} & set(hashes["train"])


def test_a_flag_that_moved_is_told_apart_from_a_worse_ranking() -> None:
    from model.calibration import Threshold

    examples, scores = noisy_data(300, seed=4)
    old, new = TableModel(scores, name="old"), TableModel(scores, name="new")
    new.thresholds["hoax"] = Threshold(0.95, 0.97, flag_range=[0.4, 0.96])  # same scores, a flag far up the curve
    res = compare_models(old, new, examples, replicates=300, seed=0)
    assert res["risks"]["hoax"]["verdict"] == WORSE
    notes = [w for w in res["warnings"] if "the flag moved, not the ranking" in w]
    assert len(notes) == 1 and notes[0].startswith("hoax: F1 is worse at NEW's flag 0.950 (OLD's 0.500")
    assert "[0.40, 0.96]" in notes[0] and "channel policy" in notes[0]
    # a model that records its validation plateau is described by it
    new.thresholds["hoax"] = Threshold(0.95, 0.97, flag_range=[0.4, 0.96], plateau=[0.9, 0.99])
    res = compare_models(old, new, examples, replicates=300, seed=0)
    notes = [w for w in res["warnings"] if "the flag moved, not the ranking" in w]
    assert len(notes) == 1 and "could not tell flags in [0.90, 0.99] apart from the best" in notes[0]
    # at the same flag, scores pushed up by a monotone map (the same ranking): the note says the scores moved
    shifted = TableModel({k: (v[0] ** 0.5, v[1], v[2]) for k, v in scores.items()}, name="new")
    res = compare_models(old, shifted, examples, replicates=300, seed=0)
    assert res["risks"]["hoax"]["verdict"] == WORSE
    notes = [w for w in res["warnings"] if w.startswith("hoax: F1 is worse")]
    assert len(notes) == 1 and "the flag is nearly the same, so NEW's scores around it moved" in notes[0]
    assert "the flag moved" not in notes[0]
    # a model that ranks worse gets no such note: its PR-AUC is worse too
    worse = compare_models(old, TableModel(_worse_table(scores), name="new"), examples, replicates=300, seed=0)
    assert not [w for w in worse["warnings"] if "not the ranking" in w]
