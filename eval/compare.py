"""Comparing two models on the same data: paired bootstrap intervals of the differences and a verdict.

The difference is NEW - OLD. Both models are scored on the same examples and every bootstrap replicate
resamples the same examples for both (a paired bootstrap), so the interval reflects the difference between
the models, not the noise of the test set twice. Examples written from one template, on one topic or in one family
(Example.group) are resampled together (eval.bootstrap: the cluster bootstrap). Each model is judged at its own flag
thresholds.

Verdict per metric: 'better' when the 95% interval of the difference lies entirely on the improving side,
'worse' when it lies entirely on the other side, else 'no significant difference'. For Brier and ECE a
lower value is better.

Out-of-distribution suites (eval.ood: the register-shift suite, the circulated posts) are compared too, on their
primary figure, the mean accuracy over functions, with a paired cluster bootstrap within each function (each
function is resampled on its own, so each still weighs the same). Cases written from one template or sentence
frame (the card's group_column: Example.group) are not independent: the 34 fills of one group-swap frame are mostly
all right or all wrong together, so resampling them as single cases would count one frame as 34 pieces of evidence
and make the interval far too narrow. A replicate therefore draws a function's clusters with replacement and keeps
each whole (model.resample.weight_chunks with cluster ids; Davison & Hinkley 1997, ch. 3.8, strategy 1); a case
without a group is its own cluster. A function written from a single template has no between-template spread to
draw on: its cases are resampled instead (that function's interval is then too narrow, as every interval was before
clusters).

The gate: NEW significantly worse on the primary metric (macro F1), or on any suite's mean accuracy over
functions -> exit code 1. A model that is better on the test split and worse on posts unlike the training
corpora is not safe to deploy: the suites stand for what users will send.

When a risk's F1 is worse but its PR-AUC is not, the comparison says so in a warning that names both flags
(`flag_notes`): the flag moved, not the ranking, and a flag can be set from review capacity with a channel policy.

Retraining noise. Two trainings of one recipe that differ only in their seed differ on the test split too (the
tenth session: slander F1 0.684-0.715 across five trainings of the default recipe, macro F1 0.747-0.751 across
three seeds), and the paired bootstrap knows only the test set's noise, so one lucky OLD fails an ordinary NEW.
Given more trainings of either side (`old_runs`, `new_runs`: the same recipe and data, another seed), each side
is the mean over its trainings, and every interval is widened by the spread between trainings: each bootstrap
replicate of the difference of the means gets NOISE_DRAWS draws of training noise, Student t with the pooled
degrees of freedom ((K_old - 1) + (K_new - 1)) scaled by the pooled SD of the trainings' values on the full data
times sqrt(1/K_old + 1/K_new) (`training_spread`). A side with one training is assumed to spread like the other. With
one training per side nothing is added and the comparison is the plain paired bootstrap. Few trainings give
wide intervals on purpose (one degree of freedom: a Cauchy draw); three per side is the least that says much.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval.bootstrap import (
    LOWER_IS_BETTER,
    METRICS,
    RESAMPLING,
    bootstrap_models,
    interval,
)
from eval.data import one_class_notes
from eval.evaluator import flag_beta, flag_block, flatten, model_identity, point_metrics, predict
from eval.ood import MEAN_FUNCTION, Suite, cases_right, function_groups
from model.examples import Example, label_matrix
from model.labels import RISKS
from model.modeldir import MANIFEST_JSON, MODEL_JSON, TRAINING_CONFIG_JSON
from model.resample import clusters_of, resampled_units, weight_chunks
from model.splits import HASHED_SPLITS, split_settings, text_hash

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


def training_spread(old_values: Sequence[float], new_values: Sequence[float]) -> dict[str, Any]:
    """The spread between trainings of each side: pooled SD of the values around their side's mean, its degrees
    of freedom ((K_old - 1) + (K_new - 1)), and `se`, what it adds to the uncertainty of the difference of the
    sides' means (SD * sqrt(1/K_old + 1/K_new)). df 0 (one training per side): nothing is known, se 0."""
    sides = [np.asarray(old_values, dtype=np.float64), np.asarray(new_values, dtype=np.float64)]
    df = sum(len(v) - 1 for v in sides)
    if df <= 0:
        return {"sd": 0.0, "df": 0, "se": 0.0}
    squares = sum(float(np.sum((v - v.mean()) ** 2)) for v in sides)
    sd = math.sqrt(squares / df)  # NaN when a value is NaN: the interval is then NaN and the verdict "no difference"
    return {"sd": sd, "df": df, "se": sd * math.sqrt(1 / len(sides[0]) + 1 / len(sides[1]))}


