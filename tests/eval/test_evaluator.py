from __future__ import annotations

import math

import numpy as np
import pytest

from eval.evaluator import RiskEvaluator
from eval.metrics import masked, precision_at_recall, recall_at_precision, risk_metrics
from model.scorer import Scorer
from tests.eval.helpers import TableModel, ex, noisy_data


def test_evaluate_flat_keys_and_primary_metric() -> None:
    examples, scores = noisy_data(120)
    ev = RiskEvaluator(examples, bootstrap=0)
    out = ev(TableModel(scores))
    assert ev.primary_metric == "macro_f1"
    assert {"macro_f1", "hoax_f1", "slander_pr_auc", "incitement_ece", "hoax_brier"} <= set(out)
    assert all(isinstance(v, float) for v in out.values())
    assert out["macro_f1"] == pytest.approx(np.mean([out["hoax_f1"], out["slander_f1"], out["incitement_f1"]]))


def test_name_prefixes_keys_and_primary_metric() -> None:
    examples, scores = noisy_data(60)
    ev = RiskEvaluator(examples, name="val", bootstrap=0)
    out = ev.evaluate(TableModel(scores))
    assert ev.primary_metric == "val_macro_f1" and ev.primary_metric in out


def test_missing_labels_excluded_per_risk_and_from_the_macro() -> None:
    examples = [ex("a", slander=1), ex("b", slander=0), ex("c", slander=1), ex("d", slander=0, hoax=0)]
    # 'a'..'c' have no hoax label but a high hoax score: read as negatives they would be false positives
    scores = {"a": (0.9, 0.8, 0.9), "b": (0.9, 0.2, 0.9), "c": (0.9, 0.7, 0.9), "d": (0.1, 0.6, 0.9)}
    out = RiskEvaluator(examples, bootstrap=0).evaluate(TableModel(scores))
    assert out["hoax_n"] == 1 and out["hoax_positives"] == 0
    assert out["incitement_n"] == 0 and math.isnan(out["incitement_f1"])
    assert out["slander_n"] == 4 and out["slander_f1"] == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    # macro over the risks with labels (hoax, slander); incitement has none
    assert out["macro_f1"] == pytest.approx((out["hoax_f1"] + out["slander_f1"]) / 2)


def test_evaluate_full_contents() -> None:
    examples, scores = noisy_data(300, seed=1)
    model = TableModel(scores, flag=0.45, block=0.8)
    full = RiskEvaluator(examples, bootstrap=200, seed=3).evaluate_full(model)
    assert full["model"]["name"] == "table" and full["n"] == 300
    for r in ("hoax", "slander", "incitement"):
        x = full["risks"][r]
        assert x["threshold"] == 0.45 and x["block_threshold"] == 0.8
        for k in ("f1", "pr_auc", "ece"):
            lo, hi = x["ci"][k]
            assert lo <= x[k] <= hi
        dec = x["decisions"]
        assert sum(dec["positive"].values()) == x["positives"]
        assert sum(dec["positive"].values()) + sum(dec["negative"].values()) == x["n"]
        assert len(x["reliability"]) == 10 and sum(b["count"] for b in x["reliability"]) == x["n"]
        assert x["recall_at_precision"]["0.9"] is None or x["recall_at_precision"]["0.9"]["precision"] >= 0.9
    lo, hi = full["macro_f1_ci"]
    assert lo <= full["macro_f1"] <= hi
    # deterministic
    again = RiskEvaluator(examples, bootstrap=200, seed=3).evaluate_full(model)
    assert again["risks"]["hoax"]["ci"] == full["risks"]["hoax"]["ci"]
    assert full["bootstrap"]["clusters"] == 300 and "clusters resampled whole" in full["bootstrap"]["method"]
    # the same texts in 30 families of ten: 30 clusters, the same point figures, other intervals
    for i, e in enumerate(examples):
        e.group = f"toy:{i // 10}"
    grouped = RiskEvaluator(examples, bootstrap=200, seed=3).evaluate_full(model)
    assert grouped["bootstrap"]["clusters"] == 30 and grouped["macro_f1"] == full["macro_f1"]
    assert grouped["macro_f1_ci"] != full["macro_f1_ci"]


def test_threshold_queries_on_scores() -> None:
    from model.examples import label_matrix
    from model.labels import RISKS

    examples, scores = noisy_data(150, seed=2)
    j = RISKS.index("slander")
    table = np.array([scores[e.text] for e in examples])
    p, y = masked(table[:, j], label_matrix(examples, RISKS)[:, j])
    a = recall_at_precision(p, y, 0.8)
    assert a is not None and a["precision"] >= 0.8
    b = precision_at_recall(p, y, 0.9)
    assert b is not None and b["recall"] >= 0.9
    assert recall_at_precision(p, y, 1.5) is None


def test_tiny_model_matches_direct_metrics(tiny_baseline_dir) -> None:
    from tests.fixture_texts import fixture_examples

    examples = fixture_examples()
    scorer = Scorer(tiny_baseline_dir)
    out = RiskEvaluator(examples, bootstrap=0).evaluate(scorer)
    p = scorer.risk_proba([e.text for e in examples])
    y = np.array([e.labels["slander"] for e in examples], dtype=float)
    direct = risk_metrics(p[:, 1], y, scorer.thresholds["slander"].flag)
    assert out["slander_f1"] == pytest.approx(direct["f1"])
    assert out["slander_pr_auc"] == pytest.approx(direct["pr_auc"])
    assert out["macro_f1"] > 0.5  # the tiny model has learnt its training texts


def test_no_examples_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no examples"):
        RiskEvaluator([], bootstrap=0).evaluate(TableModel({}))


def test_wrong_shape_from_the_model_is_a_clear_error() -> None:
    class Bad(TableModel):
        def risk_proba(self, texts):
            return np.zeros((len(texts), 2))

    with pytest.raises(ValueError, match="expected"):
        RiskEvaluator([ex("a", hoax=1)], bootstrap=0).evaluate(Bad({}))
