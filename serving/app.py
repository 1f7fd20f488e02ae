"""The scoring API: `create_app(settings) -> FastAPI`.

Routes (one router per resource under serving/routes/): POST /v1/score, GET /v1/model, POST /v1/feedback,
GET /healthz, GET /readyz, GET /metrics, POST /admin/reload, /v1/claims, POST /v1/moderations, /console and
/docs. Shared dependencies live in serving/deps.py. The model is loaded in the lifespan handler
(serving/lifespan.py; never at import time); requests are micro-batched into one forward pass in a worker
thread; a new model directory can be swapped in by /admin/reload or SIGHUP while the old one keeps serving.
See docs/api.md.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from model.scorer import Scorer
from model.terms import TermLists
from serving.batcher import MicroBatcher
from serving.deps import authorized_caller, claim_store, claims_path, open_claims
from serving.engine import BatchRunner, ModelHolder, PolicyBook
from serving.errors import (
    CatchAllMiddleware,
    HeadAsGetMiddleware,
    StartupErrorMiddleware,
    install_error_handlers,
)
from serving.lifespan import lifespan
from serving.metrics import Metrics, MetricsMiddleware
from serving.routes import claims as claim_routes
from serving.routes import console, feedback, moderations, operations, score
from serving.routes import model as model_routes
from serving.routes.console.limits import ConsoleAwareBodyLimit
from serving.security import RateLimiter
from serving.settings import Settings
from serving.store import Store

logger = logging.getLogger(__name__)

DESCRIPTION = """\
**saring** (*saring sebelum sharing*) scores Indonesian posts and draft replies for three risks:
**hoax** (hoaks), **slander** (fitnah) and **incitement** (hasutan). Scores are calibrated probabilities;
decisions (`allow`, `review`, `block`) come from the model's validated thresholds or a channel policy, and are
meant for review queues and pre-publication checks, not automatic takedowns.

Authentication: `Authorization: Bearer <key>` or `X-API-Key: <key>` (required when the server is reachable
beyond localhost). Errors always have the shape `{"error": {"code", "message", "item"}}`.
"""


def _version() -> str:
    try:
        return metadata.version("saring")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


def create_app(
    settings: Settings | None = None,
    *,
    loader: Callable[[Path], Scorer] | None = None,
    claims: Any = None,
    claims_opener: Callable[[Path], Any] | None = None,
) -> FastAPI:
    """Build the API. `loader(model_dir) -> Scorer` defaults to `Scorer`; `claims` (an object with
    `match(texts) -> list[list[dict]]`) may also be set later on `app.state.claims`; `claims_opener(path)`
    opens (creating it if needed) the claim store at SARING_CLAIMS_DB or <data dir>/claims.sqlite (default:
    model.claims.load_claim_store with the e5 embedder)."""
    settings = settings or Settings()
    logging.getLogger("serving").setLevel(settings.log_level)
    app = FastAPI(title="saring", version=_version(), description=DESCRIPTION, lifespan=lifespan)
    state = app.state
    state.settings = settings
    state.loader = loader or functools.partial(
        Scorer, precision=settings.precision, cache_size=settings.score_cache_size
    )
    state.holder = ModelHolder()
    state.policies = PolicyBook(settings.channel_policies)
    # read here, so that a bad file stops the start with its rows named (DataError), as a bad policy does
    state.terms = TermLists.from_file(settings.term_lists) if settings.term_lists is not None else None
    state.metrics = Metrics()
    state.metrics.watch_cache(lambda: state.holder.scorer)
    state.limiter = RateLimiter(settings.rate_limit_per_minute, settings.burst)
    state.store = Store(settings.database_url)
    state.claims = claims
    state.claims_path = claims_path(settings)
    state.claims_opener = claims_opener or (lambda path: open_claims(app, path))
    state.claims_lock = threading.Lock()
    state.claims_failed = None  # (size, mtime) of the store file when opening it last failed
    runner = BatchRunner(
        state.holder,
        state.policies,
        settings.explain_max_words,
        claims=lambda: claim_store(app, create=False),
        terms=lambda: state.terms,
    )
    state.batcher = MicroBatcher(
        runner, settings.batch_max_size, settings.batch_max_wait_ms / 1000.0, on_batch=state.metrics.batch_size.observe
    )

    install_error_handlers(app)
    # Outermost last: metrics -> HEAD as GET -> CORS -> body limit -> catch-all -> FastAPI's exception handling.
    app.add_middleware(CatchAllMiddleware)
    # serving.errors.BodyLimitMiddleware (JSON 413) for the API; the console's HTML page for /console forms
    app.add_middleware(ConsoleAwareBodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["Retry-After", "X-Request-ID"],
        )
    # HEAD wherever GET is, in one place for every route; inside the metrics, which count it as HEAD
    app.add_middleware(HeadAsGetMiddleware, routes=lambda: app.router.routes)
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    app.add_middleware(StartupErrorMiddleware, state=state, debug=settings.log_level == "DEBUG")

    for module in (score, model_routes, feedback, operations):
        app.include_router(module.router)
    _document_settings(app, settings, state.policies)
    # The same keys and rate limits as the scoring routes.
    app.include_router(claim_routes.router, dependencies=[Depends(authorized_caller)])
    app.include_router(moderations.router)  # OpenAI-compatible moderation
    app.include_router(console.router)  # the browser console (/console); its own login, see docs/console.md
    return app


def _document_settings(app: FastAPI, settings: Settings, policies: PolicyBook) -> None:
    """Write this server's limits and channels into its OpenAPI schema, so that every request the schema
    allows is one the server accepts: text lengths, the number of items, and the channels configured here
    (the examples use one of them)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        comps = schema.get("components", {}).get("schemas", {})

        def prop(model: str, name: str) -> dict[str, Any]:
            return comps.get(model, {}).get("properties", {}).get(name, {})

        def string_of(p: dict[str, Any]) -> dict[str, Any]:
            return next((a for a in p.get("anyOf", []) if a.get("type") == "string"), p)

        for model in ("ScoreItem", "FeedbackRequest"):
            for name in ("text", "parent_text"):
                if prop(model, name):
                    string_of(prop(model, name))["maxLength"] = settings.max_text_chars
        items = prop("ScoreRequest", "items")
        if items:
            items.update(minItems=1, maxItems=settings.max_items)
        # /v1/moderations: one text or a list of them (texts or text parts), under the same limits.
        if prop("ModerationTextInput", "text"):
            prop("ModerationTextInput", "text")["maxLength"] = settings.max_text_chars
        for alternative in prop("ModerationRequest", "input").get("anyOf", []):
            if alternative.get("type") == "string":
                alternative["maxLength"] = settings.max_text_chars
            elif alternative.get("type") == "array":
                alternative["maxItems"] = settings.max_items
                if alternative.get("items", {}).get("type") == "string":
                    alternative["items"]["maxLength"] = settings.max_text_chars
        channel = prop("ScoreItem", "channel")
        if channel:
            string = string_of(channel)
            string.pop("maxLength", None)
            string.pop("pattern", None)
            string["enum"] = policies.names
            channel["examples"] = [policies.names[-1]]
        examples = (
            schema.get("paths", {})
            .get("/v1/score", {})
            .get("post", {})
            .get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("examples", {})
        )
        for example in examples.values():
            for item in example.get("value", {}).get("items", []):
                if "channel" in item:
                    item["channel"] = policies.names[-1]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn (`--factory`): settings from SARING_* environment variables."""
    return create_app(Settings())
