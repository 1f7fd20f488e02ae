"""The dataset catalogue: TOML cards in `datasets/`, pinned files, and readers that turn them into Examples.

A card (one per dataset, `datasets/<name>.toml`) records where each file comes from (repository, commit,
path), its sha256, encoding and format, the licence and citation, the meaning of every original label, and
how the original labels map to saring's risks and auxiliary labels. The mapping lives in the card, not in
this module: the code below only knows how to read CSV, XLSX and JSON-lines files, how to apply a mapping
rule, how to repair a few named text defects and how to assign keyword topics.

Files are taken from the local mirror (`model.paths.data_mirror()`, laid out as `<mirror>/<card>/<path>`)
when present, else downloaded from `https://raw.githubusercontent.com/<repo>/<commit>/<path>` into
`model.paths.cache_dir()/downloads/`. A local card (`[source] local = true`: data the saring team wrote and
committed) has no repository: its files are read from `<catalogue dir>/<card>/<path>` and never downloaded.
Every file's sha256 is checked, wherever it came from.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.examples import BadRow, DataError, Example, LabelValue, ReadResult
from model.labels import ALL_LABELS
from model.modeldir import file_sha256
from model.normalize import Normalizer
from model.paths import cache_dir, catalogue_dir, data_mirror
from model.readers import read_json_values, read_text

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
ROLES = ("examples", "resource", "reference", "documentation")
FORMATS = ("csv", "xlsx", "jsonl", "text")
EXAMPLE_FORMATS = ("csv", "xlsx", "jsonl")
TEXT_REPAIRS = ("python_byte_escapes", "trailing_repr_quote", "utf8_read_as_mac_roman")
ORIGINAL_SPLITS = ("train", "test")
# Example.meta keys set by the reader and by model.splits; a card's meta_columns may not use them
RESERVED_META = ("file", "sha256", "row", "original_split", "split", "topic_method", "normalized_text", "weak",
                 "merged_ids", "sources")
RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"
OFFLINE_ENV = "SARING_OFFLINE"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


# ---------------------------------------------------------------------------------------------------------
# Card dataclasses
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Licence:
    id: str
    basis: str
    commercial_use: bool
    share_alike: bool
    notes: str = ""


@dataclass(frozen=True)
class CardFile:
    """One file of a dataset as published at the pinned commit."""

    path: str  # path in the original repository
    sha256: str
    role: str  # examples | resource | reference | documentation
    format: str  # csv | xlsx | jsonl | text
    description: str = ""
    mirror_path: str = ""  # path inside <mirror>/<card name>/; defaults to `path`
    encoding: str | None = None
    rows: int | None = None  # data rows (header excluded)
    columns: tuple[str, ...] = ()
    # csv
    separator: str = ","
    quotechar: str = '"'
    header: bool = True
    # xlsx
    sheet: str | int = 0
    # examples files
    text_column: str | None = None
    platform: str | None = None
    platform_column: str | None = None
    original_split: str | None = None
    original_split_column: str | None = None  # per-row published split (train / test)
    id_prefix: str | None = None
    id_column: str | None = None  # ids <name>[:<id_prefix>]:<cell> instead of :<row>
    group_column: str | None = None  # Example.group = <name>:<cell>; a group never crosses splits
    meta_columns: tuple[str, ...] = ()  # cells kept in Example.meta under the column's name
    text_repairs: tuple[str, ...] = ()
    # resource files
    resource: str | None = None  # e.g. "slang", "abusive_lexicon"

    @property
    def local_path(self) -> str:
        return self.mirror_path or self.path


@dataclass(frozen=True)
class LabelRule:
    """target <- 1 if any of `columns` holds a positive value, 0 if all hold negative values, else None."""

    target: str
    columns: tuple[str, ...]
    positive: tuple[str, ...] = ("1",)
    negative: tuple[str, ...] = ("0",)
    missing: tuple[str, ...] = ()
    reason: str = ""

    def apply(self, row: dict[str, Any]) -> LabelValue:
        """Raise ValueError naming the column and the value when a cell is not a declared value."""
        values = []
        for col in self.columns:
            v = _cell(row.get(col))
            if v in self.positive:
                values.append(1)
            elif v in self.negative:
                values.append(0)
            elif v in self.missing or v == "":
                values.append(None)
            else:
                allowed = list(self.positive) + list(self.negative) + list(self.missing)
                raise ValueError(f"column '{col}': expected one of {allowed} (for {self.target}), found {v!r}")
        if any(v == 1 for v in values):
            return 1
        if values and all(v == 0 for v in values):
            return 0
        return None


@dataclass(frozen=True)
class OriginalLabel:
    meaning: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    keywords: tuple[str, ...]
    rows: tuple[int, int] | None = None  # 1-based data rows, inclusive (the file's order; a cross-check)
    sheet: str | None = None


@dataclass(frozen=True)
class Grouping:
    """Assign each example of a card's examples files to a topic by keyword matching."""

    method: str  # "keywords"
    min_score: int
    dominance: float
    fallback: str | None  # "rows": use the topic whose `rows` hold the example when keywords do not decide
    topics: tuple[Topic, ...]


