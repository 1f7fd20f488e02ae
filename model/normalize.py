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

Version 2 (the twenty-sixth session) adds two steps for spellings that hide a word, the obfuscations
HateCheck tests (space-separated letters, masked vowels), which version 1 cut into letters that the slang
table then read as words ("a s e n g" -> "a si e dan", "h*m*" -> "h * sama *"):
2a. A run of three or more single letters joined by one kind of separator (space, dot or hyphen) is one
    word: "a s e n g" -> "aseng", "b.a.b.i" -> "babi", "d.k.k" -> "dkk". Two letters are left alone ("a.n.").
4a. A word whose vowels are masked with "*" is read as the one known word that fits, vowels only in the
    masked places: "j*j*k" -> "jijik", "m*ti" -> "mati". Known words are the slang table's (its forms and
    their formal words) and the words that the training texts use at least twice (`add_words`, saved with
    the model), so that a masked name is not read as a commoner word ("M*nang" fits "menang" and "minang":
    left alone). When none or several fit ("b*b*": babi, bibi, bobo) the masked word stays one token.

Version 3 (the fifty-first session) stops reading numbers as letters, which version 2 did in two steps:
5.  Only letters are squeezed: version 2 squeezed any repeated character, digits too, so "1000000" became "100",
    "tahun 2000an" the slang table's "200an" ("dua ratusan") and "1000rb" first "100rb", then "10rb" ("sepuluh
    ribu"), amounts and years changed by orders of magnitude.
4.  A word that mixes letters and digits is read as leetspeak only when the reading is a known word (the slang
    table's, either side, or the training texts': "s4y4ng" -> "sayang", "4nj1ng" -> "anjing", "bab1" -> "babi");
    otherwise it is a name or a date with a number and stays as written ("covid19", "#2019GantiPresiden",
    "17agustus", "3hari"), where version 2 made words nobody writes of them ("covidig", "2oiggantipresiden",
    "itagustus", "ehari"). Reduplication ("kata2" -> "kata kata") is read as before.

The version string changes whenever the output of `normalize` may change; the model directory records it,
and a model keeps the version it was trained with (`from_json`), so models written before a change score
as they did.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from model.readers import BAD_ROW_KEY, LINE_KEY, DataError, delimited_rows, read_text

NORMALIZER_VERSION = "3"
SUPPORTED_VERSIONS = ("1", "2", "3")

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
# Version 3: letters only ("bangeeettt" -> "bangeett"; "1000000" and "2000an" stay numbers)
_REPEAT3_LETTER_RE = re.compile(r"([^\W\d_])\1{2,}")
_REPEAT2_LETTER_RE = re.compile(r"([^\W\d_])\1+")
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|\S", re.UNICODE)
# Version 2: a word of letters may carry masking stars between its letters and at its end ("j*j*k",
# "h*m*"), not after a star: "*PENTING*" is WhatsApp's bold, "5*3" arithmetic, "wkwk*" an emphasis.
_WORD_V2_RE = re.compile(r"(?<![\w*])[^\W\d_]+(?:\*+[^\W\d_]+)+\**(?![\w*])|[^\W_]+(?:[-'][^\W_]+)*|\S", re.UNICODE)
# Three or more single letters, each followed by the same separator as the first (step 2a).
# Not next to a word character or a masking star ("p e n d a t a n g k*parat": "k" belongs to "k*parat").
_SPELLED_RE = re.compile(r"(?<![\w*])[^\W\d_](?P<sep>[ .\-])[^\W\d_](?:(?P=sep)[^\W\d_])+(?![\w*])", re.UNICODE)
_VOWELS = "aeiou"
_KNOWN_WORD_RE = re.compile(r"\b[a-z]{3,24}\b")
_REDUP_RE = re.compile(r"^([a-z]{2,})2$")
_LEET = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "8": "b", "9": "g", "6": "g"})
_MASKS = {"URL", "USER"}
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, Buginese, Balinese, Sundanese, Javanese,
# kana, CJK ideographs (content_word_counts)
_UNSPACED_RE = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u1a00-\u1a1f\u1b00-\u1bbf\ua980-\ua9df"
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_MAX_CACHED_WORDS = 200_000
_MAX_KNOWN_WORDS = 100_000


def bad_character(s: str, allowed: Collection[str] = ()) -> str | None:
    """The first character that no stored text may hold, described: an unpaired surrogate (not valid Unicode: a
    JSON escape can carry one) or a control character not in `allowed` (NUL and the like; some databases refuse
    them). None when there is none. The API's schemas and the claim importers both check with it."""
    for i, ch in enumerate(s):
        cat = unicodedata.category(ch)
        if cat == "Cs":
            return f"an unpaired surrogate U+{ord(ch):04X} at position {i} (not valid Unicode)"
        if cat == "Cc" and ch not in allowed:
            return f"the control character U+{ord(ch):04X} at position {i}"
    return None


