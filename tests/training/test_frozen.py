from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from model import int8
from model.modeldir import ModelDir
from model.network import RiskClassifier, Tokenized
from model.normalize import Normalizer
from model.paths import cache_dir
from tests.fixture_texts import fixture_splits
from training.config import TrainConfig
from training.frozen import FrozenFeatures, int8_states, text_keys
from training.trainer import train_transformer

TEXTS = [
    "dasar walikota goblok maling uang rakyat",
    "jadwal vaksinasi besok pagi di puskesmas",
    "usir orang suku itu dari kampung kita",
    "harga beras naik",
    "polisi menegaskan pesan berantai itu tidak benar dan meminta warga tenang",
]


def _network(tiny_encoder_dir, frozen_layers: int = 1) -> tuple[RiskClassifier, Tokenized]:
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    net = RiskClassifier(AutoModel.from_pretrained(str(tiny_encoder_dir)), 3)
    for p in net.encoder.embeddings.parameters():
        p.requires_grad = False
    for layer in list(net.encoder.encoder.layer)[:frozen_layers]:
        for p in layer.parameters():
            p.requires_grad = False
    return net, Tokenized(AutoTokenizer.from_pretrained(str(tiny_encoder_dir)), "", 32)


def _frozen_config(tiny_encoder_dir, **overrides) -> TrainConfig:
    """The tiny recipe over two epochs (every text comes twice) with the embeddings and the lower layer frozen."""
    return TrainConfig.from_recipe(
        "tiny", base_model=str(tiny_encoder_dir), epochs=2, freeze_embeddings=True, train_top_layers=1, **overrides
    )


def _assert_same_weights(a: Path, b: Path) -> None:
    wa, wb = (load_file(str(ModelDir(d).weights)) for d in (a, b))
    assert wa.keys() == wb.keys()
    for name in wa:
        assert torch.allclose(wa[name], wb[name], atol=1e-5), name


def test_fixed_layers_counts_the_frozen_blocks_from_the_bottom(tiny_encoder_dir):
    net, _ = _network(tiny_encoder_dir, frozen_layers=1)
    assert net.fixed_layers() == 1
    for p in net.encoder.encoder.layer[1].parameters():
        p.requires_grad = False
    assert net.fixed_layers() == 2
    for p in net.encoder.embeddings.parameters():
        p.requires_grad = True  # trained embeddings: nothing below the layers is fixed
    assert net.fixed_layers() == 0


@pytest.mark.parametrize("split_at", [0, 1, 2])
def test_the_forward_pass_in_two_halves_gives_the_same_logits(tiny_encoder_dir, split_at):
    net, tok = _network(tiny_encoder_dir)
    net.eval()
    ids, mask = tok.pad(tok.truncated(TEXTS))
    with torch.no_grad():
        whole = net(ids, mask)
        states = net.hidden_after(ids, mask, split_at)
        assert torch.equal(net.forward_from(states, mask, split_at), whole)
        # what padded positions hold is never read: zeros there change nothing
        states[mask == 0] = 0.0
        assert torch.allclose(net.forward_from(states, mask, split_at), whole, atol=1e-6)


def test_states_are_computed_once_kept_while_a_text_comes_again_and_then_dropped(tiny_encoder_dir):
    net, tok = _network(tiny_encoder_dir)
    net.train()
    ids = tok.truncated(TEXTS + TEXTS[:2])  # examples 5 and 6 repeat texts 0 and 1
    keys = text_keys(ids)
    assert keys == [0, 1, 2, 3, 4, 0, 1]
    schedule = [[0, 3, 2], [4, 5], [1, 6]]
    cache = FrozenFeatures(net, 1, keys, schedule, budget_bytes=2**30)
    for n, batch in enumerate(schedule):
        x, m = tok.pad([ids[i] for i in batch])
        got = cache(batch, x, m)
        with torch.no_grad():
            want = net.hidden_after(x, m, 1)
        want[m == 0] = 0.0
        assert got.shape == want.shape
        assert torch.allclose(got, want, atol=1e-6)
        if n == 0:
            assert set(cache.store) == {0}  # text 0 comes again in the next batch; texts 3 and 2 never do
        if n == 1:
            assert set(cache.store) == set()  # text 0's last use; text 1 was not seen yet
    assert cache.store == {} and cache.bytes == 0
    assert cache.stats.as_dict() | {"peak_gb": 0} == {
        "layers": 1,
        "precision": "loop",
        "computed": 6,  # text 1 twice in the last batch: not held yet when that batch began
        "reused": 1,
        "peak_gb": 0,
        "over_budget": 0,
    }
    assert cache.stats.peak_bytes > 0


