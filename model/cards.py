"""Dataset cards: the pydantic schema of `datasets/<name>.toml`, `parse_card` and `load_cards`.

A card (one per dataset) records where each file comes from (repository, commit, path), its sha256, encoding and
format, the licence and citation, the meaning of every original label, and how the original labels map to saring's
risks and auxiliary labels; datasets/README.md describes every key. The models mirror the TOML tables, so a problem
names the key as the card spells it (`files[1].format.columns`). Checks across keys (a mapping's columns are among
the examples files' columns, a local card has no repository, ...) are each table's `_problems`, run by a model
validator. A card with problems raises one CardError (a DataError) that lists every problem, each with the card
file, the key, what was expected, what was found and how to fix it (model.card_problems).
"""

from __future__ import annotations

import re
import tomllib
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from model.card_problems import README, Issue, Table, card_error, missing_key, report_every_problem, rule
from model.examples import DataError, LabelValue
from model.labels import ALL_LABELS
from model.paths import catalogue_dir

SCHEMA_VERSION = 1
Role = Literal["examples", "resource", "reference", "documentation"]
Format = Literal["csv", "xlsx", "jsonl", "text"]
TextRepair = Literal["python_byte_escapes", "trailing_repr_quote", "utf8_read_as_mac_roman"]
OriginalSplit = Literal["train", "test"]
Purpose = Literal["training", "evaluation"]
ROLES: tuple[str, ...] = get_args(Role)
FORMATS: tuple[str, ...] = get_args(Format)
EXAMPLE_FORMATS = ("csv", "xlsx", "jsonl")
TEXT_REPAIRS: tuple[str, ...] = get_args(TextRepair)
ORIGINAL_SPLITS: tuple[str, ...] = get_args(OriginalSplit)
# "training": read by load_catalogue() and trained on; "evaluation": an out-of-distribution suite that is only ever
# evaluated on (load_dataset by name), never trained on.
PURPOSES: tuple[str, ...] = get_args(Purpose)
# Example.meta keys set by the reader and by model.splits; a card's meta_columns may not use them
RESERVED_META = (
    "file",
    "sha256",
    "row",
    "original_split",
    "split",
    "topic_method",
    "normalized_text",
    "weak",
    "merged_ids",
    "sources",
    "window",
)
RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def cell_text(value: Any) -> str:
    """A cell as a stripped, lower-case string; '' for empty or NaN; '1' for 1.0."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    s = str(value).strip().lower()
    if re.fullmatch(r"-?\d+\.0+", s):
        s = s.split(".")[0]
    return s


# ---------------------------------------------------------------------------------------------------------
# Values of keys
# ---------------------------------------------------------------------------------------------------------
def _word(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # TOML lists of column names and label values may hold bare numbers
    if not isinstance(value, str):
        raise rule("", "a string (a bare number is read as its digits)", "write the value in quotes")
    return value


def _lower(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.lower() for w in words)


def _some(words: tuple[str, ...]) -> tuple[str, ...]:
    if not words:
        raise rule("the list is empty", "at least one entry", "list at least one entry")
    return words


def _schema_version(v: int) -> int:
    if v != SCHEMA_VERSION:
        raise rule(
            f"this saring reads schema_version {SCHEMA_VERSION}",
            str(SCHEMA_VERSION),
            f"write the card in schema {SCHEMA_VERSION} ({README}) and set schema_version = {SCHEMA_VERSION}",
        )
    return v


def _card_name(v: str) -> str:
    if not _NAME.match(v):
        raise rule(
            "name must be lower case letters, digits and underscores",
            "lower case letters, digits and underscores, starting with a letter or digit",
            "rename the card (and its file) accordingly",
        )
    return v


def _repository(v: str) -> str:
    if not _REPO.match(v):
        raise rule(
            "repository must be 'owner/name'",
            "the GitHub 'owner/name' of the source repository",
            'write it as owner/name, e.g. "okkyibrohim/id-multi-label-hate-speech-and-abusive-language-detection"',
        )
    return v


def _commit(v: str) -> str:
    if not _HEX40.match(v):
        raise rule(
            "commit must be 40 lower-case hex digits",
            "the full 40-character commit hash the files are pinned to",
            "copy the full hash (git rev-parse HEAD in the source repository)",
        )
    return v


def _sha256(v: str) -> str:
    if not _HEX64.match(v):
        raise rule(
            "sha256 must be 64 lower-case hex digits",
            "the file's sha256, 64 lower-case hex digits",
            "set it to the output of `sha256sum FILE` for the pinned file",
        )
    return v


def _encoding(v: str) -> str:
    try:
        "".encode(v)
    except LookupError:
        raise rule(
            f"unknown encoding {v!r}",
            "an encoding Python knows (utf-8, cp1252, latin-1, ...)",
            "name the file's real encoding",
        ) from None
    return v


def _meta_column(v: str) -> str:
    if v in RESERVED_META:
        raise rule(
            f"meta_columns {v!r} would overwrite saring's own Example.meta key",
            f"a column other than {list(RESERVED_META)}",
            "drop it from meta_columns",
        )
    return v


def _known_label(v: str) -> str:
    if v not in ALL_LABELS:
        raise rule(
            f"unknown label {v!r}",
            f"one of saring's labels {list(ALL_LABELS)}",
            "use a label from model/labels.py, or drop the table",
        )
    return v


def _sheet(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise rule("", "a sheet name (a string) or a 0-based sheet index", "name the sheet or give its index")
    return v


def _topic_rows(v: Any) -> Any:
    if not (
        isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(r, int) and not isinstance(r, bool) for r in v)
    ):
        raise rule(
            "rows must be [first, last]",
            "[first, last]: two 1-based data-row numbers",
            "give the first and last data row of the topic in the file's order, e.g. rows = [1, 50]",
        )
    return tuple(v)


def _zero_or_one(v: int) -> int:
    if v not in (0, 1):
        raise rule("value must be 0 or 1", "0 or 1", "set value = 0 or value = 1")
    return v


def _weight(v: float) -> float:
    if not 0 < v <= 1:
        raise rule(
            "weight must be in (0, 1]",
            "a loss weight above 0 and at most 1",
            "set a weight such as 0.2 (1 would make the weak label count as much as an annotated one)",
        )
    return v


Text = StrictStr
Number = Annotated[float, Strict()]  # an integer or a float, never a boolean or a string
Word = Annotated[str, BeforeValidator(_word)]
Words = tuple[Word, ...]
Values = Annotated[Words, AfterValidator(_lower)]  # cells are compared as trimmed lower-case strings
Label = Annotated[StrictStr, AfterValidator(_known_label)]


# ---------------------------------------------------------------------------------------------------------
# The tables of a card
# ---------------------------------------------------------------------------------------------------------
class Source(Table):
    """`[source]`: where the files come from; a local card's files are committed beside it instead."""

    repository: Annotated[Text, AfterValidator(_repository)] | None = None
    commit: Annotated[Text, AfterValidator(_commit)] | None = None
    local: StrictBool = False
    generator: Text = ""  # local cards: the script that writes the files (informational)
    seed: StrictInt | None = None
    homepage: Text = ""

    def _problems(self) -> Iterator[Issue]:
        if self.local is True:
            for key in ("repository", "commit"):
                if getattr(self, key):
                    yield Issue(
                        (key,),
                        "a local card (local = true) has no repository or commit; its files are "
                        "read from the folder named after the card, beside it",
                        f"no {key}",
                        getattr(self, key),
                        "remove repository and commit from [source], or set local = false",
                    )
        elif self.local is False:
            if self.repository is None:
                yield missing_key(
                    "repository",
                    "the GitHub 'owner/name' the files come from",
                    'add repository = "owner/name", or set local = true for files committed here',
                )
            if self.commit is None:
                yield missing_key(
                    "commit",
                    "the 40-hex commit the files are pinned to",
                    'add commit = "<40 hex digits>", or set local = true for files committed here',
                )


