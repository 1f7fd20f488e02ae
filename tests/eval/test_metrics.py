"""Metrics against values computed by hand on tiny arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval import metrics as M
from eval.bootstrap import bootstrap_models, interval, weighted_metrics
from model.resample import cluster_ids

# Scores and labels used throughout; by hand, at threshold 0.5: predictions 1 1 0 1 0 -> tp 2, fp 1, fn 1.
P = np.array([0.9, 0.8, 0.3, 0.6, 0.1])
Y = np.array([1, 0, 1, 1, 0])


def test_precision_recall_f1_by_hand() -> None:
    m = M.risk_metrics(P, Y, 0.5)
    assert m["n"] == 5 and m["positives"] == 3
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)


def test_average_precision_by_hand() -> None:
    # descending: 0.9(1) 0.8(0) 0.6(1) 0.3(1) 0.1(0): recall steps 1/3 at P=1, 1/3 at P=2/3, 1/3 at P=3/4
    assert M.average_precision(P, Y) == pytest.approx(1 / 3 + 2 / 9 + 1 / 4)


def test_roc_auc_by_hand() -> None:
    # positive-negative pairs ranked right: (0.9>0.8) (0.9>0.1) (0.6>0.1) (0.3>0.1) = 4 of 6
    assert M.roc_auc(P, Y) == pytest.approx(4 / 6)
    # ties count half
    assert M.roc_auc(np.array([0.5, 0.5]), np.array([1, 0])) == pytest.approx(0.5)


def test_brier_by_hand() -> None:
    assert M.brier(P, Y) == pytest.approx((0.01 + 0.64 + 0.49 + 0.16 + 0.01) / 5)


def test_ece_by_hand() -> None:
    # ten bins: every score alone in its bin -> mean |y - p| = (0.1 + 0.8 + 0.7 + 0.4 + 0.1) / 5
    assert M.ece(P, Y, bins=10) == pytest.approx(2.1 / 5)
    # two bins: [0, .5) holds 0.3(1), 0.1(0): |0.5 - 0.2| * 2; [.5, 1] holds 0.9 0.8 0.6 (1 0 1): |2/3 - 0.7667| * 3
    assert M.ece(P, Y, bins=2) == pytest.approx((0.3 * 2 + abs(2 / 3 - 2.3 / 3) * 3) / 5)


def test_missing_labels_are_excluded_not_negatives() -> None:
    p = np.r_[P, 0.99, 0.95]
    y = np.r_[Y.astype(float), np.nan, np.nan]  # two unlabelled texts with high scores
    with_missing = M.risk_metrics(p, y, 0.5)
    without = M.risk_metrics(P, Y, 0.5)
    assert with_missing == without
    assert with_missing["n"] == 5  # a negative reading would have made them 7 texts and 2 false positives


def test_decision_counts() -> None:
    c = M.decision_counts(P, Y, flag=0.5, block=0.85)
    assert c["positive"] == {"allow": 1, "review": 1, "block": 1}  # 0.3, 0.6, 0.9
    assert c["negative"] == {"allow": 1, "review": 1, "block": 0}  # 0.1, 0.8


def test_recall_at_precision() -> None:
    a = M.recall_at_precision(P, Y, 0.75)  # precision 3/4 at t=0.3 reaches recall 1
    assert a == {"threshold": 0.3, "precision": 0.75, "recall": 1.0}
    b = M.recall_at_precision(P, Y, 0.8)  # only the top text: precision 1, recall 1/3
    assert b["threshold"] == 0.9 and b["recall"] == pytest.approx(1 / 3)
    assert M.recall_at_precision(P, Y, 1.01) is None
    assert M.recall_at_precision(P, np.zeros(5), 0.5) is None  # no positives: no answer


def test_precision_at_recall() -> None:
    a = M.precision_at_recall(P, Y, 0.6)  # recall >= 0.6 at t=0.6 (P 2/3), 0.3 (P 3/4), 0.1 (P 3/5)
    assert a["threshold"] == 0.3 and a["precision"] == pytest.approx(0.75)
    assert M.precision_at_recall(P, Y, 1 / 3)["precision"] == 1.0


def test_threshold_table_matches_risk_metrics() -> None:
    rows = {round(r["threshold"], 2): r for r in M.threshold_table(P, Y)}
    assert len(rows) == 19
    m = M.risk_metrics(P, Y, 0.5)
    assert rows[0.5]["precision"] == pytest.approx(m["precision"]) and rows[0.5]["f1"] == pytest.approx(m["f1"])
    assert rows[0.5]["flagged_n"] == 3


def test_pr_curve_thinned() -> None:
    rng = np.random.default_rng(0)
    p, y = rng.random(1000), (rng.random(1000) < 0.3).astype(int)
    c = M.pr_curve(p, y, max_points=50)
    assert 2 < len(c["recall"]) <= 50 and c["recall"] == sorted(c["recall"])


def test_weighted_metrics_with_unit_weights_equal_point_metrics() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(200).round(2)  # rounding makes ties
    y = (rng.random(200) < 0.3).astype(float)
    for beta in (1.0, 0.5, 2.0):
        point = M.risk_metrics(p, y, 0.4, beta)
        w = weighted_metrics(p, y, np.ones((1, 200)), 0.4, beta=beta)
        for k, v in w.items():
            assert v[0] == pytest.approx(point[k]), (k, beta)


def test_fbeta_at_the_flag_is_scikit_learns_and_f1_at_beta_one() -> None:
    from sklearn.metrics import fbeta_score

    rng = np.random.default_rng(6)
    p = rng.random(300)
    y = (rng.random(300) < 0.35 + 0.3 * p).astype(float)
    for beta in (0.5, 1.5):
        m = M.risk_metrics(p, y, 0.55, beta)
        assert m["beta"] == beta
        assert m["fbeta"] == pytest.approx(fbeta_score(y, p >= 0.55, beta=beta))
        assert m["fbeta"] != pytest.approx(m["f1"])
    plain = M.risk_metrics(p, y, 0.55)
    assert plain["beta"] == 1.0 and plain["fbeta"] == pytest.approx(plain["f1"])
    # precision weighed twice: a flag high up the curve (few flagged, precise) scores better on F0.5 than on F1
    high = M.risk_metrics(p, y, 0.9, 0.5)
    assert high["precision"] > high["recall"] and high["fbeta"] > high["f1"]
    assert M.fbeta(0.0, 0.0, 0.5) == 0.0


def test_weighted_metrics_equal_metrics_of_the_resample() -> None:
    rng = np.random.default_rng(4)
    p, y = rng.random(30).round(1), (rng.random(30) < 0.4).astype(float)
    idx = rng.integers(0, 30, 30)
    w = np.bincount(idx, minlength=30)[None, :].astype(float)
    direct = M.risk_metrics(p[idx], y[idx], 0.5)
    vec = weighted_metrics(p, y, w, 0.5)
    for k in ("precision", "recall", "f1", "fbeta", "pr_auc", "roc_auc", "brier", "ece"):
        assert vec[k][0] == pytest.approx(direct[k]), k


def test_bootstrap_is_deterministic_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(5)
    n = 300
    y = (rng.random((n, 3)) < 0.3).astype(float)
    y[: n // 3, 0] = np.nan  # missing labels for hoax
    probs = np.clip(y + rng.normal(0, 0.4, (n, 3)), 0, 1)
    probs = np.nan_to_num(probs, nan=0.5)
    a = bootstrap_models([probs], y, [[0.5] * 3], replicates=200, seed=7)[0]
    b = bootstrap_models([probs], y, [[0.5] * 3], replicates=200, seed=7)[0]
    c = bootstrap_models([probs], y, [[0.5] * 3], replicates=200, seed=8)[0]
    assert np.array_equal(a["hoax"]["f1"], b["hoax"]["f1"])
    assert not np.array_equal(a["hoax"]["f1"], c["hoax"]["f1"])
    for j, r in enumerate(("hoax", "slander", "incitement")):
        point = M.risk_metrics(probs[:, j], y[:, j], 0.5)
        for k in ("f1", "pr_auc", "ece"):
            lo, hi = interval(a[r][k])
            assert lo <= point[k] <= hi, (r, k)
    assert len(a["macro"]["f1"]) == 200


def test_a_templated_test_set_gets_the_wider_interval_it_deserves() -> None:
    """40 templates of 10 texts each: a template's texts are right or wrong together, so the data hold 40 pieces
    of evidence, not 400; the cluster bootstrap's interval is about sqrt(10) times as wide."""
    rng = np.random.default_rng(0)
    right_template = rng.random(40) < 0.7
    y = np.zeros((400, 3))
    y[:, 2] = 1.0
    probs = np.repeat(np.where(right_template, 0.9, 0.1), 10)[:, None] * np.ones((1, 3))
    templates = np.repeat(np.arange(40), 10)
    ids = cluster_ids([f"t{t}" for t in templates])
    flat = bootstrap_models([probs], y, [[0.5] * 3], replicates=400, seed=1)[0]["incitement"]["recall"]
    clustered = bootstrap_models([probs], y, [[0.5] * 3], replicates=400, seed=1, clusters=ids)[0]
    widths = [np.subtract(*interval(v)[::-1]) for v in (flat, clustered["incitement"]["recall"])]
    assert 2.5 < widths[1] / widths[0] < 4.5, widths


def test_interval_of_nothing_is_nan() -> None:
    assert all(math.isnan(v) for v in interval(np.array([np.nan, np.nan])))
