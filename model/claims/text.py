"""One claim-text normalisation for both sides (posts and stored claims, BM25 and e5), and the
encoder that turns texts into what retrieval compares."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from model.claims.bm25 import BM25, LEX_STOPWORDS, light_stem
from model.claims.numbers import canonical_amounts
from model.claims.slang import BUILTIN_SLANG, CLAIM_SYNONYMS, REGIONAL_SLANG
from model.normalize import Normalizer

# Bump when the output of `ClaimEncoder.normalize` changes: stored claim embeddings are keyed with it (and
# recomputed), and match parameters saved under another version are not used (they were calibrated on
# other similarities).
CLAIM_TEXT_VERSION = "2"


class EmbedderLike(Protocol):
    def encode(self, texts: Sequence[str], prefix: str = "query: ") -> np.ndarray: ...


# Symbols that stand for words in posts ("vaksin = chip", "durian + soda", "500rb/KTP", "BOOSTER -> MATI").
_SYMBOLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*(?:-+>|=+>|→|⇒|➡️?)\s*"), " menyebabkan "),
    (re.compile(r"(?<![=<>!])\s*=\s*(?![=>])"), " adalah "),
    (re.compile(r"(?<=[^\W\d_])\s*\+\s*(?=[^\W\d_])|\s+\+\s+"), " dan "),
    (re.compile(r"(?<=\d)\s*\+(?=\s|$)"), " ke atas "),
    (re.compile(r"\s*&\s*"), " dan "),
    (re.compile(r"(?<=\w)/(?=[^\W\d_])"), " per "),
    (re.compile(r"(?<=\d)\s*%"), " persen "),
    (re.compile(r"(?<=\d)x(?![\w])"), " kali "),
)


def _symbols_to_words(text: str) -> str:
    for pattern, words in _SYMBOLS:
        text = pattern.sub(words, text)
    return text


_LETTER_HYPHEN_DIGIT = re.compile(r"(?<=[^\W\d_])-(?=\d)")
_STANDALONE_NUMBER = re.compile(r"(?<!\S)(\d+)(?!\S)")
_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*")
WINDOW_MIN_WORDS = 16  # texts longer than this are also compared sentence by sentence
MAX_WINDOWS = 24  # at most this many parts per text are embedded besides the text itself


def text_windows(text: str, min_words: int = WINDOW_MIN_WORDS, max_windows: int = MAX_WINDOWS) -> list[str]:
    """The parts of a long post that are compared with claims on their own: every sentence and every pair of
    adjacent sentences (a claim often sits in one or two sentences of a chatty post). Empty for short texts
    (the whole text is always compared as well). A very long post is first cut into at most `max_windows`
    runs of consecutive sentences, so that its cost stays bounded."""
    if len(text.split()) <= min_words:
        return []
    sents = [s for s in (p.strip() for p in _SENTENCE_RE.split(text)) if len(s.split()) >= 2]
    if len(sents) < 2:
        return []
    if 2 * len(sents) - 1 > max_windows:  # runs of consecutive sentences, then those runs and their pairs
        size = math.ceil(len(sents) / max(1, (max_windows + 1) // 2))
        sents = [" ".join(sents[i : i + size]) for i in range(0, len(sents), size)]
    wins = sents + [f"{a} {b}" for a, b in zip(sents, sents[1:], strict=False)]
    return list(dict.fromkeys(wins))[:max_windows]


class ClaimEncoder:
    """Turns texts into what retrieval compares, the same way for posts and stored claims: one normalised
    text (:meth:`normalize`: cleaning, symbols to words, canonical amounts, slang and regional words to
    standard Indonesian), its BM25 tokens (stopwords removed, lightly stemmed) and its dense vector (the
    normalised text through the embedder with an e5 prefix)."""

    def __init__(self, embedder: EmbedderLike | None = None, normalizer: Normalizer | None = None) -> None:
        self.embedder = embedder
        # A given normaliser (e.g. the scorer's, with the full slang table) is completed with the built-in
        # chat abbreviations and regional words; its own entries win, except for CLAIM_SYNONYMS.
        base = normalizer.slang if normalizer is not None else {}
        # Normaliser version 1, pinned: claim texts have their own version (CLAIM_TEXT_VERSION), and moving
        # them to version 2's readings of spelled-out and masked words would re-embed every stored claim
        # and set aside calibrated match parameters.
        self.normalizer = Normalizer({**REGIONAL_SLANG, **BUILTIN_SLANG, **base, **CLAIM_SYNONYMS}, version="1")
        self._stems: dict[str, str] = {}
        self._norm_cache: dict[str, list[str]] = {}

    def normalize_tokens(self, text: str) -> list[str]:
        """The words (and punctuation) of `text` after claim normalisation; amounts as one integer token."""
        cached = self._norm_cache.get(text)
        if cached is not None:
            return cached
        out: list[str] = []
        clean = _symbols_to_words(self.normalizer.clean(text))
        clean = _LETTER_HYPHEN_DIGIT.sub(" ", canonical_amounts(clean))  # covid-19 -> covid 19
        # Numbers standing alone bypass the normaliser (which would squeeze 3500000 to 3500).
        for k, piece in enumerate(_STANDALONE_NUMBER.split(clean)):
            if k % 2:
                out.append(piece)
                continue
            for tok in self.normalizer.normalize_tokens(piece):
                out.extend(t for t in (tok.split("-") if "-" in tok and tok not in CLAIM_SYNONYMS else (tok,)) if t)
        if len(self._norm_cache) > 4096:
            self._norm_cache.clear()
        self._norm_cache[text] = out
        return out

    def normalize(self, text: str) -> str:
        """The normalised text (what the embedder reads)."""
        return " ".join(self.normalize_tokens(text))

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for t in self.normalize_tokens(text):
            if t in LEX_STOPWORDS or not any(ch.isalnum() for ch in t):
                continue
            s = self._stems.get(t)
            if s is None:
                s = self._stems[t] = light_stem(t)
            out.append(s)
        return out

    def embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if self.embedder is None:
            raise ValueError("no embedder: dense similarity is unavailable")
        vecs = np.asarray(self.embedder.encode([self.normalize(t) for t in texts], prefix=prefix), dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape[0] != len(texts):
            raise ValueError(f"the embedder returned shape {vecs.shape} for {len(texts)} texts; expected (n, d)")
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def similarities(
        self,
        texts: Sequence[str],
        bm25: BM25,
        dense: np.ndarray | None,
        dense_weight: float,
        query_prefix: str = "query: ",
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(similarity, cosine, coverage), each (n_texts, n_claims): `dense_weight * cosine + (1 -
        dense_weight) * coverage`, taken as the best over the whole text and its windows (sentences and
        pairs of sentences of a long post, :func:`text_windows`); cosine and coverage are those of the best
        part."""
        n, m = len(texts), bm25.weights.shape[0]
        owner: list[int] = []
        parts: list[str] = []
        for i, t in enumerate(texts):
            for p in (t, *text_windows(t)):
                owner.append(i)
                parts.append(p)
        lex = bm25.coverage([self.tokens(p) for p in parts]) if m else np.zeros((len(parts), 0))
        cos = np.zeros((len(parts), m))
        w = dense_weight if dense is not None else 0.0
        if dense is not None and m and parts:
            q = self.embed(parts, query_prefix)
            cos = np.clip(q.astype(np.float64) @ dense.T.astype(np.float64), -1.0, 1.0)
        sim = w * cos + (1 - w) * lex
        out_sim, out_cos, out_lex = np.zeros((n, m)), np.zeros((n, m)), np.zeros((n, m))
        own = np.asarray(owner)
        for i in range(n):
            rows = np.where(own == i)[0]
            best = rows[np.argmax(sim[rows], axis=0)] if m else rows[:0]
            cols = np.arange(m)
            out_sim[i], out_cos[i], out_lex[i] = sim[best, cols], cos[best, cols], lex[best, cols]
        return out_sim, out_cos, out_lex
