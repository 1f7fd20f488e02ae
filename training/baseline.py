"""Training the lexical baseline (TF-IDF + logistic regression per label) on the same splits as the
transformer. It is the yardstick the transformer must beat, and a fast fallback model."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from model.baseline import BASELINE_SETTINGS, BASELINE_WINDOW, BaselineBackend, make_vectorizer, part_texts
from model.calibration import word_counts
from model.examples import Example, label_matrix, training_targets
from model.labels import ALL_LABELS
from model.modeldir import ModelDir, staging_dir
from model.normalize import Normalizer
from model.resample import clusters_of
from training.artifacts import finalize_model_dir

logger = logging.getLogger(__name__)

MIN_LABELLED = 10  # a label needs this many annotated training examples of each class to get a head


def train_baseline(
    out: str | Path,
    splits: dict[str, list[Example]],
    normalizer: Normalizer,
    manifest: dict[str, Any],
    *,
    c: float = 4.0,
    name: str = "saring-baseline",
    objective: str = "best_f1",
    min_precision: float = 0.8,
    block_precision: float = 0.9,
    beta: Mapping[str, float] | None = None,
    weak_labels: bool = False,
    flag_resampling: str = "texts",
) -> dict[str, Any]:
    """Fit on splits['train'], calibrate on splits['validation'], measure on splits['test'], and write a
    model directory at `out`. `flag_resampling`: "clusters" resamples validation's groups whole for the flags'
    plateau (training.config.TrainConfig.flag_resampling). Returns the metrics."""
    from sklearn.linear_model import LogisticRegression

    t0 = time.perf_counter()
    norm = {k: [normalizer.normalize(e.text) for e in v] for k, v in splits.items()}
    vectorizers = [make_vectorizer(s) for s in BASELINE_SETTINGS.values()]
    marks = [s.get("marks") for s in BASELINE_SETTINGS.values()]
    x_train = sparse.hstack(
        [v.fit_transform(part_texts(m, norm["train"])) for v, m in zip(vectorizers, marks, strict=True)], format="csr"
    )
    # Weak labels (a card's [weak_labels]) train with their weight < 1; see model.examples.training_targets.
    y_train_all, w_train_all = training_targets(splits["train"], ALL_LABELS, weak_labels)
    labels, coefs, intercepts = [], [], []
    for j, name_j in enumerate(ALL_LABELS):
        keep = ~np.isnan(y_train_all[:, j])
        y = y_train_all[keep, j]
        w = w_train_all[keep, j]
        if min(int(y.sum()), int(len(y) - y.sum())) < MIN_LABELLED and name_j not in ("hoax", "slander", "incitement"):
            continue
        if len(np.unique(y)) < 2:
            # A risk with one class only (e.g. analysts' data without positives) still needs an output.
            coefs.append(np.zeros(x_train.shape[1], dtype=np.float32))
            prior = float(np.clip(y.mean() if len(y) else 0.0, 1e-3, 1 - 1e-3))
            intercepts.append(np.log(prior / (1 - prior)))
            labels.append(name_j)
            logger.warning("baseline: %s has a single class in training; its output is a constant", name_j)
            continue
        # Balanced classes (C tuned once on Ibrohim HS, measured-baselines note), computed from the weighted
        # counts so that many weak negatives count as what they weigh, not as their number.
        pos_w, neg_w = float(w[y == 1].sum()), float(w[y == 0].sum())
        sample_weight = np.where(y == 1, w * (pos_w + neg_w) / (2 * pos_w), w * (pos_w + neg_w) / (2 * neg_w))
        clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
        clf.fit(x_train[keep], y.astype(int), sample_weight=sample_weight)
        coefs.append(clf.coef_[0].astype(np.float32))
        intercepts.append(float(clf.intercept_[0]))
        labels.append(name_j)
    backend = BaselineBackend(
        vectorizers, np.stack(coefs, axis=1), np.asarray(intercepts, np.float32), labels, marks, BASELINE_WINDOW
    )
    train_s = time.perf_counter() - t0

    def logits_of(split: str) -> tuple[np.ndarray, np.ndarray]:
        lg, _ = backend.logits(norm[split]) if norm[split] else (np.zeros((0, len(labels))), [])
        return lg, label_matrix(splits[split], labels)

    with staging_dir(out) as stage:
        md = ModelDir(stage)
        backend.save(md)
        metrics = finalize_model_dir(
            stage,
            kind="baseline",
            name=name,
            labels=labels,
            normalizer=normalizer,
            max_length=0,
            val=logits_of("validation"),
            test=logits_of("test") if splits.get("test") else None,
            val_words=word_counts(norm["validation"]),
            val_clusters=clusters_of(splits["validation"]) if flag_resampling == "clusters" else None,
            test_words=word_counts(norm["test"]) if splits.get("test") else None,
            training_config={
                "kind": "baseline",
                "C": c,
                "class_weight": "balanced",
                "vectorizers": BASELINE_SETTINGS,
                "window": BASELINE_WINDOW,
                "objective": objective,
                "min_precision": min_precision,
                "block_precision": block_precision,
                "flag_beta": dict(beta or {}),
                "flag_resampling": flag_resampling,
                "weak_labels": weak_labels,
            },
            manifest=manifest,
            objective=objective,
            min_precision=min_precision,
            block_precision=block_precision,
            beta=beta,
            # what the hoax labels rest on (training/cli.hoax_evidence), on the model card as the other kinds have it
            extra_info={"train_seconds": round(train_s, 2), "hoax_evidence": manifest.get("hoax_evidence")},
        )
    logger.info("baseline trained in %.1f s and written to %s", train_s, out)
    return metrics
