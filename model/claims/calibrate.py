"""Calibration of the matching parameters on the paraphrase set, and held-out matching figures."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.claims.bm25 import BM25
from model.claims.cues import claim_stance
from model.claims.params import MatchParams, embedder_name
from model.claims.text import CLAIM_TEXT_VERSION, ClaimEncoder, EmbedderLike, text_windows
from model.metrics import MatchingPR, matching_ap, matching_pr
from model.normalize import Normalizer
from model.readers import DataError, read_text


@dataclass
class ParaphraseGroup:
    id: str
    claim: str
    paraphrases: list[str]
    negatives: list[str]
    split: str  # calibration | test
    topic: str = ""
    register: str = ""  # optional: "colloquial" for the groups written in the registers people post in
    debunks: list[str] = field(default_factory=list)  # optional: texts that mention the claim to refute it


def read_paraphrases(path: str | Path) -> list[ParaphraseGroup]:
    """Read the paraphrase set (JSON lines: id, topic, split, claim, paraphrases[], negatives[]; optional
    register and debunks[])."""
    path = Path(path)
    groups: list[ParaphraseGroup] = []
    problems: list[str] = []
    for lineno, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {lineno}: not valid JSON ({e.msg})")
            continue
        miss = [k for k in ("id", "claim", "paraphrases", "negatives", "split") if k not in obj]
        if miss:
            problems.append(f"line {lineno}: missing {miss}")
            continue
        if obj["split"] not in ("calibration", "test"):
            problems.append(f"line {lineno}: split must be 'calibration' or 'test', found {obj['split']!r}")
            continue
        groups.append(
            ParaphraseGroup(
                str(obj["id"]),
                obj["claim"],
                list(obj["paraphrases"]),
                list(obj["negatives"]),
                obj["split"],
                obj.get("topic", ""),
                obj.get("register", ""),
                list(obj.get("debunks", [])),
            )
        )
    if problems:
        raise DataError(
            "bad paraphrase set:\n  - " + "\n  - ".join(problems),
            file=path,
            fix="each line needs id, claim, paraphrases, negatives and split",
        )
    ids = [g.id for g in groups]
    if len(set(ids)) != len(ids):
        raise DataError("duplicate group ids", file=path, fix="give every claim group its own id")
    return groups


def default_paraphrase_path() -> Path:
    from model.paths import catalogue_dir

    return catalogue_dir() / "claims_paraphrases.jsonl"


@dataclass
class _Queries:
    texts: list[str]
    target: list[int]  # gallery index of the claim the query repeats, -1 for a hard negative
    split: list[str]


def _queries(groups: Sequence[ParaphraseGroup]) -> _Queries:
    q = _Queries([], [], [])
    for gi, g in enumerate(groups):
        for t in g.paraphrases:
            q.texts.append(t)
            q.target.append(gi)
            q.split.append(g.split)
        for t in g.negatives:
            q.texts.append(t)
            q.target.append(-1)
            q.split.append(g.split)
    return q


def _choose_threshold(
    best_sim: np.ndarray, correct: np.ndarray, positive: np.ndarray, min_precision: float
) -> tuple[float, float]:
    """The lowest threshold (halfway between adjacent similarities) whose precision >= min_precision, and
    the F1 there; the best-F1 threshold when none reaches it."""
    cands = np.unique(best_sim)
    cuts = np.r_[(cands[:-1] + cands[1:]) / 2, cands[-1] + 1e-6] if len(cands) else np.array([1.0])
    best: tuple[float, float, float, float] | None = None  # (ok, recall, f1, threshold)
    for t in cuts:
        r = matching_pr(best_sim, correct, positive, float(t))
        prec = 0.0 if math.isnan(r["precision"]) else r["precision"]
        key = (float(prec >= min_precision), r["recall"] if prec >= min_precision else r["f1"], r["f1"], -float(t))
        if best is None or key > best:
            best = key
    assert best is not None
    return -best[3], best[2]


def calibrate(
    embedder: EmbedderLike | None,
    groups: Sequence[ParaphraseGroup],
    *,
    normalizer: Normalizer | None = None,
    weights: Sequence[float] | None = None,
    prefixes: Sequence[str] = ("query: ", "passage: "),
    min_precision: float = 0.9,
) -> dict[str, Any]:
    """Choose the claim prefix, the dense weight and the threshold on the calibration groups; report
    precision / recall on the test groups for BM25 only, dense only and the combination.

    The gallery holds every group's claim; queries are the rewordings (each should match its own claim) and
    the hard negatives (same topic, another claim: should match nothing). Returns a dict with `params`
    (MatchParams of the chosen combination), `results` (per method: chosen settings, calibration and test
    figures) and `counts`.
    """
    from model.calibration import fit_platt

    q = _queries(groups)
    n_q = len(q.texts)
    debunk_texts = [t for g in groups for t in g.debunks]
    debunk_target = np.array([gi for gi, g in enumerate(groups) for _ in g.debunks], dtype=int)
    debunk_test = np.array([g.split == "test" for g in groups for _ in g.debunks], dtype=bool)
    target = np.array(q.target)
    is_test = np.array([s == "test" for s in q.split])
    positive = target >= 0
    gallery = [g.claim for g in groups]
    idx = ClaimEncoder(embedder, normalizer)
    bm25 = BM25([idx.tokens(c) for c in gallery])
    # every text and, for long posts, its windows (sentences, pairs of sentences); a text's similarity to a
    # claim is the best over its parts
    parts: list[str] = []
    starts: list[int] = []
    for text in [*q.texts, *debunk_texts]:
        starts.append(len(parts))
        parts.extend((text, *text_windows(text)))
    lex_parts = bm25.coverage([idx.tokens(t) for t in parts])
    dense_parts: dict[str, np.ndarray] = {}
    if embedder is not None:
        qv = idx.embed(parts, "query: ")
        for p in prefixes:
            dense_parts[p] = (qv @ idx.embed(gallery, p).T).astype(np.float64)
    weights = list(weights) if weights is not None else [round(x, 2) for x in np.linspace(0, 1, 21)]

    def combine(prefix: str, w: float) -> np.ndarray:
        """Similarities (texts then debunks, n_claims) for one prefix and dense weight."""
        sim_parts = w * dense_parts[prefix] + (1 - w) * lex_parts if prefix else lex_parts
        return np.maximum.reduceat(sim_parts, starts, axis=0)

    dense = {p: combine(p, 1.0)[:n_q] for p in dense_parts}

    def evaluate(sim: np.ndarray) -> tuple[MatchingPR, MatchingPR, float, np.ndarray, np.ndarray]:
        best = sim.argmax(axis=1)
        best_sim = sim[np.arange(len(sim)), best]
        correct = positive & (best == target)
        cal = ~is_test
        t, _ = _choose_threshold(best_sim[cal], correct[cal], positive[cal], min_precision)
        r_cal = matching_pr(best_sim[cal], correct[cal], positive[cal], t)
        r_test = matching_pr(best_sim[is_test], correct[is_test], positive[is_test], t)
        r_cal["average_precision"] = matching_ap(best_sim[cal], correct[cal], positive[cal])
        r_test["average_precision"] = matching_ap(best_sim[is_test], correct[is_test], positive[is_test])
        return r_cal, r_test, t, best_sim, correct

    def pick(cands: list[tuple[str, float]]) -> dict[str, Any]:
        best_key, best_out = None, None
        for prefix, w in cands:
            sim = combine(prefix, w)[:n_q]
            r_cal, r_test, t, best_sim, correct = evaluate(sim)
            key = (r_cal["precision"] >= min_precision, r_cal["recall"], r_cal["f1"])
            if best_key is None or key > best_key:
                cal = ~is_test
                platt = fit_platt(best_sim[cal], correct[cal].astype(float))
                best_key = key
                best_out = {
                    "claim_prefix": prefix or None,
                    "dense_weight": float(w),
                    "threshold": float(t),
                    "platt": [platt.a, platt.b],
                    "calibration": r_cal,
                    "test": r_test,
                }
                best_out.update(breakdown(combine(prefix, w), t))
        assert best_out is not None
        return best_out

    group_of = np.array([gi for gi, g in enumerate(groups) for _ in (*g.paraphrases, *g.negatives)], dtype=int)
    registers = sorted({g.register for g in groups if g.split == "test"})

    def breakdown(sim_all: np.ndarray, t: float) -> dict[str, Any]:
        """Held-out figures per register, and what happens to the debunks (texts that name the claim to
        refute it): matched to their claim, and then read as refuting (no raise) or as repeating it."""
        sim = sim_all[:n_q]
        best = sim.argmax(axis=1)
        best_sim = sim[np.arange(len(sim)), best]
        correct = positive & (best == target)
        by_reg: dict[str, Any] = {}
        for reg in registers:
            keep = is_test & np.array([groups[gi].register == reg for gi in group_of], dtype=bool)
            r = matching_pr(best_sim[keep], correct[keep], positive[keep], t)
            r["average_precision"] = matching_ap(best_sim[keep], correct[keep], positive[keep])
            by_reg[reg or "original"] = r
        out: dict[str, Any] = {"test_by_register": by_reg}
        if len(debunk_texts):
            dsim = sim_all[n_q:]
            dbest = dsim.argmax(axis=1)
            matched = (dsim[np.arange(len(dsim)), dbest] >= t) & (dbest == debunk_target)
            stances = np.array([claim_stance(d, idx.normalizer) for d in debunk_texts])
            out["debunks"] = {
                split: {
                    "n": int(np.sum(sel)),
                    "matched": int(np.sum(matched & sel)),
                    "refutes": int(np.sum(matched & sel & (stances == "refutes"))),
                    "raised": int(np.sum(matched & sel & (stances == "repeats"))),
                }
                for split, sel in (("calibration", ~debunk_test), ("test", debunk_test))
            }
        return out

    results: dict[str, Any] = {"bm25": pick([("", 0.0)])}
    if dense:
        results["dense"] = pick([(p, 1.0) for p in prefixes])
        results["combined"] = pick([(p, w) for p in prefixes for w in weights])
        for p in prefixes:  # prefix comparison at the dense-only setting
            r_cal, r_test, t, _, _ = evaluate(dense[p])
            results[f"dense, claims {p.strip()}"] = {
                "claim_prefix": p,
                "dense_weight": 1.0,
                "threshold": t,
                "calibration": r_cal,
                "test": r_test,
            }
    chosen = results["combined"] if dense else results["bm25"]
    params = MatchParams(
        dense_weight=float(chosen["dense_weight"]),
        threshold=round(float(chosen["threshold"]), 4),
        platt_a=round(chosen["platt"][0], 4),
        platt_b=round(chosen["platt"][1], 4),
        claim_prefix=chosen["claim_prefix"] or "query: ",
        encoder=embedder_name(embedder) if embedder is not None else "",
        text_version=CLAIM_TEXT_VERSION,
        measured={
            "test": {
                k: chosen["test"][k]
                for k in ("precision", "recall", "f1", "precision_ci", "recall_ci", "average_precision")
            },
            "min_precision": min_precision,
        },
    )
    counts = {
        "groups": {s: sum(g.split == s for g in groups) for s in ("calibration", "test")},
        "rewordings": {s: int(np.sum(positive & (is_test == (s == "test")))) for s in ("calibration", "test")},
        "hard_negatives": {s: int(np.sum(~positive & (is_test == (s == "test")))) for s in ("calibration", "test")},
    }
    return {"params": params, "results": results, "counts": counts, "min_precision": min_precision}


def evaluate_matching(
    embedder: EmbedderLike | None,
    groups: Sequence[ParaphraseGroup],
    params: MatchParams,
    *,
    normalizer: Normalizer | None = None,
    split: str | None = "test",
) -> MatchingPR:
    """Precision / recall of top-1 matching with fixed `params` on the groups of `split` (None: all), the
    gallery holding every group's claim."""
    enc = ClaimEncoder(embedder, normalizer)
    q = _queries(groups)
    gallery = [g.claim for g in groups]
    bm25 = BM25([enc.tokens(c) for c in gallery])
    dense = enc.embed(gallery, params.claim_prefix) if embedder is not None and params.dense_weight > 0 else None
    sim, _, _ = enc.similarities(q.texts, bm25, dense, params.dense_weight, params.query_prefix)
    target = np.array(q.target)
    keep = np.array([split is None or s == split for s in q.split])
    best = sim.argmax(axis=1)
    best_sim = sim[np.arange(len(sim)), best]
    positive = target >= 0
    correct = positive & (best == target)
    out = matching_pr(best_sim[keep], correct[keep], positive[keep], params.threshold)
    out["average_precision"] = matching_ap(best_sim[keep], correct[keep], positive[keep])
    return out