@dataclass(frozen=True)
class WeakLabel:
    target: str
    value: int
    weight: float
    reason: str


PURPOSES = ("training", "evaluation")


@dataclass(frozen=True)
class Card:
    name: str
    title: str
    description: str
    repository: str
    commit: str
    licence: Licence
    citation: str
    files: tuple[CardFile, ...]
    mapping: tuple[LabelRule, ...]
    original_labels: dict[str, OriginalLabel]
    grouping: Grouping | None = None
    homepage: str = ""
    bibtex: str = ""
    platform: str | None = None
    path: Path | None = None  # the card file
    local: bool = False  # files committed beside the card (<catalogue dir>/<name>/<path>), never downloaded
    generator: str = ""  # local cards: the script that writes the files (informational)
    # "training": read by load_catalogue() and trained on; "evaluation": an out-of-distribution suite that is
    # only ever evaluated on (load_dataset by name), never trained on.
    purpose: str = "training"
    # Weak labels: a risk the source did not annotate but whose value is known for nearly every row (e.g. hoax =
    # 0 for tweets that insult or complain and claim nothing checkable), given to every row whose label is
    # missing, with a loss weight below 1 (Example.meta["weak"] names them; trainers down-weight them).
    weak: tuple[WeakLabel, ...] = ()

    @property
    def examples_files(self) -> tuple[CardFile, ...]:
        return tuple(f for f in self.files if f.role == "examples")

    def file(self, path: str) -> CardFile:
        for f in self.files:
            if path in (f.path, f.local_path):
                return f
        raise KeyError(f"card {self.name!r} has no file {path!r}; files: {[f.path for f in self.files]}")

    def resource(self, kind: str) -> CardFile | None:
        return next((f for f in self.files if f.resource == kind), None)

    def url(self, file: CardFile) -> str:
        if self.local:
            return str(self.local_file(file))
        return RAW_URL.format(repository=self.repository, commit=self.commit,
                              path=urllib.parse.quote(file.path))

    def local_file(self, file: CardFile) -> Path:
        """Where a local card's file lives: `<folder of the card>/<name>/<path>` (the catalogue directory
        unless the card was parsed from elsewhere)."""
        base = self.path.parent if self.path is not None else catalogue_dir()
        return base / self.name / file.local_path

    @property
    def labels(self) -> tuple[str, ...]:
        """The saring labels this dataset annotates (all others stay missing)."""
        return tuple(r.target for r in self.mapping)


