"""The app's life: start the micro-batcher, load the model (in the lifespan handler, never at import time),
open the claim store, reload on SIGHUP or POST /admin/reload, and shut down gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from model.readers import DataError
from model.scorer import Scorer
from model.terms import TermLists
from serving.deps import claim_store, create_claims
from serving.engine import ModelHolder

logger = logging.getLogger(__name__)

CANARY_TEXT = "cek kesiapan layanan saring: jalan di depan kantor kelurahan sudah diperbaiki"


class TermListsUnreadable(ValueError):
    """A reload stopped because the term lists could not be read (nothing was swapped)."""


async def reload_model(app: FastAPI, model_dir: Path, *, with_terms: bool = False) -> dict[str, Any]:
    """Load `model_dir` in a thread, check it answers, then swap it in. On failure the old model keeps
    serving and the error is raised.

    `with_terms` (POST /admin/reload) re-reads the configured term lists (SARING_TERM_LISTS) first: a list that
    cannot be read stops the reload before the model loads, so nothing is swapped and the caller is told why;
    read, the new lists are swapped in with the model."""
    state = app.state
    async with state.reload_lock:
        holder: ModelHolder = state.holder
        old = holder.scorer
        start = time.perf_counter()
        terms: TermLists | None = None
        terms_path: Path | None = state.settings.term_lists if with_terms else None
        try:
            if terms_path is not None:
                try:
                    terms = await asyncio.to_thread(TermLists.from_file, terms_path)
                except (DataError, OSError) as e:
                    raise TermListsUnreadable(
                        f"the term lists (SARING_TERM_LISTS) could not be read, so nothing was reloaded: {e}"
                    ) from e
            new: Scorer = await asyncio.to_thread(state.loader, model_dir)
            await asyncio.to_thread(new.score, [CANARY_TEXT])
        except Exception as e:
            state.metrics.reloads.labels(outcome="failure").inc()
            keep = f"model {old.version} keeps serving" if old else "no model is serving"
            logger.error("reloading from %s failed (%s); %s", model_dir, e, keep)
            raise
        holder.scorer = new  # the swap: batches started before it finish with the old model
        holder.model_dir = str(model_dir)
        holder.error = None
        if terms is not None:
            state.terms = terms
            logger.info("%d terms re-read from %s", len(terms.entries), terms_path)
        state.metrics.set_model(new.name, new.version, new.kind)
        state.metrics.reloads.labels(outcome="success").inc()
        await _claims_follow(app, new)
        seconds = time.perf_counter() - start
        logger.info("now serving %s (%s) from %s, loaded in %.1f s", new.name, new.version, model_dir, seconds)
        return {
            "model": {"name": new.name, "version": new.version, "kind": new.kind},
            "previous": {"name": old.name, "version": old.version} if old else None,
            "model_dir": str(model_dir),
            "term_lists": (
                {"file": str(terms_path), "lists": terms.describe()} if terms is not None and terms_path else None
            ),
            "seconds": round(seconds, 3),
        }


async def _claims_follow(app: FastAPI, scorer: Scorer) -> None:
    """Let an open claim store read slang as the model just swapped in does (it was opened with the slang
    table of the model serving then: serving.deps.open_claims). A failure is logged; matching goes on with the
    store's previous reading."""
    claims = getattr(app.state, "claims", None)
    if claims is None or not hasattr(claims, "use_normalizer"):
        return
    try:
        await asyncio.to_thread(claims.use_normalizer, scorer.normalizer)
    except Exception as e:
        logger.error(
            "the claim store could not take the new model's slang table (%s: %s); it keeps reading posts as before",
            type(e).__name__,
            e,
        )


async def sighup(app: FastAPI) -> None:
    """SIGHUP: reload the configured model directory and the term lists; a failure is logged and the old model
    (or lists) keep serving."""
    logger.info("SIGHUP: reloading the model from %s", app.state.settings.model_dir)
    with contextlib.suppress(Exception):  # logged by reload_model; the old model keeps serving
        await reload_model(app, app.state.settings.model_dir)
    path = app.state.settings.term_lists
    if path is not None:
        try:
            app.state.terms = await asyncio.to_thread(TermLists.from_file, path)
        except (DataError, OSError) as e:
            logger.error("SIGHUP: the term lists in %s were not re-read, the old ones stay: %s", path, e)
        else:
            logger.info("SIGHUP: %d terms re-read from %s", len(app.state.terms.entries), path)


def _attach_claims(app: FastAPI) -> None:
    """Open the claim store if its file exists, else create it (failures are logged; the routes retry)."""
    if app.state.claims is None:
        if app.state.claims_path.exists():
            claim_store(app, create=False)
        else:
            create_claims(app)


async def _initial_load(app: FastAPI) -> None:
    state = app.state
    state.holder.loading = True
    try:
        await reload_model(app, state.settings.model_dir)
    except Exception as e:
        state.holder.error = str(e)
        raise
    finally:
        state.holder.loading = False


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the batcher, load the model (in the background with SARING_LOAD_IN_BACKGROUND), attach the
    claim store, listen for SIGHUP; on shutdown, finish the work in flight and close the stores."""
    state = app.state
    settings = state.settings
    state.reload_lock = asyncio.Lock()
    await state.batcher.start()
    load_task: asyncio.Task[Any] | None = None
    claims_task: asyncio.Task[Any] | None = None
    if settings.load_in_background:
        # loading is set before the task runs: until the model is in, nothing opens the claim store (it reads
        # posts with the model's slang table: serving.deps.claim_store), and the task opens it afterwards
        state.holder.loading = True

        async def load_then_claims() -> None:
            with contextlib.suppress(Exception):  # the error is kept in the holder; the claims still open
                await _initial_load(app)
            await asyncio.to_thread(_attach_claims, app)

        load_task = asyncio.create_task(load_then_claims())
        load_task.add_done_callback(lambda t: t.cancelled() or t.exception())
    else:
        try:
            await _initial_load(app)
        except BaseException as e:
            state.startup_error = f"the model in {settings.model_dir} could not be loaded: {e}"
            await state.batcher.close(timeout=1.0)
            raise
        if state.claims is None and state.claims_path.exists():
            await asyncio.to_thread(claim_store, app, create=False)
        elif state.claims is None:
            # A missing store is created at its default path in the background (loading the e5 encoder takes
            # seconds), so that the first POST /v1/claims on a fresh install does not wait for it; a route that
            # comes first creates it itself (under the same lock).
            claims_task = asyncio.create_task(asyncio.to_thread(create_claims, app))
    loop = asyncio.get_running_loop()
    on_sighup = False
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(sighup(app)))
        on_sighup = True
    logger.info(
        "saring API ready to accept requests (keys %s, %d channel policies, %d listed terms)",
        "required" if settings.keys_required else "optional",
        len(settings.channel_policies),
        len(state.terms.entries) if state.terms is not None else 0,
    )
    try:
        yield
    finally:
        if on_sighup:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signal.SIGHUP)
        if load_task is not None and not load_task.done():
            if state.holder.loading:  # still loading the model: nothing is lost by stopping
                load_task.cancel()
            else:  # opening or creating the claim store: let it finish, as below
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(load_task, timeout=settings.graceful_timeout_s)
        if claims_task is not None and not claims_task.done():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(claims_task, timeout=settings.graceful_timeout_s)
        await state.batcher.close(timeout=settings.graceful_timeout_s)
        state.store.dispose()
