"""Term lists: words and phrases an agency wants reviewed or blocked whatever the model's scores (Azure AI Content
Safety's custom blocklists).

New coded words for a group or a person appear faster than a model can be retrained; a term list lets an agency
route them to review the same day. A list is a table file (CSV, TSV, XLSX, JSON lines or Parquet, read by
model.readers) with one term per row:

    term         the word or phrase ("kadrun", "antek asing"); matched as whole words after the model's
                 normaliser, so spellings it reads alike match too ("K4DRUN", "kadruuun", "Antek-Asing", a slang
                 form the slang table knows), but never part of a word ("kadrunisme" is not "kadrun")
    risk         hoax, slander or incitement: the risk whose decision the match raises
    decision     review (the default) or block: the least severe decision the risk gets when the term is found
    list         optional: the list's name (default "terms"), reported with each match
    note         optional: why the term is listed, for the people who keep the list

A match raises its risk's decision to at least the term's (never lowers one) and is reported as a warning
TERM_LIST_MATCH naming the list, the term and where it was found; scores are never changed, so they stay the
model's calibrated probabilities.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model.labels import DECISIONS, RISKS
from model.normalize import Normalizer
from model.problems import field_problem
from model.readers import BAD_ROW_KEY, LINE_KEY, DataError, cell_as_csv_text, read_rows
from model.scorer import ScoredText, ScoreWarning

logger = logging.getLogger(__name__)

DEFAULT_LIST = "terms"
COLUMNS = ("term", "risk", "decision", "list", "note")
_CHUNK_RE = re.compile(r"\S+")
_REPEAT_RE = re.compile(r"([^\W\d_])\1+")  # a letter repeated (never digits: 411 is not 41)
_LIST_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class TermEntry(BaseModel):
    """One row of a term list."""

    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1, max_length=200)
    risk: Literal["hoax", "slander", "incitement"]
    decision: Literal["review", "block"] = "review"
    list: str = DEFAULT_LIST
    note: str | None = Field(None, max_length=500)

    @field_validator("term")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not any(c.isalnum() for c in v):
            raise ValueError(f"expected a word or phrase, found {v!r}: a term needs a letter or digit")
        return v.strip()

    @field_validator("list")
    @classmethod
    def _list_name(cls, v: str) -> str:
        if not _LIST_NAME_RE.match(v):
            raise ValueError(f"expected a list name of letters, digits, '_', '.' or '-' (up to 64), found {v!r}")
        return v


@dataclass(frozen=True)
class TermMatch:
    entry: TermEntry
    begin: int | None  # offsets into the original text (text[begin:end]); None when found only across words
    end: int | None

    def warning(self) -> ScoreWarning:
        e = self.entry
        where = f" at characters {self.begin}-{self.end}" if self.begin is not None else ""
        return ScoreWarning(
            "TERM_LIST_MATCH",
            f"matches the term {e.term!r} of the term list {e.list!r}{where}: {e.risk} is at least {e.decision} "
            "whatever its score",
            risk=e.risk,
            details={"list": e.list, "term": e.term, "decision": e.decision, "begin": self.begin, "end": self.end},
        )


def read_term_list(path: str | Path) -> list[TermEntry]:
    """Every row of a term-list file (text files in UTF-8), validated; raises DataError listing every bad row (up to
    20) at once."""
    fix = "one row per term with the columns term and risk (and optionally decision, list, note); see docs/api.md"
    try:
        header, rows = read_rows(path)
    except DataError as e:
        if e.fix and "--encoding" in e.fix:  # term lists have no --encoding option: advise what the user can do
            raise e.with_fix("save the term list as UTF-8 ('CSV UTF-8' in Excel), or give the workbook (.xlsx)") from e
        raise
    missing = [c for c in ("term", "risk") if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise DataError(
            f"expected the columns {list(COLUMNS[:2])} (and optionally {list(COLUMNS[2:])}), found {header}"
            + (f": {missing} missing" if missing else "")
            + (f"; {unknown} unknown" if unknown else ""),
            file=path,
            fix=fix,
        )
    entries: list[TermEntry] = []
    problems: list[str] = []
    for row in rows:
        line = row.get(LINE_KEY)
        if BAD_ROW_KEY in row:
            problems.append(f"row {line}: {row[BAD_ROW_KEY]}")
            continue
        # a workbook's or Parquet file's numbers and dates as a CSV export holds them (a term "212" typed as a number)
        cells = {c: v if isinstance(v := row.get(c), str) else cell_as_csv_text(v) for c in COLUMNS}
        values = {c: v for c, v in cells.items() if v != ""}
        try:
            entries.append(TermEntry.model_validate(values))
        except ValidationError as e:
            problems.append(f"row {line}: " + "; ".join(field_problem(err, COLUMNS) for err in e.errors()))
    if problems:
        shown = "\n  - ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataError(
            f"{len(problems)} bad row(s); expected a term, a risk of {list(RISKS)} and a decision of review or "
            f"block:\n  - {shown}{more}\nNothing of the file was used",
            file=path,
            fix="correct or delete those rows",
        )
    if not entries:
        raise DataError("the term list has no rows", file=path, fix=fix)
    return entries


def entries_sha256(entries: Iterable[TermEntry]) -> str:
    """A digest of term-list rows' content (not of the file they came from), e.g. for an audit's resume check."""
    rows = [e.model_dump() for e in entries]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class TermLists:
    """Term lists compiled for matching with a model's normaliser (compiled again for another one)."""

    def __init__(self, entries: Iterable[TermEntry], source: str = "") -> None:
        self.entries = list(entries)
        self.source = source
        # (the model's normaliser, the one that reads for matching, the index): the model's normaliser is held, so
        # that no other one can be taken for it
        self._compiled: tuple[Normalizer, Normalizer, dict[str, list[tuple[tuple[str, ...], TermEntry]]]] | None = None

    @classmethod
    def from_file(cls, path: str | Path) -> TermLists:
        return cls(read_term_list(path), source=str(path))

    def describe(self) -> dict[str, dict[str, Any]]:
        """{list: {terms, by_risk}} for the model card: counts, never the terms themselves."""
        out: dict[str, dict[str, Any]] = {}
        for e in self.entries:
            d = out.setdefault(e.list, {"terms": 0, "by_risk": {}})
            d["terms"] += 1
            d["by_risk"][e.risk] = d["by_risk"].get(e.risk, 0) + 1
        return out

    def _index(self, normalizer: Normalizer) -> tuple[Normalizer, dict[str, list[tuple[tuple[str, ...], TermEntry]]]]:
        """(the normaliser that reads texts for matching, the terms by their first word). The model's normaliser,
        knowing the terms' words as well: it reads leetspeak and masked words only into words it knows."""
        if self._compiled is not None and self._compiled[0] is normalizer:
            return self._compiled[1], self._compiled[2]
        reader = normalizer.with_words(e.term for e in self.entries)
        index: dict[str, list[tuple[tuple[str, ...], TermEntry]]] = {}
        unusable = []
        for e in self.entries:
            words = _words(reader.normalize_tokens(e.term))
            if not words:
                unusable.append(e.term)
                continue
            index.setdefault(words[0], []).append((tuple(words), e))
        if unusable:
            logger.warning("%d term(s) of %s are no words once normalised: never matched", len(unusable), self.source)
        self._compiled = (normalizer, reader, index)
        return reader, index

    def match(self, texts: list[str], normalizer: Normalizer) -> list[list[TermMatch]]:
        """The terms found in each text (each list entry once per text, at its first place)."""
        reader, index = self._index(normalizer)
        out: list[list[TermMatch]] = []
        for text in texts:
            # Each whitespace-separated chunk of the original text normalised alone, so that a match has offsets;
            # then the whole text, for what the normaliser joins across chunks ("k a d r u n").
            stream: list[tuple[str, int, int]] = []
            for m in _CHUNK_RE.finditer(text):
                stream.extend((w, m.start(), m.end()) for w in _words(reader.normalize_tokens(m.group())))
            found: dict[int, TermMatch] = {}
            for k, (word, _, _) in enumerate(stream):
                for words, entry in index.get(word, ()):
                    if id(entry) not in found and tuple(w for w, _, _ in stream[k : k + len(words)]) == words:
                        found[id(entry)] = TermMatch(entry, stream[k][1], stream[k + len(words) - 1][2])
            whole = _words(reader.normalize_tokens(text))
            for k, word in enumerate(whole):
                for words, entry in index.get(word, ()):
                    if id(entry) not in found and tuple(whole[k : k + len(words)]) == words:
                        found[id(entry)] = TermMatch(entry, None, None)
            out.append(list(found.values()))
        return out


