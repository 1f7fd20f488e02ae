"""The API's shared dependencies, each as an ``Annotated[..., Depends(...)]`` alias for route signatures.

Everything a route needs from the running app comes from here: the settings, the caller (API key and rate
limit), the admin caller, the ready scorer, the micro-batcher, the channel policies, the metrics, the
feedback/score store and the claim store. ``create_app`` (serving.app) puts the objects on ``app.state``;
nothing here builds them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from model.claims import ClaimIndex, load_claim_store
from model.scorer import Scorer
from model.terms import TermLists
from serving.batcher import MicroBatcher
from serving.engine import ModelHolder, Outcome, PolicyBook, WorkItem
from serving.errors import ApiError
from serving.metrics import Metrics
from serving.security import Caller, identify
from serving.settings import Settings
from serving.store import Store

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------------------
# app state
#
# The dependencies that only read app state or check a key are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, and on two cores those hand-offs (several per request, each contending for
# the GIL with the scoring thread) cost more than the work itself. Those that may block on a file
# (get_claims opens the claim store on first use) stay plain `def`.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


async def get_batcher(request: Request) -> MicroBatcher[WorkItem, Outcome]:
    return request.app.state.batcher


async def get_policies(request: Request) -> PolicyBook:
    return request.app.state.policies


async def get_terms(request: Request) -> TermLists | None:
    """The term lists read from SARING_TERM_LISTS (re-read on SIGHUP), or None without them."""
    terms: TermLists | None = request.app.state.terms
    return terms


async def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def get_store(request: Request) -> Store:
    return request.app.state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
BatcherDep = Annotated[MicroBatcher[WorkItem, Outcome], Depends(get_batcher)]
PoliciesDep = Annotated[PolicyBook, Depends(get_policies)]
TermsDep = Annotated[TermLists | None, Depends(get_terms)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
StoreDep = Annotated[Store, Depends(get_store)]


# --------------------------------------------------------------------------------------------------------
# callers and the model


def check_caller(request: Request, settings: Settings) -> Caller:
    """Authenticate (401) then rate-limit (429) the caller."""
    caller = identify(request, settings.api_key_hashes, settings.keys_required)
    request.app.state.limiter.check(caller.id)
    return caller


async def authorized_caller(request: Request, settings: SettingsDep) -> Caller:
    return check_caller(request, settings)


async def admin_caller(request: Request, settings: SettingsDep) -> Caller:
    if not settings.admin_key_hashes:
        raise ApiError(
            "FORBIDDEN",
            "the admin endpoints are disabled: set SARING_ADMIN_KEY_HASHES to enable "
            "them, or send SIGHUP to the server process to reload the model",
        )
    return identify(request, settings.admin_key_hashes, required=True)


def require_scorer(holder: ModelHolder) -> Scorer:
    """The serving model, or 503 NOT_READY while it loads (or after it failed to)."""
    scorer = holder.scorer
    if scorer is None:
        why = f"the model failed to load: {holder.error}" if holder.error else "the model is still loading"
        raise ApiError(
            "NOT_READY",
            f"{why}; retry shortly (GET /readyz says when the server is ready)",
            headers={"Retry-After": "5"},
        )
    return scorer


async def ready_scorer(holder: HolderDep) -> Scorer:
    return require_scorer(holder)


CallerDep = Annotated[Caller, Depends(authorized_caller)]
AdminDep = Annotated[Caller, Depends(admin_caller)]
ScorerDep = Annotated[Scorer, Depends(ready_scorer)]


# --------------------------------------------------------------------------------------------------------
# the claim store


def claims_path(settings: Settings) -> Path:
    """The claim store: SARING_CLAIMS_DB, else <data dir>/claims.sqlite, the file `saring claims import`
    writes by default (model.claims.default_claims_db reads the same variables)."""
    return settings.claims_db if settings.claims_db is not None else settings.data_dir / "claims.sqlite"


def open_claims(app: FastAPI, path: Path) -> Any:
    """The default opener: the store at `path` (created when missing) with the e5 embedder (BM25 only when
    the encoder cannot be prepared) and the serving model's normaliser, so that lexical matching reads slang
    as the model does."""
    scorer = app.state.holder.scorer
    return load_claim_store(path, normalizer=scorer.normalizer if scorer else None)


def create_claims(app: FastAPI) -> None:
    """Create (or open) the claim store in the background; a failure is logged and the routes retry."""
    try:
        claim_store(app, create=True)
    except ApiError as e:
        logger.warning("the claim store is not available yet: %s", e.message)


def claim_store(app: Any, *, create: bool) -> Any:
    """The claim store attached to `app.state.claims`. When none is attached and the app knows where its
    store lives (`app.state.claims_path`, `app.state.claims_opener`, set by serving.app.create_app), the
    store there is opened if the file exists, or created when `create` (first use: a claims route, hoax
    feedback). The same file is what `saring claims import` writes by default, so the two share it.

    Returns None when there is no store and `create` is false (failures are logged, not retried until a
    route creates it); with `create`, a store that cannot be opened is a 503 NOT_READY naming the file."""
    state = app.state
    claims = getattr(state, "claims", None)
    if claims is not None:
        return claims
    path: Path | None = getattr(state, "claims_path", None)
    opener: Callable[[Path], Any] | None = getattr(state, "claims_opener", None)
    if path is None or opener is None:
        return None
    holder = getattr(state, "holder", None)
    if holder is not None and holder.loading and holder.scorer is None:
        # The store reads posts with the model's slang table (open_claims): opened before the model, it would
        # keep the built-in table for the life of the process. The lifespan opens it once the model is in.
        if not create:
            return None
        raise ApiError(
            "NOT_READY",
            "the claim store opens once the model has loaded, so that it reads slang as the model does. "
            "Fix: retry after Retry-After seconds (GET /readyz says when the model is in).",
            status=503,
            headers={"Retry-After": "5"},
        )
    if not create:  # the scoring path: only a store that exists, and not again until the file changes
        stamp = _stamp(path)
        if stamp is None or stamp == getattr(state, "claims_failed", None):
            return None
    with state.claims_lock:
        if state.claims is not None:
            return state.claims
        try:
            state.claims = opener(path)
        except Exception as e:
            state.claims_failed = _stamp(path) or (0, 0)
            logger.error(
                "could not open the claim store %s (%s: %s); claim matches stay empty", path, type(e).__name__, e
            )
            if not create:
                return None
            raise ApiError(
                "NOT_READY",
                f"the claim store {path} could not be opened or created ({e}). Fix: make "
                "its folder writable (SARING_DATA_DIR) or point SARING_CLAIMS_DB at a writable file, "
                "then retry.",
                status=503,
                headers={"Retry-After": "30"},
            ) from e
        state.claims_failed = None
        size = len(state.claims) if hasattr(state.claims, "__len__") else -1
        logger.info("claim store %s attached (%d claims)", path, size)
        return state.claims


def _stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime) of the store file, None when it does not exist."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def get_claims(request: Request) -> ClaimIndex:
    """The claim store of the app (created on first use), or 503 NOT_READY when there is none."""
    claims = claim_store(request.app, create=True)
    if claims is None:
        raise ApiError(
            "NOT_READY",
            "the claim store is not available: this server has no claim store "
            "configured (set SARING_CLAIMS_DB or SARING_DATA_DIR). Retry later or ask the operator.",
            status=503,
            headers={"Retry-After": "30"},
        )
    return claims


ClaimsDep = Annotated[ClaimIndex, Depends(get_claims)]
