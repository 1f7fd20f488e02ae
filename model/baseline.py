"""The lexical baseline at inference: TF-IDF (word 1-2 grams + character 2-5 grams within word boundaries +
word 1-2 grams of the negation and quotation marks of model/scope.py, sublinear tf) and one logistic regression
per label.

Stored without pickle: the vocabularies, idf vectors and settings in baseline_vocab.json, the coefficient
matrix and intercepts in model.safetensors. The vectorisers are rebuilt from those at load time.
Training lives in training/baseline.py.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from scipy import sparse

from model.modeldir import ModelDir
from model.scope import scope_marks_all

BASELINE_SETTINGS: dict[str, Any] = {
    "word": {"analyzer": "word", "ngram_range": [1, 2], "min_df": 2, "max_features": 150_000},
    "char": {"analyzer": "char_wb", "ngram_range": [2, 5], "min_df": 2, "max_features": 250_000},
    # n-grams of model.scope's marked tokens (neg_<word>, q_<word>); a part with "marks" reads scope_marks(text)
    "marks": {"analyzer": "word", "ngram_range": [1, 2], "min_df": 2, "max_features": 50_000, "marks": "scope"},
}
MARKS = {"scope": scope_marks_all}  # the text views a part may read instead of the text itself
# Long texts: hate and insults sit in a sentence or two, and in a whole-text bag of n-grams a hateful sentence
# in a 200-word story is diluted by everything around it (the L2 norm). So every label but hoax takes the
# highest of the whole text and of its overlapping windows of `words` words (about the transformer's 64-token
# window); hoax reads the whole text, as a claim and the evidence of its falsity are spread over it. Measured on
# the long-posts set (TF-IDF member of the eighth session's model, raw logits, ROC-AUC of max(slander,
# incitement)): whole text 0.834; windows of 16 / 24 / 32 / 48 / 64 words 0.838 / 0.868 / 0.878 / 0.900 /
# 0.895; on the circulated posts windows cost hoax 0.866 -> 0.857, hence its exception. Texts of at most
# `words` words (most posts) score exactly as before. Saved with the model; models saved before read whole texts.
BASELINE_WINDOW: dict[str, Any] = {"words": 48, "stride": 24, "whole_text_labels": ["hoax"]}


def part_texts(marks: str | None, texts: list[str]) -> list[str]:
    """The texts a vectoriser part reads: the normalised texts, or their marks (saved models record which)."""
    if marks is None:
        return texts
    if marks not in MARKS:
        raise ValueError(f"unknown baseline text view {marks!r}; expected one of {sorted(MARKS)} (a newer saring?)")
    return MARKS[marks](texts)


def make_vectorizer(settings: dict[str, Any], vocabulary: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer=settings["analyzer"],
        ngram_range=tuple(settings["ngram_range"]),
        min_df=settings.get("min_df", 1) if vocabulary is None else 1,
        max_features=settings.get("max_features") if vocabulary is None else None,
        sublinear_tf=True,
        lowercase=False,  # the normaliser already lowercases
        token_pattern=r"(?u)\b\w+\b" if settings["analyzer"] == "word" else None,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


class CharNgramCounts:
    """Counts of a fitted `char_wb` vectoriser's n-grams, computed word by word with a cache of each word's
    n-gram ids: the same matrix as scikit-learn's analyser and counter (its n-grams never cross a word
    boundary, so a text's counts are the sum of its words'), without re-slicing and looking up the same
    words in every text. Measured on 400 tweets (2 cores, shared with a training run): both TF-IDF parts took
    0.31 ms per text through scikit-learn, 0.08 with this; `saring benchmark speed` times the whole path. The
    cache is bounded: it is emptied when full."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int], max_words: int = 200_000) -> None:
        self.vocabulary = vocabulary
        self.min_n, self.max_n = ngram_range
        self.max_words = max_words
        self._cache: dict[str, np.ndarray] = {}

    def word_ids(self, word: str) -> np.ndarray:
        ids = self._cache.get(word)
        if ids is not None:
            return ids
        w = " " + word + " "  # scikit-learn's padding; the loop below is its _char_wb_ngrams for one word
        found: list[int] = []
        for n in range(self.min_n, self.max_n + 1):
            last = max(len(w) - n, 0)
            for offset in range(last + 1):
                j = self.vocabulary.get(w[offset : offset + n])
                if j is not None:
                    found.append(j)
            if last == 0:  # a word shorter than n is counted once, as scikit-learn does
                break
        ids = np.asarray(found, dtype=np.int32)  # half the memory of int64 in a cache of up to max_words words
        if len(self._cache) >= self.max_words:
            self._cache.clear()
        self._cache[word] = ids
        return ids

    def counts(self, texts: list[str]) -> sparse.csr_matrix:
        sizes = []
        flat: list[np.ndarray] = []
        for t in texts:
            words = [self.word_ids(w) for w in t.split()]
            sizes.append(sum(len(a) for a in words))
            flat.extend(words)
        ids = np.concatenate(flat) if flat else np.zeros(0, dtype=np.int32)
        return count_matrix(ids, sizes, len(self.vocabulary))


