"""The one text normaliser, used for training, evaluation, serving and audits.

Steps, in order (each one because the data showed it matters):
1. Unicode NFKC, zero-width and control characters removed, HTML entities decoded ("&amp;"), and the
   literal "\\n" that some tweet dumps carry turned into a space.
2. URLs -> "URL" and @mentions -> "USER", the masks Ibrohim's tweets already carry, so masked and unmasked
   sources look the same. A leading retweet marker "RT" is dropped.
3. Lower case: sources differ wildly in casing (Netifier has whole posts in capitals).
4. Leetspeak inside words (s4y4ng -> sayang) and reduplication digits (kata2 -> kata kata).
5. Characters repeated three or more times squeezed to two (bangeeettt -> bangeett), then to one when the
   result is a known slang word.
6. Slang -> formal, word by word, from the slang table (Ibrohim's new_kamusalay.csv by default), which
   helps most on Netifier-style text (measured +0.05 F1 on defamation in the baselines note).

The version string changes whenever the output of `normalize` may change; the model directory records it.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

NORMALIZER_VERSION = "1"

_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|id|co\.id|go\.id|net|org|ly|me)(?:/\S*)?", re.IGNORECASE
)
_MENTION_RE = re.compile(r"(?<![\w@])@\w{1,30}")
_RT_RE = re.compile(r"^\s*rt\b:?\s*", re.IGNORECASE)
_LITERAL_NEWLINE_RE = re.compile(r"\\n|\\r|\\t")
_CONTROL_RE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACE_RE = re.compile(r"\s+")
_REPEAT3_RE = re.compile(r"(\w)\1{2,}")
_REPEAT2_RE = re.compile(r"(\w)\1+")
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|\S", re.UNICODE)
_REDUP_RE = re.compile(r"^([a-z]{2,})2$")
_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "8": "b", "9": "g", "6": "g"})
_MASKS = {"URL", "USER"}
_MAX_CACHED_WORDS = 200_000


def _is_leet(token: str) -> bool:
    """A word that mixes letters and digits (not a number, not a time like 10am)."""
    has_alpha = any(c.isalpha() for c in token)
    has_digit = any(c.isdigit() for c in token)
    if not (has_alpha and has_digit):
        return False
    letters = sum(c.isalpha() for c in token)
    return letters >= 2 and not re.fullmatch(r"\d+(?:am|pm|an|km|kg|gb|mb|rb|jt|k|m|th|st|nd|rd|x)", token)


class Normalizer:
    """Normalises text; `slang` maps informal words to their formal form."""

    version = NORMALIZER_VERSION

    def __init__(self, slang: Mapping[str, str] | None = None) -> None:
        self.slang: dict[str, str] = {k.lower(): v.lower() for k, v in (slang or {}).items() if k and v}
        # Steps 3-6 of a word depend on the word alone: each distinct word is worked out once (bounded:
        # emptied when full). Posts repeat their words; this halves the time of `normalize` on tweets.
        self._words: dict[str, list[str]] = {}

    # -- construction ------------------------------------------------------------------------------
    @classmethod
    def from_csv(cls, path: str | Path, encoding: str = "cp1252") -> Normalizer:
        """Read a two-column slang,formal CSV without a header (the new_kamusalay.csv layout)."""
        raw = Path(path).read_bytes().decode(encoding)
        return cls(dict(_read_pairs(raw)))

    @classmethod
    def from_json(cls, path: str | Path) -> Normalizer:
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") != NORMALIZER_VERSION:
            raise ValueError(
                f"{path}: normaliser version {data.get('version')!r} found, this saring has "
                f"{NORMALIZER_VERSION!r}; retrain the model or install the saring version that wrote it"
            )
        return cls(data.get("slang", {}))

    def to_json(self, path: str | Path) -> None:
        import json

        payload = {"version": self.version, "slang": dict(sorted(self.slang.items()))}
        Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=0), encoding="utf-8")

    # -- normalisation -----------------------------------------------------------------------------
    def clean(self, text: str) -> str:
        """Steps 1-2 only: safe cleaning that keeps case and words; used for display and span offsets."""
        text = unicodedata.normalize("NFKC", text)
        text = html.unescape(text)
        text = _LITERAL_NEWLINE_RE.sub(" ", text)
        text = _CONTROL_RE.sub(" ", text)
        text = _URL_RE.sub(" URL ", text)
        text = _MENTION_RE.sub(" USER ", text)
        text = _RT_RE.sub("", text)
        return _SPACE_RE.sub(" ", text).strip()

    def normalize(self, text: str) -> str:
        return " ".join(self.normalize_tokens(text))

    def normalize_tokens(self, text: str) -> list[str]:
        out: list[str] = []
        words = self._words
        for tok in _WORD_RE.findall(self.clean(text)):
            done = words.get(tok)
            if done is None:
                done = [tok] if tok in _MASKS else self._word(tok.lower()).split()
                if len(words) >= _MAX_CACHED_WORDS:
                    words.clear()
                words[tok] = done
            out.extend(done)
        return out

    def _word(self, tok: str) -> str:
        if _is_leet(tok):
            m = _REDUP_RE.match(tok)
            tok = f"{m.group(1)} {m.group(1)}" if m else tok.translate(_LEET)
            if " " in tok:
                return " ".join(self._word(t) for t in tok.split())
        if tok in self.slang:
            return self.slang[tok]
        squeezed = _REPEAT3_RE.sub(r"\1\1", tok)
        if squeezed in self.slang:
            return self.slang[squeezed]
        if squeezed != tok:
            once = _REPEAT2_RE.sub(r"\1", squeezed)
            if once in self.slang:
                return self.slang[once]
        return squeezed

    def slang_words(self, text: str) -> list[str]:
        """The words of `text` that the slang table rewrites (for slices and explanations)."""
        found = []
        for tok in _WORD_RE.findall(self.clean(text)):
            low = tok.lower()
            if low in self.slang or _REPEAT3_RE.sub(r"\1\1", low) in self.slang or _is_leet(low):
                found.append(tok)
        return found

    def __call__(self, texts: Iterable[str]) -> list[str]:
        return [self.normalize(t) for t in texts]


def _read_pairs(raw: str) -> Iterable[tuple[str, str]]:
    for row in csv.reader(io.StringIO(raw)):
        if len(row) >= 2 and row[0].strip() and row[1].strip():
            yield row[0].strip(), row[1].strip()