class Licence(Table):
    id: Text
    basis: Text
    commercial_use: StrictBool
    share_alike: StrictBool
    notes: Text = ""


class Citation(Table):
    text: Text
    bibtex: Text = ""


class FileFormat(Table):
    """`[files.format]`: how to read the file."""

    type: Format
    columns: Words = ()  # for jsonl: the keys
    separator: Text = ","  # csv
    quotechar: Text = '"'  # csv
    header: StrictBool = True  # csv
    sheet: Annotated[str | int, BeforeValidator(_sheet)] = 0  # xlsx: name or 0-based index


class SpanWindows(Table):
    """`[files.spans]`: long texts whose rows mark the passages that carry their positive labels.

    Each row becomes examples of about `words` words instead of one: for every marked passage, the passage with
    the words around it (the row's labels), and every `words`-word window (`stride` apart) that touches no
    passage (the row's positive labels set to 0: the ordinary story around a hateful sentence is not hate). A
    window that cuts a passage is skipped, being neither. Rows without a positive label give their windows with
    the row's labels. Why: a model reads a long post in windows and keeps the highest, so it must learn which
    window carries the label; training on the whole post would teach that its first window does."""

    column: Text  # a JSON list of exact substrings of the row's text
    words: StrictInt = 32
    stride: StrictInt = 16

    def _problems(self) -> Iterator[Issue]:
        if self.words is not None and self.words < 8:
            yield Issue(("words",), "a window must hold at least 8 words", "words >= 8", self.words, "raise words")
        if self.words and self.stride is not None and not 1 <= self.stride <= self.words:
            yield Issue(
                ("stride",),
                "windows must follow each other without gaps",
                f"1 <= stride <= words ({self.words})",
                self.stride,
                "set stride to about half of words",
            )


