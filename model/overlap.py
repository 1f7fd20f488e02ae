"""Near copies: training texts that share most of their words with an evaluation case.

A training post written from the same sentence frame as an evaluation case ("Saya tidak sudi bertetangga dengan
orang ...", written independently by both sides) teaches the model that case: the evaluation then measures
memory, not generalisation. Exact copies are caught by the splits (model.splits merges duplicates) and by
`saring eval --compare` (model fingerprints); this module catches the near ones.

Words are lower-cased runs of letters and digits (`\\w+`); two texts are near copies when the Jaccard index of
their word sets is at least NEAR_COPY (half of all the words either uses are shared). The team's generators drop
their near copies of the committed evaluation cases (scripts/make_register_posts.py, scripts/make_hoax_posts.py)
and a test checks every training card against every evaluation case (eval.ood.evaluation_case_texts).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

NEAR_COPY = 0.5
_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """The set of lower-cased words of a text (runs of letters and digits)."""
    return frozenset(_WORD.findall(text.lower()))


def copy_key(text: str) -> str:
    """A text's words in order, lower-cased and joined by one space: two posts with the same key are copies of one
    another whatever their case, punctuation, emoji and spacing (audits count copies by it)."""
    return " ".join(_WORD.findall(text.lower()))


class NearCopyIndex:
    """The texts of a fixed list (e.g. evaluation cases) indexed by word, to find a text's closest one quickly.

    `closest(text)` is exact: every indexed text that shares a word with `text` is scored, none is guessed."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._words = [words(t) for t in texts]
        self._by_word: dict[str, list[int]] = defaultdict(list)
        for i, ws in enumerate(self._words):
            for w in ws:
                self._by_word[w].append(i)

    def __len__(self) -> int:
        return len(self._words)

    def closest(self, text: str) -> tuple[float, int | None]:
        """(Jaccard index, position) of the indexed text with the most words in common relative to both texts'
        words; (0.0, None) when none shares a word."""
        ws = words(text)
        shared = Counter(i for w in ws for i in self._by_word.get(w, ()))
        best, where = 0.0, None
        for i, n in shared.items():
            j = n / (len(ws) + len(self._words[i]) - n)
            if j > best:
                best, where = j, i
        return best, where

    def is_near_copy(self, text: str, threshold: float = NEAR_COPY) -> bool:
        return self.closest(text)[0] >= threshold
