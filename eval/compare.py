"""Comparing two models on the same data: paired bootstrap intervals of the differences and a verdict.

The difference is NEW - OLD. Both models are scored on the same examples and every bootstrap replicate
resamples the same examples for both (a paired bootstrap), so the interval reflects the difference between
the models, not the noise of the test set twice. Each model is judged at its own flag thresholds.

Verdict per metric: 'better' when the 95% interval of the difference lies entirely on the improving side,
'worse' when it lies entirely on the other side, else 'no significant difference'. For Brier and ECE a
lower value is better.

Out-of-distribution suites (eval.ood: the register-shift suite, the circulated posts) are compared too, on their
primary figure, the mean accuracy over functions, with a paired bootstrap that resamples cases within each
function (every function keeps its size, so each still weighs the same).

The gate: NEW significantly worse on the primary metric (macro F1), or on any suite's mean accuracy over
functions -> exit code 1. A model that is better on the test split and worse on posts unlike the training
corpora is not safe to deploy: the suites stand for what users will send.

When a risk's F1 is worse but its PR-AUC is not, the comparison says so in a warning that names both flags
(`flag_notes`): the flag moved, not the ranking, and a flag can be set from review capacity with a channel policy.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval.bootstrap import LOWER_IS_BETTER, METRICS, bootstrap_models, interval
from eval.evaluator import flag_block, flatten, model_identity, point_metrics, predict
from eval.ood import MEAN_FUNCTION, Suite, cases_right, function_groups
from model.examples import Example, label_matrix
from model.labels import RISKS
from model.splits import HASHED_SPLITS, text_hash

logger = logging.getLogger(__name__)

BETTER, WORSE, SAME = "better", "worse", "no significant difference"
PRIMARY = "macro_f1"
EXIT_WORSE = 1


def verdict(ci: Sequence[float], lower_is_better: bool = False) -> str:
    lo, hi = ci
    if math.isnan(lo) or math.isnan(hi):
        return SAME
    if lo > 0:
        return WORSE if lower_is_better else BETTER
    if hi < 0:
        return BETTER if lower_is_better else WORSE
    return SAME


def compare_scores(
    probs_old: np.ndarray,
    probs_new: np.ndarray,
    labels: np.ndarray,
    flags_old: Sequence[float],
    flags_new: Sequence[float],
    replicates: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """The comparison from scores: per risk and metric, OLD, NEW, the difference, its interval and verdict."""
    labels = np.asarray(labels, dtype=np.float64)
    old_pt = point_metrics(probs_old, labels, flags_old)
    new_pt = point_metrics(probs_new, labels, flags_new)
    old_flat, new_flat = flatten(old_pt), flatten(new_pt)
    b_old, b_new = bootstrap_models([probs_old, probs_new], labels, [flags_old, flags_new], replicates, seed)
    risks: dict[str, Any] = {}
    for r in RISKS:
        if not old_pt[r]["n"]:
            continue
        per = {}
        for k in METRICS:
            diff = b_new[r][k] - b_old[r][k]
            ci = interval(diff, level)
            per[k] = {
                "old": old_pt[r][k],
                "new": new_pt[r][k],
                "diff": new_pt[r][k] - old_pt[r][k],
                "ci": ci,
                "verdict": verdict(ci, k in LOWER_IS_BETTER),
            }
        risks[r] = {
            "n": old_pt[r]["n"],
            "positives": old_pt[r]["positives"],
            "metrics": per,
            "verdict": per["f1"]["verdict"],
        }
    diff = b_new["macro"]["f1"] - b_old["macro"]["f1"]
    ci = interval(diff, level)
    primary = {
        "metric": PRIMARY,
        "old": old_flat[PRIMARY],
        "new": new_flat[PRIMARY],
        "diff": new_flat[PRIMARY] - old_flat[PRIMARY],
        "ci": ci,
        "verdict": verdict(ci),
    }
    return {
        "primary": primary,
        "risks": risks,
        "bootstrap": {
            "replicates": replicates,
            "seed": seed,
            "level": level,
            "method": "paired percentile bootstrap of NEW - OLD; examples resampled with replacement",
        },
        "exit_code": EXIT_WORSE if primary["verdict"] == WORSE else 0,
    }


def compare_suite(
    old: Any, new: Any, suite: Suite, replicates: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, Any]:
    """Both models on one out-of-distribution suite: mean accuracy over functions (each at its own flags), the
    difference NEW - OLD and its paired bootstrap interval (cases resampled within each function)."""
    examples = list(suite.examples)
    if not examples:
        raise ValueError(f"the suite {suite.name} has no cases; expected its rows from the card {suite.name}")
    texts = [e.text for e in examples]
    y = label_matrix(examples, RISKS)
    right = [
        cases_right(predict(m, texts), y, np.array([flag_block(m, r)[0] for r in RISKS])).astype(np.float64)
        for m in (old, new)
    ]
    groups = list(function_groups(examples).values())

    def mean_over_functions(r: np.ndarray, picks: list[np.ndarray]) -> float:
        return float(np.mean([r[p].mean() for p in picks]))

    point = [mean_over_functions(r, groups) for r in right]
    rng = np.random.default_rng(seed)
    diffs = np.empty(replicates)
    for b in range(replicates):
        picks = [g[rng.integers(0, len(g), len(g))] for g in groups]
        diffs[b] = mean_over_functions(right[1], picks) - mean_over_functions(right[0], picks)
    ci = interval(diffs, level) if replicates else [float("nan"), float("nan")]
    return {
        "name": suite.name,
        "title": suite.title,
        "n": len(examples),
        "functions": len(groups),
        "metric": MEAN_FUNCTION,
        "old": point[0],
        "new": point[1],
        "diff": point[1] - point[0],
        "ci": ci,
        "verdict": verdict(ci),
        "right": {"old": int(right[0].sum()), "new": int(right[1].sum())},
    }


def trained_on(model: Any, examples: Sequence[Example]) -> dict[str, Any]:
    """How many of `examples` the model saw in training or validation, from the text fingerprints of its data
    manifest (model.splits.text_hash with the model's own normaliser). Models whose manifest has none (trained
    before saring recorded them) are reported as unchecked."""
    read = getattr(model, "text_fingerprints", None)
    hashes = read() if callable(read) else None
    normalizer = getattr(model, "normalizer", None)
    if not isinstance(hashes, dict) or normalizer is None:
        why = "its data manifest lists no text fingerprints (trained before saring recorded them)"
        return {"checked": False, "why": why}
    ours = [text_hash(normalizer, e.text) for e in examples]
    out: dict[str, Any] = {"checked": True, "n": len(ours)}
    for split in HASHED_SPLITS:
        seen = set(hashes.get(split) or ())
        out[split] = sum(h in seen for h in ours)
    return out


def overlap_warnings(overlap: dict[str, dict[str, Any]]) -> list[str]:
    """Plain sentences for the comparison when a model was trained or calibrated on the texts compared on."""
    out = []
    for role, o in overlap.items():
        if not o.get("checked"):
            out.append(f"{role.upper()}: not checked for training on these texts: {o['why']}.")
            continue
        if o["train"] or o["validation"]:
            out.append(
                f"{role.upper()} was trained on {o['train']} and calibrated on {o['validation']} of the {o['n']} texts "
                f"compared on: the comparison favours {role.upper()} there (its splits differ from the data's, e.g. "
                "trained on other data or before splits were stable per source). Compare on the out-of-distribution "
                "suites or on data neither model saw."
            )
    return out


# Flags closer than this are "the same flag" in flag_notes: what moved is the scores around it, not the flag.
SAME_FLAG = 0.02


def _where(threshold: Any) -> str:
    """Where validation could have put a model's flag: its plateau, else its flag range, else nothing."""
    plateau, span = getattr(threshold, "plateau", None), getattr(threshold, "flag_range", None)
    if plateau:
        return (
            f"; NEW's validation could not tell flags in [{plateau[0]:.2f}, {plateau[1]:.2f}] apart from the best "
            "(its plateau)"
        )
    if span:
        return (
            f"; NEW's validation placed it anywhere in [{span[0]:.2f}, {span[1]:.2f}] (10th-90th percentile of "
            "resamples)"
        )
    return ""


