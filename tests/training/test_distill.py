from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from model.modeldir import MANIFEST_JSON, ModelDir, ModelDirError
from model.network import TransformerBackend
from model.normalize import Normalizer
from model.splits import text_hash
from tests.fixture_texts import fixture_splits
from training import trainer
from training.config import TrainConfig
from training.distill import (
    TRANSFER_SOURCE,
    check_teacher_splits,
    lexical_teacher_targets,
    teacher_dir,
    teacher_targets,
    transfer_texts,
)
from training.trainer import oversample, train_transformer

NORMALIZER = Normalizer({"gk": "tidak"})


@pytest.fixture(scope="module")
def teacher(tmp_path_factory: pytest.TempPathFactory, tiny_encoder_dir: Path) -> Path:
    """A tiny transformer trained on the fixture's training split, its manifest listing those texts' fingerprints
    as `saring train` writes them."""
    splits = fixture_splits()
    manifest = {"text_hashes": {"train": sorted({text_hash(NORMALIZER, e.text) for e in splits["train"]})}}
    out = tmp_path_factory.mktemp("teacher") / "teacher"
    config = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=6, seed=3)
    train_transformer(config, splits, NORMALIZER, manifest, out)
    return out


def _first_window_logits(model: Path, texts: list[str]) -> np.ndarray:
    backend = TransformerBackend.load(ModelDir(model), precision="fp32")
    return backend.first_window_logits([NORMALIZER.normalize(t) for t in texts])


def test_a_student_learns_its_teachers_outputs_and_records_the_teacher(tmp_path, teacher, tiny_encoder_dir):
    splits = fixture_splits()
    texts = [e.text for e in splits["train"]]
    want = 1 / (1 + np.exp(-_first_window_logits(teacher, texts)))
    gaps = {}
    for weight in (0.0, 1.0):
        config = TrainConfig.from_recipe(
            "tiny", base_model=str(tiny_encoder_dir), epochs=6, teacher=str(teacher), distill_weight=weight
        )
        out = tmp_path / f"student-{weight}"
        train_transformer(config, splits, NORMALIZER, {}, out)
        got = 1 / (1 + np.exp(-_first_window_logits(out, texts)))
        gaps[weight] = float(np.abs(got[:, :3] - want[:, :3]).mean())
        info = ModelDir(out).check()
        assert info["teacher"]["version"] == ModelDir(teacher).info()["version"]
        assert info["teacher"]["distill_weight"] == weight
    # trained on the teacher's probabilities alone, the student is closer to them than one trained on labels alone
    assert gaps[1.0] < gaps[0.0], gaps


def test_teacher_targets_cover_every_example_once_per_distinct_text(teacher):
    train = oversample(fixture_splits()["train"], {"fixture": 2})
    labels = ["hoax", "slander", "incitement", "no_such_label"]
    targets = teacher_targets(ModelDir(teacher), train, labels)
    assert targets.probs.shape == (len(train), 4)
    assert np.isnan(targets.probs[:, 3]).all()  # the teacher has no such output: the labels alone train it
    known = targets.probs[:, :3]
    assert ((known > 0) & (known < 1)).all()
    by_text: dict[str, np.ndarray] = {}
    for e, row in zip(train, known, strict=True):  # the repeats of a text get the same targets
        np.testing.assert_array_equal(by_text.setdefault(e.text, row), row)
    assert targets.info["labels"] == ["hoax", "slander", "incitement"]


def test_a_teacher_that_saw_held_out_texts_is_refused(tmp_path, teacher):
    leaky = tmp_path / "leaky"
    leaky.mkdir()
    for p in Path(teacher).rglob("*"):
        if p.is_file():
            (leaky / p.relative_to(teacher)).parent.mkdir(parents=True, exist_ok=True)
            (leaky / p.relative_to(teacher)).write_bytes(p.read_bytes())
    splits = fixture_splits()
    manifest = json.loads((leaky / MANIFEST_JSON).read_text())
    manifest["text_hashes"]["train"].append(text_hash(NORMALIZER, splits["test"][0].text))
    (leaky / MANIFEST_JSON).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"trained on 0 of this run's validation and 1 of its test texts.*Fix"):
        check_teacher_splits(ModelDir(leaky), splits)
    del manifest["text_hashes"]
    (leaky / MANIFEST_JSON).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="lists no training-text fingerprints.*Fix: retrain the teacher"):
        check_teacher_splits(ModelDir(leaky), splits)
    check_teacher_splits(ModelDir(teacher), splits)  # its own splits: nothing held out was seen


