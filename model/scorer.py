"""The scorer: loads a model directory once and turns lists of texts into calibrated risk scores.

Used identically by the API, the evaluation harness and batch audits. The core takes lists and returns
lists in input order. Backends (the fine-tuned transformer, the TF-IDF baseline) only produce raw logits
for every label; calibration, thresholds, decisions and warnings are applied here, once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from model.calibration import (
    Platt,
    Threshold,
    calibration_from_json,
    sigmoid,
    thresholds_from_json,
    word_counts,
)
from model.labels import DECISIONS, RISK_SCORE_MEANING, RISKS
from model.language import guess_languages, language_card, load_identifier
from model.modelcheck import check_calibration, check_operating_points, check_thresholds, expect_object
from model.modeldir import (
    CALIBRATION_JSON,
    MANIFEST_JSON,
    METRICS_JSON,
    OPERATING_POINTS_JSON,
    THRESHOLDS_JSON,
    ModelDir,
    ModelDirError,
)
from model.normalize import Normalizer, content_word_counts
from model.operating import OperatingPoints

logger = logging.getLogger(__name__)

MIN_WORDS = 3  # below this a text carries too little signal to score with confidence


def distinct(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts in order of first appearance, and for each input its index among them
    (`[distinct[k] for k in index] == texts`)."""
    first: dict[str, int] = {}
    index = np.fromiter((first.setdefault(t, len(first)) for t in texts), dtype=np.int64, count=len(texts))
    return list(first), index


