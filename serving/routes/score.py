"""POST /v1/score: validate the items, resolve their channel policies, submit them to the micro-batcher,
build the response, and store the scored items when asked."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response

from model.scorer import Scorer
from serving.batcher import BatcherClosed
from serving.deps import (
    BatcherDep,
    CallerDep,
    HolderDep,
    MetricsDep,
    PoliciesDep,
    SettingsDep,
    StoreDep,
    require_scorer,
)
from serving.engine import Outcome, PolicyBook, WorkItem
from serving.errors import ApiError
from serving.schemas import (
    ERROR_RESPONSES,
    SCORE_EXAMPLES,
    ScoreItem,
    ScoreRequest,
    ScoreResponse,
    is_blank,
    strip_controls,
)
from serving.settings import Settings
from serving.store import Store
from serving.validation import check_text, request_id_of, round_score

logger = logging.getLogger(__name__)

router = APIRouter(tags=["scoring"])


@dataclass
class Prepared:
    """One validated item: what goes to the batcher, what the response says about it."""

    work: WorkItem
    kind: str
    warnings: list[dict[str, Any]] = field(default_factory=list)


def check_items(body: ScoreRequest, settings: Settings) -> None:
    if not body.items:
        raise ApiError("INVALID_REQUEST", 'items is empty; send at least one item: {"items": [{"text": "..."}]}')
    if len(body.items) > settings.max_items:
        raise ApiError(
            "TOO_MANY_ITEMS",
            f"{len(body.items)} items sent, the limit is {settings.max_items} per "
            "request; split them over several requests",
        )


def prepare_item(i: int, it: ScoreItem, explain: bool, settings: Settings, policies: PolicyBook) -> Prepared:
    """Check the item's texts, resolve its channel's policy and its kind (post or reply), with warnings."""
    warns = check_text(it.text, i, "text", settings.max_text_chars)
    parent = it.parent_text
    if parent is not None:
        if not is_blank(parent):
            warns += check_text(parent, i, "parent_text", settings.max_text_chars)
        else:
            parent = None
    policy = policies.resolve(it.channel)
    if policy is None:
        raise ApiError(
            "INVALID_REQUEST",
            f"items[{i}].channel {it.channel!r} is not a configured "
            f"channel; known channels: {policies.names}. Omit channel for the default policy",
            item=i,
        )
    kind = it.kind or ("reply" if parent else "post")
    if kind == "reply" and parent is None:
        warns.append(
            {
                "code": "REPLY_WITHOUT_PARENT",
                "message": "kind is reply but parent_text is "
                "missing: the reply was scored on its own text only and not checked for repeating "
                "its parent. Send parent_text (the post it answers) for the pre-publication check.",
            }
        )
    if kind == "post" and parent is not None:
        warns.append(
            {
                "code": "PARENT_TEXT_IGNORED",
                "message": "parent_text is used for replies only; send kind: reply to check this text as a reply",
            }
        )
        parent = None
    return Prepared(WorkItem(it.text, parent, policy, explain), kind, warns)


def build_result(i: int, it: ScoreItem, prep: Prepared, out: Outcome) -> dict[str, Any]:
    s = out.scored
    return {
        "index": i,
        "id": it.id,
        "kind": prep.kind,
        "scores": {r: round_score(p) for r, p in s.scores.items()},
        "flags": s.flags,
        "decisions": s.decisions,
        "decision": s.decision,
        "policy": prep.work.policy,
        "spans": out.spans,
        "warnings": [w.to_dict() for w in s.warnings] + prep.warnings + out.warnings,
        "matches": out.matches,
    }


def stored_rows(
    body: ScoreRequest,
    prepared: list[Prepared],
    results: list[dict[str, Any]],
    scorer: Scorer,
    request_id: str,
    caller_id: str,
) -> list[dict[str, Any]]:
    return [
        {
            "request_id": request_id,
            "item_id": it.id,
            "kind": prep.kind,
            "policy": prep.work.policy,
            # Stored as feedback stores them (serving/routes/feedback.py): the review queue matches an item with
            # the feedback given on it by these texts, and some databases (PostgreSQL) refuse NUL in text.
            "text": strip_controls(it.text),
            "parent_text": strip_controls(prep.work.parent) if prep.work.parent else None,
            "model_name": scorer.name,
            "model_version": scorer.version,
            "scores": res["scores"],
            "decisions": res["decisions"],
            "decision": res["decision"],
            "warnings": res["warnings"],
            "caller": caller_id,
        }
        for it, prep, res in zip(body.items, prepared, results, strict=True)
    ]


async def store_scored(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the scored items; a failure is a NOT_STORED warning (the scores are valid all the same)."""
    try:
        await asyncio.to_thread(store.add_scored, rows)
    except Exception as e:
        logger.error("storing %d scored item(s) in %s failed: %s", len(rows), store.describe(), type(e).__name__)
        return [
            {
                "code": "NOT_STORED",
                "message": "store was requested but the database could not be written; "
                "the scores are valid, nothing was kept. Retry with store: true later.",
            }
        ]
    return []


@router.post(
    "/v1/score", response_model=ScoreResponse, responses=ERROR_RESPONSES, summary="Score posts and draft replies"
)
async def score(
    request: Request,
    response: Response,
    body: Annotated[ScoreRequest, Body(openapi_examples=SCORE_EXAMPLES)],
    caller: CallerDep,
    settings: SettingsDep,
    holder: HolderDep,
    policies: PoliciesDep,
    batcher: BatcherDep,
    metrics: MetricsDep,
    store: StoreDep,
) -> dict[str, Any]:
    """Score one or many texts (up to the configured maximum), results in input order.

    A `reply` is scored on its own text and also checked for repeating what made its parent risky
    (warning REPEATS_RISKY_PARENT with the repeated words): the pre-publication check for agencies'
    answers to hoaxes.
    """
    check_items(body, settings)
    prepared = [prepare_item(i, it, body.explain, settings, policies) for i, it in enumerate(body.items)]
    require_scorer(holder)
    try:
        outcomes, scorer = await batcher.submit([p.work for p in prepared])
    except BatcherClosed as e:
        raise ApiError("NOT_READY", f"{e}; retry shortly", headers={"Retry-After": "5"}) from e
    request_id = request_id_of(body.request_id, request)
    response.headers["X-Request-ID"] = request_id
    results = []
    for i, (it, prep, out) in enumerate(zip(body.items, prepared, outcomes, strict=True)):
        metrics.observe_result(out.scored, prep.work.policy)
        results.append(build_result(i, it, prep, out))
    used = sorted({p.work.policy for p in prepared})
    payload: dict[str, Any] = {
        "model": {"name": scorer.name, "version": scorer.version},
        "request_id": request_id,
        "results": results,
        "policies": {p: policies.describe(scorer, p) for p in used},
        "warnings": [],
    }
    if body.store:
        payload["warnings"] += await store_scored(
            store, stored_rows(body, prepared, results, scorer, request_id, caller.id)
        )
    return payload
