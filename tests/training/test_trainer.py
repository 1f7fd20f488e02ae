from __future__ import annotations

import json
import logging
import time
from typing import Any

import numpy as np
import pytest
import torch

from model.labels import RISKS
from model.modeldir import TRAINING_CONFIG_JSON, ModelDir
from model.normalize import Normalizer
from model.scorer import Scorer
from tests.fixture_texts import fixture_splits
from training import trainer
from training.config import TrainConfig
from training.trainer import (
    TrainingInterrupted,
    layer_learning_rates,
    length_grouped_batches,
    load_checkpoint,
    masked_bce,
    save_checkpoint,
    train_transformer,
)


def test_masked_bce_ignores_missing_labels():
    logits = torch.tensor([[2.0, -1.0], [0.5, 3.0]])
    y = torch.tensor([[1.0, float("nan")], [float("nan"), 0.0]])
    ones = torch.ones(2)
    got = masked_bce(logits, y, ones, ones)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    want = (bce(torch.tensor(2.0), torch.tensor(1.0)) + bce(torch.tensor(3.0), torch.tensor(0.0))) / 2
    assert got.item() == pytest.approx(want.item(), rel=1e-6)
    # changing the logit of a missing label changes nothing, and its gradient is zero
    logits2 = logits.clone().requires_grad_(True)
    masked_bce(logits2, y, ones, ones).backward()
    assert logits2.grad[0, 1] == 0 and logits2.grad[1, 0] == 0


def test_length_grouped_batches_cover_everything_once_and_are_deterministic():
    lengths = [int(x) for x in np.random.default_rng(0).integers(3, 60, size=500)]
    a = length_grouped_batches(lengths, 16, seed=1)
    assert sorted(i for b in a for i in b) == list(range(500))
    assert a == length_grouped_batches(lengths, 16, seed=1)
    assert a != length_grouped_batches(lengths, 16, seed=2)


def test_rounds_put_each_copy_of_a_text_in_its_own_round_and_the_rest_anywhere():
    # 40 texts copied three times (the team-written sets), 200 seen once (the corpora), shuffled together
    keys = [k for k in range(40) for _ in range(3)] + list(range(40, 240))
    order = np.random.default_rng(3).permutation(len(keys))
    keys = [keys[i] for i in order]
    rounds = trainer.repeat_rounds(keys, seed=5, n_rounds=3)
    assert set(rounds) == {0, 1, 2}
    for k in range(40):
        assert sorted(r for key, r in zip(keys, rounds, strict=True) if key == k) == [0, 1, 2]
    singles = [r for key, r in zip(keys, rounds, strict=True) if key >= 40]
    assert all(20 <= singles.count(r) <= 120 for r in range(3))  # drawn, not all in one round
    assert rounds == trainer.repeat_rounds(keys, seed=5, n_rounds=3)
    assert rounds != trainer.repeat_rounds(keys, seed=6, n_rounds=3)
    # two examples whose first windows are alike share a key: its six copies fill the three rounds twice, and the
    # rounds stay three (the first version took the most copied key's count, six, and put a third of the epoch's
    # repeated texts outside its first third)
    doubled = trainer.repeat_rounds([0] * 6 + [1, 1, 1, 2], seed=0, n_rounds=3)
    assert sorted(doubled[:6]) == [0, 0, 1, 1, 2, 2] and sorted(doubled[6:9]) == [0, 1, 2] and doubled[9] in (0, 1, 2)
    assert trainer.repeat_rounds([0, 1, 2], seed=0, n_rounds=1) == [0, 0, 0]
    assert trainer.repeat_rounds([], seed=0, n_rounds=3) == []
    with pytest.raises(ValueError, match="at least 1; found 0"):
        trainer.repeat_rounds([0], seed=0, n_rounds=0)


def test_batches_in_rounds_see_every_repeated_text_once_before_any_twice():
    keys = [k for k in range(40) for _ in range(3)] + list(range(40, 240))
    lengths = [int(x) for x in np.random.default_rng(0).integers(3, 60, size=len(keys))]
    rounds = trainer.repeat_rounds(keys, seed=1, n_rounds=3)
    batches = length_grouped_batches(lengths, 8, seed=1, rounds=rounds)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(keys)))  # every example once, as without rounds
    assert [rounds[i] for i in flat] == sorted(rounds[i] for i in flat)  # round 0's batches first, then 1, then 2
    assert all(len({rounds[i] for i in b}) == 1 for b in batches)  # no batch spans two rounds
    first = flat[: rounds.count(0)]
    assert {keys[i] for i in first} >= set(range(40))  # a third of the epoch holds every repeated text
    assert len({keys[i] for i in first}) == len(first)  # and none of them twice
    # shuffled: the order within rounds is not the examples' own, and depends on the seed
    assert batches != length_grouped_batches(lengths, 8, seed=2, rounds=rounds)
    # one round is the epoch as before; a length that does not match is refused
    assert length_grouped_batches(lengths, 8, seed=1, rounds=[0] * len(keys)) == length_grouped_batches(
        lengths, 8, seed=1
    )
    with pytest.raises(ValueError, match="expected one for each of 320"):
        length_grouped_batches(lengths, 8, seed=1, rounds=rounds[:-1])


def test_spreading_the_repeats_is_an_option_no_recipe_takes():
    # measured and not adopted (sixty-fourth session); one setting away
    assert not any(TrainConfig.from_recipe(r).spread_repeats for r in ("default", "fast", "full"))
    assert TrainConfig.from_recipe("default").with_overrides(["spread_repeats=true"]).spread_repeats


def test_config_overrides_are_validated():
    cfg = TrainConfig.from_recipe("fast").with_overrides(["epochs=2", "lr=3e-5", "num_layers=none"])
    # a field with a choice named "none" gets that choice, not no value
    assert TrainConfig.from_recipe("fast").with_overrides(["pos_weight=none"]).pos_weight == "none"
    assert cfg.epochs == 2 and cfg.lr == 3e-5 and cfg.num_layers is None
    with pytest.raises(ValueError, match="unknown config field"):
        cfg.with_overrides(["nope=1"])
    with pytest.raises(ValueError, match="invalid override"):
        cfg.with_overrides(["epochs=0"])
    with pytest.raises(ValueError, match="unknown recipe"):
        TrainConfig.from_recipe("fastest")


