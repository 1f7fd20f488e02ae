"""The scoring step of an audit: a plain ``pandas.DataFrame -> pandas.DataFrame`` function.

``score_frame(df, scorer_or_model_dir, columns)`` returns one output row per input row, in input order, so
it fits anywhere a framework hands over batches as DataFrames: the audit's own chunks (in-process or on Dask
workers), Spark's ``mapInPandas`` / ``pandas_udf`` and Ray Data's ``map_batches``. Rows that cannot be
scored keep their place with ``reject_code`` / ``reject_reason`` set and no scores.

Given a model directory instead of a loaded ``Scorer``, the function loads it once per process and keeps it
(``get_scorer``): each Dask worker, Spark executor or Ray actor loads the model once.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from model.examples import DataError
from model.labels import RISKS
from serving.audit.engagement import COUNT_ROLES, format_bad_value, normalize_interaction, parse_count
from serving.audit.inputs import ROW_COLUMN, SOURCE_COLUMN, AuditColumns, cell_to_str

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from model.scorer import ScoredText, Scorer
    from model.terms import TermEntry, TermLists

logger = logging.getLogger(__name__)

SCORE_COLUMNS = [f"score_{r}" for r in RISKS]
FLAG_COLUMNS = [f"flag_{r}" for r in RISKS]
DECISION_COLUMNS = [f"decision_{r}" for r in RISKS]
ROLE_OUTPUT = ["kind", "platform", "account", "timestamp", "month"]
# Engagement: counts as whole numbers (null when missing or bad), the interaction type, and the bad values.
ENGAGEMENT_OUTPUT = ["author_type", "interaction", *COUNT_ROLES, "bad_values"]
TEXT_OUTPUT = ["text", "parent_text"]
REJECT_OUTPUT = ["reject_code", "reject_column", "reject_reason"]
REJECT_COLUMNS = ["id", "source_file", "row", "column", "code", "reason"]


# With term lists: the listed terms each row holds, "list/term" (a list's name has no "/"), in the order first found.
TERM_MATCHES = "term_matches"


def result_columns(drop_text: bool = False, term_matches: bool = False) -> list[str]:
    """The output columns of a scored row, before any kept input columns (`term_matches`: the audit has term
    lists, and the column TERM_MATCHES follows `warnings`)."""
    return (
        ["id", "source_file", "row"]
        + ([] if drop_text else TEXT_OUTPUT)
        + ROLE_OUTPUT
        + ENGAGEMENT_OUTPUT
        + SCORE_COLUMNS
        + FLAG_COLUMNS
        + DECISION_COLUMNS
        + ["decision", "warnings"]
        + ([TERM_MATCHES] if term_matches else [])
        + ["model_name", "model_version"]
    )


RESERVED_COLUMNS = frozenset(result_columns(term_matches=True) + REJECT_OUTPUT)


def term_match_names(res: ScoredText) -> list[str]:
    """The listed terms a scored text holds, "list/term", each once, from its TERM_LIST_MATCH warnings."""
    names = [
        f"{w.details['list']}/{w.details['term']}"
        for w in res.warnings
        if w.code == "TERM_LIST_MATCH" and w.details is not None
    ]
    return list(dict.fromkeys(names))


def result_schema(
    keep: tuple[str, ...] | list[str] = (), drop_text: bool = False, term_matches: bool = False
) -> pa.Schema:
    """The fixed Arrow schema of every results part file, so the folder reads as one dataset."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "row": pa.int64(),
        "warnings": pa.list_(pa.string()),
        TERM_MATCHES: pa.list_(pa.string()),
        "bad_values": pa.list_(pa.string()),
    }
    types.update({c: pa.int64() for c in COUNT_ROLES})
    types.update({c: pa.float64() for c in SCORE_COLUMNS})
    types.update({c: pa.bool_() for c in FLAG_COLUMNS})
    return pa.schema(
        [pa.field(c, types.get(c, pa.string())) for c in result_columns(drop_text, term_matches)]
        + [pa.field(c, pa.string()) for c in keep]
    )


def reject_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field(c, pa.int64() if c == "row" else pa.string()) for c in REJECT_COLUMNS])