class WordNgramCounts:
    """Counts of a fitted `word` vectoriser's n-grams (scikit-learn's token pattern, n-grams joined by one
    space, lowercase off: the normaliser already lowercases): the same matrix as its analyser and counter,
    without the parameter and input validation that scikit-learn repeats on every call, which dominated the
    TF-IDF member's time on the API's micro-batches of a few posts (a tenth of the scoring thread at
    concurrency 8)."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int], token_pattern: str) -> None:
        self.vocabulary = vocabulary
        self.min_n, self.max_n = ngram_range
        self._tokens = re.compile(token_pattern).findall

    def text_ids(self, text: str) -> list[int]:
        vocab = self.vocabulary
        tokens = self._tokens(text)
        found: list[int] = []
        for n in range(self.min_n, self.max_n + 1):
            grams = tokens if n == 1 else [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
            for g in grams:
                j = vocab.get(g)
                if j is not None:
                    found.append(j)
        return found

    def counts(self, texts: list[str]) -> sparse.csr_matrix:
        per_text = [self.text_ids(t) for t in texts]
        ids = np.fromiter((j for found in per_text for j in found), dtype=np.int64)
        return count_matrix(ids, [len(f) for f in per_text], len(self.vocabulary))


def count_matrix(ids: np.ndarray, sizes: list[int], n_features: int) -> sparse.csr_matrix:
    """The (texts x features) count matrix of the feature ids found in each text, `sizes[i]` of them for
    text i, in order: the CSR matrix scikit-learn's counters build (sorted indices, float32 counts)."""
    n_texts = len(sizes)
    # one key per (text, n-gram): unique keys come out sorted by text, then by feature, as CSR wants
    text_of = np.repeat(np.arange(n_texts, dtype=np.int64), np.asarray(sizes, dtype=np.int64))
    keys, counts = np.unique(text_of * n_features + ids.astype(np.int64), return_counts=True)
    indptr = np.searchsorted(keys // n_features, np.arange(n_texts + 1)).astype(np.int32)
    return sparse.csr_matrix(
        (counts.astype(np.float32), (keys % n_features).astype(np.int32), indptr), shape=(n_texts, n_features)
    )


def tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """scikit-learn's TfidfTransformer with sublinear_tf and the l2 norm, on counts (rows of zeros stay)."""
    x = counts.copy()
    np.log(x.data, x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    norms = np.sqrt(np.bincount(rows, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
    norms[norms == 0.0] = 1.0
    x.data /= norms[rows].astype(x.data.dtype)
    return x


def _plain_word_settings(v: Any) -> bool:
    """The word settings WordNgramCounts reproduces (saring's make_vectorizer): any other goes through
    scikit-learn rather than silently counting differently."""
    custom = (v.tokenizer, v.preprocessor, v.stop_words, v.strip_accents)
    return not v.lowercase and all(c is None for c in custom) and v.input == "content" and bool(v.token_pattern)


class BaselineBackend:
    """Raw logits from the stored TF-IDF vectorisers and linear heads."""

    def __init__(
        self,
        vectorizers: list[Any],
        coef: np.ndarray,
        intercept: np.ndarray,
        labels: list[str],
        marks: list[str | None] | None = None,
        window: dict[str, Any] | None = None,
    ):
        self.vectorizers = vectorizers
        self.window = dict(window) if window else None  # see BASELINE_WINDOW; None: every label reads whole texts
        if self.window is not None:
            size, stride = self.window.get("words"), self.window.get("stride")
            whole = self.window.get("whole_text_labels", [])
            if not (
                isinstance(size, int)
                and isinstance(stride, int)
                and 0 < stride <= size
                and isinstance(whole, list)
                and all(isinstance(x, str) for x in whole)
            ):
                raise ValueError(
                    f"baseline window needs integer 'words' and 'stride' with 0 < stride <= words and a list of "
                    f"label names in 'whole_text_labels', like "
                    f"{BASELINE_WINDOW}; found {self.window}. Fix: retrain the baseline, or remove 'window' from "
                    "baseline_vocab.json to read whole texts"
                )
        self.marks = list(marks) if marks is not None else [None] * len(vectorizers)  # each part's text view
        if len(self.marks) != len(vectorizers):
            raise ValueError(
                f"{len(vectorizers)} vectoriser parts need {len(vectorizers)} text views, found {len(self.marks)}"
            )
        self.coef = coef.astype(np.float32)  # (features, labels)
        self.intercept = intercept.astype(np.float32)
        self.labels = labels
        self.max_length = 10**9  # a bag of n-grams reads the whole text: nothing is cut
        # Both parts counted without scikit-learn's per-call overhead (the same matrices, see CharNgramCounts
        # and WordNgramCounts); any other analyser goes through scikit-learn.
        self._counters: dict[int, CharNgramCounts | WordNgramCounts] = {}
        for k, v in enumerate(vectorizers):
            vocab = getattr(v, "vocabulary_", None) or v.vocabulary
            if v.analyzer == "char_wb":
                self._counters[k] = CharNgramCounts(vocab, tuple(v.ngram_range))
            elif v.analyzer == "word" and _plain_word_settings(v):
                self._counters[k] = WordNgramCounts(vocab, tuple(v.ngram_range), v.token_pattern)
        self._idf = [np.asarray(v.idf_, dtype=np.float32) for v in vectorizers]

    def _transform(self, k: int, texts: list[str]) -> sparse.csr_matrix:
        texts = part_texts(self.marks[k], texts)
        counter = self._counters.get(k)
        if counter is None:
            return self.vectorizers[k].transform(texts)
        return tfidf(counter.counts(texts), self._idf[k])

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([self._transform(k, texts) for k in range(len(self.vectorizers))], format="csr")

    def logits(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """Raw logits (n, labels). The count of windows returned is always 1: the word windows below are this
        member's own, and the windows a scorer reports are the transformer's token windows."""
        out = self._logits(texts)
        if self.window is None:
            return out, [1] * len(texts)
        size, stride = self.window["words"], self.window["stride"]  # validated in __init__
        cols = [j for j, name in enumerate(self.labels) if name not in self.window.get("whole_text_labels", [])]
        owner: list[int] = []
        pieces: list[str] = []
        for i, text in enumerate(texts):
            words = text.split()
            if len(words) <= size or not cols:
                continue
            starts = list(range(0, len(words) - size, stride)) + [len(words) - size]  # the last reaches the end
            for s in starts:
                owner.append(i)
                pieces.append(" ".join(words[s : s + size]))
        if pieces:
            per_piece = self._logits(pieces)[:, cols]
            rows = np.asarray(owner)
            best = np.full((len(texts), len(cols)), -np.inf, dtype=per_piece.dtype)
            np.maximum.at(best, rows, per_piece)
            out[:, cols] = np.maximum(out[:, cols], best)
        return out, [1] * len(texts)

    def _logits(self, texts: list[str]) -> np.ndarray:
        # Part by part against its rows of the coefficients: the same sum as features(texts) @ coef without
        # stacking the parts into one matrix, which cost a post scored alone ~0.3 ms of its ~0.8 ms here.
        out = np.tile(self.intercept, (len(texts), 1))
        start = 0
        for k, idf in enumerate(self._idf):
            stop = start + len(idf)
            out += np.asarray(self._transform(k, texts) @ self.coef[start:stop])
            start = stop
        return out

    @classmethod
    def load(cls, md: ModelDir) -> BaselineBackend:
        from safetensors.numpy import load_file

        meta = md.read_json(md.baseline_vocab.name)
        vectorizers, marks = [], []
        for part in meta["parts"]:
            vec = make_vectorizer(part["settings"], vocabulary=part["vocabulary"])
            vec.idf_ = np.asarray(part["idf"], dtype=np.float32)
            vectorizers.append(vec)
            marks.append(part["settings"].get("marks"))  # absent in models saved before the marks part
        tensors = load_file(str(md.weights))
        window = meta.get("window")  # absent in models saved before the windows: whole texts, as they were fitted
        return cls(vectorizers, tensors["coef"], tensors["intercept"], list(meta["labels"]), marks, window)

    def save(self, md: ModelDir) -> None:
        from safetensors.numpy import save_file

        parts = []
        for vec, marks in zip(self.vectorizers, self.marks, strict=True):
            settings: dict[str, Any] = {
                "analyzer": vec.analyzer,
                "ngram_range": list(vec.ngram_range),
            }
            if marks is not None:
                settings["marks"] = marks
            vocab = {k: int(v) for k, v in vec.vocabulary_.items()}
            parts.append({"settings": settings, "vocabulary": vocab, "idf": vec.idf_.astype(float).tolist()})
        meta: dict[str, Any] = {"labels": self.labels, "parts": parts}
        if self.window is not None:
            meta["window"] = self.window
        md.write_json(md.baseline_vocab.name, meta)
        save_file({"coef": np.ascontiguousarray(self.coef), "intercept": self.intercept}, str(md.weights))
