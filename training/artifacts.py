"""Writing a trained model directory: calibration and thresholds fitted on validation, metrics, identity.

Shared by the transformer trainer and the baseline, so both kinds produce the same files (model/modeldir.py
names them) and the same scorer reads both.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from model.calibration import (
    Platt,
    Threshold,
    calibration_to_json,
    choose_threshold,
    fit_platt,
    thresholds_to_json,
)
from model.labels import RISKS
from model.metrics import macro, nanmean, risk_metrics
from model.modeldir import (
    CALIBRATION_JSON,
    FORMAT_VERSION,
    MANIFEST_JSON,
    METRICS_JSON,
    MODEL_JSON,
    OPERATING_POINTS_JSON,
    THRESHOLDS_JSON,
    TRAINING_CONFIG_JSON,
    ModelDir,
    file_sha256,
    git_commit,
    library_versions,
)
from model.normalize import Normalizer
from model.operating import operating_points

logger = logging.getLogger(__name__)


def fit_calibration(
    labels: list[str], logits: np.ndarray, y: np.ndarray, n_words: np.ndarray | None = None
) -> dict[str, Platt]:
    """One Platt fit per label on the rows that label is known for; with `n_words` (words of each normalised
    text) a label may get a length term where validation supports it (model.calibration)."""
    out = {}
    for j, name in enumerate(labels):
        keep = ~np.isnan(y[:, j])
        out[name] = fit_platt(logits[keep, j], y[keep, j], None if n_words is None else n_words[keep])
    return out


def apply_calibration(
    labels: list[str], platts: dict[str, Platt], logits: np.ndarray, n_words: np.ndarray | None = None
) -> np.ndarray:
    if not len(labels):
        return logits
    return np.stack([platts[n].apply(logits[:, j], n_words) for j, n in enumerate(labels)], axis=1)


def fit_thresholds(
    labels: list[str],
    probs: np.ndarray,
    y: np.ndarray,
    objective: str,
    min_precision: float,
    block_precision: float,
    beta: Mapping[str, float] | None = None,
    clusters: np.ndarray | None = None,
) -> dict[str, Threshold]:
    """Each risk's thresholds from its labelled validation rows (model.calibration.choose_threshold). `clusters`:
    an id per validation row (model.resample.clusters_of); rows sharing one (a template, topic or family) are
    resampled together when the flag's plateau is found, since they are right or wrong together."""
    out = {}
    for r in RISKS:
        j = labels.index(r)
        keep = ~np.isnan(y[:, j])
        if keep.sum() == 0 or np.nansum(y[keep, j]) == 0:
            logger.warning("no positive validation labels for %s: thresholds left at 0.5 / 0.9", r)
            out[r] = Threshold(0.5, 0.9, "default (no validation labels)")
            continue
        out[r] = choose_threshold(
            probs[keep, j],
            y[keep, j],
            objective=objective,  # type: ignore[arg-type]
            min_precision=min_precision,
            block_precision=block_precision,
            beta=(beta or {}).get(r, 1.0),
            clusters=clusters[keep] if clusters is not None else None,
        )
    return out


def split_metrics(labels: list[str], probs: np.ndarray, y: np.ndarray, th: dict[str, Threshold]) -> dict[str, Any]:
    # fbeta at the beta each flag was chosen by (thresholds.json), beside F1
    per_risk = {
        r: risk_metrics(probs[:, labels.index(r)], y[:, labels.index(r)], th[r].flag, th[r].beta or 1.0) for r in RISKS
    }
    aux = {}
    for j, n in enumerate(labels):
        if n in RISKS or np.isnan(y[:, j]).all():
            continue
        aux[n] = risk_metrics(probs[:, j], y[:, j], 0.5)
    return {
        "macro_f1": macro(per_risk, "f1", RISKS),
        "risks": per_risk,
        "aux_at_0.5": aux,
    }


