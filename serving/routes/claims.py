"""Routes of the claim memory: add fact-checked claims, search them, list them.

The store comes from serving.deps (``ClaimsDep``: the one attached to the app, opened or created on first
use); when there is none every route answers 503 NOT_READY. serving.app includes :data:`router` with the API's
keys and rate limits. Errors use the API's one shape, ``{"error": {"code", "message", "item"}}``
(serving.errors).
"""

from __future__ import annotations

import datetime as _dt
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from model.claims import MAX_CLAIM_CHARS, VERDICTS, ClaimImportError
from model.examples import DataError
from serving.deps import ClaimsDep
from serving.errors import SHAPE_TAG, ApiError
from serving.schemas import NON_BLANK_TEXT, ErrorResponse, is_blank

logger = logging.getLogger(__name__)

MAX_CLAIMS_PER_REQUEST = 500
MAX_QUERY_CHARS = 10_000


def _err(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


# Every route: key (401), rate limit (429), schema (422) and a store that cannot be opened (503).
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _err("UNAUTHORIZED: missing or invalid API key"),
    422: _err("INVALID_REQUEST: the request does not match the schema (or, for POST, a bad claim record)"),
    429: _err("RATE_LIMITED (see the Retry-After header)"),
    503: _err("NOT_READY: the claim store could not be opened or created (see Retry-After)"),
}

router = APIRouter(prefix="/v1/claims", tags=["claims"], responses=COMMON_ERRORS)


_VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f]"
_SPACE = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"  # the same in every dialect
_PLAIN = r"[^\x00-\x1f\x7f-\x9f]"
TWO_WORDS = f"^{_PLAIN}*{_VISIBLE}{_SPACE}+{_VISIBLE}{_PLAIN}*$"


class ClaimIn(BaseModel):
    """One fact-checked claim as the API takes it. ClaimReview feeds, CSV files and publishers' rating texts
    without a verdict are imported with `saring claims import`, which maps ratings to verdicts."""

    model_config = ConfigDict(strict=True, extra="forbid")

    claim: str = Field(
        max_length=MAX_CLAIM_CHARS,
        pattern=TWO_WORDS,
        description="The claim as it circulated (at least two words).",
        examples=["Air rebusan daun sirsak menyembuhkan kanker"],
    )
    verdict: Literal["false", "misleading", "true", "unproven"] = Field(
        description="The fact-checker's verdict, normalised.", examples=["false"]
    )
    publisher: str = Field(
        max_length=200,
        pattern=f"^{_PLAIN}*{_VISIBLE}{_PLAIN}*$",
        description="The fact-checker.",
        examples=["cekfakta.com"],
    )
    rating: str | None = Field(
        None,
        max_length=200,
        pattern=f"^{_PLAIN}*{_VISIBLE}{_PLAIN}*$",
        description="The publisher's own rating text (e.g. HOAKS); kept as it is.",
        examples=["HOAKS"],
    )
    url: str | None = Field(
        None,
        max_length=2000,
        pattern=r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$",
        description="The review's address.",
        examples=["https://cekfakta.com/sirsak"],
    )
    date: str | None = Field(
        None,
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        json_schema_extra={"format": "date"},
        description="Date of the review (YYYY-MM-DD).",
        examples=["2022-03-04"],
    )
    language: str | None = Field(
        None,
        pattern=r"^[a-z]{2,3}([-_][a-z0-9]{2,8})*$",
        max_length=40,
        description="ISO 639 code of the claim's language.",
        examples=["id"],
    )
    id: str | None = Field(
        None,
        max_length=128,
        pattern=f"^{_PLAIN}*{_VISIBLE}{_PLAIN}*$",
        description="A stable id; default: derived from the URL (or publisher) and the claim. "
        "A record with the id of a stored claim replaces it.",
    )

    @field_validator("id")
    @classmethod
    def _fetchable_id(cls, v: str | None) -> str | None:
        # GET /v1/claims/{id} must be able to return the claim: these names are a route or what a client's URL
        # handling removes
        if v is not None and v.strip() in ("search", ".", ".."):
            raise ValueError(
                f"the id {v!r} cannot be fetched back (GET /v1/claims/{v.strip()} is another route or no path at "
                "all); give another id, or none to have one derived from the URL and the claim"
            )
        return v

    @field_validator("date")
    @classmethod
    def _real_date(cls, v: str | None) -> str | None:
        if v is not None:
            _dt.date.fromisoformat(v)  # ValueError (a 422) for 2021-02-30
        return v

    def record(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


ClaimList = Annotated[list[ClaimIn], Field(min_length=1, json_schema_extra={"maxItems": MAX_CLAIMS_PER_REQUEST})]


class ClaimsIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    claims: ClaimList


_EXAMPLE = {
    "claims": [
        {
            "claim": "Vaksin COVID-19 mengandung chip pelacak",
            "verdict": "false",
            "rating": "SALAH",
            "publisher": "turnbackhoax.id",
            "url": "https://turnbackhoax.id/contoh",
            "date": "2021-05-01",
            "language": "id",
        },
        {
            "claim": "Air rebusan daun sirsak menyembuhkan kanker",
            "verdict": "false",
            "rating": "HOAKS",
            "publisher": "cekfakta.com",
        },
    ]
}


def _body_shape(value: Any) -> str:
    """Which of the three shapes a body has, so that a bad record is reported in its own terms (a plain union would
    list every shape's complaints: "claims: field required; claim: unknown field ...")."""
    if isinstance(value, list):
        return f"{SHAPE_TAG}list"
    if isinstance(value, dict) and "claims" in value:
        return f"{SHAPE_TAG}wrapped"
    return f"{SHAPE_TAG}one"


ClaimsBody = Annotated[
    Annotated[ClaimsIn, Tag(f"{SHAPE_TAG}wrapped")]
    | Annotated[ClaimList, Tag(f"{SHAPE_TAG}list")]
    | Annotated[ClaimIn, Tag(f"{SHAPE_TAG}one")],
    Discriminator(_body_shape),
]
assert set(ClaimIn.model_fields["verdict"].annotation.__args__) == set(VERDICTS)  # type: ignore[union-attr]


@router.post(
    "",
    status_code=201,
    summary="Add fact-checked claims",
    responses={
        400: _err("TOO_MANY_ITEMS (over 500 claims), INVALID_REQUEST (invalid JSON)"),
        409: _err("INVALID_REQUEST: two records of the request share an id but differ"),
        413: _err("INVALID_REQUEST: body above the size limit"),
    },
)
def add_claims(
    payload: Annotated[ClaimsBody, Body(openapi_examples={"claims": {"value": _EXAMPLE}})],
    claims: ClaimsDep,
) -> dict[str, Any]:
    """Add or update claims: one record, a list of them, or `{"claims": [...]}`. All or nothing: when any
    record is bad, nothing is stored and the error names the first bad record (`item`, counted from 0).
    A record with the id of a stored claim replaces it; without an id, the id is derived from its URL and
    claim text, so re-sending the same record changes nothing. ClaimReview (schema.org) feeds, CSV files and
    rating texts without a verdict: `saring claims import FILE` (the same store)."""
    if isinstance(payload, ClaimsIn):
        records = payload.claims
    elif isinstance(payload, list):
        records = payload
    else:
        records = [payload]
    if len(records) > MAX_CLAIMS_PER_REQUEST:
        raise ApiError(
            "TOO_MANY_ITEMS",
            f"{len(records)} claims in one request; the limit is "
            f"{MAX_CLAIMS_PER_REQUEST}. Send them in several requests, or import a file with "
            "`saring claims import`.",
        )
    try:
        report = claims.import_records([r.record() for r in records], source="api")
    except ClaimImportError as e:
        first = e.bad[0]
        others = "; ".join(str(b) for b in e.bad[1:6])
        more = f" Other bad records: {others}" + (" ..." if len(e.bad) > 6 else "") + "." if others else ""
        conflict = all(b.field == "id" for b in e.bad)
        raise ApiError(
            "INVALID_REQUEST",
            f"{len(e.bad)} bad record(s), nothing was stored. {first}.{more}",
            status=409 if conflict else 422,
            item=first.index - 1,
        ) from e
    except DataError as e:
        raise ApiError("INVALID_REQUEST", str(e), status=422) from e
    logger.info(
        "claims added through the API: %d added, %d updated, %d unchanged",
        report.added,
        report.updated,
        report.unchanged,
    )
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "duplicates": report.duplicates,
        "ids": report.ids,
        "total_claims": len(claims),
    }