def test_tiny_transformer_round_trips(tiny_transformer_dir):
    md = ModelDir(tiny_transformer_dir)
    info = md.check()
    assert info["kind"] == "transformer"
    assert {p.suffix for p in tiny_transformer_dir.rglob("*") if p.is_file()} <= {".json", ".safetensors"}
    scorer = Scorer(tiny_transformer_dir)
    texts = ["dasar walikota goblok maling uang rakyat", "jadwal vaksinasi besok pagi", "usir orang suku itu"]
    out = scorer.score(texts)
    assert [set(r.scores) for r in out] == [set(RISKS)] * 3
    # Loading twice gives identical scores: the directory is the whole model.
    again = Scorer(tiny_transformer_dir).score(texts)
    for a, b in zip(out, again, strict=True):
        assert a.scores == pytest.approx(b.scores, abs=1e-6)
    metrics = json.loads((tiny_transformer_dir / "metrics.json").read_text())
    assert set(metrics["test"]["risks"]) == set(RISKS)


def test_the_default_and_fast_recipes_read_texts_without_the_e5_prefix_and_a_model_keeps_the_prefix_it_learnt(
    tmp_path, tiny_encoder_dir
):
    # the default dropped "query: " (8.8% of a tweet's tokens), and fast after it; a model trained with a prefix, such
    # as one trained before, is still scored with it: the prefix is part of the model directory, not of the scorer
    assert TrainConfig.from_recipe("default").text_prefix == ""
    assert TrainConfig.from_recipe("fast").text_prefix == ""
    assert TrainConfig.from_recipe("full").text_prefix == "query: "
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), max_steps=2, text_prefix="query: ")
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / "m")
    assert ModelDir(tmp_path / "m").check()["text_prefix"] == "query: "
    scorer = Scorer(tmp_path / "m")
    backend = scorer.backend
    assert backend.tok.prefix == "query: "
    text = "jadwal vaksinasi besok pagi"
    plain = backend.tok.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert backend.tok.ids([text])[0] == backend.tok.tokenizer("query: " + text, add_special_tokens=False)["input_ids"]
    assert len(backend.tok.ids([text])[0]) > len(plain)


def test_long_text_is_windowed_not_truncated(tiny_transformer_dir):
    scorer = Scorer(tiny_transformer_dir)
    insult = "dasar walikota goblok maling uang rakyat"
    filler = " ".join(["jalan di depan rumah kami rusak mohon diperbaiki"] * 20)
    res = scorer.score([filler + " " + insult, filler])
    assert res[0].windows > 1
    assert "LONG_TEXT_WINDOWED" in [w.code for w in res[0].warnings]
    # the insult at the very end is seen: it can only raise the score (max over windows)
    assert res[0].scores["slander"] >= res[1].scores["slander"] - 1e-9


def test_interrupted_run_resumes(tmp_path, tiny_encoder_dir):
    splits = fixture_splits()
    # with repeats spread over rounds, so that a resumed run rebuilds the same rounds from the seed
    cfg = TrainConfig.from_recipe(
        "tiny",
        base_model=str(tiny_encoder_dir),
        epochs=2,
        checkpoint_every_steps=3,
        oversample={"fixture": 2},
        spread_repeats=True,
    )
    out = tmp_path / "m"

    def crash(step: int) -> None:
        if step == 7:
            raise TrainingInterrupted("simulated crash")

    with pytest.raises(TrainingInterrupted):
        train_transformer(cfg, splits, Normalizer(), {}, out, step_hook=crash)
    ckpt = tmp_path / "m.checkpoint"
    progress = json.loads((ckpt / "progress.json").read_text())
    assert progress["global_step"] == 6 and not out.exists()
    assert progress["first_update_s"] >= 0  # kept, so that the resumed run's warm-up counts from the same update
    seen: list[int] = []
    train_transformer(cfg, splits, Normalizer(), {}, out, step_hook=seen.append)
    assert seen[0] == 7  # continued after the last checkpoint, not from the start
    # the distinct texts count the batches run before the crash too (from the seeded schedule, not the process)
    info = ModelDir(out).check()
    assert info["texts_seen"] == info["texts_distinct"] > 0
    assert Scorer(out).score(["tes satu dua tiga"])[0].decision in ("allow", "review", "block")
    assert not ckpt.exists()


def test_time_budget_stops_early_and_keeps_an_evaluated_model(tmp_path, tiny_encoder_dir):
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=50, time_budget_minutes=0.001)
    out = tmp_path / "budget"
    # Each step takes at least 40 ms, so the 60 ms budget always runs out inside the first epoch (on a fast idle
    # machine the tiny model could otherwise finish its first epoch, and evaluate there, within the budget).
    metrics = train_transformer(cfg, fixture_splits(), Normalizer(), {}, out, step_hook=lambda _: time.sleep(0.04))
    info = ModelDir(out).check()
    assert len(info["history"]) == 1  # stopped at the budget, evaluated once
    assert info["history"][0]["step"] < 50 * 9
    assert 0.0 <= metrics["validation"]["macro_f1"] <= 1.0


def test_max_steps_stops_there_with_the_schedule_decayed(tmp_path, tiny_encoder_dir):
    """`--set max_steps=N` ends training at step N (evaluated and kept), its learning rate decayed to zero there as
    at the end of the epochs, so that two trainings can be compared at equal steps."""
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=50, max_steps=5)
    factors: list[float] = []
    out = tmp_path / "steps"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, out, step_hook=factors.append)
    info = ModelDir(out).check()
    assert factors == [1, 2, 3, 4, 5]  # the global steps run
    assert info["history"][-1]["step"] == 5  # evaluated there, in the first epoch
    assert json.loads((out / TRAINING_CONFIG_JSON).read_text())["max_steps"] == 5
    with pytest.raises(ValueError, match="max_steps"):
        TrainConfig.from_recipe("tiny", max_steps=0)


