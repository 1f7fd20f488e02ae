from __future__ import annotations

import logging
import math
import os
import time
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from model.int8 import int8_cache_dir
from model.modeldir import ModelDir, verified_sha256
from model.normalize import Normalizer
from model.paths import cache_dir
from model.scorer import Scorer
from tests.fixture_texts import fixture_splits
from training.config import TrainConfig
from training.ensemble import build_ensemble
from training.scoring import Int8Scratch, StepScores, scores_in_int8
from training.trainer import TrainingInterrupted, seconds_after_loop, train_transformer


def test_the_step_scores_in_int8_where_the_setting_and_the_hardware_say_so():
    cpu, gpu = torch.device("cpu"), torch.device("cuda")
    assert scores_in_int8("auto", cpu, None)  # a CPU whose loop runs fp32 (no bf16 units)
    assert not scores_in_int8("auto", cpu, torch.bfloat16)  # the loop's bf16 autocast scores there
    assert scores_in_int8("int8", cpu, torch.bfloat16)
    assert not scores_in_int8("loop", cpu, None)
    assert not scores_in_int8("int8", gpu, None) and not scores_in_int8("auto", gpu, None)  # int8 is a CPU path
    assert TrainConfig.from_recipe("default").scoring_precision == "auto"
    assert TrainConfig.from_recipe("fast").scoring_precision == "auto"  # its loop is fp32: int8 on every CPU
    assert TrainConfig.from_recipe("tiny").scoring_precision == "loop"


def test_the_work_after_the_loop_scored_in_int8_counts_the_copy_s_build_and_no_second_scoring():
    # sixty-second session, 2 cores with AVX2 alone: an int8 pass of 42 s, a copy built in 12 s, 4,140 and 4,694 texts;
    # 15 s for the rest (the ensemble step took 8-9 s in the sixty-eighth session's measurements)
    int8 = seconds_after_loop(42.0, 4140, 4694, True, int8_build_s=12.0)
    assert int8 == pytest.approx(1.2 * (12 + (1 + 4694 / 4140) * 42 + 15))
    # fp32 there: a 79 s pass, and the ensemble scoring the member again
    assert seconds_after_loop(79.0, 4140, 4694, True) - int8 > 120


def test_step_scores_are_taken_only_by_a_member_that_runs_the_copy_that_scored_them():
    logits = np.arange(6, dtype=np.float32).reshape(3, 2)
    scores = StepScores("abc", 2, {"validation": logits})

    def member(sha: str | None, threads: int = 2, int8: bool = True) -> SimpleNamespace:
        return SimpleNamespace(int8=SimpleNamespace(threads=threads) if int8 else None, int8_copy=sha)

    assert scores.for_member(member("abc"), "validation", 3) is logits
    assert scores.for_member(member("abd"), "validation", 3) is None  # another int8 file
    assert scores.for_member(member("abc", threads=1), "validation", 3) is None  # other row blocks: other scales
    assert scores.for_member(member(None, int8=False), "validation", 3) is None  # the member runs fp32
    assert scores.for_member(member("abc"), "test", 3) is None  # a split the step did not score
    assert scores.for_member(member("abc"), "validation", 4) is None  # other texts
    assert StepScores().for_member(member("abc"), "validation", 3) is None  # the step scored in the loop's precision