@router.get(
    "/search", summary="Known claims nearest to a text", responses={400: _err("TEXT_EMPTY, TEXT_TOO_LONG: the query q")}
)
def search_claims(
    claims: ClaimsDep,
    q: Annotated[
        str,
        Query(
            description="A post or claim, in any wording.",
            json_schema_extra={"minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": NON_BLANK_TEXT},
        ),
    ],
    top: Annotated[int, Query(ge=1, le=50, description="How many claims to return.")] = 5,
) -> dict[str, Any]:
    """The `top` nearest claims, best first, each with its similarity (0-1: the weighted sum of the e5 cosine
    and the BM25 coverage), the calibrated probability that the text repeats it, and `match` (similarity at or
    above the calibrated threshold). `stance` is `refutes` when the text carries debunk cues."""
    if is_blank(q):
        raise ApiError(
            "TEXT_EMPTY",
            "the query q is empty; pass the text to search for, e.g. /v1/claims/search?q=vaksin+mengandung+chip",
        )
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError(
            "TEXT_TOO_LONG",
            f"the query has {len(q)} characters; the limit is {MAX_QUERY_CHARS}. "
            "Search with the part of the post that states the claim.",
        )
    params = claims.params
    return {"threshold": params.threshold, "dense_weight": params.dense_weight, "results": claims.search(q, top=top)}


@router.get(
    "",
    summary="List stored claims",
    responses={422: _err("INVALID_REQUEST: a parameter out of range or an unknown verdict")},
)
def list_claims(
    claims: ClaimsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    verdict: Annotated[
        Literal["false", "misleading", "true", "unproven"] | None, Query(description=f"One of {', '.join(VERDICTS)}.")
    ] = None,
) -> dict[str, Any]:
    """Stored claims, newest review first. `total`: how many match the filter (all claims without `verdict`),
    the count to page through with `limit` and `offset`. An unknown `verdict` is refused by the parameter's type
    (422 INVALID_REQUEST naming the verdicts allowed) before this runs."""
    return {"total": claims.count(verdict), "claims": [c.to_dict() for c in claims.list_claims(limit, offset, verdict)]}


# `:path`: ids imported from ClaimReview feeds are often URLs (their @id), slashes and all
@router.get("/{claim_id:path}", summary="One stored claim", responses={404: _err("NOT_FOUND: no claim with this id")})
def get_claim(claim_id: str, claims: ClaimsDep) -> dict[str, Any]:
    found = claims.get(claim_id)
    if found is None:
        raise ApiError("NOT_FOUND", f"no claim with id {claim_id!r}; search or list the claims to find ids")
    return found.to_dict()
