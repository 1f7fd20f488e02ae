"""Long texts with marked passages cut into training windows (a card's `[files.spans]`, model.cards.SpanWindows).

Both members score a long post in windows and keep each risk's highest window, so what they must learn from a long
post is which of its windows carries the label. A post labelled as a whole says only that some window does; its
author's marked passages (the sentences that carry the hate) say which. `span_windows` turns one marked text into
windows of about `words` words: one around each passage (positive), and the sliding windows that touch no passage
(negative: the ordinary story around a hateful sentence is not hate). Windows that cut a passage are neither and
are left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Window:
    text: str
    positive: bool  # holds a whole marked passage
    kind: str  # "passage" (built around one) or "slide" (a sliding window)
    first_word: int
    words: int


def parse_spans(cell: Any) -> list[str]:
    """A row's marked passages: a JSON list of strings (a list in a JSON-lines file, or its JSON text in a CSV
    cell); empty or missing means none. Raises ValueError saying what was found."""
    if cell is None or (isinstance(cell, float) and cell != cell) or (isinstance(cell, str) and not cell.strip()):
        return []
    value = cell
    if isinstance(cell, str):
        try:
            value = json.loads(cell)
        except json.JSONDecodeError as e:
            raise ValueError(f"expected a JSON list of passages, found text that is not JSON ({e.msg})") from e
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of passages (strings), found {type(value).__name__} {str(value)[:60]!r}")
    return [v for v in value if v.strip()]


def _whole_words(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] neither starts nor ends inside a word ("bodoh" in "kebodohan" does both)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() and text[start].isalnum()) and not (after.isalnum() and text[end - 1].isalnum())


def _word_range(bounds: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The words [a, b) that the characters [start, end) touch."""
    a = next(i for i, (_, e) in enumerate(bounds) if e > start)
    b = max(i for i, (s, _) in enumerate(bounds) if s < end) + 1
    return a, b


def span_windows(text: str, spans: list[str], words: int, stride: int) -> list[Window]:
    """Windows of `text` for training, in order: one around each occurrence of each passage of `spans` (each an
    exact substring of `text` at word boundaries, else ValueError), then the sliding windows (`words` words, `stride`
    apart, the last one flush with the end) that touch no passage. A text of at most `words` words is one window,
    positive when it has a passage. Windows keep the text's own characters (line breaks included) between their
    first and last word; a window whose text another window already has is left out."""
    bounds = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    n = len(bounds)
    ranges: list[tuple[int, int]] = []
    for span in spans:
        found = [m.start() for m in re.finditer(re.escape(span), text) if _whole_words(text, m.start(), m.end())]
        if not found:
            where = "inside a word" if span in text else "not in the text"
            raise ValueError(
                f"marked passage {span[:60]!r} is {where} (passages must be exact substrings that start and end "
                "at word boundaries)"
            )
        ranges += [_word_range(bounds, at, at + len(span)) for at in found]  # every occurrence is marked
    if n <= words:
        return [Window(text, bool(ranges), "passage" if ranges else "slide", 0, n)]

    def cut(a: int, b: int) -> str:
        return text[bounds[a][0] : bounds[b - 1][1]]

    out: list[Window] = []
    seen: set[str] = set()
    for a, b in ranges:
        if b - a >= words:
            lo, hi = a, b  # a passage longer than a window is its own window
        else:
            lo = max(0, a - (words - (b - a)) // 2)
            hi = min(n, lo + words)
            lo = max(0, hi - words)
        w = cut(lo, hi)
        if w not in seen:
            seen.add(w)
            out.append(Window(w, True, "passage", lo, hi - lo))
    starts = list(range(0, n - words + 1, stride))
    if starts[-1] != n - words:
        starts.append(n - words)
    for lo in starts:
        hi = lo + words
        if any(a < hi and lo < b for a, b in ranges):
            continue  # holds or cuts a passage: the passage windows above stand for it
        w = cut(lo, hi)
        if w not in seen:
            seen.add(w)
            out.append(Window(w, False, "slide", lo, words))
    return out