def test_a_text_over_the_budget_is_recomputed_not_lost(tiny_encoder_dir):
    net, tok = _network(tiny_encoder_dir)
    ids = tok.truncated(TEXTS)
    schedule = [[0, 1], [0, 1]]
    cache = FrozenFeatures(net, 1, text_keys(ids), schedule, budget_bytes=0)
    for batch in schedule:
        x, m = tok.pad([ids[i] for i in batch])
        with torch.no_grad():
            want = net.hidden_after(x, m, 1)
        want[m == 0] = 0.0
        assert torch.allclose(cache(batch, x, m), want, atol=1e-6)
    assert cache.stats.computed == 4 and cache.stats.reused == 0 and cache.stats.over_budget == 2


def test_training_with_the_states_kept_learns_the_same_weights(tmp_path, tiny_encoder_dir):
    """Two epochs (every text comes twice) with the embeddings and the lower layer frozen: the loop that keeps the
    frozen states ends with the weights of the loop that recomputes them, and records what it did."""
    runs = {}
    for gb in (0.0, 1.0):
        runs[gb] = tmp_path / f"gb{gb}"
        train_transformer(
            _frozen_config(tiny_encoder_dir, frozen_cache_gb=gb), fixture_splits(), Normalizer(), {}, runs[gb]
        )
    _assert_same_weights(runs[0.0], runs[1.0])
    assert ModelDir(runs[0.0]).check()["frozen_states"] is None
    assert ModelDir(runs[1.0]).check()["optimizer"] == "AdamW (fused)"
    record = ModelDir(runs[1.0]).check()["frozen_states"]
    assert record["layers"] == 1 and record["reused"] > 0 and record["over_budget"] == 0
    assert record["computed"] + record["reused"] == 2 * len(fixture_splits()["train"])


def test_the_optimiser_is_fused_unless_asked_otherwise_and_recorded(tmp_path, tiny_encoder_dir):
    assert TrainConfig.from_recipe("default").fused_optimizer and TrainConfig.from_recipe("full").fused_optimizer
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=1, fused_optimizer=False)
    out = tmp_path / "plain"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, out)
    assert ModelDir(out).check()["optimizer"] == "AdamW"


def test_states_of_a_layer_that_trains_are_refused(tiny_encoder_dir):
    net, _ = _network(tiny_encoder_dir, frozen_layers=1)
    with pytest.raises(ValueError, match="asked for 2, the network has 1 frozen"):
        FrozenFeatures(net, 2, [0], [[0]], budget_bytes=2**30)
    with pytest.raises(ValueError, match="asked for 0"):
        FrozenFeatures(net, 0, [0], [[0]], budget_bytes=2**30)


def test_a_run_that_crashed_resumes_with_the_states_recomputed_and_ends_where_an_unbroken_run_ends(
    tmp_path, tiny_encoder_dir
):
    """The held states are not in the checkpoint: the resumed loop counts uses from the step it resumes at, computes
    what it needs again, and ends with the weights of a run that never stopped."""
    from training.trainer import TrainingInterrupted

    cfg = _frozen_config(tiny_encoder_dir, checkpoint_every_steps=2)
    unbroken = tmp_path / "unbroken"
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, unbroken)

    def crash(step: int) -> None:
        if step == 5:  # mid-epoch: the last checkpoint is at step 4, after 32 of the 43 training examples
            raise TrainingInterrupted("simulated crash")

    resumed = tmp_path / "resumed"
    with pytest.raises(TrainingInterrupted):
        train_transformer(cfg, fixture_splits(), Normalizer(), {}, resumed, step_hook=crash)
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, resumed)
    _assert_same_weights(unbroken, resumed)
    record = ModelDir(resumed).check()["frozen_states"]
    assert record["computed"] + record["reused"] == 2 * len(fixture_splits()["train"]) - 4 * 8
    assert record["reused"] > 0  # epoch 2 reuses what the resumed rest of epoch 1 computed


# --- the frozen layers in int8 (TrainConfig.frozen_precision) ---------------------------------------------------


def _relative_error(got: torch.Tensor, want: torch.Tensor, mask: torch.Tensor) -> float:
    real = mask.bool()
    return float((got[real] - want[real]).norm() / want[real].norm())


def test_an_int8_copy_of_the_frozen_layers_gives_their_states_within_int8_s_error(tmp_path, tiny_encoder_dir):
    net, tok = _network(tiny_encoder_dir, frozen_layers=2)
    net.eval()
    runner, info = int8.build_int8_lower(net, tok, 2, tmp_path / "lower", threads=2)
    assert info["layers"] == 2 and info["check"]["mean_prob_diff"] <= int8.INT8_MEAN_PROB_DIFF
    assert (tmp_path / "lower" / info["file"]).is_file() and info["sha256"]
    ids, mask = tok.pad(tok.truncated(TEXTS))
    with torch.no_grad():
        want = net.hidden_after(ids, mask, 2)
    got = runner(ids.numpy(), mask.numpy())
    # two row blocks, each as wide as its own longest row: the whole batch's width, zeros past a block's width
    assert got.shape == tuple(want.shape) and got.dtype == np.float32
    short = int(mask.sum(1).argmin())
    assert got.shape[1] > int(mask[short].sum())  # the batch is wider than its shortest row
    assert _relative_error(torch.from_numpy(got), want, mask) < 0.1
    # the row alone (one block, as wide as itself) gets states within the same error
    n = int(mask[short].sum())
    alone = runner(ids[short : short + 1, :n].numpy(), mask[short : short + 1, :n].numpy())
    assert _relative_error(torch.from_numpy(alone), want[short : short + 1, :n], mask[short : short + 1, :n]) < 0.1


