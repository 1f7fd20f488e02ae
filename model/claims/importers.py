"""Import: ClaimReview, Fact Check API and flat records from JSON, JSON lines, JSON-LD and CSV files,
with every bad record reported (position, field, what was found, the fix)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.claims.records import CLAIM_FIELDS, MAX_CLAIM_CHARS, BadClaim, Claim
from model.claims.verdicts import VERDICTS, normalise_verdict
from model.normalize import bad_character
from model.readers import (
    BAD_ROW_KEY,
    DUPLICATE_KEY_FIX,
    LINE_KEY,
    SUPPORTED,
    DataError,
    DuplicateKeyError,
    cell_as_csv_text,
    delimited_rows,
    format_of,
    json_document,
    loads,
    read_parquet,
    read_text,
    read_xlsx,
)

FORMATS: tuple[str, ...] = ("json", "jsonl", "csv", "parquet", "xlsx")
_SPACES = re.compile(r"\s+")


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


# Control characters that are white space (tab, form feed, ...): a claim's spaces are collapsed, so they are kept.
_SPACE_CONTROLS = frozenset(c for c in map(chr, range(0xA0)) if unicodedata.category(c) == "Cc" and c.isspace())


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


# Month names as fact-checkers' spreadsheets and pages write them, Indonesian and English, full and abbreviated
# ("4 Desember 2026", "Kamis, 3 Des 2026 10.30 WIB", "December 4, 2026"): a month written as a word is never ambiguous,
# so these are read; "04/12/2026" is not read, since nothing in it says whether 04 is the day or the month.
_MONTHS = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
_WEEKDAYS = (
    "senin selasa rabu kamis jumat jum'at sabtu minggu ahad "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
)
_WEEKDAY = "(?:" + "|".join(_WEEKDAYS.split()) + ")"
_MONTH = r"(?P<month>[a-z]+)\.?"
_TIME = r"(?:\s*[,|]?\s*(?:pukul\s*|jam\s*|at\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:wib|wita|wit|am|pm)?)?"
_WORD_DATES = (
    re.compile(rf"(?:{_WEEKDAY},?\s*)?(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}}){_TIME}"),
    re.compile(rf"(?:{_WEEKDAY},?\s*)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}"),
)
_NUMERIC_DAY_FIRST_OR_MONTH_FIRST = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:\s.*)?")


class DateError(ValueError):
    """A review date that cannot be read; its message says why and how to write it."""


def parse_date(value: Any) -> str | None:
    """A review date -> 'YYYY-MM-DD' ('YYYY' and 'YYYY-MM' are kept); None for nothing.

    Read: ISO 8601 dates and date-times, 'YYYY/MM/DD', and dates with the month written as a word in Indonesian or
    English ('4 Desember 2026', 'Kamis, 3 Des 2026 10.30 WIB', 'December 4, 2026'). Raise DateError for anything
    else, among them '04/12/2026', whose day and month cannot be told apart."""
    if value is None or not str(value).strip():
        return None
    s = " ".join(str(value).split())
    try:
        if re.fullmatch(r"\d{4}", s):
            return s
        if re.fullmatch(r"\d{4}-\d{2}", s):
            _dt.date.fromisoformat(s + "-01")
            return s
        if m := re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})", s):
            return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        for pattern in _WORD_DATES:
            if (m := pattern.fullmatch(s.lower())) and m["month"] in _MONTHS:
                return _dt.date(int(m["year"]), _MONTHS[m["month"]], int(m["day"])).isoformat()
        if _NUMERIC_DAY_FIRST_OR_MONTH_FIRST.fullmatch(s):
            raise DateError(
                "a date in numbers alone, whose order of day and month cannot be known (04/12/2026 is 4 December "
                "or 12 April)"
            )
        return _dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except DateError:
        raise
    except ValueError as e:  # a day or month out of range (2021-02-30, 31 April), or no date format at all
        raise DateError("not a date that exists, or not a date format saring reads") from e


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

    for f, value in flat.items():
        bad = bad_character(value, _SPACE_CONTROLS) if isinstance(value, str) else None
        if bad:
            raise _RecordError(
                name(f),
                value,
                f"the field holds {bad}",
                "remove it from the file (text copied from apps can carry one); the store keeps only text",
            )
    raw_claim = flat.get("claim")
    claim = _text(raw_claim)
    if not claim:
        raise _RecordError(
            name("claim"),
            raw_claim,
            "the claim text is missing or empty",
            f"give the claim as a non-empty string in '{name('claim')}'",
        )
    claim = unicodedata.normalize("NFC", _SPACES.sub(" ", claim))
    if len(claim) > MAX_CLAIM_CHARS:
        raise _RecordError(
            name("claim"),
            f"{len(claim)} characters",
            f"the claim is longer than {MAX_CLAIM_CHARS} characters",
            "store the claim itself (one or two sentences), not the whole article",
        )
    if len(claim.split()) < 2:
        raise _RecordError(
            name("claim"),
            raw_claim,
            "a claim needs at least two words to be recognised",
            "give the full claim as it circulated, e.g. 'Vaksin mengandung chip pelacak'",
        )

    rating = _text(flat.get("rating"))
    raw_verdict = flat.get("verdict")
    verdict: str | None = None
    if raw_verdict not in (None, ""):
        v = str(raw_verdict).strip().lower()
        verdict = v if v in VERDICTS else normalise_verdict(v, defaults.rating_map)
        if verdict is None:
            raise _RecordError(
                name("verdict"),
                raw_verdict,
                "not a verdict",
                f"use one of {list(VERDICTS)}, or leave it empty and give the rating text",
            )
    if verdict is None:
        if not rating:
            raw = flat.get("rating_raw", flat.get("rating"))
            reason = "the rating text is missing"
            if isinstance(raw, dict) and raw.get("ratingValue") is not None:
                reason = "the rating has only a number (ratingValue); number scales differ between publishers"
            raise _RecordError(
                name("rating"),
                raw,
                reason,
                f"give the fact-checker's rating text in '{name('rating')}' (e.g. 'SALAH', "
                "'Misleading'), or a 'verdict' (false, misleading, true or unproven)",
            )
        verdict = normalise_verdict(rating, defaults.rating_map)
        if verdict is None:
            raise _RecordError(
                name("rating"),
                rating,
                "the rating text is not in saring's rating table",
                f"map it with --rating '{rating}=false' (or misleading, true, unproven), or add "
                "a 'verdict' field to the record",
            )
    if not rating:
        rating = verdict

    publisher = _text(flat.get("publisher")) or defaults.publisher
    if not publisher:
        raise _RecordError(
            name("publisher"),
            flat.get("publisher"),
            "the publisher is missing",
            f"give the fact-checker's name in '{name('publisher')}', or a default for the "
            "whole file (--publisher NAME)",
        )

    url = _text(flat.get("url"))
    if url and not re.match(r"^https?://\S+$", url):
        raise _RecordError(
            name("url"),
            url,
            "not an http(s) URL",
            "give the review's address starting with http:// or https://, or leave it empty",
        )
    try:
        date = parse_date(_text(flat.get("date")))
    except DateError as e:
        raise _RecordError(
            name("date"),
            flat.get("date"),
            f"the date cannot be read: {e}",
            "write the date as YYYY-MM-DD (or a full ISO date-time, or with the month as a word: 4 Desember 2026), "
            "or leave it empty",
        ) from e
    language = _text(flat.get("language")) or defaults.language or None
    if language is not None:
        language = language.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*", language):
            raise _RecordError(
                name("language"),
                flat.get("language"),
                "not a language code",
                "use an ISO 639 code such as 'id', 'en' or 'jv', or leave it empty",
            )
    raw_id = _text(flat.get("id"))
    cid = raw_id or claim_id(claim, url, publisher)
    meta: dict[str, Any] = {}
    for key in ("claimant", "appearance", "claim_date", "title", "note", "model_version"):
        value = flat.get(key)
        if value not in (None, "", []):
            meta[key] = value
    return Claim(
        id=cid,
        claim=claim,
        rating=rating,
        verdict=verdict,
        publisher=publisher,
        url=url,
        date=date,
        language=language,
        source=defaults.source,
        meta=meta,
    )


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
    names = {
        "claim": "claimReviewed",
        "rating": "reviewRating.alternateName",
        "publisher": "author.name",
        "url": "url",
        "date": "datePublished",
        "language": key_lang or "inLanguage",
        "id": "identifier",
    }
    return flat, names


def _flat_from_factcheck_api(
    claim_obj: Mapping[str, Any], review: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
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
    names = {
        "claim": "text",
        "rating": "claimReview[].textualRating",
        "publisher": "claimReview[].publisher.name",
        "url": "claimReview[].url",
        "date": "claimReview[].reviewDate",
        "language": "claimReview[].languageCode",
    }
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
        out.append(
            _RecordError(
                "(record)",
                obj,
                "a record must be a JSON object",
                "give each claim as an object with claimReviewed/reviewRating/author/url, "
                "or claim/rating/publisher/url",
            )
        )
        return
    types = _types(obj)
    if "@graph" in obj and isinstance(obj["@graph"], list | dict):  # JSON-LD allows one node for @graph
        _walk(obj["@graph"], out, skipped)
        return
    if "ClaimReview" in types:
        out.append(_flat_from_claimreview(obj))
        return
    if isinstance(obj.get("claimReview"), list):  # Google Fact Check Tools API: one record per review
        reviews = obj["claimReview"]
        if not reviews:
            out.append(
                _RecordError(
                    "claimReview", reviews, "the claim has no review", "remove the claim or add its claimReview entries"
                )
            )
        for review in reviews:
            if isinstance(review, dict):
                out.append(_flat_from_factcheck_api(obj, review))
            else:
                out.append(
                    _RecordError(
                        "claimReview[]",
                        review,
                        "a review must be a JSON object",
                        "give publisher, url, textualRating and reviewDate as an object",
                    )
                )
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
    out.append(
        _RecordError(
            "(record)",
            obj,
            "not a ClaimReview: no claimReviewed, claim or text field",
            "give each record as a schema.org ClaimReview (claimReviewed, reviewRating, author, "
            "url, datePublished) or a flat claim (claim, rating, publisher, url, date)",
        )
    )


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
            claim = _build_claim(flat, names, defaults)
        except _RecordError as e:
            bad.append(BadClaim(i, e.field, e.found, e.reason, e.fix, unit))
            continue
        claim.origin = (unit, i)
        claims.append(claim)
    return claims, bad, len(skipped)


def _detect_format(path: Path) -> str:
    """The claims format of a file from model.readers' suffix table: csv (also .tsv), json (the JSON
    suffixes: one document or JSON lines, told apart by the content), parquet or xlsx (a workbook's first sheet)."""
    found = format_of(path)
    if found is None:
        raise DataError(
            f"cannot tell the format from the suffix {''.join(path.suffixes[-2:]) or 'none'!r}; "
            f"expected one of {SUPPORTED}",
            file=path,
            fix=f"pass --format with one of {list(FORMATS)}",
        )
    return {"csv": "csv", "tsv": "csv", "jsonl": "json", "parquet": "parquet", "xlsx": "xlsx"}[found[0]]


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

    Without `fmt` the format comes from model.readers' suffix table (gzipped files too): a JSON file is one
    document (ClaimReview, JSON-LD ``@graph``, Fact Check API response, or an array of records) or JSON
    lines, whatever its JSON suffix. `fmt` "json" insists on one document, "jsonl" on JSON lines.
    `columns` (CSV, Parquet and workbooks) maps claim fields (:data:`CLAIM_FIELDS`) to column names; a field without a
    mapping is read from the column of the same name when there is one.
    """
    path = Path(path)
    auto = fmt is None
    fmt = (fmt or _detect_format(path)).lower()
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}", file=path, fix=f"use one of {list(FORMATS)}")
    defaults = defaults or ImportDefaults()
    if not defaults.source:
        defaults = ImportDefaults(defaults.publisher, defaults.language, defaults.rating_map, f"import:{path.name}")
    if fmt == "parquet":
        return _parse_table(path, *_parquet_table(path), columns or {}, defaults)
    if fmt == "xlsx":  # the first sheet, its cells as a CSV export holds them (model.readers.read_xlsx)
        return _parse_table(path, *read_xlsx(path), columns or {}, defaults)
    text = read_text(path, encoding)
    if fmt == "json":
        try:
            is_doc, data = json_document(text)
        except DuplicateKeyError as e:  # one document: a key named twice would drop a value silently
            raise DataError(str(e), file=path, fix=DUPLICATE_KEY_FIX) from e
        if is_doc:
            return parse_records(data, defaults)
        if auto:
            return _parse_lines(text, defaults)
        try:
            data = loads(text)
        except json.JSONDecodeError as e:
            hint = (
                " The file holds several JSON documents: it looks like JSON lines; pass --format jsonl."
                if e.msg == "Extra data"
                else ""
            )
            raise DataError(
                f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}).{hint}",
                file=path,
                fix="correct the JSON syntax" if not hint else "pass --format jsonl",
            ) from e
        return parse_records(data, defaults)
    if fmt == "jsonl":
        return _parse_lines(text, defaults)
    return _parse_csv(path, text, columns or {}, defaults)


def _parse_lines(text: str, defaults: ImportDefaults) -> tuple[list[Claim], list[BadClaim], int]:
    """JSON lines: every line a record (or a document holding records); bad lines are bad records."""
    claims: list[Claim] = []
    bad: list[BadClaim] = []
    skipped = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError as e:
            bad.append(
                BadClaim(
                    lineno,
                    "(line)",
                    _describe(line),
                    f"not valid JSON ({e.msg})",
                    "write one JSON object per line",
                    "line",
                )
            )
            continue
        except DuplicateKeyError as e:
            bad.append(BadClaim(lineno, e.key, _describe(line), str(e), DUPLICATE_KEY_FIX, "line"))
            continue
        c, b, s = parse_records(obj, defaults, unit="line", start=lineno)
        for x in b:
            x.index = lineno
        for y in c:
            y.origin = ("line", lineno)
        claims += c
        bad += b
        skipped += s
    return claims, bad, skipped


def _parquet_table(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """A Parquet table's rows (model.readers.read_parquet) with each value as the text a CSV export holds (a
    timestamp as its date, 4.0 as 4), None for a null; a list of values (appearance URLs) stays a list."""
    header, rows = read_parquet(path)
    return header, [{k: v if k == LINE_KEY else _parquet_value(v) for k, v in r.items()} for r in rows]


def _parquet_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [cell_as_csv_text(x) for x in value]
    return cell_as_csv_text(value)


def _parse_csv(
    path: Path, text: str, columns: Mapping[str, str], defaults: ImportDefaults
) -> tuple[list[Claim], list[BadClaim], int]:
    found = format_of(path)
    fmt = "tsv" if found is not None and found[0] == "tsv" else "csv"
    # the project's one CSV reader: broken quoting (a quote never closed) names its line, a ragged row is marked
    header, rows = delimited_rows(text, fmt, path)
    return _parse_table(path, header, rows, columns, defaults, sep="\t" if fmt == "tsv" else ",")


def _parse_table(
    path: Path,
    header: list[str],
    reader: Iterable[Mapping[str, Any]],
    columns: Mapping[str, str],
    defaults: ImportDefaults,
    *,
    sep: str | None = None,
) -> tuple[list[Claim], list[BadClaim], int]:
    """Claims from the rows of a table (CSV, TSV, Parquet, a workbook's sheet) with a column mapping; bad rows are
    bad records.

    `sep` is the CSV separator (None for Parquet and workbooks)."""
    unknown = [f for f in columns if f not in CLAIM_FIELDS]
    if unknown:
        raise DataError(
            f"unknown claim field(s) {unknown} in the column mapping",
            file=path,
            fix=f"map some of {list(CLAIM_FIELDS)}, e.g. --column claim=judul --column rating=label",
        )
    if not header:
        raise DataError("the file is empty; expected a header row and at least one row", file=path)
    mapping = {f: columns.get(f, f) for f in CLAIM_FIELDS}
    missing = [c for f, c in mapping.items() if f in columns and c not in header]
    if missing:
        raise DataError(
            f"the column mapping names {missing}, but the columns are {header}",
            file=path,
            fix="map each field to one of the file's columns (--column claim=COLUMN)",
        )
    other = [c for c in (";", "\t", ",", "|") if c != sep and len(header) == 1 and c in header[0]]
    if sep is not None and other:
        raise DataError(
            f"expected values separated by {'a tab' if sep == chr(9) else repr(sep)}, found one column "
            f"{header[0]!r} that holds {other[0]!r}: the file uses another separator",
            file=path,
            fix=f"save the file {'tab' if sep == chr(9) else 'comma'}-separated (Excel: 'CSV UTF-8 (comma "
            "delimited)'), or name it .tsv if it is tab-separated",
        )
    if mapping["claim"] not in header:
        raise DataError(
            f"no claim column: expected a column 'claim' or a mapping, found columns {header}",
            file=path,
            fix="name the claim column: --column claim=COLUMN",
        )
    if mapping["rating"] not in header and mapping["verdict"] not in header:
        raise DataError(
            f"no rating or verdict column among {header}",
            file=path,
            fix="name one: --column rating=COLUMN (rating text) or --column verdict=COLUMN",
        )
    claims: list[Claim] = []
    bad: list[BadClaim] = []
    for rownum, row in enumerate(reader, start=1):
        if BAD_ROW_KEY in row:  # a row with more or fewer values than the header (model.readers)
            found, fix = (
                (
                    "another number of values than the header's columns",
                    'quote a value that contains the separator ("Vaksin, katanya, ..."), or give the row one value '
                    "per column of the header",
                )
                if sep is not None
                else ("a value in a column with no name", "name the column in the header row, or clear the cell")
            )
            bad.append(BadClaim(int(row.get(LINE_KEY, rownum)), "(row)", found, str(row[BAD_ROW_KEY]), fix, "row"))
            continue
        flat = {f: row.get(c) for f, c in mapping.items() if c in header}
        appearance = flat.get("appearance")
        if isinstance(appearance, str):
            flat["appearance"] = [u for u in re.split(r"[\s;|]+", appearance) if u]
        names = {f: c for f, c in mapping.items()}
        try:
            claim = _build_claim(flat, names, defaults)
        except _RecordError as e:
            bad.append(BadClaim(rownum, e.field, e.found, e.reason, e.fix, "row"))
            continue
        claim.origin = ("row", rownum)
        claims.append(claim)
    if not claims and not bad:  # a header alone: say so, not the generic "no claims found" (worded for JSON)
        raise DataError(
            f"a header row {header} and no rows under it; expected one fact-checked claim per row",
            file=path,
            fix="add the claims under the header, or check that the export was saved whole",
        )
    return claims, bad, 0


def _dedupe(claims: list[Claim]) -> tuple[list[Claim], list[BadClaim], int]:
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
            unit, index = c.origin or ("claim", i)
            first_unit, first_index = prev.origin or ("claim", first)
            bad.append(
                BadClaim(
                    index,
                    "id",
                    repr(c.id),
                    f"{first_unit} {first_index} of this input has the same id and different content",
                    "give each claim its own id, or merge the two records",
                    unit,
                )
            )
            continue
        seen[c.id] = (i, c)
        out.append(c)
    return out, bad, dup