def selection_metric(metrics: Mapping[str, Any]) -> tuple[float, str]:
    """(value, name) of the number that picks the best checkpoint and drives early stopping, from split_metrics:
    the validation macro F1 over the three risks where validation labels any of them; when it labels none (a
    benchmark that trains one auxiliary label, e.g. `saring benchmark hs` on hate_speech), the mean F1 at 0.5 of
    the auxiliary labels, the published benchmarks' own measure. Without it every evaluation read NaN: no
    checkpoint was ever "best" and early stopping counted every evaluation as no improvement."""
    value = float(metrics["macro_f1"])
    if math.isnan(value) and metrics.get("aux_at_0.5"):
        aux = metrics["aux_at_0.5"]
        return nanmean(m["f1"] for m in aux.values()), f"F1 at 0.5 of {', '.join(aux)}"
    return value, "macro F1"


def finalize_model_dir(
    stage: Path,
    *,
    kind: str,
    name: str,
    labels: list[str],
    normalizer: Normalizer,
    max_length: int,
    val: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None,
    training_config: dict[str, Any],
    manifest: dict[str, Any],
    objective: str = "best_f1",
    min_precision: float = 0.8,
    block_precision: float = 0.9,
    beta: Mapping[str, float] | None = None,
    extra_info: dict[str, Any] | None = None,
    val_words: np.ndarray | None = None,
    test_words: np.ndarray | None = None,
    val_clusters: np.ndarray | None = None,
) -> dict[str, Any]:
    """Fit calibration and thresholds on (validation logits, labels), measure validation and test, and
    write every JSON file of the model directory into `stage` (weights must already be there).
    `val_words` / `test_words`: words of each normalised text (model.calibration.word_counts), for the
    calibration's length term; without them no label gets one. `val_clusters`: an id per validation row
    (model.resample.clusters_of) for the flags' resampling (fit_thresholds). Returns the metrics dict."""
    md = ModelDir(stage)
    val_logits, val_y = val
    platts = fit_calibration(labels, val_logits, val_y, val_words)
    val_probs = apply_calibration(labels, platts, val_logits, val_words)
    th = fit_thresholds(labels, val_probs, val_y, objective, min_precision, block_precision, beta, val_clusters)
    metrics: dict[str, Any] = {"validation": split_metrics(labels, val_probs, val_y, th)}
    measured = {"validation": (val_probs, val_y, labels)}
    if test is not None and len(test[0]):
        test_probs = apply_calibration(labels, platts, test[0], test_words)
        metrics["test"] = split_metrics(labels, test_probs, test[1], th)
        measured["test"] = (test_probs, test[1], labels)
    normalizer.to_json(md.normalizer)
    md.write_json(CALIBRATION_JSON, calibration_to_json(platts))
    md.write_json(THRESHOLDS_JSON, thresholds_to_json(th))
    md.write_json(METRICS_JSON, metrics)
    md.write_json(OPERATING_POINTS_JSON, operating_points(measured).model_dump())
    md.write_json(MANIFEST_JSON, manifest)
    md.write_json(TRAINING_CONFIG_JSON, training_config)
    now = dt.datetime.now(dt.UTC)
    import hashlib

    weights_sha = {str(p.relative_to(md.path)): file_sha256(p) for p in md.weight_files()}
    digest = hashlib.sha256(json.dumps(weights_sha, sort_keys=True).encode()).hexdigest()[:8]
    info = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "name": name,
        "version": f"{name}-{now:%Y%m%d-%H%M%S}-{digest}",
        "created": now.isoformat(timespec="seconds"),
        "labels": labels,
        "risks": list(RISKS),
        "max_length": max_length,
        "normalizer_version": normalizer.version,
        "weights_sha256": weights_sha,
        "library_versions": library_versions(),
        "git_commit": git_commit(),
        **(extra_info or {}),
    }
    md.write_json(MODEL_JSON, info)  # written last: its presence marks a complete directory
    return metrics
