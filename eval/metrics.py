"""Per-risk classification and calibration metrics. Missing labels (NaN) are excluded per risk, never
counted as negatives."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from model.calibration import pr_points


def _mask(probs: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    keep = ~np.isnan(y)
    return p[keep], y[keep].astype(np.int64)


def precision_recall_f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def average_precision(p: np.ndarray, y: np.ndarray) -> float:
    """PR-AUC as average precision: sum over distinct thresholds of (R_k - R_{k-1}) * P_k."""
    if y.sum() == 0:
        return float("nan")
    _, prec, rec = pr_points(p, y)
    return float(np.sum(np.diff(np.r_[0.0, rec]) * prec))


def roc_auc(p: np.ndarray, y: np.ndarray) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    from scipy.stats import rankdata

    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2)) if len(y) else float("nan")


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Equal-width bins: mean score, observed positive rate and count per bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        out.append({
            "lo": float(edges[b]), "hi": float(edges[b + 1]), "count": n,
            "mean_score": float(p[sel].mean()) if n else float("nan"),
            "positive_rate": float(y[sel].mean()) if n else float("nan"),
        })
    return out


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: count-weighted mean |positive rate - mean score| over equal-width bins."""
    if len(y) == 0:
        return float("nan")
    return float(sum(b["count"] * abs(b["positive_rate"] - b["mean_score"])
                     for b in reliability(p, y, bins) if b["count"]) / len(y))


def risk_metrics(probs: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, Any]:
    """Metrics for one risk at one threshold; labels may hold NaN (excluded)."""
    p, y = _mask(probs, labels)
    pred = (p >= threshold).astype(np.int64)
    precision, recall, f1 = precision_recall_f1(pred, y)
    return {
        "n": int(len(y)), "positives": int(y.sum()), "threshold": float(threshold),
        "precision": precision, "recall": recall, "f1": f1,
        "pr_auc": average_precision(p, y), "roc_auc": roc_auc(p, y),
        "brier": brier(p, y), "ece": ece(p, y),
    }


def nanmean(values: list[float]) -> float:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.mean(vals)) if vals else float("nan")


# -------------------------------------------------------------------------------------------------------
# Threshold queries, curves and decision counts (added for the evaluation harness)
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


def threshold_table(p: np.ndarray, y: np.ndarray, thresholds: np.ndarray | list[float] | None = None
                    ) -> list[dict[str, float]]:
    """Precision, recall, F1 and the share of texts flagged at each threshold (default 0.05, 0.10 ... 0.95)."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.int64)
    grid = np.round(np.arange(0.05, 0.951, 0.05), 2) if thresholds is None else np.asarray(thresholds, float)
    rows = []
    for t in grid:
        pred = (p >= t).astype(np.int64)
        precision, recall, f1 = precision_recall_f1(pred, y)
        rows.append({"threshold": float(t), "precision": precision, "recall": recall, "f1": f1,
                     "flagged": float(pred.mean()) if len(pred) else float("nan"), "flagged_n": int(pred.sum())})
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
    return {"threshold": [round(float(v), 6) for v in thr], "precision": [round(float(v), 6) for v in prec],
            "recall": [round(float(v), 6) for v in rec]}


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
