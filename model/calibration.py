"""Calibration (raw logit -> probability) and decision thresholds, fitted on validation data.

Calibration is Platt scaling per label: p = sigmoid(a * logit + b). With b = 0 it is temperature scaling
(a = 1/T); the extra bias corrects the shift that positive-class weighting and sampling put into the logits.
It is fitted by minimising the log-loss on the validation split, so a score of 0.7 means that about 70%
of validation texts with that score were positive.

A label may also get a **length term**, c * max(0, ln(1 + words) - ln(1 + LENGTH_KNOT_WORDS)), which shifts
texts longer than a post (words of the normalised text) and leaves shorter ones alone. Why: one Platt fit
across sources whose lengths differ miscalibrates the long ones. Measured on the default model of 2026-11-28:
the only long hoax-labelled texts are news articles (Pratiwi), short posts dominate validation, and the hoax
flag threshold chosen there flagged 86% of the valid articles of the held-out topic (96% on validation) while
ranking them well (ROC-AUC 0.977). The term is kept only where validation shows it: enough long texts of
both classes and a likelihood-ratio test against the plain fit significant at p < 0.01 (on that model: hoax
kept, LR 32.9; slander 4.5 and incitement 0.0 left at c = 0).

Thresholds: each risk has two, `flag` and `block`. score < flag -> allow; flag <= score < block -> review;
score >= block -> block. `flag` is chosen by an objective (training's default: best F-beta on validation, beta
per risk: see training/config.py), as the middle of the validation plateau: the thresholds whose F-beta, averaged
over bootstrap resamples of validation (THRESHOLD_RESAMPLES), is within one resampling standard deviation of the best;
`block` is the lowest threshold that reaches a high precision target (default 0.9) on validation, and never
below flag.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from model.metrics import fbeta, pr_points
from model.resample import resampled_units, weight_chunks

Objective = Literal["best_f1", "best_fbeta", "recall_at_precision"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))


def logit(p: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    p = np.clip(p, eps, 1 - eps)
    return np.log(p / (1 - p))


# Texts up to this many words (of the normalised text: words and punctuation marks) are "posts": the length term
# leaves them alone. About the 90th percentile of the catalogue's validation texts and the length of a full
# 280-character tweet.
LENGTH_KNOT_WORDS = 40
# The length term is fitted only with at least this many validation texts longer than the knot, at least
# LENGTH_MIN_CLASS of each class among them, and kept only when it improves the fit by this likelihood-ratio
# statistic (chi-square with 1 degree of freedom: 6.63 is p = 0.01).
LENGTH_MIN_LONG = 30
LENGTH_MIN_CLASS = 5
LENGTH_MIN_LR = 6.63


def word_counts(normalised_texts: list[str]) -> np.ndarray:
    """Words of each normalised text: the length the calibration's length term reads."""
    return np.fromiter((len(t.split()) for t in normalised_texts), dtype=np.float64, count=len(normalised_texts))


def length_feature(n_words: np.ndarray, knot: int = LENGTH_KNOT_WORDS) -> np.ndarray:
    """max(0, ln(1 + words) - ln(1 + knot)): 0 for posts, growing with the log of the length beyond."""
    return np.maximum(0.0, np.log1p(np.asarray(n_words, dtype=np.float64)) - math.log1p(knot))


@dataclass
class Platt:
    a: float = 1.0
    b: float = 0.0
    n: int = 0  # validation examples it was fitted on (0: identity, not fitted)
    c: float = 0.0  # the length term's weight (0: none; see the module docstring)
    knot: int = LENGTH_KNOT_WORDS

    def log_odds(self, logits: np.ndarray, n_words: np.ndarray | None = None) -> np.ndarray:
        """The calibrated log-odds a * logit + b (+ the length term) (what an ensemble mixes: no round trip
        through a clipped probability, which would flatten the tails into ties). `n_words` (words of each
        normalised text) is needed when the fit has a length term."""
        z = self.a * np.asarray(logits, dtype=np.float64) + self.b
        if self.c:
            if n_words is None:
                raise ValueError(
                    "this calibration has a length term (c != 0) and needs the word count of each text; "
                    "pass n_words=word_counts(normalised_texts)"
                )
            z = z + self.c * length_feature(n_words, self.knot)
        return z

    def apply(self, logits: np.ndarray, n_words: np.ndarray | None = None) -> np.ndarray:
        return sigmoid(self.log_odds(logits, n_words))