# ---------------------------------------------------------------------------------------------------------
# Card loading and validation
# ---------------------------------------------------------------------------------------------------------
class _Checker:
    """Collects every problem of a card so that one error lists them all."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.problems: list[str] = []

    def get(self, table: dict[str, Any], key: str, kind: type | tuple[type, ...], ctx: str,
            required: bool = True, default: Any = None) -> Any:
        if key not in table:
            if required:
                self.problems.append(f"{ctx}: missing key '{key}'")
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.problems.append(f"{ctx}: key '{key}' must be {names}, found {type(value).__name__} {value!r}")
            return default
        return value

    def strs(self, table: dict[str, Any], key: str, ctx: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(table, key, list, ctx, required=False, default=None)
        if value is None:
            return default
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            self.problems.append(f"{ctx}: key '{key}' must be a list of strings, found {value!r}")
            return default
        return tuple(str(v) for v in value)

    def fail_if_any(self) -> None:
        if self.problems:
            listed = "\n  - ".join(self.problems)
            raise DataError(
                f"invalid dataset card ({len(self.problems)} problem(s)):\n  - {listed}\n",
                file=self.where,
                fix="correct the card; datasets/README.md describes every key",
            )


def parse_card(path: str | Path) -> Card:
    """Read and validate one card. Raise DataError listing every problem found."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise DataError(f"not valid TOML ({e})", file=path, fix="correct the TOML syntax") from e
    ck = _Checker(path)
    version = ck.get(raw, "schema_version", int, "card")
    if version is not None and version != SCHEMA_VERSION:
        ck.problems.append(f"card: schema_version {version} found, this saring reads {SCHEMA_VERSION}")
    name = ck.get(raw, "name", str, "card", default="")
    if name and not _NAME.match(name):
        ck.problems.append(f"card: name {name!r} must be lower case letters, digits and underscores")
    if name and name != path.stem:
        ck.problems.append(f"card: name {name!r} must equal the file name stem {path.stem!r}")
    title = ck.get(raw, "title", str, "card", default="")
    description = ck.get(raw, "description", str, "card", default="")
    platform = ck.get(raw, "platform", str, "card", required=False)

    src = ck.get(raw, "source", dict, "card", default={})
    local = ck.get(src, "local", bool, "[source]", required=False, default=False)
    repository = ck.get(src, "repository", str, "[source]", required=not local, default="")
    if repository and not _REPO.match(repository):
        ck.problems.append(f"[source]: repository must be 'owner/name', found {repository!r}")
    commit = ck.get(src, "commit", str, "[source]", required=not local, default="")
    if commit and not _HEX40.match(commit):
        ck.problems.append(f"[source]: commit must be 40 lower-case hex digits, found {commit!r}")
    if local and (repository or commit):
        ck.problems.append("[source]: a local card (local = true) has no repository or commit; its files are read "
                           f"from {name or '<name>'}/ beside the card. Remove them, or set local = false")
    generator = ck.get(src, "generator", str, "[source]", required=False, default="")
    ck.get(src, "seed", int, "[source]", required=False)
    homepage = ck.get(src, "homepage", str, "[source]", required=False, default="")
    purpose = ck.get(raw, "purpose", str, "card", required=False, default="training")
    if purpose not in PURPOSES:
        ck.problems.append(f"card: purpose must be one of {list(PURPOSES)}, found {purpose!r}")

    lic = ck.get(raw, "licence", dict, "card", default={})
    licence = Licence(
        id=ck.get(lic, "id", str, "[licence]", default=""),
        basis=ck.get(lic, "basis", str, "[licence]", default=""),
        commercial_use=ck.get(lic, "commercial_use", bool, "[licence]", default=False),
        share_alike=ck.get(lic, "share_alike", bool, "[licence]", default=False),
        notes=ck.get(lic, "notes", str, "[licence]", required=False, default=""),
    )
    cit = ck.get(raw, "citation", dict, "card", default={})
    citation = ck.get(cit, "text", str, "[citation]", default="")
    bibtex = ck.get(cit, "bibtex", str, "[citation]", required=False, default="")

    files: list[CardFile] = []
    for i, f in enumerate(ck.get(raw, "files", list, "card", default=[]), start=1):
        ctx = f"[[files]] #{i}"
        if not isinstance(f, dict):
            ck.problems.append(f"{ctx}: must be a table")
            continue
        files.append(_parse_file(ck, f, ctx))

    original: dict[str, OriginalLabel] = {}
    for col, spec in ck.get(raw, "original_labels", dict, "card", required=False, default={}).items():
        ctx = f"[original_labels.{col}]"
        if not isinstance(spec, dict):
            ck.problems.append(f"{ctx}: must be a table with 'meaning'")
            continue
        counts = ck.get(spec, "counts", dict, ctx, required=False, default={})
        original[col] = OriginalLabel(ck.get(spec, "meaning", str, ctx, default=""),
                                      {str(k): int(v) for k, v in counts.items()})

    rules: list[LabelRule] = []
    for target, spec in ck.get(raw, "mapping", dict, "card", required=False, default={}).items():
        ctx = f"[mapping.{target}]"
        if target not in ALL_LABELS:
            ck.problems.append(f"{ctx}: unknown label {target!r}; expected one of {list(ALL_LABELS)}")
            continue
        if not isinstance(spec, dict):
            ck.problems.append(f"{ctx}: must be a table with 'columns'")
            continue
        cols = ck.strs(spec, "columns", ctx)
        if not cols:
            ck.problems.append(f"{ctx}: 'columns' must list at least one column of the examples files")
        for col in cols:
            for f in files:
                if f.role == "examples" and f.columns and col not in f.columns:
                    ck.problems.append(f"{ctx}: column {col!r} is not among {f.path}'s columns {list(f.columns)}")
        rules.append(LabelRule(
            target=target,
            columns=cols,
            positive=tuple(v.lower() for v in ck.strs(spec, "positive", ctx, ("1",))),
            negative=tuple(v.lower() for v in ck.strs(spec, "negative", ctx, ("0",))),
            missing=tuple(v.lower() for v in ck.strs(spec, "missing", ctx, ())),
            reason=ck.get(spec, "reason", str, ctx, default=""),
        ))

    weak: list[WeakLabel] = []
    for target, spec in ck.get(raw, "weak_labels", dict, "card", required=False, default={}).items():
        ctx = f"[weak_labels.{target}]"
        if target not in ALL_LABELS:
            ck.problems.append(f"{ctx}: unknown label {target!r}; expected one of {list(ALL_LABELS)}")
            continue
        if not isinstance(spec, dict):
            ck.problems.append(f"{ctx}: must be a table with 'value', 'weight' and 'reason'")
            continue
        value = ck.get(spec, "value", int, ctx, default=0)
        weight = ck.get(spec, "weight", (int, float), ctx, default=0.0)
        if value not in (0, 1):
            ck.problems.append(f"{ctx}: value must be 0 or 1, found {value!r}")
        if not 0 < float(weight) <= 1:
            ck.problems.append(f"{ctx}: weight must be in (0, 1], found {weight!r}")
        weak.append(WeakLabel(target, int(value), float(weight), ck.get(spec, "reason", str, ctx, default="")))

    grouping = None
    if "groups" in raw:
        grouping = _parse_grouping(ck, ck.get(raw, "groups", dict, "card", default={}))

    if grouping is not None and any(f.group_column for f in files):
        ck.problems.append("card: [groups] (keyword topics) and a file's group_column both assign groups; keep one")
    if any(f.role == "examples" for f in files) and not rules:
        ck.problems.append("card: has examples files but no [mapping]; every example needs at least one label")
    ck.fail_if_any()
    return Card(
        name=name, title=title, description=description, repository=repository, commit=commit,
        licence=licence, citation=citation, files=tuple(files), mapping=tuple(rules),
        original_labels=original, grouping=grouping, homepage=homepage, bibtex=bibtex,
        platform=platform, path=path, local=local, generator=generator, purpose=purpose, weak=tuple(weak),
    )


