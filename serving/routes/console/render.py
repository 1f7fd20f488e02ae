"""Rendering: the Jinja environment and its filters, the security headers, the session cookie, redirects,
and the highlighting of the explanation spans."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from model.claims import VERDICTS
from model.labels import RISKS
from serving.routes.console.review_queue import count_waiting
from serving.routes.console.session import Session
from serving.routes.console.settings import (
    COOKIE,
    COOKIE_PATH,
    CSP,
    DECISION_NAMES,
    RISK_NAMES,
    TEMPLATES_DIR,
    app_settings,
)

logger = logging.getLogger(__name__)

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _fmt_time(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)


def _safe_url(value: Any) -> str | None:
    """Links only to http(s) addresses (a claim's URL comes from imported files)."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


_env.filters["when"] = _fmt_time
_env.filters["safe_url"] = _safe_url
_env.filters["pct"] = lambda x: f"{float(x) * 100:.1f}%" if isinstance(x, int | float) else "–"
_env.filters["tojson_pretty"] = lambda x: json.dumps(x, ensure_ascii=False, indent=2, sort_keys=True, default=str)
_env.globals.update(RISKS=RISKS, RISK_NAMES=RISK_NAMES, DECISION_NAMES=DECISION_NAMES, VERDICTS=VERDICTS)


def security_headers(response: Response, csp: str = CSP) -> None:
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"


def _set_cookie(response: Response, session: Session) -> None:
    response.set_cookie(COOKIE, session.cookie_value(), path=COOKIE_PATH, secure=True, httponly=True, samesite="strict")


def finish(response: Response, session: Session) -> Response:
    security_headers(response)
    if session.dirty:
        _set_cookie(response, session)
    return response


async def _waiting_count(request: Request) -> int | None:
    try:
        return await asyncio.to_thread(count_waiting, request.app.state.store)
    except Exception as e:  # the nav still renders without the badge
        logger.warning("console: counting the review queue failed (%s)", type(e).__name__)
        return None


async def render(request: Request, session: Session, template: str, status: int = 200, **context: Any) -> Response:
    settings = app_settings(request)
    page = _env.get_template(template).render(
        session=session,
        csrf=session.csrf,
        logged_in=session.key is not None,
        caller=session.caller,
        keys_configured=bool(settings.api_key_hashes),
        keys_required=settings.keys_required,
        waiting=await _waiting_count(request),
        path=request.url.path,
        **context,
    )
    return finish(HTMLResponse(page, status_code=status), session)


def redirect(session: Session, target: str) -> Response:
    return finish(RedirectResponse(target, status_code=303), session)


def back_link(path: str) -> str:
    """The console page a form at `path` belongs to (where its error page links back to)."""
    for page in ("/console/klaim", "/console/antrean", "/console/model"):
        if path == page or path.startswith(page + "/"):
            return page
    return "/console/periksa"


def login_redirect(request: Request, session: Session) -> Response:
    """To the login page, and back afterwards: to the same page for a GET, to the page a form was sent from for a
    POST (the form's own path answers POST only, so returning there would be a 405)."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        target = back_link(request.url.path)
    return redirect(session, "/console/login?" + urlencode({"next": target}))


async def csrf_failed(request: Request, session: Session) -> Response:
    logger.warning("console: a form without a valid CSRF token was refused (%s)", request.url.path)
    return await render(
        request,
        session,
        "error.html",
        status=403,
        title="Sesi kedaluwarsa (session expired)",
        message="The form's security token does not match this session. Reload the page and try again.",
    )


def highlight(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut `text` into segments, each with the risks whose explanation spans cover it and the largest weight, and
    the term lists whose matches (spans with a `term_list`) cover it."""
    cover: list[tuple[int, int, str, float, str | None]] = []
    for s in spans or []:
        try:
            b, e, r, w = int(s["begin"]), int(s["end"]), str(s["risk"]), float(s.get("weight", 0.0))
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= b < e <= len(text) and r in RISKS:
            listed = s.get("term_list")
            cover.append((b, e, r, w, str(listed) if listed is not None else None))
    cuts = sorted({0, len(text), *(c[0] for c in cover), *(c[1] for c in cover)})
    segments: list[dict[str, Any]] = []
    for b, e in zip(cuts, cuts[1:], strict=False):
        on = [c for c in cover if c[0] <= b and e <= c[1]]
        risks = sorted({c[2] for c in on}, key=RISKS.index)
        segments.append(
            {
                "text": text[b:e],
                "risks": risks,
                "weight": max((c[3] for c in on), default=0.0),
                "term_lists": sorted({c[4] for c in on if c[4] is not None}),
            }
        )
    return segments


def term_spans(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The TERM_LIST_MATCH warnings that carry offsets, as spans for `highlight`."""
    return [
        {"begin": w["begin"], "end": w["end"], "risk": w.get("risk"), "term_list": w.get("list")}
        for w in warnings
        if w.get("code") == "TERM_LIST_MATCH" and w.get("begin") is not None
    ]