def fit_platt(logits: np.ndarray, labels: np.ndarray, n_words: np.ndarray | None = None, max_iter: int = 100) -> Platt:
    """Fit a, b on the log-loss with Platt's smoothed targets, by Newton's method with a backtracking line
    search and a numerically stable loss (Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs").
    With `n_words` (words of each normalised text), also fit the length term and keep it when validation
    supports it (see the module docstring).

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
    prior = math.log((n_pos + 1) / (n_neg + 1))
    plain = _newton(np.stack([x, np.ones_like(x)], axis=1), t, np.array([0.0, prior]), max_iter)
    if plain is None:
        # A negative slope would invert the ranking; keep the model's order and fall back to identity.
        return Platt(1.0, 0.0, 0)
    (a, b), plain_loss = plain
    fit = Platt(float(a), float(b), len(y))
    if n_words is None:
        return fit
    length = length_feature(n_words)
    long = length > 0
    if long.sum() < LENGTH_MIN_LONG or min(y[long].sum(), (1 - y[long]).sum()) < LENGTH_MIN_CLASS:
        return fit
    with_length = _newton(np.stack([x, np.ones_like(x), length], axis=1), t, np.array([a, b, 0.0]), max_iter)
    if with_length is None:
        return fit
    (a, b, c), loss = with_length
    if 2 * (plain_loss - loss) < LENGTH_MIN_LR:
        return fit
    return Platt(float(a), float(b), len(y), c=float(c))


def _newton(features: np.ndarray, t: np.ndarray, theta: np.ndarray, max_iter: int) -> tuple[np.ndarray, float] | None:
    """Minimise sum(log(1 + exp(f)) - t * f), f = features @ theta, from `theta`, by Newton with an Armijo
    backtracking line search. Returns (theta, loss), or None when the fit is not finite or the logit's weight
    (theta[0]) is not positive."""

    def loss(th: np.ndarray) -> float:
        f = features @ th  # written so that exp never overflows
        return float(np.sum(np.logaddexp(0.0, f) - t * f))

    current = loss(theta)
    k = len(theta)
    for _ in range(max_iter):
        p = sigmoid(features @ theta)
        g = features.T @ (p - t)
        if np.max(np.abs(g)) < 1e-5 * max(float(len(t)), 1.0):
            break
        h = p * (1 - p)
        hess = (features * h[:, None]).T @ features + 1e-12 * np.eye(k)
        step = np.linalg.solve(hess, g)
        size = 1.0
        while size >= 1e-10:  # backtrack until the loss decreases sufficiently (Armijo)
            candidate = theta - size * step
            new = loss(candidate)
            if new < current - 1e-4 * size * float(g @ step):
                break
            size /= 2
        else:
            break  # no step decreases the loss: at the minimum to machine precision
        theta, current = candidate, new
        if np.max(np.abs(size * step)) < 1e-10:
            break
    if not np.all(np.isfinite(theta)) or theta[0] <= 0:
        return None
    return theta, current


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
    # 10th and 90th percentiles of the bootstrap resamples' best flags: how firmly validation pins the flag down
    flag_range: list[float] | None = None
    # lowest and highest threshold of the plateau the flag is the middle of (see choose_threshold)
    plateau: list[float] | None = None
    # how many units each of those resamples drew: validation's labelled texts, or its clusters of them (texts of
    # one template, topic or family drawn together) where clusters were given; None in files written before it
    resampled_units: int | None = None

    def decide(self, score: float) -> str:
        if score >= self.block:
            return "block"
        if score >= self.flag:
            return "review"
        return "allow"


# The flag of the F-beta objectives is the middle of a plateau, not an argmax. With a few hundred validation
# positives the F-beta curve is flat near its top: on the default models of 2026-11-28/29 the hoax F0.5 curve on
# validation stayed within 0.05 of its best from 0.30 to 0.85, and its best point jumped between two bumps of that
# plateau. The median of the resamples' best flags (the rule until 2026-11-29) followed the jumps: across five
# trainings the served hoax flags were 0.52-0.80, the same model's flag was 0.62 from int8 and 0.77 from fp32
# validation scores, and a retrained model that ranked hoaxes better failed `saring eval --compare` on a flag
# moved to 0.80. The plateau is every threshold whose F-beta, averaged over the resamples, is within one
# resampling standard deviation (at the best threshold) of the best: the thresholds validation cannot tell apart
# from the best. Its edges are where the curve falls steeply, so they move little, and so does their middle.
# Measured on the served (int8) scores of five trained default models, thresholds refitted only
# (scripts/refit_flags.py): hoax flags 0.56-0.72, four of them 0.56-0.57 (median rule 0.52-0.80); int8 and fp32
# scores of one model give flags at most 0.04 apart (0.15 before); test-split hoax F1 0.818-0.839 (0.773-0.846),
# circulated posts' hoax recall 0.68-0.75 with 11-17% of valid posts flagged (0.61-0.77, 9-19%); test F1 of
# slander -0.008 to +0.003 and of incitement +0.001 to +0.021 against the median rule's, their flags within 0.06.
# Validation is partly templated (the team-written sets): given cluster ids, a resample draws a template's texts
# together (model.resample), and the plateau is the honest, wider one. Training draws texts unless its recipe's
# flag_resampling says clusters: measured on six trained models, the clustered plateau moved the hoax flag down
# and flagged more valid posts out of distribution, with test F1 unchanged (training/config.py).
THRESHOLD_RESAMPLES = 200


def _best_cut(scores: np.ndarray, labels: np.ndarray, beta: float) -> float:
    """The threshold with the highest F-beta (ties: the higher threshold), halfway between adjacent distinct
    scores."""
    thr, prec, rec = pr_points(scores, labels)
    idx = int(np.argmax(fbeta(prec, rec, beta)))  # the first maximum: pr_points runs from the highest threshold down
    return float(_cuts(thr)[idx])


def _threshold_grid(scores: np.ndarray) -> np.ndarray:
    """Candidate thresholds for the plateau: 399 steps across the scores' own range, and for probabilities also
    steps of 1/400 across [0, 1] (so the flags of similar models land on comparable values). The scores' own steps
    keep a model whose scores all sit in a narrow band (0.0001-0.002, say) from finding no threshold at all."""
    lo, hi = float(scores.min()), float(scores.max())
    own = np.linspace(lo, hi, 401)[1:-1]
    if lo >= 0 and hi <= 1:
        return np.unique(np.r_[own, np.linspace(0.0, 1.0, 401)[1:-1]])
    return own


def resampled_fbeta(
    scores: np.ndarray,
    labels: np.ndarray,
    beta: float,
    grid: np.ndarray,
    resamples: int,
    seed: int,
    clusters: np.ndarray | None = None,
) -> np.ndarray:
    """F-beta at every threshold of `grid` (score >= threshold is flagged) for each of `resamples` seeded
    bootstrap resamples of (scores, labels) that hold both classes: an array (resamples kept, len(grid)).
    `clusters`: an id per example (model.resample.cluster_ids); examples sharing one are drawn together.
    A resample is a count per example, so each curve costs one cumulative sum, not a pass per threshold."""
    order = np.argsort(-scores, kind="stable")
    pos = np.asarray(labels)[order] == 1
    # examples with score >= t, for every t: scores sorted descending, so a right-sided search of -t
    at = np.searchsorted(-scores[order], -grid, side="right")
    curves = []
    for w in weight_chunks(len(labels), resamples, seed, clusters):
        counts = w[:, order]
        zero = np.zeros((len(w), 1))
        flagged = np.hstack([zero, np.cumsum(counts, axis=1)])[:, at]
        tp = np.hstack([zero, np.cumsum(counts * pos, axis=1)])[:, at]
        n_pos, n_all = (counts * pos).sum(axis=1), counts.sum(axis=1)
        keep = (n_pos > 0) & (n_pos < n_all)  # a resample needs both classes to have a best threshold
        prec = np.where(flagged > 0, tp / np.maximum(flagged, 1), 0.0)
        rec = tp / np.maximum(n_pos, 1)[:, None]
        curves.append(fbeta(prec, rec, beta)[keep])
    return np.concatenate(curves, axis=0) if curves else np.zeros((0, len(grid)))


def plateau_flag(
    scores: np.ndarray,
    labels: np.ndarray,
    beta: float,
    resamples: int,
    seed: int,
    clusters: np.ndarray | None = None,
) -> tuple[float, list[float], list[float]] | None:
    """(flag, plateau [lo, hi], flag_range [p10, p90] of the resamples' best thresholds), or None when no
    resample holds both classes. The plateau: thresholds whose mean resampled F-beta is within one standard
    deviation (at the best) of the best; the flag: its threshold nearest to the middle of its lowest and highest
    (the plateau need not be one run: a flag is never put in a dip between two bumps)."""
    grid = _threshold_grid(scores)
    curves = resampled_fbeta(scores, labels, beta, grid, resamples, seed, clusters)
    if not len(curves):
        return None
    mean, sd = curves.mean(axis=0), curves.std(axis=0)
    best = int(np.argmax(mean))
    on = grid[mean >= mean[best] - sd[best]]
    middle = (on[0] + on[-1]) / 2
    flag = float(on[int(np.argmin(np.abs(on - middle)))])
    # each resample's best threshold (ties: the higher one, as _best_cut)
    picks = grid[len(grid) - 1 - np.argmax(curves[:, ::-1], axis=1)]
    return flag, [float(on[0]), float(on[-1])], [float(np.percentile(picks, 10)), float(np.percentile(picks, 90))]


def _cuts(thr: np.ndarray) -> np.ndarray:
    """Candidate cut between each distinct score and the next lower one."""
    lower = np.r_[thr[1:], thr[-1] - 1e-6]
    cut = (thr + np.maximum(lower, 0.0)) / 2
    return np.where(cut <= 0, thr, cut)


def _precision_recall_at(scores: np.ndarray, labels: np.ndarray, t: float) -> tuple[float, float]:
    pred = scores >= t
    tp = float(np.sum(pred & (labels == 1)))
    return tp / max(float(pred.sum()), 1.0), tp / max(float(np.sum(labels == 1)), 1.0)


def choose_threshold(
    scores: np.ndarray,
    labels: np.ndarray,
    objective: Objective = "best_f1",
    min_precision: float = 0.8,
    block_precision: float = 0.9,
    beta: float = 1.0,
    resamples: int = THRESHOLD_RESAMPLES,
    seed: int = 0,
    clusters: np.ndarray | None = None,
) -> Threshold:
    """Choose the flag threshold by `objective` and the block threshold by `block_precision`.

    best_f1: the threshold with the highest F1; best_fbeta: the highest F-beta (beta > 1 weighs recall beta
    times as much as precision). With `resamples` > 0 (the default) the flag is the middle of the plateau of
    F-beta averaged over that many bootstrap resamples of (scores, labels), seeded, so the same data always gives
    the same flag (`plateau_flag`); `plateau` records the plateau's ends and `flag_range` the 10th and 90th
    percentiles of the resamples' best thresholds. `clusters` (an id per example, model.resample.cluster_ids):
    examples sharing one (a template, topic or family) are drawn together. With 0, the best threshold of the data
    itself (ties: the higher threshold).
    recall_at_precision: the lowest threshold whose precision >= min_precision (highest recall there);
    falls back to best F1 when no threshold reaches it.
    Thresholds sit halfway between adjacent distinct scores, so they generalise slightly better than the
    exact validation score.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    if len(y) == 0 or y.sum() == 0 or y.sum() == len(y):
        return Threshold(0.5, 0.9, objective)
    if objective not in ("best_f1", "best_fbeta", "recall_at_precision"):
        raise ValueError(
            f"unknown threshold objective {objective!r}; expected 'best_f1', 'best_fbeta' or 'recall_at_precision'"
        )
    thr, prec, rec = pr_points(s, y)
    cut = _cuts(thr)
    flag_range: list[float] | None = None
    plateau: list[float] | None = None
    units: int | None = None
    if objective == "recall_at_precision":
        ok = np.where(prec >= min_precision)[0]
        flag = float(cut[ok[-1]]) if len(ok) else _best_cut(s, y, 1.0)
    else:
        flag_beta = beta if objective == "best_fbeta" else 1.0
        flag = _best_cut(s, y, flag_beta)
        found = plateau_flag(s, y, flag_beta, resamples, seed, clusters) if resamples > 0 else None
        if found is not None:
            flag, plateau, flag_range = found
            units = resampled_units(len(y), clusters)
    p_flag, r_flag = _precision_recall_at(s, y, flag)
    ok = np.where(prec >= block_precision)[0]
    if len(ok):
        bidx = int(ok[-1])
        block = max(float(cut[bidx]), flag)
        bprec = float(prec[bidx]) if cut[bidx] >= flag else p_flag
    else:
        block = max(flag, float(thr[0]) + 1e-6, 0.99)
        bprec = None
    return Threshold(
        flag=flag,
        block=min(block, 1.0),
        objective=objective,
        precision=p_flag,
        recall=r_flag,
        f1=2 * p_flag * r_flag / (p_flag + r_flag) if p_flag + r_flag > 0 else 0.0,
        block_precision=bprec,
        beta=float(beta) if objective == "best_fbeta" else None,
        flag_range=flag_range,
        plateau=plateau,
        resampled_units=units,
    )


def calibration_to_json(platts: dict[str, Platt]) -> dict[str, Any]:
    return {
        "method": "platt",
        "formula": "p = sigmoid(a * logit + b + c * max(0, ln(1 + words) - ln(1 + knot)))",
        "words": "words and punctuation marks of the normalised text",
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
