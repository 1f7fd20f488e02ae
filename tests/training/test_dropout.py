from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from model.modeldir import ModelDir
from model.network import RiskClassifier
from model.normalize import Normalizer
from tests.fixture_texts import fixture_splits
from training.config import TrainConfig
from training.dropout import ATTENTION, FastDropout, fast_dropout_attention, keep_mask, use_fast_dropout
from training.trainer import train_transformer


def test_the_mask_drops_p_of_the_elements_and_keeps_the_expectation():
    torch.manual_seed(0)
    keep, scale = keep_mask((2000, 1000), 0.1)
    assert keep.dtype == torch.bool and keep.shape == (2000, 1000)
    # 2M draws: the drop rate's standard error is 0.0002
    assert 1 - keep.float().mean().item() == pytest.approx(0.1, abs=0.001)
    assert scale == pytest.approx(1 / 0.9, rel=1e-4)  # round(0.1 * 65536) / 65536 = 0.100006
    assert scale * keep.float().mean().item() == pytest.approx(1.0, abs=0.002)
    # odd sizes (not a multiple of the four elements one 64-bit draw serves), 0 and 1
    assert keep_mask((3, 7), 0.5)[0].shape == (3, 7)
    none_dropped, one = keep_mask((5, 5), 0.0)
    assert none_dropped.all() and one == 1.0
    assert not keep_mask((5, 5), 1.0)[0].any()
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        keep_mask((2,), 1.5)


def test_every_bit_of_the_draw_is_used_evenly():
    # the 16-bit slices of each 64-bit draw must all be uniform (a 63-bit draw would bias every fourth slice)
    torch.manual_seed(1)
    keep, _ = keep_mask((400_000,), 0.5)
    per_slice = keep.view(-1, 4).float().mean(0)
    assert torch.allclose(per_slice, torch.full((4,), 0.5), atol=0.005)


def test_fast_dropout_is_inverted_dropout_with_the_same_gradient_and_seeded_by_torch():
    x = torch.randn(64, 33, requires_grad=True)
    d = FastDropout(0.25)
    torch.manual_seed(3)
    y = d(x)
    dropped = y == 0
    assert dropped.float().mean().item() == pytest.approx(0.25, abs=0.03)
    assert torch.allclose(y[~dropped], x[~dropped] / 0.75, rtol=1e-4)
    y.sum().backward()
    assert torch.allclose(x.grad, (~dropped).float() / 0.75, rtol=1e-4)
    torch.manual_seed(3)
    assert torch.equal(d(x), y)  # the loop seeds torch at every step, so a resumed run draws the same masks
    d.eval()
    assert d(x) is x
    # bf16 in, bf16 out (the loop's autocast)
    xb = torch.ones(1000, dtype=torch.bfloat16)
    d.train()
    out = d(xb)
    assert out.dtype == torch.bfloat16 and set(out.unique().tolist()) <= {0.0, torch.tensor(4 / 3).bfloat16().item()}


@pytest.mark.parametrize("boolean", [True, False])
def test_attention_with_nothing_to_drop_matches_sdpa(boolean):
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    torch.manual_seed(0)
    module = nn.Module()
    module.is_causal = False
    q, k, v = (torch.randn(3, 4, 9, 8) for _ in range(3))
    attend = torch.ones(3, 1, 9, 9, dtype=torch.bool)
    attend[1, :, :, 6:] = False  # padding of the second text
    mask = attend if boolean else torch.zeros(3, 1, 9, 9).masked_fill(~attend, torch.finfo(torch.float32).min)
    want, _ = sdpa_attention_forward(module, q, k, v, mask, dropout=0.0, scaling=None)
    module.train()
    # p below 1/65536 drops nothing: the plain-matmul path itself must give SDPA's result
    got, weights = fast_dropout_attention(module, q, k, v, mask, dropout=1e-6, scaling=None)
    assert weights is None and got.shape == want.shape == (3, 9, 4, 8)
    assert torch.allclose(got, want, atol=1e-5)
    # with dropout, padded keys still get no attention: output rows are mixes of the kept values only
    v2 = v.clone()
    v2[1, :, 6:] = 1e4
    dropped, _ = fast_dropout_attention(module, q, k, v2, mask, dropout=0.5, scaling=None)
    assert dropped[1].abs().max() < 1e3
    module.eval()  # scoring: SDPA, exactly
    same, _ = fast_dropout_attention(module, q, k, v, mask, dropout=0.0, scaling=None)
    assert torch.equal(same, want)


def test_the_network_scores_exactly_as_before_and_the_choice_is_not_saved(tiny_encoder_dir):
    from transformers import AutoModel

    torch.manual_seed(0)
    net = RiskClassifier(AutoModel.from_pretrained(str(tiny_encoder_dir)), 3, dropout=0.3)
    ids = torch.tensor([[2, 5, 6, 7, 3, 0, 0], [2, 8, 9, 10, 11, 12, 3]])
    mask = (ids != 0).long()
    net.eval()
    before = net(ids, mask)
    swapped = use_fast_dropout(net)
    n_layers = len(net.encoder.encoder.layer)
    assert swapped == 1 + 3 * n_layers + 1  # embeddings, three per layer, the head
    assert not any(type(m) is nn.Dropout for m in net.modules())
    assert net.encoder.config._attn_implementation == ATTENTION
    net.eval()
    assert torch.equal(net(ids, mask), before)
    net.train()  # dropout on: outputs move, padding still ignored by the mean pooling
    torch.manual_seed(5)
    a = net(ids, mask)
    assert not torch.allclose(a, before)
    assert ATTENTION not in json.dumps(net.encoder.config.to_dict())


def test_training_records_which_masks_it_used(tmp_path, tiny_encoder_dir):
    cfg = TrainConfig.from_recipe("tiny", base_model=str(tiny_encoder_dir), epochs=1)
    assert cfg.fast_dropout and TrainConfig.from_recipe("default").fast_dropout
    train_transformer(cfg, fixture_splits(), Normalizer(), {}, tmp_path / "fast")
    torch_masks = cfg.with_overrides(["fast_dropout=false"])
    train_transformer(torch_masks, fixture_splits(), Normalizer(), {}, tmp_path / "torch")
    assert ModelDir(tmp_path / "fast").check()["dropout_masks"] == "16-bit (training/dropout.py)"
    assert ModelDir(tmp_path / "torch").check()["dropout_masks"] == "torch"
    # the saved encoder config names no attention implementation: scoring loads torch's SDPA as before
    saved = (tmp_path / "fast").rglob("*.json")
    assert not any(ATTENTION in p.read_text() for p in saved)
