from __future__ import annotations

import numpy as np
import pytest

from model.calibration import (
    LENGTH_KNOT_WORDS,
    LENGTH_MIN_LONG,
    Platt,
    calibration_from_json,
    calibration_to_json,
    choose_threshold,
    fit_platt,
    resampled_fbeta,
    sigmoid,
    thresholds_from_json,
    thresholds_to_json,
    word_counts,
)


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


def _articles_and_posts(shift: float, n_long: int = 120, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Short posts calibrated as they are, and long texts whose logits run `shift` too high (the news articles
    that one Platt fit across sources miscalibrated)."""
    rng = np.random.default_rng(seed)
    n_short = 2000
    words = np.r_[rng.integers(5, 35, n_short), rng.integers(150, 600, n_long)].astype(float)
    x = rng.normal(scale=2.0, size=words.size)
    y = (rng.random(words.size) < sigmoid(x)).astype(float)  # the truth: the raw logit is calibrated...
    x = x + np.where(words > LENGTH_KNOT_WORDS, shift, 0.0)  # ...except that long texts score `shift` higher
    return x, y, words


def test_length_term_corrects_long_texts_and_leaves_posts_alone() -> None:
    x, y, words = _articles_and_posts(shift=3.0)
    plain, with_length = fit_platt(x, y), fit_platt(x, y, words)
    assert plain.c == 0.0
    assert with_length.c < -1.0  # long texts pulled down
    long = words > LENGTH_KNOT_WORDS
    # long negatives: the plain fit flags most of them at 0.5, the length-aware fit few
    assert np.mean(plain.apply(x[long & (y == 0)]) >= 0.5) > 0.5
    assert np.mean(with_length.apply(x[long & (y == 0)], words[long & (y == 0)]) >= 0.5) < 0.25
    # posts (at most the knot) get no length shift at all
    assert np.allclose(with_length.log_odds(x[~long], words[~long]), with_length.a * x[~long] + with_length.b)


def test_length_term_is_dropped_where_validation_does_not_support_it() -> None:
    x, y, words = _articles_and_posts(shift=0.0)
    assert fit_platt(x, y, words).c == 0.0  # no length effect: the likelihood-ratio test keeps the plain fit
    x, y, words = _articles_and_posts(shift=3.0, n_long=LENGTH_MIN_LONG - 1)
    assert fit_platt(x, y, words).c == 0.0  # too few long texts to fit it


def test_a_length_term_needs_the_word_counts() -> None:
    p = Platt(a=1.0, b=0.0, n=10, c=-1.0)
    with pytest.raises(ValueError, match="word_counts"):
        p.log_odds(np.array([0.0]))
    assert p.log_odds(np.array([0.0, 0.0]), word_counts(["a b", " ".join(["w"] * 200)]))[1] < 0
    # the JSON round trip keeps it, and files written before it read as c = 0
    back = calibration_from_json(calibration_to_json({"hoax": p}))["hoax"]
    assert back.c == -1.0
    old = {"method": "platt", "labels": {"hoax": {"a": 1.0, "b": 0.0, "n": 5}}}
    assert calibration_from_json(old)["hoax"].c == 0.0


def test_bootstrap_flag_is_seeded_inside_its_plateau_and_optional() -> None:
    rng = np.random.default_rng(5)
    y = (rng.random(800) < 0.25).astype(int)
    s = sigmoid(rng.normal(size=y.size) + np.where(y == 1, 1.2, -0.8))
    a = choose_threshold(s, y, objective="best_fbeta", beta=1.5)
    assert a == choose_threshold(s, y, objective="best_fbeta", beta=1.5)  # same data, same flag
    assert a.plateau is not None and a.plateau[0] <= a.flag <= a.plateau[1]
    assert a.flag_range is not None and a.flag_range[0] <= a.flag_range[1]
    plain = choose_threshold(s, y, objective="best_fbeta", beta=1.5, resamples=0)
    assert plain.flag_range is None and plain.plateau is None
    # the JSON round trip keeps the plateau, and files written before it read as None
    assert thresholds_from_json(thresholds_to_json({"hoax": a}))["hoax"] == a
    old = thresholds_to_json({"hoax": a})
    del old["risks"]["hoax"]["plateau"]
    assert thresholds_from_json(old)["hoax"].plateau is None

    # without resamples the flag is the F-beta argmax of the data: no other cut scores higher
    def fbeta(t: float) -> float:
        tp = np.sum((s >= t) & (y == 1))
        p, r = tp / max(np.sum(s >= t), 1), tp / y.sum()
        return float((1 + 2.25) * p * r / max(2.25 * p + r, 1e-12))

    assert fbeta(plain.flag) >= max(fbeta(t) for t in np.unique(s)) - 1e-12
    # the reported validation figures are those at the chosen flag
    assert a.recall == pytest.approx(np.sum((s >= a.flag) & (y == 1)) / y.sum())


def test_bootstrap_flag_varies_less_between_validation_draws_than_the_argmax() -> None:
    """Validation sets drawn from one distribution: the plateau's middle moves less between draws than the
    single F-beta argmax (why training uses it)."""
    rng = np.random.default_rng(2)
    plateau, argmaxes = [], []
    for _ in range(30):
        y = (rng.random(300) < 0.2).astype(int)
        s = sigmoid(rng.normal(size=y.size) * 1.2 + np.where(y == 1, 1.0, -1.0))
        plateau.append(choose_threshold(s, y, objective="best_fbeta", beta=1.5).flag)
        argmaxes.append(choose_threshold(s, y, objective="best_fbeta", beta=1.5, resamples=0).flag)
    assert np.std(plateau) < 0.8 * np.std(argmaxes)


def test_flag_on_a_flat_topped_curve_survives_small_score_noise() -> None:
    """Precision-weighted F-beta on a well-separated set has a long flat top (the hoax case): noise as small as
    int8 quantisation moves its argmax across the top, while the plateau's middle stays put."""
    rng = np.random.default_rng(7)
    y = (rng.random(1000) < 0.15).astype(int)
    # positives: most clearly high, a tail spread low; negatives: most low, a few confident mistakes
    pos = np.where(rng.random(y.size) < 0.7, rng.uniform(0.75, 1.0, y.size), rng.uniform(0.05, 0.75, y.size))
    neg = np.where(rng.random(y.size) < 0.95, rng.beta(1, 8, y.size), rng.uniform(0.2, 0.95, y.size))
    s = np.where(y == 1, pos, neg)
    flags, argmaxes = [], []
    for k in range(8):
        noisy = np.clip(s + np.random.default_rng(100 + k).normal(0, 0.01, s.size), 0, 1)
        flags.append(choose_threshold(noisy, y, objective="best_fbeta", beta=0.5).flag)
        argmaxes.append(choose_threshold(noisy, y, objective="best_fbeta", beta=0.5, resamples=0).flag)
    assert max(flags) - min(flags) <= 0.05
    assert max(flags) - min(flags) < max(argmaxes) - min(argmaxes)


def test_flag_is_found_when_all_scores_sit_in_a_narrow_band() -> None:
    """Scores squeezed into 0.0001-0.002 (a rare label's calibrated probabilities) still get a flag between the
    classes, not the grid's middle of [0, 1]."""
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.3).astype(int)
    s = np.where(y == 1, rng.uniform(0.00105, 0.002, y.size), rng.uniform(0.0001, 0.00105, y.size))
    t = choose_threshold(s, y, objective="best_fbeta", beta=1.0)
    assert t.plateau is not None and s[y == 0].max() < t.flag <= s[y == 1].min()
    assert t.f1 == pytest.approx(1.0)