# Training-noise draws per bootstrap replicate: the interval's ends are quantiles of a heavy-tailed sum, and one
# draw per replicate left them with Monte-Carlo error of ~20% at one degree of freedom (1,000 replicates).
NOISE_DRAWS = 20
# Fewer degrees of freedom than this and the comparison says how little it can tell (t's 97.5% point is 4.3 at 2,
# 12.7 at 1): the gate then passes nearly anything.
FEW_DF = 3


def training_noise(df: int, replicates: int, seed: int) -> np.ndarray:
    """NOISE_DRAWS Student-t draws per bootstrap replicate, (replicates, NOISE_DRAWS), seeded apart from the
    resamples; zeros (one column) when df is 0."""
    if df <= 0 or replicates <= 0:
        return np.zeros((max(replicates, 0), 1))
    return np.random.default_rng([seed, 0x5A]).standard_t(df, size=(replicates, NOISE_DRAWS))


def _side_difference(
    olds: Sequence[float],
    news: Sequence[float],
    b_olds: Sequence[np.ndarray],
    b_news: Sequence[np.ndarray],
    noise: np.ndarray,
    level: float,
    lower_is_better: bool = False,
) -> dict[str, Any]:
    """Point values (each side's mean over its trainings), the difference, its interval and verdict; with
    several trainings the spread between them widens the interval (training_spread, training_noise)."""
    old, new = float(np.mean(olds)), float(np.mean(news))
    diffs = np.mean(b_news, axis=0) - np.mean(b_olds, axis=0)
    spread = training_spread(olds, news)
    if spread["df"]:
        diffs = (diffs[:, None] + spread["se"] * noise[: len(diffs)]).ravel()
    ci = interval(diffs, level)
    out: dict[str, Any] = {
        "old": old,
        "new": new,
        "diff": new - old,
        "ci": ci,
        "verdict": verdict(ci, lower_is_better),
    }
    if spread["df"]:
        out["spread"] = {**spread, "old_runs": [float(v) for v in olds], "new_runs": [float(v) for v in news]}
    return out


def _runs(x: Any, depth: int) -> list[Any]:
    """One model's value (`depth` dimensions: scores 2, flags 1) or a list of them, one per training: the list."""
    if isinstance(x, np.ndarray):
        return [x] if x.ndim == depth else list(x)
    return [x] if len(x) and np.ndim(x[0]) == depth - 1 else list(x)


