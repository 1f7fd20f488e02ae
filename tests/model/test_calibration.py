from __future__ import annotations

import numpy as np
import pytest

from model.calibration import Platt, choose_threshold, fit_platt, sigmoid


def _overlapping(n: int = 600, shift: float = 4.0, scale: float = 6.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits of an overconfident but imperfect model: wide scores, classes that overlap a little."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(float)
    x = scale * (rng.normal(size=n) + np.where(y == 1, shift, 0.0)) - 20.0
    return x, y


def test_platt_recovers_a_known_slope_and_bias() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(scale=3.0, size=20000)
    y = (rng.random(x.size) < sigmoid(0.5 * x - 1.0)).astype(float)
    p = fit_platt(x, y)
    assert p.a == pytest.approx(0.5, abs=0.03)
    assert p.b == pytest.approx(-1.0, abs=0.06)
    assert p.n == x.size


def test_platt_stays_finite_on_wide_logits_far_from_the_start() -> None:
    # The transformer's hoax head gave raw logits like these; plain Newton from (a=1, b=0) overshot into the
    # sigmoid's flat tails and returned a = 1.4e11, a 0/1 step that threw the ranking away (suite ROC-AUC
    # 0.936 -> 0.707). With the line search the fit stays moderate and keeps every distinct score distinct.
    x, y = _overlapping()
    p = fit_platt(x, y)
    assert 0 < p.a < 5
    probs = p.apply(x)
    assert len(np.unique(probs)) == len(np.unique(x))
    assert 0.0 < probs.min() and probs.max() < 1.0
    # calibrated: the mean score matches the positive rate (the log-loss optimum with an intercept does this)
    assert probs.mean() == pytest.approx(y.mean(), abs=0.01)


def test_platt_on_separable_scores_is_finite_and_monotone() -> None:
    x = np.r_[np.linspace(-9, -1, 50), np.linspace(1, 9, 10)]
    y = np.r_[np.zeros(50), np.ones(10)]
    p = fit_platt(x, y)
    assert np.isfinite(p.a) and 0 < p.a < 50
    assert np.all(np.diff(p.apply(np.sort(x))) > 0)


def test_platt_without_both_classes_is_the_identity() -> None:
    assert fit_platt(np.array([1.0, 2.0]), np.array([1.0, 1.0])) == Platt(1.0, 0.0, 0)
    assert fit_platt(np.array([]), np.array([])) == Platt(1.0, 0.0, 0)


def test_log_odds_mix_keeps_the_tails_apart() -> None:
    p = Platt(2.0, 1.0, 10)
    assert p.log_odds(np.array([10.0, 20.0])).tolist() == [21.0, 41.0]


def test_fbeta_flag_is_lower_than_f1_flag_and_records_beta() -> None:
    rng = np.random.default_rng(4)
    y = (rng.random(2000) < 0.3).astype(int)
    s = sigmoid(rng.normal(size=y.size) * 1.5 + np.where(y == 1, 1.5, -1.0))
    f1 = choose_threshold(s, y, objective="best_f1")
    f15 = choose_threshold(s, y, objective="best_fbeta", beta=1.5)
    assert f15.flag < f1.flag
    assert f15.recall is not None and f1.recall is not None and f15.recall > f1.recall
    assert f15.beta == 1.5 and f1.beta is None
    assert choose_threshold(s, y, objective="best_fbeta", beta=1.0).flag == f1.flag
    with pytest.raises(ValueError, match="best_fbeta"):
        choose_threshold(s, y, objective="best_f3")  # type: ignore[arg-type]
