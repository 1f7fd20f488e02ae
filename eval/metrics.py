"""The evaluation's metrics: re-exported from the kernel module model.metrics, where every metric saring
reports is computed (training and the claim calibration use the same functions)."""

from __future__ import annotations

from model.metrics import (
    average_precision,
    brier,
    decision_counts,
    ece,
    fbeta,
    macro,
    masked,
    matching_ap,
    matching_pr,
    nanmean,
    pr_curve,
    pr_points,
    precision_at_recall,
    precision_recall_f1,
    recall_at_precision,
    reliability,
    risk_metrics,
    roc_auc,
    threshold_table,
    wilson,
)

__all__ = [
    "average_precision",
    "brier",
    "decision_counts",
    "ece",
    "fbeta",
    "macro",
    "masked",
    "matching_ap",
    "matching_pr",
    "nanmean",
    "pr_curve",
    "pr_points",
    "precision_at_recall",
    "precision_recall_f1",
    "recall_at_precision",
    "reliability",
    "risk_metrics",
    "roc_auc",
    "threshold_table",
    "wilson",
]