def output_ddl(keep: tuple[str, ...] | list[str] = (), drop_text: bool = False, term_matches: bool = False) -> str:
    """The columns `score_frame` returns, as a Spark DDL string (for `mapInPandas` / a struct `pandas_udf`);
    `term_matches=True` when it is given term lists."""
    import pyarrow as pa

    def ddl(t: pa.DataType) -> str:
        if pa.types.is_list(t):
            return f"ARRAY<{ddl(t.value_type)}>"
        return {pa.float64(): "DOUBLE", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN"}.get(t, "STRING")

    fields = list(result_schema(keep, drop_text, term_matches)) + [pa.field(c, pa.string()) for c in REJECT_OUTPUT]
    return ", ".join(f"`{f.name}` {ddl(f.type)}" for f in fields)


# ----------------------------------------------------------------------------------------------------
_SCORERS: dict[tuple[str, str], Scorer] = {}
_SCORERS_LOCK = threading.Lock()
# Distinct texts whose model outputs a process keeps (model.scorer.LogitCache, about 0.4 KB each): a post that
# recirculates through the files (forwards, retweets in later chunks) is run once per process and every copy
# that process scores gets the same numbers. Copies inside one chunk are run once with or without it.
AUDIT_CACHE_SIZE = 100_000


_TERM_LISTS: dict[str, TermLists] = {}


def term_lists(entries: list[TermEntry]) -> TermLists:
    """The compiled term lists of `entries`, built once per process (each Dask worker) and kept."""
    from model.terms import TermLists, entries_sha256

    key = entries_sha256(entries)
    with _SCORERS_LOCK:
        lists = _TERM_LISTS.get(key)
        if lists is None:
            _TERM_LISTS.clear()  # one audit's lists at a time
            lists = _TERM_LISTS[key] = TermLists(entries, source="the audit's term lists")
    return lists


def get_scorer(model_dir: str | Path, precision: str | None = None) -> Scorer:
    """The Scorer for a model directory and precision (int8, bf16 or fp32; default $SARING_PRECISION, else int8),
    loaded once per process (a worker-level cache), with a logit cache of AUDIT_CACHE_SIZE texts."""
    from model.network import resolve_precision

    key = (str(Path(model_dir).expanduser().resolve()), resolve_precision(precision))
    with _SCORERS_LOCK:
        scorer = _SCORERS.get(key)
        if scorer is None:
            from model.scorer import Scorer

            # The thread counts come from the environment: a local cluster's worker gets its share of the
            # cores before it starts (serving.audit.runners.worker_env), another cluster's worker before it
            # loads the model (runners.prepare_worker); the kernel (SARING_THREADS), torch, ONNX Runtime and
            # OpenMP (OMP_NUM_THREADS) read it.
            scorer = _SCORERS[key] = Scorer(key[0], precision=key[1], cache_size=AUDIT_CACHE_SIZE)
        return scorer


# ----------------------------------------------------------------------------------------------------
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})")
_EPOCH = re.compile(r"^\s*\d{9,13}(\.\d+)?\s*$")


@functools.lru_cache(maxsize=65_536)
def month_of(value: str | None) -> str | None:
    """'YYYY-MM' of a timestamp as written: ISO dates keep their own (local) month; epoch seconds or
    milliseconds are read in UTC; other forms such as 05/03/2024 are read day first. None if unreadable."""
    if value is None or not value.strip():
        return None
    m = _ISO_MONTH.match(value)
    if m:
        return f"{m.group(1)}-{m.group(2)}" if 1 <= int(m.group(2)) <= 12 else None
    import pandas as pd

    try:
        if _EPOCH.match(value):
            x = float(value)
            ts = pd.Timestamp(x, unit="ms" if x > 1e11 else "s", tz="UTC")
        else:
            ts = pd.to_datetime(value, dayfirst=True)
    except (ValueError, TypeError, OverflowError):
        return None
    if ts is pd.NaT or ts != ts:
        return None
    return f"{ts.year:04d}-{ts.month:02d}"


def _blank_to_none(v: str | None) -> str | None:
    return None if v is None or not v.strip() else v


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str | bytes):
        return False
    if isinstance(v, float):
        return v != v
    import pandas as pd  # a dependency

    return v is pd.NA or v is pd.NaT


_SURROGATE = re.compile("[\ud800-\udfff]")


def _undecodable(s: str) -> int | None:
    """Index of the first character that stands for an undecodable byte (a lone surrogate), else None."""
    if s.isascii():  # nearly every cell: one C pass, no regex
        return None
    m = _SURROGATE.search(s)
    return None if m is None else m.start()


def _role_strings(vals: list[Any]) -> list[str | None]:
    """Cells of a mapped role as strings, blank ones as None (`cell_to_str` then `_blank_to_none`, with a
    fast path for the strings and Nones the chunk readers produce)."""
    return [(v if v.strip() else None) if type(v) is str else _blank_to_none(cell_to_str(v)) for v in vals]


def _spread(ok: list[int], values: list[Any], n: int) -> list[Any]:
    """`values` (one per scored row) at the scored rows' places in a list of n, None elsewhere."""
    if len(ok) == n:
        return values
    out: list[Any] = [None] * n
    for i, v in zip(ok, values, strict=True):
        out[i] = v
    return out


