"""Dropout for the training loop on a CPU, at a fraction of the cost of torch's own.

Why: profiled on 2 cores (the `default` recipe's network, 12 layers with the top 6 trained, bf16 autocast, batches
of 32 tweets), torch's dropout masks took a fifth of every training step: `bernoulli_` draws one number from the
Mersenne Twister per element (about 13 ns each here), and the 19 dropouts of the trained layers and the head
(attention probabilities, attention output and feed-forward output per layer) draw about ten million a step. The
attention-probability dropout also pushes torch's SDPA off its fused kernel onto a slower path.

What: the same inverted dropout, with its keep mask cut from one 64-bit draw per four elements (16 bits each): an
element is dropped with probability round(p * 65536) / 65536 (within 8e-6 of p) and the kept ones are scaled by
the inverse of the keep rate, so the expectation is unchanged, as with `nn.Dropout`. The draws come from torch's
default generator, which the loop seeds at every step, so a resumed run still repeats an uninterrupted one. The
trained layers' attention runs as plain matrix products with that mask (`ATTENTION`); blocks that are not
training (the frozen lower layers, scoring) keep torch's SDPA unchanged.

Measured (the `default` recipe's own batches, rounds interleaved in one process, docs/quality.md "Dropout masks from 16
random bits"): 1.20-1.25x the training steps a second (medians of three runs); in the real 9.5-minute loop 1.08x the
examples of a same-hour control. On a GPU torch's fused kernels already draw their masks cheaply, so the trainer
uses this on a CPU only (`TrainConfig.fast_dropout`).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

ATTENTION = "saring_cpu_dropout"  # the attention implementation's registered name (transformers' AttentionInterface)
_LEVELS = 1 << 16  # 16 random bits per element


def keep_mask(shape: tuple[int, ...], p: float, device: torch.device | str = "cpu") -> tuple[torch.Tensor, float]:
    """(keep, scale): a boolean mask that keeps each element with probability 1 - round(p * 65536) / 65536, and
    the factor 1 / (keep rate) that the kept elements are multiplied by."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    drop = round(p * _LEVELS)
    n = math.prod(shape)
    if drop >= _LEVELS:
        return torch.zeros(shape, dtype=torch.bool, device=device), 0.0
    # random_ over the whole int64 range fills all 64 bits; viewed as int16 each element gets 16 uniform bits.
    words = torch.empty((n + 3) // 4, dtype=torch.int64, device=device).random_(-(2**63), None)
    bits = words.view(torch.int16)[:n].view(shape)
    keep = bits >= drop - _LEVELS // 2  # int16 is uniform on [-32768, 32767]: P(drop) = drop / 65536
    return keep, _LEVELS / (_LEVELS - drop)


def _apply(x: torch.Tensor, p: float) -> torch.Tensor:
    keep, scale = keep_mask(tuple(x.shape), p, x.device)
    # One product with a mask that holds 0 or the scale in x's dtype, as torch's own dropout does (in bf16 the
    # scale rounds the same way there). Alone it is 6x cheaper than `torch.where(keep, x, 0.0) * scale` (1.2
    # against 7.6 ms forward and backward on a bf16 batch of tweets); in a whole training step the two were not
    # told apart (docs/quality.md, "Dropout masks from 16 random bits").
    return x * keep.to(x.dtype).mul_(scale)


class FastDropout(nn.Dropout):
    """`nn.Dropout` with the cheaper mask above (a subclass, so its `p` and `train`/`eval` behave the same)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        return _apply(x, self.p)


def fast_dropout_attention(
    module: nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """Self-attention with the cheaper mask on the attention probabilities; torch's SDPA (exactly as before)
    where there is nothing to drop: frozen layers, scoring, or dropout 0. Same arguments and result as
    transformers' attention functions: query/key/value (batch, heads, tokens, head size), the mask as SDPA takes
    it (boolean, True = attend, or additive), output (batch, tokens, heads, head size)."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    if dropout == 0.0 or not module.training or getattr(module, "is_causal", False):
        return sdpa_attention_forward(
            module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs
        )
    if scaling is None:
        scaling = query.shape[-1] ** -0.5
    scores = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        if attention_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attention_mask, torch.finfo(scores.dtype).min)
        else:
            scores = scores + attention_mask
    weights = _apply(torch.softmax(scores, dim=-1), dropout)
    out = torch.matmul(weights.to(value.dtype), value)
    return out.transpose(1, 2).contiguous(), None


def _register() -> None:
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

    AttentionInterface.register(ATTENTION, fast_dropout_attention)
    # Without a mask function of its own, transformers would build no padding mask at all for this name.
    ALL_MASK_ATTENTION_FUNCTIONS.register(ATTENTION, sdpa_mask)


def use_fast_dropout(net: nn.Module) -> int:
    """Swap every `nn.Dropout` in `net` for `FastDropout` (same p) and run its encoder's attention through
    `fast_dropout_attention`; returns how many dropouts were swapped. Blocks in eval mode are unchanged in what
    they compute. The attention choice is not saved: transformers leaves it out of the config it writes."""
    _register()
    swapped = 0
    for parent in list(net.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is nn.Dropout:
                fast = FastDropout(child.p)
                fast.train(child.training)
                setattr(parent, name, fast)
                swapped += 1
    encoder = getattr(net, "encoder", None)
    if encoder is not None and hasattr(encoder, "set_attn_implementation"):
        encoder.set_attn_implementation(ATTENTION)
    return swapped
