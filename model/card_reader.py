"""A dataset card's examples files read into Examples: CSV, XLSX and JSON-lines tables, the card's label mapping
applied row by row, the named text repairs and keyword topics. Rows that cannot become an Example are reported as
BadRows, never dropped silently; a file that does not match its card raises DataError."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from model.cards import (
    EXAMPLE_FORMATS,
    ORIGINAL_SPLITS,
    TEXT_REPAIRS,
    Card,
    CardFile,
    Grouping,
    SpanWindows,
    Topic,
    cell_text,
)
from model.examples import BadRow, DataError, Example, LabelValue, ReadResult
from model.readers import BAD_ROW_KEY, LINE_KEY, delimited_rows, read_json_values, read_text, read_xlsx
from model.spans import parse_spans, span_windows

logger = logging.getLogger(__name__)

_BYTE_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")


def repair_text(text: str, repairs: Iterable[str]) -> str:
    """Apply the named repairs (see datasets/README.md) in order."""
    for r in repairs:
        if r == "python_byte_escapes":
            # Ibrohim's tweets carry emoji and accented letters as the literal text of Python byte escapes
            # ("\xf0\x9f\x98\x82"); decode each run as UTF-8, dropping bytes cut off at the end of a run.
            text = _BYTE_ESCAPES.sub(
                lambda m: bytes.fromhex(m.group(0).replace("\\x", "")).decode("utf-8", "replace").replace("\ufffd", ""),
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
    """A card's CSV or workbook through the project's one reader (model.readers) with the card's separator,
    quoting, header and sheet. Rows carry their number under LINE_KEY, and a row the reader could not split
    into the header's columns carries BAD_ROW_KEY (read_examples_file reports it)."""
    if file.format == "csv":
        text = read_text(path, file.encoding or "utf-8", fix="correct the card's encoding for this file")
        header = None if file.header else (list(file.columns) or None)
        if header is None and not file.header:
            raise DataError(
                "the card says the file has no header row but names no columns",
                file=path,
                fix="list the file's columns as format.columns in the card",
            )
        columns, rows = delimited_rows(
            text, "csv", path, separator=file.separator, quotechar=file.quotechar, header=header
        )
        return columns, iter(rows)
    if file.format == "xlsx":
        columns, rows = read_xlsx(path, sheet=file.sheet)
        return columns, iter(rows)
    if file.format == "jsonl":
        return _read_jsonl(path, file)
    raise DataError(
        f"cannot read examples from format {file.format!r}",
        file=path,
        fix=f"examples files must be one of {list(EXAMPLE_FORMATS)}",
    )


def _read_jsonl(path: Path, file: CardFile) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """JSON as model.readers reads it everywhere: one JSON object per line (blank lines skipped), or one
    document (an array of objects); gzipped when the name ends in .gz. The columns are format.columns when
    the card lists them, else the keys in order of first appearance."""
    text = read_text(path, file.encoding or "utf-8", fix="correct the card's encoding for this file")
    rows = [
        obj
        for _, obj in read_json_values(
            text, path, fix="the file does not match its card: a jsonl examples file holds one JSON object per line"
        )
    ]
    columns = list(file.columns) or list(dict.fromkeys(k for r in rows for k in r))
    return columns, iter(rows)


def _windowed(example: Example, cell: Any, spans: SpanWindows) -> list[Example]:
    """A row of a `[files.spans]` file as its training windows (model.spans): passage windows keep the row's
    labels, the others have every positive label set to 0. All windows of a row share one group, so that a post
    never has windows in two splits. A row with a positive label and no passage, or with passages and no positive
    label, is an error in the file (ValueError), not something to guess."""
    passages = parse_spans(cell)
    positive = [k for k, v in example.labels.items() if v == 1]
    if positive and not passages:
        raise ValueError(f"labels {positive} are 1 but no passage is marked; mark the passages that carry them")
    if passages and not positive:
        raise ValueError(f"{len(passages)} passage(s) marked but no label is 1; remove them or correct the labels")
    negative: dict[str, LabelValue] = {k: (0 if v == 1 else v) for k, v in example.labels.items()}
    out = []
    for i, w in enumerate(span_windows(example.text, passages, spans.words, spans.stride)):
        meta = {**example.meta, "window": f"{w.kind}:{w.first_word}+{w.words}"}
        if not w.positive and "weak" in meta:  # a weak 1 is a claim about the marked passages, not the story
            meta["weak"] = {k: v for k, v in meta["weak"].items() if v[0] != 1}
        out.append(
            replace(
                example,
                text=w.text,
                labels=dict(example.labels) if w.positive else dict(negative),
                id=f"{example.id}#w{i}",
                group=example.group or example.id,
                meta=meta,
            )
        )
    return out


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
    patterns = [(t, [re.compile(r"(?<!\w)" + re.escape(k)) for k in t.keywords]) for t in grouping.topics]
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