def warm_up_on_a_budget(encoder_dir: Any, warmup_by: str, epochs: int) -> TrainConfig:
    """At most 20 planned steps, a warm-up of half of them (or of half the 1.2-second budget, by the budget)."""
    return TrainConfig.from_recipe(
        "tiny",
        base_model=str(encoder_dir),
        epochs=epochs,
        max_steps=20,
        warmup_ratio=0.5,
        warmup_by=warmup_by,
        time_budget_minutes=0.02,
    )


def test_the_model_records_how_many_updates_its_warm_up_took(tmp_path, tiny_encoder_dir):
    """A warm-up counted in planned steps that the budget cuts short never reaches the peak rate; counted by the
    budget too, it ends at its share of the time; the model records either (`warmup_updates` of `updates`)."""
    infos = {}
    for by in ("steps", "budget"):
        # 20 planned steps, a warm-up of half of them; each step takes at least 150 ms, so the 1.2-second budget
        # ends the loop before step 10, and its half (0.6 s) ends a warm-up by the budget before that
        cfg = warm_up_on_a_budget(tiny_encoder_dir, by, epochs=50)
        train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / by, step_hook=lambda _: time.sleep(0.15))
        infos[by] = ModelDir(tmp_path / by).check()
    steps, budget = infos["steps"], infos["budget"]
    assert steps["updates"] < 10 and steps["warmup_updates"] == steps["updates"]  # never at the peak
    assert budget["warmup_updates"] < budget["updates"]  # at the peak before the budget ran out
    assert 0 <= budget["loop_set_up_seconds"] < 1.2  # the loop's clock at its first update, recorded


def test_a_warm_up_by_the_budget_counts_from_the_first_update_not_the_set_up_before_it(
    tmp_path, tiny_encoder_dir, monkeypatch
):
    """The loop's clock runs through the set-up before the first update (the int8 copy that times scoring for the
    step budget: 15-31 s on 2 cores); a warm-up counted from the clock's start lost that much of its share."""
    batches = trainer.length_grouped_batches

    def slow_set_up(*args: Any, **kwargs: Any) -> Any:  # built after the clock starts, before the first update
        time.sleep(0.2)
        return batches(*args, **kwargs)

    factors: list[float] = []

    def lr_factor(*args: Any, **kwargs: Any) -> float:
        factors.append(trainer_lr_factor(*args, **kwargs))
        return factors[-1]

    trainer_lr_factor = trainer.lr_factor
    monkeypatch.setattr(trainer, "length_grouped_batches", slow_set_up)
    monkeypatch.setattr(trainer, "lr_factor", lr_factor)
    # 20 planned steps, a warm-up of half of them or half the 1.2-second budget; the 0.6 s of set-up (3 epochs'
    # batches) would have used up that half before the first update and run it at the peak rate: counted from the
    # first update, the warm-up starts at the bottom and ends half-way through the time left
    cfg = warm_up_on_a_budget(tiny_encoder_dir, "budget", epochs=3)
    out = tmp_path / "m"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, out, step_hook=lambda _: time.sleep(0.15))
    info = ModelDir(out).check()
    assert info["loop_set_up_seconds"] >= 0.6
    # the first update at the bottom of the ramp (1 / the warm-up's 9 planned steps), not at the peak
    assert factors[0] < 0.2
    assert info["warmup_updates"] >= 1


def test_ensemble_combines_members_and_round_trips(tiny_ensemble_dir):
    info = ModelDir(tiny_ensemble_dir).check()
    assert info["kind"] == "ensemble" and set(info["members"]) == {"transformer", "lexical"}
    spec = json.loads((tiny_ensemble_dir / "ensemble.json").read_text())
    for w in spec["weights"].values():
        assert sum(w) == pytest.approx(1.0) and all(0.0 <= x <= 1.0 for x in w)
    scorer = Scorer(tiny_ensemble_dir)
    texts = ["dasar walikota goblok maling uang rakyat", "jadwal vaksinasi besok pagi"]
    res = scorer.score(texts)
    assert res[0].scores["slander"] > res[1].scores["slander"]
    # every member is itself a complete model directory
    for member in ("transformer", "lexical"):
        assert Scorer(tiny_ensemble_dir / member).score(texts)[0].decision in ("allow", "review", "block")


_KILLABLE_RUN = """
import sys, time
from model.normalize import Normalizer
from tests.fixture_texts import fixture_splits
from training.config import TrainConfig
from training.trainer import train_transformer

cfg = TrainConfig.from_recipe("tiny", base_model=sys.argv[1], epochs=2, checkpoint_every_steps=3)
# slow steps so that the parent can kill the run between its first checkpoint and its end
train_transformer(cfg, fixture_splits(), Normalizer(), {}, sys.argv[2], step_hook=lambda step: time.sleep(0.3))
"""


def _tiny_step(net: torch.nn.Module, opt: torch.optim.Optimizer) -> None:
    opt.zero_grad()
    net(torch.ones(1, 3)).sum().backward()
    opt.step()


def _one_checkpoint(ckpt):
    """A one-step Linear model, its optimiser and the tensor folder of the checkpoint written after that step."""
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(net.parameters(), lr=0.1)
    _tiny_step(net, opt)
    save_checkpoint(ckpt, net, opt, {"key": "k", "epoch": 0, "step_in_epoch": 1, "global_step": 1}, None)
    (folder,) = [p for p in ckpt.iterdir() if p.is_dir()]
    return net, opt, folder


