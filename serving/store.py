"""Durable storage for analysts' feedback and for items scored with `store: true` (SQLAlchemy Core).

SQLite by default (a file under the data directory); any SQLAlchemy URL, e.g. PostgreSQL
(`postgresql+psycopg://user@host/db`, driver installed separately), when configured. Tables are created on
first use. `export_feedback` writes the corrections as a labelled file that `model.examples.read_labelled_file`
(and so `saring train`) reads: one row per text, a column per risk holding 1, 0 or nothing.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)
from sqlalchemy.engine import make_url

from model.labels import RISKS

logger = logging.getLogger(__name__)

metadata = MetaData()

feedback_table = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
    Column("parent_text", Text),
    Column("item_id", String(128)),
    Column("risk", String(32), nullable=False),
    Column("label", Integer, nullable=False),
    Column("note", Text),
    Column("model_version", String(128)),
    Column("caller", String(64)),
)

scored_items_table = Table(
    "scored_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("request_id", String(128)),
    Column("item_id", String(128)),
    Column("kind", String(16)),
    Column("policy", String(64)),
    Column("text", Text, nullable=False),
    Column("parent_text", Text),
    Column("model_name", String(128)),
    Column("model_version", String(128), nullable=False),
    Column("scores", JSON),
    Column("decisions", JSON),
    Column("decision", String(16)),
    Column("warnings", JSON),
    Column("caller", String(64)),
)

EXPORT_FORMATS = ("csv", "jsonl")


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                u = make_url(self.url)
                kwargs: dict[str, Any] = {"pool_pre_ping": True}
                if u.get_backend_name() == "sqlite":
                    if u.database and u.database != ":memory:":
                        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
                    kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
                engine = create_engine(self.url, **kwargs)
                metadata.create_all(engine)
                self._engine = engine
            return self._engine

    def describe(self) -> str:
        """The URL without its password, for logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    def add_feedback(
        self,
        *,
        text: str,
        risk: str,
        label: int,
        note: str | None,
        model_version: str | None,
        parent_text: str | None,
        item_id: str | None,
        caller: str | None,
    ) -> int:
        row = {
            "created": datetime.now(UTC),
            "text": text,
            "parent_text": parent_text,
            "item_id": item_id,
            "risk": risk,
            "label": int(label),
            "note": note,
            "model_version": model_version,
            "caller": caller,
        }
        with self.engine.begin() as conn:
            result = conn.execute(insert(feedback_table).values(**row))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def add_scored(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(insert(scored_items_table), [{"created": now, **r} for r in rows])

    def feedback_rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            res = conn.execute(select(feedback_table).order_by(feedback_table.c.id))
            return [dict(r._mapping) for r in res]

    def scored_rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            res = conn.execute(select(scored_items_table).order_by(scored_items_table.c.id))
            return [dict(r._mapping) for r in res]

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def merge_feedback(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per (text, parent_text): for each risk the most recent label wins."""
    merged: dict[tuple[str, str | None], dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: r["id"]):
        key = (r["text"], r["parent_text"])
        rec = merged.setdefault(
            key,
            {
                "id": r["item_id"] or f"feedback-{r['id']}",
                "text": r["text"],
                "parent_text": r["parent_text"],
                **{risk: None for risk in RISKS},
                "note": None,
                "model_version": None,
                "feedback_ids": [],
            },
        )
        rec[r["risk"]] = int(r["label"])
        rec["note"] = r["note"] or rec["note"]
        rec["model_version"] = r["model_version"] or rec["model_version"]
        rec["feedback_ids"].append(r["id"])
        created = r["created"]
        rec["created"] = created.isoformat() if hasattr(created, "isoformat") else str(created)
    return list(merged.values())


def export_feedback(store: Store, out: str | Path, fmt: str | None = None) -> int:
    """Write the merged feedback to `out` (CSV or JSONL, from `fmt` or the suffix), atomically.
    Returns the number of rows written."""
    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".") or "csv").lower()
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; expected one of {list(EXPORT_FORMATS)} "
            "(--format, or a .csv/.jsonl file name)"
        )
    records = merge_feedback(store.feedback_rows())
    columns = ["id", "text", "parent_text", *RISKS, "note", "model_version", "created", "feedback_ids"]
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            if fmt == "csv":
                w = csv.DictWriter(f, fieldnames=columns)
                w.writeheader()
                for rec in records:
                    row = {k: rec.get(k) for k in columns}
                    row["feedback_ids"] = " ".join(str(i) for i in rec["feedback_ids"])
                    w.writerow({k: "" if v is None else v for k, v in row.items()})
            else:
                for rec in records:
                    f.write(json.dumps({k: rec.get(k) for k in columns}, ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.info("exported %d feedback record(s) to %s", len(records), out)
    return len(records)
