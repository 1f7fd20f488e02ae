"""Every metric saring reports, in one kernel module: classification at a threshold, ranking (PR-AUC,
ROC-AUC), calibration (Brier, ECE, reliability bins), threshold queries and curves, macro averages over
risks, and the top-1 matching figures of the claim memory with their Wilson intervals.

Training, evaluation and the claim calibration all import from here (eval/metrics.py re-exports it), so a
figure means the same wherever it is printed. Where scikit-learn computes the same quantity it is used
(precision / recall / F1, average precision, ROC-AUC, Brier); missing labels (NaN) are excluded per risk,
never counted as negatives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NotRequired, TypedDict

import numpy as np


# -------------------------------------------------------------------------------------------------------
# Classification, ranking and calibration of one risk
# -------------------------------------------------------------------------------------------------------
def pr_points(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall for 'score >= t' at every distinct score t (descending thresholds)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    fp = np.cumsum(1 - y)
    last = np.r_[np.where(np.diff(s) != 0)[0], len(s) - 1]  # last index of each distinct score
    thr = s[last]
    tp, fp = tp[last], fp[last]
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / max(int(y.sum()), 1)
    return thr, precision, recall


def _mask(probs: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    keep = ~np.isnan(y)
    return p[keep], y[keep].astype(np.int64)


def precision_recall_f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class for 0/1 predictions (0.0 where undefined), counted directly:
    scikit-learn's precision_recall_fscore_support (zero_division=0) gives the same numbers at a millisecond a call
    of input checks, which a table of a hundred thresholds per risk (model.operating) paid a second for."""
    pred, y = np.asarray(pred, dtype=np.int64), np.asarray(y, dtype=np.int64)
    if pred.shape != y.shape:
        raise ValueError(f"predictions {pred.shape} and labels {y.shape} differ in shape")
    tp = int(np.count_nonzero((pred == 1) & (y == 1)))
    flagged, positives = int(np.count_nonzero(pred == 1)), int(np.count_nonzero(y == 1))
    precision = tp / flagged if flagged else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * tp / (flagged + positives) if flagged + positives else 0.0
    return float(precision), float(recall), float(f1)


def average_precision(p: np.ndarray, y: np.ndarray) -> float:
    """PR-AUC as average precision: sum over distinct thresholds of (R_k - R_{k-1}) * P_k; NaN without
    positives."""
    from sklearn.metrics import average_precision_score

    y = np.asarray(y)
    if y.sum() == 0:
        return float("nan")
    return float(average_precision_score(y, np.asarray(p, dtype=np.float64)))


def roc_auc(p: np.ndarray, y: np.ndarray) -> float:
    """Probability that a random positive outranks a random negative (ties count half); NaN with one class."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y)
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float(roc_auc_score(y, np.asarray(p, dtype=np.float64)))


def brier(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared difference between score and 0/1 label; NaN for no rows."""
    return float(np.mean((np.asarray(p, dtype=np.float64) - y) ** 2)) if len(y) else float("nan")


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Equal-width bins: mean score, observed positive rate and count per bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        out.append(
            {
                "lo": float(edges[b]),
                "hi": float(edges[b + 1]),
                "count": n,
                "mean_score": float(p[sel].mean()) if n else float("nan"),
                "positive_rate": float(y[sel].mean()) if n else float("nan"),
            }
        )
    return out


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: count-weighted mean |positive rate - mean score| over equal-width bins."""
    if len(y) == 0:
        return float("nan")
    return float(
        sum(b["count"] * abs(b["positive_rate"] - b["mean_score"]) for b in reliability(p, y, bins) if b["count"])
        / len(y)
    )


def fbeta(precision: Any, recall: Any, beta: float) -> Any:
    """F-beta from precision and recall (beta > 1 weighs recall beta times as much; 1 is F1); 0.0 where both
    are 0. Floats give a float; arrays (the bootstrap's replicates) an array of their shape."""
    p, r = np.asarray(precision, dtype=np.float64), np.asarray(recall, dtype=np.float64)
    b2 = beta * beta
    den = b2 * p + r
    out = np.where(den > 0, (1 + b2) * p * r / np.where(den > 0, den, 1.0), 0.0)
    return float(out) if out.ndim == 0 else out


def risk_metrics(probs: np.ndarray, labels: np.ndarray, threshold: float, beta: float = 1.0) -> dict[str, Any]:
    """Metrics for one risk at one threshold; labels may hold NaN (excluded). `fbeta` is F-beta at that
    threshold for the given `beta`, the objective the flag threshold was chosen by (the flag's `beta` in
    thresholds.json); with the default beta 1 it equals F1."""
    p, y = _mask(probs, labels)
    pred = (p >= threshold).astype(np.int64)
    precision, recall, f1 = precision_recall_f1(pred, y)
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "threshold": float(threshold),
        "beta": float(beta),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "fbeta": fbeta(precision, recall, beta),
        "pr_auc": average_precision(p, y),
        "roc_auc": roc_auc(p, y),
        "brier": brier(p, y),
        "ece": ece(p, y),
    }


