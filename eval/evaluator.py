"""The risk evaluator: `evaluate(model, data) -> dict[str, float]` with a named primary metric.

Shaped like sentence-transformers' evaluators (`evaluate` gives flat figures and names its primary metric)
and rich enough (`evaluate_full`: curves, threshold tables, decision counts, bootstrap intervals) for the
analysts' reports (eval/report.py, eval/compare.py). Training selects its checkpoints on validation macro F1
from model.metrics (training/artifacts.split_metrics) and does not import this module; every figure here
comes from the same functions (eval.metrics re-exports model.metrics).

A model is anything with `risk_proba(texts) -> (n, 3)` calibrated scores in the order of
model.labels.RISKS and `thresholds` (risk -> model.calibration.Threshold, or a plain float used as the flag
threshold); `name`, `version` and `kind` are reported when present. `model.scorer.Scorer` is one, of either
kind.

Labels that are missing (None) are excluded per risk, never counted as negatives: a risk's metrics are
computed on the examples labelled for that risk, and the macro average runs over the risks that have
labels in the data.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from eval import metrics as M
from eval.bootstrap import METHOD as BOOTSTRAP_METHOD
from eval.bootstrap import METRICS, bootstrap_models, interval
from model.examples import Example, label_matrix
from model.labels import RISKS
from model.resample import clusters_of, resampled_units
from model.splits import split_settings

logger = logging.getLogger(__name__)

PRECISION_TARGETS = (0.8, 0.9, 0.95)
RECALL_TARGETS = (0.5, 0.8, 0.9)
BATCH = 512


class RiskModel(Protocol):
    thresholds: dict[str, Any]

    def risk_proba(self, texts: list[str]) -> np.ndarray: ...


def flag_block(model: Any, risk: str) -> tuple[float, float]:
    """The model's (flag, block) thresholds for a risk; a bare float is a flag threshold without block."""
    th = getattr(model, "thresholds", {}) or {}
    t = th.get(risk)
    if t is None:
        return 0.5, 0.9
    if isinstance(t, int | float):
        return float(t), math.inf
    return float(t.flag), float(getattr(t, "block", math.inf))


def flag_beta(model: Any, risk: str) -> float:
    """The beta of the F-beta that the model's flag for a risk was chosen by (thresholds.json's `beta`); 1
    (F1) when the flag was chosen otherwise or the model does not say."""
    t = (getattr(model, "thresholds", {}) or {}).get(risk)
    beta = getattr(t, "beta", None)
    return float(beta) if beta is not None else 1.0


def model_identity(model: Any) -> dict[str, Any]:
    """Name, version, kind, directory and thresholds of a model, for reports."""
    ident: dict[str, Any] = {
        "name": getattr(model, "name", type(model).__name__),
        "version": getattr(model, "version", None),
        "kind": getattr(model, "kind", None),
    }
    d = getattr(model, "dir", None)
    if d is not None and getattr(d, "path", None) is not None:
        ident["path"] = str(d.path)
    ident["thresholds"] = {}
    for r in RISKS:
        flag, block = flag_block(model, r)
        # the thresholds validation could not tell apart from the best flag (model.calibration), when recorded
        # and how many units of validation (texts, or clusters of them) each of its resamples drew
        stored = (getattr(model, "thresholds", {}) or {}).get(r)
        plateau, units = getattr(stored, "plateau", None), getattr(stored, "resampled_units", None)
        ident["thresholds"][r] = {
            "flag": flag,
            "block": None if math.isinf(block) else block,
            "plateau": [float(x) for x in plateau] if plateau else None,
            "plateau_clusters": int(units) if units else None,
            "beta": flag_beta(model, r),
        }
    # how the model's training data was split (model.splits.SPLIT_KEYS): a report evaluating it on the catalogue's
    # test split checks that split was made the same way (eval.report.split_check)
    split = split_settings(getattr(model, "manifest", None))
    if split is not None:
        ident["split"] = split
    card = getattr(model, "card", None)
    if callable(card):
        try:
            c = card()
            ident["training_data"] = c.get("data")
            ident["created"] = c.get("created")
            ident["normalizer_version"] = c.get("normalizer_version")
        except Exception as e:  # a report must not fail over a missing or odd manifest
            logger.warning("could not read the model card of %s: %s", ident["name"], e)
    return ident


