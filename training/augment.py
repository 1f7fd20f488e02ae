"""Style augmentation: the same post in the dress of a forwarded broadcast, a chat message or a shout.

The catalogue's hoax labels can be told apart by style alone (`saring data style`: a style-only probe reaches
ROC-AUC 0.83 on the training split, from length and "!" marks), so a network can learn "looks like a broadcast"
instead of "states a false claim", and then flags a true urgent notice or an angry complaint as a hoax. SheepDog
(Wu et al., KDD 2024) trains on style-varied rewrites of both classes; the cheap version the generalisation notes
propose is this one: perturb the style of a share of the training texts, whatever their labels, with the cues that
survive saring's normaliser (it lowercases, so capitals are not among them): broadcast openers and closers
("VIRAL!!", "Sebarkan"), runs of "!", emoji, hashtags and a dropped final punctuation mark. Labels are kept: a
restyled insult is still an insult, a restyled true notice still true.

Deterministic: the same examples, share and seed give the same texts (a resumed training repeats them).
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Callable, Sequence

from model.examples import Example

# Openers and closers that Indonesian broadcasts carry whether they are true or not (both are written here by the
# team, not taken from any evaluation set).
OPENERS = (
    "VIRAL!!",
    "PENTING!!!",
    "SEBARKAN!!",
    "Info dari grup sebelah:",
    "Copas dari grup keluarga:",
    "Forward dari WA:",
    "Mohon dibaca sampai habis.",
    "BREAKING NEWS:",
    "[INFO]",
    "Baru dapet kiriman:",
    "Waspada!!",
    "Perhatian warga!",
)
CLOSERS = (
    "Sebarkan!!",
    "Mohon disebarkan ya.",
    "Share ke keluarga kalian 🙏",
    "#viral",
    "#info",
    "Semoga bermanfaat.",
    "Tolong diteruskan.",
    "Cmiiw.",
    "Gimana menurut kalian?",
    "Bagikan sebelum dihapus!!",
)
EMOJI = ("😱", "😡", "🙏", "⚠️", "‼️", "🔥", "😭", "👇", "🤔", "😂")

_FINAL_PUNCT = re.compile(r"[.!?]+\s*$")


def _opener(text: str, rng: random.Random) -> str:
    return f"{rng.choice(OPENERS)} {text}"


def _closer(text: str, rng: random.Random) -> str:
    return f"{text} {rng.choice(CLOSERS)}"


def _exclaim(text: str, rng: random.Random) -> str:
    marks = "!" * rng.randint(2, 4)
    return _FINAL_PUNCT.sub("", text) + marks


def _emoji(text: str, rng: random.Random) -> str:
    run = rng.choice(EMOJI) * rng.randint(1, 3)
    return f"{run} {text}" if rng.random() < 0.5 else f"{text} {run}"


def _plain(text: str, _rng: random.Random) -> str:
    # the reverse direction: a chat message without its final mark (hoax posts are not all shouted)
    return _FINAL_PUNCT.sub("", text)


TRANSFORMS: tuple[tuple[str, Callable[[str, random.Random], str]], ...] = (
    ("opener", _opener),
    ("closer", _closer),
    ("exclaim", _exclaim),
    ("emoji", _emoji),
    ("plain", _plain),
)


def restyle(text: str, rng: random.Random) -> str:
    """`text` with one style change drawn by `rng` (its words are kept)."""
    _, fn = TRANSFORMS[rng.randrange(len(TRANSFORMS))]
    return fn(text, rng)


def style_augmented(examples: Sequence[Example], share: float, seed: int) -> tuple[list[Example], int]:
    """The examples with `share` of them (drawn with `seed`) restyled, labels kept; returns them and the count
    restyled. Drafts' parents are left as they are: the style of the post a reply answers is not the reply's."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"style_augment is a share of the training examples, from 0 to 1; found {share}")
    if share == 0.0:
        return list(examples), 0
    rng = random.Random(f"style-augment-{seed}")
    out: list[Example] = []
    changed = 0
    for e in examples:
        if rng.random() < share:
            new = restyle(e.text, rng)
            if new != e.text:
                out.append(dataclasses.replace(e, text=new))
                changed += 1
                continue
        out.append(e)
    return out, changed
