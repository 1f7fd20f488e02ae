"""Request and response schemas of the API, with Indonesian examples for /docs.

Requests are strict (no silent type coercion: `"explain": "yes"` is an error, not true) and reject unknown
fields, so a misspelt `parentText` fails loudly instead of silently skipping the reply check.
Text fields are checked by the route (not here) so that empty and overlong texts get their own codes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from model.normalize import bad_character

Decision = Literal["allow", "review", "block"]  # model.labels.DECISIONS

ALLOWED_CONTROLS = {"\t", "\n", "\r"}


# What the OpenAPI schema says about text fields, so that a schema-valid request is an accepted one:
# a text holds at least one character that is neither white space, a control character nor an invisible format
# character (zero-width spaces and joiners, direction marks, the soft hyphen, BOM: a text of only those shows
# nothing to a reader, and the route answers TEXT_EMPTY); labels (ids, channels, versions) hold no control
# characters at all.
NON_BLANK_TEXT = (
    r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    r"\ufff9-\ufffb]"
)
NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f]*$"
NO_CONTROLS_BUT_NEWLINES = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_NON_BLANK_RE = re.compile(NON_BLANK_TEXT)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_blank(s: str) -> bool:
    """True when `s` holds nothing but white space, control characters and invisible format characters (what
    NON_BLANK_TEXT forbids)."""
    return _NON_BLANK_RE.search(s) is None


def control_characters(s: str) -> list[tuple[int, str]]:
    """(position, character) of every control character that is not a tab, newline or carriage return."""
    return [(m.start(), m.group()) for m in _CONTROL_RE.finditer(s)]


def strip_controls(s: str) -> str:
    """`s` without the control characters that control_characters() reports."""
    return _CONTROL_RE.sub("", s)


def unpaired_surrogate(s: str) -> str | None:
    """Describe the first unpaired surrogate (not valid Unicode: it cannot be text at all), else None."""
    for i, ch in enumerate(s):
        if unicodedata.category(ch) == "Cs":
            return f"an unpaired surrogate U+{ord(ch):04X} at position {i} (not valid Unicode)"
    return None


def _check_label(v: str | None) -> str | None:
    if v is None:
        return v
    bad = bad_character(v)
    if bad:
        raise ValueError(f"contains {bad}; expected printable characters only")
    return v


ShortLabel = Annotated[str, Field(max_length=128, json_schema_extra={"pattern": NO_CONTROLS})]
# Checked by the route (TEXT_EMPTY, TEXT_TOO_LONG with the server's limit), documented here.
Text = Annotated[str, Field(json_schema_extra={"pattern": NON_BLANK_TEXT})]


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class ScoreItem(StrictModel):
    text: Text = Field(
        description="The post or draft reply, as written (no need to normalise slang). Control "
        "characters are dropped before scoring, as audits do (warning CONTROL_CHARACTERS_REMOVED).",
        examples=["Vaksin mengandung chip pelacak, jgn mau disuntik!!"],
    )
    id: ShortLabel | None = Field(
        None, description="Your identifier, echoed back in the result.", examples=["post-123"]
    )
    kind: Literal["post", "reply"] | None = Field(
        None,
        description="post (default) or reply. A reply is scored on its own text and also checked for "
        "repeating what made its parent risky. Default: reply when parent_text is given, else post.",
    )
    parent_text: str | None = Field(None, description="For a reply: the post it answers.")
    channel: ShortLabel | None = Field(
        None,
        description="Name of a channel policy configured on the server (threshold overrides); "
        "omit for the model's own thresholds.",
        examples=["pengaduan"],
    )

    _ids = field_validator("id", "channel")(_check_label)


class ScoreRequest(StrictModel):
    items: list[ScoreItem] = Field(description="One or more texts; results come back in the same order.")
    explain: bool = Field(
        False,
        description="Return `spans`: the words that pushed each flagged risk up "
        "(occlusion: each word removed in turn and the drop in the calibrated score measured).",
    )
    store: bool = Field(
        False,
        description="Store the texts and their scores on the server (for audits). Off by default: nothing is kept.",
    )
    request_id: Annotated[str, Field(pattern=r"^[!-~]{1,128}$")] | None = Field(
        None,
        description="Your token for this request (visible ASCII, no spaces, up to 128 characters), echoed "
        "back in the body and the X-Request-ID header (like Perspective's clientToken); generated if omitted.",
        examples=["audit-2024-06-01"],
    )


SCORE_EXAMPLES: dict[str, dict[str, Any]] = {
    "post": {
        "summary": "Satu unggahan (one post)",
        "value": {
            "items": [
                {
                    "id": "post-1",
                    "text": "SEBARKAN!! minum air rebusan daun sirih pasti sembuh "
                    "dari kanker, dokter menyembunyikan ini",
                }
            ]
        },
    },
    "reply": {
        "summary": "Draf balasan instansi (a draft reply checked before publication)",
        "value": {
            "items": [
                {
                    "id": "draft-7",
                    "kind": "reply",
                    "text": (
                        "Tidak benar bahwa vaksin mengandung chip pelacak dari luar negeri. Vaksin sudah diuji BPOM."
                    ),
                    "parent_text": "vaksin mengandung chip pelacak dari luar negeri, jangan mau disuntik",
                }
            ]
        },
    },
    "batch": {
        "summary": "Beberapa teks sekaligus, dengan penjelasan dan kanal (batch, explained, with a channel)",
        "value": {
            "explain": True,
            "request_id": "audit-2024-06-01",
            "items": [
                {
                    "id": "a",
                    "text": "jalan di depan rumah kami rusak parah, mohon segera diperbaiki",
                    "channel": "pengaduan",
                },
                {"id": "b", "text": "dasar walikota goblok, maling uang rakyat", "channel": "pengaduan"},
            ],
        },
    },
}


class Span(BaseModel):
    begin: int = Field(description="Character offset of the word's first character in the original text.")
    end: int = Field(description="Offset just after its last character: text[begin:end] is the word.")
    word: str
    risk: str
    weight: float = Field(description="Drop in the calibrated score of `risk` when the word is removed.")


class ItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request.")
    id: str | None
    kind: Literal["post", "reply"]
    scores: dict[str, float] = Field(
        description="Calibrated probability per risk (0.7 means about 70% of "
        "validation texts scoring 0.7 carried the risk)."
    )
    flags: dict[str, bool] = Field(description="True where the risk's decision is review or block.")
    decisions: dict[str, Decision]
    decision: Decision = Field(description="The most severe of the per-risk decisions.")
    policy: str = Field(description="The policy whose thresholds decided: 'default' or a channel name.")
    spans: list[Span] = Field(description="With explain=true: the words behind each flagged risk.")
    warnings: list[dict[str, Any]] = Field(
        description="{code, message, ...}: e.g. TEXT_TOO_SHORT, LANGUAGE_NOT_SUPPORTED (with `language`, an ISO "
        "639 code), REPEATS_RISKY_PARENT (with `words`), REPLY_WITHOUT_PARENT."
    )
    matches: list[dict[str, Any]] = Field(
        description="Known fact-checked claims the text matches (when the server has a claim store); empty otherwise."
    )


class ModelRef(BaseModel):
    name: str
    version: str


class ScoreResponse(BaseModel):
    model: ModelRef
    request_id: str
    results: list[ItemResult]
    policies: dict[str, dict[str, dict[str, float]]] = Field(
        description="The thresholds {risk: {flag, block}} of each policy used in this response."
    )
    warnings: list[dict[str, Any]] = Field(default_factory=list, description="Request-level warnings.")


class FeedbackRequest(StrictModel):
    text: Text = Field(
        description="The text corrected; control characters are removed before it is stored.",
        examples=["pak camat itu tukang peras warga"],
    )
    risk: Literal["hoax", "slander", "incitement"]
    label: Literal[0, 1] | bool = Field(description="1 (or true): the text carries the risk; 0 (false): it does not.")
    note: Annotated[str, Field(max_length=2000, json_schema_extra={"pattern": NO_CONTROLS_BUT_NEWLINES})] | None = None
    model_version: ShortLabel | None = Field(None, description="The version that produced the corrected score.")
    parent_text: str | None = None
    id: ShortLabel | None = Field(None, description="Your identifier for the text.")

    _labels = field_validator("model_version", "id")(_check_label)

    @field_validator("note")
    @classmethod
    def _note(cls, v: str | None) -> str | None:
        if v is not None and (bad := bad_character(v, ALLOWED_CONTROLS)):
            raise ValueError(f"contains {bad}; expected plain text")
        return v


FEEDBACK_EXAMPLES: dict[str, dict[str, Any]] = {
    "false_positive": {
        "summary": "Keluhan warga bukan fitnah (a complaint is not slander)",
        "value": {
            "text": "pelayanan kantor samsat lambat sekali, antrean panjang",
            "risk": "slander",
            "label": 0,
            "note": "keluhan layanan, bukan serangan pribadi",
            "model_version": "saring-...",
        },
    },
}


class FeedbackResponse(BaseModel):
    id: int
    stored: bool = True
    claim_id: str | None = Field(None, description="set when confirmed hoax feedback was added to the claim store")
    warnings: list[dict[str, Any]] = Field(
        default_factory=list,
        description="CLAIM_NOT_ADDED when confirmed hoax feedback was stored but could not become a claim (why, and "
        "the fix); the feedback itself is stored either way.",
    )


class ErrorDetail(BaseModel):
    code: str
    message: str
    item: int | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


# The error responses documented on the scoring, model and feedback routes.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "TEXT_EMPTY, TEXT_TOO_LONG, TOO_MANY_ITEMS, INVALID_REQUEST"},
    401: {"model": ErrorResponse, "description": "UNAUTHORIZED: missing or invalid API key"},
    413: {"model": ErrorResponse, "description": "INVALID_REQUEST: body above the size limit"},
    422: {"model": ErrorResponse, "description": "INVALID_REQUEST: the body does not match the schema"},
    429: {"model": ErrorResponse, "description": "RATE_LIMITED (see the Retry-After header)"},
    503: {"model": ErrorResponse, "description": "NOT_READY: the model is loading (see Retry-After)"},
}


class ReloadRequest(StrictModel):
    model_dir: Annotated[str, Field(max_length=4096)] | None = Field(
        None, description="Directory to load; default: the configured SARING_MODEL_DIR."
    )
