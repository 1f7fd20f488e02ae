"""The frozen lower layers of the training network, computed once per text and reused when the text comes again.

Why: in the `default` and `full` recipes the embeddings and the lower 6 layers are frozen and run without dropout
(`RiskClassifier.train`), so what they give for a text never changes during training; yet every step ran them
again. Measured on 2 cores (the `default` network, bf16 autocast, the recipe's own batches), their forward pass is
about a fifth of a training step. The team-written sets appear three times in an epoch (39% of the `default`
recipe's 47.7k examples are such repeats) and `full` sees everything four times, so computing each text's states
once saves that fifth on every repeat.

What: `FrozenFeatures` holds, for each text that will come again in the remaining schedule, its hidden states
after the frozen layers (its own tokens only, in the loop's dtype), computes them for the texts of a batch that it
does not hold, and forgets a text after its last use. The trained layers then start from those states
(`RiskClassifier.forward_from`): the same logits as the whole forward pass, since the frozen layers are
deterministic and padded positions are never read (tested). A byte budget caps what it holds; a text that does not
fit is recomputed each time, as before. Nothing of it is saved: a resumed run recomputes what it needs.

With `TrainConfig.frozen_precision` int8 (sixty-fifth session) the states come from an int8 copy of the frozen layers
(`int8_states` over model.int8.build_int8_lower) instead of the network's own: on 2 cores with AVX2 alone, where the
loop runs in fp32, the frozen part is a quarter of a step and the copy runs it in about half the time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from model.network import RiskClassifier


@dataclass
class FrozenStats:
    """What the cache did, for the log and the model directory's record."""

    layers: int
    precision: str = "loop"  # what computed the states: the loop's precision, or "int8" (an int8 copy of the layers)
    int8: dict[str, Any] | None = None  # that copy's record (model.int8.build_int8_lower), when int8
    computed: int = 0  # texts whose frozen states were computed
    reused: int = 0  # texts whose states came from the cache
    peak_bytes: int = 0
    over_budget: int = 0  # texts that would have been kept but did not fit the budget

    def as_dict(self) -> dict[str, Any]:
        return {
            "layers": self.layers,
            "precision": self.precision,
            **({"int8": self.int8} if self.int8 is not None else {}),
            "computed": self.computed,
            "reused": self.reused,
            "peak_gb": round(self.peak_bytes / 2**30, 3),
            "over_budget": self.over_budget,
        }


class FrozenFeatures:
    """Hidden states after the frozen layers, for the training loop.

    `keys[i]` names the text of training example i (equal texts, e.g. the repeats of oversampling, share a key);
    `schedule` is every batch the loop will still run, in order (lists of example indices), so each text's
    remaining uses are known and its states are dropped after the last one.
    """

    def __init__(
        self,
        net: RiskClassifier,
        layers: int,
        keys: Sequence[int],
        schedule: Iterable[Sequence[int]],
        budget_bytes: int,
        compute: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    ) -> None:
        fixed = net.fixed_layers()
        if not 1 <= layers <= fixed:
            # states of a layer that trains would go stale as soon as the optimiser stepped
            raise ValueError(
                f"FrozenFeatures keeps the states of frozen layers only: asked for {layers}, the network has "
                f"{fixed} frozen from the bottom (embeddings frozen and no trainable parameter). Fix: "
                "freeze the embeddings and the lower layers (train_top_layers), or train without it (frozen_cache_gb=0)"
            )
        self.net = net
        self.layers = layers
        # (ids, mask) -> the states entering layer `layers`; by default the network's own frozen layers in the
        # caller's precision, or an int8 copy of them (TrainConfig.frozen_precision, `int8_states`)
        self.compute = compute or (lambda ids, mask: net.hidden_after(ids, mask, layers))
        self.keys = keys
        self.budget_bytes = budget_bytes
        self.remaining: Counter[int] = Counter(keys[i] for batch in schedule for i in batch)
        self.store: dict[int, torch.Tensor] = {}
        self.bytes = 0
        self.stats = FrozenStats(layers=layers)

    def __call__(self, batch: Sequence[int], input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The hidden states entering layer `layers` for this batch (padded like `input_ids`; zeros at padded
        positions). Runs under the caller's autocast, without gradients (nothing below is trained)."""
        lengths = attention_mask.sum(1).tolist()
        missing = [row for row, i in enumerate(batch) if self.keys[i] not in self.store]
        fresh: dict[int, torch.Tensor] = {}
        if missing:
            width = max(lengths[row] for row in missing)
            rows = torch.tensor(missing, device=input_ids.device)
            with torch.no_grad():
                computed = self.compute(input_ids[rows, :width], attention_mask[rows, :width]).detach()
            fresh = {row: computed[j] for j, row in enumerate(missing)}
            self.stats.computed += len(missing)
        self.stats.reused += len(batch) - len(missing)
        sample = next(iter(fresh.values())) if fresh else next(iter(self.store.values()))
        out = torch.zeros((len(batch), input_ids.shape[1], sample.shape[-1]), dtype=sample.dtype, device=sample.device)
        for row, i in enumerate(batch):
            key, n = self.keys[i], lengths[row]
            states = fresh[row][:n] if row in fresh else self.store[key]
            out[row, :n] = states
            self._used(key, states)
        return out

    def _used(self, key: int, states: torch.Tensor) -> None:
        """Count one use of `key`: keep its states while it comes again and they fit, drop them after its last use."""
        self.remaining[key] -= 1
        held = key in self.store
        if self.remaining[key] <= 0:
            if held:
                self.bytes -= self.store.pop(key).nbytes
            return
        if held:
            return
        size = states.nbytes
        if self.bytes + size > self.budget_bytes:
            self.stats.over_budget += 1
            return
        self.store[key] = states.clone()  # its own storage: a view would keep the whole batch alive
        self.bytes += size
        self.stats.peak_bytes = max(self.stats.peak_bytes, self.bytes)


def int8_states(
    lower: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """`FrozenFeatures`' `compute` from an int8 copy of the frozen layers (model.int8.build_int8_lower: numpy in,
    numpy out), giving float32 states on the batch's device."""

    def compute(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(lower(ids.cpu().numpy(), mask.cpu().numpy())).to(ids.device)

    return compute


def text_keys(token_ids: Sequence[Sequence[int]]) -> list[int]:
    """One key per distinct token sequence: examples that the network cannot tell apart share their frozen states."""
    index: dict[tuple[int, ...], int] = {}
    return [index.setdefault(tuple(ids), len(index)) for ids in token_ids]