def compare_scores(
    probs_old: np.ndarray | Sequence[np.ndarray],
    probs_new: np.ndarray | Sequence[np.ndarray],
    labels: np.ndarray,
    flags_old: Sequence[float] | Sequence[Sequence[float]],
    flags_new: Sequence[float] | Sequence[Sequence[float]],
    replicates: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    betas: Sequence[float] | None = None,
    clusters: np.ndarray | None = None,
) -> dict[str, Any]:
    """The comparison from scores: per risk and metric, OLD, NEW, the difference, its interval and verdict.

    Each side is one model's (n, 3) scores and flags, or a list of them, one per training of its recipe: then
    the side's value is the mean over its trainings and the spread between trainings widens every interval.
    `betas` (one per risk, the same for both sides so that the difference is of one measure; 1 each when not
    given) is the beta of the `fbeta` rows: compare_models passes the beta NEW's flags were chosen by. `clusters`:
    an id per example (model.resample.cluster_ids); examples sharing one are resampled together."""
    p_old, p_new = _runs(probs_old, 2), _runs(probs_new, 2)
    f_old, f_new = _runs(flags_old, 1), _runs(flags_new, 1)
    labels = np.asarray(labels, dtype=np.float64)
    if not p_old or not p_new or len(p_old) != len(f_old) or len(p_new) != len(f_new):
        raise ValueError(
            f"{len(p_old)} OLD and {len(p_new)} NEW score sets with {len(f_old)} and {len(f_new)} sets of flags found; "
            "expected at least one training per side and one set of flags per training. Fix: pass each side as one "
            "model's scores and flags or as lists of them, one per training"
        )
    for role, side in (("OLD", p_old), ("NEW", p_new)):
        for i, p in enumerate(side):
            shape = np.shape(p)
            if shape != (len(labels), len(RISKS)):
                raise ValueError(
                    f"{role} training {i + 1}: scores of shape {shape} found, expected ({len(labels)}, {len(RISKS)}) "
                    f"(one row per example, one column per risk {list(RISKS)}). Fix: score every example once"
                )
            if not np.isfinite(np.asarray(p, dtype=np.float64)).all():
                raise ValueError(
                    f"{role} training {i + 1}: {int((~np.isfinite(np.asarray(p, dtype=np.float64))).sum())} scores "
                    "are NaN or infinite; expected probabilities in [0, 1]. Fix: that model is broken (a diverged "
                    "training?): retrain it or leave it out"
                )
    beta = [float(b) for b in betas] if betas is not None else [1.0] * len(RISKS)
    per_risk = [point_metrics(p, labels, f, beta) for p, f in zip(p_old + p_new, f_old + f_new, strict=True)]
    points = [flatten(pm) for pm in per_risk]
    boots = bootstrap_models(p_old + p_new, labels, f_old + f_new, replicates, seed, [beta] * len(per_risk), clusters)
    k = len(p_old)
    pt_old, pt_new, b_old, b_new = points[:k], points[k:], boots[:k], boots[k:]
    noise = training_noise((k - 1) + (len(p_new) - 1), replicates, seed)
    first = per_risk[0]  # counts of labelled examples and positives: the same for every training
    risks: dict[str, Any] = {}
    for r in RISKS:
        if not first[r]["n"]:
            continue
        per = {
            m: _side_difference(
                [pt[f"{r}_{m}"] for pt in pt_old],
                [pt[f"{r}_{m}"] for pt in pt_new],
                [b[r][m] for b in b_old],
                [b[r][m] for b in b_new],
                noise,
                level,
                m in LOWER_IS_BETTER,
            )
            for m in METRICS
        }
        risks[r] = {
            "n": first[r]["n"],
            "positives": first[r]["positives"],
            "beta": first[r]["beta"],
            "metrics": per,
            "verdict": per["f1"]["verdict"],
        }
    primary = {
        "metric": PRIMARY,
        **_side_difference(
            [pt[PRIMARY] for pt in pt_old],
            [pt[PRIMARY] for pt in pt_new],
            [b["macro"]["f1"] for b in b_old],
            [b["macro"]["f1"] for b in b_new],
            noise,
            level,
        ),
    }
    method = f"paired percentile bootstrap of NEW - OLD; {RESAMPLING}"
    if len(p_old) + len(p_new) > 2:
        method += (
            f"; each side the mean of its trainings (OLD {len(p_old)}, NEW {len(p_new)}), each replicate plus "
            f"{NOISE_DRAWS} Student-t draws of the spread between trainings"
        )
    return {
        "primary": primary,
        "risks": risks,
        "bootstrap": {
            "replicates": replicates,
            "seed": seed,
            "level": level,
            "method": method,
            "clusters": resampled_units(len(labels), clusters),
        },
        "exit_code": EXIT_WORSE if primary["verdict"] == WORSE else 0,
    }