def predict(model: RiskModel, texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
    """The model's (n, 3) risk scores, in batches."""
    out = []
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch_size):
        p = np.asarray(model.risk_proba(list(texts[i : i + batch_size])), dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != len(RISKS):
            raise ValueError(
                f"risk_proba returned shape {p.shape}; expected (n, {len(RISKS)}) scores for {list(RISKS)}"
            )
        out.append(p)
    probs = np.concatenate(out, axis=0) if out else np.zeros((0, len(RISKS)))
    logger.info(
        "scored %d texts with %s in %.1f s", len(texts), getattr(model, "name", "the model"), time.perf_counter() - t0
    )
    return probs


def point_metrics(
    probs: np.ndarray, labels: np.ndarray, flags: Sequence[float], betas: Sequence[float] | None = None
) -> dict[str, dict[str, Any]]:
    """risk -> eval.metrics.risk_metrics on the labelled rows of that risk, its `fbeta` at betas[j] (1 when not
    given); a risk without labels gets NaN (not 0) for precision, recall, F1 and F-beta."""
    out = {}
    for j, r in enumerate(RISKS):
        beta = float(betas[j]) if betas is not None else 1.0
        m = M.risk_metrics(probs[:, j], labels[:, j], float(flags[j]), beta)
        if m["n"] == 0:
            m.update(precision=float("nan"), recall=float("nan"), f1=float("nan"), fbeta=float("nan"))
        out[r] = m
    return out


def flatten(per_risk: dict[str, dict[str, Any]]) -> dict[str, float]:
    """{'macro_f1', 'macro_pr_auc', 'hoax_f1', 'slander_pr_auc', ...} from per-risk metrics."""
    flat: dict[str, float] = {}
    labelled = [r for r in RISKS if per_risk[r]["n"]]
    flat["macro_f1"] = M.macro(per_risk, "f1", labelled)
    flat["macro_pr_auc"] = M.macro(per_risk, "pr_auc", labelled)
    flat["macro_ece"] = M.macro(per_risk, "ece", labelled)
    for r in RISKS:
        for k in ("n", "positives", "threshold", "beta") + METRICS:
            flat[f"{r}_{k}"] = float(per_risk[r][k])
    return flat


class RiskEvaluator:
    """Evaluates a model on labelled examples.

    `evaluator(model)` / `evaluator.evaluate(model, data)` return flat point metrics (fast: no bootstrap),
    for training loops; `evaluate_full` returns everything a report shows, with bootstrap intervals.
    With a `name`, keys (and `primary_metric`) are prefixed `<name>_`.
    """

    primary_metric = "macro_f1"
    greater_is_better = True

    def __init__(
        self,
        examples: Sequence[Example],
        name: str = "",
        bootstrap: int = 1000,
        seed: int = 0,
        *,
        batch_size: int = BATCH,
        bins: int = 10,
        level: float = 0.95,
        precision_targets: Sequence[float] = PRECISION_TARGETS,
        recall_targets: Sequence[float] = RECALL_TARGETS,
    ) -> None:
        self.examples = list(examples)
        self.name = name
        self.bootstrap = int(bootstrap)
        self.seed = int(seed)
        self.batch_size = batch_size
        self.bins = bins
        self.level = level
        self.precision_targets = tuple(precision_targets)
        self.recall_targets = tuple(recall_targets)
        if name:
            self.primary_metric = f"{name}_macro_f1"

    # --- the sentence-transformers-style interface ------------------------------------------------
    def __call__(self, model: RiskModel) -> dict[str, float]:
        return self.evaluate(model)

    def evaluate(self, model: RiskModel, data: Sequence[Example] | None = None) -> dict[str, float]:
        examples = self._data(data)
        probs = predict(model, [e.text for e in examples], self.batch_size)
        flat = self.metrics_from_scores(probs, label_matrix(examples, RISKS), model)
        logger.info("%s: %s = %.4f", self.name or "evaluation", self.primary_metric, flat[self.primary_metric])
        return flat

    def metrics_from_scores(self, probs: np.ndarray, labels: np.ndarray, model: Any) -> dict[str, float]:
        flags = [flag_block(model, r)[0] for r in RISKS]
        flat = flatten(point_metrics(probs, labels, flags, [flag_beta(model, r) for r in RISKS]))
        return {f"{self.name}_{k}": v for k, v in flat.items()} if self.name else flat

    # --- the full evaluation ------------------------------------------------------------------------
    def evaluate_full(
        self, model: RiskModel, examples: Sequence[Example] | None = None, probs: np.ndarray | None = None
    ) -> dict[str, Any]:
        """Every number a report shows, per risk: metrics at the model's flag threshold with bootstrap
        intervals, reliability bins, allow/review/block counts against the label, a threshold table, the
        PR curve, and the answers to 'highest recall at precision >= p' / 'highest precision at recall >= r'.

        Pass `probs` (the model's scores on `examples`) to avoid scoring twice."""
        examples = self._data(examples)
        if probs is None:
            probs = predict(model, [e.text for e in examples], self.batch_size)
        labels = label_matrix(examples, RISKS).astype(np.float64)
        fb = [flag_block(model, r) for r in RISKS]
        flags = [f for f, _ in fb]
        betas = [flag_beta(model, r) for r in RISKS]
        point = point_metrics(probs, labels, flags, betas)
        flat = flatten(point)
        clusters = clusters_of(examples)  # texts of one template, topic or family are resampled together
        boot = (
            bootstrap_models([probs], labels, [flags], self.bootstrap, self.seed, [betas], clusters)[0]
            if self.bootstrap
            else None
        )
        risks: dict[str, Any] = {}
        for j, r in enumerate(RISKS):
            p, y = M.masked(probs[:, j], labels[:, j])
            entry: dict[str, Any] = dict(point[r])
            entry["block_threshold"] = None if math.isinf(fb[j][1]) else fb[j][1]
            if boot is not None:
                entry["ci"] = {k: interval(boot[r][k], self.level) for k in METRICS}
            entry["reliability"] = M.reliability(p, y, self.bins) if len(y) else []
            entry["decisions"] = M.decision_counts(p, y, fb[j][0], fb[j][1])
            entry["threshold_table"] = M.threshold_table(p, y)
            entry["pr_curve"] = M.pr_curve(p, y)
            entry["recall_at_precision"] = {str(t): M.recall_at_precision(p, y, t) for t in self.precision_targets}
            entry["precision_at_recall"] = {str(t): M.precision_at_recall(p, y, t) for t in self.recall_targets}
            entry["mean_score"] = float(p.mean()) if len(p) else float("nan")
            risks[r] = entry
        result: dict[str, Any] = {
            "model": model_identity(model),
            "n": len(examples),
            "primary_metric": "macro_f1",
            "macro_f1": flat["macro_f1"],
            "macro_pr_auc": flat["macro_pr_auc"],
            "macro_ece": flat["macro_ece"],
            "risks_labelled": [r for r in RISKS if point[r]["n"]],
            "risks": risks,
            "metrics": flat,
            "bootstrap": {
                "replicates": self.bootstrap,
                "seed": self.seed,
                "level": self.level,
                "method": BOOTSTRAP_METHOD,
                "clusters": resampled_units(len(examples), clusters),
            },
        }
        if boot is not None:
            result["macro_f1_ci"] = interval(boot["macro"]["f1"], self.level)
        return result

    def _data(self, data: Sequence[Example] | None) -> list[Example]:
        examples = self.examples if data is None else list(data)
        if not examples:
            raise ValueError(
                "no examples to evaluate on; expected labelled examples (model.examples.Example) "
                "with at least one risk label. Fix: check the --data files or the test split"
            )
        return examples