def test_the_teacher_is_a_transformer_or_an_ensembles_transformer(teacher, tiny_ensemble_dir, tiny_baseline_dir):
    assert teacher_dir(teacher).path == Path(teacher)
    assert teacher_dir(tiny_ensemble_dir).info()["kind"] == "transformer"
    with pytest.raises(ValueError, match="baseline model with no transformer.*Fix"):
        teacher_dir(tiny_baseline_dir)
    with pytest.raises(ModelDirError, match="does not exist"):
        teacher_dir(Path(teacher).parent / "nowhere")


def test_a_wrong_teacher_fails_before_the_data_is_read(tmp_path, tiny_baseline_dir):
    from typer.testing import CliRunner

    from training.cli import app

    for teacher, said in ((tmp_path / "nowhere", "does not exist"), (tiny_baseline_dir, "no transformer")):
        res = CliRunner().invoke(
            app, ["--recipe", "tiny", "--data", str(tmp_path / "never-read.csv"), "--set", f"teacher={teacher}"]
        )
        assert res.exit_code == 2, res.output
        flat = " ".join(w for w in res.output.replace("│", " ").split())  # the error box wraps long lines
        assert said in flat and "never-read" not in flat, flat  # refused before the data file was opened


def test_a_resumed_student_needs_the_same_teacher():
    config = TrainConfig.from_recipe("fast", teacher="models/default")
    key = trainer._config_key(config, 10, ["hoax"], "saring-default-1")
    assert key == trainer._config_key(config, 10, ["hoax"], "saring-default-1")
    assert key != trainer._config_key(config, 10, ["hoax"], "saring-default-2")  # retrained at the same path
    plain = TrainConfig.from_recipe("fast")  # runs without a teacher keep the key they had
    assert trainer._config_key(plain, 10, ["hoax"]) == trainer._config_key(plain, 10, ["hoax"], None)


def test_teacher_is_a_config_field_and_its_weight_is_bounded():
    config = TrainConfig.from_recipe("fast").with_overrides(["teacher=models/default", "distill_weight=0.5"])
    assert config.teacher == "models/default" and config.distill_weight == 0.5
    assert TrainConfig.from_recipe("fast").with_overrides(["teacher="]).teacher is None
    with pytest.raises(ValueError, match="distill_weight"):
        TrainConfig.from_recipe("fast").with_overrides(["distill_weight=1.5"])
    with pytest.raises(ValueError, match="without a teacher.*Fix: add --set teacher"):
        TrainConfig.from_recipe("fast").with_overrides(["distill_transfer=0.5"])


