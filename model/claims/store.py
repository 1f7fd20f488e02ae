"""The claim store: one SQLite file with the records, their embeddings and a generation counter.

SQLAlchemy Core, as the feedback store (serving/store.py). The file format is the one saring has always
written (tables `claims` and `meta`, schema version 1), so stores written before the move to SQLAlchemy open
unchanged. Every write is one `BEGIN IMMEDIATE` transaction: a reader sees all of an import or none of it,
and two writers never deadlock upgrading a read lock.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    bindparam,
    case,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from model.claims.records import Claim
from model.claims.verdicts import VERDICTS
from model.examples import DataError
from model.paths import data_dir

SCHEMA_VERSION = 1
CLAIMS_DB_ENV = "SARING_CLAIMS_DB"

metadata = MetaData()
# The same tables (names, types, constraints, defaults) as the files written before SQLAlchemy.
claims_table = Table(
    "claims",
    metadata,
    Column("id", Text, primary_key=True, nullable=True),  # as the old DDL: no NOT NULL on the keys
    Column("claim", Text, nullable=False),
    Column("rating", Text, nullable=False),
    Column(
        "verdict",
        Text,
        CheckConstraint("verdict IN ({})".format(", ".join(f"'{v}'" for v in VERDICTS))),
        nullable=False,
    ),
    Column("publisher", Text, nullable=False),
    Column("url", Text),
    Column("date", Text),
    Column("language", Text),
    Column("source", Text, nullable=False, server_default=""),
    Column("meta", Text, nullable=False, server_default="{}"),
    Column("added_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("embedding", LargeBinary),
    Column("embed_key", Text),
)
meta_table = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True, nullable=True),
    Column("value", Text, nullable=False),
)
_C = claims_table.c
_CLAIM_COLUMNS = (
    _C.id,
    _C.claim,
    _C.rating,
    _C.verdict,
    _C.publisher,
    _C.url,
    _C.date,
    _C.language,
    _C.source,
    _C.meta,
)


def default_claims_db() -> Path:
    """`$SARING_CLAIMS_DB`, else `model.paths.data_dir()/claims.sqlite`: analysts' claims cannot be
    rebuilt, so they live with durable data, not in the cache. The API server reads the same default."""
    env = os.environ.get(CLAIMS_DB_ENV)
    return Path(env) if env else data_dir() / "claims.sqlite"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row_claim(row: Sequence[Any]) -> Claim:
    return Claim(
        id=row[0],
        claim=row[1],
        rating=row[2],
        verdict=row[3],
        publisher=row[4],
        url=row[5],
        date=row[6],
        language=row[7],
        source=row[8],
        meta=json.loads(row[9] or "{}"),
    )


def _sqlite_engine(path: Path) -> Engine:
    """An engine on the SQLite file: no pool (every operation opens and closes its connection, so other
    processes' writes are seen and no file stays open), WAL journal, and SQLAlchemy, not the driver, in
    charge of transactions: `BEGIN IMMEDIATE` for the writes (`_write`), a deferred `BEGIN` for reads."""
    engine = create_engine(
        f"sqlite:///{path}", poolclass=NullPool, connect_args={"timeout": 30.0, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: Any, _record: Any) -> None:
        dbapi_con.isolation_level = None  # the driver must not open transactions on its own
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


class ClaimStore:
    """The SQLite file: claims, their embeddings and a generation counter. Every write is one transaction."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_claims_db()
        if self.path.exists() and self.path.is_dir():
            raise DataError(
                "expected a SQLite file, found a directory",
                file=self.path,
                fix="point the claim store at a file, e.g. claims/claims.sqlite",
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = _sqlite_engine(self.path)
        with self._write() as con:
            metadata.create_all(con)
            version = con.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
            if version is None:
                con.execute(insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
                con.execute(sqlite_insert(meta_table).values(key="generation", value="0").on_conflict_do_nothing())
            elif int(version) != SCHEMA_VERSION:
                raise DataError(
                    f"claim store schema version {version}, this saring reads {SCHEMA_VERSION}",
                    file=self.path,
                    fix="use the saring version that wrote it, or re-import the claims",
                )

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as con:
                yield con
        except SQLAlchemyError as e:
            raise self._error(e) from e

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE), committed when the block ends, rolled back on error."""
        try:
            with self.engine.connect() as con:
                con.execution_options(write=True)
                with con.begin():
                    yield con
        except SQLAlchemyError as e:
            raise self._error(e) from e

    def _error(self, e: SQLAlchemyError) -> DataError:
        orig = getattr(e, "orig", None) or e
        return DataError(
            f"cannot use the claim store ({orig})",
            file=self.path,
            fix="check that the file is a saring claim store and that its folder is writable",
        )

    def generation(self) -> int:
        with self._read() as con:
            value = con.execute(select(meta_table.c.value).where(meta_table.c.key == "generation")).scalar()
        return int(value) if value is not None else 0

    def count(self, verdict: str | None = None) -> int:
        """Claims stored; with `verdict`, those with that verdict (what list_claims pages through)."""
        query = select(func.count()).select_from(claims_table)
        if verdict:
            query = query.where(_C.verdict == verdict)
        with self._read() as con:
            return int(con.execute(query).scalar_one())

    def get(self, cid: str) -> Claim | None:
        with self._read() as con:
            row = con.execute(select(*_CLAIM_COLUMNS).where(_C.id == cid)).first()
        return _row_claim(row) if row else None

    def list_claims(self, limit: int = 50, offset: int = 0, verdict: str | None = None) -> list[Claim]:
        query = select(*_CLAIM_COLUMNS)
        if verdict:
            query = query.where(_C.verdict == verdict)
        query = query.order_by(func.coalesce(_C.date, "").desc(), _C.id).limit(limit).offset(offset)
        with self._read() as con:
            return [_row_claim(r) for r in con.execute(query)]

    def all_rows(self) -> tuple[list[Claim], list[bytes | None], list[str | None]]:
        with self._read() as con:
            rows = con.execute(select(*_CLAIM_COLUMNS, _C.embedding, _C.embed_key).order_by(_C.id)).all()
        return [_row_claim(r) for r in rows], [r[10] for r in rows], [r[11] for r in rows]

    def embedded(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """For the ids already stored: (claim text, embed_key of its stored embedding or None)."""
        out: dict[str, tuple[str, str | None]] = {}
        key = case((_C.embedding.is_(None), None), else_=_C.embed_key)
        with self._read() as con:
            for cid in ids:
                row = con.execute(select(_C.claim, key).where(_C.id == cid)).first()
                if row:
                    out[cid] = (row[0], row[1])
        return out

    def upsert(
        self,
        claims: Sequence[Claim],
        embeddings: Sequence[np.ndarray | None] | None = None,
        embed_key: str | None = None,
    ) -> tuple[int, int, int]:
        """Insert or replace claims and their embeddings in one transaction; a None embedding keeps the stored
        one when the claim text is unchanged (else clears it). Returns (added, updated, unchanged)."""
        if embeddings is not None and len(embeddings) != len(claims):
            raise ValueError(f"{len(embeddings)} embeddings for {len(claims)} claims")
        added = updated = unchanged = 0
        now = _now()
        with self._write() as con:
            for i, c in enumerate(claims):
                vec = None if embeddings is None else embeddings[i]
                blob = None if vec is None else np.asarray(vec, dtype="<f4").tobytes()
                key = embed_key if blob is not None else None
                prev = con.execute(select(*_CLAIM_COLUMNS, _C.embed_key).where(_C.id == c.id)).first()
                meta = json.dumps(c.meta, ensure_ascii=False, sort_keys=True)
                values = {
                    "claim": c.claim,
                    "rating": c.rating,
                    "verdict": c.verdict,
                    "publisher": c.publisher,
                    "url": c.url,
                    "date": c.date,
                    "language": c.language,
                    "source": c.source,
                    "meta": meta,
                    "updated_at": now,
                }
                if prev is None:
                    con.execute(
                        insert(claims_table).values(id=c.id, added_at=now, embedding=blob, embed_key=key, **values)
                    )
                    added += 1
                    continue
                if _row_claim(prev).content() == c.content() and (blob is None or prev[10] == key):
                    unchanged += 1
                    continue
                # a new embedding replaces the stored one; without one, the stored one stays if the text does
                same_text = _C.claim == c.claim
                con.execute(
                    update(claims_table)
                    .where(_C.id == c.id)
                    .values(
                        embedding=func.coalesce(blob, case((same_text, _C.embedding), else_=None)),
                        embed_key=func.coalesce(key, case((same_text, _C.embed_key), else_=None)),
                        **values,
                    )
                )
                updated += 1
            if added or updated:
                self._next_generation(con)
        return added, updated, unchanged

    def set_embeddings(self, ids: Sequence[str], embeddings: np.ndarray, embed_key: str) -> None:
        """Store (re)computed embeddings in one transaction (does not change the generation: contents are
        the same)."""
        rows = [
            {"cid": i, "embedding": np.asarray(e, dtype="<f4").tobytes(), "embed_key": embed_key}
            for i, e in zip(ids, embeddings, strict=True)
        ]
        if not rows:
            return
        with self._write() as con:
            con.execute(
                update(claims_table)
                .where(_C.id == bindparam("cid"))
                .values(embedding=bindparam("embedding"), embed_key=bindparam("embed_key")),
                rows,
            )

    def delete(self, ids: Sequence[str]) -> int:
        with self._write() as con:
            n = 0
            for cid in ids:
                n += con.execute(delete(claims_table).where(_C.id == cid)).rowcount
            if n:
                self._next_generation(con)
        return n

    def get_meta(self, key: str) -> str | None:
        with self._read() as con:
            return con.execute(select(meta_table.c.value).where(meta_table.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as con:
            stmt = sqlite_insert(meta_table).values(key=key, value=value)
            con.execute(
                stmt.on_conflict_do_update(index_elements=[meta_table.c.key], set_={"value": stmt.excluded.value})
            )
            self._next_generation(con)

    @staticmethod
    def _next_generation(con: Connection) -> None:
        """Count one more generation, so that every process holding an index reloads."""
        con.execute(
            update(meta_table)
            .where(meta_table.c.key == "generation")
            .values(value=cast(cast(meta_table.c.value, Integer) + 1, Text))
        )

    def dispose(self) -> None:
        self.engine.dispose()