def test_a_crash_while_a_checkpoint_is_written_leaves_the_previous_one_whole(tmp_path, monkeypatch):
    """Killed after the new tensors are on disk but before progress.json names them: a resume gets the last
    whole checkpoint (weights, optimiser state and step together), never new weights with an old step."""
    torch.manual_seed(0)
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(net.parameters(), lr=0.1)
    ckpt = tmp_path / "run.checkpoint"
    _tiny_step(net, opt)
    first = {k: v.clone() for k, v in net.state_dict().items()}
    save_checkpoint(ckpt, net, opt, {"key": "k", "epoch": 0, "step_in_epoch": 1, "global_step": 1}, None)
    _tiny_step(net, opt)
    assert not torch.equal(net.weight, first["weight"])

    def killed(path, data):
        raise TrainingInterrupted("killed before the pointer was replaced")

    monkeypatch.setattr(trainer, "write_json_atomic", killed)
    with pytest.raises(TrainingInterrupted):
        save_checkpoint(ckpt, net, opt, {"key": "k", "epoch": 0, "step_in_epoch": 2, "global_step": 2}, first)
    monkeypatch.undo()

    fresh = torch.nn.Linear(3, 2)
    fresh_opt = torch.optim.AdamW(fresh.parameters(), lr=0.1)
    resumed = load_checkpoint(ckpt, fresh, fresh_opt, "k")
    assert resumed is not None
    progress, best = resumed
    assert progress["global_step"] == 1 and best is None
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, first[k])
    assert fresh_opt.state_dict()["state"][0]["step"].item() == 1  # the optimiser of step 1, not step 2

    # the next whole checkpoint replaces both generations: one folder and its pointer remain
    save_checkpoint(ckpt, fresh, fresh_opt, {"key": "k", "epoch": 0, "step_in_epoch": 2, "global_step": 2}, first)
    names = sorted(p.name for p in ckpt.iterdir())
    assert len(names) == 2 and names[0] == "progress.json" and names[1].startswith("step-00000002-")
    again = torch.nn.Linear(3, 2)
    progress, best = load_checkpoint(ckpt, again, torch.optim.AdamW(again.parameters(), lr=0.1), "k")
    assert progress["global_step"] == 2 and best is not None and torch.equal(best["weight"], first["weight"])


def test_a_checkpoint_in_the_single_folder_layout_still_resumes(tmp_path):
    """Checkpoints written before the generation folders kept their tensors beside progress.json."""
    ckpt = tmp_path / "old.checkpoint"
    net, _, folder = _one_checkpoint(ckpt)
    for f in folder.iterdir():
        f.rename(ckpt / f.name)
    folder.rmdir()
    progress = json.loads((ckpt / "progress.json").read_text())
    del progress["tensors"]
    (ckpt / "progress.json").write_text(json.dumps(progress))
    fresh = torch.nn.Linear(3, 2)
    resumed = load_checkpoint(ckpt, fresh, torch.optim.AdamW(fresh.parameters(), lr=0.1), "k")
    assert resumed is not None and resumed[0]["global_step"] == 1
    assert torch.equal(fresh.weight, net.weight)


def test_a_checkpoint_whose_tensors_were_deleted_says_how_to_go_on(tmp_path):
    ckpt = tmp_path / "gone.checkpoint"
    net, opt, folder = _one_checkpoint(ckpt)
    (folder / "optimizer.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing there: optimizer.safetensors.*delete .*gone.checkpoint"):
        load_checkpoint(ckpt, net, opt, "k")


def test_sigkill_after_a_checkpoint_resumes_to_the_same_weights(tmp_path, tiny_encoder_dir):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from safetensors.torch import load_file

    repo = Path(__file__).resolve().parents[2]
    killed_out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLABLE_RUN, str(tiny_encoder_dir), str(killed_out)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    progress = tmp_path / "killed.checkpoint" / "progress.json"
    deadline = time.monotonic() + 120
    while not progress.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert progress.exists(), "the run wrote no checkpoint before ending"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and not killed_out.exists()
    step_at_kill = json.loads(progress.read_text())["global_step"]

    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=2, checkpoint_every_steps=3)
    seen: list[int] = []
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, killed_out, step_hook=seen.append)
    assert seen[0] == step_at_kill + 1  # resumed after the checkpoint, not from the start
    clean_out = tmp_path / "clean"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, clean_out)
    resumed, clean = (load_file(str(ModelDir(d).weights)) for d in (killed_out, clean_out))
    assert resumed.keys() == clean.keys()
    for k in clean:
        assert torch.equal(resumed[k], clean[k]), k


def test_time_budget_is_used_whatever_the_speed_of_the_first_steps(tmp_path, tiny_encoder_dir):
    """The learning rate follows elapsed time: slow first steps do not end training before the budget."""
    import time

    budget_s = 3.0
    cfg = TrainConfig.from_recipe(
        "tiny",
        base_model=str(tiny_encoder_dir),
        epochs=1000,
        time_budget_minutes=budget_s / 60,
        evals_per_epoch=1,
        early_stopping_patience=10**6,
    )  # only the budget may end this run

    def slow_start(step: int) -> None:
        if step <= 5:
            time.sleep(0.2)

    t0 = time.perf_counter()
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / "b", step_hook=slow_start)
    info = ModelDir(tmp_path / "b").check()
    assert info["train_seconds"] >= budget_s * 0.95
    assert time.perf_counter() - t0 >= budget_s


def test_the_learning_rate_warms_up_by_steps_and_decays_by_steps_or_budget_whichever_runs_out_first():
    from training.trainer import lr_factor

    # no budget: warm-up over the first 6% of 1,000 steps, then a linear decay that reaches zero at the end
    assert lr_factor(0, 0.0, 1000, None, 0.06) == pytest.approx(1 / 60)
    assert lr_factor(59, 0.0, 1000, None, 0.06) == pytest.approx(1.0)
    assert lr_factor(530, 0.0, 1000, None, 0.06) == pytest.approx(0.5)
    assert lr_factor(1000, 0.0, 1000, None, 0.06) == 0.0
    # a 600-second budget on a machine that runs a third of the planned steps: the decay follows the time and
    # reaches zero when the budget does; the warm-up still counts planned steps (60 of them)
    assert lr_factor(165, 318.0, 1000, 600.0, 0.06) == pytest.approx(0.5)
    assert lr_factor(330, 600.0, 1000, 600.0, 0.06) == 0.0
    assert lr_factor(29, 180.0, 1000, 600.0, 0.06) == pytest.approx(0.5)  # min(warm-up 30/60, decay 0.74)
    # a fast machine: the steps are further than the time, and they lead
    assert lr_factor(530, 60.0, 1000, 600.0, 0.06) == pytest.approx(0.5)
    assert lr_factor(0, 0.0, 10, None, 0.0) == 1.0  # no warm-up asked for


