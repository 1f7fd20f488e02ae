"""Claim records, the bad records an import finds, and what an import did."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from model.examples import DataError

MAX_CLAIM_CHARS = 2000
CLAIM_FIELDS: tuple[str, ...] = (
    "id",
    "claim",
    "rating",
    "verdict",
    "publisher",
    "url",
    "date",
    "language",
    "claimant",
    "appearance",
)


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
    # Where an import read it: (unit, 1-based position), e.g. ("row", 3); for messages only, never stored.
    origin: tuple[str, int] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("origin", None)
        return d

    def content(self) -> tuple[Any, ...]:
        """Everything that identifies the record's content (for 'unchanged' on re-import)."""
        return (
            self.claim,
            self.rating,
            self.verdict,
            self.publisher,
            self.url,
            self.date,
            self.language,
            json.dumps(self.meta, sort_keys=True, ensure_ascii=False),
        )


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
        return {
            "index": self.index,
            "unit": self.unit,
            "field": self.field,
            "found": self.found,
            "reason": self.reason,
            "fix": self.fix,
        }


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
