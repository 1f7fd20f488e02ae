"""Fact-checkers' rating texts and the normalised verdict each stands for."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

VERDICTS: tuple[str, ...] = ("false", "misleading", "true", "unproven")
RAISING_VERDICTS: frozenset[str] = frozenset({"false", "misleading"})

# --------------------------------------------------------------------------------------------------------
# Rating text -> normalised verdict
# --------------------------------------------------------------------------------------------------------
# Keys are rating texts after `rating_key` (lower case, brackets and punctuation removed, spaces squeezed).
# Indonesian fact-checkers: Mafindo / turnbackhoax.id ([SALAH], [HOAKS], [DISINFORMASI], [MISINFORMASI],
# [FITNAH], [KLARIFIKASI], First Draft's seven categories in Indonesian), cekfakta.com and its member media
# (Tempo: Keliru, Sebagian Benar, Menyesatkan, Tidak Terbukti; Kompas: Hoaks, Klarifikasi; Liputan6: Salah),
# Kominfo ([HOAKS], [DISINFORMASI]); English ratings as the Google Fact Check Tools API returns them.
RATING_TABLE: dict[str, str] = {
    # -- false -------------------------------------------------------------------------------------
    "salah": "false",
    "hoaks": "false",
    "hoax": "false",
    "hoaxs": "false",
    "hoak": "false",
    "disinformasi": "false",
    "misinformasi": "false",
    "malinformasi": "false",
    "fitnah": "false",
    "keliru": "false",
    "bohong": "false",
    "berita bohong": "false",
    "kabar bohong": "false",
    "tidak benar": "false",
    "tak benar": "false",
    "palsu": "false",
    "konten palsu": "false",
    "konten tiruan": "false",
    "penipuan": "false",
    "sesat": "false",
    "fakta keliru": "false",
    "false": "false",
    "fake": "false",
    "fake news": "false",
    "incorrect": "false",
    "wrong": "false",
    "pants on fire": "false",
    "fabricated": "false",
    "fabricated content": "false",
    "imposter content": "false",
    "scam": "false",
    "untrue": "false",
    "not true": "false",
    "baseless": "false",
    "debunked": "false",
    "mostly false": "false",
    # -- misleading ----------------------------------------------------------------------------------
    "menyesatkan": "misleading",
    "konten yang menyesatkan": "misleading",
    "konten menyesatkan": "misleading",
    "konten yang dimanipulasi": "misleading",
    "konten dimanipulasi": "misleading",
    "konten yang salah": "misleading",
    "konteks yang salah": "misleading",
    "konteks keliru": "misleading",
    "salah konteks": "misleading",
    "koneksi yang salah": "misleading",
    "koneksi salah": "misleading",
    "sebagian benar": "misleading",
    "sebagian salah": "misleading",
    "separuh benar": "misleading",
    "benar sebagian": "misleading",
    "dipelintir": "misleading",
    "dilebih lebihkan": "misleading",
    "perlu konteks": "misleading",
    "butuh konteks": "misleading",
    "klarifikasi": "misleading",
    "satire": "misleading",
    "satir": "misleading",
    "parodi": "misleading",
    "satire atau parodi": "misleading",
    "satire parodi": "misleading",
    "misleading": "misleading",
    "partly false": "misleading",
    "partly true": "misleading",
    "half true": "misleading",
    "half truth": "misleading",
    "mixture": "misleading",
    "mixed": "misleading",
    "missing context": "misleading",
    "needs context": "misleading",
    "out of context": "misleading",
    "false context": "misleading",
    "false connection": "misleading",
    "manipulated": "misleading",
    "manipulated content": "misleading",
    "altered": "misleading",
    "altered image": "misleading",
    "altered video": "misleading",
    "distorted": "misleading",
    "exaggerated": "misleading",
    "exaggeration": "misleading",
    "satire or parody": "misleading",
    "parody": "misleading",
    "miscaptioned": "misleading",
    "cherry picking": "misleading",
    "spin": "misleading",
    # -- true -----------------------------------------------------------------------------------------
    "benar": "true",
    "fakta": "true",
    "faktual": "true",
    "sesuai fakta": "true",
    "akurat": "true",
    "terverifikasi": "true",
    "sahih": "true",
    "true": "true",
    "correct": "true",
    "accurate": "true",
    "mostly true": "true",
    "verified": "true",
    "fact": "true",
    # -- unproven -------------------------------------------------------------------------------------
    "tidak terbukti": "unproven",
    "belum terbukti": "unproven",
    "belum terverifikasi": "unproven",
    "tidak terverifikasi": "unproven",
    "tanpa bukti": "unproven",
    "belum ada bukti": "unproven",
    "tidak ada bukti": "unproven",
    "tidak dapat dibuktikan": "unproven",
    "belum jelas": "unproven",
    "unproven": "unproven",
    "unverified": "unproven",
    "unsubstantiated": "unproven",
    "no evidence": "unproven",
    "unsupported": "unproven",
    "inconclusive": "unproven",
    "unverifiable": "unproven",
    "research in progress": "unproven",
    "not proven": "unproven",
    "unclear": "unproven",
}

_RATING_STRIP = re.compile(r"[\[\](){}<>\"'“”‘’*#:;.,!?|/\\_-]+")
_SPACES = re.compile(r"\s+")


def rating_key(text: str) -> str:
    """The lookup key of a rating text: NFKC, lower case, brackets and punctuation removed, spaces squeezed."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return _SPACES.sub(" ", _RATING_STRIP.sub(" ", text)).strip()


def normalise_verdict(rating: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The normalised verdict of a rating text, or None when the table does not know it.

    `extra` maps further rating texts to verdicts (checked first). An exact key wins; otherwise the longest
    known rating phrase found at word boundaries in the text (so "[SALAH] Video ..." and "Konten yang
    Menyesatkan" resolve), and a text naming two different verdicts is left unresolved.
    """
    key = rating_key(rating)
    if not key:
        return None
    table = {**RATING_TABLE, **{rating_key(k): v for k, v in (extra or {}).items()}}
    if key in table:
        return table[key]
    found: list[tuple[int, int, str]] = []
    for phrase, verdict in table.items():
        for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", key):
            found.append((m.start(), m.end(), verdict))
    if not found:
        return None
    # keep the longest phrases; drop matches contained in a longer one ("benar" inside "tidak benar")
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[tuple[int, int, str]] = []
    for s, e, v in found:
        if not any(ks <= s and e <= ke for ks, ke, _ in kept):
            kept.append((s, e, v))
    verdicts = {v for _, _, v in kept}
    return verdicts.pop() if len(verdicts) == 1 else None
