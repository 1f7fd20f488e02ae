from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.calibration import Platt
from model.ensemble import mix
from model.scorer import Scorer


def test_mix_is_the_weighted_mean_over_the_members_that_have_the_label() -> None:
    rng = np.random.default_rng(0)
    labels = ["hoax", "slander", "aux"]
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    b[:, 2] = np.nan  # the second member lacks the auxiliary label
    weights = {"hoax": [0.7, 0.3], "slander": [0.2, 0.8], "aux": [0.4, 0.6]}
    got = mix([a, b], weights, labels)
    assert got.shape == (5, 3)
    assert got[:, 0] == pytest.approx(0.7 * a[:, 0] + 0.3 * b[:, 0])
    assert got[:, 1] == pytest.approx(0.2 * a[:, 1] + 0.8 * b[:, 1])
    assert got[:, 2] == pytest.approx(a[:, 2])  # weights renormalised over the members present
    assert mix([], weights, labels).shape == (0, 3)


def test_calibrated_log_odds_of_all_labels_at_once_equal_each_labels_own(tiny_baseline_dir: Path) -> None:
    scorer = Scorer(tiny_baseline_dir)
    scorer.calibration = {name: Platt(a=1.0 + j / 10, b=-0.5 + j / 7, n=10) for j, name in enumerate(scorer.labels)}
    scorer.calibration[scorer.labels[0]] = Platt(a=0.9, b=0.1, n=10, c=-1.3)  # one label with a length term
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, len(scorer.labels)))
    words = np.array([3.0, 12.0, 41.0, 80.0, 150.0, 7.0])
    got = scorer.calibrated_log_odds(logits, words)
    for j, name in enumerate(scorer.labels):
        assert np.array_equal(got[:, j], scorer.calibration[name].log_odds(logits[:, j], words))
    with pytest.raises(ValueError, match="length term"):
        scorer.calibrated_log_odds(logits, None)
