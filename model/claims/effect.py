"""The effect of claim matches on scores, and claims made from confirmed feedback."""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from model.claims.cues import joke_cues, question_cues, refutation_cues
from model.claims.records import MAX_CLAIM_CHARS, Claim
from model.claims.verdicts import RAISING_VERDICTS
from model.normalize import Normalizer

if TYPE_CHECKING:
    from model.calibration import Threshold
    from model.scorer import ScoredText


FEEDBACK_PUBLISHER = "saring feedback"
_SPACES = re.compile(r"\s+")


def apply_claim_matches(
    scored: ScoredText,
    text: str,
    matches: Sequence[Mapping[str, Any]],
    thresholds: Mapping[str, Threshold] | None = None,
    normalizer: Normalizer | None = None,
) -> ScoredText:
    """A copy of `scored` that takes the text's claim matches into account.

    * A match to a claim rated false or misleading, in a text that does not refute it: the hoax score
      becomes max(hoax, match probability), flags and decisions are recomputed with `thresholds` (the
      scorer's, or a channel's), and a KNOWN_FALSE_CLAIM warning cites the claim, its rating, publisher and
      URL.
    * The same match in a text that refutes the claim (debunk cues: "hoaks", "tidak benar", "cek fakta",
      "jangan percaya"...): no raise, a REFUTES_KNOWN_CLAIM warning instead; in a text marked as a joke
      ("#becanda", "satire"): no raise, a JOKES_ABOUT_KNOWN_CLAIM warning; in a text that asks whether the
      claim is true ("apa benar", "hoax gak?"): no raise, an ASKS_ABOUT_KNOWN_CLAIM warning with the verdict.
    * A match to a claim rated unproven: an UNPROVEN_CLAIM warning, no raise. Claims rated true change nothing.

    `matches` are one text's entries of :meth:`ClaimIndex.match` (only matches above the threshold).
    """
    from model.scorer import ScoreWarning, decide

    out = copy.deepcopy(scored)
    strong = [m for m in matches if m.get("match", True)]
    if not strong:
        return out
    false_like = [m for m in strong if m.get("verdict") in RAISING_VERDICTS]
    unproven = [m for m in strong if m.get("verdict") == "unproven"]
    if false_like:
        best = max(false_like, key=lambda m: float(m.get("probability", m.get("similarity", 0.0))))
        cues = refutation_cues(text, normalizer)
        jokes = [] if cues else joke_cues(text, normalizer)
        asks = [] if cues or jokes else question_cues(text, normalizer)
        cite = _cite(best)
        if jokes:
            out.warnings.append(
                ScoreWarning(
                    "JOKES_ABOUT_KNOWN_CLAIM",
                    f"the text is marked as a joke ({', '.join(jokes[:2])}) and mentions a claim fact-checkers rated "
                    f"{best.get('rating')!r}: {cite}. The hoax score was not raised; satire is often shared on without "
                    "its mark, so keep the mark visible.",
                    risk="hoax",
                    words=jokes[:5],
                )
            )
        elif asks:
            out.warnings.append(
                ScoreWarning(
                    "ASKS_ABOUT_KNOWN_CLAIM",
                    f"the text asks whether a claim is true ({', '.join(asks[:2])}); fact-checkers rated it "
                    f"{best.get('rating')!r} ({best.get('verdict')}): {cite}. The hoax score was not raised for it.",
                    risk="hoax",
                    words=asks[:5],
                )
            )
        elif cues:
            out.warnings.append(
                ScoreWarning(
                    "REFUTES_KNOWN_CLAIM",
                    f"the text mentions a claim fact-checkers rated {best.get('rating')!r} ({cite}) in order to refute "
                    f"it (cues: {', '.join(cues[:3])}); the hoax score was not raised for it. If this is a correction, "
                    "state the facts rather than restating the claim in full.",
                    risk="hoax",
                    words=cues[:5],
                )
            )
        else:
            p = float(best.get("probability", best.get("similarity", 0.0)))
            old = out.scores.get("hoax", 0.0)
            if p > old:
                out.scores["hoax"] = p
                if thresholds is not None:
                    out.flags, out.decisions, out.decision = decide(out.scores, dict(thresholds))
            effect = f"raised from {old:.2f} to {p:.2f}" if p > old else f"already {old:.2f}, not lowered"
            out.warnings.append(
                ScoreWarning(
                    "KNOWN_FALSE_CLAIM",
                    f"the text repeats a claim rated {best.get('rating')!r} ({best.get('verdict')}) by {cite}, "
                    f"similarity {float(best.get('similarity', 0.0)):.2f} (match probability {p:.2f}); the hoax score "
                    f"is {effect}.",
                    risk="hoax",
                )
            )
    if unproven:
        best = max(unproven, key=lambda m: float(m.get("similarity", 0.0)))
        out.warnings.append(
            ScoreWarning(
                "UNPROVEN_CLAIM",
                f"the text repeats a claim that fact-checkers could not prove ({best.get('rating')!r}, {_cite(best)}); "
                "the hoax score is unchanged, but the claim should not be presented as fact.",
                risk="hoax",
            )
        )
    return out


def _cite(m: Mapping[str, Any]) -> str:
    parts = [str(m.get("publisher") or "unknown publisher")]
    if m.get("date"):
        parts.append(str(m["date"]))
    if m.get("url"):
        parts.append(str(m["url"]))
    claim = str(m.get("claim") or "")
    if len(claim) > 120:
        claim = claim[:117] + "..."
    return f'{", ".join(parts)}: "{claim}"'


def claim_from_feedback(text: str, note: str | None = None, model_version: str | None = None) -> Claim:
    """A claim from a hoax a reviewer confirmed through feedback (risk hoax, label 1): verdict false,
    publisher "saring feedback". Add it with ``ClaimIndex.add([claim])``. The id depends on the text only,
    so confirming the same text twice updates one claim."""
    claim = _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
    if len(claim.split()) < 2:
        raise ValueError(
            f"a confirmed hoax needs at least two words to become a claim; found {len(claim.split())} word(s)"
        )
    if len(claim) > MAX_CLAIM_CHARS:
        claim = claim[:MAX_CLAIM_CHARS]
    meta: dict[str, Any] = {}
    if note:
        meta["note"] = note
    if model_version:
        meta["model_version"] = model_version
    cid = "fb-" + hashlib.sha256(_SPACES.sub(" ", claim.lower()).encode("utf-8")).hexdigest()[:16]
    return Claim(
        id=cid,
        claim=claim,
        rating="HOAKS (confirmed through saring feedback)",
        verdict="false",
        publisher=FEEDBACK_PUBLISHER,
        url=None,
        date=_dt.date.today().isoformat(),
        language="id",
        source="feedback",
        meta=meta,
    )
