"""Distillation: a smaller network (the student) learns the outputs of a trained transformer (the teacher).

Why: the `default` recipe's 12-layer network is what transfers to posts unlike the training corpora, and it costs
twice the inference of the 6-layer `fast` one; audits of millions of rows want the speed. A student trained on
the teacher's probabilities as well as the labels gets, for every training text and every label, what the teacher
makes of it (a label the text's corpus never annotated included), not only the 0/1 its annotator gave.

`saring train --recipe fast --set teacher=models/default` trains such a student: the teacher (a transformer
model directory, or an ensemble whose transformer member is then used) scores the first window of every
distinct training text once, before the loop, and the loop's loss becomes

    (1 - distill_weight) * BCE(labels) + distill_weight * BCE(teacher's probabilities)

(training/trainer.py). Only training texts are scored: validation stays the student's own, for calibration, flags
and checkpoint choice. A teacher trained on any of this run's validation or test texts would hand them to the
student, so its data manifest is checked first (`check_teacher_splits`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.examples import Example
from model.modeldir import MANIFEST_JSON, ModelDir
from model.normalize import Normalizer
from model.splits import text_hash

logger = logging.getLogger(__name__)


_LEXICAL_CHUNK = 8192  # training texts a lexical teacher scores per call (lexical_teacher_targets)
TRANSFER_SOURCE = "distill_transfer"  # the source name of transfer texts (no labels: the teacher's outputs train them)


def transfer_texts(train: list[Example], fraction: float, seed: int) -> list[Example]:
    """Unlabelled texts for the student to match its teacher on, beyond the training texts themselves: each the
    first half of one training text's words followed by the second half of another's (pairs drawn with `seed`),
    `fraction` x as many as `train`. A student matched only on the training texts learns the teacher where the
    labels already are; these mixtures (an insult ending a complaint, a claim inside chit-chat) show it the
    teacher's outputs on texts no corpus holds. They carry no labels, so only the distillation loss sees them."""
    n = int(round(fraction * len(train)))
    if n <= 0:
        return []
    distinct = sorted({e.text for e in train})
    rng = np.random.default_rng(seed)
    firsts, seconds = rng.integers(0, len(distinct), n), rng.integers(0, len(distinct), n)
    out = []
    for k, (a, b) in enumerate(zip(firsts.tolist(), seconds.tolist(), strict=True)):
        wa, wb = distinct[a].split(), distinct[b].split()
        text = " ".join(wa[: max(1, len(wa) // 2)] + wb[len(wb) // 2 :])
        out.append(Example(text=text, labels={}, source=TRANSFER_SOURCE, id=f"transfer-{k}"))
    return out


@dataclass
class TeacherTargets:
    """The teacher's probabilities for training examples: (examples, student labels), NaN where the teacher has
    no output for a label."""

    probs: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)


def teacher_dir(path: str | Path) -> ModelDir:
    """The transformer model directory to learn from: `path` itself, or the transformer member of an ensemble.
    ModelDirError (from check) for a directory that is not a saring model; ValueError for one with no
    transformer."""
    md = ModelDir(path)
    info = md.check()
    if info["kind"] == "transformer":
        return md
    if info["kind"] == "ensemble":
        for name in md.read_json(md.ensemble.name)["members"]:
            member = ModelDir(md.path / name)
            if member.info()["kind"] == "transformer":
                return member
    raise ValueError(
        f"teacher {md.path} is a {info['kind']} model with no transformer; expected a transformer model directory "
        "or an ensemble holding one. Fix: --set teacher=models/default (the `default` recipe's served model) or "
        "its transformer member"
    )


def check_teacher_splits(md: ModelDir, splits: dict[str, list[Example]]) -> None:
    """ValueError when the teacher was trained on texts this run holds out (validation or test): the student
    would learn them from the teacher's outputs and its held-out figures would flatter it."""
    manifest = md.read_json(MANIFEST_JSON, default={})
    trained = manifest.get("text_hashes", {}).get("train")
    if trained is None:
        raise ValueError(
            f"teacher {md.path}: its {MANIFEST_JSON} lists no training-text fingerprints (text_hashes), so it "
            "cannot be checked against this run's validation and test texts. Fix: retrain the teacher with this "
            "version of saring"
        )
    normalizer = Normalizer.from_json(md.normalizer)
    seen = set(trained)
    leaked = {
        split: sum(text_hash(normalizer, e.text) in seen for e in splits.get(split, []))
        for split in ("validation", "test")
    }
    if any(leaked.values()):
        raise ValueError(
            f"teacher {md.path} was trained on {leaked['validation']} of this run's validation and "
            f"{leaked['test']} of its test texts; expected none (a student would learn them from the teacher). "
            "Fix: distil from a teacher trained on the same data with the same split seed (`saring train "
            "--seed`), or train the teacher again on this data"
        )


def teacher_targets(
    md: ModelDir,
    train: list[Example],
    labels: list[str],
    device: str | None = None,
) -> TeacherTargets:
    """The teacher's probabilities for each training example's first window, scored once per distinct text in
    the teacher's own normalisation and tokenisation, bf16 where the hardware multiplies it (fp32 elsewhere).
    `md`: the transformer directory that `teacher_dir` resolved."""
    from model.network import TransformerBackend, pick_device, precision_instead_of_int8

    info = md.info()
    precision = precision_instead_of_int8(pick_device(device))
    backend = TransformerBackend.load(md, device=device, precision=precision)
    normalizer = Normalizer.from_json(md.normalizer)
    normed = [normalizer.normalize(e.text) for e in train]
    distinct = sorted(set(normed))
    row = {t: i for i, t in enumerate(distinct)}
    logits = backend.first_window_logits(distinct)
    probs = np.full((len(train), len(labels)), np.nan, dtype=np.float32)
    where = np.fromiter((row[t] for t in normed), dtype=np.int64, count=len(normed))
    shared = [name for name in labels if name in backend.labels]
    for name in shared:
        probs[:, labels.index(name)] = 1.0 / (1.0 + np.exp(-logits[where, backend.labels.index(name)]))
    missing = [name for name in labels if name not in shared]
    if missing:
        logger.warning("the teacher has no output for %s: those labels train on the annotations alone", missing)
    logger.info(
        "teacher %s (%s) scored %d distinct training texts in %s",
        md.path,
        info["version"],
        len(distinct),
        backend.precision,
    )
    return TeacherTargets(
        probs,
        {
            "path": str(md.path),
            "name": info.get("name"),
            "version": info["version"],
            "precision": backend.precision,
            "labels": shared,
        },
    )


def lexical_teacher_targets(path: str | Path, train: list[Example], labels: list[str]) -> TeacherTargets:
    """The calibrated probabilities of the TF-IDF baseline at `path` (trained earlier in the same run, on the same
    training split, so no held-out text reaches the student through it) for every training example and every label
    the two share; NaN for labels it has no output for. Calibrated, not raw: its logistic regressions weigh classes
    as balanced, so their raw probabilities overstate every rare positive."""
    from model.scorer import Scorer

    scorer = Scorer(path)
    if scorer.kind != "baseline":
        raise ValueError(
            f"lexical teacher {path} is a {scorer.kind} model; expected the TF-IDF baseline this run trained. Fix: "
            "train with the baseline (drop --no-baseline), or use --set teacher=DIR for a trained transformer"
        )
    # in chunks: one call builds the TF-IDF matrix of every text at once, gigabytes for ten times the catalogue
    texts = [e.text for e in train]
    scored = (
        np.concatenate(
            [
                scorer.predict_proba(texts[i : i + _LEXICAL_CHUNK], remember=False)
                for i in range(0, len(texts), _LEXICAL_CHUNK)
            ]
        )
        if texts
        else np.zeros((0, len(scorer.labels)))
    )
    probs = np.full((len(train), len(labels)), np.nan, dtype=np.float32)
    shared = [name for name in labels if name in scorer.labels]
    for name in shared:
        probs[:, labels.index(name)] = scored[:, scorer.labels.index(name)]
    missing = [name for name in labels if name not in shared]
    if missing:
        logger.warning("the lexical teacher has no output for %s: those labels train on the annotations alone", missing)
    logger.info("lexical teacher %s (%s) scored %d training texts", path, scorer.version, len(train))
    # A run resumed after a crash trains its baseline again, and the new one carries a new version (its time of
    # writing): the checkpoint's key names what the student learns instead, the targets themselves.
    targets = hashlib.sha256(np.ascontiguousarray(probs).tobytes()).hexdigest()[:16]
    return TeacherTargets(
        probs,
        {
            "path": str(path),
            "name": scorer.name,
            "version": scorer.version,
            "precision": "fp32",
            "labels": shared,
            "targets_sha256": targets,
        },
    )
