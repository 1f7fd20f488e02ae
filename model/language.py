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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

# The identifier's codes for Indonesian and the languages of Indonesia it knows (Sundanese and the others it reads
# as one of these), and Malay, which Indonesian posts are often taken for.
INDONESIAN_LANGUAGES: Final = frozenset({"id", "ms", "jv", "ace"})
NO_LANGUAGE: Final = "zxx"  # emoji, numbers, spaced letters: nothing to identify
MAX_INDONESIAN: Final = 0.01  # below this probability of Indonesian (or a language of Indonesia) ...
MIN_OTHER: Final = 0.3  # ... with one other language at least this likely, the post is foreign
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
    _identifier()


def guess_languages(texts: list[str]) -> list[LanguageGuess]:
    """Each text's language guess, in input order."""
    identifier = _identifier()
    guesses = []
    for text in texts:
        ranked = identifier.rank(text)
        code, probability = ranked[0]
        indonesian = sum(p for c, p in ranked if c in INDONESIAN_LANGUAGES or c == NO_LANGUAGE)
        guesses.append(LanguageGuess(str(code), float(probability), float(indonesian)))
    return guesses