def compare_suite(
    old: Any | Sequence[Any],
    new: Any | Sequence[Any],
    suite: Suite,
    replicates: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Both sides on one out-of-distribution suite: mean accuracy over functions (each model at its own flags),
    the difference NEW - OLD and its paired bootstrap interval (within each function, templates resampled whole).
    A side may be a list of trainings of one recipe: its mean over them, and their spread widens the interval."""
    olds: list[Any] = list(old) if isinstance(old, (list, tuple)) else [old]
    news: list[Any] = list(new) if isinstance(new, (list, tuple)) else [new]
    examples = list(suite.examples)
    if not examples:
        raise ValueError(f"the suite {suite.name} has no cases; expected its rows from the card {suite.name}")
    texts = [e.text for e in examples]
    y = label_matrix(examples, RISKS)
    right = [
        cases_right(predict(m, texts), y, np.array([flag_block(m, r)[0] for r in RISKS])).astype(np.float64)
        for m in olds + news
    ]
    groups = list(function_groups(examples).values())
    ids = clusters_of(examples)
    point = [float(np.mean([r[g].mean() for g in groups])) for r in right]
    # Each function is resampled on its own (its own seed stream), its clusters drawn whole (eval.bootstrap), and
    # weighs the same in every replicate's mean over functions.
    reps = np.zeros((len(right), replicates))
    for f, g in enumerate(groups):
        w = np.concatenate([np.zeros((0, len(g))), *weight_chunks(len(g), replicates, [seed, f], ids[g])])
        for m, r in enumerate(right):
            reps[m] += (w @ r[g]) / w.sum(axis=1)
    reps /= len(groups)
    k = len(olds)
    noise = training_noise((k - 1) + (len(news) - 1), replicates, seed)
    side = _side_difference(point[:k], point[k:], list(reps[:k]), list(reps[k:]), noise, level)
    return {
        "name": suite.name,
        "title": suite.title,
        "n": len(examples),
        "functions": len(groups),
        "clusters": sum(resampled_units(len(g), ids[g]) for g in groups),
        "metric": MEAN_FUNCTION,
        **side,
        "right": {"old": _mean_count(right[:k]), "new": _mean_count(right[k:])},
    }


def _mean_count(rights: Sequence[np.ndarray]) -> int | float:
    """Cases right: the count for one training, the mean count (one decimal) over several."""
    counts = [int(r.sum()) for r in rights]
    return counts[0] if len(counts) == 1 else round(float(np.mean(counts)), 1)


# Settings that may differ between trainings of one recipe: the seed, where it ran (unless a time budget makes the
# machine decide how much is trained: see training_recipe), and settings that change no result.
RUN_SETTINGS = frozenset(
    {"seed", "threads", "device", "eval_batch_size", "name", "checkpoint_every_steps", "checkpoint_every_seconds"}
)
# Configuration keys added after the first models recorded their training configuration, with the value those
# models ran with (what training did before the option existed), so that a model written before an option is not
# said to differ from one that records the option at that value. A key added to training/config.py's TrainConfig
# goes here too (tests/eval/test_compare_settings.py checks that none is missing and that each value is one the
# option accepts).
ADDED_SETTINGS: dict[str, Any] = {
    "ensemble": False,  # the transformer served alone
    "train_top_layers": None,  # every layer kept was trained
    "weak_labels": False,
    "baseline_weak_labels": False,
    "oversample": {},
    "flag_beta": {},  # every risk's flag by F1 (threshold_objective "best_f1")
    "mixed_precision": "off",
    "fast_dropout": False,  # torch's dropout masks
    "frozen_cache_gb": 0.0,  # the frozen layers recomputed at every step
    "fused_optimizer": False,
    "teacher": None,
    "lexical_teacher": False,
    "distill_weight": 0.7,  # unused without a teacher; the option's default, so that it never differs alone
    "distill_transfer": 0.0,
    "max_steps": None,
    "flag_resampling": "texts",
    "step_budget_minutes": None,
    "style_augment": 0.0,
    "layer_lr_decay": 1.0,  # every trained layer at `lr` (the forty-fifth session's option)
    "ema_decay": None,  # the loop's own weights saved, no moving average (the fifty-eighth session's option)
    "lr_schedule": "linear",  # the rate decayed linearly to zero after the warm-up
    "ema_power": 8.0,  # the average's warm-up (1 + n) / (10 + n) before the fifty-ninth session made it an option
    "warmup_by": "steps",  # the warm-up counted in planned steps alone (the sixty-first session's option)
    "scoring_precision": "loop",  # validation and test in the loop's precision (the sixty-second session's option)
    "frozen_precision": "loop",  # the frozen layers' states in the loop's precision (the sixty-fifth session's option)
    "spread_repeats": False,  # the epoch shuffled whole, repeats anywhere (the sixty-fourth session's option)
}


def _read(d: Any, name: str) -> dict[str, Any]:
    """A JSON object of a model directory; {} when the file is missing (older models) or not an object."""
    out = d.read_json(name, default={})
    return out if isinstance(out, dict) else {}


def training_config(model: Any) -> dict[str, Any] | None:
    """The model's training configuration (keys added since filled with what older models ran with); None for
    a model without a directory."""
    d = getattr(model, "dir", None)
    if d is None or not hasattr(d, "read_json"):
        return None
    return {**ADDED_SETTINGS, **_read(d, TRAINING_CONFIG_JSON)}


def _trained_info(d: Any) -> dict[str, Any]:
    """What the model records about its training: its own model JSON over its transformer member's (an ensemble's
    loop is its transformer's)."""
    return {**_read(d, "transformer/" + MODEL_JSON), **_read(d, MODEL_JSON)}


def training_recipe(model: Any, config: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """What must be the same for two trainings to be runs of one recipe: the training configuration but for
    RUN_SETTINGS, the precision the loop actually ran in, the split seed and the sources of the data manifest
    (and, when a time budget ends the loop, the threads and device too: they decide how much of the data is
    trained). `config`: the model's training_config when already read. None for a model without a directory."""
    config = training_config(model) if config is None else config
    if config is None:
        return None
    d = model.dir
    manifest = _read(d, MANIFEST_JSON)
    timed = config.get("time_budget_minutes") is not None
    recipe = {k: v for k, v in config.items() if k not in RUN_SETTINGS or (timed and k in ("threads", "device"))}
    info = _trained_info(d)
    recipe["loop precision"] = info.get("training_precision", "fp32")  # models before it was recorded: fp32
    recipe["split seed"] = manifest.get("seed")
    recipe["sources"] = manifest.get("sources")
    return recipe


def training_key(model: Any) -> str:
    """What tells two trainings apart: the sha256 of the weights the model records, else its version."""
    info = getattr(model, "info", None)
    weights = info.get("weights_sha256") if isinstance(info, dict) else None
    if isinstance(weights, dict) and weights:
        return json.dumps(weights, sort_keys=True)
    return str(getattr(model, "version", id(model)))


def _label(model: Any) -> str:
    return str(getattr(model, "version", None) or getattr(model, "name", "a model"))


def run_checks(olds: Sequence[Any], news: Sequence[Any]) -> list[str]:
    """Refuse a training given twice when there are several (in one side, or on both); return plain sentences
    when a side's trainings are not runs of one recipe (their spread would be more than retraining noise) or repeat
    a seed, and when there are too few trainings for the spread to say much."""
    # A model compared with itself (one training per side) is a legitimate check; with more trainings a training
    # given twice, in one side or on both, would shrink the spread or hide in both means.
    models: list[Any] = [*olds, *news] if len(olds) + len(news) > 2 else []
    keys = [training_key(m) for m in models]
    twice = sorted({_label(m) for m, k in zip(models, keys, strict=True) if keys.count(k) > 1})
    if twice:
        raise ValueError(
            f"the same training is given more than once (the same weights: {', '.join(twice)}); expected different "
            "trainings, each once, OLD's and NEW's apart (e.g. `saring train --set seed=N` for N = 7, 13, ...). "
            "Fix: give each training once"
        )
    out: list[str] = []
    for role, side in (("old", olds), ("new", news)):
        configs = [training_config(m) for m in side]
        if len(side) < 2 or any(c is None for c in configs):
            continue
        recipes = [training_recipe(m, c) for m, c in zip(side, configs, strict=True)]
        first = recipes[0]
        assert first is not None
        differ = sorted(
            {k for r in recipes[1:] if r is not None for k in set(first) | set(r) if first.get(k) != r.get(k)}
        )
        if differ:
            out.append(
                f"{role.upper()}'s {len(side)} trainings differ in {', '.join(differ)} (beyond the seed): their "
                "spread is more than retraining noise, so the intervals are wider than one recipe's. Fix: compare "
                "trainings of one recipe and data that differ only in `--set seed=N`."
            )
        seeds = [c.get("seed") for c in configs if c is not None]
        if len(set(seeds)) < len(seeds):
            out.append(
                f"{role.upper()}'s trainings repeat a seed ({seeds}): trainings with the same seed differ only by "
                "the machine, which understates the spread. Fix: give each training its own `--set seed=N`."
            )
    splits = [split_settings(getattr(m, "manifest", None)) for m in [*olds, *news]]
    split_seeds = sorted({s["seed"] for s in splits if s is not None})
    if len(split_seeds) > 1:
        out.append(
            f"the trainings were split with different seeds ({', '.join(map(str, split_seeds))}): on the catalogue "
            "they are compared on NEW's test split, of which a training split otherwise has seen some texts (counted "
            "above when it records them). Fix: train a recipe's runs with `saring train --set seed=N`, which seeds "
            "the training alone, not `--seed N`, which moves the split too."
        )
    df = len(olds) + len(news) - 2
    if 0 < df < FEW_DF:
        out.append(
            f"only {len(olds)} OLD and {len(news)} NEW trainings ({df} degree{'s' if df > 1 else ''} of freedom for "
            "their spread): the intervals are very wide and the gate passes nearly anything. Fix: give three or more "
            "trainings per side."
        )
    return out


# NEW's loops against OLD's: a mean number of updates further apart than this, where the loops ran under a time
# budget, is said in a warning. On 2 cores of one machine the hour's speed moved one recipe's loop from 511 to 712
# updates (docs/quality.md, sixty-sixth session), more than the options the gate was asked about moved it.
LOOP_GAP = 0.10


def loop_record(model: Any) -> dict[str, Any] | None:
    """How much the transformer's training loop ran, as the model records it: `updates`, `epochs_seen`,
    `examples_per_second`, and `budget` (whether a time budget could end it, so that the machine's speed decided
    how much was trained). None for a model that records no loop (a TF-IDF model, a model without a directory, a
    transformer trained before saring recorded its updates)."""
    d = getattr(model, "dir", None)
    if d is None or not hasattr(d, "read_json"):
        return None
    info = _trained_info(d)
    updates = info.get("updates")
    if not isinstance(updates, int) or isinstance(updates, bool) or updates < 0:
        return None
    config = training_config(model) or {}
    return {
        "updates": updates,
        "epochs_seen": info.get("epochs_seen"),
        "examples_per_second": info.get("examples_per_second"),
        "budget": config.get("time_budget_minutes") is not None,
    }


def loop_notes(records: dict[str, list[dict[str, Any] | None]]) -> list[str]:
    """A sentence when the loops ran under a time budget and NEW's trainings ran a mean number of updates more than
    LOOP_GAP away from OLD's: part of any difference is then how fast the machine ran, not what NEW changed.
    `records`: each side's loop_record per training ({"old": [...], "new": [...]})."""
    if any(r is None for side in records.values() for r in side):
        return []
    if not any(r["budget"] for side in records.values() for r in side if r is not None):
        return []  # the steps or the epochs decided: both sides trained what they were told to
    updates = {role: [r["updates"] for r in side if r is not None] for role, side in records.items()}
    old, new = (float(np.mean(updates[k])) for k in ("old", "new"))
    if old <= 0 or abs(new / old - 1.0) <= LOOP_GAP:
        return []

    def said(role: str) -> str:
        u = updates[role]
        return f"{u[0]} updates" if len(u) == 1 else f"{', '.join(map(str, u))} updates (mean {np.mean(u):.0f})"

    return [
        f"the training loops ran under a time budget, and NEW's ran {said('new')} against OLD's {said('old')}: "
        f"{abs(new / old - 1.0):.0%} {'more' if new > old else 'fewer'}, so part of any difference is how fast the "
        "machine ran, not what NEW changed. Fix: train both sides to the same number of updates with the budgets off "
        "(`--set max_steps=N --set time_budget_minutes=none --set step_budget_minutes=none`), or train OLD's and "
        "NEW's recipes alternately in the same hour"
    ]


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
        beta = e.get("beta", 1.0)
        if beta != 1.0 and "fbeta" in m:
            # a flag chosen for F-beta trades F1 for its own objective: say which way that objective went
            what += (
                f"; F{beta:g}, the objective NEW's flag was chosen by, is {m['fbeta']['verdict']} "
                f"({m['fbeta']['old']:.3f} -> {m['fbeta']['new']:.3f})"
            )
        out.append(
            f"{r}: F1 is worse at NEW's flag {f_new:.3f} (OLD's {f_old:.3f}: precision {m['precision']['old']:.3f} "
            f"-> {m['precision']['new']:.3f}, recall {m['recall']['old']:.3f} -> {m['recall']['new']:.3f}) while "
            f"PR-AUC, which no threshold sets, is {m['pr_auc']['verdict']} ({m['pr_auc']['old']:.3f} -> "
            f"{m['pr_auc']['new']:.3f}): {what}. Fix: set {r}'s flag from your "
            "review capacity with a channel policy, or retrain with more validation data for it."
        )
    return out


def beta_notes(olds: Sequence[Any], news: Sequence[Any]) -> list[str]:
    """A sentence for each risk whose flags were chosen by different F-betas in the trainings compared: the
    `fbeta` rows measure every training at NEW's beta, which is then not every flag's own objective."""
    out = []
    for r in RISKS:
        want = flag_beta(news[0], r)
        other = sorted({flag_beta(m, r) for m in [*olds, *news]} - {want})
        if other:
            out.append(
                f"{r}: NEW's flag was chosen by F{want:g}, and flags compared with it by "
                f"{', '.join(f'F{b:g}' for b in other)}; the fbeta rows measure every training at F{want:g}. "
                "Fix: compare F1 and PR-AUC for this risk, or retrain both sides with the same threshold objective"
            )
    return out


def model_notes(olds: Sequence[Any], news: Sequence[Any]) -> list[str]:
    """A sentence when OLD and NEW are one training (a check of the comparison itself, or a path given twice by
    mistake), and for each training that was not trained on some risk (eval.modelcheck.untrained_note)."""
    from eval.modelcheck import untrained_note

    out = []
    if len(olds) == len(news) == 1 and training_key(olds[0]) == training_key(news[0]):
        out.append(
            f"OLD and NEW are the same training ({_label(news[0])}, the same weights): every difference is zero and "
            "the gate passes by construction. Fix: if a new model was meant, pass its directory as NEW_DIR"
        )
    for role, side in (("OLD", olds), ("NEW", news)):
        for i, m in enumerate(side, start=1):
            note = untrained_note(role if len(side) == 1 else f"{role}'s training {i}", m)
            if note:
                out.append(note)
    return out


def compare_models(
    old: Any,
    new: Any,
    examples: Sequence[Example],
    replicates: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    suites: Sequence[Suite] = (),
    old_runs: Sequence[Any] = (),
    new_runs: Sequence[Any] = (),
) -> dict[str, Any]:
    """Score both models on `examples` and on every suite, and compare them (see compare_scores and
    compare_suite); the gate fails when NEW is significantly worse on macro F1 or on any suite.

    `old_runs` / `new_runs`: other trainings of OLD's / NEW's recipe (another seed). Each side is then the mean
    over its trainings and the spread between them widens the intervals (module docstring)."""
    examples = list(examples)
    if not examples:
        raise ValueError("no examples to compare the models on; expected labelled examples")
    olds, news = [old, *old_runs], [new, *new_runs]
    loops = {"old": [loop_record(m) for m in olds], "new": [loop_record(m) for m in news]}
    run_notes = run_checks(olds, news) + loop_notes(loops) + beta_notes(olds, news)
    texts = [e.text for e in examples]
    labels = label_matrix(examples, RISKS)
    result = compare_scores(
        [predict(m, texts) for m in olds],
        [predict(m, texts) for m in news],
        labels,
        [[flag_block(m, r)[0] for r in RISKS] for m in olds],
        [[flag_block(m, r)[0] for r in RISKS] for m in news],
        replicates,
        seed,
        level,
        [flag_beta(new, r) for r in RISKS],
        clusters_of(examples),
    )
    result["old"] = model_identity(old)
    result["new"] = model_identity(new)
    result["runs"] = {"old": [model_identity(m) for m in olds], "new": [model_identity(m) for m in news]}
    result["loops"] = loops
    result["n"] = len(examples)
    result["overlap"] = {"old": trained_on(old, examples), "new": trained_on(new, examples)}
    more = {
        f"{role}'s training {i}": trained_on(m, examples)
        for role, side in (("old", olds), ("new", news))
        for i, m in enumerate(side[1:], start=2)
    }
    more = {k: o for k, o in more.items() if o.get("checked") and (o["train"] or o["validation"])}
    # flag notes read one training's flags; with several trainings per side the spread speaks instead
    flags = flag_notes(result, old, new) if len(olds) == len(news) == 1 else []
    result["warnings"] = (
        overlap_warnings(result["overlap"])
        + overlap_warnings(more)
        + run_notes
        + flags
        + model_notes(olds, news)
        + one_class_notes(examples)
    )
    for w in result["warnings"]:
        logger.warning("%s", w)
    result["suites"] = [compare_suite(olds, news, s, replicates, seed, level) for s in suites]
    worse_suites = [s["name"] for s in result["suites"] if s["verdict"] == WORSE]
    result["gate"] = {
        "rule": f"fail when NEW is significantly worse on {PRIMARY} or on any suite's {MEAN_FUNCTION}"
        + (" (retraining spread included)" if len(olds) + len(news) > 2 else ""),
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


def _metric_label(metric: str, risk_entry: dict[str, Any]) -> str:
    """A row's metric as the tables name it: fbeta with its beta, the objective NEW's flag was chosen by."""
    if metric != "fbeta":
        return metric
    return f"fbeta (F{risk_entry.get('beta', 1.0):g}, the flag's objective)"


def comparison_context(result: dict[str, Any]) -> dict[str, Any]:
    """What comparison.md.j2 and comparison.html.j2 show: the models, the data, the primary verdict, and one row
    per risk and metric (METRICS order)."""
    data = result.get("data", {})
    rows = [
        {"risk": r, "metric": _metric_label(k, e), "lower_is_better": k in LOWER_IS_BETTER, **e["metrics"][k]}
        for r, e in result["risks"].items()
        for k in METRICS
        if k in e["metrics"]
    ]
    runs = result.get("runs", {"old": [result["old"]], "new": [result["new"]]})
    return {
        "old": result["old"],
        "new": result["new"],
        "runs": runs,
        "several": len(runs["old"]) + len(runs["new"]) > 2,
        "df": len(runs["old"]) + len(runs["new"]) - 2,
        "n": result["n"],
        "primary": result["primary"],
        "data": {"description": data.get("description", ""), "fingerprint": str(data.get("fingerprint", ""))},
        "bootstrap": {**result["bootstrap"], "percent": int(result["bootstrap"]["level"] * 100)},
        "failed": bool(result["exit_code"]),
        "worse_on": result.get("gate", {}).get("worse_on", []),
        "warnings": result.get("warnings", []),
        "loops": _loops_line(result.get("loops")),
        "rows": rows,
        "suites": result.get("suites", []),
    }


def _loops_line(loops: dict[str, list[Any]] | None) -> str:
    """'OLD 712, 511 updates (0.38, 0.27 of an epoch); NEW ...' for the reports, or '' when a side records none."""
    if not loops or any(r is None for side in loops.values() for r in side):
        return ""

    def side(records: list[dict[str, Any]]) -> str:
        text = ", ".join(str(r["updates"]) for r in records) + " updates"
        seen = [r.get("epochs_seen") for r in records]
        if all(isinstance(x, int | float) for x in seen):
            text += f" ({', '.join(f'{x:.2f}' for x in seen)} of an epoch)"
        return text

    return f"OLD {side(loops['old'])}; NEW {side(loops['new'])}"


def comparison_markdown(result: dict[str, Any]) -> str:
    """comparison.md."""
    from eval.html import render

    return render("comparison.md.j2", comparison_context(result))


def comparison_html(result: dict[str, Any]) -> str:
    """comparison.html: one self-contained page."""
    from eval.html import render

    return render("comparison.html.j2", comparison_context(result))