class CardFile(Table):
    """One file of a dataset as published at the pinned commit (`[[files]]`)."""

    path: Text  # path in the original repository
    sha256: Annotated[Text, AfterValidator(_sha256)]
    role: Role
    format_table: FileFormat = Field(alias="format")
    description: Text = ""
    mirror_path: Text = ""  # path inside <mirror>/<card name>/; defaults to `path`
    encoding: Annotated[Text, AfterValidator(_encoding)] | None = None
    rows: StrictInt | None = None  # data rows (header excluded)
    # examples files
    text_column: Text | None = None
    platform: Text | None = None
    platform_column: Text | None = None
    original_split: OriginalSplit | None = None
    original_split_column: Text | None = None  # per-row published split (train / test)
    id_prefix: Text | None = None
    id_column: Text | None = None  # ids <name>[:<id_prefix>]:<cell> instead of :<row>
    group_column: Text | None = None  # Example.group = <name>:<cell>; a group never crosses splits
    meta_columns: tuple[Annotated[Word, AfterValidator(_meta_column)], ...] = ()  # kept in Example.meta
    text_repairs: tuple[TextRepair, ...] = ()
    spans: SpanWindows | None = None  # long texts cut into windows around marked passages (SpanWindows)
    # resource files
    resource: Text | None = None  # e.g. "slang", "abusive_lexicon"

    @property
    def local_path(self) -> str:
        return self.mirror_path or self.path

    @property
    def format(self) -> str:
        return self.format_table.type

    @property
    def columns(self) -> tuple[str, ...]:
        return self.format_table.columns

    @property
    def separator(self) -> str:
        return self.format_table.separator

    @property
    def quotechar(self) -> str:
        return self.format_table.quotechar

    @property
    def header(self) -> bool:
        return self.format_table.header

    @property
    def sheet(self) -> str | int:
        return self.format_table.sheet

    def _problems(self) -> Iterator[Issue]:
        fmt = self.format_table.type if self.format_table else None
        columns = list(self.format_table.columns or ()) if self.format_table else []
        if fmt in ("csv", "text") and self.encoding is None:
            yield missing_key(
                "encoding",
                f"the file's text encoding (required for {fmt} files)",
                'add encoding = "utf-8" (or the file\'s real encoding)',
            )
        if self.role == "examples":
            if fmt and fmt not in EXAMPLE_FORMATS:
                yield Issue(
                    ("format", "type"),
                    "an examples file must be csv, xlsx or jsonl",
                    f"one of {list(EXAMPLE_FORMATS)}",
                    fmt,
                    "convert the file, or give it another role",
                )
            if self.text_column is None:
                yield missing_key(
                    "text_column", "the column holding the text of each example", 'add text_column = "<column>"'
                )
        if self.original_split and self.original_split_column:
            yield Issue(
                ("original_split_column",),
                "give original_split (one split for the whole file) or "
                "original_split_column (a split per row), not both",
                "only one of the two",
                self.original_split_column,
                "remove one of them",
            )
        if columns:
            for key in ("text_column", "platform_column", "id_column", "group_column", "original_split_column"):
                col = getattr(self, key)
                if col and col not in columns:
                    yield Issue(
                        (key,),
                        f"{key} {col!r} is not among format.columns",
                        f"one of {columns}",
                        col,
                        "name a column of the file, or correct format.columns",
                    )
            if self.spans and self.spans.column and self.spans.column not in columns:
                yield Issue(
                    ("spans", "column"),
                    f"spans.column {self.spans.column!r} is not among format.columns",
                    f"one of {columns}",
                    self.spans.column,
                    "name the column that lists each row's marked passages",
                )
            for i, col in enumerate(self.meta_columns or ()):
                if col and col not in columns and col not in RESERVED_META:
                    yield Issue(
                        ("meta_columns", i),
                        f"meta_columns {col!r} is not among format.columns",
                        f"one of {columns}",
                        col,
                        "name a column of the file, or correct format.columns",
                    )


