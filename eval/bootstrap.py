"""Vectorised bootstrap of the per-risk metrics, plain and paired.

A bootstrap resample is represented by a weight per example (how many times it was drawn; model.resample draws
them, whole clusters at a time where examples share a template, topic or family), so that every metric is computed
for all resamples at once with matrix operations instead of a Python loop: a resample of 5,000 texts x 1,000
replicates takes well under a second per risk. Examples (rows), not labels, are resampled: a text labelled for
several risks carries the same weight in each, and two models evaluated on the same data see the same resamples
(the paired bootstrap behind `eval.compare`). Results are deterministic for a seed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from model.labels import RISKS
from model.metrics import fbeta
from model.resample import weight_chunks

# fbeta: F-beta at the flag for the beta its threshold was chosen by (F1 where it was chosen by F1)
METRICS = ("precision", "recall", "f1", "fbeta", "pr_auc", "roc_auc", "brier", "ece")
LOWER_IS_BETTER = frozenset({"brier", "ece"})
# How reports name the resampling (eval.evaluator, eval.compare)
RESAMPLING = (
    "clusters resampled whole with replacement (examples sharing a group: a template, topic or family; an example "
    "without one is its own cluster)"
)
METHOD = f"percentile; {RESAMPLING}"


def weighted_metrics(
    p: np.ndarray, y: np.ndarray, w: np.ndarray, threshold: float, bins: int = 10, beta: float = 1.0
) -> dict[str, np.ndarray]:
    """Every metric of eval.metrics.risk_metrics for each weight row of `w` (shape (b, n)).

    With w = ones((1, n)) the values equal risk_metrics' exactly; p and y hold labelled rows only."""
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.atleast_2d(w)
    total = w.sum(axis=1)
    wy = w * y
    pos = wy.sum(axis=1)
    neg = total - pos
    with np.errstate(invalid="ignore", divide="ignore"):
        # precision / recall / F1 at the threshold
        pred = (p >= threshold).astype(np.float64)
        tp = wy @ pred
        fp = (w * (1 - y)) @ pred
        fn = pos - tp
        precision = np.where(tp + fp > 0, tp / np.where(tp + fp > 0, tp + fp, 1), 0.0)
        recall = np.where(tp + fn > 0, tp / np.where(tp + fn > 0, tp + fn, 1), 0.0)
        f1 = np.where(
            precision + recall > 0,
            2 * precision * recall / np.where(precision + recall > 0, precision + recall, 1),
            0.0,
        )
        # average precision, at each distinct score (descending), as in eval.metrics.average_precision
        order = np.argsort(-p, kind="mergesort")
        ps = p[order]
        last = np.r_[np.where(np.diff(ps) != 0)[0], len(ps) - 1]
        ctp = np.cumsum(wy[:, order], axis=1)[:, last]
        cfp = np.cumsum((w * (1 - y))[:, order], axis=1)[:, last]
        prec_k = ctp / np.maximum(ctp + cfp, 1e-300)
        rec_k = ctp / np.where(pos > 0, pos, 1)[:, None]
        ap = np.sum(np.diff(np.concatenate([np.zeros((len(w), 1)), rec_k], axis=1), axis=1) * prec_k, axis=1)
        ap = np.where(pos > 0, ap, np.nan)
        # ROC-AUC: positives' weight times the negatives' weight below them (ties count half)
        asc = np.argsort(p, kind="mergesort")
        pa = p[asc]
        starts = np.r_[0, np.where(np.diff(pa) != 0)[0] + 1]
        pos_g = np.add.reduceat(wy[:, asc], starts, axis=1)
        neg_g = np.add.reduceat((w * (1 - y))[:, asc], starts, axis=1)
        below = np.cumsum(neg_g, axis=1) - neg_g
        auc = np.sum(pos_g * (below + 0.5 * neg_g), axis=1) / np.where(pos * neg > 0, pos * neg, 1)
        auc = np.where((pos > 0) & (neg > 0), auc, np.nan)
        # Brier and ECE (equal-width bins, as eval.metrics.reliability)
        brier = (w @ ((p - y) ** 2)) / np.where(total > 0, total, 1)
        edges = np.linspace(0.0, 1.0, bins + 1)
        idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
        onehot = np.zeros((len(p), bins))
        onehot[np.arange(len(p)), idx] = 1.0
        ece = np.abs(wy @ onehot - (w * p) @ onehot).sum(axis=1) / np.where(total > 0, total, 1)
    empty = total == 0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "fbeta": fbeta(precision, recall, beta),
        "pr_auc": ap,
        "roc_auc": auc,
        "brier": np.where(empty, np.nan, brier),
        "ece": np.where(empty, np.nan, ece),
    }