def test_a_step_scored_in_int8_caches_its_copy_and_the_ensemble_takes_its_logits(
    tmp_path, tiny_encoder_dir, tiny_baseline_dir, caplog
):
    """Validation and test scored with the int8 copy: the model records it, the copy of the weights kept is in the
    int8 cache (no scratch copy left), its logits are exactly what the served member computes, and the ensemble built
    from them equals the one that scores the member again."""
    splits, normalizer = fixture_splits(), Normalizer({"gk": "tidak"})
    cfg = TrainConfig.from_recipe(
        "tiny",
        base_model=str(tiny_encoder_dir),
        epochs=4,
        evals_per_epoch=2,
        scoring_precision="int8",
        time_budget_minutes=5.0,
        step_budget_minutes=10.0,  # the estimate times the int8 copy's build and pass before the loop
    )
    scores = StepScores()
    t_out = tmp_path / "transformer"
    with caplog.at_level(logging.INFO):
        train_transformer(cfg, splits, normalizer, {"sources": {}}, t_out, scores=scores)
    info = ModelDir(t_out).check()
    assert info["scoring_precision"].startswith("int8")
    assert info["step_budget"]["int8_build_s"] > 0 and "in int8, its copy built in" in caplog.text
    assert len(info["history"]) >= 2  # several evaluations, each with a copy of its own
    weights = verified_sha256(ModelDir(t_out).weights)
    assert (int8_cache_dir(weights) / "int8.json").is_file()
    assert not list((cache_dir() / "int8").glob(".training-*"))  # the scratch copies are gone
    assert scores.int8_sha256 is not None and set(scores.logits) == {"validation", "test"}

    served = Scorer(t_out, precision="int8")
    assert served.backend.int8_copy == scores.int8_sha256  # the cached copy, not a rebuild
    val_texts = [normalizer.normalize(e.text) for e in splits["validation"]]
    assert np.array_equal(served.backend.logits(val_texts)[0], scores.logits["validation"])

    metrics = {}
    for name, given in (("taken", scores), ("rescored", None)):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="training.ensemble"):
            metrics[name] = build_ensemble(
                tmp_path / name,
                t_out,
                tiny_baseline_dir,
                splits,
                normalizer,
                {},
                {"recipe": "tiny"},
                name="saring-tiny-ensemble",
                move_transformer=False,
                transformer_scores=given,
            )
        assert ("from its training step" in caplog.text) == (given is not None)
    assert metrics["taken"] == metrics["rescored"]


def test_a_cache_that_cannot_hold_the_copies_leaves_the_step_in_the_loop_s_precision(
    tmp_path, tiny_encoder_dir, monkeypatch, caplog
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("SARING_CACHE_DIR", str(blocker / "cache"))
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=1, scoring_precision="int8")
    scores = StepScores()
    with caplog.at_level(logging.WARNING):
        train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / "model", scores=scores)
    assert ModelDir(tmp_path / "model").check()["scoring_precision"] == "fp32"
    assert "no scratch folder for int8 copies" in caplog.text and "loop's precision instead" in caplog.text
    assert scores.int8_sha256 is None and not scores.logits  # the ensemble step scores the member itself


def test_a_run_resumed_after_its_last_evaluation_scores_with_a_copy_of_the_weights_it_kept(tmp_path, tiny_encoder_dir):
    splits = fixture_splits()
    cfg = TrainConfig.from_recipe(
        "tiny", base_model=str(tiny_encoder_dir), epochs=1, checkpoint_every_steps=1, scoring_precision="int8"
    )
    last = math.ceil(len(splits["train"]) / cfg.batch_size)  # evaluated there, then checkpointed

    def crash(step: int) -> None:
        if step == last:
            raise TrainingInterrupted("simulated crash after the last evaluation")

    out = tmp_path / "m"
    with pytest.raises(TrainingInterrupted):
        train_transformer(cfg, splits, Normalizer(), {}, out, step_hook=crash)
    scores = StepScores()
    train_transformer(cfg, splits, Normalizer(), {}, out, scores=scores)  # no step left to run
    assert ModelDir(out).check()["scoring_precision"].startswith("int8")
    assert scores.int8_sha256 == Scorer(out, precision="int8").backend.int8_copy  # the copy built, then cached


def test_scratch_copies_a_killed_training_left_are_removed_a_day_later(tmp_path, monkeypatch):
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "cache" / "int8"
    old, recent = root / ".training-old", root / ".training-recent"
    for folder in (old, recent):
        (folder / "copy-1").mkdir(parents=True)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    scratch = Int8Scratch(lambda: None, 1)
    assert not old.exists() and recent.exists()  # a running training's folder is left alone
    assert scratch.root is not None and scratch.root.is_dir() and scratch.root.parent == root
    scratch.close()
    assert not scratch.root.exists()


def test_the_step_scores_on_as_many_threads_as_the_served_member_will(monkeypatch):
    """The int8 copy cuts a batch into one row block per thread, each quantised on its own: the training step's
    logits equal the served member's only on the same count, which $SARING_THREADS sets for both."""
    from model.network import configure_threads, scoring_threads

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("SARING_THREADS", "1")
        assert scoring_threads() == 1 == configure_threads()
        monkeypatch.delenv("SARING_THREADS")
        assert scoring_threads(3) == 3
        assert scoring_threads() == configure_threads() <= torch.get_num_threads()
    finally:
        torch.set_num_threads(before)
