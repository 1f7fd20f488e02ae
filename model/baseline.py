"""The lexical baseline at inference: TF-IDF (word 1-2 grams + character 2-5 grams within word boundaries,
sublinear tf) and one logistic regression per label.

Stored without pickle: the vocabularies, idf vectors and settings in baseline_vocab.json, the coefficient
matrix and intercepts in model.safetensors. The vectorisers are rebuilt from those at load time.
Training lives in training/baseline.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from model.modeldir import ModelDir

BASELINE_SETTINGS: dict[str, Any] = {
    "word": {"analyzer": "word", "ngram_range": [1, 2], "min_df": 2, "max_features": 150_000},
    "char": {"analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "max_features": 250_000},
}


def make_vectorizer(settings: dict[str, Any], vocabulary: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer=settings["analyzer"],
        ngram_range=tuple(settings["ngram_range"]),
        min_df=settings.get("min_df", 1) if vocabulary is None else 1,
        max_features=settings.get("max_features") if vocabulary is None else None,
        sublinear_tf=True,
        lowercase=False,  # the normaliser already lowercases
        token_pattern=r"(?u)\b\w+\b" if settings["analyzer"] == "word" else None,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


class BaselineBackend:
    """Raw logits from the stored TF-IDF vectorisers and linear heads."""

    def __init__(self, vectorizers: list[Any], coef: np.ndarray, intercept: np.ndarray, labels: list[str]):
        self.vectorizers = vectorizers
        self.coef = coef.astype(np.float32)  # (features, labels)
        self.intercept = intercept.astype(np.float32)
        self.labels = labels
        self.max_length = 10**9  # a bag of n-grams reads the whole text: nothing is cut

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([v.transform(texts) for v in self.vectorizers], format="csr")

    def logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        x = self.features(texts)
        return np.asarray(x @ self.coef) + self.intercept, [1] * len(texts)

    @classmethod
    def load(cls, md: ModelDir) -> BaselineBackend:
        from safetensors.numpy import load_file

        meta = md.read_json(md.baseline_vocab.name)
        vectorizers = []
        for part in meta["parts"]:
            vec = make_vectorizer(part["settings"], vocabulary=part["vocabulary"])
            vec.idf_ = np.asarray(part["idf"], dtype=np.float32)
            vectorizers.append(vec)
        tensors = load_file(str(md.weights))
        return cls(vectorizers, tensors["coef"], tensors["intercept"], list(meta["labels"]))

    def save(self, md: ModelDir) -> None:
        from safetensors.numpy import save_file

        parts = []
        for vec in self.vectorizers:
            settings = {
                "analyzer": vec.analyzer,
                "ngram_range": list(vec.ngram_range),
            }
            vocab = {k: int(v) for k, v in vec.vocabulary_.items()}
            parts.append({"settings": settings, "vocabulary": vocab, "idf": vec.idf_.astype(float).tolist()})
        md.write_json(md.baseline_vocab.name, {"labels": self.labels, "parts": parts})
        save_file({"coef": np.ascontiguousarray(self.coef), "intercept": self.intercept}, str(md.weights))