def _parse_file(ck: _Checker, f: dict[str, Any], ctx: str) -> CardFile:
    path = ck.get(f, "path", str, ctx, default="")
    ctx = f"{ctx} ({path})" if path else ctx
    sha = ck.get(f, "sha256", str, ctx, default="")
    if sha and not _HEX64.match(sha):
        ck.problems.append(f"{ctx}: sha256 must be 64 lower-case hex digits, found {sha!r}")
    role = ck.get(f, "role", str, ctx, default="")
    if role and role not in ROLES:
        ck.problems.append(f"{ctx}: role must be one of {list(ROLES)}, found {role!r}")
    fmt_table = ck.get(f, "format", dict, ctx, default={})
    fmt = ck.get(fmt_table, "type", str, f"{ctx} format", default="")
    if fmt and fmt not in FORMATS:
        ck.problems.append(f"{ctx}: format.type must be one of {list(FORMATS)}, found {fmt!r}")
    encoding = ck.get(f, "encoding", str, ctx, required=fmt in ("csv", "text"))
    if encoding:
        try:
            "".encode(encoding)
        except LookupError:
            ck.problems.append(f"{ctx}: unknown encoding {encoding!r}")
    sheet = ck.get(fmt_table, "sheet", (str, int), f"{ctx} format", required=False, default=0)
    repairs = ck.strs(f, "text_repairs", ctx)
    for r in repairs:
        if r not in TEXT_REPAIRS:
            ck.problems.append(f"{ctx}: unknown text repair {r!r}; expected some of {list(TEXT_REPAIRS)}")
    split = ck.get(f, "original_split", str, ctx, required=False)
    if split is not None and split not in ORIGINAL_SPLITS:
        ck.problems.append(f"{ctx}: original_split must be one of {list(ORIGINAL_SPLITS)}, found {split!r}")
    split_column = ck.get(f, "original_split_column", str, ctx, required=False)
    if split is not None and split_column is not None:
        ck.problems.append(f"{ctx}: give original_split (one split for the whole file) or original_split_column "
                           "(a split per row), not both")
    cf = CardFile(
        path=path,
        sha256=sha,
        role=role,
        format=fmt,
        description=ck.get(f, "description", str, ctx, required=False, default=""),
        mirror_path=ck.get(f, "mirror_path", str, ctx, required=False, default=""),
        encoding=encoding,
        rows=ck.get(f, "rows", int, ctx, required=False),
        columns=ck.strs(fmt_table, "columns", f"{ctx} format"),
        separator=ck.get(fmt_table, "separator", str, f"{ctx} format", required=False, default=","),
        quotechar=ck.get(fmt_table, "quotechar", str, f"{ctx} format", required=False, default='"'),
        header=ck.get(fmt_table, "header", bool, f"{ctx} format", required=False, default=True),
        sheet=sheet,
        text_column=ck.get(f, "text_column", str, ctx, required=role == "examples"),
        platform=ck.get(f, "platform", str, ctx, required=False),
        platform_column=ck.get(f, "platform_column", str, ctx, required=False),
        original_split=split,
        original_split_column=split_column,
        id_prefix=ck.get(f, "id_prefix", str, ctx, required=False),
        id_column=ck.get(f, "id_column", str, ctx, required=False),
        group_column=ck.get(f, "group_column", str, ctx, required=False),
        meta_columns=ck.strs(f, "meta_columns", ctx),
        text_repairs=repairs,
        resource=ck.get(f, "resource", str, ctx, required=False),
    )
    for col in cf.meta_columns:
        if col in RESERVED_META:
            ck.problems.append(f"{ctx}: meta_columns {col!r} would overwrite saring's own Example.meta key; "
                               f"reserved: {list(RESERVED_META)}")
    if role == "examples" and fmt not in EXAMPLE_FORMATS:
        ck.problems.append(f"{ctx}: an examples file must be one of {list(EXAMPLE_FORMATS)}, found {fmt!r}")
    if cf.columns:
        for key in ("text_column", "platform_column", "id_column", "group_column", "original_split_column"):
            col = getattr(cf, key)
            if col and col not in cf.columns:
                ck.problems.append(f"{ctx}: {key} {col!r} is not among format.columns {list(cf.columns)}")
        for col in cf.meta_columns:
            if col not in cf.columns:
                ck.problems.append(f"{ctx}: meta_columns {col!r} is not among format.columns {list(cf.columns)}")
    return cf


