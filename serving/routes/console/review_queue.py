"""The review queue: the store's tables, read directly (no API route lists stored items)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from model.labels import RISKS
from serving.routes.console.forms import QueueFilter
from serving.routes.console.settings import DECISION_NAMES, FLAGGED, PAGE_SIZE
from serving.store import Store, feedback_table, scored_items_table


def _flagged(risk: str) -> ColumnElement[bool]:
    return scored_items_table.c.decisions[risk].as_string().in_(FLAGGED)


def _reviewed() -> ColumnElement[bool]:
    s, f = scored_items_table.c, feedback_table.c
    return exists().where(and_(f.text == s.text, f.parent_text.is_not_distinct_from(s.parent_text)))


def _max_score() -> ColumnElement[Any]:
    scores = [func.coalesce(scored_items_table.c.scores[r].as_float(), literal(0.0)) for r in RISKS]
    top: ColumnElement[Any] = scores[0]
    for s in scores[1:]:
        top = case((s > top, s), else_=top)
    return top


def _conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    c = scored_items_table.c
    where: list[ColumnElement[bool]] = []
    if f.status == "waiting":
        where.append(~_reviewed())
    elif f.status == "reviewed":
        where.append(_reviewed())
    if f.decision == "flagged":
        where.append(c.decision.in_(FLAGGED))
    elif f.decision != "all":
        where.append(c.decision == f.decision)
    if f.risk:
        where.append(_flagged(f.risk))
    if f.channel:
        where.append(c.policy == f.channel)
    if f.date_from:
        where.append(c.created >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        where.append(c.created < datetime.combine(f.date_to + timedelta(days=1), time(), UTC))
    return where


def count_waiting(store: Store) -> int:
    c = scored_items_table.c
    with store.engine.connect() as conn:
        q = select(func.count()).select_from(scored_items_table).where(c.decision.in_(FLAGGED), ~_reviewed())
        return int(conn.execute(q).scalar_one())


def queue_page(store: Store, f: QueueFilter) -> dict[str, Any]:
    """One page of the queue, its total, the counts of what is waiting, and the feedback already given."""
    c = scored_items_table.c
    where = _conditions(f)
    order = [c.created.desc(), c.id.desc()] if f.sort == "newest" else [_max_score().desc(), c.id.desc()]
    with store.engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(scored_items_table).where(*where)).scalar_one())
        rows = [
            dict(r._mapping)
            for r in conn.execute(
                select(scored_items_table)
                .where(*where)
                .order_by(*order)
                .limit(PAGE_SIZE)
                .offset((f.page - 1) * PAGE_SIZE)
            )
        ]
        counts_q = (
            select(c.decision, func.count(), *(func.sum(case((_flagged(r), 1), else_=0)) for r in RISKS))
            .where(~_reviewed())
            .group_by(c.decision)
        )
        counts: dict[str, Any] = {
            "total": 0,
            "flagged": 0,
            "by_decision": {d: 0 for d in DECISION_NAMES},
            "by_risk": {r: 0 for r in RISKS},
        }
        for decision, n, *per_risk in conn.execute(counts_q):
            counts["total"] += int(n)
            if decision in counts["by_decision"]:
                counts["by_decision"][decision] += int(n)
            if decision in FLAGGED:
                counts["flagged"] += int(n)
                for r, k in zip(RISKS, per_risk, strict=True):
                    counts["by_risk"][r] += int(k or 0)
        given: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        texts = sorted({row["text"] for row in rows})
        if texts:
            fc = feedback_table.c
            for fb in conn.execute(
                select(fc.text, fc.parent_text, fc.risk, fc.label, fc.created, fc.caller)
                .where(fc.text.in_(texts))
                .order_by(fc.id)
            ):
                given.setdefault((fb.text, fb.parent_text), []).append(dict(fb._mapping))
    for row in rows:
        latest: dict[str, int] = {}
        for given_fb in given.get((row["text"], row["parent_text"]), []):
            latest[given_fb["risk"]] = int(given_fb["label"])
        row["feedback"] = latest
        row["top_risk"] = max(RISKS, key=lambda k: float((row["scores"] or {}).get(k, 0.0)))
    pages = max(1, -(-total // PAGE_SIZE))
    return {"rows": rows, "total": total, "pages": pages, "counts": counts}


def scored_item(store: Store, item: int) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(scored_items_table).where(scored_items_table.c.id == item)).first()
        return dict(row._mapping) if row else None
