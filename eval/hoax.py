"""Hoax evidence, reported separately (never pooled): the three things saring can say about hoax.

1. **News articles (Pratiwi 2017)**: the `pratiwi_hoax_news` examples in the evaluated data. In the
   catalogue's test split these are whole held-out topics (the split groups articles by topic), so the
   figure measures hoax-versus-valid on topics the model has not seen; with one or two topics the
   interval covers the sampling of articles, not the topic-to-topic variation.
2. **Short posts, held-out genres**: the `saring_hoax_posts` examples that are not original training rows
   (in the catalogue, the genres `disaster_prediction` and `crime_panic`, written with phrasings the training
   genres never use), overall, per genre, and per kind of post: the share of posts flagged, which for
   debunks, questions, jokes and other non-hoax kinds is the false-alarm rate.
3. **Claim matching**: precision and recall of recognising a reworded, already fact-checked claim
   (model.claims) on the held-out groups of the paraphrase set, BM25 only unless an embedder is given.

Intervals: 1 and 2 use the report's percentile bootstrap over examples (eval.bootstrap); 3 uses the
Wilson score interval over queries that model.claims computes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from eval import metrics as M
from eval.bootstrap import bootstrap_models, interval
from model.examples import Example, label_matrix
from model.labels import RISKS
from model.normalize import Normalizer
from model.resample import clusters_of, weight_chunks

logger = logging.getLogger(__name__)

PRATIWI = "pratiwi_hoax_news"
POSTS = "saring_hoax_posts"
HOAX = "hoax"
HOAX_METRICS = ("precision", "recall", "f1", "pr_auc", "roc_auc")
NAN = float("nan")


class _BootstrapArgs(TypedDict):
    """The bootstrap settings hoax_metrics and _kind_rates take as keywords."""

    bootstrap: int
    seed: int
    level: float


def _share_ci(
    flagged: np.ndarray, replicates: int, seed: int, level: float, clusters: np.ndarray | None = None
) -> list[float]:
    """Bootstrap interval of the share of True values (resampling the same way as eval.bootstrap, clusters
    whole)."""
    x = np.asarray(flagged, dtype=np.float64)
    if not len(x) or replicates <= 0:
        return [NAN, NAN]
    vals = np.concatenate([(w @ x) / w.sum(axis=1) for w in weight_chunks(len(x), replicates, seed, clusters)])
    return interval(vals, level)


def hoax_metrics(
    probs: np.ndarray,
    labels: np.ndarray,
    flags: Sequence[float],
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: np.ndarray | None = None,
) -> dict[str, Any]:
    """Hoax precision / recall / F1 at the flag threshold, PR-AUC, ROC-AUC and the false-alarm rate (share of
    non-hoax texts flagged), each with its bootstrap interval, on rows with a hoax label.

    `probs` (n, 3) and `labels` (n, 3, NaN = missing) are in the order of model.labels.RISKS; `clusters` an id
    per row (model.resample.clusters_of), rows sharing one resampled together."""
    j = RISKS.index(HOAX)
    m = M.risk_metrics(probs[:, j], labels[:, j], float(flags[j]))
    known = ~np.isnan(labels[:, j])
    flagged = probs[known, j] >= float(flags[j])
    neg = labels[known, j] == 0
    out: dict[str, Any] = {
        "n": int(m["n"]),
        "positives": int(m["positives"]),
        "negatives": int(neg.sum()),
        "threshold": float(flags[j]),
    }
    out.update({k: float(m[k]) for k in HOAX_METRICS})
    out["false_alarm_rate"] = float(flagged[neg].mean()) if neg.any() else NAN
    if bootstrap > 0 and m["n"]:
        boot = bootstrap_models([probs], labels, [flags], bootstrap, seed, clusters=clusters)[0][HOAX]
        out["ci"] = {k: interval(boot[k], level) for k in HOAX_METRICS}
        negatives = None if clusters is None else np.asarray(clusters)[known][neg]
        out["ci"]["false_alarm_rate"] = _share_ci(flagged[neg], bootstrap, seed, level, negatives)
    return out


def _kind_rates(
    examples: Sequence[Example],
    probs: np.ndarray,
    labels: np.ndarray,
    flag: float,
    *,
    bootstrap: int,
    seed: int,
    level: float,
) -> dict[str, Any]:
    """kind -> {n, label, flagged (share), ci}: the flag rate per kind of post."""
    j = RISKS.index(HOAX)
    kinds = [e.meta.get("kind") for e in examples]
    topics = clusters_of(examples)
    out: dict[str, Any] = {}
    for kind in sorted({k for k in kinds if k}):
        sel = np.array([k == kind for k in kinds])
        y = labels[sel, j]
        ys = set(y[~np.isnan(y)].astype(int).tolist())
        label = "hoax" if ys == {1} else "not hoax" if ys == {0} else "mixed"
        flagged = probs[sel, j] >= flag
        out[kind] = {
            "n": int(sel.sum()),
            "label": label,
            "flagged": float(flagged.mean()),
            "ci": _share_ci(flagged, bootstrap, seed, level, topics[sel]),
            "meaning": "detection rate"
            if label == "hoax"
            else "false-alarm rate"
            if label == "not hoax"
            else "share flagged",
        }
    return out


def hoax_evidence(
    examples: Sequence[Example],
    scored: Sequence[tuple[str, np.ndarray, Sequence[float]]],
    *,
    bootstrap: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The 'Hoax evidence' part of a report. `scored` holds (role, (n, 3) scores on `examples`, flag thresholds
    per risk) for each model; `claims` is claim_matching_evidence's result (None: not measured)."""
    examples = list(examples)
    labels = label_matrix(examples, RISKS).astype(np.float64).reshape(len(examples), len(RISKS))
    has_hoax = ~np.isnan(labels[:, RISKS.index(HOAX)])
    kw: _BootstrapArgs = {"bootstrap": bootstrap, "seed": seed, "level": level}

    sel = np.array([e.source == PRATIWI for e in examples], dtype=bool) & has_hoax
    pratiwi: dict[str, Any] = {
        "what": "news articles (Pratiwi 2017); the catalogue's test split holds whole topics out of training",
        "n": int(sel.sum()),
        "topics": sorted({e.group for e, s in zip(examples, sel, strict=True) if s and e.group}),
        "models": {},
    }
    articles = clusters_of([e for e, s in zip(examples, sel, strict=True) if s])
    if sel.any():
        for role, probs, flags in scored:
            pratiwi["models"][role] = hoax_metrics(probs[sel], labels[sel], flags, **kw, clusters=articles)

    is_post = np.array([e.source == POSTS for e in examples], dtype=bool) & has_hoax
    trained = np.array([e.meta.get("original_split") == "train" for e in examples], dtype=bool)
    sel = is_post & ~trained
    held = [e for e, s in zip(examples, sel, strict=True) if s]
    genres = sorted({str(e.meta["genre"]) for e in held if e.meta.get("genre")})
    posts: dict[str, Any] = {
        "what": "short posts written by the saring team (templated), genres held out of training",
        "n": int(sel.sum()),
        "excluded_training_rows": int((is_post & trained).sum()),
        "genres": genres,
        "models": {},
    }
    topics = clusters_of(held)
    if sel.any():
        for role, probs, flags in scored:
            p, y = probs[sel], labels[sel]
            entry: dict[str, Any] = {"overall": hoax_metrics(p, y, flags, **kw, clusters=topics), "by_genre": {}}
            for g in genres:
                gs = np.array([e.meta.get("genre") == g for e in held])
                entry["by_genre"][g] = hoax_metrics(p[gs], y[gs], flags, **kw, clusters=topics[gs])
            entry["by_kind"] = _kind_rates(held, p, y, float(flags[RISKS.index(HOAX)]), **kw)
            posts["models"][role] = entry

    return {
        "pratiwi": pratiwi,
        "posts": posts,
        "claim_matching": claims if claims is not None else {"measured": False, "note": "not measured"},
        "intervals": (
            f"{int(level * 100)}% percentile bootstrap ({bootstrap} replicates, seed {seed}) for articles and posts, "
            "texts of one topic resampled together (a single topic: its texts); Wilson score interval over queries "
            "for claim matching"
        ),
    }


