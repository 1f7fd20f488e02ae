"""Explanations by occlusion: which words pushed a flagged risk up?

For a text, each word is removed in turn (its characters replaced by one space) and the variant is scored
with the scorer's own calibrated prediction; a word's weight for a risk is the drop in that risk's
calibrated score when the word is gone. It is honest about the model (it only uses the model's outputs, for
any model kind) and its cost is known: one extra text per word, all variants of a batch in one scoring call
(serving.engine), which the transformer runs in length-bucketed batches (the variants of a text share its
length, so they pad nothing), in int8 when the model runs in int8. `saring benchmark speed` reports the time
per flagged text in fp32 and int8 and how often both name the same top word.
Offsets are character offsets into the ORIGINAL text: `text[begin:end] == word`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from model.labels import RISKS

# A word: letters/digits, with inner hyphens or apostrophes (like the normaliser's word pattern).
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
MIN_WEIGHT = 0.005  # drops smaller than this are noise, not a reason


@dataclass
class Plan:
    """The occlusion variants of one text."""

    text: str
    words: list[tuple[int, int]]  # (begin, end) of each occluded word
    truncated: bool


def plan(text: str, max_words: int) -> Plan:
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    return Plan(text, words[:max_words], len(words) > max_words)


def variants(p: Plan) -> list[str]:
    return [p.text[:b] + " " + p.text[e:] for b, e in p.words]


def spans_for(
    p: Plan, base: np.ndarray, occluded: np.ndarray, flagged: list[str], top_k: int = 10
) -> list[dict[str, object]]:
    """Spans for the flagged risks. `base` is (3,) and `occluded` (n_words, 3), both in RISKS order."""
    out: list[dict[str, object]] = []
    for risk in flagged:
        j = RISKS.index(risk)
        drops = base[j] - occluded[:, j] if len(occluded) else np.zeros(0)
        order = np.argsort(-drops, kind="stable")
        for k in order[:top_k]:
            w = float(drops[k])
            if w < MIN_WEIGHT:
                break
            b, e = p.words[int(k)]
            out.append({"begin": b, "end": e, "word": p.text[b:e], "risk": risk, "weight": round(w, 4)})
    return out