def read_examples_file(card: Card, file: CardFile, path: Path) -> ReadResult:
    columns, rows = _read_table(path, file)
    needed = [file.text_column] + [c for r in card.mapping for c in r.columns]
    needed += [c for c in (file.platform_column, file.id_column, file.group_column, file.original_split_column) if c]
    needed += list(file.meta_columns)
    missing = [c for c in dict.fromkeys(needed) if c not in columns]
    if missing:
        raise DataError(
            f"expected columns {missing} (named in card {card.name!r}), found columns {columns}",
            file=path,
            fix="the file does not match its card: check the card's format and mapping",
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
        row.pop(LINE_KEY, None)
        if BAD_ROW_KEY in row:  # more or fewer fields than the header: reported, never padded or cut
            bad.append(BadRow(str(path), rownum, str(row[BAD_ROW_KEY])))
            continue
        raw = row.get(file.text_column) if file.text_column else None  # set for every examples file
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
        split: str | None = file.original_split
        if file.original_split_column:
            split = cell_text(row.get(file.original_split_column)) or None
            if split is not None and split not in ORIGINAL_SPLITS:
                bad.append(
                    BadRow(
                        str(path),
                        rownum,
                        f"expected one of {list(ORIGINAL_SPLITS)} or empty, found {split!r}",
                        file.original_split_column,
                    )
                )
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
            platform = cell_text(row.get(file.platform_column)) or platform_default
        meta: dict[str, Any] = {"file": file.path, "sha256": file.sha256, "row": rownum}
        if split:
            meta["original_split"] = split
        for col in file.meta_columns:
            meta[col] = _meta_value(row.get(col))
        weak = {w.target: [w.value, w.weight] for w in card.weak if labels.get(w.target) is None}
        if weak:
            meta["weak"] = weak  # used by the trainers only; evaluation keeps the label missing
        example = Example(
            text=text,
            labels=labels,
            source=card.name,
            id=f"{prefix}:{row_id}",
            platform=platform,
            group=group,
            meta=meta,
        )
        if file.spans is None:
            examples.append(example)
            rownums.append(rownum)
            continue
        try:
            windows = _windowed(example, row.get(file.spans.column), file.spans)
        except ValueError as e:
            bad.append(BadRow(str(path), rownum, str(e), file.spans.column))
            continue
        examples.extend(windows)
        rownums.extend([rownum] * len(windows))
    if file.rows is not None and n != file.rows:
        raise DataError(
            f"read {n} data rows, the card says {file.rows}",
            file=path,
            fix="the reader settings in the card (separator, quoting, sheet, encoding) do not match the file",
        )
    if repaired:
        logger.info("%s/%s: %d text(s) repaired (%s)", card.name, file.path, repaired, ", ".join(file.text_repairs))
    if card.grouping is not None:
        topics, methods = assign_topics([e.text for e in examples], card.grouping, rownums)
        for ex, topic, method in zip(examples, topics, methods, strict=True):
            ex.group = f"{card.name}:{topic.id}" if topic else f"{card.name}:unassigned"
            ex.meta["topic_method"] = method
        counts = Counter(m for m in methods)
        logger.info(
            "%s: topics assigned by keywords %d, by row order %d, unassigned %d",
            card.name,
            counts["keywords"],
            counts["rows"],
            counts["unassigned"],
        )
    if bad:
        logger.warning("%s/%s: %d bad row(s) reported, %d examples read", card.name, file.path, len(bad), len(examples))
    return ReadResult(examples, bad)
