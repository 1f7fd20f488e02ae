"""The console's input schemas: the forms it posts and the filters of its list pages."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from serving.routes.console.settings import PAGE_SIZE


class FormModel(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=1_000_000)

    csrf: str = ""


class LoginForm(FormModel):
    key: str = ""
    next: str = "/console/periksa"


class CheckForm(FormModel):
    text: str = ""
    kind: Literal["post", "reply"] = "post"
    parent_text: str = ""
    channel: str = ""
    explain: bool = False
    store: bool = False


class FeedbackForm(FormModel):
    action: str = Field(pattern=r"^(hoax|slander|incitement):(confirm|correct)$")
    back: str = ""


class ClaimForm(FormModel):
    claim: str = ""
    verdict: str = "false"
    rating: str = ""
    publisher: str = ""
    url: str = ""
    date: str = ""
    language: str = "id"


class QueueFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: Literal["waiting", "reviewed", "all"] = "waiting"
    decision: Literal["flagged", "review", "block", "allow", "all"] = "flagged"
    risk: Literal["", "hoax", "slander", "incitement"] = ""
    channel: str = Field("", max_length=64)
    date_from: date | None = None
    date_to: date | None = None
    sort: Literal["newest", "riskiest"] = "newest"
    page: int = Field(1, ge=1, le=100_000)
    at: int = Field(0, ge=0, le=PAGE_SIZE)

    def query(self, **changes: Any) -> str:
        values = {**self.model_dump(), **changes}
        return urlencode({k: ("" if v is None else v) for k, v in values.items() if v not in (None, "")})


class ClaimsFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field("", max_length=10_000)
    verdict: Literal["", "false", "misleading", "true", "unproven"] = ""
    page: int = Field(1, ge=1, le=100_000)


def non_blank(params: dict[str, str]) -> dict[str, str]:
    """Query parameters without the empty ones (an empty field of the filter form means no filter)."""
    return {k: v for k, v in params.items() if v != ""}
