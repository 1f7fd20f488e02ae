"""Inputs of a batch audit: which files, which columns, and fixed-size chunks read with bounded memory.

Files are CSV/TSV, JSON lines or Parquet (CSV and JSON lines may be gzipped). A chunk is `chunk_rows`
consecutive records of one file, numbered from 0, so the same file always splits into the same chunks: that
is what lets an interrupted audit skip the chunks it already saved.

Reading is binary-safe: CSV and JSON lines are decoded with ``errors="surrogateescape"``, so a cell with bytes
that are not valid in the given encoding does not stop the run; the scoring step (``serving.audit.score``)
turns such a row into a reject that names the column. Rows that cannot be parsed at all (a CSV record with
the wrong number of fields or bad quoting within one line, a line that is not a JSON object) are rejects of the
chunk that holds them. What cannot be read on reliably raises DataError naming the file, the line or last row
read and the fix: a CSV quote that is never closed (the lines after it would run into one cell), a damaged or
truncated gzip or Parquet file (these two, a header that is not valid CSV and a CSV file without a header are
`UnreadableInput`: the auditor fixes the file and resumes, and ``serving.audit.run`` adds how to resume to the
fix), and a JSON array where JSON lines are expected.

Row numbers: CSV and Parquet rows are numbered 1, 2, ... after the header (blank lines are not rows); JSON
lines rows are numbered by their line in the file.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import io
import json
import logging
import math
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from model.examples import DataError
from model.readers import (
    STREAMED_SUPPORTED as SUPPORTED,  # one table of suffixes for every reader (model.readers.SUFFIXES)
)
from model.readers import (
    DuplicateKeyError,
    format_of,
    loads,
)

if TYPE_CHECKING:
    import _csv

logger = logging.getLogger(__name__)

ROLES: tuple[str, ...] = (
    "text",
    "id",
    "parent_text",
    "kind",
    "platform",
    "account",
    "timestamp",
    "likes",
    "comments",
    "shares",
    "author_type",
    "interaction",
)
ROLE_ALIASES = {
    "parent": "parent_text",
    "time": "timestamp",
    "date": "timestamp",
    "user": "account",
    "author": "account",
}
# Column names a role takes without --column, in order of preference, when every file has the column.
AUTO_NAMES: dict[str, tuple[str, ...]] = {"account": ("account", "author")}
# Columns the pipeline adds to each chunk frame: where each row came from.
SOURCE_COLUMN = "_source_file"
ROW_COLUMN = "_row"
INTERNAL_COLUMNS = (SOURCE_COLUMN, ROW_COLUMN)

JSONL_SAMPLE_LINES = 1000  # lines read to learn the fields of a JSON lines file
CSV_FIELD_LIMIT = 16 * 1024 * 1024  # characters; a runaway quote must not swallow the whole file


class UnreadableInput(DataError):
    """A file the audit cannot read on (damaged, cut short, an unclosed quote): the fix is to repair or export
    the file again and rerun, and `serving.audit.run` appends to `fix` how the rerun goes on from the rows saved."""


@dataclass(frozen=True)
class AuditColumns:
    """Which input column holds each role. Only `text` is required; `keep` lists extra input columns that
    are carried to the output unchanged (as strings)."""

    text: str = "text"
    id: str | None = None
    parent_text: str | None = None
    kind: str | None = None
    platform: str | None = None
    account: str | None = None
    timestamp: str | None = None
    likes: str | None = None  # engagement counts: whole numbers of 0 or more
    comments: str | None = None
    shares: str | None = None
    author_type: str | None = None  # who wrote the post, e.g. agency / citizen
    interaction: str | None = None  # push / pull / co-design
    keep: tuple[str, ...] = ()

    @classmethod
    def coerce(cls, value: AuditColumns | dict[str, Any] | None) -> AuditColumns:
        if value is None:
            return cls()
        if isinstance(value, AuditColumns):
            return value
        data = dict(value)
        unknown = [k for k in data if k not in (*ROLES, "keep")]
        if unknown:
            raise ValueError(f"unknown column role(s) {unknown}; expected some of {list(ROLES)} or 'keep'")
        if "keep" in data:
            data["keep"] = tuple(data["keep"] or ())
        return cls(**data)

    def roles(self) -> dict[str, str | None]:
        return {r: getattr(self, r) for r in ROLES}

    def input_columns(self) -> list[str]:
        """The distinct input columns the audit reads, roles first."""
        cols = [c for c in self.roles().values() if c] + list(self.keep)
        return list(dict.fromkeys(cols))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["keep"] = list(self.keep)
        return d


def parse_column_specs(specs: Iterable[str]) -> dict[str, str]:
    """'role=column' strings (``--column text=isi``) to {role: column}."""
    out: dict[str, str] = {}
    for spec in specs:
        if "=" not in spec:
            raise DataError(
                f"column mapping {spec!r} is not of the form role=column",
                fix=f"write e.g. --column text=isi; roles are {', '.join(ROLES)}",
            )
        role, col = (s.strip() for s in spec.split("=", 1))
        role = ROLE_ALIASES.get(role, role)
        if role not in ROLES:
            raise DataError(
                f"column mapping {spec!r}: unknown role {role!r}",
                fix=f"use one of {', '.join(ROLES)}, e.g. --column id=post_id",
            )
        if not col:
            raise DataError(f"column mapping {spec!r} names no column", fix=f"write --column {role}=<column name>")
        out[role] = col
    return out


@dataclass
class InputFile:
    index: int
    path: Path  # absolute
    display: str  # relative to the inputs' common folder: what the output calls the file
    format: str  # csv | tsv | jsonl | parquet
    gzip: bool
    size: int
    columns: list[str] = field(default_factory=list)
    num_rows: int | None = None  # known cheaply for Parquet

    @property
    def is_text(self) -> bool:
        return self.format != "parquet"


# A workbook is read whole (model.readers.read_xlsx), never in chunks from where an audit stopped
WORKBOOK_FIX = (
    "save the sheet as 'CSV UTF-8 (Comma delimited)' from Excel (or as Parquet) and audit that file: audits read "
    "their files in chunks and resume where they stopped, which a workbook does not allow"
)


def _is_workbook(path: Path) -> bool:
    return (format_of(path) or ("",))[0] == "xlsx"


def _format_of(path: Path) -> tuple[str, bool] | None:
    """model.readers.format_of, but None for the formats audits do not stream (a workbook)."""
    return None if _is_workbook(path) else format_of(path)


def _refuse_workbooks(files: Iterable[Path]) -> None:
    workbooks = [str(f) for f in files if _is_workbook(f)]
    if workbooks:
        raise DataError(
            f"expected files an audit can stream ({SUPPORTED}), found an Excel workbook {workbooks[:5]}",
            fix=WORKBOOK_FIX,
        )


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def expand_inputs(patterns: Iterable[str | Path]) -> list[Path]:
    """Files named by paths, glob patterns (``posts/*.csv``, ``**`` recursive) or folders (every supported
    file inside, recursively, skipping names that start with '.' or '_'); each file once, in order."""
    out: dict[Path, None] = {}
    patterns = list(patterns)
    if not patterns:
        raise DataError("no input given", fix="name one or more files, globs or folders, e.g. posts/*.csv")
    for pat in patterns:
        p = Path(pat).expanduser()
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and not _hidden(f, p))
            files = [f for f in found if _format_of(f)]
            workbooks = [f.name for f in found if _is_workbook(f)]
            if workbooks:  # not read, and said so: their rows are not in the audit
                logger.warning(
                    "%s: %d Excel workbook(s) in the folder not audited (%s); %s",
                    p,
                    len(workbooks),
                    ", ".join(workbooks[:5]),
                    WORKBOOK_FIX,
                )
            if not files:
                raise DataError(f"the folder holds no supported file; expected {SUPPORTED}", file=p)
        elif glob.has_magic(str(pat)):
            files = sorted(Path(f) for f in glob.glob(str(p), recursive=True) if Path(f).is_file())
            if not files:
                raise DataError(f"no file matches the pattern {str(pat)!r}", fix="check the pattern and the folder")
            _refuse_workbooks(files)
            bad = [str(f) for f in files if not _format_of(f)]
            if bad:
                raise DataError(
                    f"the pattern {str(pat)!r} matches files of unsupported types {bad[:5]}; expected {SUPPORTED}",
                    fix="narrow the pattern, e.g. *.csv",
                )
        elif p.is_file():
            _refuse_workbooks([p])
            if not _format_of(p):
                raise DataError(
                    f"unsupported file type; expected {SUPPORTED}",
                    file=p,
                    fix="convert the file, or rename it if the suffix is wrong",
                )
            files = [p]
        else:
            raise DataError("file not found", file=p, fix="check the path")
        for f in files:
            out[f.resolve()] = None
    return list(out)


def _display_names(paths: list[Path]) -> list[str]:
    if len(paths) == 1:
        return [paths[0].name]
    common = Path(os.path.commonpath([str(p.parent) for p in paths]))
    return [str(p.relative_to(common)) for p in paths]


def open_inputs(patterns: Iterable[str | Path], encoding: str = "utf-8") -> list[InputFile]:
    """Expand the patterns and read each file's columns (CSV header, Parquet schema, fields of the first
    JSON lines)."""
    try:
        codecs.lookup(encoding)
    except LookupError as e:
        raise DataError(f"unknown encoding {encoding!r}", fix="use e.g. utf-8, cp1252 or latin-1") from e
    paths = expand_inputs(patterns)
    files = []
    for i, (p, disp) in enumerate(zip(paths, _display_names(paths), strict=True)):
        fmt, gz = _format_of(p)  # type: ignore[misc]
        f = InputFile(i, p, disp, fmt, gz, p.stat().st_size)
        if f.size == 0:
            logger.warning("%s is empty (0 bytes): it has no rows to score", p)
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            try:
                pf = pq.ParquetFile(p)
            except Exception as e:
                raise UnreadableInput(
                    f"expected a readable Parquet file, found that its footer or schema cannot be read ({e})",
                    file=p,
                    fix="copy or export the file again",
                ) from e
            f.columns = list(pf.schema_arrow.names)
            f.num_rows = pf.metadata.num_rows
        elif fmt == "jsonl":
            f.columns = _jsonl_fields(f, encoding)
        else:
            f.columns = _csv_header(f, encoding)
        files.append(f)
    return files


def resolve_columns(
    explicit: dict[str, str], keep: Iterable[str], files: list[InputFile], reserved: Iterable[str] = ()
) -> AuditColumns:
    """The column of each role in every file: explicit mappings must exist in each file; a role not mapped
    takes the column of its own name when every file has one. Raises DataError naming the columns found."""
    keep = tuple(dict.fromkeys(keep))
    mapping: dict[str, str | None] = {r: None for r in ROLES}
    mapping["text"] = "text"
    mapping.update(explicit)
    taken = set(explicit.values())
    for role in ROLES:
        if role in explicit or role == "text" or not any(f.size for f in files):
            continue
        for name in AUTO_NAMES.get(role, (role,)):
            # another role's explicit column is not taken as an alias (a column named like the role is)
            if (name == role or name not in taken) and all(name in f.columns for f in files if f.size):
                mapping[role] = name
                taken.add(name)
                break
    if files and all(f.size == 0 for f in files):
        raise DataError("every input file is empty (0 bytes); there is nothing to audit", file=files[0].path)
    for f in files:
        if f.size == 0:
            continue
        if f.format == "jsonl" and not f.columns:
            raise DataError(
                f"found no JSON object in its first {JSONL_SAMPLE_LINES} lines",
                file=f.path,
                fix='JSON lines files hold one object per line, e.g. {"text": "...", "id": 1}',
            )
        wanted = {
            f"{role} -> '{col}'": col for role, col in mapping.items() if col and (role in explicit or role == "text")
        }
        wanted.update({f"--keep-column '{c}'": c for c in keep})
        missing = [k for k, col in wanted.items() if col not in f.columns]
        if missing:
            what = "fields of its first JSON lines" if f.format == "jsonl" else "columns"
            raise DataError(
                f"the column(s) {missing} are not in the file; its {what} are {f.columns}",
                file=f.path,
                fix="map each role to a column the file has, e.g. --column text=<column> --column id=<column> "
                "(roles: " + ", ".join(ROLES) + ")",
            )
        dup = [c for c in set(wanted.values()) if f.columns.count(c) > 1]
        if dup:
            raise DataError(
                f"the column(s) {dup} appear more than once in the header, so the mapping is ambiguous",
                file=f.path,
                fix="rename the duplicated columns",
            )
    clash = [c for c in keep if c in set(reserved) or c in INTERNAL_COLUMNS]
    if clash:
        raise DataError(
            f"--keep-column {clash} would collide with output column(s) of the same name",
            fix="rename the input column, or map it to a role instead (e.g. --column platform=...)",
        )
    internal = [c for c in [*mapping.values(), *keep] if c in INTERNAL_COLUMNS]
    if internal:
        raise DataError(f"the input column name(s) {internal} are reserved by the audit", fix="rename them")
    return AuditColumns(**mapping, keep=keep)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------------
# Streams with a byte position, for progress estimates on text files.
class _Source:
    def __init__(self, f: InputFile) -> None:
        self.raw = open(f.path, "rb")
        self.stream: IO[bytes] = gzip.GzipFile(fileobj=self.raw) if f.gzip else self.raw  # type: ignore[assignment]

    def position(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        if self.stream is not self.raw:
            self.stream.close()
        self.raw.close()


def _text_encoding(encoding: str) -> str:
    # A byte-order mark on a UTF-8 file must not become part of the first column's name.
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _csv_reader(f: InputFile, src: _Source, encoding: str) -> _csv.Reader:
    text = io.TextIOWrapper(src.stream, encoding=_text_encoding(encoding), errors="surrogateescape", newline="")
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    # strict: a quote that is never closed, or text after a closing quote, is an error instead of cells (and
    # later rows) silently run together; the cells of a quoted field may still hold separators and line breaks
    return csv.reader(text, delimiter="\t" if f.format == "tsv" else ",", strict=True)


def _csv_records(f: InputFile, src: _Source, encoding: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(line the record starts on, its cells) for each record, blank lines included as []. A record that is not
    valid CSV on its own line comes as (line, the csv.Error): the reader goes on reliably at the next line. One
    that runs over several lines (a quote opened and never closed) raises DataError: where it really ends cannot
    be known, and the lines it swallowed must not be lost silently."""
    reader = _csv_reader(f, src, encoding)
    last = 0  # the line the previous record ended on
    while True:
        start = last + 1
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            last = reader.line_num
            if last > start:
                raise _unclosed_quote(f, start, last, e) from e
            yield start, e
            continue
        last = reader.line_num
        yield start, rec


def _unclosed_quote(f: InputFile, start: int, end: int, e: csv.Error) -> UnreadableInput:
    if "field limit" in str(e):
        found = f"the cell grew past {CSV_FIELD_LIMIT:,} characters by line {end}"
    elif "end of data" in str(e):
        found = f"the file ends (line {end}) inside the quoted cell"
    else:
        found = f"lines {start}-{end} ran together into one cell, and the reader stopped at line {end} ({e})"
    return UnreadableInput(
        f"a quote opened at line {start} is never closed: expected each quoted cell to end with a quote right "
        f"before a separator or the end of its line, found that {found}",
        file=f.path,
        fix=f'fix the quoting at line {start} (a quote inside a cell is doubled: ""), or export the file again',
    )


def _bad_chars(s: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in s)


def _csv_header(f: InputFile, encoding: str) -> list[str]:
    src = _Source(f)
    try:
        for rec in _csv_reader(f, src, encoding):
            if not rec:
                continue
            if any(_bad_chars(c) for c in rec):
                raise DataError(
                    f"the header row holds bytes that are not valid {encoding}",
                    file=f.path,
                    fix="pass the file's encoding, e.g. --encoding cp1252",
                )
            return rec
    except csv.Error as e:
        raise UnreadableInput(
            f"expected a header row of valid CSV naming the columns, found that it is not valid CSV ({e})",
            file=f.path,
            fix="fix the header row, or export the file again",
        ) from e
    except _TEXT_READ_ERRORS as e:
        raise _unreadable(f, 0, e) from e
    finally:
        src.close()
    raise UnreadableInput(
        "the file is empty; expected a header row naming the columns, then one row per post",
        file=f.path,
        fix="export the file again with a header row",
    )


def _jsonl_fields(f: InputFile, encoding: str) -> list[str]:
    fields: dict[str, None] = {}
    src = _Source(f)
    try:
        n = 0
        for line in src.stream:
            if not line.strip():
                continue
            n += 1
            if n > JSONL_SAMPLE_LINES:
                break
            if n == 1 and line.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"["):
                name = f.path.name
                stem = name.removesuffix(".gz").rsplit(".", 1)[0]
                reader = f"gunzip -c {name} | jq -c '.[]'" if f.gzip else f"jq -c '.[]' {name}"
                raise DataError(
                    "expected JSON lines (one object per line), found a JSON array (the file starts with '[')",
                    file=f.path,
                    fix=f"convert it to JSON lines, e.g. {reader} > {stem}.jsonl, and audit that file",
                )
            try:
                obj = loads(line.decode(_text_encoding(encoding), errors="surrogateescape"))
            except (json.JSONDecodeError, DuplicateKeyError):  # the row itself is rejected when it is read
                continue
            if isinstance(obj, dict):
                fields.update(dict.fromkeys(str(k) for k in obj))
    except _TEXT_READ_ERRORS as e:
        raise _unreadable(f, 0, e) from e
    finally:
        src.close()
    return list(fields)


# What reading a damaged file raises: a truncated gzip stream (EOFError), bad gzip data (zlib.error,
# gzip.BadGzipFile, an OSError), a disk error (OSError); Parquet adds pyarrow.ArrowException (_parquet_chunks).
_TEXT_READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)


def _unreadable(f: InputFile, last_row: int, e: BaseException) -> UnreadableInput:
    """The error for a file that cannot be read on (damaged or cut short), after `last_row` rows were read."""
    if f.gzip:
        what, check = "gzip file is damaged or cut short", f" (check it with `gzip -t {f.path.name}`)"
    elif f.format == "parquet":
        what, check = "Parquet file is damaged or cut short", ""
    else:
        what, check = "file cannot be read", ""
    after = f"after row {last_row}" if last_row else "before its first row"
    return UnreadableInput(
        f"expected a readable file, found that the {what}: reading stopped {after} ({type(e).__name__}: {e}){check}",
        file=f.path,
        fix="copy or export the file again",
    )


# ----------------------------------------------------------------------------------------------------
def cell_to_str(v: Any) -> str | None:
    """An input cell as the string the output carries; None for a missing value."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="surrogateescape")
    if isinstance(v, float):
        return None if math.isnan(v) else (str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v))
    if isinstance(v, bool | int):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, dict | list | tuple):
        return json.dumps(v, ensure_ascii=False, default=str)
    import pandas as pd  # a dependency

    if v is pd.NA or v is pd.NaT:
        return None
    return str(v)


@dataclass
class RawChunk:
    """`rows` consecutive records of one file (rows first_row..last_row). `frame` holds the parsable ones
    (None when the chunk is skipped because an earlier run saved it); `read_rejects` the others."""

    file: InputFile
    index: int
    first_row: int
    last_row: int
    rows: int
    frame: Any | None
    read_rejects: list[dict[str, Any]]
    position: int  # bytes read so far (text files) or rows read so far (Parquet)
    skipped: bool = False


class _ChunkBuilder:
    def __init__(self, f: InputFile, columns: AuditColumns, chunk_rows: int, skip: set[int]) -> None:
        self.f = f
        self.names = columns.input_columns()
        self.text_col = columns.text
        self.id_col = columns.id
        self.chunk_rows = chunk_rows
        self.skip = skip
        self.index = 0
        self._reset()

    def _reset(self) -> None:
        self.count = 0
        self.first_row = 0
        self.last_row = 0
        self.data: dict[str, list[Any]] = {n: [] for n in self.names}
        self.rownums: list[int] = []
        self.rejects: list[dict[str, Any]] = []

    @property
    def skipping(self) -> bool:
        return self.index in self.skip

    def add(self, row: int, record: dict[str, Any] | None = None, reject: tuple[str, str] | None = None) -> None:
        if self.count == 0:
            self.first_row = row
        self.last_row = row
        self.count += 1
        if self.skipping:
            return
        if reject is not None:
            code, reason = reject
            self.rejects.append(
                {
                    "id": f"{self.f.display}:{row}",
                    "source_file": self.f.display,
                    "row": row,
                    "column": None,
                    "code": code,
                    "reason": reason,
                }
            )
            return
        assert record is not None
        for n in self.names:
            v = record.get(n)
            self.data[n].append(v if n == self.text_col else cell_to_str(v))
        self.rownums.append(row)

    def add_columns(self, first_row: int, n: int, columns: dict[str, list[Any]]) -> None:
        """n rows first_row, first_row + 1, ... given column by column (what `add` does row by row)."""
        if n == 0:
            return
        if self.count == 0:
            self.first_row = first_row
        self.last_row = first_row + n - 1
        self.count += n
        if self.skipping:
            return
        for name in self.names:
            vals = columns[name]
            self.data[name].extend(
                vals if name == self.text_col else [v if v is None or type(v) is str else cell_to_str(v) for v in vals]
            )
        self.rownums.extend(range(first_row, first_row + n))

    def full(self) -> bool:
        return self.count >= self.chunk_rows

    def flush(self, position: int) -> RawChunk | None:
        if self.count == 0:
            return None
        frame = None
        if not self.skipping:
            import pandas as pd

            data: dict[str, Any] = dict(self.data)
            data[SOURCE_COLUMN] = [self.f.display] * len(self.rownums)
            data[ROW_COLUMN] = self.rownums
            # object dtype: a cell with undecodable bytes holds lone surrogates, which Arrow strings refuse
            frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})
            frame[ROW_COLUMN] = frame[ROW_COLUMN].astype("int64")
        chunk = RawChunk(
            self.f,
            self.index,
            self.first_row,
            self.last_row,
            self.count,
            frame,
            self.rejects,
            position,
            skipped=self.skipping,
        )
        self.index += 1
        self._reset()
        return chunk


def iter_chunks(
    f: InputFile, columns: AuditColumns, chunk_rows: int, encoding: str = "utf-8", skip: set[int] | None = None
) -> Iterator[RawChunk]:
    """The chunks of one file in order. Chunks whose index is in `skip` are counted but not materialised."""
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, found {chunk_rows}")
    b = _ChunkBuilder(f, columns, chunk_rows, skip or set())
    if f.size == 0:
        return
    if f.format == "parquet":
        yield from _parquet_chunks(f, b)
    elif f.format == "jsonl":
        yield from _jsonl_chunks(f, b, encoding)
    else:
        yield from _csv_chunks(f, b, encoding)


def _csv_chunks(f: InputFile, b: _ChunkBuilder, encoding: str) -> Iterator[RawChunk]:
    src = _Source(f)
    row = 0
    try:
        header: list[str] | None = None
        pos: dict[str, int] = {}
        for line, rec in _csv_records(f, src, encoding):
            if not rec:
                continue  # a blank line is not a row
            if header is None:
                if isinstance(rec, csv.Error):
                    raise UnreadableInput(
                        f"expected a header row of valid CSV naming the columns, found that line {line} is not "
                        f"valid CSV ({rec})",
                        file=f.path,
                        fix="fix the header row, or export the file again",
                    )
                header = rec
                pos = {n: header.index(n) for n in b.names}
                continue
            row += 1
            if b.skipping:
                b.add(row)
            elif isinstance(rec, csv.Error):
                b.add(
                    row,
                    reject=(
                        "MALFORMED_ROW",
                        f"line {line} is not valid CSV ({rec}): expected a quoted cell to end with a quote right "
                        'before a separator or the end of the line, with each quote inside it doubled (""); '
                        "fix the quoting, or export the file again",
                    ),
                )
            elif len(rec) != len(header):
                b.add(
                    row,
                    reject=(
                        "MALFORMED_ROW",
                        f"expected {len(header)} fields like the header, found "
                        f"{len(rec)}; a quote or separator inside a cell may be "
                        "unescaped",
                    ),
                )
            else:
                b.add(row, {n: rec[i] for n, i in pos.items()})
            if b.full():
                chunk = b.flush(src.position())
                if chunk is not None:
                    yield chunk
        chunk = b.flush(src.position())
        if chunk is not None:
            yield chunk
    except _TEXT_READ_ERRORS as e:
        raise _unreadable(f, row, e) from e
    finally:
        src.close()


def _jsonl_chunks(f: InputFile, b: _ChunkBuilder, encoding: str) -> Iterator[RawChunk]:
    src = _Source(f)
    text_encoding = _text_encoding(encoding)  # a UTF-8 byte-order mark is no part of the first record
    lineno = 0
    try:
        for lineno, line in enumerate(src.stream, start=1):
            if not line.strip():
                continue
            if b.skipping:
                b.add(lineno)
            else:
                try:
                    obj = loads(line.decode(text_encoding, errors="surrogateescape"))
                except (json.JSONDecodeError, DuplicateKeyError) as e:
                    obj = e
                if isinstance(obj, json.JSONDecodeError):
                    b.add(lineno, reject=("NOT_JSON", f"the line is not valid JSON ({obj.msg} at column {obj.colno})"))
                elif isinstance(obj, DuplicateKeyError):  # json would keep the last value: which text was meant?
                    b.add(lineno, reject=("DUPLICATE_KEY", str(obj)))
                elif not isinstance(obj, dict):
                    b.add(lineno, reject=("NOT_OBJECT", f"expected a JSON object per line, found {type(obj).__name__}"))
                else:
                    b.add(lineno, obj)
            if b.full():
                chunk = b.flush(src.position())
                if chunk is not None:
                    yield chunk
        chunk = b.flush(src.position())
        if chunk is not None:
            yield chunk
    except _TEXT_READ_ERRORS as e:
        raise _unreadable(f, lineno, e) from e
    finally:
        src.close()


def _parquet_chunks(f: InputFile, b: _ChunkBuilder) -> Iterator[RawChunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffered: list[pa.RecordBatch] = []
    n_buffered = 0
    row = 0

    def emit(table: pa.Table) -> RawChunk | None:
        nonlocal row
        n = table.num_rows
        if b.skipping:
            for _ in range(n):
                row += 1
                b.add(row)
        else:
            b.add_columns(row + 1, n, {name: table.column(name).to_pylist() for name in b.names})
            row += n
        return b.flush(row) if b.full() else None

    try:
        pf = pq.ParquetFile(f.path)
        batch_size = max(1, min(b.chunk_rows, 65_536))
        for batch in pf.iter_batches(batch_size=batch_size, columns=b.names):
            buffered.append(batch)
            n_buffered += batch.num_rows
            while n_buffered >= b.chunk_rows - b.count and n_buffered > 0:
                table = pa.Table.from_batches(buffered)
                need = b.chunk_rows - b.count
                chunk = emit(table.slice(0, need))
                rest = table.slice(need)
                buffered = rest.to_batches() if rest.num_rows else []
                n_buffered = rest.num_rows
                if chunk is not None:
                    yield chunk
    except (OSError, EOFError, pa.ArrowException) as e:  # a damaged page: pyarrow raises OSError or ArrowInvalid
        raise _unreadable(f, row + n_buffered, e) from e
    if buffered:
        emit(pa.Table.from_batches(buffered))
    chunk = b.flush(row)
    if chunk is not None:
        yield chunk
