"""Slices: the same metrics on subsets of the data, so that a model that is good on average but bad on one
kind of text shows it.

Dimensions: the source dataset, the platform (where known), the text length in words, and how much slang
the text holds: the share of its words that the normaliser's slang table rewrites or that are leetspeak
(model.normalize.Normalizer.slang_words). A plain has/has-not split says little on real posts, where the
15k-entry slang table touches most texts; the share separates clean text from heavy alay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from eval import metrics as M
from model.examples import Example
from model.labels import RISKS
from model.normalize import Normalizer

# (upper bound in words, inclusive; label). The last bucket is open-ended.
LENGTH_BUCKETS: tuple[tuple[int | None, str], ...] = (
    (5, "1-5 words"),
    (20, "6-20 words"),
    (60, "21-60 words"),
    (None, ">60 words"),
)
# (upper bound of the share of slang words, exclusive except for 0; label)
SLANG_BUCKETS: tuple[tuple[float | None, str], ...] = (
    (0.0, "no slang"),
    (0.2, "slang < 20% of words"),
    (0.4, "slang 20-40%"),
    (None, "slang >= 40%"),
)
DIMENSIONS = ("source", "platform", "length", "slang")
DIMENSION_TITLES = {
    "source": "source dataset",
    "platform": "platform (where known)",
    "length": "text length",
    "slang": "share of slang / alay / leetspeak words",
}
SMALL = 30  # a slice with fewer labelled examples than this is marked small: its numbers move a lot
SLICE_METRICS = ("n", "positives", "precision", "recall", "f1", "pr_auc", "ece")


def length_bucket(n_words: int) -> str:
    for upper, label in LENGTH_BUCKETS:
        if upper is None or n_words <= upper:
            return label
    return LENGTH_BUCKETS[-1][1]  # pragma: no cover - the last bucket is open-ended


def slang_bucket(share: float) -> str:
    if share <= 0:
        return SLANG_BUCKETS[0][1]
    for upper, label in SLANG_BUCKETS[1:]:
        if upper is None or share < upper:
            return label
    return SLANG_BUCKETS[-1][1]  # pragma: no cover - the last bucket is open-ended


def slice_values(examples: Sequence[Example], normalizer: Normalizer | None = None) -> dict[str, list[str | None]]:
    """dimension -> each example's slice (None: unknown, left out of that dimension)."""
    norm = normalizer or Normalizer()
    out: dict[str, list[str | None]] = {d: [] for d in DIMENSIONS}
    for ex in examples:
        out["source"].append(ex.source or None)
        out["platform"].append(ex.platform or None)
        n_words = len(norm.clean(ex.text).split())
        out["length"].append(length_bucket(n_words))
        out["slang"].append(slang_bucket(len(norm.slang_words(ex.text)) / max(n_words, 1)))
    return out


def _order(dim: str, values: set[str]) -> list[str]:
    if dim == "length":
        return [label for _, label in LENGTH_BUCKETS if label in values]
    if dim == "slang":
        return [label for _, label in SLANG_BUCKETS if label in values]
    return sorted(values)


def compute_slices(
    examples: Sequence[Example],
    probs: np.ndarray,
    labels: np.ndarray,
    flags: Sequence[float],
    normalizer: Normalizer | None = None,
    values: dict[str, list[str | None]] | None = None,
) -> dict[str, dict[str, Any]]:
    """dimension -> slice -> {"n": texts, "risks": {risk: metrics at the flag threshold}, "small": bool}.

    A risk appears in a slice only where the slice has labels for it. Pass `values` (from slice_values) to
    reuse them across models."""
    vals = values if values is not None else slice_values(examples, normalizer)
    out: dict[str, dict[str, Any]] = {}
    for dim in DIMENSIONS:
        col = vals[dim]
        present = {v for v in col if v is not None}
        out[dim] = {}
        for value in _order(dim, present):
            sel = np.array([v == value for v in col], dtype=bool)
            risks = {}
            for j, r in enumerate(RISKS):
                y = labels[sel, j]
                if np.isnan(y).all():
                    continue
                m = M.risk_metrics(probs[sel, j], y, float(flags[j]))
                risks[r] = {k: m[k] for k in SLICE_METRICS}
            labelled = max((m["n"] for m in risks.values()), default=0)
            out[dim][value] = {"n": int(sel.sum()), "risks": risks, "small": labelled < SMALL}
    return out
