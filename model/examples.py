"""Labelled examples: one schema for every source, and readers for analysts' own files.

A label is 1, 0 or missing (None). A source that did not annotate a risk says nothing about it: the label
stays None and the loss and the metrics skip it; it is never read as 0.

An analyst's file names its columns after the fields and labels (case and spaces around a name do not matter) or
maps them (--column). A column that looks like a label but is not one by name ('hoaks', 'slandr') is an error
that says how to map it, as is a column used twice; other columns are not read (logged at INFO). A file with no
good row is an error; otherwise each bad row is reported (BadRow), never dropped unsaid.
"""

from __future__ import annotations

import difflib
import logging
import shlex
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.labels import ALL_LABELS, RISKS
from model.modeldir import file_sha256
from model.readers import BAD_ROW_KEY, LINE_KEY, SheetsError, format_of, read_rows

# DataError lives in model.readers; re-exported here for the many callers that import it from here
from model.readers import DataError as DataError

logger = logging.getLogger(__name__)

LabelValue = int | None

TRUE_VALUES = {"1", "true", "yes", "y", "ya", "1.0"}
FALSE_VALUES = {"0", "false", "no", "n", "tidak", "0.0"}
MISSING_VALUES = {"", "nan", "none", "null", "na", "n/a"}


@dataclass
class Example:
    """One labelled text. `labels` maps a name from model.labels.ALL_LABELS to 1, 0 or None."""

    text: str
    labels: dict[str, LabelValue]
    source: str
    id: str = ""
    parent_text: str | None = None
    platform: str | None = None
    # Examples sharing a group never cross splits (e.g. a Pratiwi hoax topic, a post-form genre).
    group: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def label(self, name: str) -> LabelValue:
        return self.labels.get(name)

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "parent_text": self.parent_text,
            "source": self.source,
            "platform": self.platform,
            "group": self.group,
        }
        for name in ALL_LABELS:
            rec[name] = self.labels.get(name)
        return rec


@dataclass
class BadRow:
    """A row that could not become an Example, with the reason. Reported, never silently dropped."""

    file: str
    row: int
    reason: str
    column: str | None = None

    def __str__(self) -> str:
        col = f" column '{self.column}'" if self.column else ""
        return f"{self.file} row {self.row}{col}: {self.reason}"


@dataclass
class ReadResult:
    examples: list[Example]
    bad_rows: list[BadRow]