def macro(per_risk: dict[str, dict[str, np.ndarray]], metric: str = "f1") -> np.ndarray:
    """The mean over risks of a metric, per replicate, ignoring NaN (risks without labels)."""
    stack = np.stack([m[metric] for m in per_risk.values()], axis=0) if per_risk else np.zeros((0, 0))
    if not len(stack):
        return np.zeros(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a replicate where every risk is NaN
        return np.nanmean(stack, axis=0)


def bootstrap_models(
    probs: Sequence[np.ndarray],
    labels: np.ndarray,
    flags: Sequence[Sequence[float]],
    replicates: int = 1000,
    seed: int = 0,
    betas: Sequence[Sequence[float]] | None = None,
    clusters: np.ndarray | None = None,
) -> list[dict[str, dict[str, np.ndarray]]]:
    """Bootstrap replicates of every metric for one or more models scored on the same examples.

    probs[m] is model m's (n, 3) risk scores, `labels` the (n, 3) labels with NaN where missing, flags[m]
    its three flag thresholds, betas[m] the three betas of its `fbeta` (1 each when not given). Returns, per
    model, {risk: {metric: (replicates,)}, "macro": {"f1": ...}}.
    The same resamples are used for every model, so differences between models are paired. `clusters`: an id
    per example (model.resample.cluster_ids); examples sharing one are resampled together."""
    labels = np.asarray(labels, dtype=np.float64)
    n = len(labels)
    out: list[dict[str, dict[str, list[np.ndarray]]]] = [{r: {k: [] for k in METRICS} for r in RISKS} for _ in probs]
    if n == 0 or replicates <= 0:
        return [{r: {k: np.zeros(0) for k in METRICS} for r in RISKS} | {"macro": {"f1": np.zeros(0)}} for _ in probs]
    keeps = [~np.isnan(labels[:, j]) for j in range(len(RISKS))]
    for w in weight_chunks(n, replicates, seed, clusters):
        for m, pm in enumerate(probs):
            pm = np.asarray(pm, dtype=np.float64)
            for j, r in enumerate(RISKS):
                keep = keeps[j]
                if not keep.any():
                    for k in METRICS:
                        out[m][r][k].append(np.full(len(w), np.nan))
                    continue
                beta = float(betas[m][j]) if betas is not None else 1.0
                vals = weighted_metrics(pm[keep, j], labels[keep, j], w[:, keep], float(flags[m][j]), beta=beta)
                for k in METRICS:
                    out[m][r][k].append(vals[k])
    result = []
    for m in range(len(probs)):
        per = {r: {k: np.concatenate(out[m][r][k]) for k in METRICS} for r in RISKS}
        labelled = {r: per[r] for j, r in enumerate(RISKS) if keeps[j].any()}
        per["macro"] = {"f1": macro(labelled, "f1")}
        result.append(per)
    return result


def interval(values: np.ndarray, level: float = 0.95) -> list[float]:
    """Percentile interval [lo, hi] of replicates, ignoring NaN; [nan, nan] when there are none."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if not len(v):
        return [float("nan"), float("nan")]
    a = (1 - level) / 2
    lo, hi = np.quantile(v, [a, 1 - a])
    return [float(lo), float(hi)]
