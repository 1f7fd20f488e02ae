"""A style-only probe: how far the labels can be told from how a text looks, not what it says.

Fake-news and hate-speech detectors learn the style of their training corpora (Zhou et al., EACL 2021: detectors
lose over 10 points on splits without shared sources; SheepDog, KDD 2024: restyled fake news drops F1 by up to 38%).
The check they recommend: fit a classifier on style features alone (length, capitals, "!", emoji, URLs) and read
its ROC-AUC. Well above 0.5 on the training data, the data hold a shortcut that a model can learn instead of the
concept; well above 0.5 on an evaluation set, a model can score well there by style; near 0.5, the set measures
content.

The features are computed from the raw text (normalisation would remove capitals and emoji) and are deliberately
non-lexical: no word of the text is a feature, so a high ROC-AUC cannot come from a topic or a slur. The probe is a
logistic regression per risk on standardised features, fitted on a training split (`fit_style_probe`) and read on
any labelled examples (`StyleProbe.roc_auc`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.examples import Example, label_matrix
from model.labels import RISKS
from model.metrics import roc_auc

_URL = re.compile(r"https?://|www\.|\bbit\.ly/|\b\w+\.(?:com|id|co|net|org)\b", re.IGNORECASE)

# (name, what it measures); style_features returns the columns in this order
STYLE_FEATURES: tuple[tuple[str, str], ...] = (
    ("log_words", "ln(1 + words)"),
    ("log_chars", "ln(1 + characters)"),
    ("capital_share", "capital letters / letters"),
    ("upper_words", "words written in capitals (2+ letters) / words"),
    ("exclamations", "'!' marks"),
    ("questions", "'?' marks"),
    ("emoji", "emoji and other pictographs"),
    ("url", "contains a link"),
    ("digit_share", "digits / characters"),
    ("hashtags", "'#' marks"),
    ("mentions", "'@' marks"),
    ("lines", "line breaks"),
)
FEATURE_NAMES = tuple(name for name, _ in STYLE_FEATURES)


def feature_descriptions() -> list[str]:
    """Each feature as "name (what it measures)", for reports and the command line."""
    return [f"{name} ({what})" for name, what in STYLE_FEATURES]


def _is_pictograph(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


def style_features(texts: Sequence[str]) -> np.ndarray:
    """(n, len(STYLE_FEATURES)) style features of raw texts; none of them depends on which words are used."""
    rows = []
    for text in texts:
        letters = [c for c in text if c.isalpha()]
        words = text.split()
        rows.append(
            [
                math.log1p(len(words)),
                math.log1p(len(text)),
                sum(c.isupper() for c in letters) / max(len(letters), 1),
                sum(1 for w in words if sum(c.isalpha() for c in w) >= 2 and w.isupper()) / max(len(words), 1),
                text.count("!"),
                text.count("?"),
                sum(_is_pictograph(c) for c in text),
                float(bool(_URL.search(text))),
                sum(c.isdigit() for c in text) / max(len(text), 1),
                text.count("#"),
                text.count("@"),
                text.count("\n"),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(STYLE_FEATURES))


@dataclass
class StyleProbe:
    """Per risk: a logistic regression on standardised style features (None where training held one class)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: dict[str, np.ndarray | None] = field(default_factory=dict)
    intercept: dict[str, float] = field(default_factory=dict)
    trained_on: dict[str, int] = field(default_factory=dict)  # labelled training texts per risk

    def scores(self, texts: Sequence[str]) -> dict[str, np.ndarray | None]:
        x = (style_features(texts) - self.mean) / self.scale
        return {r: None if c is None else x @ c + self.intercept[r] for r, c in self.coef.items()}

    def roc_auc(self, examples: Sequence[Example]) -> dict[str, dict[str, Any]]:
        """Per risk: the probe's ROC-AUC on the examples labelled for it (NaN where they hold one class), with
        how many were labelled and positive."""
        y = label_matrix(list(examples), list(RISKS))
        scores = self.scores([e.text for e in examples])
        out: dict[str, dict[str, Any]] = {}
        for j, r in enumerate(RISKS):
            keep = ~np.isnan(y[:, j])
            s = scores.get(r)
            pos = int(np.nansum(y[keep, j]))
            auc = math.nan
            if s is not None and 0 < pos < int(keep.sum()):
                auc = roc_auc(s[keep], y[keep, j].astype(int))
            out[r] = {"roc_auc": auc, "n": int(keep.sum()), "positives": pos}
        return out

    def strongest(self, risk: str, k: int = 3) -> list[tuple[str, float]]:
        """The k features with the largest standardised weights for `risk`, with their signs (+: toward the risk)."""
        c = self.coef.get(risk)
        if c is None:
            return []
        order = np.argsort(-np.abs(c))[:k]
        return [(FEATURE_NAMES[i], float(c[i])) for i in order]


def fit_style_probe(examples: Sequence[Example], c: float = 1.0) -> StyleProbe:
    """The style probe fitted on labelled examples (a training split), one logistic regression per risk."""
    from sklearn.linear_model import LogisticRegression

    if not examples:
        raise ValueError("the style probe needs labelled training examples; found none")
    x = style_features([e.text for e in examples])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)  # a feature constant in training carries no weight
    z = (x - mean) / scale
    y = label_matrix(list(examples), list(RISKS))
    probe = StyleProbe(mean=mean, scale=scale)
    for j, r in enumerate(RISKS):
        keep = ~np.isnan(y[:, j])
        probe.trained_on[r] = int(keep.sum())
        if len(np.unique(y[keep, j])) < 2:
            probe.coef[r], probe.intercept[r] = None, 0.0
            continue
        clf = LogisticRegression(C=c, max_iter=1000).fit(z[keep], y[keep, j].astype(int))
        probe.coef[r], probe.intercept[r] = clf.coef_[0].astype(np.float64), float(clf.intercept_[0])
    return probe