def _parse_grouping(ck: _Checker, g: dict[str, Any]) -> Grouping:
    method = ck.get(g, "method", str, "[groups]", default="keywords")
    if method != "keywords":
        ck.problems.append(f"[groups]: method must be 'keywords', found {method!r}")
    fallback = ck.get(g, "fallback", str, "[groups]", required=False)
    if fallback not in (None, "rows"):
        ck.problems.append(f"[groups]: fallback must be 'rows' or absent, found {fallback!r}")
    topics = []
    for i, t in enumerate(ck.get(g, "topics", list, "[groups]", default=[]), start=1):
        ctx = f"[[groups.topics]] #{i}"
        if not isinstance(t, dict):
            ck.problems.append(f"{ctx}: must be a table")
            continue
        rows = ck.get(t, "rows", list, ctx, required=fallback == "rows")
        if rows is not None and not (len(rows) == 2 and all(isinstance(r, int) for r in rows)):
            ck.problems.append(f"{ctx}: rows must be [first, last], found {rows!r}")
            rows = None
        kws = ck.strs(t, "keywords", ctx)
        if not kws:
            ck.problems.append(f"{ctx}: keywords must list at least one word")
        topics.append(Topic(
            id=ck.get(t, "id", str, ctx, default=str(i)),
            name=ck.get(t, "name", str, ctx, default=""),
            keywords=tuple(k.lower() for k in kws),
            rows=(rows[0], rows[1]) if rows else None,
            sheet=ck.get(t, "sheet", str, ctx, required=False),
        ))
    ids = [t.id for t in topics]
    if len(set(ids)) != len(ids):
        ck.problems.append(f"[groups]: topic ids must be unique, found {ids}")
    return Grouping(
        method=method,
        min_score=ck.get(g, "min_score", int, "[groups]", required=False, default=1),
        dominance=float(ck.get(g, "dominance", (int, float), "[groups]", required=False, default=2.0)),
        fallback=fallback,
        topics=tuple(topics),
    )


def load_cards(directory: str | Path | None = None) -> dict[str, Card]:
    """Every card in the catalogue directory (default `model.paths.catalogue_dir()`), by name."""
    directory = Path(directory) if directory is not None else catalogue_dir()
    if not directory.is_dir():
        raise DataError("the catalogue directory does not exist", file=directory,
                        fix="run from a saring checkout or set SARING_CATALOGUE_DIR to the folder of cards")
    cards = {}
    for path in sorted(directory.glob("*.toml")):
        card = parse_card(path)
        cards[card.name] = card
    if not cards:
        raise DataError("no dataset cards (*.toml) found", file=directory,
                        fix="set SARING_CATALOGUE_DIR to the folder holding the cards")
    return cards


# ---------------------------------------------------------------------------------------------------------
# Fetching files
# ---------------------------------------------------------------------------------------------------------
sha256_of = file_sha256


def _hash_mismatch(card: Card, file: CardFile, where: Path, found: str, origin: str) -> DataError:
    if card.local:
        regenerate = f" or regenerate it with {card.generator}" if card.generator else ""
        return DataError(
            f"sha256 mismatch for {card.name}/{file.path} ({origin}): expected {file.sha256}, found {found}",
            file=where,
            fix=(f"restore the committed file (git checkout -- {where}){regenerate}; if it changed on purpose, "
                 f"review it and update the sha256, row counts and label counts in {card.path or 'the card'}"),
        )
    return DataError(
        f"sha256 mismatch for {card.name}/{file.path} ({origin}): expected {file.sha256}, found {found}",
        file=where,
        fix=(f"replace it with the original file from {card.url(file)} (the commit pinned in "
             f"{card.path or 'the card'}); if the source changed on purpose, review the new file and update "
             "the card's sha256, row counts and label counts"),
    )


def _download(url: str, dest: Path, timeout: float = 60.0) -> None:
    """Download `url` to `dest` (a temporary path). Replaced in tests."""
    with urllib.request.urlopen(url, timeout=timeout) as resp, open(dest, "wb") as out:
        for chunk in iter(lambda: resp.read(1 << 20), b""):
            out.write(chunk)


