"""Routes of the claim memory: add fact-checked claims, search them, list them.

The app attaches the store in its lifespan handler (``app.state.claims = ClaimIndex.open(...)``) and
includes :data:`router`; while no store is attached every route answers 503 NOT_READY. Errors use the API's
one shape, ``{"error": {"code", "message", "item"}}`` (serving.errors).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from model.claims import VERDICTS, ClaimImportError, ClaimIndex
from model.examples import DataError
from serving.errors import ApiError

logger = logging.getLogger(__name__)

MAX_CLAIMS_PER_REQUEST = 500
MAX_QUERY_CHARS = 10_000

router = APIRouter(prefix="/v1/claims", tags=["claims"])


def get_claims(request: Request) -> ClaimIndex:
    """The claim store attached to the app, or 503 NOT_READY."""
    claims = getattr(request.app.state, "claims", None)
    if claims is None:
        raise ApiError("NOT_READY", "the claim store is not available: it is still loading, or the server was "
                       "started without one (set SARING_CLAIMS_DB). Retry later or ask the operator.",
                       status=503, headers={"Retry-After": "30"})
    return claims


Claims = Annotated[ClaimIndex, Depends(get_claims)]

_EXAMPLE = {
    "claims": [
        {
            "@type": "ClaimReview",
            "claimReviewed": "Vaksin COVID-19 mengandung chip pelacak",
            "reviewRating": {"@type": "Rating", "alternateName": "SALAH"},
            "author": {"@type": "Organization", "name": "turnbackhoax.id"},
            "url": "https://turnbackhoax.id/contoh",
            "datePublished": "2021-05-01",
            "inLanguage": "id",
        },
        {"claim": "Air rebusan daun sirsak menyembuhkan kanker", "rating": "HOAKS", "publisher": "cekfakta.com"},
    ]
}


def _count(payload: Any) -> int:
    if isinstance(payload, list):
        return len(payload)
    if isinstance(payload, dict):
        for key in ("claims", "@graph", "dataFeedElement"):
            if isinstance(payload.get(key), list):
                return len(payload[key])
    return 1


@router.post("", status_code=201, summary="Add fact-checked claims (ClaimReview or flat records)")
def add_claims(
    payload: Annotated[dict[str, Any] | list[Any], Body(openapi_examples={"claimreview": {"value": _EXAMPLE}})],
    claims: Claims,
) -> dict[str, Any]:
    """Add or update claims: one ClaimReview (schema.org) or flat record ({claim, rating | verdict,
    publisher, url, date, language, id}), a list of them, `{"claims": [...]}`, a JSON-LD `@graph`, or the
    Google Fact Check Tools API shape (`claims[].claimReview[]`). All or nothing: when any record is bad,
    nothing is stored and the error names the first bad record (`item`, counted from 0) and lists the others.
    A record with the id of a stored claim replaces it; without an id, the id is derived from its URL and
    claim text, so re-sending the same record changes nothing."""
    n = _count(payload)
    if n > MAX_CLAIMS_PER_REQUEST:
        raise ApiError("TOO_MANY_ITEMS", f"{n} claims in one request; the limit is {MAX_CLAIMS_PER_REQUEST}. "
                       "Send them in several requests, or import a file with `saring claims import`.")
    try:
        report = claims.import_records(payload, source="api")
    except ClaimImportError as e:
        first = e.bad[0]
        others = "; ".join(str(b) for b in e.bad[1:6])
        more = f" Other bad records: {others}" + (" ..." if len(e.bad) > 6 else "") + "." if others else ""
        raise ApiError("INVALID_REQUEST", f"{len(e.bad)} bad record(s), nothing was stored. {first}.{more}",
                       status=422, item=first.index - 1) from e
    except DataError as e:
        raise ApiError("INVALID_REQUEST", str(e), status=422) from e
    logger.info("claims added through the API: %d added, %d updated, %d unchanged", report.added,
                report.updated, report.unchanged)
    return {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
            "duplicates": report.duplicates, "ids": report.ids, "total_claims": len(claims)}


@router.get("/search", summary="Known claims nearest to a text")
def search_claims(
    claims: Claims,
    q: Annotated[str, Query(description="A post or claim, in any wording.")] = "",
    top: Annotated[int, Query(ge=1, le=50, description="How many claims to return.")] = 5,
) -> dict[str, Any]:
    """The `top` nearest claims, best first, each with its similarity (0-1: the weighted sum of the e5 cosine
    and the BM25 coverage), the calibrated probability that the text repeats it, and `match` (similarity at or
    above the calibrated threshold). `stance` is `refutes` when the text carries debunk cues."""
    if not q.strip():
        raise ApiError("TEXT_EMPTY", "the query q is empty; pass the text to search for, e.g. "
                       "/v1/claims/search?q=vaksin+mengandung+chip")
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError("TEXT_TOO_LONG", f"the query has {len(q)} characters; the limit is {MAX_QUERY_CHARS}. "
                       "Search with the part of the post that states the claim.")
    params = claims.params
    return {"threshold": params.threshold, "dense_weight": params.dense_weight,
            "results": claims.search(q, top=top)}


@router.get("", summary="List stored claims")
def list_claims(
    claims: Claims,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    verdict: Annotated[str | None, Query(description=f"One of {', '.join(VERDICTS)}.")] = None,
) -> dict[str, Any]:
    """Stored claims, newest review first."""
    if verdict is not None and verdict not in VERDICTS:
        raise ApiError("INVALID_REQUEST", f"verdict {verdict!r} is not known; expected one of {list(VERDICTS)}")
    return {"total": len(claims), "claims": [c.to_dict() for c in claims.list(limit, offset, verdict)]}


@router.get("/{claim_id}", summary="One stored claim")
def get_claim(claim_id: str, claims: Claims) -> dict[str, Any]:
    found = claims.get(claim_id)
    if found is None:
        raise ApiError("NOT_FOUND", f"no claim with id {claim_id!r}; search or list the claims to find ids")
    return found.to_dict()