class LogitCache:
    """The backend's logits and window counts of recently scored normalised texts, the least recently used dropped
    first. Keyed by a 16-byte digest of the text: no text is kept. Thread-safe.

    Why: a viral post is sent to the API again and again, by many callers, for as long as it circulates; its
    copies then cost nothing, and every copy gets the scores of the first, whatever batch it comes in (in int8 a
    row's scores move slightly with the rows batched beside it, model/int8.py). A cache belongs to one Scorer, so
    one loaded model: a reload starts with an empty one."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a logit cache holds at least 1 text; got {size} (use no cache instead: size 0)")
        self.size = size
        self.hits = 0
        self.misses = 0
        self._rows: OrderedDict[bytes, tuple[np.ndarray, int]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, keys: list[bytes]) -> list[tuple[np.ndarray, int] | None]:
        with self._lock:
            out = []
            for k in keys:
                row = self._rows.get(k)
                if row is not None:
                    self._rows.move_to_end(k)
                out.append(row)
            found = sum(r is not None for r in out)
            self.hits += found
            self.misses += len(keys) - found
            return out

    def put(self, keys: list[bytes], logits: np.ndarray, windows: list[int]) -> None:
        with self._lock:
            for k, row, w in zip(keys, logits, windows, strict=True):
                self._rows[k] = (row.copy(), int(w))
                self._rows.move_to_end(k)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)


class Backend(Protocol):
    """What a model kind must provide: raw logits for every label, for already-normalised texts."""

    labels: list[str]
    max_length: int

    def logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """Return (logits of shape (n, len(labels)), number of windows each text was scored in)."""
        ...


@dataclass
class ScoreWarning:
    code: str
    message: str
    risk: str | None = None
    words: list[str] | None = None
    language: str | None = None
    details: dict[str, Any] | None = None  # more named fields of this code (e.g. TERM_LIST_MATCH's list and term)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": self.message, **(self.details or {})}
        if self.risk is not None:
            d["risk"] = self.risk
        if self.words is not None:
            d["words"] = self.words
        if self.language is not None:
            d["language"] = self.language
        return d


@dataclass
class ScoredText:
    scores: dict[str, float]
    flags: dict[str, bool]
    decisions: dict[str, str]
    decision: str
    aux_scores: dict[str, float] = field(default_factory=dict)
    warnings: list[ScoreWarning] = field(default_factory=list)
    windows: int = 1


def decide(scores: dict[str, float], thresholds: dict[str, Threshold]) -> tuple[dict[str, bool], dict[str, str], str]:
    """Per-risk flags and decisions, and the overall decision (the most severe one)."""
    decisions = {r: thresholds[r].decide(s) for r, s in scores.items()}
    flags = {r: d != "allow" for r, d in decisions.items()}
    overall = max(decisions.values(), key=DECISIONS.index) if decisions else "allow"
    return flags, decisions, overall


def _load_backend(md: ModelDir, kind: str, device: str | None, precision: str | None = None) -> Backend:
    if kind == "transformer":
        from model.network import TransformerBackend

        return TransformerBackend.load(md, device=device, precision=precision)
    if kind == "ensemble":
        from model.ensemble import EnsembleBackend

        return EnsembleBackend.load(md, device=device, precision=precision)
    from model.baseline import BaselineBackend

    return BaselineBackend.load(md)


class Scorer:
    """A loaded model directory. Thread-compatible for reads; load once, score many times.

    `precision` (int8, bf16 or fp32; default $SARING_PRECISION, else int8) applies to the transformer: int8 is
    used only when its copy of the network is verified against fp32 on load (else bf16 where the CPU has bf16
    matrix units, else fp32, with a warning), bf16 only where it is fast (model.network);
    `self.precision` says what actually runs.
    """

    def __init__(
        self, path: str | Path, device: str | None = None, precision: str | None = None, cache_size: int = 0
    ) -> None:
        from model.network import resolve_precision

        if cache_size < 0:  # before the model loads: a typo should not cost a load
            raise ValueError(f"cache_size is a number of texts, 0 or more (0: no logit cache); got {cache_size}")
        self.requested_precision = resolve_precision(precision)
        self.dir = ModelDir(path)
        self.info: dict[str, Any] = self.dir.check()
        self.kind: str = self.info["kind"]
        self.name: str = self.info.get("name", self.dir.path.name)
        self.version: str = self.info["version"]
        self.normalizer = Normalizer.from_json(self.dir.normalizer)
        try:
            self.backend: Backend = _load_backend(self.dir, self.kind, device, self.requested_precision)
        except ModelDirError:
            raise
        except Exception as e:
            # A file that check() could not vet (a tokenizer, a config) failed to load: say which directory
            # and how to fix it, not a library traceback.
            raise ModelDirError(
                f"{self.dir.path}: the {self.kind} model could not be loaded "
                f"({type(e).__name__}: {e}). Fix: retrain (`saring train --out DIR`) or restore "
                "the model directory from a backup."
            ) from e
        self.labels: list[str] = list(self.backend.labels)
        missing = [r for r in RISKS if r not in self.labels]
        if missing:
            raise ValueError(f"{self.dir.path}: the model has no output for risks {missing}; retrain it")
        # the small JSON files' shapes are checked on the data read (model.modelcheck), before anything trusts them
        calibration = self.dir.read_json(CALIBRATION_JSON)
        check_calibration(self.dir.path / CALIBRATION_JSON, calibration)
        self.calibration: dict[str, Platt] = calibration_from_json(calibration)
        thresholds = self.dir.read_json(THRESHOLDS_JSON)
        check_thresholds(self.dir.path / THRESHOLDS_JSON, thresholds)
        self.thresholds: dict[str, Threshold] = thresholds_from_json(thresholds)
        self.metrics: dict[str, Any] = expect_object(
            self.dir.path / METRICS_JSON, self.dir.read_json(METRICS_JSON, default={}), "the training metrics"
        )
        # a model trained before they were recorded has none: threshold queries then say to retrain it
        points_path = self.dir.path / OPERATING_POINTS_JSON
        self.operating_points: OperatingPoints | None = (
            check_operating_points(points_path, self.dir.read_json(OPERATING_POINTS_JSON))
            if points_path.exists()
            else None
        )
        # Read once here: the model card is served on every GET /v1/model. The text fingerprints (hundreds of
        # kilobytes, only `saring eval --compare` needs them) are not kept: see text_fingerprints().
        manifest = expect_object(
            self.dir.path / MANIFEST_JSON, self.dir.read_json(MANIFEST_JSON, default={}), "the data manifest"
        )
        self.manifest: dict[str, Any] = {k: v for k, v in manifest.items() if k != "text_hashes"}
        self.max_length = self.backend.max_length
        # The logits of the last `cache_size` distinct texts scored (LogitCache); 0: none kept between calls.
        self.cache: LogitCache | None = LogitCache(cache_size) if cache_size > 0 else None
        # Every score checks the post's language: its identifier (0.6 s to load, once a process) loads with the
        # model, not inside the first call, so that a caller's first post is not the slowest
        load_identifier()
        logger.info(
            "loaded %s model %s (%s) from %s, %s", self.kind, self.name, self.version, self.dir.path, self.precision
        )

    @property
    def precision(self) -> str:
        """What the transformer runs in: int8, bf16 or fp32 ("fp32" for a model without one: nothing is quantised)."""
        return str(getattr(self.backend, "precision", "fp32"))

    @property
    def int8_copy(self) -> str | None:
        """The sha256 of the int8 file that runs, None when nothing runs in int8."""
        copy = getattr(self.backend, "int8_copy", None)
        return str(copy) if copy else None

    @property
    def runtime(self) -> str | None:
        """The library (and version) that runs the transformer, None for a model without one."""
        r = getattr(self.backend, "runtime", None)
        return str(r) if r else None

    # ---------------------------------------------------------------------------------------------
    def normalize(self, texts: list[str]) -> list[str]:
        return [self.normalizer.normalize(t) for t in texts]

    def calibrated_log_odds(self, logits: np.ndarray, n_words: np.ndarray | None = None) -> np.ndarray:
        """Calibrated log-odds (n, labels) of raw logits: what an ensemble mixes. `n_words`: words of each
        normalised text (model.calibration.word_counts), needed where a label's calibration has a length term.
        Every label's a * logit + b at once (as Platt.log_odds computes it), then the length terms."""
        platts = [self.calibration.get(name, Platt()) for name in self.labels]
        a = np.array([p.a for p in platts], dtype=np.float64)
        b = np.array([p.b for p in platts], dtype=np.float64)
        out = a * np.asarray(logits, dtype=np.float64) + b
        for j, p in enumerate(platts):
            if p.c:
                out[:, j] = p.log_odds(logits[:, j], n_words)
        return out

    def calibrate(self, logits: np.ndarray, n_words: np.ndarray | None = None) -> np.ndarray:
        return sigmoid(self.calibrated_log_odds(logits, n_words))

    def predict_proba(self, texts: list[str], remember: bool = True) -> np.ndarray:
        """Calibrated probabilities (n, labels) in the order of `self.labels`. `remember=False`: neither read nor
        fill the logit cache (texts no one will send again, such as an explanation's variants)."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        normed = self.normalize(texts)
        logits, _ = self.distinct_logits(normed, remember)
        return self.calibrate(logits, word_counts(normed))

    def distinct_logits(self, normed: list[str], remember: bool = True) -> tuple[np.ndarray, list[int]]:
        """The backend's logits and windows of normalised texts, each distinct text run once (and, with a logit
        cache and `remember`, each text seen before taken from the cache).

        Why: a post that was forwarded or copied (a broadcast, a retweet) comes many times in an audit's chunk or a
        busy micro-batch, and the network is most of the cost. Running each copy once also gives every copy the
        same scores: in int8 a row's scores move slightly with the rows batched beside it (model/int8.py), so two
        copies in different batches of one call could otherwise land on either side of a flag."""
        if not normed:
            return np.zeros((0, len(self.labels))), []
        uniq, index = distinct(normed)
        logits, windows = (
            self._cached_logits(uniq) if self.cache is not None and remember else self.backend.logits(uniq)
        )
        if len(uniq) == len(normed):
            return logits, windows
        return logits[index], [windows[k] for k in index]

    def _cached_logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """The backend's logits of distinct texts, those in the cache taken from it and the rest run and added."""
        assert self.cache is not None
        keys = [LogitCache.key(t) for t in texts]
        found = self.cache.get(keys)
        todo = [i for i, f in enumerate(found) if f is None]
        run: tuple[np.ndarray, list[int]] | None = None
        if todo:
            run = self.backend.logits([texts[i] for i in todo])
            self.cache.put([keys[i] for i in todo], *run)
        sample = run[0] if run is not None else next(f[0] for f in found if f is not None)
        logits = np.empty((len(texts), sample.shape[-1]), dtype=sample.dtype)
        windows = [0] * len(texts)
        for i, f in enumerate(found):
            if f is not None:
                logits[i], windows[i] = f
        if run is not None:
            logits[todo] = run[0]
            for i, w in zip(todo, run[1], strict=True):
                windows[i] = w
        return logits, windows

    def risk_proba(self, texts: list[str], remember: bool = True) -> np.ndarray:
        """Calibrated probabilities (n, 3) for RISKS only (`remember`: see predict_proba)."""
        p = self.predict_proba(texts, remember)
        return p[:, [self.labels.index(r) for r in RISKS]]

    def score(
        self,
        texts: list[str],
        parents: list[str | None] | None = None,
        thresholds: dict[str, Threshold] | None = None,
    ) -> list[ScoredText]:
        """Score texts (and draft replies with the posts they answer), in input order.

        A reply is scored on its own text; when its parent is risky, the reply is checked for repeating
        the parent's content (see model.replies) and a warning names the repeated words.
        """
        th = {**self.thresholds, **(thresholds or {})}
        if parents is not None and len(parents) != len(texts):
            raise ValueError(f"parents has {len(parents)} entries, texts has {len(texts)}; pass one per text")
        parent_idx: list[int] = []
        parent_texts: list[str] = []
        for i, p in enumerate(parents or []):
            if p and p.strip():
                parent_idx.append(i)
                parent_texts.append(p)
        # One forward pass over the texts and the parents together.
        all_texts = list(texts) + parent_texts
        normed = self.normalize(all_texts)  # once: the model and the short-text check share it
        logits, windows = self.distinct_logits(normed)
        probs = self.calibrate(logits, word_counts(normed))  # the length term counts every token
        # The short-text and language checks count words that carry meaning: emoji, punctuation, links and
        # mentions alone are no words. Posts long enough to judge are checked for their language: one in a
        # language saring never learnt is scored all the same, with a warning that its scores mean little
        # (model.language)
        n_words = content_word_counts(normed[: len(texts)])
        judged = [i for i in range(len(texts)) if n_words[i] >= MIN_WORDS]
        languages = dict(zip(judged, guess_languages([texts[i] for i in judged]), strict=True))
        results: list[ScoredText] = []
        for i in range(len(texts)):
            row = probs[i]
            scores = {r: float(row[self.labels.index(r)]) for r in RISKS}
            aux = {n: float(row[j]) for j, n in enumerate(self.labels) if n not in RISKS}
            flags, decisions, overall = decide(scores, th)
            warns: list[ScoreWarning] = []
            if n_words[i] < MIN_WORDS:
                found = f"only {n_words[i]} word(s)" if n_words[i] else "no words (only emoji, symbols, links)"
                warns.append(
                    ScoreWarning(
                        "TEXT_TOO_SHORT",
                        f"{found}: too little to judge (at least {MIN_WORDS} words are needed); scores "
                        "are unreliable and should not drive a decision on their own",
                    )
                )
            guess = languages.get(i)
            if guess is not None and guess.foreign:
                warns.append(
                    ScoreWarning(
                        "LANGUAGE_NOT_SUPPORTED",
                        f"written in {guess.name}, not in Indonesian or a language of Indonesia (language "
                        f"identification {guess.probability:.2f}): the model learnt from Indonesian posts, so its "
                        "scores for other languages are unreliable and should not drive a decision on their own; "
                        "have someone who reads the language review it",
                        language=guess.code,
                    )
                )
            if windows[i] > 1:
                warns.append(
                    ScoreWarning(
                        "LONG_TEXT_WINDOWED",
                        f"longer than {self.max_length} tokens: scored in "
                        f"{windows[i]} overlapping windows, each risk taking the highest window",
                    )
                )
            results.append(ScoredText(scores, flags, decisions, overall, aux, warns, windows[i]))
        if parent_idx:
            from model.replies import reply_warnings

            for k, i in enumerate(parent_idx):
                prow = probs[len(texts) + k]
                pscores = {r: float(prow[self.labels.index(r)]) for r in RISKS}
                pflags, _, _ = decide(pscores, th)
                results[i].warnings.extend(reply_warnings(texts[i], parent_texts[k], pflags, self.normalizer))
        return results

    def text_fingerprints(self) -> dict[str, list[str]] | None:
        """{split: fingerprints} of the texts the model was trained and calibrated on (model.splits.text_hash),
        read from its data manifest on demand; None for a model trained before saring recorded them."""
        hashes = self.dir.read_json(MANIFEST_JSON, default={}).get("text_hashes")
        return hashes if isinstance(hashes, dict) else None

    def card(self) -> dict[str, Any]:
        """The model card served by the API: identity, labels, thresholds, metrics, data and licences."""
        manifest = self.manifest
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "created": self.info.get("created"),
            "risks": list(RISKS),
            "risk_meanings": dict(RISK_SCORE_MEANING),
            "labels": self.labels,
            "max_length": self.max_length,
            "normalizer_version": self.normalizer.version,
            "languages": language_card(),
            "thresholds": {r: vars(t) for r, t in self.thresholds.items() if r in RISKS},
            "metrics": self.metrics,
            "sources": manifest.get("sources") if isinstance(manifest.get("sources"), list) else [],
            "data": manifest.get("sources", manifest),
            "hoax_evidence": self.info.get("hoax_evidence"),
            "library_versions": self.info.get("library_versions"),
            "git_commit": self.info.get("git_commit"),
        }
