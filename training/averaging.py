"""An exponential moving average of the trained weights, evaluated and kept in place of the last step's.

Why: on 2 cores the `default` loop sees under one epoch in its budget, and a learning rate that decays to zero
over it learns at half the rate or less for the second half. With the average (Polyak averaging; SWAD, Cha et al.
2021, and Morales-Brotons et al. 2024 report gains under distribution shift) the rate can stay at its peak
(`lr_schedule=flat`) and the average settles what the decay settled, at no cost at scoring time: the model directory
holds one set of weights as before. Measured in the fifty-eighth session (docs/quality.md "A moving average of the
weights, and a learning rate that stays up"): over the linear decay the average changed nothing; with the flat rate the
transformer alone gained on the register suite, group hate's ranking and the long posts in three seeds of three.

What: `WeightAverage` keeps an fp32 copy of every parameter that trains, updated after each optimiser step with
decay `min(decay, (1 + n) / (2 + power + n))` after n updates. The second term is a warm-up, so that the pretrained
weights and the fresh head's initial values do not dominate the average of a short run: while it is the smaller,
the average weighs the weights after step k by about k ** power (the power-function average of Karras et al. 2024),
which covers a fixed share of the run however long it is (power 8: nine tenths of the weight on the last 23% of the
steps; power 3: on the last 44%). It stays the smaller for about `(1 + power) * decay / (1 - decay)` updates (power 8
and decay 0.998: about 4,500), longer than a `default` run on 2 cores (1,500-1,700 updates), so there `power` sets
the window and `decay` does not. `swapped_in` puts the average into the network while validation scores it. Frozen
parameters are the same in every step and are not copied. Its tensors go into the loop's checkpoint, so a resumed
run averages as the uninterrupted one would.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn


class WeightAverage:
    """The moving average of `net`'s trainable parameters (those with `requires_grad`)."""

    def __init__(self, net: nn.Module, decay: float, power: float = 8.0) -> None:
        if not 0.0 < decay < 1.0:
            raise ValueError(f"a weight average's decay must lie between 0 and 1 (exclusive), found {decay}")
        if power < 0.0:
            raise ValueError(
                f"a weight average's power must be 0 or more (0: the plain mean of every step), found {power}"
            )
        self.decay = decay
        self.power = power
        trained = [(n, p) for n, p in net.named_parameters() if p.requires_grad]
        self.names = [n for n, _ in trained]
        self.params = [p for _, p in trained]
        self.average = [p.detach().clone().float() for p in self.params]
        self.updates = 0

    def _decay_at(self, n: int) -> float:
        """The decay of update n + 1 (n counted from 0): short of `decay` in the first steps, the warm-up."""
        return min(self.decay, (1 + n) / (2 + self.power + n))

    def step_decay(self) -> float:
        """The decay of the next update."""
        return self._decay_at(self.updates)

    def last_decay(self) -> float | None:
        """The decay the most recent update used (None before the first): below `decay` while the warm-up lasts."""
        return None if self.updates == 0 else self._decay_at(self.updates - 1)

    def warm_up_window(self) -> float:
        """The share of the steps that holds nine tenths of the average's weight while the warm-up sets it (step k
        weighted about k ** power: 1 - 0.1 ** (1 / (1 + power)); 0.23 for power 8, 0.44 for power 3)."""
        return 1.0 - 0.1 ** (1.0 / (1.0 + self.power))

    @torch.no_grad()
    def update(self) -> None:
        """Move the average towards the parameters as they are after an optimiser step."""
        weight = 1.0 - self.step_decay()
        torch._foreach_lerp_(self.average, [p.detach().float() for p in self.params], weight)
        self.updates += 1

    @contextlib.contextmanager
    def swapped_in(self) -> Iterator[None]:
        """The network holds the averaged weights inside the block and its own again after it."""
        own = [p.detach().clone() for p in self.params]
        try:
            with torch.no_grad():
                for p, a in zip(self.params, self.average, strict=True):
                    p.copy_(a)
            yield
        finally:
            with torch.no_grad():
                for p, o in zip(self.params, own, strict=True):
                    p.copy_(o)

    def network_state(self, net: nn.Module) -> dict[str, torch.Tensor]:
        """A copy of `net`'s state with the averaged weights in place of the trained ones (what the model keeps)."""
        state = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
        state.update({n: a.detach().cpu().clone() for n, a in zip(self.names, self.average, strict=True)})
        return state

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The averaged tensors by parameter name, and the number of updates (for a checkpoint)."""
        state = {n: a.detach().cpu().contiguous() for n, a in zip(self.names, self.average, strict=True)}
        state["__updates__"] = torch.tensor(self.updates, dtype=torch.int64)
        return state

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        """Restore what `state_dict` wrote; the parameter names must be the same ones."""
        found = sorted(k for k in state if k != "__updates__")
        if found != sorted(self.names) or "__updates__" not in state:
            raise ValueError(
                f"a weight average for {len(self.names)} trained parameters was expected, found {len(found)} "
                f"({', '.join(sorted(set(found) ^ set(self.names))[:3]) or 'no update count'} differ). Fix: resume "
                "with the configuration that wrote the checkpoint, or delete the checkpoint to train from the start"
            )
        with torch.no_grad():
            for n, a in zip(self.names, self.average, strict=True):
                a.copy_(state[n])
        self.updates = int(state["__updates__"].item())
