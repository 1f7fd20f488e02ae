"""Labelled examples: one schema for every source, and readers for analysts' own files.

A label is 1, 0 or missing (None). A source that did not annotate a risk says nothing about it: the label
stays None and the loss and the metrics skip it; it is never read as 0.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.labels import ALL_LABELS, RISKS
from model.modeldir import file_sha256

# DataError lives in model.readers; re-exported here for the many callers that import it from here
from model.readers import DataError as DataError
from model.readers import read_rows

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


LABEL_HELP = "labels must be one of 1, 0, true, false, yes, no, or empty for 'not annotated'"


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

    @classmethod
    def parse(cls, specs: Iterable[str]) -> ColumnMap:
        """Build from 'field=column' strings, e.g. ['text=isi', 'slander=fitnah']."""
        cm = cls()
        for spec in specs:
            if "=" not in spec:
                raise ValueError(f"column mapping {spec!r} is not of the form field=column, e.g. text=isi")
            key, col = (s.strip() for s in spec.split("=", 1))
            if key in ("text", "parent_text", "id", "platform", "group"):
                setattr(cm, key, col)
            elif key in ALL_LABELS:
                cm.labels[key] = col
            else:
                raise ValueError(
                    f"column mapping {spec!r}: unknown field {key!r}; expected text, parent_text, id, "
                    f"platform, group or a label name {list(ALL_LABELS)}"
                )
        return cm


def _iter_rows(path: Path, encoding: str) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """Return the columns and an iterator over rows (dicts) of any file model.readers reads."""
    return read_rows(
        path, encoding, json_fix='each line must hold one JSON object such as {"text": "...", "slander": 1}'
    )


def read_labelled_file(
    path: str | Path,
    columns: ColumnMap | None = None,
    *,
    source: str | None = None,
    encoding: str = "utf-8",
) -> ReadResult:
    """Read an analyst's labelled file into Examples.

    File-level problems (missing file, missing text column, no label column, undecodable bytes, empty
    file) raise DataError. Row-level problems (empty text, bad label value) become BadRow entries.
    """
    path = Path(path)
    cm = columns or ColumnMap()
    if not path.exists():
        raise DataError("file not found", file=path, fix="check the path")
    if path.stat().st_size == 0:
        raise DataError("the file is empty; expected a header row and labelled rows", file=path)
    found, rows = _iter_rows(path, encoding)
    if cm.text not in found:
        raise DataError(
            f"expected a text column '{cm.text}', found columns {found}",
            file=path,
            fix="rename the column or map it, e.g. --column text=<your column>",
        )
    label_cols = dict(cm.labels)
    for name in ALL_LABELS:
        if name not in label_cols and name in found:
            label_cols[name] = name
    missing_mapped = {k: v for k, v in label_cols.items() if v not in found}
    if missing_mapped:
        raise DataError(
            f"mapped label columns {missing_mapped} are not in the file; found columns {found}",
            file=path,
            fix="correct the --column mapping",
        )
    if not label_cols:
        raise DataError(
            f"no label column found; expected at least one of the risks {list(RISKS)} (or an auxiliary "
            f"label), found columns {found}",
            file=path,
            fix="add a column named after a risk, e.g. 'slander', or map one: --column slander=<column>",
        )
    src = source or f"file:{path.name}"
    # every example names its file and the file's sha256: a data manifest lists them as its inputs
    # (model.splits.build_manifest), which is what says two splits were made from the same data
    digest = file_sha256(path)
    examples: list[Example] = []
    bad: list[BadRow] = []
    n = 0
    for i, row in enumerate(rows, start=1):
        n += 1
        rownum = int(row.pop("__line__", i))
        text = row.get(cm.text)
        if text is None or (isinstance(text, float) and text != text):
            bad.append(BadRow(str(path), rownum, "text is missing", cm.text))
            continue
        if not isinstance(text, str):
            bad.append(BadRow(str(path), rownum, f"text must be a string, found {type(text).__name__}", cm.text))
            continue
        if not text.strip():
            bad.append(BadRow(str(path), rownum, "text is empty", cm.text))
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

        def opt(col: str | None, row: Mapping[str, Any] = row) -> str | None:
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
                id=opt(cm.id) or f"{path.name}:{rownum}",
                parent_text=opt(cm.parent_text),
                platform=opt(cm.platform),
                group=opt(cm.group),
                meta={"file": str(path), "sha256": digest},
            )
        )
    if n == 0:
        raise DataError("the file has a header but no rows", file=path, fix="add labelled rows")
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
