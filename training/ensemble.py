"""Combining the fine-tuned transformer and the lexical baseline into one ensemble model directory.

Each member keeps its own calibration; per label, the weight of the transformer's calibrated log-odds is
chosen on validation (grid 0.0, 0.1, ..., 1.0, by average precision, ties to the even mix) and the mix is
calibrated and thresholded on validation like any other model.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from model.calibration import fit_platt, word_counts
from model.ensemble import EnsembleBackend, mix
from model.examples import Example, label_matrix
from model.metrics import average_precision
from model.modeldir import ENSEMBLE_JSON, ModelDir, staging_dir
from model.normalize import Normalizer
from model.resample import clusters_of
from model.scorer import Scorer
from training.artifacts import finalize_model_dir
from training.scoring import StepScores

logger = logging.getLogger(__name__)

MEMBERS = ("transformer", "lexical")
GRID = [round(0.1 * k, 1) for k in range(11)]


def choose_weights(per_member: list[np.ndarray], y: np.ndarray, labels: list[str]) -> dict[str, list[float]]:
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(labels):
        keep = ~np.isnan(y[:, j])
        a, b = per_member[0][keep, j], per_member[1][keep, j]
        if np.isnan(b).all() or keep.sum() == 0 or np.nansum(y[keep, j]) == 0:
            weights[name] = [1.0, 0.0]  # the lexical model has no such output (or no validation labels)
            continue
        scored = []
        for w in GRID:
            z = w * a + (1 - w) * b
            scored.append(
                (average_precision(fit_platt(z, y[keep, j]).apply(z), y[keep, j].astype(int)), -abs(w - 0.5), w)
            )
        best = max(scored)[2]
        weights[name] = [best, round(1 - best, 1)]
    return weights


def build_ensemble(
    out: str | Path,
    transformer_dir: str | Path,
    baseline_dir: str | Path,
    splits: dict[str, list[Example]],
    normalizer: Normalizer,
    manifest: dict[str, Any],
    training_config: dict[str, Any],
    *,
    name: str,
    move_transformer: bool = True,
    objective: str = "best_f1",
    min_precision: float = 0.8,
    block_precision: float = 0.9,
    beta: Mapping[str, float] | None = None,
    flag_resampling: str = "texts",
    device: str | None = None,
    transformer_scores: StepScores | None = None,
) -> dict[str, Any]:
    """Write an ensemble model directory at `out` from a trained transformer and baseline directory.
    `flag_resampling`: "clusters" resamples validation's groups whole for the flags' plateau. `device`: where the
    members are scored to fit the mix and the flags (TrainConfig.device; None: model.network.pick_device's choice).
    `transformer_scores`: the transformer's logits of validation and test from its training step, taken instead of
    scoring that member again when it runs the int8 copy that scored them (training/scoring.py)."""
    with staging_dir(out) as stage:
        # Copied, not moved: if anything below fails, the trained transformer is still where training left it
        # (the error says so) and only the ensemble step needs rerunning. It is removed once `out` is complete.
        shutil.copytree(transformer_dir, stage / MEMBERS[0])
        shutil.copytree(baseline_dir, stage / MEMBERS[1])
        members = [Scorer(stage / m, device=device) for m in MEMBERS]
        labels = list(members[0].labels)
        backend = EnsembleBackend(members, {n: [0.5, 0.5] for n in labels}, labels)

        def member_logits(split: str) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
            texts = [normalizer.normalize(e.text) for e in splits[split]]
            given = None
            if transformer_scores is not None:
                raw = transformer_scores.for_member(members[0].backend, split, len(texts))
                if raw is not None:
                    logger.info("the transformer's %s logits from its training step (the same int8 copy)", split)
                    given = {0: raw}
            per_member, _ = backend.member_logits(texts, given)
            return per_member, label_matrix(splits[split], labels), word_counts(texts)

        val_members, y_val, val_words = member_logits("validation")
        weights = choose_weights(val_members, y_val, labels)
        logger.info("ensemble weights of the transformer per label: %s", {k: v[0] for k, v in weights.items()})
        ModelDir(stage).write_json(
            ENSEMBLE_JSON,
            {
                "members": list(MEMBERS),
                "labels": labels,
                "weights": weights,
                "rule": "mix = sum_m w_m * logit(calibrated p_m)",
            },
        )
        test, test_words = None, None
        if splits.get("test"):
            test_members, y_test, test_words = member_logits("test")
            test = (mix(test_members, weights, labels), y_test)
        t_info = members[0].info
        metrics = finalize_model_dir(
            stage,
            kind="ensemble",
            name=name,
            labels=labels,
            normalizer=normalizer,
            max_length=members[0].max_length,
            val=(mix(val_members, weights, labels), y_val),
            test=test,
            val_words=val_words,
            test_words=test_words,
            val_clusters=clusters_of(splits["validation"]) if flag_resampling == "clusters" else None,
            training_config=training_config,
            manifest=manifest,
            objective=objective,
            min_precision=min_precision,
            block_precision=block_precision,
            beta=beta,
            extra_info={
                "members": {m: s.version for m, s in zip(MEMBERS, members, strict=True)},
                "text_prefix": t_info.get("text_prefix", ""),
                "hoax_evidence": t_info.get("hoax_evidence"),
                "train_seconds": t_info.get("train_seconds"),
                # how much of its planned epochs the transformer member's loop ran (its budget may end it early)
                "epochs_seen": t_info.get("epochs_seen"),
                "texts_seen": t_info.get("texts_seen"),
                "texts_distinct": t_info.get("texts_distinct"),
            },
        )
    if move_transformer:
        shutil.rmtree(transformer_dir, ignore_errors=True)
    return metrics