# Lone surrogates that stand for no undecodable byte (surrogateescape gives U+DC80-U+DCFF only): JSON lets a file
# escape half of a surrogate pair, e.g. "\ud83d" without its "\ude00"
_NOT_A_BYTE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def _bad_bytes_reason(col: str, s: str, i: int) -> str:
    code = ord(s[i])
    if not 0xDC80 <= code <= 0xDCFF:
        return (
            f"column '{col}' holds a lone surrogate \\u{code:04x} at character {i}: expected valid Unicode, found "
            "half of a surrogate pair (the JSON escapes one without its other half); fix the producer of the file "
            "to write whole characters"
        )
    return (
        f"column '{col}' holds bytes that are not valid in the file's encoding (first: 0x{code - 0xDC00:02x} at "
        f"character {i}); pass the file's encoding, e.g. --encoding cp1252 for files saved by Excel on Windows"
    )


def safe_str(s: str | None) -> str | None:
    """A string that can be written as UTF-8: undecodable bytes shown as \\xNN, other lone surrogates as
    \\uXXXX."""
    if s is None or _undecodable(s) is None:
        return s
    s = _NOT_A_BYTE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)
    return s.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")


def score_frame(
    df: pd.DataFrame,
    scorer_or_model_dir: Scorer | str | Path,
    columns: AuditColumns | dict[str, Any] | None = None,
    *,
    drop_text: bool = False,
    precision: str | None = None,
    terms: list[TermEntry] | None = None,
) -> pd.DataFrame:
    """Score a DataFrame of posts. `columns` says which column holds the text (required) and optionally the
    id, parent text, kind, platform, account, timestamp, plus columns to keep; e.g. {"text": "isi",
    "id": "post_id", "keep": ["url"]}. `precision` (int8, bf16 or fp32, default $SARING_PRECISION, else int8) is
    the transformer's when a model directory is given (a loaded Scorer keeps its own).

    Returns one row per input row, in order: `result_columns(drop_text, term_matches=bool(terms))` + the kept
    columns + reject_code, reject_column, reject_reason. Scored rows have no reject_code; rejected rows (missing,
    empty or undecodable text, undecodable mapped cells) have no scores.
    """
    import numpy as np
    import pandas as pd

    cols = AuditColumns.coerce(columns)
    scorer = (
        cast("Scorer", scorer_or_model_dir)
        if hasattr(scorer_or_model_dir, "score")
        else get_scorer(cast("str | Path", scorer_or_model_dir), precision)
    )
    found = [str(c) for c in df.columns]
    missing = {
        role: c for role, c in [*cols.roles().items(), *(("keep", k) for k in cols.keep)] if c and c not in df.columns
    }
    if missing:
        raise DataError(
            f"the frame has no column(s) {missing}; found columns {found}",
            fix="pass columns={'text': <column>, ...} naming columns of the frame",
        )
    n = len(df)
    nones: list[Any] = [None] * n  # every unmapped column (only read, never changed)

    def values(col: str | None) -> list[Any]:
        return df[col].tolist() if col else nones

    def strings(col: str | None) -> list[str | None]:  # cell_to_str of each cell, strings and Nones as they are
        return [v if v is None or type(v) is str else cell_to_str(v) for v in values(col)]

    raw_text = values(cols.text)
    sources = strings(SOURCE_COLUMN if SOURCE_COLUMN in df.columns else None)
    rows = values(ROW_COLUMN if ROW_COLUMN in df.columns else None)
    role_vals = {
        r: _role_strings(values(c)) if (c := getattr(cols, r)) else nones
        for r in (
            "id",
            "parent_text",
            "kind",
            "platform",
            "account",
            "timestamp",
            "author_type",
            "interaction",
            *COUNT_ROLES,
        )
    }
    keep_vals = {k: strings(k) for k in cols.keep}

    reject: list[tuple[str, str | None, str] | None] = [None] * n
    texts: list[str | None] = [None] * n
    for i, t in enumerate(raw_text):
        if type(t) is str and t.isascii():  # the common case: only the empty check is left
            if t.strip():
                texts[i] = t
                continue
        elif isinstance(t, bytes):
            t = t.decode("utf-8", errors="surrogateescape")
        if _missing(t):
            reject[i] = ("MISSING_TEXT", cols.text, f"no text: the '{cols.text}' cell is missing")
        elif not isinstance(t, str):
            reject[i] = ("NOT_TEXT", cols.text, f"the '{cols.text}' cell must hold text, found {type(t).__name__}")
        elif (j := _undecodable(t)) is not None:
            reject[i] = ("UNDECODABLE", cols.text, _bad_bytes_reason(cols.text, t, j))
        elif not t.strip():
            reject[i] = ("EMPTY_TEXT", cols.text, f"the '{cols.text}' cell is empty: there is nothing to score")
        else:
            texts[i] = t
    for name, vals in [*((getattr(cols, r), v) for r, v in role_vals.items()), *keep_vals.items()]:
        if name is None:
            continue
        for i, v in enumerate(vals):
            if v is not None and reject[i] is None and (j := _undecodable(v)) is not None:
                reject[i] = ("UNDECODABLE", name, _bad_bytes_reason(name, v, j))

    ok = [i for i in range(n) if reject[i] is None]
    all_ok = len(ok) == n
    parents = role_vals["parent_text"]
    ok_texts = cast("list[str]", texts if all_ok else [texts[i] for i in ok])  # a text for every scored row
    scored = scorer.score(
        ok_texts, parents=(parents if all_ok else [parents[i] for i in ok]) if cols.parent_text else None
    )
    if terms:  # listed terms raise decisions as the API's do (model.terms); scores stay the model's
        from model.terms import with_matches

        listed = term_lists(terms).match(ok_texts, scorer.normalizer)
        scored = [with_matches(s, m) for s, m in zip(scored, listed, strict=True)]

    def scored_only(vals: list[Any]) -> list[Any]:  # the values of scored rows, None for rejected ones
        return vals if all_ok or vals is nones else [v if reject[i] is None else None for i, v in enumerate(vals)]

    out: dict[str, Any] = {}
    ids = []
    for i, v in enumerate(role_vals["id"]):
        if v is None:
            v = f"{sources[i]}:{rows[i]}" if sources[i] is not None and rows[i] is not None else str(df.index[i])
        ids.append(v if reject[i] is None else safe_str(v))
    out["id"] = ids
    out["source_file"] = sources
    out["row"] = pd.array([None if _missing(r) else int(r) for r in rows], dtype="Int64")
    if not drop_text:
        out["text"] = texts
        out["parent_text"] = scored_only(parents)
    for r in ("kind", "platform", "account", "timestamp"):
        out[r] = scored_only(role_vals[r])
    out["month"] = (
        nones
        if not cols.timestamp
        else [month_of(v) if reject[i] is None else None for i, v in enumerate(role_vals["timestamp"])]
    )
    out["author_type"] = scored_only(role_vals["author_type"])
    out["interaction"] = (
        nones
        if not cols.interaction
        else [normalize_interaction(v) if reject[i] is None else None for i, v in enumerate(role_vals["interaction"])]
    )
    bad_values: list[list[str] | None] = [None if reject[i] is not None else [] for i in range(n)]
    for r in COUNT_ROLES:
        counts: list[int | None] = [None] * n
        if getattr(cols, r):
            for i, v in enumerate(values(getattr(cols, r))):
                if reject[i] is not None or _missing(v):
                    continue
                counts[i], problem = parse_count(v)
                if problem is not None:
                    bad_values[i].append(format_bad_value(r, *problem))  # type: ignore[union-attr]
        out[r] = pd.array(counts, dtype="Int64")
    out["bad_values"] = bad_values
    for j, r in enumerate(RISKS):
        col = np.full(n, np.nan)
        col[ok] = [res.scores[r] for res in scored]
        out[SCORE_COLUMNS[j]] = col
    for j, r in enumerate(RISKS):
        out[FLAG_COLUMNS[j]] = pd.array(_spread(ok, [res.flags[r] for res in scored], n), dtype="boolean")
    for j, r in enumerate(RISKS):
        out[DECISION_COLUMNS[j]] = _spread(ok, [res.decisions[r] for res in scored], n)
    out["decision"] = _spread(ok, [res.decision for res in scored], n)
    out["warnings"] = _spread(ok, [[w.code for w in res.warnings] for res in scored], n)
    if terms:
        out[TERM_MATCHES] = _spread(ok, [term_match_names(res) for res in scored], n)
    out["model_name"] = _spread(ok, [scorer.name] * len(ok), n)
    out["model_version"] = _spread(ok, [scorer.version] * len(ok), n)
    for k, vals in keep_vals.items():
        out[k] = scored_only(vals)
    out["reject_code"] = nones if all_ok else [x[0] if x else None for x in reject]
    out["reject_column"] = nones if all_ok else [x[1] if x else None for x in reject]
    out["reject_reason"] = nones if all_ok else [x[2] if x else None for x in reject]
    frame = pd.DataFrame({k: (v if not isinstance(v, list) else pd.Series(v, dtype=object)) for k, v in out.items()})
    frame.index = df.index
    return frame


def split_scored(
    scored: pd.DataFrame, keep: tuple[str, ...] | list[str] = (), drop_text: bool = False, term_matches: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scored rows with the result columns, rejected rows with the reject columns)."""
    bad = scored["reject_code"].notna()
    results = scored.loc[~bad, result_columns(drop_text, term_matches) + list(keep)]
    rejects = scored.loc[bad, ["id", "source_file", "row", "reject_column", "reject_code", "reject_reason"]]
    rejects = rejects.rename(columns={"reject_column": "column", "reject_code": "code", "reject_reason": "reason"})
    return results.reset_index(drop=True), rejects.reset_index(drop=True)
