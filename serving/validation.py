"""Checks of request texts and ids that the schemas cannot express, shared by the scoring, feedback and
moderation routes: every failure is an ApiError with the API's one error shape."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import Request

from serving.errors import ApiError
from serving.schemas import control_characters, is_blank, unpaired_surrogate

_REQUEST_ID_RE = re.compile(r"^[!-~]{1,128}$")  # visible ASCII: safe in a header


def check_text(value: str, item: int | None, field: str, max_chars: int) -> list[dict[str, Any]]:
    """TEXT_EMPTY, TEXT_TOO_LONG, or INVALID_REQUEST for what cannot be text at all (unpaired surrogates).

    Control characters (other than tab, newline and carriage return) are what real posts copied from apps
    carry: the text is scored as audits score it (the normaliser drops them) and the returned warning says
    so. A text of nothing but white space, control characters and invisible format characters is TEXT_EMPTY."""
    where = f"items[{item}].{field}" if item is not None else field
    if is_blank(value):
        raise ApiError(
            "TEXT_EMPTY",
            f"{where} is empty or only whitespace (or control or invisible characters); send the text "
            "to score, or leave the item out",
            item=item,
        )
    if len(value) > max_chars:
        raise ApiError(
            "TEXT_TOO_LONG",
            f"{where} has {len(value)} characters, the limit is {max_chars}; split "
            "the text into parts and score them as separate items",
            item=item,
        )
    bad = unpaired_surrogate(value)
    if bad:
        raise ApiError(
            "INVALID_REQUEST",
            f"{where} contains {bad}; expected text. Send the text as valid "
            "UTF-8 (a lone surrogate usually means a string was cut inside an emoji)",
            item=item,
        )
    controls = control_characters(value)
    if not controls:
        return []
    pos, ch = controls[0]
    return [
        {
            "code": "CONTROL_CHARACTERS_REMOVED",
            "field": field,
            "message": f"{where} holds {len(controls)} control character(s) (the first, U+{ord(ch):04X}, at "
            f"position {pos}); they were dropped before scoring, as batch audits do. Clean them at "
            "the source if the text is shown to people.",
        }
    ]


def request_id_of(body_id: str | None, request: Request) -> str:
    """The request's id: the body's, else a well-formed X-Request-ID header, else a new one."""
    if body_id:
        return body_id
    header = request.headers.get("x-request-id")
    if header and _REQUEST_ID_RE.match(header):
        return header
    return uuid.uuid4().hex


def round_score(x: float) -> float:
    """Scores as the API returns them (6 decimals), the same in /v1/score and /v1/moderations."""
    return round(float(x), 6)