def test_resampled_fbeta_matches_a_direct_count() -> None:
    rng = np.random.default_rng(3)
    y = (rng.random(120) < 0.3).astype(int)
    s = np.round(rng.random(120), 2)  # ties on purpose
    grid = np.linspace(0, 1, 21)[1:-1]
    curves = resampled_fbeta(s, y, 0.5, grid, resamples=5, seed=11)  # beta 0.5: precision weighs 2x
    draw = np.random.default_rng(11)
    for curve in curves:
        i = draw.integers(0, len(y), len(y))
        for t, got in zip(grid, curve, strict=True):
            tp = np.sum((s[i] >= t) & (y[i] == 1))
            p, r = tp / max(np.sum(s[i] >= t), 1), tp / y[i].sum()
            want = 1.25 * p * r / (0.25 * p + r) if p + r > 0 else 0.0
            assert got == pytest.approx(want)


def test_copies_of_one_template_count_once_in_the_plateau() -> None:
    """Ten texts from each template, right or wrong together, are one piece of evidence: resampled as clusters,
    the plateau and flag are those of one text per template, and the plateau is wider than the texts drawn one
    by one would make it."""
    rng = np.random.default_rng(4)
    y = (rng.random(200) < 0.3).astype(int)
    s = sigmoid(rng.normal(size=y.size) + np.where(y == 1, 1.5, -1.0))
    one = choose_threshold(s, y, objective="best_fbeta", beta=0.5)
    templated_s, templated_y, template = np.repeat(s, 10), np.repeat(y, 10), np.repeat(np.arange(200), 10)
    clustered = choose_threshold(templated_s, templated_y, objective="best_fbeta", beta=0.5, clusters=template)
    texts = choose_threshold(templated_s, templated_y, objective="best_fbeta", beta=0.5)
    assert clustered.flag == one.flag and clustered.plateau == one.plateau
    assert clustered.resampled_units == 200 and texts.resampled_units == 2000
    assert clustered.plateau is not None and texts.plateau is not None
    assert clustered.plateau[1] - clustered.plateau[0] > texts.plateau[1] - texts.plateau[0]
    # recorded in thresholds.json, and files written before it read as None
    assert thresholds_from_json(thresholds_to_json({"hoax": clustered}))["hoax"] == clustered
    old = thresholds_to_json({"hoax": clustered})
    del old["risks"]["hoax"]["resampled_units"]
    assert thresholds_from_json(old)["hoax"].resampled_units is None


def test_resampled_fbeta_draws_whole_clusters() -> None:
    rng = np.random.default_rng(8)
    clusters = rng.integers(0, 15, 90)
    y = (rng.random(15) < 0.4).astype(int)[clusters]  # a template's texts share its label
    s = np.round(rng.random(90), 2)
    grid = np.linspace(0, 1, 11)[1:-1]
    curves = resampled_fbeta(s, y, 1.0, grid, resamples=4, seed=2, clusters=clusters)
    ids = np.unique(clusters, return_inverse=True)[1]
    draw = np.random.default_rng(2).integers(0, ids.max() + 1, size=(4, ids.max() + 1))
    kept = 0
    for row in draw:
        w = np.bincount(row, minlength=ids.max() + 1)[ids]
        if not 0 < np.sum(w * y) < np.sum(w):
            continue
        for t, got in zip(grid, curves[kept], strict=True):
            tp, flagged = np.sum(w * (s >= t) * y), np.sum(w * (s >= t))
            p, r = tp / max(flagged, 1), tp / np.sum(w * y)
            assert got == pytest.approx(2 * p * r / (p + r) if p + r > 0 else 0.0)
        kept += 1
    assert kept == len(curves)