def _words(tokens: list[str]) -> list[str]:
    """The match keys of normalised tokens: words only (punctuation and emoji left out), hyphenated words split
    ("antek-asing" is "antek asing"), and a letter repeated in a row written once ("kadruun" is "kadrun": the
    normaliser shortens runs of three to two but keeps two unless the slang table knows the word). Terms and texts
    go through the same keys, so "maaf" still matches "maaf"."""
    return [_REPEAT_RE.sub(r"\1", part) for t in tokens for part in t.split("-") if any(c.isalnum() for c in part)]


def raise_decisions(decisions: dict[str, str], matches: list[TermMatch]) -> dict[str, str]:
    """Each matched risk's decision raised to at least its term's (never lowered)."""
    out = dict(decisions)
    for m in matches:
        r, d = m.entry.risk, m.entry.decision
        if DECISIONS.index(d) > DECISIONS.index(out.get(r, "allow")):
            out[r] = d
    return out


def with_matches(scored: ScoredText, matches: list[TermMatch]) -> ScoredText:
    """`scored` with its decisions raised by `matches` and one TERM_LIST_MATCH warning per match."""
    if not matches:
        return scored
    decisions = raise_decisions(scored.decisions, matches)
    return dataclasses.replace(
        scored,
        decisions=decisions,
        flags={r: d != "allow" for r, d in decisions.items()},
        decision=max(decisions.values(), key=DECISIONS.index),
        warnings=[*scored.warnings, *(m.warning() for m in matches)],
    )
