"""The scoring API: `create_app(settings) -> FastAPI`.

Routes: POST /v1/score, GET /v1/model, POST /v1/feedback, GET /healthz, GET /readyz, GET /metrics,
POST /admin/reload, and /docs. The model is loaded in the lifespan handler (never at import time); requests
are micro-batched into one forward pass in a worker thread; a new model directory can be swapped in by
/admin/reload or SIGHUP while the old one keeps serving. See docs/api.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse

from model.claims import claim_from_feedback, load_claim_store
from model.scorer import Scorer
from serving import claims_routes
from serving.batcher import BatcherClosed, MicroBatcher
from serving.claims_routes import claim_store
from serving.engine import BatchRunner, ModelHolder, Outcome, PolicyBook, WorkItem
from serving.errors import (
    ApiError,
    BodyLimitMiddleware,
    CatchAllMiddleware,
    StartupErrorMiddleware,
    install_error_handlers,
)
from serving.metrics import Metrics, MetricsMiddleware
from serving.schemas import (
    FEEDBACK_EXAMPLES,
    SCORE_EXAMPLES,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    ReloadRequest,
    ScoreRequest,
    ScoreResponse,
    control_characters,
    is_blank,
    strip_controls,
    unpaired_surrogate,
)
from serving.security import Caller, RateLimiter, identify
from serving.settings import Settings
from serving.store import Store

logger = logging.getLogger(__name__)

CANARY_TEXT = "cek kesiapan layanan saring: jalan di depan kantor kelurahan sudah diperbaiki"
READY_TIMEOUT_S = 10.0
_REQUEST_ID_RE = re.compile(r"^[!-~]{1,128}$")  # visible ASCII: safe in a header

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "TEXT_EMPTY, TEXT_TOO_LONG, TOO_MANY_ITEMS, INVALID_REQUEST"},
    401: {"model": ErrorResponse, "description": "UNAUTHORIZED: missing or invalid API key"},
    413: {"model": ErrorResponse, "description": "INVALID_REQUEST: body above the size limit"},
    422: {"model": ErrorResponse, "description": "INVALID_REQUEST: the body does not match the schema"},
    429: {"model": ErrorResponse, "description": "RATE_LIMITED (see the Retry-After header)"},
    503: {"model": ErrorResponse, "description": "NOT_READY: the model is loading (see Retry-After)"},
}

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


# --------------------------------------------------------------------------------------------------------
# dependencies


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]


def authorized_caller(request: Request, settings: SettingsDep) -> Caller:
    """Authenticate (401) then rate-limit (429) the caller."""
    caller = identify(request, settings.api_key_hashes, settings.keys_required)
    request.app.state.limiter.check(caller.id)
    return caller


def admin_caller(request: Request, settings: SettingsDep) -> Caller:
    if not settings.admin_key_hashes:
        raise ApiError("FORBIDDEN", "the admin endpoints are disabled: set SARING_ADMIN_KEY_HASHES to enable "
                       "them, or send SIGHUP to the server process to reload the model")
    caller = identify(request, settings.admin_key_hashes, required=True)
    return caller


def ready_scorer(holder: HolderDep) -> Scorer:
    scorer = holder.scorer
    if scorer is None:
        why = f"the model failed to load: {holder.error}" if holder.error else "the model is still loading"
        raise ApiError("NOT_READY", f"{why}; retry shortly (GET /readyz says when the server is ready)",
                       headers={"Retry-After": "5"})
    return scorer


CallerDep = Annotated[Caller, Depends(authorized_caller)]
AdminDep = Annotated[Caller, Depends(admin_caller)]
ScorerDep = Annotated[Scorer, Depends(ready_scorer)]


# --------------------------------------------------------------------------------------------------------
# helpers


def check_text(value: str, item: int | None, field: str, max_chars: int) -> list[dict[str, Any]]:
    """TEXT_EMPTY, TEXT_TOO_LONG, or INVALID_REQUEST for what cannot be text at all (unpaired surrogates).

    Control characters (other than tab, newline and carriage return) are what real posts copied from apps
    carry: the text is scored as audits score it (the normaliser drops them) and the returned warning says
    so. A text of nothing but white space and control characters is TEXT_EMPTY."""
    where = f"items[{item}].{field}" if item is not None else field
    if is_blank(value):
        raise ApiError("TEXT_EMPTY", f"{where} is empty or only whitespace (or control characters); send the text "
                       "to score, or leave the item out", item=item)
    if len(value) > max_chars:
        raise ApiError("TEXT_TOO_LONG", f"{where} has {len(value)} characters, the limit is {max_chars}; split "
                       "the text into parts and score them as separate items", item=item)
    bad = unpaired_surrogate(value)
    if bad:
        raise ApiError("INVALID_REQUEST", f"{where} contains {bad}; expected text. Send the text as valid "
                       "UTF-8 (a lone surrogate usually means a string was cut inside an emoji)", item=item)
    controls = control_characters(value)
    if not controls:
        return []
    pos, ch = controls[0]
    return [{"code": "CONTROL_CHARACTERS_REMOVED", "field": field,
             "message": f"{where} holds {len(controls)} control character(s) (the first, U+{ord(ch):04X}, at "
                        f"position {pos}); they were dropped before scoring, as batch audits do. Clean them at "
                        "the source if the text is shown to people."}]


def request_id_of(body_id: str | None, request: Request) -> str:
    if body_id:
        return body_id
    header = request.headers.get("x-request-id")
    if header and _REQUEST_ID_RE.match(header):
        return header
    return uuid.uuid4().hex


def _round(x: float) -> float:
    return round(float(x), 6)


async def reload_model(app: FastAPI, model_dir: Path) -> dict[str, Any]:
    """Load `model_dir` in a thread, check it answers, then swap it in. On failure the old model keeps
    serving and the error is raised."""
    state = app.state
    async with state.reload_lock:
        holder: ModelHolder = state.holder
        old = holder.scorer
        start = time.perf_counter()
        try:
            new: Scorer = await asyncio.to_thread(state.loader, model_dir)
            await asyncio.to_thread(new.score, [CANARY_TEXT])
        except Exception as e:
            state.metrics.reloads.labels(outcome="failure").inc()
            keep = f"model {old.version} keeps serving" if old else "no model is serving"
            logger.error("loading the model from %s failed (%s); %s", model_dir, e, keep)
            raise
        holder.scorer = new  # the swap: batches started before it finish with the old model
        holder.model_dir = str(model_dir)
        holder.error = None
        state.metrics.set_model(new.name, new.version, new.kind)
        state.metrics.reloads.labels(outcome="success").inc()
        seconds = time.perf_counter() - start
        logger.info("now serving %s (%s) from %s, loaded in %.1f s", new.name, new.version, model_dir, seconds)
        return {
            "model": {"name": new.name, "version": new.version, "kind": new.kind},
            "previous": {"name": old.name, "version": old.version} if old else None,
            "model_dir": str(model_dir),
            "seconds": round(seconds, 3),
        }


def claims_path(settings: Settings) -> Path:
    """The claim store: SARING_CLAIMS_DB, else <data dir>/claims.sqlite, the file `saring claims import`
    writes by default (model.claims.default_claims_db reads the same variables)."""
    return settings.claims_db if settings.claims_db is not None else settings.data_dir / "claims.sqlite"


def _create_claims(app: FastAPI) -> None:
    """Create (or open) the claim store in the background; a failure is logged and the routes retry."""
    try:
        claim_store(app, create=True)
    except ApiError as e:
        logger.warning("the claim store is not available yet: %s", e.message)


def _open_claims(app: FastAPI, path: Path) -> Any:
    """The default opener: the store at `path` (created when missing) with the e5 embedder (BM25 only when
    the encoder cannot be prepared) and the serving model's normaliser, so that lexical matching reads slang
    as the model does."""
    scorer = app.state.holder.scorer
    return load_claim_store(path, normalizer=scorer.normalizer if scorer else None)


# --------------------------------------------------------------------------------------------------------
# the app


def create_app(settings: Settings | None = None, *, loader: Callable[[Path], Scorer] | None = None,
               claims: Any = None, claims_opener: Callable[[Path], Any] | None = None) -> FastAPI:
    """Build the API. `loader(model_dir) -> Scorer` defaults to `Scorer`; `claims` (an object with
    `match(texts) -> list[list[dict]]`) may also be set later on `app.state.claims`; `claims_opener(path)`
    opens (creating it if needed) the claim store at SARING_CLAIMS_DB or <data dir>/claims.sqlite (default:
    model.claims.load_claim_store with the e5 embedder)."""
    settings = settings or Settings()
    logging.getLogger("serving").setLevel(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = app.state
        state.reload_lock = asyncio.Lock()
        await state.batcher.start()
        load_task: asyncio.Task[Any] | None = None

        async def initial_load() -> None:
            state.holder.loading = True
            try:
                await reload_model(app, settings.model_dir)
            except Exception as e:
                state.holder.error = str(e)
                raise
            finally:
                state.holder.loading = False

        if settings.load_in_background:
            load_task = asyncio.create_task(initial_load())
            load_task.add_done_callback(lambda t: t.cancelled() or t.exception())  # error kept in holder
        else:
            try:
                await initial_load()
            except BaseException as e:
                state.startup_error = f"the model in {settings.model_dir} could not be loaded: {e}"
                await state.batcher.close(timeout=1.0)
                raise
        claims_task: asyncio.Task[Any] | None = None
        if state.claims is None:
            # An existing store is opened now. A missing one is created at its default path in the background
            # (loading the e5 encoder takes seconds), so that the first POST /v1/claims on a fresh install does
            # not wait for it; a route that comes first creates it itself (under the same lock).
            if state.claims_path.exists():
                await asyncio.to_thread(claim_store, app, create=False)
            else:
                claims_task = asyncio.create_task(asyncio.to_thread(_create_claims, app))
        loop = asyncio.get_running_loop()
        sighup = False
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
            loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(_sighup(app)))
            sighup = True
        logger.info("saring API ready to accept requests (keys %s, %d channel policies)",
                    "required" if settings.keys_required else "optional", len(settings.channel_policies))
        try:
            yield
        finally:
            if sighup:
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(signal.SIGHUP)
            if load_task is not None and not load_task.done():
                load_task.cancel()
            if claims_task is not None and not claims_task.done():
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(claims_task, timeout=settings.graceful_timeout_s)
            await state.batcher.close(timeout=settings.graceful_timeout_s)
            state.store.dispose()

    app = FastAPI(
        title="saring",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    state = app.state
    state.settings = settings
    state.loader = loader or Scorer
    state.holder = ModelHolder()
    state.policies = PolicyBook(settings.channel_policies)
    state.metrics = Metrics()
    state.limiter = RateLimiter(settings.rate_limit_per_minute, settings.burst)
    state.store = Store(settings.database_url)
    state.claims = claims
    state.claims_path = claims_path(settings)
    state.claims_opener = claims_opener or (lambda path: _open_claims(app, path))
    state.claims_lock = threading.Lock()
    state.claims_failed = None  # (size, mtime) of the store file when opening it last failed
    runner = BatchRunner(state.holder, state.policies, settings.explain_max_words,
                         claims=lambda: claim_store(app, create=False))
    state.batcher = MicroBatcher(runner, settings.batch_max_size, settings.batch_max_wait_ms / 1000.0,
                                 on_batch=state.metrics.batch_size.observe)

    install_error_handlers(app)
    # Outermost last: metrics -> CORS -> body limit -> catch-all -> FastAPI's own exception handling.
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
                           expose_headers=["Retry-After", "X-Request-ID"])
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    app.add_middleware(StartupErrorMiddleware, state=state, debug=settings.log_level == "DEBUG")

    _add_routes(app)
    _document_settings(app, settings, state.policies)
    # The same keys and rate limits as the scoring routes.
    app.include_router(claims_routes.router, dependencies=[Depends(authorized_caller)])
    from serving import moderations  # OpenAI-compatible moderation; it imports this module, hence here

    app.include_router(moderations.router)
    from serving import console  # the browser console (/console); its own login, see docs/console.md

    app.include_router(console.router)
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
        channel = prop("ScoreItem", "channel")
        if channel:
            string = string_of(channel)
            string.pop("maxLength", None)
            string.pop("pattern", None)
            string["enum"] = policies.names
            channel["examples"] = [policies.names[-1]]
        examples = (schema.get("paths", {}).get("/v1/score", {}).get("post", {}).get("requestBody", {})
                    .get("content", {}).get("application/json", {}).get("examples", {}))
        for example in examples.values():
            for item in example.get("value", {}).get("items", []):
                if "channel" in item:
                    item["channel"] = policies.names[-1]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _sighup(app: FastAPI) -> None:
    logger.info("SIGHUP: reloading the model from %s", app.state.settings.model_dir)
    with contextlib.suppress(Exception):  # logged by reload_model; the old model keeps serving
        await reload_model(app, app.state.settings.model_dir)


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn (`--factory`): settings from SARING_* environment variables."""
    return create_app(Settings())