def flag_notes(result: dict[str, Any], old: Any, new: Any) -> list[str]:
    """Plain sentences for each risk whose F1 is significantly worse while its threshold-free ranking (PR-AUC)
    is not: the operating point moved, not the model's ordering of posts. Either the flag moved (names both flags
    and, when NEW records them, its validation plateau, the flags validation could not tell apart from the best
    (model.calibration), or else its flag range, the 10th-90th percentile of the bootstrap resamples' flags on
    validation), or, at nearly the same flag (within SAME_FLAG), NEW's calibrated scores around it did."""
    out = []
    for r, e in result["risks"].items():
        m = e["metrics"]
        if m["f1"]["verdict"] != WORSE or m["pr_auc"]["verdict"] == WORSE:
            continue
        f_old, f_new = flag_block(old, r)[0], flag_block(new, r)[0]
        if abs(f_new - f_old) < SAME_FLAG:
            what = (
                "the flag is nearly the same, so NEW's scores around it moved (its calibration, or retraining "
                "noise), not the ranking"
            )
        else:
            what = "the flag moved, not the ranking" + _where(getattr(new, "thresholds", {}).get(r))
        out.append(
            f"{r}: F1 is worse at NEW's flag {f_new:.3f} (OLD's {f_old:.3f}: precision {m['precision']['old']:.3f} "
            f"-> {m['precision']['new']:.3f}, recall {m['recall']['old']:.3f} -> {m['recall']['new']:.3f}) while "
            f"PR-AUC, which no threshold sets, is {m['pr_auc']['verdict']} ({m['pr_auc']['old']:.3f} -> "
            f"{m['pr_auc']['new']:.3f}): {what}. Fix: set {r}'s flag from your "
            "review capacity with a channel policy, or retrain with more validation data for it."
        )
    return out


