"""Calibration (raw logit -> probability) and decision thresholds, fitted on validation data.

Calibration is Platt scaling per label: p = sigmoid(a * logit + b). With b = 0 it is temperature scaling
(a = 1/T); the extra bias corrects the shift that positive-class weighting and sampling put into the logits.
It is fitted by minimising the log-loss on the validation split, so a score of 0.7 means that about 70%
of validation texts with that score were positive.

Thresholds: each risk has two, `flag` and `block`. score < flag -> allow; flag <= score < block -> review;
score >= block -> block. `flag` is chosen by an objective (training's default: best F-beta on validation with
beta = 1.5, because a flag sends a post to a review queue, where a miss costs more than a reviewer's glance);
`block` is the lowest threshold that reaches a high precision target (default 0.9) on validation, and never
below flag.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from model.metrics import pr_points

Objective = Literal["best_f1", "best_fbeta", "recall_at_precision"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))


def logit(p: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    p = np.clip(p, eps, 1 - eps)
    return np.log(p / (1 - p))


@dataclass
class Platt:
    a: float = 1.0
    b: float = 0.0
    n: int = 0  # validation examples it was fitted on (0: identity, not fitted)

    def log_odds(self, logits: np.ndarray) -> np.ndarray:
        """The calibrated log-odds a * logit + b (what an ensemble mixes: no round trip through a clipped
        probability, which would flatten the tails into ties)."""
        return self.a * np.asarray(logits, dtype=np.float64) + self.b

    def apply(self, logits: np.ndarray) -> np.ndarray:
        return sigmoid(self.log_odds(logits))


def fit_platt(logits: np.ndarray, labels: np.ndarray, max_iter: int = 100) -> Platt:
    """Fit a, b on the log-loss with Platt's smoothed targets, by Newton's method with a backtracking line
    search and a numerically stable loss (Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs").

    The line search matters: on wide logits (the transformer's hoax head spans about -8..+6 on validation),
    plain Newton steps from a = 1 overshot into the flat tails of the sigmoid and ended at slopes of 1e11,
    which turn the scores into a 0/1 step and throw the member's ranking away. Needs both classes; otherwise
    returns the identity."""
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    n_pos, n_neg = float(y.sum()), float(len(y) - y.sum())
    if len(y) == 0 or n_pos <= 0 or n_neg <= 0:
        return Platt(1.0, 0.0, 0)
    t = np.where(y > 0.5, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(a: float, b: float) -> float:
        f = a * x + b  # log-loss with targets t, written so that exp never overflows
        return float(np.sum(np.logaddexp(0.0, f) - t * f))

    a, b = 0.0, math.log((n_pos + 1) / (n_neg + 1))  # Lin, Lin & Weng's start: the prior log-odds
    current = loss(a, b)
    for _ in range(max_iter):
        p = sigmoid(a * x + b)
        g = np.array([np.sum((p - t) * x), np.sum(p - t)])
        if np.max(np.abs(g)) < 1e-5 * max(float(len(y)), 1.0):
            break
        h = p * (1 - p)
        hess = np.array([[np.sum(h * x * x), np.sum(h * x)], [np.sum(h * x), np.sum(h)]]) + 1e-12 * np.eye(2)
        step = np.linalg.solve(hess, g)
        size = 1.0
        while size >= 1e-10:  # backtrack until the loss decreases sufficiently (Armijo)
            na, nb = a - size * step[0], b - size * step[1]
            new = loss(na, nb)
            if new < current - 1e-4 * size * float(g @ step):
                break
            size /= 2
        else:
            break  # no step decreases the loss: at the minimum to machine precision
        a, b, current = na, nb, new
        if np.max(np.abs(size * step)) < 1e-10:
            break
    if not (math.isfinite(a) and math.isfinite(b)) or a <= 0:
        # A negative slope would invert the ranking; keep the model's order and fall back to identity.
        return Platt(1.0, 0.0, 0)
    return Platt(float(a), float(b), len(y))


@dataclass
class Threshold:
    flag: float = 0.5
    block: float = 0.9
    objective: str = "best_f1"
    # validation figures at the chosen thresholds, for the model card
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    block_precision: float | None = None
    beta: float | None = None  # the F-beta the flag maximised (best_fbeta); None for the other objectives

    def decide(self, score: float) -> str:
        if score >= self.block:
            return "block"
        if score >= self.flag:
            return "review"
        return "allow"


def choose_threshold(
    scores: np.ndarray,
    labels: np.ndarray,
    objective: Objective = "best_f1",
    min_precision: float = 0.8,
    block_precision: float = 0.9,
    beta: float = 1.0,
) -> Threshold:
    """Choose the flag threshold by `objective` and the block threshold by `block_precision`.

    best_f1: the threshold with the highest F1 (ties: the higher threshold).
    best_fbeta: the threshold with the highest F-beta (beta > 1 weighs recall beta times as much as precision).
    recall_at_precision: the lowest threshold whose precision >= min_precision (highest recall there);
    falls back to best F1 when no threshold reaches it.
    Thresholds sit halfway between adjacent distinct scores, so they generalise slightly better than the
    exact validation score.
    """
    y = np.asarray(labels)
    if len(y) == 0 or y.sum() == 0 or y.sum() == len(y):
        return Threshold(0.5, 0.9, objective)
    thr, prec, rec = pr_points(scores, labels)
    f1 = np.where(prec + rec > 0, 2 * prec * rec / np.maximum(prec + rec, 1e-12), 0.0)
    b2 = beta**2 if objective == "best_fbeta" else 1.0
    fbeta = np.where(prec + rec > 0, (1 + b2) * prec * rec / np.maximum(b2 * prec + rec, 1e-12), 0.0)
    # Candidate cut between this distinct score and the next lower one.
    lower = np.r_[thr[1:], thr[-1] - 1e-6]
    cut = (thr + np.maximum(lower, 0.0)) / 2
    cut = np.where(cut <= 0, thr, cut)
    idx: int
    if objective == "recall_at_precision":
        ok = np.where(prec >= min_precision)[0]
        idx = int(ok[-1]) if len(ok) else int(np.argmax(f1))
    elif objective in ("best_f1", "best_fbeta"):
        best = fbeta.max()
        idx = int(np.where(fbeta == best)[0][0])
    else:
        raise ValueError(
            f"unknown threshold objective {objective!r}; expected 'best_f1', 'best_fbeta' or 'recall_at_precision'"
        )
    flag = float(cut[idx])
    ok = np.where(prec >= block_precision)[0]
    if len(ok):
        bidx = int(ok[-1])
        block = max(float(cut[bidx]), flag)
        bprec = float(prec[bidx]) if cut[bidx] >= flag else float(prec[idx])
    else:
        block = max(flag, float(thr[0]) + 1e-6, 0.99)
        bprec = None
    return Threshold(
        flag=flag,
        block=min(block, 1.0),
        objective=objective,
        precision=float(prec[idx]),
        recall=float(rec[idx]),
        f1=float(f1[idx]),
        block_precision=bprec,
        beta=float(beta) if objective == "best_fbeta" else None,
    )


def calibration_to_json(platts: dict[str, Platt]) -> dict[str, Any]:
    return {
        "method": "platt",
        "formula": "p = sigmoid(a * logit + b)",
        "labels": {k: asdict(v) for k, v in platts.items()},
    }


def calibration_from_json(data: dict[str, Any]) -> dict[str, Platt]:
    if data.get("method") != "platt":
        raise ValueError(f"calibration method {data.get('method')!r} found, expected 'platt'")
    return {k: Platt(**v) for k, v in data["labels"].items()}


def thresholds_to_json(th: dict[str, Threshold]) -> dict[str, Any]:
    return {
        "rule": "score < flag: allow; flag <= score < block: review; score >= block: block",
        "risks": {k: asdict(v) for k, v in th.items()},
    }


def thresholds_from_json(data: dict[str, Any]) -> dict[str, Threshold]:
    return {k: Threshold(**v) for k, v in data["risks"].items()}
