"""Cue phrases by which a text refutes, jokes about or asks about a claim, and the stance they give."""

from __future__ import annotations

import re
from collections.abc import Iterable

from model.claims.slang import BUILTIN_SLANG
from model.normalize import Normalizer

# Phrases (after normalisation) by which a text that mentions a claim says the claim is false.
REFUTATION_CUES: tuple[str, ...] = (
    "hoaks",
    "tidak benar",
    "tak benar",
    "bukan fakta",
    "tidak terbukti",
    "belum terbukti",
    "klarifikasi",
    "faktanya",
    "fakta sebenarnya",
    "cek fakta",
    "cekfakta",
    "turnbackhoax",
    "waspada hoaks",
    "jangan percaya",
    "jangan mudah percaya",
    "jangan termakan",
    "disinformasi",
    "misinformasi",
    "berita bohong",
    "kabar bohong",
    "informasi bohong",
    "info bohong",
    "berita palsu",
    "kabar palsu",
    "dibantah",
    "membantah",
    "bantahan",
    "meluruskan",
    "diluruskan",
    "menyesatkan",
    "keliru",
    "penipuan",
    "modus penipuan",
    "waspada penipuan",
    "tidak pernah mengeluarkan",
    "tidak pernah menerbitkan",
    "tidak pernah membuat",
    "bukan dari",
    "salah kaprah",
    "tidak ada hubungannya",
    "tidak ditemukan bukti",
    "tidak ada bukti",
    "mitos",
    "debunk",
    "fake news",
    "not true",
    "is false",
    "misleading",
    # asking people not to pass it on
    "tidak meneruskan",
    "jangan diteruskan",
    "jangan meneruskan",
    "jangan disebarkan",
    "jangan sebarkan",
    "jangan ikut menyebarkan",
    "jangan ikut sebarkan",
    "stop sebarkan",
    "berhenti menyebarkan",
    # how debunks report the facts
    "tidak ada laporan",
    "tidak menerima laporan",
    "tidak menemukan",
    "tidak ditemukan",
    "tidak mencatat",
    "tidak ada kasus",
    "tidak ada rencana",
    "tidak ada keputusan",
    "tidak ada peringatan",
    "tidak ada temuan",
    "tidak pernah mengumumkan",
    "tidak pernah meminta",
    "tidak pernah memungut",
    # stories of having been fooled
    "tertipu",
    "ditipu",
    "kena tipu",
    "hampir percaya",
    "sempat percaya",
    "situs palsu",
    "tautan palsu",
    "akun palsu",
    "ternyata palsu",
    "ternyata tidak benar",
    "tidak terjadi apa apa",
)
# Marks of a joke or satire (the post does not state the claim as fact).
JOKE_CUES: tuple[str, ...] = (
    "becanda",
    "bercanda",
    "candaan",
    "cuma bercanda",
    "satire",
    "satir",
    "parodi",
    "lelucon",
    "joke",
    "jokes",
    "just kidding",
    "humor receh",
    "receh",
)
# Phrases that use the same words to insist a claim is true; removed before the cues are searched.
COUNTER_CUES: tuple[str, ...] = (
    "bukan hoaks",
    "tidak hoaks",
    "ini bukan hoaks",
    "bukan berita hoaks",
    "bukan berita bohong",
    "bukan kabar bohong",
    "bukan info bohong",
    "asli bukan hoaks",
    "bukan mitos",
    "not hoaks",
    "no hoaks",
    "hoaks atau bukan",
    "hoaks bukan",
    "hoaks kah",
    "hoaks tidak",
    "benar atau hoaks",
    "fakta atau hoaks",
    "apakah hoaks",
    "apa hoaks",
    "bukan penipuan",
)


# Phrases by which a text asks whether a claim is true (after normalisation: "bener gak" -> "benar tidak").
QUESTION_CUES: tuple[str, ...] = (
    "apa benar",
    "apakah benar",
    "benarkah",
    "benar tidak",
    "benar atau",
    "apa betul",
    "betulkah",
    "betul tidak",
    "apa iya",
    "beneran tidak",
    "hoaks atau",
    "hoaks bukan",
    "hoaks tidak",
    "hoaks kah",
    "apakah hoaks",
    "apa hoaks",
    "asli tidak",
    "valid tidak",
    "fakta atau",
    "mohon konfirmasi",
    "minta konfirmasi",
    "is this true",
    "is it true",
    "true or not",
    "real or fake",
    "sumbernya dari mana",
    "sumbernya mana",
    "asli atau",
    "valid atau",
    "bisa memastikan",
    "mohon pencerahan",
    "minta pencerahan",
    "cmiiw",
)


def _cue_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    alts = sorted({p for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in alts) + r")(?!\w)")


_CUES_RE = _cue_regex(REFUTATION_CUES)
_COUNTER_RE = _cue_regex(COUNTER_CUES)
_QUESTION_RE = _cue_regex(QUESTION_CUES)
_JOKE_RE = _cue_regex(JOKE_CUES)


def refutation_cues(text: str, normalizer: Normalizer | None = None) -> list[str]:
    """The debunk cues found in `text` (after normalisation and removal of "bukan hoaks"-style phrases)."""
    norm = (normalizer or _default_normalizer()).normalize(text)
    norm = _COUNTER_RE.sub(" ", _QUESTION_RE.sub(" ", norm))
    return list(dict.fromkeys(m.group(0) for m in _CUES_RE.finditer(norm)))


def question_cues(text: str, normalizer: Normalizer | None = None) -> list[str]:
    """The phrases by which `text` asks whether something is true ("apa benar", "hoax gak?")."""
    norm = (normalizer or _default_normalizer()).normalize(text)
    return list(dict.fromkeys(m.group(0) for m in _QUESTION_RE.finditer(norm)))


def joke_cues(text: str, normalizer: Normalizer | None = None) -> list[str]:
    """The marks by which `text` says it is a joke or satire ("#becanda", "(candaan)", "satire")."""
    norm = (normalizer or _default_normalizer()).normalize(text)
    return list(dict.fromkeys(m.group(0) for m in _JOKE_RE.finditer(norm)))


def claim_stance(text: str, normalizer: Normalizer | None = None) -> str:
    """How a text that mentions a claim relates to it: 'refutes' (debunk cues), 'jokes' (marked as a joke or
    satire), 'asks' (asks whether it is true) or 'repeats' (states it). Cue-based: a debunk without cue words
    reads as 'repeats', and a hoax that mocks debunkers may carry cues."""
    if refutation_cues(text, normalizer):
        return "refutes"
    if joke_cues(text, normalizer):
        return "jokes"
    if question_cues(text, normalizer):
        return "asks"
    return "repeats"


_DEFAULT_NORMALIZER: Normalizer | None = None


def _default_normalizer() -> Normalizer:
    global _DEFAULT_NORMALIZER
    if _DEFAULT_NORMALIZER is None:
        _DEFAULT_NORMALIZER = Normalizer(BUILTIN_SLANG)
    return _DEFAULT_NORMALIZER
