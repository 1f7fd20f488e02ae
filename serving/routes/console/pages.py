"""The console's pages: home, static files, login and logout, Periksa (check), Antrean tinjauan (review queue)
and Model."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError

from serving.routes.console.api import call_api
from serving.routes.console.encoding import Utf8FormRoute
from serving.routes.console.forms import CheckForm, FeedbackForm, LoginForm, QueueFilter, non_blank
from serving.routes.console.render import (
    csrf_failed,
    highlight,
    login_redirect,
    redirect,
    render,
    security_headers,
    term_spans,
)
from serving.routes.console.review_queue import queue_page, scored_item
from serving.routes.console.session import check_csrf, needs_login, new_session, read_session, safe_next
from serving.routes.console.settings import (
    FLAGGED,
    REPORT_CSP,
    STATIC_DIR,
    STATIC_FILES,
    app_settings,
    console_settings,
)
from serving.security import matches_any
from serving.settings import is_loopback

PRECISION_TARGETS = (0.8, 0.9, 0.95)  # the model page's threshold queries

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console", include_in_schema=False, route_class=Utf8FormRoute)


@router.get("")
@router.get("/")
async def home(request: Request) -> Response:
    session = read_session(request)
    return redirect(session, "/console/periksa")


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    response = FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/login")
async def login_page(request: Request, next_url: Annotated[str, Query(alias="next")] = "/console/periksa") -> Response:
    session = read_session(request)
    settings = app_settings(request)
    if not settings.api_key_hashes:
        return redirect(session, "/console/periksa")
    host = request.url.hostname or ""
    insecure = request.url.scheme != "https" and not is_loopback(host)
    return await render(request, session, "login.html", next=safe_next(next_url), insecure=insecure, error=None)


@router.post("/login")
async def login(request: Request, form: Annotated[LoginForm, Form()]) -> Response:
    session = read_session(request)
    settings = app_settings(request)
    target = safe_next(form.next)
    if not check_csrf(session, form.csrf):
        return await csrf_failed(request, session)
    client = request.client.host if request.client else "unknown"
    wait = request.app.state.limiter.take(f"console-login:{client}")
    if wait > 0:
        return await render(
            request,
            session,
            "login.html",
            status=429,
            next=target,
            insecure=False,
            error=f"Terlalu banyak percobaan (too many attempts): retry in {int(wait) + 1} s.",
        )
    key = form.key.strip()
    if not key or not settings.api_key_hashes or not matches_any(key, settings.api_key_hashes):
        logger.info("console: a login with an invalid key was refused (%s)", client)
        return await render(
            request,
            session,
            "login.html",
            status=401,
            next=target,
            insecure=False,
            error="Kunci API tidak valid (the API key is not valid).",
        )
    fresh = new_session(key)  # a new session id at login: a session planted before it is worth nothing
    logger.info("console: %s logged in", fresh.caller)
    return redirect(fresh, target)


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    session = read_session(request)
    if not check_csrf(session, csrf):
        return await csrf_failed(request, session)
    target = "/console/login" if app_settings(request).keys_required else "/console/periksa"
    return redirect(new_session(), target)


# -- Periksa ---------------------------------------------------------------------------------------


async def _channels(request: Request) -> list[str]:
    return list(request.app.state.policies.names)


@router.get("/periksa")
async def check_page(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    return await render(
        request,
        session,
        "periksa.html",
        form=CheckForm(explain=True),
        result=None,
        error=None,
        channels=await _channels(request),
    )


@router.post("/periksa")
async def check(request: Request, form: Annotated[CheckForm, Form()]) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    if not check_csrf(session, form.csrf):
        return await csrf_failed(request, session)
    item: dict[str, Any] = {"text": form.text, "kind": form.kind}
    if form.parent_text.strip():  # with kind post too: the API then says the parent was not used (PARENT_TEXT_IGNORED)
        item["parent_text"] = form.parent_text
    if form.channel:
        item["channel"] = form.channel
    answer = await call_api(
        request, session, "POST", "/v1/score", body={"items": [item], "explain": form.explain, "store": form.store}
    )
    channels = await _channels(request)
    if not answer.ok:
        return await render(
            request,
            session,
            "periksa.html",
            status=answer.status,
            form=form,
            result=None,
            error=answer.error,
            channels=channels,
        )
    payload = answer.body
    result = payload["results"][0]
    thresholds = payload.get("policies", {}).get(result["policy"], {})
    view = {
        "model": payload["model"],
        "request_id": payload["request_id"],
        "result": result,
        "thresholds": thresholds,
        "segments": highlight(form.text, result.get("spans", []) + term_spans(result.get("warnings", []))),
        "parent": item.get("parent_text"),
        "stored": form.store and not payload.get("warnings"),
        "request_warnings": payload.get("warnings", []),
        "repeated": [w for w in result.get("warnings", []) if w.get("words")],
    }
    logger.info(
        "console: checked one %s (decision %s) for %s",
        result["kind"],
        result["decision"],
        session.caller or "an anonymous caller",
    )
    return await render(request, session, "periksa.html", form=form, result=view, error=None, channels=channels)


# -- Antrean tinjauan --------------------------------------------------------------------------------


@router.get("/antrean")
async def queue(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    error = None
    try:
        f = QueueFilter.model_validate(non_blank(dict(request.query_params)))
    except ValidationError as e:
        first = e.errors()[0]
        error = {
            "code": "INVALID_REQUEST",
            "message": f"filter {'.'.join(map(str, first['loc']))}: {first['msg']}; showing the default view",
        }
        f = QueueFilter()
    try:
        data = await asyncio.to_thread(queue_page, request.app.state.store, f)
    except Exception as e:
        logger.error("console: reading the review queue failed: %s", type(e).__name__)
        data = {"rows": [], "total": 0, "pages": 1, "counts": None}
        error = {"code": "NOT_READY", "message": "the store cannot be read; retry shortly"}
    done = request.query_params.get("done")
    return await render(
        request, session, "antrean.html", f=f, error=error, done=done, channels=await _channels(request), **data
    )


@router.post("/antrean/{item}/feedback")
async def queue_feedback(request: Request, item: int, form: Annotated[FeedbackForm, Form()]) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    if not check_csrf(session, form.csrf):
        return await csrf_failed(request, session)
    back = form.back if not form.back.startswith(("/", "\\")) and "//" not in form.back else ""
    # ids beyond the store's 64-bit integers name no item (and would overflow the query): the same page as a missing one
    in_range = 0 < item < 2**63
    row = await asyncio.to_thread(scored_item, request.app.state.store, item) if in_range else None
    if row is None:
        return await render(
            request,
            session,
            "error.html",
            status=404,
            title="Tidak ditemukan (not found)",
            message=f"No stored item #{item}; it may have been removed.",
        )
    risk, action = form.action.split(":")
    flagged = (row["decisions"] or {}).get(risk) in FLAGGED
    label = int(flagged) if action == "confirm" else int(not flagged)
    note = (
        f"console: {'confirmed' if action == 'confirm' else 'corrected'} the {risk} decision "
        f"{(row['decisions'] or {}).get(risk)} (score {(row['scores'] or {}).get(risk)}) of stored item {item}"
    )
    body = {
        "text": row["text"],
        "risk": risk,
        "label": label,
        "note": note,
        "model_version": row["model_version"],
        "id": row["item_id"] or f"scored-{item}",
    }
    if row["parent_text"]:
        body["parent_text"] = row["parent_text"]
    answer = await call_api(request, session, "POST", "/v1/feedback", body=body)
    if not answer.ok:
        return await render(
            request,
            session,
            "error.html",
            status=answer.status,
            title="Umpan balik tidak tersimpan (feedback not stored)",
            message=f"{answer.error['code']}: {answer.error['message']}",
        )
    logger.info(
        "console: %s %s of stored item %d (label %d) by %s",
        action,
        risk,
        item,
        label,
        session.caller or "an anonymous caller",
    )
    sep = "&" if back else ""
    return redirect(session, f"/console/antrean?{back}{sep}" + urlencode({"done": f"{item}:{risk}:{label}"}))


# -- Model --------------------------------------------------------------------------------------------


def report_file(request: Request) -> Path | None:
    configured = console_settings(request).eval_report
    if configured is None:
        return None
    path = configured / "report.html" if configured.is_dir() else configured
    return path if path.is_file() else None


@router.get("/model")
async def model_page(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    answer = await call_api(request, session, "GET", "/v1/model")
    # The usual precision targets, answered by the threshold-query route (a model trained before operating points
    # were recorded answers 404: the page says so instead of the table)
    by_precision: dict[str, Any] = {}
    points_note = None
    if answer.ok:
        for target in PRECISION_TARGETS:
            found = await call_api(request, session, "GET", "/v1/model/thresholds", params={"min_precision": target})
            if not found.ok:
                points_note = found.error.get("message")
                by_precision = {}
                break
            by_precision[f"{target:g}"] = {r["risk"]: r for r in found.body["results"]}
    configured = console_settings(request).eval_report
    report = report_file(request)
    return await render(
        request,
        session,
        "model.html",
        status=200 if answer.ok else answer.status,
        card=answer.body if answer.ok else None,
        error=None if answer.ok else answer.error,
        by_precision=by_precision,
        points_note=points_note,
        report_configured=configured is not None,
        report=report,
        report_time=datetime.fromtimestamp(report.stat().st_mtime, UTC) if report else None,
    )


@router.get("/model/laporan")
async def model_report(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    report = report_file(request)
    if report is None:
        return await render(
            request,
            session,
            "error.html",
            status=404,
            title="Tidak ada laporan (no report)",
            message="No evaluation report is configured: set SARING_EVAL_REPORT to the "
            "report.html written by `saring eval --out DIR`.",
        )
    response = FileResponse(report, media_type="text/html; charset=utf-8")
    security_headers(response, REPORT_CSP)
    return response