def test_a_warm_up_by_the_budget_ends_at_its_share_of_the_time_or_of_the_steps_whichever_comes_first():
    from training.trainer import lr_factor

    # 2 epochs planned, 3,726 steps: a warm-up of 223 steps; a slow CPU's 351-second budget runs about 355 of them
    by_steps = lr_factor(100, 100.0, 3726, 351.0, 0.06, decay=False)
    assert by_steps == pytest.approx(101 / 223)  # counted in planned steps, the warm-up is not half over
    # by the budget: 6% of 351 s is 21 s, so at 100 s the rate is at its peak
    assert lr_factor(100, 100.0, 3726, 351.0, 0.06, decay=False, warmup_by_budget=True) == 1.0
    # 10.5 s into the budget the time says half; the steps (10 of 223) say less, and the further one leads
    assert lr_factor(10, 10.53, 3726, 351.0, 0.06, decay=False, warmup_by_budget=True) == pytest.approx(0.5)
    # a fast machine whose steps lead the time: the steps end the warm-up, as without the option
    fast = lr_factor(111, 5.0, 3726, 351.0, 0.06, decay=False, warmup_by_budget=True)
    assert fast == pytest.approx(112 / 223)
    # no budget: nothing to count the time against, so the steps alone, and the decay is unchanged
    assert lr_factor(59, 0.0, 1000, None, 0.06, warmup_by_budget=True) == pytest.approx(1.0)
    assert lr_factor(165, 318.0, 1000, 600.0, 0.06, warmup_by_budget=True) == pytest.approx(0.5)
    # counted from the loop's first update, over what is left of the budget: 60 s of set-up before it leave 600 s,
    # whose 6% (36 s) end the warm-up 96 s into the clock (half of it 78 s in); counted from the clock's start, the
    # set-up alone (60 s, more than 6% of 660 s) had ended it before the first update
    by_budget = {"decay": False, "warmup_by_budget": True}
    assert lr_factor(0, 60.0, 3726, 660.0, 0.06, **by_budget, started=60.0) == pytest.approx(1 / 223)
    assert lr_factor(10, 78.0, 3726, 660.0, 0.06, **by_budget, started=60.0) == pytest.approx(0.5)
    assert lr_factor(30, 96.0, 3726, 660.0, 0.06, **by_budget, started=60.0) == 1.0
    assert lr_factor(0, 60.0, 3726, 660.0, 0.06, **by_budget) == 1.0
    # the decay still ends with the budget, set-up or not
    assert lr_factor(300, 660.0, 3726, 660.0, 0.06, warmup_by_budget=True, started=60.0) == 0.0
    # the default recipe counts its warm-up by the budget too (a slow CPU's loop runs a fifth of its planned steps);
    # the planned steps alone stay one setting away, and recipes without a budget are unaffected
    assert TrainConfig.from_recipe("default").warmup_by == "budget"
    assert TrainConfig.from_recipe("default").with_overrides(["warmup_by=steps"]).warmup_by == "steps"
    with pytest.raises(ValueError, match="warmup_by"):
        TrainConfig.from_recipe("default").with_overrides(["warmup_by=time"])


def test_the_model_records_how_much_of_its_epochs_the_budget_let_it_see(tmp_path, tiny_encoder_dir, caplog):
    """A loop cut by its time budget inside the first epoch says so (a warning with the budget that would see the
    whole epoch) and records the share it saw; a loop that ran its epochs records them all, without a warning."""
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=50, time_budget_minutes=0.001)
    with caplog.at_level(logging.WARNING, logger="training.trainer"):
        # each step takes at least 40 ms, so the 60 ms budget runs out inside the first epoch
        train_transformer(
            cfg, fixture_splits(), Normalizer(), {}, tmp_path / "cut", step_hook=lambda _: time.sleep(0.04)
        )
    info = ModelDir(tmp_path / "cut").check()
    assert info["epochs_planned"] == 50 and 0 < info["epochs_seen"] < 1 and info["examples_per_second"] > 0
    assert 0 < info["texts_seen"] < info["texts_distinct"]
    assert "has not seen every training example" in caplog.text and "--set time_budget_minutes=" in caplog.text
    caplog.clear()
    whole = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=2)
    with caplog.at_level(logging.WARNING, logger="training.trainer"):
        train_transformer(whole, fixture_splits(), Normalizer(), {}, tmp_path / "whole")
    info = ModelDir(tmp_path / "whole").check()
    assert info["epochs_seen"] == 2.0 and info["texts_seen"] == info["texts_distinct"] > 0
    assert "has not seen every training example" not in caplog.text


def test_the_work_after_the_loop_is_estimated_from_one_validation_pass():
    from training.trainer import seconds_after_loop

    # the AMD EPYC measurement with the bf16 loop: a 44 s pass, 4,062 texts in validation and 4,616 in test
    assert seconds_after_loop(44.0, 4062, 4616, True) == pytest.approx(1.2 * ((1 + 4616 / 4062) * 44 + 90))
    # a CPU that scores half as fast needs more time after the loop; without an ensemble, less
    assert seconds_after_loop(88.0, 4062, 4616, True) > seconds_after_loop(44.0, 4062, 4616, True)
    assert seconds_after_loop(44.0, 4062, 4616, False) < seconds_after_loop(44.0, 4062, 4616, True)
    assert seconds_after_loop(40.0, 4000, 0, False) == pytest.approx(1.2 * (40 + 30))  # no test split
    # scored with the int8 copy: its build, the two passes and 15 s for the rest (ensemble step 8-9 s measured)
    assert seconds_after_loop(50.0, 4000, 4000, True, int8_build_s=12.0) == pytest.approx(1.2 * (12 + 2 * 50 + 15))