class OriginalLabel(Table):
    meaning: Text
    counts: dict[str, StrictInt] = Field(default_factory=dict)


class LabelRule(Table):
    """`[mapping.<target>]`: target <- 1 if any of `columns` holds a positive value, 0 if all hold negative values,
    else None."""

    columns: Annotated[Words, AfterValidator(_some)]
    positive: Values = ("1",)
    negative: Values = ("0",)
    missing: Values = ()
    reason: Text
    _target: str = PrivateAttr(default="")

    @property
    def target(self) -> str:
        """The saring label this rule sets (the table's name)."""
        return self._target

    def apply(self, row: dict[str, Any]) -> LabelValue:
        """Raise ValueError naming the column and the value when a cell is not a declared value."""
        values: list[int | None] = []
        for col in self.columns:
            v = cell_text(row.get(col))
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


class WeakLabel(Table):
    """`[weak_labels.<target>]`: a label the source did not annotate but whose value is known for nearly every row
    (e.g. hoax = 0 for tweets that insult and claim nothing checkable), given to every row whose label is missing,
    with a loss weight below 1 (Example.meta["weak"] names them; trainers down-weight them)."""

    value: Annotated[StrictInt, AfterValidator(_zero_or_one)]
    weight: Annotated[Number, AfterValidator(_weight)]
    reason: Text
    _target: str = PrivateAttr(default="")

    @property
    def target(self) -> str:
        return self._target


class Topic(Table):
    id: Text
    name: Text
    keywords: Annotated[Words, AfterValidator(_some), AfterValidator(_lower)]
    rows: Annotated[tuple[int, int], BeforeValidator(_topic_rows)] | None = None  # 1-based data rows, inclusive
    sheet: Text | None = None


