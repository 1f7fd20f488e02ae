"""One reader for every input file saring takes: training and evaluation examples (`saring train`,
`saring data`), catalogue files, audits (`saring audit`) and fact-checked claims (`saring claims import`).

One table of suffixes, :data:`SUFFIXES`, says what a file holds, the same for every command:

==========================  ========  ==================================================================
suffix                      format    holds
==========================  ========  ==================================================================
``.csv``                    csv       comma-separated values with a header row
``.tsv``                    tsv       tab-separated values with a header row
``.jsonl``, ``.ndjson``     jsonl     JSON lines: one JSON object per line (blank lines skipped)
``.json``, ``.jsonld``      jsonl     the same; a file that as a whole is one JSON document (an array of
                                      objects, or one object spanning lines, e.g. JSON-LD) is read as
                                      that document: an array gives its elements, an object itself
``.parquet``, ``.pq``       parquet   an Apache Parquet table
``<any of the above>.gz``   (same)    gzip-compressed (not Parquet, which compresses itself)
==========================  ========  ==================================================================

The audit streams its inputs in chunks and so reads the JSON formats line by line (one-document ``.json``
files are read whole everywhere else). Dataset cards name their files' format explicitly (``csv``,
``xlsx``, ``jsonl``, ``text``); their ``jsonl`` files are read by :func:`read_json_values` too.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".jsonld": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
GZIP_SUFFIX = ".gz"
SUPPORTED = (
    ".csv, .tsv, .jsonl, .ndjson, .json, .jsonld (JSON lines, or one JSON document), .parquet, .pq; "
    "and .gz after any of them but Parquet"
)


class DataError(ValueError):
    """A problem with an input file, phrased as: where, what was expected, what was found, how to fix."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.fix = fix
        where = []
        if file is not None:
            where.append(f"{file}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        text = ": ".join([", ".join(where), message]) if where else message
        if fix:
            text += f". Fix: {fix}"
        super().__init__(text)


def format_of(path: str | Path) -> tuple[str, bool] | None:
    """(format, gzipped) of a file from its suffixes (:data:`SUFFIXES`), or None when the table does not
    know them (or for a gzipped Parquet file)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    gz = bool(suffixes) and suffixes[-1] == GZIP_SUFFIX
    if gz:
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in SUFFIXES:
        return None
    fmt = SUFFIXES[suffixes[-1]]
    if gz and fmt == "parquet":
        return None
    return fmt, gz


def require_format(
    path: str | Path, allowed: tuple[str, ...] | None = None, *, fix: str | None = None
) -> tuple[str, bool]:
    """Like :func:`format_of`, but a file it cannot read (or of a format not in `allowed`) raises DataError."""
    found = format_of(path)
    if found is None or (allowed is not None and found[0] not in allowed):
        suffix = "".join(Path(path).suffixes[-2:]) or "no suffix"
        raise DataError(
            f"cannot tell what the file holds from its suffix ({suffix!r}); expected one of {SUPPORTED}",
            file=path,
            fix=fix or "rename the file with the suffix of its format",
        )
    return found


def read_text(path: str | Path, encoding: str = "utf-8", *, fix: str | None = None) -> str:
    """The text of a file (gunzipped when its name ends in .gz), without a byte-order mark. Unreadable files
    and bytes that are not `encoding` raise DataError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == GZIP_SUFFIX:
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise DataError(
            f"cannot read the file ({reason})", file=path, fix="check the path (and that a .gz file is complete gzip)"
        ) from e
    try:
        return raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as e:
        raise DataError(
            f"bytes at position {e.start} are not valid {encoding}",
            file=path,
            fix=fix or "save the file as UTF-8, or pass its encoding (--encoding cp1252)",
        ) from e


def iter_jsonl(text: str, path: str | Path, fix: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON-lines text with their line numbers; blank lines skipped. A line that is not
    a JSON object raises DataError naming the line and `fix`."""
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"not valid JSON ({e.msg} at column {e.colno})", file=path, row=i, fix=fix) from e
        if not isinstance(obj, dict):
            raise DataError(f"expected a JSON object, found {type(obj).__name__}", file=path, row=i, fix=fix)
        yield i, obj


def json_document(text: str) -> tuple[bool, Any]:
    """(True, the document) when the whole text is one JSON document, else (False, None): then it is JSON
    lines (or not JSON at all, which reading it line by line reports line by line)."""
    stripped = text.strip()
    if not stripped:
        return False, None
    try:
        return True, json.loads(stripped)
    except json.JSONDecodeError:
        return False, None


def read_json_values(text: str, path: str | Path, fix: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON file in the table's sense: one document (an array's elements numbered from 1,
    or one object) or JSON lines (numbered by line). Anything but objects raises DataError with `fix`."""
    is_doc, doc = json_document(text)
    if not is_doc:
        return list(iter_jsonl(text, path, fix))
    values = list(enumerate(doc, start=1)) if isinstance(doc, list) else [(1, doc)]
    for i, obj in values:
        if not isinstance(obj, dict):
            raise DataError(f"expected a JSON object, found {type(obj).__name__}", file=path, row=i, fix=fix)
    return values


def read_rows(
    path: str | Path, encoding: str = "utf-8", *, json_fix: str = "each line must hold one JSON object"
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The columns of a table file and an iterator over its rows (dicts), for any format of the table.

    JSON rows carry their number (line, or element of a one-document file) under the key ``__line__``;
    the columns of a JSON file are its objects' keys in order of first appearance."""
    path = Path(path)
    fmt, _ = require_format(path, fix=f"use a file whose suffix is one of {SUPPORTED}")
    if fmt in ("csv", "tsv"):
        import pandas as pd

        try:
            df = pd.read_csv(
                path, sep="\t" if fmt == "tsv" else ",", dtype=str, keep_default_na=False, encoding=encoding
            )
        except UnicodeDecodeError as e:
            raise DataError(
                f"bytes at position {e.start} are not valid {encoding}",
                file=path,
                fix="pass the file's encoding, e.g. --encoding cp1252 (common for files saved by Excel)",
            ) from e
        except pd.errors.EmptyDataError as e:
            raise DataError("the file is empty; expected a header row and at least one row", file=path) from e
        return list(df.columns), (r for r in df.to_dict("records"))
    if fmt == "jsonl":
        text = read_text(path, encoding, fix="JSON must be UTF-8; re-save the file as UTF-8 or pass --encoding")
        rows: list[dict[str, Any]] = []
        columns: dict[str, None] = {}
        for i, obj in read_json_values(text, path, fix=json_fix):
            obj["__line__"] = i
            rows.append(obj)
            columns.update(dict.fromkeys(k for k in obj if k != "__line__"))
        return list(columns), iter(rows)
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return list(table.column_names), iter(table.to_pylist())