def compare_models(
    old: Any,
    new: Any,
    examples: Sequence[Example],
    replicates: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    suites: Sequence[Suite] = (),
) -> dict[str, Any]:
    """Score both models on `examples` and on every suite, and compare them (see compare_scores and
    compare_suite); the gate fails when NEW is significantly worse on macro F1 or on any suite."""
    examples = list(examples)
    if not examples:
        raise ValueError("no examples to compare the models on; expected labelled examples")
    texts = [e.text for e in examples]
    labels = label_matrix(examples, RISKS)
    p_old, p_new = predict(old, texts), predict(new, texts)
    result = compare_scores(
        p_old,
        p_new,
        labels,
        [flag_block(old, r)[0] for r in RISKS],
        [flag_block(new, r)[0] for r in RISKS],
        replicates,
        seed,
        level,
    )
    result["old"] = model_identity(old)
    result["new"] = model_identity(new)
    result["n"] = len(examples)
    result["overlap"] = {"old": trained_on(old, examples), "new": trained_on(new, examples)}
    result["warnings"] = overlap_warnings(result["overlap"]) + flag_notes(result, old, new)
    for w in result["warnings"]:
        logger.warning("%s", w)
    result["suites"] = [compare_suite(old, new, s, replicates, seed, level) for s in suites]
    worse_suites = [s["name"] for s in result["suites"] if s["verdict"] == WORSE]
    result["gate"] = {
        "rule": f"fail when NEW is significantly worse on {PRIMARY} or on any suite's {MEAN_FUNCTION}",
        "worse_on": ([PRIMARY] if result["primary"]["verdict"] == WORSE else []) + worse_suites,
    }
    result["exit_code"] = EXIT_WORSE if result["gate"]["worse_on"] else 0
    logger.info(
        "NEW vs OLD on %s: %+.4f [%.4f, %.4f] -> %s",
        PRIMARY,
        result["primary"]["diff"],
        *result["primary"]["ci"],
        result["primary"]["verdict"],
    )
    return result


def comparison_context(result: dict[str, Any]) -> dict[str, Any]:
    """What comparison.md.j2 and comparison.html.j2 show: the models, the data, the primary verdict, and one row
    per risk and metric (METRICS order)."""
    data = result.get("data", {})
    rows = [
        {"risk": r, "metric": k, "lower_is_better": k in LOWER_IS_BETTER, **e["metrics"][k]}
        for r, e in result["risks"].items()
        for k in METRICS
        if k in e["metrics"]
    ]
    return {
        "old": result["old"],
        "new": result["new"],
        "n": result["n"],
        "primary": result["primary"],
        "data": {"description": data.get("description", ""), "fingerprint": str(data.get("fingerprint", ""))},
        "bootstrap": {**result["bootstrap"], "percent": int(result["bootstrap"]["level"] * 100)},
        "failed": bool(result["exit_code"]),
        "worse_on": result.get("gate", {}).get("worse_on", []),
        "warnings": result.get("warnings", []),
        "rows": rows,
        "suites": result.get("suites", []),
    }


def comparison_markdown(result: dict[str, Any]) -> str:
    """comparison.md."""
    from eval.html import render

    return render("comparison.md.j2", comparison_context(result))


def comparison_html(result: dict[str, Any]) -> str:
    """comparison.html: one self-contained page."""
    from eval.html import render

    return render("comparison.html.j2", comparison_context(result))