def _is_leet(token: str) -> bool:
    """A word that mixes letters and digits (not a number, not a time like 10am)."""
    has_alpha = any(c.isalpha() for c in token)
    has_digit = any(c.isdigit() for c in token)
    if not (has_alpha and has_digit):
        return False
    letters = sum(c.isalpha() for c in token)
    return letters >= 2 and not re.fullmatch(r"\d+(?:am|pm|an|km|kg|gb|mb|rb|jt|k|m|th|st|nd|rd|x)", token)


def content_word_counts(texts: list[str]) -> list[int]:
    """Words of each normalised text that carry meaning: tokens with a letter or digit, not the URL / USER masks.

    Emoji, punctuation, links and mentions are tokens of the normalised text (the calibration's length term counts
    them, model.calibration.word_counts) but say nothing by themselves: "😡😡😡", "!!!!" or three links are
    posts with no words at all, as short to judge as "ok". Scripts written without spaces (Chinese, Japanese,
    Thai, Javanese and Balinese script...) count a word per two characters, so that a sentence in them is not one
    word.
    """
    return [sum(_token_words(t) for t in text.split()) for text in texts]


def _token_words(token: str) -> int:
    if token in _MASKS or not any(c.isalnum() for c in token):
        return 0
    if token.isascii():
        return 1
    unspaced = len(_UNSPACED_RE.findall(token))
    return max(1, (unspaced + 1) // 2)


class Normalizer:
    """Normalises text; `slang` maps informal words to their formal form."""

    def __init__(
        self,
        slang: Mapping[str, str] | None = None,
        version: str = NORMALIZER_VERSION,
        words: Iterable[str] = (),
    ) -> None:
        if version not in SUPPORTED_VERSIONS:
            raise ValueError(
                f"normaliser version {version!r} requested, this saring knows {', '.join(SUPPORTED_VERSIONS)}; "
                "retrain the model or install the saring version that wrote it"
            )
        self.version = version
        self.slang: dict[str, str] = {k.lower(): v.lower() for k, v in (slang or {}).items() if k and v}
        self._token_re = _WORD_RE if version == "1" else _WORD_V2_RE
        numbers_kept = int(version) >= 3
        self._repeat3 = _REPEAT3_LETTER_RE if numbers_kept else _REPEAT3_RE
        self._repeat2 = _REPEAT2_LETTER_RE if numbers_kept else _REPEAT2_RE
        self._numbers_kept = numbers_kept
        self._formal_words: set[str] | None = None  # the slang table's formal words, built on first need
        self.words: set[str] = {w for w in words if _KNOWN_WORD_RE.fullmatch(w)}
        # Masked words (version 2) are read against the known words (the slang table's and `words`), grouped
        # by length; built on the first masked word, since most texts have none.
        self._mask_words: dict[int, dict[str, str]] | None = None
        # Steps 3-6 of a word depend on the word alone: each distinct word is worked out once (bounded:
        # emptied when full). Posts repeat their words; this halves the time of `normalize` on tweets.
        self._words: dict[str, list[str]] = {}

    # -- construction ------------------------------------------------------------------------------
    @classmethod
    def from_csv(cls, path: str | Path, encoding: str = "cp1252") -> Normalizer:
        """Read a two-column slang,formal CSV without a header (the new_kamusalay.csv layout) through the
        project's one CSV reader. A row that is not two fields is an error naming it (a pair must not be lost
        unsaid); a pair with an empty side means nothing to replace and is left out."""
        text = read_text(path, encoding, fix="correct the encoding of the slang resource in its card")
        _, rows = delimited_rows(text, "csv", path, header=["slang", "formal"])
        for row in rows:
            if BAD_ROW_KEY in row:
                raise DataError(
                    str(row[BAD_ROW_KEY]),
                    file=path,
                    row=row[LINE_KEY],
                    fix="a slang table holds one slang,formal pair per line",
                )
        return cls(
            {r["slang"].strip(): r["formal"].strip() for r in rows if r["slang"].strip() and r["formal"].strip()}
        )

    @classmethod
    def from_json(cls, path: str | Path) -> Normalizer:
        import json

        fix = "Fix: retrain the model, or restore normalizer.json from the model that wrote it"
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"{path}: not valid JSON ({e}). {fix}") from None
        if not isinstance(data, dict):
            raise ValueError(
                f"{path}: expected a JSON object (the normaliser's version and slang table), found a JSON "
                f"{type(data).__name__}. {fix}"
            )
        version = data.get("version")
        if version not in SUPPORTED_VERSIONS:
            raise ValueError(
                f"{path}: normaliser version {version!r} found, this saring knows "
                f"{', '.join(SUPPORTED_VERSIONS)}; retrain the model or install the saring version that wrote it"
            )
        words = data.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError(
                f"{path}: 'words' should be a list of strings (the training texts' known words), found "
                f"{type(words).__name__}; retrain the model or restore normalizer.json from the model that wrote it"
            )
        slang = data.get("slang", {})
        if not isinstance(slang, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in slang.items()):
            raise ValueError(
                f"{path}: expected 'slang' to be an object of strings (slang word -> formal word), found a JSON "
                f"{type(slang).__name__}{' holding other values' if isinstance(slang, dict) else ''}. {fix}"
            )
        return cls(slang, version=version, words=words)

    def to_json(self, path: str | Path) -> None:
        import json

        payload: dict[str, object] = {"version": self.version, "slang": dict(sorted(self.slang.items()))}
        if self.words:
            payload["words"] = sorted(self.words)
        Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=0), encoding="utf-8")

    def add_words(self, texts: Iterable[str], min_count: int = 2, max_words: int | None = _MAX_KNOWN_WORDS) -> None:
        """Learn the known words of step 4a from raw texts (a training set): words used `min_count` times, the
        `max_words` most used of them (so that ten times the data does not make normalizer.json ten times
        larger; 40k training texts give about 31k words); None: all of them."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_KNOWN_WORD_RE.findall(text.lower()))
        self.words |= {w for w, c in counts.most_common(max_words) if c >= min_count}
        self._mask_words = None
        self._words.clear()

    def with_words(self, texts: Iterable[str]) -> Normalizer:
        """A normaliser that reads as this one and also knows the words of `texts`, each from one use: term lists
        match "K4DRUN" to the term "kadrun" (version 3 reads leetspeak only into known words) and "k*drun" too,
        without changing how the model's own normaliser reads posts."""
        other = Normalizer(self.slang, version=self.version, words=self.words)
        # every word of the texts: a term list is not a training set to trim, and a term whose words were dropped
        # would silently stop matching its leetspeak and masked spellings
        other.add_words(texts, min_count=1, max_words=None)
        return other

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
        text = self.clean(text)
        if self.version != "1":
            text = _SPELLED_RE.sub(lambda m: m.group(0).replace(m.group("sep"), ""), text)
        for tok in self._token_re.findall(text):
            done = words.get(tok)
            if done is None:
                done = [tok] if tok in _MASKS else self._word(tok.lower()).split()
                if len(words) >= _MAX_CACHED_WORDS:
                    words.clear()
                words[tok] = done
            out.extend(done)
        return out

    def _word(self, tok: str) -> str:
        if "*" in tok:
            return self._unmask(tok)
        if _is_leet(tok):
            m = _REDUP_RE.match(tok)
            if m:
                tok = f"{m.group(1)} {m.group(1)}"
            else:
                read = tok.translate(_LEET)
                if not self._numbers_kept or self._known(read):  # version 3: only a reading that is a word
                    tok = read
            if " " in tok:
                return " ".join(self._word(t) for t in tok.split())
        if tok in self.slang:
            return self.slang[tok]
        squeezed = self._repeat3.sub(r"\1\1", tok)
        if squeezed in self.slang:
            return self.slang[squeezed]
        if squeezed != tok:
            once = self._repeat2.sub(r"\1", squeezed)
            if once in self.slang:
                return self.slang[once]
        return squeezed

    def _known(self, word: str) -> bool:
        """A word of the slang table (either side) or of the training texts (`words`), as written or with its
        repeated letters squeezed to two or one."""
        if self._formal_words is None:
            # Built whole, then published: a scorer thread never sees a half-filled set.
            self._formal_words = {w for v in self.slang.values() for w in v.split()}
        twice = self._repeat3.sub(r"\1\1", word)  # "k4druuun" reads "kadruuun": known as "kadruun" or "kadrun"
        return any(
            w in self.slang or w in self.words or w in self._formal_words
            for w in (word, twice, self._repeat2.sub(r"\1", twice))
        )

    def _unmask(self, tok: str) -> str:
        """Step 4a: the one formal word that the masked word can be, else the masked word itself."""
        index = self._mask_words
        if index is None:
            # Built whole, then published: a scorer thread never sees a half-filled index.
            index = {}
            forms = set(self.slang) | {w for v in self.slang.values() for w in v.split()} | self.words
            for form in forms:
                if form.isalpha() and form.isascii():
                    index.setdefault(len(form), {})[form] = self.slang.get(form, form)
            self._mask_words = index
        pattern = re.compile("".join(f"[{_VOWELS}]" if c == "*" else re.escape(c) for c in tok))
        fits = {formal for form, formal in index.get(len(tok), {}).items() if pattern.fullmatch(form)}
        return fits.pop() if len(fits) == 1 else tok

    def slang_words(self, text: str) -> list[str]:
        """The words of `text` that the slang table rewrites (for slices and explanations)."""
        found = []
        for tok in self._token_re.findall(self.clean(text)):
            low = tok.lower()
            if low in self.slang or self._repeat3.sub(r"\1\1", low) in self.slang or _is_leet(low):
                found.append(tok)
        return found

    def __call__(self, texts: Iterable[str]) -> list[str]:
        return [self.normalize(t) for t in texts]