def fetch_file(card: Card, file: CardFile) -> Path:
    """A verified local copy of `file`: from the mirror, else from the download cache, else downloaded.

    A local card's file is read where it is committed (`Card.local_file`), never from a mirror or the network.
    The sha256 is always checked; a file whose hash differs from the card's is refused (DataError).
    """
    if card.local:
        path = card.local_file(file)
        if not path.is_file():
            regenerate = f", or regenerate it with {card.generator}" if card.generator else ""
            raise DataError(
                f"{card.name}/{file.path} (sha256 {file.sha256}) is missing: card {card.name!r} is local, its files "
                "are committed beside the card and never downloaded",
                file=path,
                fix=f"restore {path} from the saring repository{regenerate}, or point SARING_CATALOGUE_DIR at a "
                    "complete catalogue folder",
            )
        found = sha256_of(path)
        if found != file.sha256:
            raise _hash_mismatch(card, file, path, found, "local card file")
        return path

    mirror = data_mirror()
    if mirror is not None:
        candidate = mirror / card.name / file.local_path
        if candidate.is_file():
            found = sha256_of(candidate)
            if found != file.sha256:
                raise _hash_mismatch(card, file, candidate, found, "local mirror")
            return candidate
        logger.info("%s is not in the mirror %s; trying the download cache", file.path, mirror)

    cached = cache_dir() / "downloads" / card.name / card.commit[:12] / file.path
    if cached.is_file():
        found = sha256_of(cached)
        if found != file.sha256:
            raise _hash_mismatch(card, file, cached, found, "download cache")
        return cached

    url = card.url(file)
    how_to_fix = (
        "either set SARING_DATA_MIRROR to a folder holding the files as <folder>/"
        f"{card.name}/{file.local_path}, or allow network access so saring can download {url}"
    )
    if os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes"):
        raise DataError(
            f"{card.name}/{file.path} (sha256 {file.sha256}) is not in a local mirror and {OFFLINE_ENV} forbids "
            "downloading it",
            file=file.path, fix=how_to_fix + f" (unset {OFFLINE_ENV})",
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=cached.name + ".", suffix=".part", dir=cached.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        logger.info("downloading %s", url)
        try:
            _download(url, tmp)
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            raise DataError(
                f"{card.name}/{file.path} (sha256 {file.sha256}) is not in a local mirror and could not be "
                f"downloaded from {url}: {e}",
                file=file.path, fix=how_to_fix,
            ) from e
        found = sha256_of(tmp)
        if found != file.sha256:
            raise _hash_mismatch(card, file, Path(url), found, "download")
        os.replace(tmp, cached)
    finally:
        tmp.unlink(missing_ok=True)
    return cached


# ---------------------------------------------------------------------------------------------------------
# Reading examples
# ---------------------------------------------------------------------------------------------------------
_BYTE_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")


def _cell(value: Any) -> str:
    """A cell as a stripped, lower-case string; '' for empty or NaN; '1' for 1.0."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = str(value).strip().lower()
    if re.fullmatch(r"-?\d+\.0+", s):
        s = s.split(".")[0]
    return s


def repair_text(text: str, repairs: Iterable[str]) -> str:
    """Apply the named repairs (see datasets/README.md) in order."""
    for r in repairs:
        if r == "python_byte_escapes":
            # Ibrohim's tweets carry emoji and accented letters as the literal text of Python byte escapes
            # ("\xf0\x9f\x98\x82"); decode each run as UTF-8, dropping bytes cut off at the end of a run.
            text = _BYTE_ESCAPES.sub(
                lambda m: bytes.fromhex(m.group(0).replace("\\x", "")).decode("utf-8", "replace")
                .replace("\ufffd", ""),
                text,
            )
        elif r == "trailing_repr_quote":
            # About half of Ibrohim's tweets end with the closing quote of a b'...' repr.
            if text.endswith("'"):
                text = text[:-1]
        elif r == "utf8_read_as_mac_roman":
            # The news-comments XLSX holds UTF-8 bytes decoded as Mac Roman ("‚Å£" for U+2063, "ÔøΩ" for
            # U+FFFD). Undo it where it round-trips; U+FFFD marks characters lost before publication.
            if not text.isascii():
                try:
                    text = text.encode("mac_roman").decode("utf-8")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
                text = text.replace("\ufffd", "")
        else:
            raise ValueError(f"unknown text repair {r!r}; expected one of {list(TEXT_REPAIRS)}")
    return text


def _read_table(path: Path, file: CardFile) -> tuple[list[str], Iterator[dict[str, Any]]]:
    import pandas as pd

    if file.format == "csv":
        try:
            df = pd.read_csv(
                path, sep=file.separator, quotechar=file.quotechar, header=0 if file.header else None,
                dtype=str, keep_default_na=False, encoding=file.encoding or "utf-8",
            )
        except UnicodeDecodeError as e:
            raise DataError(
                f"bytes at position {e.start} are not valid {file.encoding}", file=path,
                fix="correct the card's encoding for this file",
            ) from e
        except pd.errors.EmptyDataError as e:
            raise DataError("the file is empty; expected a header row and rows", file=path) from e
    elif file.format == "xlsx":
        try:
            df = pd.read_excel(path, sheet_name=file.sheet, dtype=str, keep_default_na=False,
                               engine="openpyxl")
        except ValueError as e:  # unknown sheet
            raise DataError(f"cannot read sheet {file.sheet!r}: {e}", file=path,
                            fix="correct format.sheet in the card") from e
    elif file.format == "jsonl":
        return _read_jsonl(path, file)
    else:
        raise DataError(f"cannot read examples from format {file.format!r}", file=path,
                        fix=f"examples files must be one of {list(EXAMPLE_FORMATS)}")
    columns = [str(c) for c in df.columns]
    df.columns = columns
    return columns, iter(df.to_dict("records"))


def _read_jsonl(path: Path, file: CardFile) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """JSON as model.readers reads it everywhere: one JSON object per line (blank lines skipped), or one
    document (an array of objects); gzipped when the name ends in .gz. The columns are format.columns when
    the card lists them, else the keys in order of first appearance."""
    text = read_text(path, file.encoding or "utf-8", fix="correct the card's encoding for this file")
    rows = [obj for _, obj in read_json_values(text, path, fix="the file does not match its card: a jsonl "
                                                              "examples file holds one JSON object per line")]
    columns = list(file.columns) or list(dict.fromkeys(k for r in rows for k in r))
    return columns, iter(rows)


def _meta_value(value: Any) -> Any:
    """A cell kept in Example.meta: strings stripped, JSON scalars as they are, NaN/None as None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value.strip()
    return value if isinstance(value, int | float | bool) else str(value)


def assign_topics(
    texts: list[str], grouping: Grouping, rows: list[int] | None = None
) -> tuple[list[Topic | None], list[str]]:
    """Each text's topic and how it was found: 'keywords', 'rows' (fallback) or 'unassigned'.

    A topic's score is the number of occurrences of its keywords at a word start in the lower-cased text.
    The best topic is taken when its score is at least `min_score` and at least `dominance` times the
    runner-up's; otherwise the `rows` fallback (the file's topic order) decides when configured. `rows` are
    the texts' 1-based data-row numbers in their file (default: 1, 2, ...).
    """
    patterns = [
        (t, [re.compile(r"(?<!\w)" + re.escape(k)) for k in t.keywords]) for t in grouping.topics
    ]
    topics: list[Topic | None] = []
    methods: list[str] = []
    rows = rows if rows is not None else list(range(1, len(texts) + 1))
    for row, text in zip(rows, texts, strict=True):
        low = text.lower()
        scores = sorted(
            ((sum(len(p.findall(low)) for p in pats), t) for t, pats in patterns),
            key=lambda x: -x[0],
        )
        best_score, best = scores[0]
        second = scores[1][0] if len(scores) > 1 else 0
        if best_score >= grouping.min_score and best_score >= grouping.dominance * second:
            topics.append(best)
            methods.append("keywords")
            continue
        by_rows = None
        if grouping.fallback == "rows":
            by_rows = next((t for t in grouping.topics if t.rows and t.rows[0] <= row <= t.rows[1]), None)
        topics.append(by_rows)
        methods.append("rows" if by_rows else "unassigned")
    return topics, methods


def _read_examples_file(card: Card, file: CardFile, path: Path) -> ReadResult:
    columns, rows = _read_table(path, file)
    needed = [file.text_column] + [c for r in card.mapping for c in r.columns]
    needed += [c for c in (file.platform_column, file.id_column, file.group_column, file.original_split_column)
               if c]
    needed += list(file.meta_columns)
    missing = [c for c in dict.fromkeys(needed) if c not in columns]
    if missing:
        raise DataError(
            f"expected columns {missing} (named in card {card.name!r}), found columns {columns}",
            file=path, fix="the file does not match its card: check the card's format and mapping",
        )
    platform_default = file.platform or card.platform
    prefix = f"{card.name}:{file.id_prefix}" if file.id_prefix else card.name
    examples: list[Example] = []
    bad: list[BadRow] = []
    rownums: list[int] = []
    repaired = 0
    n = 0
    seen_ids: dict[str, int] = {}
    for rownum, row in enumerate(rows, start=1):
        n += 1
        raw = row.get(file.text_column)
        text = "" if raw is None or (isinstance(raw, float) and raw != raw) else str(raw)
        if file.text_repairs:
            fixed = repair_text(text, file.text_repairs)
            repaired += fixed != text
            text = fixed
        if not text.strip():
            bad.append(BadRow(str(path), rownum, "text is empty", file.text_column))
            continue
        labels: dict[str, LabelValue] = {}
        try:
            for rule in card.mapping:
                labels[rule.target] = rule.apply(row)
        except ValueError as e:
            bad.append(BadRow(str(path), rownum, str(e)))
            continue
        if all(v is None for v in labels.values()):
            bad.append(BadRow(str(path), rownum, "no label is known for this row after the card's mapping"))
            continue
        split = file.original_split
        if file.original_split_column:
            split = _cell(row.get(file.original_split_column)) or None
            if split is not None and split not in ORIGINAL_SPLITS:
                bad.append(BadRow(str(path), rownum, f"expected one of {list(ORIGINAL_SPLITS)} or empty, found "
                                                     f"{split!r}", file.original_split_column))
                continue
        row_id = str(rownum)
        if file.id_column:
            row_id = str(_meta_value(row.get(file.id_column)) or "")
            if not row_id:
                bad.append(BadRow(str(path), rownum, "id is empty", file.id_column))
                continue
            if row_id in seen_ids:
                bad.append(BadRow(str(path), rownum, f"id {row_id!r} repeats row {seen_ids[row_id]}", file.id_column))
                continue
            seen_ids[row_id] = rownum
        group = None
        if file.group_column:
            group = f"{card.name}:{_meta_value(row.get(file.group_column)) or 'unassigned'}"
        platform = platform_default
        if file.platform_column:
            platform = _cell(row.get(file.platform_column)) or platform_default
        meta: dict[str, Any] = {"file": file.path, "sha256": file.sha256, "row": rownum}
        if split:
            meta["original_split"] = split
        for col in file.meta_columns:
            meta[col] = _meta_value(row.get(col))
        weak = {w.target: [w.value, w.weight] for w in card.weak if labels.get(w.target) is None}
        if weak:
            meta["weak"] = weak  # used by the trainers only; evaluation keeps the label missing
        examples.append(Example(text=text, labels=labels, source=card.name, id=f"{prefix}:{row_id}",
                                platform=platform, group=group, meta=meta))
        rownums.append(rownum)
    if file.rows is not None and n != file.rows:
        raise DataError(
            f"read {n} data rows, the card says {file.rows}", file=path,
            fix="the reader settings in the card (separator, quoting, sheet, encoding) do not match the file",
        )
    if repaired:
        logger.info("%s/%s: %d text(s) repaired (%s)", card.name, file.path, repaired,
                    ", ".join(file.text_repairs))
    if card.grouping is not None:
        topics, methods = assign_topics([e.text for e in examples], card.grouping, rownums)
        for ex, topic, method in zip(examples, topics, methods, strict=True):
            ex.group = f"{card.name}:{topic.id}" if topic else f"{card.name}:unassigned"
            ex.meta["topic_method"] = method
        counts = Counter(m for m in methods)
        logger.info("%s: topics assigned by keywords %d, by row order %d, unassigned %d", card.name,
                    counts["keywords"], counts["rows"], counts["unassigned"])
    if bad:
        logger.warning("%s/%s: %d bad row(s) reported, %d examples read", card.name, file.path, len(bad),
                       len(examples))
    return ReadResult(examples, bad)


def load_dataset(name: str, cards: dict[str, Card] | None = None) -> ReadResult:
    """The examples of one catalogue dataset, labelled per its card's mapping."""
    cards = cards if cards is not None else load_cards()
    if name not in cards:
        raise DataError(f"unknown dataset {name!r}; the catalogue has {sorted(cards)}",
                        fix="use one of the catalogue's names")
    card = cards[name]
    if not card.examples_files:
        raise DataError(f"dataset {name!r} has no examples files (it only lists resources)", file=card.path)
    examples: list[Example] = []
    bad: list[BadRow] = []
    for file in card.examples_files:
        res = _read_examples_file(card, file, fetch_file(card, file))
        examples += res.examples
        bad += res.bad_rows
    return ReadResult(examples, bad)


def load_catalogue(names: Iterable[str] | None = None, cards: dict[str, Card] | None = None) -> ReadResult:
    """The examples of several catalogue datasets (default: every training card with examples files; evaluation
    suites are read only by name, with `load_dataset`)."""
    cards = cards if cards is not None else load_cards()
    wanted = (list(names) if names is not None
              else [n for n, c in cards.items() if c.examples_files and c.purpose == "training"])
    examples: list[Example] = []
    bad: list[BadRow] = []
    for name in wanted:
        res = load_dataset(name, cards)
        examples += res.examples
        bad += res.bad_rows
    return ReadResult(examples, bad)


def load_slang(cards: dict[str, Card] | None = None) -> Normalizer:
    """The Normalizer built from the catalogue's slang resource (Ibrohim's new_kamusalay.csv)."""
    cards = cards if cards is not None else load_cards()
    for card in cards.values():
        file = card.resource("slang")
        if file is not None:
            return Normalizer.from_csv(fetch_file(card, file), encoding=file.encoding or "utf-8")
    raise DataError("no card lists a file with resource = \"slang\"", file=catalogue_dir(),
                    fix="add the slang dictionary to a card (see datasets/ibrohim2019_multilabel_hs.toml)")
