"""POST /v1/feedback: an analyst's correction, stored durably; a confirmed hoax also becomes a claim."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request

from model.claims import claim_from_feedback
from serving.deps import CallerDep, HolderDep, SettingsDep, StoreDep, claim_store
from serving.errors import ApiError
from serving.schemas import (
    ERROR_RESPONSES,
    FEEDBACK_EXAMPLES,
    FeedbackRequest,
    FeedbackResponse,
    is_blank,
    strip_controls,
)
from serving.validation import check_text

logger = logging.getLogger(__name__)

router = APIRouter(tags=["feedback"])


@router.post(
    "/v1/feedback",
    status_code=201,
    response_model=FeedbackResponse,
    responses=ERROR_RESPONSES,
    summary="Record an analyst's correction",
)
async def feedback(
    request: Request,
    body: Annotated[FeedbackRequest, Body(openapi_examples=FEEDBACK_EXAMPLES)],
    caller: CallerDep,
    settings: SettingsDep,
    holder: HolderDep,
    store: StoreDep,
) -> dict[str, Any]:
    """Store a correction (the text, the risk, the right label) durably; `saring feedback export` turns
    the corrections into a labelled file for `saring train`."""
    check_text(body.text, None, "text", settings.max_text_chars)
    parent_text = body.parent_text if body.parent_text and not is_blank(body.parent_text) else None
    if parent_text:
        check_text(parent_text, None, "parent_text", settings.max_text_chars)
    # Stored as training will read it: the normaliser drops control characters anyway, and some databases
    # (PostgreSQL) refuse NUL in text.
    text = strip_controls(body.text)
    parent_text = strip_controls(parent_text) if parent_text else None
    version = body.model_version or (holder.scorer.version if holder.scorer else None)
    try:
        new_id = await asyncio.to_thread(
            store.add_feedback,
            text=text,
            risk=body.risk,
            label=int(body.label),
            note=body.note,
            model_version=version,
            parent_text=parent_text,
            item_id=body.id,
            caller=caller.id,
        )
    except Exception as e:
        logger.error("writing feedback to %s failed: %s", store.describe(), type(e).__name__)
        raise ApiError(
            "NOT_READY",
            "the feedback store is unavailable; nothing was stored. Retry shortly",
            headers={"Retry-After": "30"},
        ) from e
    claim_id, warnings = None, []
    if body.risk == "hoax" and int(body.label) == 1:
        claim_id, why = await hoax_to_claim(request, text, body.note, version, new_id)
        if claim_id is None:
            warnings.append(
                {
                    "code": "CLAIM_NOT_ADDED",
                    "message": f"the feedback is stored, but the hoax was not added to the claim memory: {why}. "
                    "Fix: add the claim as it circulated with POST /v1/claims (or the console's Klaim page), so "
                    "that its rewordings are recognised",
                }
            )
    return {"id": new_id, "stored": True, "claim_id": claim_id, "warnings": warnings}


async def hoax_to_claim(
    request: Request, text: str, note: str | None, version: str | None, feedback_id: int
) -> tuple[str | None, str]:
    """A hoax confirmed once becomes a claim, so its later rewordings are recognised too. The feedback itself
    is stored already: a failure here is logged (the claim can be added by hand) and gives (None, why)."""
    try:
        claims = await asyncio.to_thread(claim_store, request.app, create=True)
        if claims is None or not hasattr(claims, "add"):
            raise RuntimeError("no writable claim store")
        claim = claim_from_feedback(text, note, version)
        await asyncio.to_thread(claims.add, [claim])
        return claim.id, ""
    except ValueError as e:  # the text cannot be a claim (e.g. fewer than two words): say which rule
        logger.warning("hoax feedback %s was not added as a claim: %s", feedback_id, type(e).__name__)
        return None, str(e)
    except ApiError as e:  # the claim store cannot be opened or created
        logger.error("turning hoax feedback %s into a claim failed: %s", feedback_id, e.code)
        return None, e.message
    except Exception as e:
        logger.error("turning hoax feedback %s into a claim failed: %s", feedback_id, type(e).__name__)
        return None, f"the claim store failed ({type(e).__name__}; logged)"