def _add_routes(app: FastAPI) -> None:
    @app.post("/v1/score", response_model=ScoreResponse, responses=ERROR_RESPONSES, tags=["scoring"],
              summary="Score posts and draft replies")
    async def score(
        request: Request,
        response: Response,
        body: Annotated[ScoreRequest, Body(openapi_examples=SCORE_EXAMPLES)],
        caller: CallerDep,
        settings: SettingsDep,
    ) -> dict[str, Any]:
        """Score one or many texts (up to the configured maximum), results in input order.

        A `reply` is scored on its own text and also checked for repeating what made its parent risky
        (warning REPEATS_RISKY_PARENT with the repeated words): the pre-publication check for agencies'
        answers to hoaxes.
        """
        state = request.app.state
        items = body.items
        if not items:
            raise ApiError("INVALID_REQUEST", 'items is empty; send at least one item: {"items": [{"text": '
                           '"..."}]}')
        if len(items) > settings.max_items:
            raise ApiError("TOO_MANY_ITEMS", f"{len(items)} items sent, the limit is {settings.max_items} per "
                           "request; split them over several requests")
        policies: PolicyBook = state.policies
        work: list[WorkItem] = []
        kinds: list[str] = []
        item_warnings: list[list[dict[str, Any]]] = []
        for i, it in enumerate(items):
            text_warnings = check_text(it.text, i, "text", settings.max_text_chars)
            parent = it.parent_text
            if parent is not None:
                if not is_blank(parent):
                    text_warnings += check_text(parent, i, "parent_text", settings.max_text_chars)
                else:
                    parent = None
            policy = policies.resolve(it.channel)
            if policy is None:
                raise ApiError("INVALID_REQUEST", f"items[{i}].channel {it.channel!r} is not a configured "
                               f"channel; known channels: {policies.names}. Omit channel for the default policy",
                               item=i)
            kind = it.kind or ("reply" if parent else "post")
            warns: list[dict[str, Any]] = text_warnings
            if kind == "reply" and parent is None:
                warns.append({"code": "REPLY_WITHOUT_PARENT", "message": "kind is reply but parent_text is "
                              "missing: the reply was scored on its own text only and not checked for repeating "
                              "its parent. Send parent_text (the post it answers) for the pre-publication check."})
            if kind == "post" and parent is not None:
                warns.append({"code": "PARENT_TEXT_IGNORED", "message": "parent_text is used for replies only; "
                              "send kind: reply to check this text as a reply"})
                parent = None
            work.append(WorkItem(it.text, parent, policy, body.explain))
            kinds.append(kind)
            item_warnings.append(warns)
        ready_scorer(state.holder)
        try:
            outcomes, scorer = await state.batcher.submit(work)
        except BatcherClosed as e:
            raise ApiError("NOT_READY", f"{e}; retry shortly", headers={"Retry-After": "5"}) from e
        outcomes_t: list[Outcome] = outcomes
        request_id = request_id_of(body.request_id, request)
        response.headers["X-Request-ID"] = request_id
        results = []
        for i, (it, out) in enumerate(zip(items, outcomes_t, strict=True)):
            s = out.scored
            policy = work[i].policy
            state.metrics.observe_result(s.scores, s.decisions, policy)
            results.append({
                "index": i,
                "id": it.id,
                "kind": kinds[i],
                "scores": {r: _round(p) for r, p in s.scores.items()},
                "flags": s.flags,
                "decisions": s.decisions,
                "decision": s.decision,
                "policy": policy,
                "spans": out.spans,
                "warnings": [w.to_dict() for w in s.warnings] + item_warnings[i] + out.warnings,
                "matches": out.matches,
            })
        used = sorted({w.policy for w in work})
        payload: dict[str, Any] = {
            "model": {"name": scorer.name, "version": scorer.version},
            "request_id": request_id,
            "results": results,
            "policies": {p: policies.describe(scorer, p) for p in used},
            "warnings": [],
        }
        if body.store:
            rows = [{
                "request_id": request_id, "item_id": it.id, "kind": kinds[i], "policy": work[i].policy,
                "text": it.text, "parent_text": work[i].parent, "model_name": scorer.name,
                "model_version": scorer.version, "scores": results[i]["scores"], "decisions": results[i]["decisions"],
                "decision": results[i]["decision"], "warnings": results[i]["warnings"], "caller": caller.id,
            } for i, it in enumerate(items)]
            try:
                await asyncio.to_thread(state.store.add_scored, rows)
            except Exception as e:
                logger.error("storing %d scored item(s) in %s failed: %s", len(rows), state.store.describe(),
                             type(e).__name__)
                payload["warnings"].append({"code": "NOT_STORED", "message": "store was requested but the "
                                            "database could not be written; the scores are valid, nothing was "
                                            "kept. Retry with store: true later."})
        return payload

    @app.get("/v1/model", tags=["model"], summary="The model card", responses=ERROR_RESPONSES)
    async def model_card(request: Request, caller: CallerDep, scorer: ScorerDep,
                         settings: SettingsDep) -> dict[str, Any]:
        """Name, version, labels, thresholds, test metrics, training data and their licences, and the
        server's limits and channel policies."""
        card = scorer.card()
        card["data_licences"] = _licences(card.get("data"))
        policies: PolicyBook = request.app.state.policies
        card["policies"] = {p: policies.describe(scorer, p) for p in policies.names}
        card["limits"] = {"max_items": settings.max_items, "max_text_chars": settings.max_text_chars,
                          "max_body_bytes": settings.max_body_bytes,
                          "rate_limit_per_minute": settings.rate_limit_per_minute}
        return card

    @app.post("/v1/feedback", status_code=201, response_model=FeedbackResponse, responses=ERROR_RESPONSES,
              tags=["feedback"], summary="Record an analyst's correction")
    async def feedback(
        request: Request,
        body: Annotated[FeedbackRequest, Body(openapi_examples=FEEDBACK_EXAMPLES)],
        caller: CallerDep,
        settings: SettingsDep,
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
        holder: ModelHolder = request.app.state.holder
        version = body.model_version or (holder.scorer.version if holder.scorer else None)
        store: Store = request.app.state.store
        try:
            new_id = await asyncio.to_thread(
                store.add_feedback, text=text, risk=body.risk, label=int(body.label), note=body.note,
                model_version=version, parent_text=parent_text, item_id=body.id, caller=caller.id,
            )
        except Exception as e:
            logger.error("writing feedback to %s failed: %s", store.describe(), type(e).__name__)
            raise ApiError("NOT_READY", "the feedback store is unavailable; nothing was stored. Retry shortly",
                           headers={"Retry-After": "30"}) from e
        claim_id = None
        if body.risk == "hoax" and int(body.label) == 1:
            # A hoax confirmed once becomes a claim, so its later rewordings are recognised too.
            try:
                claims = await asyncio.to_thread(claim_store, request.app, create=True)
                if claims is None or not hasattr(claims, "add"):
                    raise RuntimeError("no writable claim store")
                claim = claim_from_feedback(text, body.note, version)
                await asyncio.to_thread(claims.add, [claim])
                claim_id = claim.id
            except Exception as e:  # the feedback itself is stored; the claim can be added by hand
                logger.error("turning hoax feedback %s into a claim failed: %s", new_id, type(e).__name__)
        return {"id": new_id, "stored": True, "claim_id": claim_id}

    @app.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="Readiness: the model is loaded and answering",
             responses={503: {"model": ErrorResponse}})
    async def readyz(request: Request) -> dict[str, Any]:
        state = request.app.state
        scorer = ready_scorer(state.holder)
        try:
            _, used = await asyncio.wait_for(state.batcher.submit([WorkItem(CANARY_TEXT)]), READY_TIMEOUT_S)
        except (BatcherClosed, TimeoutError) as e:
            raise ApiError("NOT_READY", f"the model did not answer a test text ({type(e).__name__}); retry "
                           "shortly", headers={"Retry-After": "5"}) from e
        return {"status": "ready", "model": {"name": used.name, "version": used.version, "kind": scorer.kind}}

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics(request: Request) -> Response:
        data, content_type = request.app.state.metrics.render()
        return Response(data, media_type=content_type)

    @app.post("/admin/reload", tags=["operations"], summary="Swap in a model directory without downtime",
              responses={**ERROR_RESPONSES, 403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
    async def admin_reload(
        request: Request,
        admin: AdminDep,
        settings: SettingsDep,
        body: Annotated[ReloadRequest | None, Body()] = None,
    ) -> JSONResponse:
        """Load `model_dir` (default: the configured one) in the background, check it answers, swap it in.
        On failure the old model keeps serving and the answer says why (422 RELOAD_FAILED)."""
        target = Path(body.model_dir) if body and body.model_dir else settings.model_dir
        try:
            info = await reload_model(request.app, target)
        except Exception as e:
            holder: ModelHolder = request.app.state.holder
            keep = f"model {holder.scorer.version} keeps serving" if holder.scorer else "no model is serving"
            raise ApiError("RELOAD_FAILED", f"could not load {target}: {e}. {keep}", status=422) from e
        return JSONResponse(info)


def _licences(data: Any) -> dict[str, Any]:
    """{source: licence} from the manifest's sources, whatever their layout."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for name, src in data.items():
            if isinstance(src, dict):
                lic = src.get("licence") or src.get("license")
                if lic is not None:
                    out[name] = lic
    elif isinstance(data, list):
        for src in data:
            if isinstance(src, dict):
                name = src.get("name") or src.get("id")
                lic = src.get("licence") or src.get("license")
                if name and lic is not None:
                    out[str(name)] = lic
    return out
