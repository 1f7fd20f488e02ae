"""Which posts saring can read: Indonesian, and the languages of Indonesia that its posts mix in.

saring's models learnt from Indonesian posts (with Javanese, Malay and other regional words among them), so a post
written wholly in another language (English, Arabic, Chinese...) gets scores that mean little: of 19 risky posts in
other languages written to check this, 17 were allowed (docs/quality.md, "Posts in other languages"). Such a post is
scored as usual and carries the warning ``LANGUAGE_NOT_SUPPORTED`` naming the language, so that a moderation system can
route it to a reviewer who reads it instead of trusting the scores (as Perspective's LANGUAGE_NOT_SUPPORTED tells its
clients; here a warning, never a failed request).

The language is identified by py3langid (a character n-gram naive Bayes model of 142 languages, shipped inside the
package as numpy arrays; about 0.1 ms a post on one core). A post is foreign when the identifier gives the
languages of Indonesia together less than :data:`MAX_INDONESIAN` and its best other language at least
:data:`MIN_OTHER`: on the team's and the outsiders' Indonesian suites (5,780 posts of every register, alay and
regional mixes included) no post is called foreign; of 30 posts in 13 other languages written for this check, all
are (docs/quality.md, "Posts in other languages"; nine of them in tests/model/test_language.py). Code-mixed posts
("meeting hari ini di-cancel ya, sorry banget") stay Indonesian; spaced letters and emoji alone have no language
and are never called foreign.

Many posts at once (:data:`BATCH_POSTS` or more: a scorer's batch, an audit's chunk) are identified together with the
same model (:class:`BatchIdentifier`): py3langid walks its byte automaton and sums its feature table one post at a
time in Python, 0.1 ms a post, which had become 7% of a bf16 `Scorer.score` on a CPU with AMX (cProfile, 800 tweets,
seventy-second session). Walked in step over the batch with numpy and summed as one sparse product, 800 tweets take
about a fifth of the time, with the same guesses (probabilities within 1e-5 of py3langid's own: float32 sums added up
in another order; tests/model/test_language.py).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from scipy import sparse

# The identifier's codes for Indonesian and the languages of Indonesia it knows (Sundanese and the others it reads
# as one of these), and Malay, which Indonesian posts are often taken for.
INDONESIAN_LANGUAGES: Final = frozenset({"id", "ms", "jv", "ace"})
NO_LANGUAGE: Final = "zxx"  # emoji, numbers, spaced letters: nothing to identify
MAX_INDONESIAN: Final = 0.01  # below this probability of Indonesian (or a language of Indonesia) ...
MIN_OTHER: Final = 0.3  # ... with one other language at least this likely, the post is foreign
# Fewer posts than this go one at a time through py3langid's own ranking (the batch's numpy set-up costs more than it
# saves: one post 0.36 ms batched against 0.13), this many or more through BatchIdentifier (800 tweets: 16 ms against
# 82; five posts level).
BATCH_POSTS: Final = 16
# Posts walked through the automaton together: at most this many at a time (the batch's bytes are a matrix of this many
# rows), and in step only while at least BATCH_POSTS of them have bytes left; a batch's few longest posts finish one at
# a time, so that one long post does not walk the whole batch through its length.
WALK_ROWS: Final = 1024
LANGUAGE_NAMES: Final = {
    "en": "English",
    "ar": "Arabic",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "th": "Thai",
    "vi": "Vietnamese",
    "tl": "Tagalog",
    "hi": "Hindi",
    "ru": "Russian",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "nl": "Dutch",
    "it": "Italian",
    "tr": "Turkish",
}


@dataclass(frozen=True)
class LanguageGuess:
    """The identifier's best language for a text (`code`, `probability`) and the probability that the text is in
    Indonesian or a language of Indonesia, or in no language at all (`indonesian`)."""

    code: str
    probability: float
    indonesian: float

    @property
    def foreign(self) -> bool:
        """Written in a language saring was not trained on (see the module's docstring)."""
        return (
            self.code not in INDONESIAN_LANGUAGES
            and self.code != NO_LANGUAGE
            and self.indonesian < MAX_INDONESIAN
            and self.probability >= MIN_OTHER
        )

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES.get(self.code, self.code)


def language_card() -> dict[str, Any]:
    """What the model card (`GET /v1/model`) says of languages: which are read, and what happens to the others."""
    return {
        "read": sorted(INDONESIAN_LANGUAGES),
        "others": "scored all the same, with the warning LANGUAGE_NOT_SUPPORTED naming the language (ISO 639): the "
        "model learnt from Indonesian posts, so their scores should not drive a decision on their own",
    }


@functools.cache
def _identifier() -> Any:
    """py3langid's identifier with probabilities, loaded once a process (0.6 s: its arrays are LZMA-compressed)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_identifier() -> None:
    """Load the identifier now rather than on the first post guessed: a scorer calls this when it loads, so that its
    first call costs what every later one does (the load is once a process)."""
    _batch_identifier()


def guess_languages(texts: list[str]) -> list[LanguageGuess]:
    """Each text's language guess, in input order: a batch of :data:`BATCH_POSTS` or more together
    (:class:`BatchIdentifier`), fewer one at a time with py3langid's own ranking; the two agree (module docstring)."""
    if len(texts) >= BATCH_POSTS:
        return _batch_identifier().guess(texts)
    return [guess_language(t) for t in texts]


def guess_language(text: str) -> LanguageGuess:
    """One text's language guess, through py3langid's own ranking."""
    ranked = _identifier().rank(text)
    code, probability = ranked[0]
    indonesian = sum(p for c, p in ranked if c in INDONESIAN_LANGUAGES or c == NO_LANGUAGE)
    return LanguageGuess(str(code), float(probability), float(indonesian))


@functools.cache
def _batch_identifier() -> BatchIdentifier:
    return BatchIdentifier(_identifier())


class BatchIdentifier:
    """py3langid's naive Bayes identifier over many posts at once, computing what its `rank` computes post by post.

    py3langid encodes a post as NFC UTF-8 (lowercased when it is all upper case), walks its bytes through an
    automaton whose states emit the ids of the byte n-grams it knows, and scores each language as the log1p of every
    n-gram's count times the n-gram's log-probability (a float16 table of n-grams x languages) plus the language's
    prior; the scores, divided by the square root of the post's bytes, go through a softmax, and a language listed
    twice (two scripts) gets both columns' probability. Here the posts are walked in step (one numpy gather a byte
    position for all the posts still that long), their counts summed into one sparse matrix, and the scores come from
    one sparse product with the rows of the table the batch uses.
    """

    def __init__(self, identifier: Any) -> None:
        # The model's arrays as py3langid loaded them (no copy of the 39 MB automaton)
        self._next_list = identifier.tk_nextmove
        self._emit_list = identifier.tk_output
        self._rowbase_list = [r << 8 for r in identifier.tk_row]  # a state's 256 moves start at row << 8
        self._next = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
        self._emit = np.asarray(identifier.tk_output, dtype=np.int64)
        self._rowbase = np.asarray(self._rowbase_list, dtype=np.int64)
        self._table = identifier.nb_ptc  # (n-grams, columns)
        self._prior = np.asarray(identifier.nb_pc, dtype=np.float32)
        self._columns = [str(c) for c in identifier.nb_classes]
        first: dict[str, int] = {}
        self._aliases = []  # (first column, later column) of a language listed twice
        for j, c in enumerate(self._columns):
            if c in first:
                self._aliases.append((first[c], j))
            else:
                first[c] = j
        self._indonesian = np.array([c in INDONESIAN_LANGUAGES or c == NO_LANGUAGE for c in self._columns])

    @staticmethod
    def encode(text: str) -> bytes:
        """The bytes py3langid reads of a text. Its own encoder is private (`LanguageIdentifier._encode`), so this
        repeats its three steps; tests/model/test_language.py holds the two together on every kind of post."""
        if text.isupper():
            text = text.lower()
        return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")

    def guess(self, texts: list[str]) -> list[LanguageGuess]:
        """Each text's language guess, in input order."""
        if not texts:
            return []
        posts = [self.encode(t) for t in texts]
        sizes = np.fromiter((len(b) for b in posts), dtype=np.int64, count=len(posts))
        rows, grams = self._walk(posts, sizes)
        n_grams = self._table.shape[0]
        # one key per (post, n-gram) found: their counts
        keys, counts = np.unique(rows * n_grams + grams, return_counts=True)
        rows, grams = keys // n_grams, keys % n_grams
        used, column = np.unique(grams, return_inverse=True)
        x = sparse.csr_matrix(
            (np.log1p(counts.astype(np.float32)), (rows, column.ravel())), shape=(len(posts), len(used))
        )
        scores = np.asarray(x @ self._table[used].astype(np.float32), dtype=np.float32)
        found = np.zeros(len(posts), dtype=bool)
        found[rows] = True
        scores[found] += self._prior  # a post with no n-gram the model knows scores 0 everywhere: all equally likely
        scores *= (1.0 / np.sqrt(np.maximum(sizes, 1))).astype(np.float32)[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        for first, later in self._aliases:
            scores[:, first] += scores[:, later]
            scores[:, later] = 0.0
        best = scores.argmax(axis=1)  # the first of equals, as py3langid's stable ranking
        indonesian = scores[:, self._indonesian].sum(axis=1, dtype=np.float64)
        return [LanguageGuess(self._columns[b], float(scores[i, b]), float(indonesian[i])) for i, b in enumerate(best)]

    def _walk(self, posts: list[bytes], sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(post, n-gram id) of every n-gram the automaton emits over the posts' bytes."""
        order = np.argsort(-sizes, kind="stable")  # longest first: the posts still walking are a prefix
        rows: list[np.ndarray] = []
        grams: list[np.ndarray] = []
        for start in range(0, len(posts), WALK_ROWS):
            group = order[start : start + WALK_ROWS]
            lengths = sizes[group]  # descending
            # in step while BATCH_POSTS posts have bytes left, then the group's longest one at a time
            stop = int(lengths[BATCH_POSTS - 1]) if len(group) >= BATCH_POSTS else 0
            state = np.zeros(len(group), dtype=np.int64)
            if stop:
                matrix = np.frombuffer(
                    b"".join(posts[i][:stop].ljust(stop, b"\0") for i in group), dtype=np.uint8
                ).reshape(len(group), stop)
                walking = len(group) - np.searchsorted(lengths[::-1], np.arange(stop), side="right")
                for pos in range(stop):
                    k = int(walking[pos])
                    moved = self._next[self._rowbase[state[:k]] + matrix[:k, pos]].astype(np.int64)
                    state[:k] = moved
                    emitted = self._emit[moved]
                    hit = np.flatnonzero(emitted >= 0)
                    if len(hit):
                        rows.append(group[hit])
                        grams.append(emitted[hit])
            for j in range(len(group)):
                if lengths[j] <= stop:
                    break
                found = self._walk_one(posts[group[j]][stop:], int(state[j]))
                if found:
                    rows.append(np.full(len(found), group[j], dtype=np.int64))
                    grams.append(np.asarray(found, dtype=np.int64))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(grams)

    def _walk_one(self, data: bytes, state: int) -> list[int]:
        """The n-gram ids the automaton emits over `data` from `state`: py3langid's walk (`visit_counts`, which
        always starts from state 0) continued from where the walk in step left a post."""
        moves, rowbase, emit = self._next_list, self._rowbase_list, self._emit_list
        found = []
        for byte in data:
            state = moves[rowbase[state] + byte]
            g = emit[state]
            if g >= 0:
                found.append(g)
        return found