def test_the_step_budget_shortens_the_loop_only_when_the_rest_of_the_step_needs_it():
    from training.trainer import step_loop_budget

    # 14.5 minutes, 96 s spent before the loop, 221 s estimated after it: 553 s fit, less than the loop's own 570
    assert step_loop_budget(570.0, 870.0 - 96.0, 221.0, 0.0) == pytest.approx(553.0)
    assert step_loop_budget(570.0, 900.0, 100.0, 0.0) == 570.0  # the rest is quick: the loop keeps its own budget
    # a resumed loop's clock already reads 300 s; its budget counts those, as its elapsed time does
    assert step_loop_budget(570.0, 400.0, 200.0, 300.0) == 500.0
    # a step that cannot fit: the loop keeps its minimum (2 minutes, or its own budget if less)
    assert step_loop_budget(570.0, 100.0, 200.0, 0.0) == 120.0
    assert step_loop_budget(60.0, 100.0, 200.0, 0.0) == 60.0


def test_the_loop_s_budget_counts_the_set_up_its_clock_has_already_run():
    """The loop's clock starts before the set-up that times a validation pass (an int8 copy built, four scorings of
    a sample: 20-26 s on 2 cores with AVX2 alone); the budget is counted on that clock, so it must include what the
    clock read when the budget was set, or the step ends that much under its budget (sixty-eighth session)."""
    from training.trainer import budget_within_step

    started = time.perf_counter() - 100.0  # the step began 100 s ago
    budget_s, record = budget_within_step(
        14.5, True, 660.0, 50.0, 1000.0, 1000.0, started, lambda: 30.0, int8_build_s=10.0
    )
    after_s = 1.2 * (10.0 + 2 * 50.0 + 15.0)
    # 870 s in all, 100 spent, `after_s` to come: the loop's clock reads 30 now and may run on to 30 + what is left
    assert budget_s == pytest.approx(30.0 + 770.0 - after_s, abs=0.5)
    assert record["loop_clock_at_budget_s"] == 30.0 and record["loop_budget_s"] == pytest.approx(budget_s, abs=0.1)
    # a clock that reads nothing yet gives the loop 30 s less: the same wall-clock end
    fresh, _ = budget_within_step(14.5, True, 660.0, 50.0, 1000.0, 1000.0, started, lambda: 0.0, int8_build_s=10.0)
    assert budget_s - fresh == pytest.approx(30.0, abs=0.5)


def test_one_validation_pass_is_timed_on_a_sample_and_scaled_to_the_whole():
    from training.trainer import timed_validation_pass

    def score(texts: list[str]) -> np.ndarray:
        time.sleep(0.001 * len(texts))  # 1 ms a text
        return np.zeros((len(texts), 3))

    assert timed_validation_pass(score, [f"teks {i}" for i in range(1000)]) == pytest.approx(1.0, rel=0.3)
    assert timed_validation_pass(score, []) == 0.0


def test_a_pass_timed_by_padded_tokens_holds_when_the_sample_catches_the_long_texts():
    """By count, a sample that happens to hold the split's long texts reads the pass far too slow (its time budget
    then leaves the loop less than it could have); scaled by what each text costs it reads the whole."""
    from training.trainer import timed_validation_pass

    texts = [("panjang " * 20 if i % 4 == 0 else "pendek") for i in range(1024)]  # the sample takes every 4th: long

    def cost(batch: list[str]) -> float:
        return float(sum(len(t.split()) for t in batch))

    def score(batch: list[str]) -> np.ndarray:
        time.sleep(0.0001 * cost(batch))  # 0.1 ms a token
        return np.zeros((len(batch), 3))

    whole = 0.0001 * cost(texts)
    assert timed_validation_pass(score, texts) > 3 * whole
    assert timed_validation_pass(score, texts, cost=cost) == pytest.approx(whole, rel=0.3)


def test_a_pass_is_timed_at_its_fastest_of_three():
    """One slow stretch during the timing (a neighbour on the machine) does not shorten the loop."""
    from training.trainer import timed_validation_pass

    calls: list[int] = []

    def score(batch: list[str]) -> np.ndarray:
        calls.append(len(batch))
        time.sleep(0.001 * len(batch) * (4 if len(calls) == 2 else 1))  # the first timed pass is 4x slower
        return np.zeros((len(batch), 3))

    texts = [f"teks {i}" for i in range(1000)]
    assert timed_validation_pass(score, texts) == pytest.approx(1.0, rel=0.3)
    assert len(calls) == 1 + 3  # the warm-up, then three timed passes
    calls.clear()
    assert timed_validation_pass(score, texts, repeats=1) > 3.0  # one timing alone reads the slow stretch


def test_a_step_that_cannot_fit_its_budget_keeps_the_loop_s_minimum_says_so_and_records_it(
    tmp_path, tiny_encoder_dir, caplog, monkeypatch
):
    """The step budget counts from `step_started` (the CLI passes when the step began): a step whose data and
    baseline already took longer than its budget still trains, for the loop's minimum (here its own 3 s), and the
    warning names the setting that lifts it; the model records what the budget measured and gave the loop."""
    cfg = TrainConfig.from_recipe(
        "tiny",
        base_model=str(tiny_encoder_dir),
        epochs=1000,
        early_stopping_patience=10**6,
        time_budget_minutes=0.05,
        step_budget_minutes=1.0,
    )  # only the budget may end this run
    import training.trainer as trainer

    timed = trainer.timed_validation_pass

    def slow_timing(*args, **kwargs):  # a set-up as slow as a real one, relatively: the loop's clock runs through it
        time.sleep(0.3)
        return timed(*args, **kwargs)

    monkeypatch.setattr(trainer, "timed_validation_pass", slow_timing)
    with caplog.at_level(logging.INFO, logger="training.trainer"):
        train_transformer(
            cfg, fixture_splits(), Normalizer(), {}, tmp_path / "late", step_started=time.perf_counter() - 1000
        )
    info = ModelDir(tmp_path / "late").check()
    assert info["step_budget"]["loop_budget_s"] == 3.0 and info["step_budget"]["val_pass_s"] >= 0
    assert info["step_budget"]["estimated_after_loop_s"] >= 108  # at least the fixed 90 s, and 20% more
    # the budget read the loop's clock, which had run through the set-up that timed the pass (0.3 s here; a fresh
    # run's earlier seconds alone would read 0)
    assert 0.3 <= info["step_budget"]["loop_clock_at_budget_s"] <= info["train_seconds"]
    assert info["train_seconds"] >= 3.0
    assert "cannot fit the training step" in caplog.text and "--set step_budget_minutes=none" in caplog.text
    # without a loop budget (`--set time_budget_minutes=none`: the whole epochs) the step budget does not apply,
    # and without a step budget nothing is measured or recorded
    for name, overrides in (("unbudgeted", {"step_budget_minutes": 1.0}), ("plain", {})):
        cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=1, **overrides)
        train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / name, step_started=0.0)
        assert ModelDir(tmp_path / name).check()["step_budget"] is None