class Grouping(Table):
    """`[groups]`: assign each example of a card's examples files to a topic by keyword matching."""

    method: Literal["keywords"]
    min_score: StrictInt = 1
    dominance: Number = 2.0
    fallback: Literal["rows"] | None = None  # the topic whose `rows` hold the example when keywords do not decide
    topics: tuple[Topic, ...]

    def _problems(self) -> Iterator[Issue]:
        topics = list(self.topics or ())
        if self.fallback == "rows":
            for i, t in enumerate(topics):
                if t and t.rows is None:
                    yield Issue(
                        ("topics", i, "rows"),
                        "missing key 'rows' (fallback = \"rows\" needs every topic's rows)",
                        "[first, last] data rows of the topic",
                        None,
                        "add rows = [first, last], or remove fallback",
                        found_text="nothing (no such key)",
                    )
        seen: set[str] = set()
        for i, t in enumerate(topics):
            if t and t.id:
                if t.id in seen:
                    yield Issue(
                        ("topics", i, "id"),
                        "topic ids must be unique",
                        "an id no other topic has",
                        t.id,
                        "give the topic its own id",
                    )
                seen.add(t.id)


def _name_targets(rules: dict[str, Any]) -> dict[str, Any]:
    for target, table in rules.items():
        table._target = target
    return rules