def claim_matching_evidence(
    path: str | Path | None = None,
    embedder: Any = None,
    normalizer: Normalizer | None = None,
    min_precision: float = 0.9,
) -> dict[str, Any]:
    """Claim-matching precision / recall on the held-out ('test') groups of the paraphrase set
    (default datasets/claims_paraphrases.jsonl): at the threshold chosen on its calibration groups in this
    run (model.claims.calibrate), and at the method's default threshold (LEXICAL_PARAMS without an embedder,
    DEFAULT_PARAMS with one; model.claims.evaluate_matching). The API uses those defaults for the method it
    matches with (BM25 + e5 whenever the encoder loads) unless `saring claims calibrate --save` stored parameters
    in its claim store, which this evaluation does not read. Lexical (BM25) only when `embedder` is None."""
    from model.claims import (
        DEFAULT_PARAMS,
        LEXICAL_PARAMS,
        calibrate,
        default_paraphrase_path,
        embedder_name,
        evaluate_matching,
        read_paraphrases,
    )
    from model.modeldir import file_sha256

    path = Path(path) if path is not None else default_paraphrase_path()
    groups = read_paraphrases(path)
    cal = calibrate(embedder, groups, normalizer=normalizer, min_precision=min_precision)
    method = "combined" if embedder is not None else "bm25"
    chosen = cal["results"][method]
    served = DEFAULT_PARAMS if embedder is not None else LEXICAL_PARAMS
    at_served = evaluate_matching(embedder, groups, served, normalizer=normalizer, split="test")
    return {
        "measured": True,
        "what": "recognising a reworded fact-checked claim (top-1 match), held-out paraphrase groups",
        "file": str(path),
        "sha256": file_sha256(path),
        "method": "BM25 + e5 embeddings" if embedder is not None else "BM25 only (lexical)",
        "encoder": embedder_name(embedder) if embedder is not None else None,
        "min_precision": min_precision,
        "counts": cal["counts"],
        "settings": {
            "calibrated": {
                "threshold": float(chosen["threshold"]),
                "dense_weight": float(chosen["dense_weight"]),
                "test": chosen["test"],
            },
            "served": {
                "threshold": float(served.threshold),
                "dense_weight": float(served.dense_weight),
                "test": at_served,
            },
        },
    }
