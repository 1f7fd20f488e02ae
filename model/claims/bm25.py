"""Lexical ranking: BM25 over normalised, lightly stemmed tokens."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

LEX_STOPWORDS: frozenset[str] = frozenset(
    """yang dan di ke dari ini itu untuk dengan pada adalah akan sudah ada dalam atau karena saya kami kita
    anda dia mereka jadi bisa lebih agar oleh saat sebagai telah bahwa apa ya kalau tapi tetapi namun hanya
    masih pun lagi sangat para bagi juga nya lah kah dong deh sih kok nih tuh loh lho ayo mari wkwk wkwkwk
    banget sekali semua setiap the a of to and is in url user info berita kabar pesan""".split()
)

_VOWELS = set("aeiou")


def light_stem(word: str) -> str:
    """A light Indonesian stemmer: common prefixes (with the me-/pe- nasal rules), then particles,
    possessives and derivational suffixes. Crude on purpose (no dictionary): it only has to bring
    "menyembuhkan" and "sembuh", "dibantah" and "membantah" together for BM25, the same way on both sides."""
    w = word
    if len(w) <= 4 or not w.isalpha():
        return w
    for _ in range(2):  # di-/ke-/mem- may precede another prefix (diper-, memper-); the others end the loop
        if w.startswith(("meny", "peny")) and len(w) > 5 and w[4] in _VOWELS:
            w = "s" + w[4:]
        elif w.startswith(("mem", "pem")) and len(w) > 4:
            if w[3] in _VOWELS:
                w = "p" + w[3:]
            else:
                w = w[3:]
                continue
        elif w.startswith(("meng", "peng")) and len(w) > 5:
            w = w[4:] if w[4] not in _VOWELS else "k" + w[4:]
        elif w.startswith(("men", "pen")) and len(w) > 4:
            w = w[3:] if w[3] not in _VOWELS else "t" + w[3:]
        elif w.startswith(("ber", "ter", "per")) and len(w) > 5:
            w = w[3:]
        elif w.startswith(("me", "pe")) and len(w) > 4 and w[2] in "lrwy":
            w = w[2:]
        elif w.startswith(("di", "ke")) and len(w) > 5:
            w = w[2:]
            continue
        break
    for suffixes in (("lah", "kah", "pun"), ("nya", "ku", "mu"), ("kan", "an", "i")):
        for suf in suffixes:
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
    return w


class BM25:
    """Okapi BM25 over token lists, as a sparse document x term weight matrix (scipy.sparse).

    `coverage(queries)` gives, for every query and document, the document's BM25 score for the query's
    distinct terms divided by the document's score for itself: the share of the document's weighted content
    that the query contains, in [0, 1]. Extra words in a query (a post is longer than the claim it repeats)
    do not lower it.
    """

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        from scipy import sparse

        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avgdl = float(lengths.mean()) if len(docs) and lengths.sum() else 1.0
        df: dict[int, int] = {}
        counts: list[dict[int, int]] = []
        for doc in docs:
            c: dict[int, int] = {}
            for t in doc:
                j = self.vocab.setdefault(t, len(self.vocab))
                c[j] = c.get(j, 0) + 1
            counts.append(c)
            for j in c:
                df[j] = df.get(j, 0) + 1
        n = len(docs)
        idf = np.zeros(len(self.vocab))
        for j, d in df.items():
            idf[j] = math.log(1.0 + (n - d + 0.5) / (d + 0.5))
        self.idf = idf
        for i, c in enumerate(counts):
            norm = k1 * (1 - b + b * lengths[i] / avgdl)
            for j, tf in c.items():
                rows.append(i)
                cols.append(j)
                vals.append(idf[j] * tf * (k1 + 1) / (tf + norm))
        self.weights = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocab)), dtype=np.float64)
        self.self_scores = np.asarray(self.weights.sum(axis=1)).ravel()

    def _query_matrix(self, queries: Sequence[Sequence[str]]) -> Any:
        from scipy import sparse

        rows, cols = [], []
        for i, q in enumerate(queries):
            for j in {self.vocab[t] for t in q if t in self.vocab}:
                rows.append(i)
                cols.append(j)
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(queries), len(self.vocab)))

    def scores(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """Raw BM25 scores (n_queries, n_docs) over each query's distinct terms."""
        if not len(self.vocab) or not len(queries):
            return np.zeros((len(queries), self.weights.shape[0]))
        return np.asarray((self._query_matrix(queries) @ self.weights.T).todense())

    def coverage(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        return self.scores(queries) / np.maximum(self.self_scores, 1e-12)[None, :]