def parse_label(value: Any) -> LabelValue:
    """Map a cell to 1, 0 or None. Raise ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None
        if value in (0, 1):
            return int(value)
        raise ValueError(f"found {value!r}")
    s = str(value).strip().lower()
    if s in MISSING_VALUES:
        return None
    if s in TRUE_VALUES:
        return 1
    if s in FALSE_VALUES:
        return 0
    raise ValueError(f"found {value!r}")


LABEL_HELP = "labels must be one of 1, 0, true, false, yes, no, ya, tidak, or empty for 'not annotated'"
META_FIELDS = ("text", "parent_text", "id", "platform", "group")
# Column names an analyst may give a label in Indonesian: read_labelled_file says how to map them, never skips them
LABEL_ALIASES = {"hoaks": "hoax", "fitnah": "slander", "hasutan": "incitement"}
_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}  # spaces, controls and format marks (zero-width space, joiners)


@dataclass
class ColumnMap:
    """Which columns of an analyst's file hold the text, parent text, id, platform, group and labels.

    `labels` maps a label name (a risk or an auxiliary label) to a column. By default a column named like
    a label is taken as that label.
    """

    text: str = "text"
    parent_text: str | None = "parent_text"
    id: str | None = "id"
    platform: str | None = "platform"
    group: str | None = "group"
    labels: dict[str, str] = field(default_factory=dict)

    # the fields given explicitly (parse): a column mapped by hand must be in the file, a default need not be
    explicit: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, specs: Iterable[str]) -> ColumnMap:
        """Build from 'field=column' strings, e.g. ['text=isi', 'slander=fitnah']. A malformed spec, an unknown
        field, an empty column or a field mapped twice raises DataError (a ValueError)."""
        cm = cls()
        for spec in specs:
            if "=" not in spec:
                raise DataError(
                    f"column mapping {spec!r} is not of the form field=column",
                    fix="write it as field=column, e.g. --column text=isi or --column slander=fitnah",
                )
            key, col = (s.strip() for s in spec.split("=", 1))
            if key not in META_FIELDS and key not in ALL_LABELS:
                alias = LABEL_ALIASES.get(key.lower())
                raise DataError(
                    f"column mapping {spec!r}: unknown field {key!r}; expected text, parent_text, id, "
                    f"platform, group or a label name {list(ALL_LABELS)}",
                    fix=f"use {alias}={col}" if alias else "put the field (the label's name) left of '='",
                )
            if not col:
                raise DataError(
                    f"column mapping {spec!r}: expected a column name after '=', found none",
                    fix=f"name the file's column, e.g. --column {key}=<your column>",
                )
            if key in cm.explicit and col != (getattr(cm, key) if key in META_FIELDS else cm.labels.get(key)):
                raise DataError(
                    f"column mapping {spec!r}: the field {key!r} is mapped to two different columns",
                    fix=f"give one --column {key}=... only",
                )
            cm.explicit.add(key)
            if key in META_FIELDS:
                setattr(cm, key, col)
            else:
                cm.labels[key] = col
        return cm


def is_blank(text: str) -> bool:
    """True when a text has no visible character: only spaces, line breaks, controls or invisible format marks
    (a zero-width space). Emoji are visible."""
    return all(ch.isspace() or unicodedata.category(ch) in _INVISIBLE for ch in text)


def _resolve(name: str, found: list[str]) -> str | None:
    """The file's column for `name`: the one named exactly so, else the only one equal to it but for case and
    spaces around it (' Slander' for 'slander'); None when there is none. Two such columns raise DataError."""
    if name in found:
        return name
    loose = [c for c in dict.fromkeys(found) if c.strip().casefold() == name.strip().casefold()]
    if len(loose) > 1:
        raise DataError(
            f"expected one column named {name!r}, found {len(loose)} that differ only in case or spaces: {loose}",
            fix="rename or delete all but one",
        )
    return loose[0] if loose else None


def _label_like(column: str) -> str | None:
    """The label a column not read was probably meant to be (a misspelling, or its Indonesian name), or None."""
    key = column.strip().casefold().replace(" ", "_").replace("-", "_")
    if key in LABEL_ALIASES:
        return LABEL_ALIASES[key]
    close = difflib.get_close_matches(key, ALL_LABELS, n=1, cutoff=0.85)
    return close[0] if close else None


def _text_column_fix(found: list[str], cm: ColumnMap, fmt: str) -> str:
    """How to fix a file without its text column: its header split on the wrong separator, a missing header row,
    or a mapping."""
    if len(found) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'"), (",", "commas")):
            if sep in found[0]:
                expected = "tabs" if fmt == "tsv" else "commas"
                if name != expected:
                    return (
                        f"the header is one column holding {name}: the file is separated by {name}, expected "
                        f"{expected}; save it again separated by {expected}"
                        + (" (or name a tab-separated file .tsv)" if sep == "\t" else "")
                    )
    looks_like_labels = [c for c in found if c.strip().lower() in TRUE_VALUES | FALSE_VALUES]
    if looks_like_labels:
        return (
            f"the first row looks like data, not a header (it holds {looks_like_labels[0]!r}); add a header row "
            "such as text,slander"
        )
    return f"rename the column to '{cm.text}' or map it, e.g. --column text=<your column>"


def _iter_rows(path: Path, encoding: str, sheet: str | None = None) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """Return the columns and an iterator over rows (dicts) of any file model.readers reads."""
    try:
        return read_rows(
            path,
            encoding,
            json_fix='each line must hold one JSON object such as {"text": "...", "slander": 1}',
            sheet=sheet,
        )
    except SheetsError as e:  # the analysts' commands can name the sheet: say how
        named = ", ".join(repr(t) for t in e.sheets)
        raise e.with_fix(
            f"name the sheet that holds the rows with --sheet (this workbook has {named}), e.g. --sheet "
            f"{shlex.quote(e.likely)}; or keep the rows on the first sheet alone, or save that sheet as 'CSV "
            "UTF-8 (Comma delimited)'"
        ) from None


def check_sheet(specs: Iterable[str], sheet: str | None) -> None:
    """`--sheet` must name a sheet, and some --data file must be a workbook for it to name a sheet of: checked before
    anything is read, so that a sheet named for a CSV is not silently ignored."""
    if sheet is None:
        return
    if not sheet.strip():
        raise DataError(
            "--sheet is empty; expected the name of a sheet of your Excel workbook, as its tab shows it",
            fix="name the sheet (e.g. --sheet Data) or leave --sheet out to read the first sheet",
        )
    workbooks = [s for s in specs if (format_of(s) or ("", False))[0] == "xlsx"]
    if not workbooks:
        raise DataError(
            f"--sheet {sheet!r} names a sheet of an Excel workbook, but no --data file is one (found "
            f"{', '.join(specs) or 'none'})",
            fix="pass the workbook (.xlsx) with --data, or leave --sheet out",
        )


def read_labelled_file(
    path: str | Path,
    columns: ColumnMap | None = None,
    *,
    source: str | None = None,
    encoding: str = "utf-8",
    sheet: str | None = None,
) -> ReadResult:
    """Read an analyst's labelled file into Examples.

    File-level problems (missing file, missing text column, no label column, undecodable bytes, empty
    file) raise DataError. Row-level problems (empty text, bad label value) become BadRow entries.
    `sheet` names the sheet to read where the file is an Excel workbook (recorded with each example: two sheets
    of one workbook share its sha256); other formats ignore it.
    """
    path = Path(path)
    cm = columns or ColumnMap()
    if not path.exists():
        raise DataError("file not found", file=path, fix="check the path")
    if path.is_dir():
        raise DataError("expected a file, found a folder", file=path, fix="pass each labelled file with its own --data")
    if path.stat().st_size == 0:
        raise DataError("the file is empty; expected a header row and labelled rows", file=path)
    found, row_iter = _iter_rows(path, encoding, sheet)
    fmt = (format_of(path) or ("", False))[0]  # known: _iter_rows raised otherwise
    rows = list(row_iter)
    if not rows:
        what = "JSON objects" if fmt == "jsonl" else "rows"
        raise DataError(
            f"the file has a header but no {what}" if found else f"the file holds no {what}",
            file=path,
            fix="add labelled rows",
        )
    text_col = _resolve(cm.text, found)
    if text_col is None:
        raise DataError(
            f"expected a text column '{cm.text}', found columns {found}",
            file=path,
            fix=_text_column_fix(found, cm, fmt),
        )
    label_cols: dict[str, str] = {}
    missing_mapped: dict[str, str] = {}
    for name, col in cm.labels.items():
        actual = _resolve(col, found)
        if actual is None:
            missing_mapped[name] = col
        else:
            label_cols[name] = actual
    if missing_mapped:
        raise DataError(
            f"mapped label columns {missing_mapped} are not in the file; found columns {found}",
            file=path,
            fix="correct the --column mapping",
        )
    for name in ALL_LABELS:
        if name not in label_cols:
            actual = _resolve(name, found)
            if actual is not None and actual not in label_cols.values() and actual != text_col:
                label_cols[name] = actual
    meta_cols: dict[str, str] = {}
    for key in META_FIELDS[1:]:
        wanted = getattr(cm, key)
        actual = _resolve(wanted, found) if wanted else None
        if actual is not None:
            meta_cols[key] = actual
        elif key in cm.explicit:
            raise DataError(
                f"expected a {key} column '{wanted}' (mapped with --column {key}={wanted}), found columns {found}",
                file=path,
                fix="correct the --column mapping",
            )
    used = {text_col, *label_cols.values(), *meta_cols.values()}
    counts = Counter(found)
    repeated = sorted(c for c in used if counts[c] > 1)
    if repeated:
        raise DataError(
            f"expected each column once, found {', '.join(f'{c!r} {counts[c]} times' for c in repeated)} in the "
            "header: which one holds the data is not clear",
            file=path,
            fix="rename or delete the extra column(s)",
        )
    unused = [c for c in dict.fromkeys(found) if c not in used and c.strip()]
    near = {c: label for c in unused if (label := _label_like(c)) is not None and label not in label_cols}
    if near:
        maps = " ".join(f"--column {label}={c}" for c, label in near.items())
        raise DataError(
            "expected label columns named exactly after the labels; found "
            + ", ".join(f"{c!r} (like '{label}')" for c, label in near.items())
            + ", which would not be read",
            file=path,
            fix=f"map them ({maps}) or rename them; rename a column that is not a label",
        )
    if not label_cols:
        raise DataError(
            f"no label column found; expected at least one of the risks {list(RISKS)} (or an auxiliary "
            f"label), found columns {found}",
            file=path,
            fix="add a column named after a risk, e.g. 'slander', or map one: --column slander=<column>",
        )
    if unused:
        logger.info("%s: %d column(s) not read (not the text, a label or a known field): %s", path, len(unused), unused)
    src = source or f"file:{path.name}"
    # every example names its file and the file's sha256: a data manifest lists them as its inputs
    # (model.splits.build_manifest), which is what says two splits were made from the same data
    digest = file_sha256(path)
    file_meta = {"file": str(path), "sha256": digest}
    if sheet is not None and fmt == "xlsx":
        file_meta["sheet"] = sheet
    examples: list[Example] = []
    bad: list[BadRow] = []
    for i, row in enumerate(rows, start=1):
        rownum = int(row.pop(LINE_KEY, i))
        if BAD_ROW_KEY in row:
            bad.append(BadRow(str(path), rownum, str(row[BAD_ROW_KEY])))
            continue
        text = row.get(text_col)
        if text is None or (isinstance(text, float) and text != text):
            bad.append(BadRow(str(path), rownum, "text is missing", text_col))
            continue
        if not isinstance(text, str):
            bad.append(BadRow(str(path), rownum, f"text must be a string, found {type(text).__name__}", text_col))
            continue
        if not text.strip():
            bad.append(BadRow(str(path), rownum, "text is empty", text_col))
            continue
        if is_blank(text):
            bad.append(
                BadRow(str(path), rownum, "text is empty: only spaces or invisible marks (zero-width)", text_col)
            )
            continue
        labels: dict[str, LabelValue] = {}
        row_ok = True
        for name, col in label_cols.items():
            try:
                labels[name] = parse_label(row.get(col))
            except ValueError as e:
                bad.append(BadRow(str(path), rownum, f"{LABEL_HELP}; {e}", col))
                row_ok = False
                break
        if not row_ok:
            continue
        if all(v is None for v in labels.values()):
            bad.append(BadRow(str(path), rownum, "every label is empty: the row says nothing to learn from"))
            continue

        def opt(key: str, row: Mapping[str, Any] = row) -> str | None:
            col = meta_cols.get(key)
            if col is None or col not in row:
                return None
            v = row.get(col)
            if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
                return None
            return str(v)

        examples.append(
            Example(
                text=text,
                labels=labels,
                source=src,
                id=opt("id") or f"{path.name}:{rownum}",
                parent_text=opt("parent_text"),
                platform=opt("platform"),
                group=opt("group"),
                meta=dict(file_meta),  # each its own: the splits write into it
            )
        )
    if not examples:
        shown = "; ".join(f"row {b.row}{f' column {b.column!r}' if b.column else ''}: {b.reason}" for b in bad[:3])
        raise DataError(
            f"no row could be read: all {len(bad)} row(s) are bad, e.g. {shown}",
            file=path,
            fix="give each row a text and at least one label (1, 0, yes/no, ya/tidak, true/false; an empty "
            "cell means 'not annotated')",
        )
    if bad:
        logger.warning("%s: %d bad row(s) reported, %d examples read", path, len(bad), len(examples))
    return ReadResult(examples, bad)


def label_matrix(examples: list[Example], labels: list[str] | tuple[str, ...]):
    """A float32 array (n, len(labels)) with 1.0, 0.0 or NaN where the label is missing."""
    import numpy as np

    y = np.full((len(examples), len(labels)), np.nan, dtype=np.float32)
    for i, ex in enumerate(examples):
        for j, name in enumerate(labels):
            v = ex.labels.get(name)
            if v is not None:
                y[i, j] = float(v)
    return y


def training_targets(examples: list[Example], labels: list[str] | tuple[str, ...], weak: bool = True):
    """Targets and per-cell loss weights for training: (y, w), both float32 (n, len(labels)).

    Annotated labels get weight 1. Where a label is missing and the example's card declares a weak label for
    it (`Example.meta["weak"] = {label: [value, weight]}`, see the cards' `[weak_labels]`), the weak value is
    used with its weight (< 1). Everything else stays NaN with weight 0. Evaluation never uses weak labels:
    it reads `label_matrix`.
    """
    import numpy as np

    y = label_matrix(examples, labels)
    w = (~np.isnan(y)).astype(np.float32)
    col = {name: j for j, name in enumerate(labels)}
    for i, ex in enumerate(examples if weak else []):
        for name, (value, weight) in (ex.meta.get("weak") or {}).items():
            j = col.get(name)
            if j is not None and np.isnan(y[i, j]):
                y[i, j], w[i, j] = float(value), float(weight)
    return y, w