def test_the_cache_serves_the_int8_copy_s_states(tmp_path, tiny_encoder_dir):
    net, tok = _network(tiny_encoder_dir)
    net.eval()
    runner, _ = int8.build_int8_lower(net, tok, 1, tmp_path / "lower", threads=1)
    ids = tok.truncated(TEXTS)
    cache = FrozenFeatures(net, 1, text_keys(ids), [[0, 1, 2], [2, 3, 4]], 2**30, compute=int8_states(runner))
    for batch in ([0, 1, 2], [2, 3, 4]):
        x, m = tok.pad([ids[i] for i in batch])
        got = cache(batch, x, m)
        with torch.no_grad():
            want = net.hidden_after(x, m, 1)
        assert _relative_error(got, want, m) < 0.1
    assert cache.stats.computed == 5 and cache.stats.reused == 1


@pytest.mark.parametrize("setting", ["int8", "auto"])
def test_training_with_the_frozen_layers_in_int8_records_the_copy_and_removes_it(tmp_path, tiny_encoder_dir, setting):
    """The tiny recipe's loop runs fp32 on a CPU, so 'auto' means int8 there too. The model records the copy that
    computed the states; its scratch folder is gone when the step ends; the weights are near those of the loop that
    computes the states in fp32 (the same steps from states that differ by int8's error)."""
    runs = {}
    for precision in ("loop", setting):
        runs[precision] = tmp_path / precision
        train_transformer(
            _frozen_config(tiny_encoder_dir, frozen_precision=precision),
            fixture_splits(),
            Normalizer(),
            {},
            runs[precision],
        )
    record = ModelDir(runs[setting]).check()["frozen_states"]
    assert record["precision"] == "int8" and record["int8"]["layers"] == 1
    assert record["int8"]["check"]["mean_prob_diff"] <= int8.INT8_MEAN_PROB_DIFF
    assert record["computed"] + record["reused"] == 2 * len(fixture_splits()["train"])
    assert ModelDir(runs["loop"]).check()["frozen_states"]["precision"] == "fp32"
    assert not list((cache_dir() / "int8").glob(".training-*"))  # the copy's scratch folder went with the step
    a, b = (load_file(str(ModelDir(runs[k]).weights)) for k in ("loop", setting))
    moved = max(float((a[n] - b[n]).abs().max()) for n in a if a[n].numel())
    assert 0 < moved < 0.05


def test_a_frozen_copy_that_cannot_be_built_leaves_the_states_in_the_loop_s_precision(
    tmp_path, tiny_encoder_dir, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise int8.Int8Unavailable("the int8 copy of the lower layers disagrees with fp32 (simulated)")

    monkeypatch.setattr("training.scoring.build_int8_lower", broken)
    out = tmp_path / "m"
    with caplog.at_level(logging.WARNING):
        train_transformer(
            _frozen_config(tiny_encoder_dir, frozen_precision="int8"), fixture_splits(), Normalizer(), {}, out
        )
    assert "simulated" in caplog.text and "frozen layers run in the loop's precision" in caplog.text
    record = ModelDir(out).check()["frozen_states"]
    assert record["precision"] == "fp32" and "int8" not in record


def test_no_recipe_runs_the_frozen_layers_in_int8_until_measured():
    for recipe in ("default", "full", "fast", "tiny"):
        assert TrainConfig.from_recipe(recipe).frozen_precision == "loop"


def test_int8_states_without_frozen_layers_to_cache_are_refused():
    """An override that would do nothing is refused, with the fix: `tiny` and `fast` train every layer, and a cache of
    0 GiB computes the frozen part inside the network's own forward pass."""
    with pytest.raises(ValueError, match="frozen_precision='int8' found with .* Fix: add --set train_top_layers=6"):
        TrainConfig.from_recipe("tiny").with_overrides(["frozen_precision=int8"])
    with pytest.raises(ValueError, match="frozen_cache_gb=0"):
        TrainConfig.from_recipe("default").with_overrides(["frozen_precision=auto", "frozen_cache_gb=0"])
    assert TrainConfig.from_recipe("default").with_overrides(["frozen_precision=int8"]).frozen_precision == "int8"