def test_the_default_recipe_budgets_the_whole_step_inside_15_minutes():
    cfg = TrainConfig.from_recipe("default")
    assert cfg.step_budget_minutes is not None and cfg.step_budget_minutes < 15
    assert cfg.time_budget_minutes is not None and cfg.time_budget_minutes < cfg.step_budget_minutes
    assert TrainConfig.from_recipe("default").with_overrides(["step_budget_minutes=none"]).step_budget_minutes is None


def test_oversample_repeats_only_the_named_sources_and_is_settable():
    from training.trainer import oversample

    splits = fixture_splits()
    train = splits["train"]
    src = train[0].source
    out = oversample(train, {src: 3, "no_such_source": 2})
    assert len(out) == len(train) + 2 * sum(e.source == src for e in train)
    assert oversample(train, {}) == train
    recipe = TrainConfig.from_recipe("default").oversample
    cfg = TrainConfig.from_recipe("default").with_overrides(['oversample={"saring_register_posts": 2}'])
    assert cfg.oversample == {**recipe, "saring_register_posts": 2}  # merged: the other sets keep their repeats
    with pytest.raises(ValueError, match="not valid JSON"):
        cfg.with_overrides(["oversample={nope"])


def test_mixed_precision_follows_the_setting_and_the_hardware(monkeypatch, caplog):
    import training.trainer as trainer

    cpu, gpu = torch.device("cpu"), torch.device("cuda")
    assert trainer.autocast_dtype("off", cpu) is None
    monkeypatch.setattr(trainer, "cpu_bf16_fast", lambda: True)
    assert trainer.autocast_dtype("auto", cpu) is torch.bfloat16
    assert trainer.autocast_dtype("auto", gpu) is None  # a GPU keeps fp32 (TF32) unless bf16 is asked for
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert trainer.autocast_dtype("bf16", gpu) is torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a, **k: "an old GPU")
    with pytest.raises(ValueError, match="an old GPU has no bf16.*Fix: --set mixed_precision=off"):
        trainer.autocast_dtype("bf16", gpu)
    monkeypatch.setattr(trainer, "cpu_bf16_fast", lambda: False)
    assert trainer.autocast_dtype("auto", cpu) is None
    with caplog.at_level("WARNING"):
        assert trainer.autocast_dtype("bf16", cpu, warn=False) is torch.bfloat16
        assert not caplog.text
        assert trainer.autocast_dtype("bf16", cpu) is torch.bfloat16
    assert "emulated" in caplog.text and "mixed_precision=auto" in caplog.text
    with pytest.raises(ValueError, match="mixed_precision"):
        TrainConfig.from_recipe("tiny").with_overrides(["mixed_precision=fp16"])
    # decided out of distribution (training/config.py): the 12-layer default needs bf16's speed where the CPU has
    # it (auto: fp32 elsewhere), and `full` since its bf16 loop ran 4 epochs in about an hour on 2 cores (twentieth
    # session); the 6-layer `fast` transferred no better with it; `tiny` unmeasured
    assert {TrainConfig.from_recipe(r).mixed_precision for r in ("default", "full")} == {"auto"}
    assert {TrainConfig.from_recipe(r).mixed_precision for r in ("fast", "tiny")} == {"off"}


def test_a_bf16_training_loop_writes_an_fp32_model_that_records_it(tmp_path, tiny_encoder_dir, monkeypatch):
    from model.network import TransformerBackend

    scored_under_autocast: list[bool] = []  # validation and test are scored in the loop's precision
    real_logits = TransformerBackend.logits

    def spy(self, texts):
        scored_under_autocast.append(torch.is_autocast_enabled("cpu"))
        return real_logits(self, texts)

    monkeypatch.setattr(TransformerBackend, "logits", spy)
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=1, mixed_precision="bf16")
    out = tmp_path / "bf16"
    metrics = train_transformer(cfg, fixture_splits(), Normalizer(), {}, out)
    assert len(scored_under_autocast) >= 2 and all(scored_under_autocast)  # validation, then test
    info = ModelDir(out).check()
    assert info["training_precision"] == "bf16 autocast" and info["scoring_precision"] == "bf16 autocast"
    scored_under_autocast.clear()
    train_transformer(cfg.with_overrides(["mixed_precision=off"]), fixture_splits(), Normalizer(), {}, tmp_path / "fp")
    assert scored_under_autocast and not any(scored_under_autocast)
    assert ModelDir(tmp_path / "fp").check()["scoring_precision"] == "fp32"
    assert 0.0 <= metrics["validation"]["macro_f1"] <= 1.0
    from safetensors import safe_open

    with safe_open(str(ModelDir(out).weights), "pt") as f:  # weights are saved in fp32 whatever the loop ran in
        floats = {t.dtype for t in (f.get_tensor(k) for k in f.keys()) if t.dtype.is_floating_point}
    assert floats == {torch.float32}
    assert Scorer(out).score(["tes satu dua tiga"])[0].decision in ("allow", "review", "block")


