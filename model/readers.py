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
``.xlsx``                   xlsx      an Excel workbook: its first sheet, a header row first (not audits)
``<any of the above>.gz``   (same)    gzip-compressed (not Parquet or .xlsx, which compress themselves)
==========================  ========  ==================================================================

A workbook's cells are read as the text a CSV export would hold (numbers without a trailing ".0", dates as
YYYY-MM-DD, formulas as the values the workbook last saved); its rows follow the CSV rules below, and other sheets
that hold anything are an error, never skipped unsaid. Audits stream their files in chunks and refuse workbooks.

CSV/TSV follow RFC 4180 quoting (a text holding the separator, a quote or a line break is in double quotes, a
quote inside it doubled); broken quoting is an error naming the line, and a row with more or fewer fields than
the header is marked bad (:data:`BAD_ROW_KEY`), never padded or cut. A file whose first bytes say it is not text
(gzip without ``.gz``, an Excel workbook, Parquet, UTF-16 read as another encoding) is an error saying so.

The audit streams its inputs in chunks and so reads the JSON formats line by line (one-document ``.json``
files are read whole everywhere else). Dataset cards name their files' format explicitly (``csv``,
``xlsx``, ``jsonl``, ``text``) and are read here too: CSV by :func:`delimited_rows` with the card's separator,
quoting and header, a workbook by :func:`read_xlsx` with the card's sheet, JSON by :func:`read_json_values`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import difflib
import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator, Sequence
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
    ".xlsx": "xlsx",
}
# Formats that are not gzipped by name: they compress themselves
SELF_COMPRESSED = frozenset({"parquet", "xlsx"})
GZIP_SUFFIX = ".gz"
# the key under which read_rows marks a row it could not split into the header's columns (a ragged CSV row)
BAD_ROW_KEY = "__bad__"
LINE_KEY = "__line__"
ENCODING_FIX = "pass the file's encoding, e.g. --encoding cp1252 (common for files saved by Excel), or save it as UTF-8"
_SEPARATOR_NAMES = {"\t": "a tab", ",": "a comma", ";": "a semicolon"}
# What a file holds when its first bytes say it is not text: (magic bytes, what it is, how to fix)
_BINARY_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data", "add .gz to the file name (e.g. labels.csv.gz), or decompress it"),
    (
        b"PK\x03\x04",
        "a ZIP archive (an Excel .xlsx workbook is one)",
        "name an Excel workbook .xlsx, save the sheet as 'CSV UTF-8 (Comma delimited)' from Excel, or unzip the "
        "archive",
    ),
    (b"PAR1", "an Apache Parquet table", "name the file .parquet"),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Excel .xls workbook (or a workbook with a password)",
        "save it as .xlsx (Excel Workbook) without a password, or the sheet as 'CSV UTF-8 (Comma delimited)'",
    ),
)
SUPPORTED = (
    ".csv, .tsv, .jsonl, .ndjson, .json, .jsonld (JSON lines, or one JSON document), .parquet, .pq, .xlsx (an Excel "
    "workbook's first sheet); and .gz after any of them but Parquet and .xlsx"
)
# What audits read: they stream files in chunks and resume from where they stopped, which a workbook does not allow
STREAMED_SUPPORTED = (
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
        self.message = message
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

    def with_fix(self, fix: str) -> DataError:
        """The same problem with another fix, from a caller that knows better what its user can do."""
        return DataError(self.message, file=self.file, row=self.row, column=self.column, fix=fix)


def format_of(path: str | Path) -> tuple[str, bool] | None:
    """(format, gzipped) of a file from its suffixes (:data:`SUFFIXES`), or None when the table does not
    know them (or for a gzipped Parquet file or workbook)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    gz = bool(suffixes) and suffixes[-1] == GZIP_SUFFIX
    if gz:
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in SUFFIXES:
        return None
    fmt = SUFFIXES[suffixes[-1]]
    if gz and fmt in SELF_COMPRESSED:
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


def check_encoding(encoding: str) -> str:
    """The codec's canonical name (e.g. 'cp1252'); an encoding Python does not know raises DataError."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as e:
        raise DataError(
            f"unknown encoding {encoding!r}; expected a codec name such as utf-8, cp1252, latin-1 or utf-16",
            fix="pass one of those with --encoding",
        ) from e


def read_text(path: str | Path, encoding: str = "utf-8", *, fix: str | None = None) -> str:
    """The text of a file (gunzipped when its name ends in .gz), without a byte-order mark. Unreadable files,
    files whose first bytes say they are not text (gzip without .gz, an Excel workbook, Parquet, UTF-16 read as
    another encoding) and bytes that are not `encoding` raise DataError."""
    path = Path(path)
    codec = check_encoding(encoding)
    try:
        raw = path.read_bytes()
        if path.suffix.lower() == GZIP_SUFFIX:
            raw = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise DataError(
            f"cannot read the file ({reason})", file=path, fix="check the path (and that a .gz file is complete gzip)"
        ) from e
    for magic, what, magic_fix in _BINARY_MAGIC:
        if raw.startswith(magic):
            raise DataError(f"expected text, found {what} (its first bytes are {magic!r})", file=path, fix=magic_fix)
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and not codec.startswith(("utf-16", "utf-32")):
        raise DataError(
            f"expected {encoding} text, found UTF-16 (the file starts with its byte-order mark)",
            file=path,
            fix="pass --encoding utf-16, or save the file as UTF-8 ('CSV UTF-8' in Excel)",
        )
    if raw.startswith(codecs.BOM_UTF8) and not codec.startswith(("utf-16", "utf-32")):
        raw = raw[len(codecs.BOM_UTF8) :]  # a UTF-8 byte-order mark is never part of the first column's name
    try:
        return raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataError(
            f"bytes at position {e.start} (line {line}) are not valid {encoding}: found {raw[e.start : e.end]!r}",
            file=path,
            fix=fix or "save the file as UTF-8, or pass its encoding (--encoding cp1252)",
        ) from e


class DuplicateKeyError(ValueError):
    """A JSON object that names one key twice: Python's json keeps the last value and drops the first silently, so
    a row {"text": ..., "hoax": 1, "hoax": 0} would be read as hoax 0 with no word said."""

    def __init__(self, key: str, first: Any, second: Any) -> None:
        self.key, self.first, self.second = key, first, second
        super().__init__(
            f"the key {key!r} appears twice in one object (first {_short(first)}, then {_short(second)}); JSON "
            "readers keep only the last value"
        )


DUPLICATE_KEY_FIX = "keep one of the two values (or rename one key) so that nothing is dropped"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKeyError(key, obj[key], value)
        obj[key] = value
    return obj


def loads(text: str | bytes) -> Any:
    """json.loads for the files people give saring, refusing an object that names a key twice (DuplicateKeyError)
    instead of keeping its last value silently; otherwise the same result and the same JSONDecodeError."""
    return json.loads(text, object_pairs_hook=_no_duplicate_keys)


def iter_jsonl(text: str, path: str | Path, fix: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON-lines text with their line numbers; blank lines skipped. A line that is not
    a JSON object raises DataError naming the line and `fix`."""
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"not valid JSON ({e.msg} at column {e.colno})", file=path, row=i, fix=fix) from e
        except DuplicateKeyError as e:
            raise DataError(str(e), file=path, row=i, fix=DUPLICATE_KEY_FIX) from e
        if not isinstance(obj, dict):
            raise DataError(f"expected a JSON object, found {type(obj).__name__}", file=path, row=i, fix=fix)
        yield i, obj


def json_document(text: str) -> tuple[bool, Any]:
    """(True, the document) when the whole text is one JSON document, else (False, None): then it is JSON
    lines (or not JSON at all, which reading it line by line reports line by line). A document with an object that
    names a key twice raises DuplicateKeyError."""
    stripped = text.strip()
    if not stripped:
        return False, None
    try:
        return True, loads(stripped)
    except json.JSONDecodeError:
        return False, None
    except DuplicateKeyError:
        try:  # JSON lines whose first object names a key twice: read line by line, which names the line
            json.loads(stripped)
        except json.JSONDecodeError:
            return False, None
        raise


def read_json_values(text: str, path: str | Path, fix: str) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON file in the table's sense: one document (an array's elements numbered from 1,
    or one object) or JSON lines (numbered by line). Anything but objects raises DataError with `fix`."""
    try:
        is_doc, doc = json_document(text)
    except DuplicateKeyError as e:
        raise DataError(str(e), file=path, fix=DUPLICATE_KEY_FIX) from e
    if not is_doc:
        stripped = text.lstrip()
        if stripped.startswith("["):  # meant as one JSON array: its own error says where, line by line cannot
            try:
                json.loads(stripped)
            except json.JSONDecodeError as e:
                line = e.lineno + text[: len(text) - len(stripped)].count("\n")
                raise DataError(
                    f"the file starts with '[' (one JSON array) but is not valid JSON: {e.msg} at line {line}, "
                    f"column {e.colno}",
                    file=path,
                    fix="correct the JSON there (a comma after the last element is not allowed), or write one "
                    "object per line",
                ) from e
        return list(iter_jsonl(text, path, fix))
    values = list(enumerate(doc, start=1)) if isinstance(doc, list) else [(1, doc)]
    for i, obj in values:
        if not isinstance(obj, dict):
            raise DataError(f"expected a JSON object, found {type(obj).__name__}", file=path, row=i, fix=fix)
    return values


def _read_delimited(path: Path, fmt: str, encoding: str) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The header and rows of a CSV/TSV file (delimited_rows of its text)."""
    header, rows = delimited_rows(read_text(path, encoding, fix=ENCODING_FIX), fmt, path)
    return header, iter(rows)


def delimited_rows(
    text: str,
    fmt: str,
    path: str | Path,
    *,
    separator: str | None = None,
    quotechar: str = '"',
    header: Sequence[str] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and rows of CSV/TSV text (`fmt` "csv" or "tsv"; `path` names the file in errors). Rows are
    numbered from 1 after the header (blank lines skipped) under LINE_KEY; a row with more or fewer fields than
    the header holds only LINE_KEY and BAD_ROW_KEY (the reason). Broken quoting, a quote never closed among
    them, raises DataError naming the line where the record starts.

    A dataset card may name another `separator` (";") or `quotechar`, and give the column names as `header` for
    a file that has no header row (every line is then a row)."""
    sep = separator if separator is not None else ("\t" if fmt == "tsv" else ",")
    path = Path(path)
    if not text.strip():
        expected = "a header row and at least one row" if header is None else "at least one row"
        raise DataError(f"the file is empty; expected {expected}", file=path)
    # a text may be long (a whole article): the csv module's default limit (131,072 characters) is not ours
    csv.field_size_limit(max(csv.field_size_limit(), min(sys.maxsize, 2**31 - 1)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar=quotechar, strict=True)
    header = list(header) if header is not None else None
    rows: list[dict[str, Any]] = []
    n = 0
    start = 1  # the line the record being read starts on
    quoting_fix = (
        'put a text that holds quotes, the separator or a line break in double quotes, and double each " inside '
        'it: "dia bilang ""hoaks"", katanya"'
    )
    quoted = "double quotes"
    if quotechar != '"':  # a card's own quoting: the file or the card is wrong, not the analyst's typing
        quoted = f"quotes {quotechar!r}"
        quoting_fix = f"check the card's quotechar and separator against the file (texts quoted with {quotechar!r})"
    try:
        for fields in reader:
            record_start, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields) and len(fields) <= 1:
                continue  # a blank line
            if header is None:
                header = list(fields)
                while header and not header[-1].strip():
                    header.pop()  # trailing unnamed columns (a spreadsheet's empty cells)
                continue
            n += 1
            found = len(fields)
            while found > len(header) and not fields[found - 1].strip():
                found -= 1  # empty cells after the last column (trailing separators) hold nothing
            if found != len(header):
                hint = (
                    f"a text that contains {_SEPARATOR_NAMES.get(sep, repr(sep))} must be in {quoted}"
                    if found > len(header)
                    else "add the missing separators (an empty cell is fine: it means 'not annotated')"
                )
                rows.append(
                    {
                        LINE_KEY: n,
                        BAD_ROW_KEY: f"expected {len(header)} fields (one per column of the header), found "
                        f"{found} (the row starts on line {record_start}); {hint}",
                    }
                )
                continue
            row: dict[str, Any] = {}
            for name, value in zip(header, fields, strict=False):
                row.setdefault(name, value)  # a duplicated column name: its first column (read_labelled_file says)
            row[LINE_KEY] = n
            rows.append(row)
    except csv.Error as e:
        raise DataError(
            f"malformed {fmt.upper()} in the record that starts on line {start} ({e})",
            file=path,
            row=n + 1,
            fix=quoting_fix,
        ) from e
    return header or [], rows


def cell_as_csv_text(value: Any) -> str:
    """A workbook cell (or a Parquet value) as the text a CSV export of it would hold: '' for an empty cell, 1 for
    the number 1 (not 1.0), dates as YYYY-MM-DD (with the time when it is not midnight), TRUE/FALSE as
    true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    return str(value)


def _column_letter(index: int) -> str:
    """A workbook column's letter (0 -> A, 26 -> AA), as the spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class SheetsError(DataError):
    """A workbook whose rows could be on more than one sheet (or on none named): the caller that has a way to name
    the sheet (`--sheet`) says so in the fix."""

    def __init__(self, message: str, *, file: str | Path, fix: str, sheets: list[str], likely: str) -> None:
        super().__init__(message, file=file, fix=fix)
        self.sheets = sheets  # every sheet of the workbook, in its order
        self.likely = likely  # the sheet most likely meant: one beside the first that holds values, a near name


def read_xlsx(path: str | Path, *, sheet: str | int | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and rows of an Excel workbook's first sheet, under the CSV rules of :func:`delimited_rows`:
    cells as text (:func:`cell_as_csv_text`), the first row that holds anything is the header (trailing unnamed columns
    dropped), empty rows skipped, rows numbered from 1 after the header under LINE_KEY, and a row with a value
    right of the last named column marked bad (BAD_ROW_KEY) rather than cut. Another sheet that holds anything is
    an error: which sheet was meant cannot be known, and its rows must not be lost unsaid.

    A dataset card names its sheet (`sheet`, a name or a 0-based index): that sheet is read and the others are
    the card's business; a sheet the workbook does not have is an error naming the ones it has."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise DataError(
            f"expected an Excel .xlsx workbook, found a file that cannot be read as one ({type(e).__name__}: {e})",
            file=path,
            fix="name the file after what it holds (.csv for comma-separated text), or save it again from Excel as "
            "'Excel Workbook (.xlsx)' without a password",
        ) from e
    try:
        sheets = book.worksheets
        if not sheets:
            raise DataError("the workbook has no sheet", file=path, fix="put the rows on a sheet")
        if sheet is not None:
            titles = [ws.title for ws in sheets]
            if sheet not in titles and not (isinstance(sheet, int) and 0 <= sheet < len(sheets)):
                raise SheetsError(
                    f"expected a sheet {sheet!r}, found the sheets {titles}",
                    file=path,
                    fix="name one of them (or its 0-based index) as the card's format.sheet",
                    sheets=titles,
                    likely=next(iter(difflib.get_close_matches(str(sheet), titles, n=1, cutoff=0.0)), titles[0]),
                )
            sheets = [sheets[titles.index(sheet)] if isinstance(sheet, str) else sheets[sheet]]
        others = [
            ws.title
            for ws in sheets[1:]
            if any(v is not None and str(v).strip() for row in ws.iter_rows(values_only=True) for v in row)
        ]
        if others:
            raise SheetsError(
                f"expected the rows on one sheet, found values on sheet(s) {others} beside the first sheet "
                f"{sheets[0].title!r}",
                file=path,
                fix="keep the rows on the first sheet and delete the other sheets (or move them to another workbook), "
                "or save the sheet to read as 'CSV UTF-8 (Comma delimited)'",
                sheets=[ws.title for ws in sheets],
                likely=others[0],
            )
        header: list[str] | None = None
        rows: list[dict[str, Any]] = []
        n = 0
        for excel_row, values in enumerate(sheets[0].iter_rows(values_only=True), start=1):
            cells = [cell_as_csv_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue  # an empty row
            if header is None:
                header = cells
                while header and not header[-1].strip():
                    header.pop()  # the sheet's empty cells right of the last named column
                continue
            n += 1
            extra = [i for i in range(len(header), len(cells)) if cells[i].strip()]
            if extra:
                col = _column_letter(extra[0])
                rows.append(
                    {
                        LINE_KEY: n,
                        BAD_ROW_KEY: f"expected values only under the header's {len(header)} columns, found one in "
                        f"column {col} (sheet row {excel_row}), which has no name; name the column in the header "
                        "row or clear the cell",
                    }
                )
                continue
            row: dict[str, Any] = {}
            for i, name in enumerate(header):
                row.setdefault(name, cells[i] if i < len(cells) else "")  # a repeated name: its first column
            row[LINE_KEY] = n
            rows.append(row)
        title = sheets[0].title
    finally:
        book.close()
    if header is None:
        which = f"sheet {title!r}" if sheet is not None else f"first sheet {title!r}"
        raise DataError(f"the workbook's {which} is empty; expected a header row and rows", file=path)
    return header, rows


def read_rows(
    path: str | Path,
    encoding: str = "utf-8",
    *,
    json_fix: str = "each line must hold one JSON object",
    sheet: str | None = None,
) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The columns of a table file and an iterator over its rows (dicts), for any format of the table.

    Every row carries its number under the key ``__line__`` (:data:`LINE_KEY`): for CSV/TSV, a workbook's sheet
    and Parquet the row's number after the header (from 1), for JSON its line (or element of a one-document
    file). The columns of a CSV/TSV, workbook or Parquet file are its header, duplicates kept (a row holds a
    duplicated name's first column); those of a JSON file are its objects' keys in order of first appearance. A
    CSV/TSV row that does not have the header's number of fields, and a workbook row with a value under no
    column name, hold only their number and, under :data:`BAD_ROW_KEY`, why.

    `sheet` names the sheet of a workbook to read (the others are ignored; one it does not have is a SheetsError
    listing the sheets it has); without it a workbook's first sheet is read and values on another sheet are a
    SheetsError. Other formats have no sheets and ignore it: the caller says when no file was a workbook."""
    path = Path(path)
    fmt, _ = require_format(path, fix=f"use a file whose suffix is one of {SUPPORTED}")
    if fmt in ("csv", "tsv"):
        return _read_delimited(path, fmt, encoding)
    if fmt == "xlsx":
        header, sheet_rows = read_xlsx(path, sheet=sheet)
        return header, iter(sheet_rows)
    if fmt == "jsonl":
        text = read_text(path, encoding, fix="JSON must be UTF-8; re-save the file as UTF-8 or pass --encoding")
        rows: list[dict[str, Any]] = []
        columns: dict[str, None] = {}
        for i, obj in read_json_values(text, path, fix=json_fix):
            obj[LINE_KEY] = i
            rows.append(obj)
            columns.update(dict.fromkeys(k for k in obj if k != LINE_KEY))
        return list(columns), iter(rows)
    header, records = read_parquet(path)
    return header, iter(records)


def read_parquet(path: str | Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of an Apache Parquet table, read whole, each row numbered from 1 under LINE_KEY, its
    values as Parquet holds them (numbers, strings, None for a null). A file Parquet cannot read raises DataError.
    (Audits stream Parquet in row groups instead: serving/audit/inputs.py.)"""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as e:
        raise DataError(
            f"expected an Apache Parquet table, found a file Parquet cannot read ({e})",
            file=path,
            fix="write the file again with a Parquet writer (pandas' to_parquet), or name it after its format "
            "(.csv, .jsonl)",
        ) from e
    records = table.to_pylist()
    for i, rec in enumerate(records, start=1):
        rec[LINE_KEY] = i
    return list(table.column_names), records