def nanmean(values: Iterable[float | None]) -> float:
    """The mean of the values that are numbers (None and NaN left out); NaN when none is."""
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.mean(vals)) if vals else float("nan")


def macro(per_risk: Mapping[str, Mapping[str, Any]], metric: str = "f1", risks: Iterable[str] | None = None) -> float:
    """The macro average of `metric` over the risks that have labelled rows (`n` > 0), NaN values left out:
    the "macro F1" of training's model selection, the model card and the evaluation report."""
    names = list(per_risk) if risks is None else list(risks)
    return nanmean(per_risk[r][metric] for r in names if r in per_risk and per_risk[r].get("n", 1))


# -------------------------------------------------------------------------------------------------------
# Threshold queries, curves and decision counts
# -------------------------------------------------------------------------------------------------------
def masked(probs: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scores and 0/1 labels of the rows whose label is known (NaN rows dropped)."""
    return _mask(probs, labels)


def recall_at_precision(p: np.ndarray, y: np.ndarray, min_precision: float) -> dict[str, float] | None:
    """The highest recall among thresholds whose precision is >= min_precision (rule 'score >= t').

    Returns {threshold, precision, recall} or None when no threshold reaches that precision. Among equal
    recalls the highest threshold (fewest flags) wins."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    if len(y) == 0 or y.sum() == 0:
        return None
    thr, prec, rec = pr_points(p, y)
    ok = np.where(prec >= min_precision)[0]
    if not len(ok):
        return None
    best = rec[ok].max()
    i = int(ok[rec[ok] == best][0])
    return {"threshold": float(thr[i]), "precision": float(prec[i]), "recall": float(rec[i])}


def precision_at_recall(p: np.ndarray, y: np.ndarray, min_recall: float) -> dict[str, float] | None:
    """The highest precision among thresholds whose recall is >= min_recall; None when none reaches it
    (only possible with no positives). Among equal precisions the highest threshold wins."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    if len(y) == 0 or y.sum() == 0:
        return None
    thr, prec, rec = pr_points(p, y)
    ok = np.where(rec >= min_recall - 1e-12)[0]
    if not len(ok):
        return None
    best = prec[ok].max()
    i = int(ok[prec[ok] == best][0])
    return {"threshold": float(thr[i]), "precision": float(prec[i]), "recall": float(rec[i])}


def threshold_table(
    p: np.ndarray, y: np.ndarray, thresholds: np.ndarray | list[float] | None = None
) -> list[dict[str, float]]:
    """Precision, recall, F1 and the share of texts flagged at each threshold (default 0.05, 0.10 ... 0.95)."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2) if thresholds is None else np.asarray(thresholds, float)
    rows = []
    for t in grid:
        pred = (p >= t).astype(np.int64)
        precision, recall, f1 = precision_recall_f1(pred, y)
        rows.append(
            {
                "threshold": float(t),
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "flagged": float(pred.mean()) if len(pred) else float("nan"),
                "flagged_n": int(pred.sum()),
            }
        )
    return rows


def pr_curve(p: np.ndarray, y: np.ndarray, max_points: int = 200) -> dict[str, list[float]]:
    """The precision-recall curve at distinct thresholds, thinned to at most `max_points` points."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    if len(y) == 0 or y.sum() == 0:
        return {"threshold": [], "precision": [], "recall": []}
    thr, prec, rec = pr_points(p, y)
    if len(thr) > max_points:
        keep = np.unique(np.linspace(0, len(thr) - 1, max_points).round().astype(int))
        thr, prec, rec = thr[keep], prec[keep], rec[keep]
    return {
        "threshold": [round(float(v), 6) for v in thr],
        "precision": [round(float(v), 6) for v in prec],
        "recall": [round(float(v), 6) for v in rec],
    }


def decision_counts(p: np.ndarray, y: np.ndarray, flag: float, block: float) -> dict[str, dict[str, int]]:
    """How many texts of each label (positive / negative) got each decision: score < flag -> allow,
    flag <= score < block -> review, score >= block -> block (the rule of model.calibration.Threshold)."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    dec = np.where(p >= block, 2, np.where(p >= flag, 1, 0))
    out = {}
    for name, val in (("positive", 1), ("negative", 0)):
        sel = y == val
        out[name] = {d: int(np.sum(dec[sel] == k)) for k, d in enumerate(("allow", "review", "block"))}
    return out


# -------------------------------------------------------------------------------------------------------
# Top-1 matching of the claim memory (model.claims.calibrate, eval/hoax.py)
# -------------------------------------------------------------------------------------------------------
class MatchingPR(TypedDict):
    """What matching_pr returns; callers add `average_precision` (matching_ap) where they report it."""

    threshold: float
    precision: float
    recall: float
    f1: float
    precision_ci: list[float]
    recall_ci: list[float]
    hard_negative_match_rate: float
    tp: int
    fp: int
    positives: int
    negatives: int
    average_precision: NotRequired[float]


def matching_pr(best_sim: np.ndarray, correct: np.ndarray, positive: np.ndarray, threshold: float) -> MatchingPR:
    """Precision / recall of top-1 matching at `threshold`.

    A query is predicted to match when its best similarity >= threshold; the prediction is right when the
    query repeats a claim (`positive`) and its best claim is that one (`correct`). Recall is over all
    positive queries, so a reworded claim matched to the wrong claim counts as a miss and a false match.
    """
    pred = best_sim >= threshold
    tp = int(np.sum(pred & correct))
    fp = int(np.sum(pred & ~correct))
    n_pos = int(np.sum(positive))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / n_pos if n_pos else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    p_lo, p_hi = wilson(tp, tp + fp)
    r_lo, r_hi = wilson(tp, n_pos)
    neg = ~positive
    fpr = float(np.sum(pred & neg) / max(int(np.sum(neg)), 1))
    return {
        "threshold": float(threshold),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "precision_ci": [p_lo, p_hi],
        "recall_ci": [r_lo, r_hi],
        "hard_negative_match_rate": fpr,
        "tp": tp,
        "fp": fp,
        "positives": n_pos,
        "negatives": int(np.sum(neg)),
    }


def matching_ap(best_sim: np.ndarray, correct: np.ndarray, positive: np.ndarray) -> float:
    """Average precision of top-1 matching over all thresholds (recall over all positive queries)."""
    n_pos = int(np.sum(positive))
    if not n_pos:
        return float("nan")
    order = np.argsort(-best_sim, kind="mergesort")
    hits = correct[order].astype(np.float64)
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(precision_at * hits) / n_pos)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes out of n (95% by default); (nan, nan) for n = 0."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)