class Card(Table):
    """A dataset card. Keys as in the TOML; the properties below give the values callers use."""

    schema_version: Annotated[StrictInt, AfterValidator(_schema_version)]
    name: Annotated[Text, AfterValidator(_card_name)]
    title: Text
    description: Text
    platform: Text | None = None  # default Example.platform
    purpose: Purpose = "training"
    source: Source
    licence: Licence
    citation_table: Citation = Field(alias="citation")
    files: tuple[CardFile, ...]
    original_labels: dict[str, OriginalLabel] = Field(default_factory=dict)
    label_rules: Annotated[dict[Label, LabelRule], AfterValidator(_name_targets)] = Field(
        default_factory=dict, alias="mapping"
    )
    weak_labels: Annotated[dict[Label, WeakLabel], AfterValidator(_name_targets)] = Field(default_factory=dict)
    groups: Grouping | None = None
    _path: Path | None = PrivateAttr(default=None)

    @field_validator("name")
    @classmethod
    def _name_is_the_file_stem(cls, name: str, info: ValidationInfo) -> str:
        path = (info.context or {}).get("path")
        if path is not None and name != Path(path).stem:
            stem = Path(path).stem
            raise rule(
                "name must equal the file name stem",
                f"{stem!r} (the card's file name without .toml)",
                f'set name = "{stem}", or rename the file to {name}.toml',
            )
        return name

    @model_validator(mode="after")
    def _remember_path(self, info: ValidationInfo) -> Self:
        path = (info.context or {}).get("path")
        self._path = Path(path) if path is not None else None
        return self

    @model_validator(mode="wrap")
    @classmethod
    def _report_every_problem(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """On invalid keys, add the cross-key problems of the valid rest, so that one error lists them all."""
        return report_every_problem(cls, data, handler)

    def _problems(self) -> Iterator[Issue]:
        files = [f for f in self.files or () if f]
        for target, mapped in (self.label_rules or {}).items():
            for i, col in enumerate(mapped.columns if mapped else ()):
                for f in files:
                    columns = list(f.format_table.columns or ()) if f.format_table else []
                    if col and f.role == "examples" and columns and col not in columns:
                        yield Issue(
                            ("mapping", target, "columns", i),
                            f"column {col!r} is not among {f.path}'s columns",
                            f"one of {columns} (format.columns of {f.path})",
                            col,
                            "name a column of the examples file, or correct its format.columns",
                        )
        windowed = [i for i, f in enumerate(files) if f.spans]
        if self.groups and windowed:
            yield Issue(
                ("groups",),
                "[groups] assigns a topic to each example, and a file with [files.spans] reads a row as several "
                "windows that could then land in different topics, and so in different splits",
                "[files.spans] without [groups] (a row's windows share the row's group, or its group_column)",
                None,
                "remove [groups], or group the rows with group_column",
                found_text=f"[groups] and files[{windowed[0] + 1}].spans",
            )
        grouped = [i for i, f in enumerate(files) if f.group_column]
        if self.groups and grouped:
            yield Issue(
                ("groups",),
                "[groups] (keyword topics) and a file's group_column both assign groups",
                "one of the two",
                None,
                "keep one",
                found_text=f"[groups] and files[{grouped[0] + 1}].group_column",
            )
        if any(f.role == "examples" for f in files) and self.label_rules == {}:
            yield Issue(
                ("mapping",),
                "has examples files but no [mapping]; every example needs at least one label",
                "a [mapping.<label>] table for at least one saring label",
                None,
                "map the original labels to saring's labels (datasets/README.md, 'Label mapping')",
                found_text="no [mapping] table",
            )

    # ------------------------------------------------------------------ the values callers use
    @property
    def path(self) -> Path | None:
        """The card file (None when the card was not parsed from a file)."""
        return self._path

    @property
    def repository(self) -> str:
        return self.source.repository or ""

    @property
    def commit(self) -> str:
        return self.source.commit or ""

    @property
    def local(self) -> bool:
        """Files committed beside the card (<catalogue dir>/<name>/<path>), never downloaded."""
        return self.source.local

    @property
    def generator(self) -> str:
        return self.source.generator

    @property
    def homepage(self) -> str:
        return self.source.homepage

    @property
    def citation(self) -> str:
        return self.citation_table.text

    @property
    def bibtex(self) -> str:
        return self.citation_table.bibtex

    @property
    def mapping(self) -> tuple[LabelRule, ...]:
        return tuple(self.label_rules.values())

    @property
    def weak(self) -> tuple[WeakLabel, ...]:
        return tuple(self.weak_labels.values())

    @property
    def grouping(self) -> Grouping | None:
        return self.groups

    @property
    def examples_files(self) -> tuple[CardFile, ...]:
        return tuple(f for f in self.files if f.role == "examples")

    @property
    def labels(self) -> tuple[str, ...]:
        """The saring labels this dataset annotates (all others stay missing)."""
        return tuple(self.label_rules)

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
        return RAW_URL.format(repository=self.repository, commit=self.commit, path=urllib.parse.quote(file.path))

    def local_file(self, file: CardFile) -> Path:
        """Where a local card's file lives: `<folder of the card>/<name>/<path>` (the catalogue directory
        unless the card was parsed from elsewhere)."""
        base = self.path.parent if self.path is not None else catalogue_dir()
        return base / self.name / file.local_path


def parse_card(path: str | Path) -> Card:
    """Read and validate one card. Raise CardError (a DataError) listing every problem found."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise DataError(f"not valid TOML ({e})", file=path, fix="correct the TOML syntax") from e
    try:
        return Card.model_validate(raw, context={"path": path})
    except ValidationError as e:
        raise card_error(path, Card, e, raw) from None


def load_cards(directory: str | Path | None = None) -> dict[str, Card]:
    """Every card in the catalogue directory (default `model.paths.catalogue_dir()`), by name."""
    directory = Path(directory) if directory is not None else catalogue_dir()
    if not directory.is_dir():
        raise DataError(
            "the catalogue directory does not exist",
            file=directory,
            fix="run from a saring checkout or set SARING_CATALOGUE_DIR to the folder of cards",
        )
    cards = {}
    for path in sorted(directory.glob("*.toml")):
        card = parse_card(path)
        cards[card.name] = card
    if not cards:
        raise DataError(
            "no dataset cards (*.toml) found",
            file=directory,
            fix="set SARING_CATALOGUE_DIR to the folder holding the cards",
        )
    return cards
