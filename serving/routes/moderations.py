"""`POST /v1/moderations`: saring behind the OpenAI moderation contract.

Moderation stacks that already speak OpenAI's format (the official SDKs' ``client.moderations.create``) can
point their base URL at saring. The request is ``{"input": str | [str], "model": str?}``; the response is
``{"id", "model", "results": [{"flagged", "categories", "category_scores", ...}]}`` in input order, with
saring's risks (``hoax``, ``slander``, ``incitement``) as the categories.

Nothing here scores on its own: the texts go through the app's micro-batcher (serving.deps ``BatcherDep``) as
``WorkItem``s under the default policy, exactly as ``POST /v1/score`` sends them, so the numbers are the same
(rounded the same way), and the route takes the same API keys, rate limits and input limits. Errors carry the
same codes and HTTP statuses as ``/v1/score`` but in OpenAI's shape,
``{"error": {"message", "type", "param", "code"}}``, which the SDK turns into its typed exceptions
(``AuthenticationError``, ``BadRequestError``, ``RateLimitError``, ...). See docs/api.md.

The app includes :data:`router` (``serving.app.create_app``); shared dependencies come from serving.deps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from model.labels import RISKS
from serving.batcher import BatcherClosed
from serving.deps import BatcherDep, HolderDep, MetricsDep, SettingsDep, check_caller, require_scorer
from serving.engine import Outcome, WorkItem
from serving.errors import ApiError, validation_message
from serving.schemas import ErrorResponse, ShortLabel, StrictModel, Text, _check_label
from serving.security import Caller
from serving.settings import DEFAULT_POLICY
from serving.validation import check_text, request_id_of, round_score

logger = logging.getLogger(__name__)

# saring's error code -> OpenAI's error `type` (the HTTP status stays that of /v1/score).
OPENAI_ERROR_TYPES: dict[str, str] = {
    "TEXT_EMPTY": "invalid_request_error",
    "TEXT_TOO_LONG": "invalid_request_error",
    "TOO_MANY_ITEMS": "invalid_request_error",
    "INVALID_REQUEST": "invalid_request_error",
    "NOT_FOUND": "invalid_request_error",
    "METHOD_NOT_ALLOWED": "invalid_request_error",
    "FORBIDDEN": "permission_error",
    "UNAUTHORIZED": "authentication_error",
    "RATE_LIMITED": "rate_limit_error",
    "NOT_READY": "server_error",
    "INTERNAL": "server_error",
}


# --------------------------------------------------------------------------------------------------------
# schemas


class ModerationTextInput(StrictModel):
    """A text part, as in OpenAI's multi-modal input form. saring reads text only: an `image_url` part is
    refused by the schema (422)."""

    type: Literal["text"]
    text: Text


TextList = Annotated[list[Text], Field(min_length=1)]
PartList = Annotated[list[ModerationTextInput], Field(min_length=1)]


class ModerationRequest(StrictModel):
    input: Text | TextList | PartList = Field(
        description='One text, a list of texts, or a list of `{"type": "text", "text": ...}` parts; one '
        "result per text, in the same order.",
        examples=[["SEBARKAN!! vaksin mengandung chip pelacak, jangan mau disuntik"]],
    )
    model: ShortLabel | None = Field(
        None,
        description="Accepted for compatibility and not used to choose: the server's loaded model scores "
        "every request, and the response's `model` names it.",
        examples=["saring"],
    )

    _model = field_validator("model")(_check_label)


MODERATION_EXAMPLES: dict[str, dict[str, Any]] = {
    "batch": {
        "summary": "Dua unggahan (two posts)",
        "value": {
            "input": [
                "SEBARKAN!! vaksin mengandung chip pelacak, jangan mau disuntik",
                "Kemenkes: kabar vaksin berisi chip pelacak adalah hoaks, vaksin aman dan gratis.",
            ]
        },
    },
    "one": {
        "summary": "Satu teks (one text)",
        "value": {"input": "dasar walikota goblok dan maling uang rakyat"},
    },
}


class ModerationCategories(BaseModel):
    hoax: bool
    slander: bool
    incitement: bool


class ModerationCategoryScores(BaseModel):
    hoax: float
    slander: float
    incitement: float


class ModerationResult(BaseModel):
    flagged: bool = Field(
        description="True when any risk is flagged (decision review or block) under the "
        "model's default thresholds, the `flags` of /v1/score."
    )
    categories: ModerationCategories = Field(description="Per risk: flagged under the default policy.")
    category_scores: ModerationCategoryScores = Field(
        description="Per risk: the calibrated probability, the `scores` of /v1/score."
    )
    category_applied_input_types: dict[str, list[Literal["text"]]] = Field(
        description="Per risk: the input types the score applies to (always text)."
    )


class ModerationResponse(BaseModel):
    id: str = Field(description="`modr-` and the request id (also in the X-Request-ID header).")
    model: str = Field(description="The version of the model that scored the texts.")
    results: list[ModerationResult]


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = Field(None, description="saring's error code, the same as on /v1/score.")


class OpenAIErrorResponse(BaseModel):
    error: OpenAIErrorDetail


# --------------------------------------------------------------------------------------------------------
# errors in OpenAI's shape


def openai_error(
    code: str, message: str, status: int, param: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "error": {
            "message": message,
            "type": OPENAI_ERROR_TYPES.get(code, "invalid_request_error"),
            "param": param,
            "code": code,
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _param_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """'input' or 'input[2]' from a pydantic location such as ('body', 'input', 2, ...)."""
    parts = [p for p in loc if p != "body"]
    if not parts:
        return None
    name = str(parts[0])
    if len(parts) > 1 and isinstance(parts[1], int):
        return f"{name}[{parts[1]}]"
    return name


class ParamError(ApiError):
    """An ApiError that names the request parameter at fault (OpenAI's `param`)."""

    def __init__(self, error: ApiError, param: str) -> None:
        super().__init__(error.code, error.message, status=error.status, headers=error.headers)
        self.param = param


class OpenAIErrorRoute(APIRoute):
    """Renders every error of the route, its dependencies (keys, rate limits) included, in OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as e:
                return openai_error(e.code, e.message, e.status, getattr(e, "param", None), e.headers)
            except RequestValidationError as e:
                errors = list(e.errors())
                if errors and errors[0].get("type") == "json_invalid":
                    return openai_error(
                        "INVALID_REQUEST",
                        "the body is not valid JSON; expected a JSON object such "
                        'as {"input": ["..."]}, encoded as UTF-8',
                        400,
                    )
                message, _ = validation_message(errors)
                param = _param_of(errors[0].get("loc", ())) if errors else None
                return openai_error("INVALID_REQUEST", message, 422, param)
            except StarletteHTTPException as e:
                code = "INVALID_REQUEST" if e.status_code < 500 else "INTERNAL"
                headers = dict(e.headers) if e.headers else None
                message = str(e.detail)
                if e.status_code == 400:  # the body could not be read (e.g. not UTF-8): say what is expected
                    message = (
                        "the body could not be parsed; expected a JSON object such as "
                        '{"input": ["..."]}, encoded as UTF-8, with Content-Type: application/json'
                    )
                return openai_error(code, message, e.status_code, None, headers)
            except Exception:
                logger.exception("unhandled error on %s %s", request.method, request.url.path)
                return openai_error("INTERNAL", "internal error; it has been logged. Retry later or report it.", 500)

        return route_handler


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": OpenAIErrorResponse, "description": "TEXT_EMPTY, TEXT_TOO_LONG, TOO_MANY_ITEMS, INVALID_REQUEST"},
    401: {"model": OpenAIErrorResponse, "description": "UNAUTHORIZED: missing or invalid API key"},
    413: {
        "model": ErrorResponse,
        "description": "INVALID_REQUEST: body above the size limit (refused before the "
        "route runs, so in saring's own error shape)",
    },
    422: {"model": OpenAIErrorResponse, "description": "INVALID_REQUEST: the body does not match the schema"},
    429: {"model": OpenAIErrorResponse, "description": "RATE_LIMITED (see the Retry-After header)"},
    503: {"model": OpenAIErrorResponse, "description": "NOT_READY: the model is loading (see Retry-After)"},
}

router = APIRouter(tags=["moderation"], route_class=OpenAIErrorRoute)


async def moderation_caller(request: Request, settings: SettingsDep) -> Caller:
    """The keys and rate limits of /v1/score, with one allowance: the OpenAI SDKs always send a key, so on a
    server that has no keys at all (loopback only, keys optional) a presented key is ignored instead of
    answering 401; the caller is then identified, and rate-limited, by its address as on /v1/score."""
    if settings.api_key_hashes:
        return check_caller(request, settings)
    caller = Caller(f"addr:{request.client.host if request.client else 'unknown'}", False)
    request.app.state.limiter.check(caller.id)
    return caller


ModerationCallerDep = Annotated[Caller, Depends(moderation_caller)]


# --------------------------------------------------------------------------------------------------------
# the route


def _texts(body: ModerationRequest) -> list[str]:
    if isinstance(body.input, str):
        return [body.input]
    return [part if isinstance(part, str) else part.text for part in body.input]


@router.post(
    "/v1/moderations",
    response_model=ModerationResponse,
    responses=ERROR_RESPONSES,
    summary="OpenAI-compatible moderation of one or many texts",
)
async def moderations(
    request: Request,
    response: Response,
    body: Annotated[ModerationRequest, Body(openapi_examples=MODERATION_EXAMPLES)],
    caller: ModerationCallerDep,
    settings: SettingsDep,
    holder: HolderDep,
    batcher: BatcherDep,
    metrics: MetricsDep,
) -> dict[str, Any]:
    """The OpenAI moderation contract over saring's three risks: `categories` and `category_scores` hold
    `hoax`, `slander` and `incitement`, with the same calibrated scores and flags as `POST /v1/score` under
    the default policy; `flagged` is true when any risk is flagged. Works with the official SDKs:
    `OpenAI(base_url="http://HOST:8000/v1", api_key=KEY).moderations.create(input=[...])`."""
    texts = _texts(body)
    if not texts:
        raise ParamError(
            ApiError("INVALID_REQUEST", 'input is an empty list; send at least one text: {"input": ["..."]}'), "input"
        )
    if len(texts) > settings.max_items:
        raise ParamError(
            ApiError(
                "TOO_MANY_ITEMS",
                f"{len(texts)} texts sent, the limit is {settings.max_items} "
                "per request; split them over several requests",
            ),
            "input",
        )
    single = isinstance(body.input, str)
    for i, text in enumerate(texts):
        where = "input" if single else f"input[{i}]"
        try:
            check_text(text, None, where, settings.max_text_chars)
        except ApiError as e:
            raise ParamError(e, where) from e
    work = [WorkItem(text, None, DEFAULT_POLICY, False) for text in texts]
    require_scorer(holder)
    try:
        outcomes, scorer = await batcher.submit(work)
    except BatcherClosed as e:
        raise ApiError("NOT_READY", f"{e}; retry shortly", headers={"Retry-After": "5"}) from e
    request_id = request_id_of(None, request)
    response.headers["X-Request-ID"] = request_id
    results = []
    out: Outcome
    for out in outcomes:
        s = out.scored
        metrics.observe_result(s, DEFAULT_POLICY)
        flags = {r: bool(s.flags[r]) for r in RISKS}
        results.append(
            {
                "flagged": any(flags.values()),
                "categories": flags,
                "category_scores": {r: round_score(s.scores[r]) for r in RISKS},
                "category_applied_input_types": {r: ["text"] for r in RISKS},
            }
        )
    logger.debug("moderated %d text(s) for %s with %s", len(texts), caller.id, scorer.version)
    return {"id": f"modr-{request_id}", "model": scorer.version, "results": results}