def test_transfer_texts_join_halves_of_two_training_texts_and_carry_no_labels():
    train = fixture_splits()["train"]
    extra = transfer_texts(train, 0.5, seed=1)
    assert len(extra) == round(0.5 * len(train))
    assert extra == transfer_texts(train, 0.5, seed=1)  # a function of the seed
    assert transfer_texts(train, 0.0, seed=1) == []
    halves = {" ".join(w[: max(1, len(w) // 2)]) for w in (e.text.split() for e in train)}
    for e in extra:
        assert e.source == TRANSFER_SOURCE and e.labels == {}
        assert any(e.text.startswith(h + " ") or e.text == h for h in halves)


def test_a_student_with_transfer_texts_trains_and_records_them(tmp_path, teacher, tiny_encoder_dir):
    config = TrainConfig.from_recipe(
        "tiny", base_model=str(tiny_encoder_dir), epochs=1, teacher=str(teacher), distill_transfer=1.0
    )
    out = tmp_path / "student"
    train_transformer(config, fixture_splits(), NORMALIZER, {}, out)
    info = ModelDir(out).check()
    n_train = len(fixture_splits()["train"])
    # the epoch held the training texts and as many transfer texts: twice the steps
    assert info["history"][-1]["step"] == -(-2 * n_train // config.batch_size)
    assert json.loads((out / "training_config.json").read_text())["distill_transfer"] == 1.0


def test_the_lexical_teacher_gives_the_baselines_calibrated_probabilities(tiny_baseline_dir, teacher, monkeypatch):
    from model.scorer import Scorer

    train = fixture_splits()["train"]
    labels = ["hoax", "slander", "incitement", "no_such_label"]
    got = lexical_teacher_targets(tiny_baseline_dir, train, labels)
    import training.distill as distill

    monkeypatch.setattr(distill, "_LEXICAL_CHUNK", 3)  # scored in chunks, the same probabilities in the same order
    np.testing.assert_allclose(lexical_teacher_targets(tiny_baseline_dir, train, labels).probs, got.probs, rtol=1e-6)
    want = Scorer(tiny_baseline_dir).predict_proba([e.text for e in train])
    lexical = Scorer(tiny_baseline_dir).labels
    for j, name in enumerate(labels[:3]):
        np.testing.assert_allclose(got.probs[:, j], want[:, lexical.index(name)], rtol=1e-5)
    assert np.isnan(got.probs[:, 3]).all()  # a label the baseline lacks trains on the annotations alone
    assert got.info["version"] == ModelDir(tiny_baseline_dir).info()["version"] and got.info["labels"] == labels[:3]
    with pytest.raises(ValueError, match="expected the TF-IDF baseline"):
        lexical_teacher_targets(teacher, train, labels)  # a transformer is not a lexical teacher


def test_a_student_of_this_runs_baseline_learns_its_outputs_and_records_it(
    tmp_path, tiny_baseline_dir, tiny_encoder_dir
):
    from model.scorer import Scorer

    splits = fixture_splits()
    texts = [e.text for e in splits["train"]]
    lexical = Scorer(tiny_baseline_dir)
    want = lexical.predict_proba(texts)[:, [lexical.labels.index(r) for r in ("hoax", "slander", "incitement")]]
    gaps = {}
    for weight in (0.0, 1.0):
        config = TrainConfig.from_recipe(
            "tiny", base_model=str(tiny_encoder_dir), epochs=6, lexical_teacher=True, distill_weight=weight
        )
        out = tmp_path / f"student-{weight}"
        train_transformer(config, splits, NORMALIZER, {}, out, lexical_dir=tiny_baseline_dir)
        got = 1 / (1 + np.exp(-_first_window_logits(out, texts)))
        gaps[weight] = float(np.abs(got[:, :3] - want).mean())
        info = ModelDir(out).check()
        assert info["teacher"]["version"] == ModelDir(tiny_baseline_dir).info()["version"]
        assert json.loads((out / "training_config.json").read_text())["lexical_teacher"] is True
    assert gaps[1.0] < gaps[0.0], gaps


def test_a_lexical_teacher_needs_this_runs_baseline_and_is_the_only_teacher(tmp_path, tiny_encoder_dir):
    from typer.testing import CliRunner

    from training.cli import app

    with pytest.raises(ValueError, match="expected one teacher"):
        TrainConfig.from_recipe("fast").with_overrides(["teacher=models/default", "lexical_teacher=true"])
    transfer = TrainConfig.from_recipe("fast").with_overrides(["lexical_teacher=true", "distill_transfer=0.5"])
    assert transfer.distill_transfer == 0.5  # transfer texts need a teacher, and this one is a teacher
    config = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), lexical_teacher=True)
    with pytest.raises(ValueError, match="without a trained TF-IDF baseline"):
        train_transformer(config, fixture_splits(), NORMALIZER, {}, tmp_path / "never")
    assert not (tmp_path / "never").exists()
    res = CliRunner().invoke(
        app,
        [
            "--recipe",
            "tiny",
            "--data",
            str(tmp_path / "never-read.csv"),
            "--no-baseline",
            "--set",
            "lexical_teacher=true",
        ],
    )
    assert res.exit_code == 2, res.output
    flat = " ".join(w for w in res.output.replace("│", " ").split())
    assert "--no-baseline" in flat and "never-read" not in flat, flat


def test_a_retrained_lexical_teacher_with_the_same_outputs_resumes_the_same_run(tmp_path, tiny_baseline_dir):
    import shutil

    train = fixture_splits()["train"]
    labels = ["hoax", "slander", "incitement"]
    first = lexical_teacher_targets(tiny_baseline_dir, train, labels)
    again = tmp_path / "baseline"
    shutil.copytree(tiny_baseline_dir, again)
    card = json.loads((again / "saring_model.json").read_text())
    card["version"] = card["version"] + "-retrained"  # a resumed run writes its baseline again, at a later time
    (again / "saring_model.json").write_text(json.dumps(card))
    second = lexical_teacher_targets(again, train, labels)
    assert first.info["version"] != second.info["version"]
    assert first.info["targets_sha256"] == second.info["targets_sha256"]
    other = lexical_teacher_targets(tiny_baseline_dir, train[1:], labels)
    assert other.info["targets_sha256"] != first.info["targets_sha256"]
