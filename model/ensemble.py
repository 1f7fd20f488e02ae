"""An ensemble of a transformer and the lexical baseline: each member calibrated on its own, their
calibrated log-odds mixed per label with weights chosen on validation, and the mix calibrated again.

Why: on this data a fine-tuned transformer and a well-tuned TF-IDF model make different mistakes (the
lexical model keys on slurs and spellings, the transformer on phrasing), and averaging calibrated
probabilities beats both more often than not (measured-baselines note). The members stay complete model
directories in sub-folders, so each can still be evaluated or served alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from model.calibration import word_counts
from model.modelcheck import check_ensemble
from model.modeldir import ModelDir

if TYPE_CHECKING:
    from model.scorer import Scorer


class EnsembleBackend:
    def __init__(self, members: list[Scorer], weights: dict[str, list[float]], labels: list[str]) -> None:
        self.members = members
        self.weights = weights  # label -> one weight per member (summing to 1)
        self.labels = labels
        self.max_length = min(m.max_length for m in members)

    @property
    def precision(self) -> str:
        """What its transformer member runs in (int8, bf16), else fp32."""
        return next((m.precision for m in self.members if m.precision != "fp32"), "fp32")

    @property
    def int8_copy(self) -> str | None:
        """The sha256 of its transformer member's int8 file when that runs (see TransformerBackend.int8_copy)."""
        return next((m.int8_copy for m in self.members if m.int8_copy), None)

    @property
    def runtime(self) -> str | None:
        """The library that runs its transformer member (see TransformerBackend.runtime); None without one."""
        return next((m.runtime for m in self.members if m.runtime), None)

    @classmethod
    def load(cls, md: ModelDir, device: str | None = None, precision: str | None = None) -> EnsembleBackend:
        from model.scorer import Scorer

        spec: dict[str, Any] = md.read_json(md.ensemble.name)
        check_ensemble(md.ensemble, spec)  # before the members load: their names, labels and weights
        members = [Scorer(md.path / name, device=device, precision=precision) for name in spec["members"]]
        return cls(members, spec["weights"], list(spec["labels"]))

    def member_logits(
        self, texts: list[str], raw_given: Mapping[int, np.ndarray] | None = None
    ) -> tuple[list[np.ndarray], list[int]]:
        """Calibrated log-odds of each member for every ensemble label (NaN where a member lacks it).
        `raw_given`: raw logits (texts, member labels) of some members by index, already scored by the caller with
        the member's own backend, used instead of scoring those members again (their texts' windows then count
        as one)."""
        out, windows = [], [1] * len(texts)
        n_words = word_counts(texts)
        for k, m in enumerate(self.members):
            w: list[int] = []
            if raw_given is not None and k in raw_given:
                raw = raw_given[k]
            else:
                raw, w = m.backend.logits(texts)
            if len(w) and max(w) > 1:
                windows = w
            cal = m.calibrated_log_odds(raw, n_words)
            cols = np.full((len(texts), len(self.labels)), np.nan)
            for j, name in enumerate(self.labels):
                if name in m.labels:
                    cols[:, j] = cal[:, m.labels.index(name)]
            out.append(cols)
        return out, windows

    def logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        per_member, windows = self.member_logits(texts)
        return mix(per_member, self.weights, self.labels), windows


def mix(per_member: list[np.ndarray], weights: dict[str, list[float]], labels: list[str]) -> np.ndarray:
    """Per label, the weighted mean of the members' calibrated log-odds, over the members that have the label
    (their weights renormalised). All labels at once: per label and per call, the loop this replaced cost a post
    scored alone ~1 ms of Python and numpy overhead (16 labels)."""
    if not per_member:
        return np.zeros((0, len(labels)))
    cols = np.stack(per_member, axis=2)  # (texts, labels, members)
    w = np.asarray([weights[name] for name in labels], dtype=np.float64)  # (labels, members)
    present = ~np.isnan(cols)
    ww = np.where(present, w[None, :, :], 0.0)
    ww = ww / np.clip(ww.sum(axis=2, keepdims=True), 1e-12, None)
    return np.asarray(np.sum(np.nan_to_num(cols) * ww, axis=2))