def test_a_run_on_one_auxiliary_label_selects_and_stops_on_it(tmp_path, tiny_encoder_dir, monkeypatch):
    """`saring benchmark hs` trains hate_speech alone: no risk is labelled, so the validation macro F1 over the
    risks is NaN. Selection and early stopping then follow the auxiliary label's F1 at 0.5, not NaN (with which
    no checkpoint was ever best and every evaluation counted as no improvement, stopping after the first)."""
    import dataclasses
    import math

    import training.trainer as T

    monkeypatch.setattr(T, "MIN_AUX_EXAMPLES", 5)  # the fixture is small
    splits = {
        name: [dataclasses.replace(e, labels={"hate_speech": int(e.id.split("-")[0] != "neutral")}) for e in part]
        for name, part in fixture_splits().items()
    }
    cfg = TrainConfig.from_recipe(
        "tiny", base_model=str(tiny_encoder_dir), epochs=3, evals_per_epoch=1, early_stopping_patience=1
    )
    train_transformer(cfg, splits, Normalizer(), {}, tmp_path / "hs")
    info = ModelDir(tmp_path / "hs").check()
    history = info["history"]
    assert len(history) >= 2  # the first evaluation is the best so far, so a second one always follows
    assert all(math.isfinite(h["val_macro_f1"]) and h["measure"] == "F1 at 0.5 of hate_speech" for h in history)
    assert "hate_speech" in info["labels"]


def test_frozen_blocks_run_without_dropout_in_training_mode(tiny_encoder_dir):
    # `train_top_layers` freezes the embeddings and the lower layers: in training mode they must compute what
    # they compute when scoring (no dropout), while the trained layers and the head keep their dropout.
    from transformers import AutoModel

    from model.network import RiskClassifier

    encoder = AutoModel.from_pretrained(str(tiny_encoder_dir))
    encoder.config.hidden_dropout_prob = 0.5
    for p in [*encoder.embeddings.parameters(), *encoder.encoder.layer[0].parameters()]:
        p.requires_grad = False
    net = RiskClassifier(encoder, 3, dropout=0.5)
    net.train()
    assert not encoder.embeddings.training and not encoder.encoder.layer[0].training
    assert encoder.encoder.layer[1].training and net.dropout.training and net.training
    ids = torch.tensor([[2, 5, 6, 7, 3]])

    def lower(x: torch.Tensor) -> torch.Tensor:
        out = encoder.encoder.layer[0](encoder.embeddings(input_ids=x))
        return out[0] if isinstance(out, tuple) else out

    assert torch.equal(lower(ids), lower(ids))  # deterministic: no dropout in the frozen blocks
    net.eval()
    assert not any(m.training for m in net.modules())
    # nothing frozen: every block trains with dropout, as before
    whole = RiskClassifier(AutoModel.from_pretrained(str(tiny_encoder_dir)), 3)
    whole.train()
    assert all(m.training for m in whole.modules())


def test_clustered_flags_reach_the_transformer_s_thresholds(tmp_path, tiny_encoder_dir):
    """`--set flag_resampling=clusters`: the transformer's flags are chosen drawing validation's groups whole (each
    flag records as many resampled units as its labelled validation clusters); the default draws its texts."""
    import dataclasses

    splits = fixture_splits()
    splits["validation"] = [dataclasses.replace(e, group=f"t{i // 3}") for i, e in enumerate(splits["validation"])]
    clusters = len({e.group for e in splits["validation"]})
    for resampling, units in (("clusters", clusters), ("texts", len(splits["validation"]))):
        cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), max_steps=2, flag_resampling=resampling)
        out = tmp_path / resampling
        train_transformer(cfg, splits, Normalizer(), {}, out)
        assert {Scorer(out).thresholds[r].resampled_units for r in RISKS} == {units}, resampling


def test_layer_wise_decay_gives_the_top_layer_lr_and_each_layer_below_less():
    """`--set layer_lr_decay=D`: the top layer learns at lr, the one below at D x lr, and so on; anything outside
    the layers (embeddings) below the lowest; D = 1 (the recipes' default) gives every parameter lr."""
    names = [
        "embeddings.word_embeddings.weight",
        "encoder.layer.0.attention.self.query.weight",
        "encoder.layer.2.output.dense.bias",
        "encoder.layer.10.output.LayerNorm.weight",
    ]
    params = [(n, torch.nn.Parameter(torch.zeros(1))) for n in names]
    rates = layer_learning_rates(params, 11, 1e-4, 0.5)
    assert rates["encoder.layer.10.output.LayerNorm.weight"] == pytest.approx(1e-4)  # layer 10 of 11: the top
    assert rates["encoder.layer.2.output.dense.bias"] == pytest.approx(1e-4 * 0.5**8)
    assert rates["encoder.layer.0.attention.self.query.weight"] == pytest.approx(1e-4 * 0.5**10)
    assert rates["embeddings.word_embeddings.weight"] == pytest.approx(1e-4 * 0.5**11)
    assert set(layer_learning_rates(params, 11, 1e-4, 1.0).values()) == {1e-4}
    with pytest.raises(ValueError, match="layer_lr_decay"):
        TrainConfig.from_recipe("tiny", layer_lr_decay=1.5)


def test_layer_wise_decay_trains_each_layer_at_its_own_rate(tmp_path, tiny_encoder_dir, monkeypatch):
    """The optimiser's groups carry the decayed rates (the top layer's group at lr, the lowest layer's at
    lr x D ** (layers - 1), the head at head_lr), and the decay is recorded with the model."""
    seen: list[list[dict]] = []

    class RecordingAdamW(torch.optim.AdamW):
        def __init__(self, groups, **kw):
            super().__init__(groups, **kw)
            seen.append([{"lr": g["lr"], "n": len(g["params"])} for g in self.param_groups])

    monkeypatch.setattr(torch.optim, "AdamW", RecordingAdamW)
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), max_steps=2, layer_lr_decay=0.5)
    out = tmp_path / "decayed"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, out)
    rates = sorted({g["lr"] for g in seen[0]})
    n_layers = len(rates) - 2  # the layers, the embeddings below them, and the head's own rate
    assert rates[-1] == pytest.approx(cfg.head_lr)
    assert rates[-2] == pytest.approx(cfg.lr)  # the top layer
    assert rates[0] == pytest.approx(cfg.lr * 0.5**n_layers)  # the embeddings (trained in the tiny recipe)
    assert n_layers >= 2
    assert json.loads((out / TRAINING_CONFIG_JSON).read_text())["layer_lr_decay"] == 0.5
