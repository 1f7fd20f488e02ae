"""The style-only probe: features by hand, and a planted style shortcut found (and absent where there is none)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.examples import Example
from model.style import FEATURE_NAMES, fit_style_probe, style_features


def _ex(text: str, **labels: int | None) -> Example:
    return Example(text=text, labels=dict(labels), source="fixture")


def test_style_features_by_hand() -> None:
    text = "AWAS Ini VIRAL!! cek https://bit.ly/x #sebarkan 😱\nDari @pak 2024?"
    f = dict(zip(FEATURE_NAMES, style_features([text])[0], strict=True))
    assert f["log_words"] == pytest.approx(math.log1p(10))
    assert f["exclamations"] == 2 and f["questions"] == 1 and f["hashtags"] == 1 and f["mentions"] == 1
    assert f["emoji"] == 1 and f["url"] == 1.0 and f["lines"] == 1
    assert f["upper_words"] == pytest.approx(2 / 10)  # AWAS, VIRAL!! (2+ letters, all capitals)
    assert f["digit_share"] > 0
    plain = dict(zip(FEATURE_NAMES, style_features(["biasa saja"])[0], strict=True))
    assert plain["capital_share"] == 0 and plain["url"] == 0 and plain["emoji"] == 0
    assert style_features([]).shape == (0, len(FEATURE_NAMES))


def test_probe_finds_a_planted_style_shortcut_and_nothing_where_there_is_none() -> None:
    """Hoaxes written loud ("!!!", capitals) and everything else quiet: the probe separates them on held-out
    texts of the same style and sits near chance on hoaxes and valid posts written alike."""
    rng = np.random.default_rng(0)
    words = ["vaksin", "bantuan", "banjir", "jalan", "harga", "listrik", "sekolah", "pasar"]

    def post(loud: bool) -> str:
        text = " ".join(rng.choice(words, size=int(rng.integers(4, 12))))
        return text.upper() + " !!!" if loud else text

    train = [_ex(post(bool(i % 2)), hoax=i % 2, slander=0) for i in range(200)]
    probe = fit_style_probe(train)
    loud = [_ex(post(bool(i % 2)), hoax=i % 2) for i in range(60)]
    alike = [_ex(post(False), hoax=i % 2) for i in range(60)]
    assert probe.roc_auc(loud)["hoax"]["roc_auc"] > 0.95
    assert abs(probe.roc_auc(alike)["hoax"]["roc_auc"] - 0.5) < 0.2
    assert {name for name, _ in probe.strongest("hoax")} & {"exclamations", "capital_share", "upper_words"}
    assert probe.trained_on == {"hoax": 200, "slander": 200, "incitement": 0}
    # one class (slander) or no labels (incitement): no probe, and NaN rather than a made-up figure
    assert probe.coef["slander"] is None and probe.coef["incitement"] is None
    res = probe.roc_auc(loud)
    assert math.isnan(res["slander"]["roc_auc"]) and res["incitement"]["n"] == 0
    with pytest.raises(ValueError, match="needs labelled training examples"):
        fit_style_probe([])
