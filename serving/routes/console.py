"""The console: server-rendered pages for analysts and moderators under /console (see docs/console.md).

* **Periksa** (check) a post or a draft reply with the post it answers: scores, decisions, the words that
  drove them highlighted, matched debunked claims, reply warnings.
* **Antrean tinjauan** (review queue): the items stored with `store: true`, filtered and sorted; one click
  confirms or corrects a risk (feedback), with keyboard shortcuts.
* **Klaim** (claims): search and browse the claim memory, add a claim, import a ClaimReview file.
* **Model**: the model card and the latest evaluation report (SARING_EVAL_REPORT).

The console is a client of the API inside the same process: every score, feedback, claim and model-card
request goes through the API's own routes (:func:`call_api` sends an ASGI request to the app), so the
console has the same engine, validation, limits, keys, metrics and errors as `/v1/*`, and no second path.
Only the review queue reads the store's tables directly (the API has no route listing stored items).

Access mirrors the API: when keys are required (`keys_required`: beyond loopback, or SARING_REQUIRE_API_KEY)
a login form checks the key with serving.security and keeps it in a Secure, HttpOnly, SameSite=Strict
session cookie scoped to /console; on loopback without required keys no login is needed. Forms that change
state carry a CSRF token derived from the session's random id.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from model.claims import VERDICTS, ImportDefaults
from model.examples import DataError
from model.labels import RISKS
from serving.deps import get_claims
from serving.errors import ApiError
from serving.security import hash_key, matches_any
from serving.settings import Settings, is_loopback
from serving.store import Store, feedback_table, scored_items_table

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent.parent  # serving/
TEMPLATES_DIR = HERE / "templates" / "console"
STATIC_DIR = HERE / "static"
STATIC_FILES = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}

COOKIE = "saring_console"
COOKIE_PATH = "/console"
PAGE_SIZE = 25
MAX_IMPORT_BYTES = 2 * 1024 * 1024

RISK_NAMES = {"hoax": ("Hoaks", "hoax"), "slander": ("Fitnah", "slander"), "incitement": ("Hasutan", "incitement")}
DECISION_NAMES = {"allow": ("Izinkan", "allow"), "review": ("Tinjau", "review"), "block": ("Blokir", "block")}
FLAGGED = ("review", "block")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# The evaluation report is a self-contained page with inline styles and data: images; it runs no script.
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; "
              "sandbox allow-same-origin")

router = APIRouter(prefix="/console", include_in_schema=False)

_env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True,
                   default_for_string=True), trim_blocks=True, lstrip_blocks=True)


class ConsoleSettings(BaseSettings):
    """Settings of the console only (environment variables with the prefix SARING_)."""

    model_config = SettingsConfigDict(env_prefix="SARING_", extra="ignore")

    eval_report: Path | None = Field(None, description="The latest evaluation report: the report.html written by "
                                     "`saring eval --out DIR`, or DIR itself. Shown on the Model page.")


def console_settings(request: Request) -> ConsoleSettings:
    state = request.app.state
    found = getattr(state, "console_settings", None)
    if found is None:
        found = ConsoleSettings()
        state.console_settings = found
    return found


# --------------------------------------------------------------------------------------------------------
# input schemas


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


def _non_blank(params: dict[str, str]) -> dict[str, str]:
    """Query parameters without the empty ones (an empty field of the filter form means no filter)."""
    return {k: v for k, v in params.items() if v != ""}


# --------------------------------------------------------------------------------------------------------
# sessions, keys and CSRF


@dataclass
class Session:
    sid: str
    key: str | None
    dirty: bool  # the cookie must be (re)written

    @property
    def csrf(self) -> str:
        return hmac.new(self.sid.encode(), b"saring-console-csrf", hashlib.sha256).hexdigest()

    @property
    def caller(self) -> str | None:
        return f"key:{hash_key(self.key)[:12]}" if self.key else None

    def cookie_value(self) -> str:
        raw = json.dumps({"sid": self.sid, "key": self.key}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _new_session(key: str | None = None) -> Session:
    return Session(secrets.token_hex(16), key, True)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def read_session(request: Request) -> Session:
    """The session in the cookie; a fresh one when it is missing, unreadable, or holds a key no longer valid."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return _new_session()
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        sid, key = data["sid"], data.get("key")
        if not isinstance(sid, str) or len(sid) != 32 or not (key is None or isinstance(key, str)):
            raise ValueError("bad session")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return _new_session()
    if key is not None and not matches_any(key, _settings(request).api_key_hashes):
        logger.info("console session with a key that is no longer valid; logged out")
        return _new_session()
    return Session(sid, key, False)


def needs_login(request: Request, session: Session) -> bool:
    """The API's rule: a key is needed when the server requires keys (beyond loopback, or configured so)."""
    return session.key is None and _settings(request).keys_required


def check_csrf(session: Session, token: str) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, token)


def _safe_next(target: str) -> str:
    """Only paths inside the console: never another host (no open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or "\\" in target:
        return "/console/periksa"
    return target


# --------------------------------------------------------------------------------------------------------
# the API, called in process


@dataclass
class ApiAnswer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> dict[str, Any]:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"]
        return {"code": f"HTTP_{self.status}", "message": "the server answered without a readable error"}


async def call_api(request: Request, session: Session, method: str, path: str, *, body: Any = None,
                   params: dict[str, Any] | None = None) -> ApiAnswer:
    """Send one request to this app's own API route (full middleware stack, the session's key as X-API-Key)
    and return its status and JSON body."""
    payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers: list[tuple[bytes, bytes]] = [(b"host", request.headers.get("host", "localhost").encode("latin-1")),
                                          (b"accept", b"application/json"),
                                          (b"content-length", str(len(payload)).encode())]
    if body is not None:
        headers.append((b"content-type", b"application/json"))
    if session.key:
        headers.append((b"x-api-key", session.key.encode("utf-8")))
    query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": method, "scheme": request.url.scheme, "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": request.scope.get("root_path", ""), "headers": headers,
        "client": request.scope.get("client"), "server": request.scope.get("server"),
        "state": dict(request.scope.get("state") or {}),
    }
    request_sent = False
    done = asyncio.Event()
    status = 500
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal request_sent
        if not request_sent:
            request_sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await request.app(scope, receive, send)
    finally:
        done.set()
    raw = b"".join(chunks)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return ApiAnswer(status, parsed)


# --------------------------------------------------------------------------------------------------------
# rendering


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


def _security_headers(response: Response, csp: str = CSP) -> None:
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"


def _set_cookie(response: Response, session: Session) -> None:
    response.set_cookie(COOKIE, session.cookie_value(), path=COOKIE_PATH, secure=True, httponly=True,
                        samesite="strict")


def _finish(response: Response, session: Session) -> Response:
    _security_headers(response)
    if session.dirty:
        _set_cookie(response, session)
    return response


async def _waiting_count(request: Request) -> int | None:
    try:
        return await asyncio.to_thread(_count_waiting, request.app.state.store)
    except Exception as e:  # the nav still renders without the badge
        logger.warning("console: counting the review queue failed (%s)", type(e).__name__)
        return None


async def render(request: Request, session: Session, template: str, status: int = 200,
                 **context: Any) -> Response:
    settings = _settings(request)
    page = _env.get_template(template).render(
        session=session, csrf=session.csrf, logged_in=session.key is not None, caller=session.caller,
        keys_configured=bool(settings.api_key_hashes), keys_required=settings.keys_required,
        waiting=await _waiting_count(request), path=request.url.path, **context)
    return _finish(HTMLResponse(page, status_code=status), session)


def _redirect(session: Session, target: str) -> Response:
    return _finish(RedirectResponse(target, status_code=303), session)


def _login_redirect(request: Request, session: Session) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _redirect(session, "/console/login?" + urlencode({"next": target}))


async def _csrf_failed(request: Request, session: Session) -> Response:
    logger.warning("console: a form without a valid CSRF token was refused (%s)", request.url.path)
    return await render(request, session, "error.html", status=403, title="Sesi kedaluwarsa (session expired)",
                        message="The form's security token does not match this session. Reload the page and "
                        "try again.")


def highlight(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut `text` into segments, each with the risks whose explanation spans cover it and the largest weight."""
    cover: list[tuple[int, int, str, float]] = []
    for s in spans or []:
        try:
            b, e, r, w = int(s["begin"]), int(s["end"]), str(s["risk"]), float(s.get("weight", 0.0))
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= b < e <= len(text) and r in RISKS:
            cover.append((b, e, r, w))
    cuts = sorted({0, len(text), *(c[0] for c in cover), *(c[1] for c in cover)})
    segments: list[dict[str, Any]] = []
    for b, e in zip(cuts, cuts[1:], strict=False):
        on = [c for c in cover if c[0] <= b and e <= c[1]]
        risks = sorted({c[2] for c in on}, key=RISKS.index)
        segments.append({"text": text[b:e], "risks": risks, "weight": max((c[3] for c in on), default=0.0)})
    return segments


# --------------------------------------------------------------------------------------------------------
# the review queue (the store's tables, read directly: no API route lists stored items)


def _flagged(risk: str) -> ColumnElement[bool]:
    return scored_items_table.c.decisions[risk].as_string().in_(FLAGGED)


def _reviewed() -> ColumnElement[bool]:
    s, f = scored_items_table.c, feedback_table.c
    return exists().where(and_(f.text == s.text, f.parent_text.is_not_distinct_from(s.parent_text)))


def _max_score() -> ColumnElement[Any]:
    scores = [func.coalesce(scored_items_table.c.scores[r].as_float(), literal(0.0)) for r in RISKS]
    top: ColumnElement[Any] = scores[0]
    for s in scores[1:]:
        top = case((s > top, s), else_=top)
    return top


def _conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    c = scored_items_table.c
    where: list[ColumnElement[bool]] = []
    if f.status == "waiting":
        where.append(~_reviewed())
    elif f.status == "reviewed":
        where.append(_reviewed())
    if f.decision == "flagged":
        where.append(c.decision.in_(FLAGGED))
    elif f.decision != "all":
        where.append(c.decision == f.decision)
    if f.risk:
        where.append(_flagged(f.risk))
    if f.channel:
        where.append(c.policy == f.channel)
    if f.date_from:
        where.append(c.created >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to:
        where.append(c.created < datetime.combine(f.date_to + timedelta(days=1), time(), UTC))
    return where


def _count_waiting(store: Store) -> int:
    c = scored_items_table.c
    with store.engine.connect() as conn:
        q = select(func.count()).select_from(scored_items_table).where(c.decision.in_(FLAGGED), ~_reviewed())
        return int(conn.execute(q).scalar_one())


def queue_page(store: Store, f: QueueFilter) -> dict[str, Any]:
    """One page of the queue, its total, the counts of what is waiting, and the feedback already given."""
    c = scored_items_table.c
    where = _conditions(f)
    order = [c.created.desc(), c.id.desc()] if f.sort == "newest" else [_max_score().desc(), c.id.desc()]
    with store.engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(scored_items_table).where(*where)).scalar_one())
        rows = [dict(r._mapping) for r in conn.execute(
            select(scored_items_table).where(*where).order_by(*order).limit(PAGE_SIZE)
            .offset((f.page - 1) * PAGE_SIZE))]
        counts_q = select(c.decision, func.count(),
                          *(func.sum(case((_flagged(r), 1), else_=0)) for r in RISKS)
                          ).where(~_reviewed()).group_by(c.decision)
        counts: dict[str, Any] = {"total": 0, "flagged": 0, "by_decision": {d: 0 for d in DECISION_NAMES},
                                  "by_risk": {r: 0 for r in RISKS}}
        for decision, n, *per_risk in conn.execute(counts_q):
            counts["total"] += int(n)
            if decision in counts["by_decision"]:
                counts["by_decision"][decision] += int(n)
            if decision in FLAGGED:
                counts["flagged"] += int(n)
                for r, k in zip(RISKS, per_risk, strict=True):
                    counts["by_risk"][r] += int(k or 0)
        given: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        texts = sorted({r["text"] for r in rows})
        if texts:
            fc = feedback_table.c
            for fb in conn.execute(select(fc.text, fc.parent_text, fc.risk, fc.label, fc.created, fc.caller)
                                   .where(fc.text.in_(texts)).order_by(fc.id)):
                given.setdefault((fb.text, fb.parent_text), []).append(dict(fb._mapping))
    for r in rows:
        latest: dict[str, int] = {}
        for fb in given.get((r["text"], r["parent_text"]), []):
            latest[fb["risk"]] = int(fb["label"])
        r["feedback"] = latest
        r["top_risk"] = max(RISKS, key=lambda k: float((r["scores"] or {}).get(k, 0.0)))
    pages = max(1, -(-total // PAGE_SIZE))
    return {"rows": rows, "total": total, "pages": pages, "counts": counts}


def scored_item(store: Store, item: int) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(scored_items_table).where(scored_items_table.c.id == item)).first()
        return dict(row._mapping) if row else None


# --------------------------------------------------------------------------------------------------------
# routes


@router.get("")
@router.get("/")
async def home(request: Request) -> Response:
    session = read_session(request)
    return _redirect(session, "/console/periksa")


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in STATIC_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    response = FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/login")
async def login_page(request: Request,
                     next_url: Annotated[str, Query(alias="next")] = "/console/periksa") -> Response:
    session = read_session(request)
    settings = _settings(request)
    if not settings.api_key_hashes:
        return _redirect(session, "/console/periksa")
    host = request.url.hostname or ""
    insecure = request.url.scheme != "https" and not is_loopback(host)
    return await render(request, session, "login.html", next=_safe_next(next_url), insecure=insecure, error=None)


@router.post("/login")
async def login(request: Request, form: Annotated[LoginForm, Form()]) -> Response:
    session = read_session(request)
    settings = _settings(request)
    target = _safe_next(form.next)
    if not check_csrf(session, form.csrf):
        return await _csrf_failed(request, session)
    client = request.client.host if request.client else "unknown"
    wait = request.app.state.limiter.take(f"console-login:{client}")
    if wait > 0:
        return await render(request, session, "login.html", status=429, next=target, insecure=False,
                            error=f"Terlalu banyak percobaan (too many attempts): retry in {int(wait) + 1} s.")
    key = form.key.strip()
    if not key or not settings.api_key_hashes or not matches_any(key, settings.api_key_hashes):
        logger.info("console: a login with an invalid key was refused (%s)", client)
        return await render(request, session, "login.html", status=401, next=target, insecure=False,
                            error="Kunci API tidak valid (the API key is not valid).")
    fresh = _new_session(key)  # a new session id at login: a session planted before it is worth nothing
    logger.info("console: %s logged in", fresh.caller)
    return _redirect(fresh, target)


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    session = read_session(request)
    if not check_csrf(session, csrf):
        return await _csrf_failed(request, session)
    target = "/console/login" if _settings(request).keys_required else "/console/periksa"
    return _redirect(_new_session(), target)


# -- Periksa ---------------------------------------------------------------------------------------


async def _channels(request: Request) -> list[str]:
    return list(request.app.state.policies.names)


@router.get("/periksa")
async def check_page(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    return await render(request, session, "periksa.html", form=CheckForm(explain=True), result=None, error=None,
                        channels=await _channels(request))


@router.post("/periksa")
async def check(request: Request, form: Annotated[CheckForm, Form()]) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    if not check_csrf(session, form.csrf):
        return await _csrf_failed(request, session)
    item: dict[str, Any] = {"text": form.text, "kind": form.kind}
    if form.kind == "reply" and form.parent_text.strip():
        item["parent_text"] = form.parent_text
    if form.channel:
        item["channel"] = form.channel
    answer = await call_api(request, session, "POST", "/v1/score",
                            body={"items": [item], "explain": form.explain, "store": form.store})
    channels = await _channels(request)
    if not answer.ok:
        return await render(request, session, "periksa.html", status=answer.status, form=form, result=None,
                            error=answer.error, channels=channels)
    payload = answer.body
    result = payload["results"][0]
    thresholds = payload.get("policies", {}).get(result["policy"], {})
    view = {
        "model": payload["model"], "request_id": payload["request_id"], "result": result,
        "thresholds": thresholds, "segments": highlight(form.text, result.get("spans", [])),
        "parent": item.get("parent_text"), "stored": form.store and not payload.get("warnings"),
        "request_warnings": payload.get("warnings", []),
        "repeated": [w for w in result.get("warnings", []) if w.get("words")],
    }
    logger.info("console: checked one %s (decision %s) for %s", result["kind"], result["decision"],
                session.caller or "an anonymous caller")
    return await render(request, session, "periksa.html", form=form, result=view, error=None, channels=channels)


# -- Antrean tinjauan --------------------------------------------------------------------------------


@router.get("/antrean")
async def queue(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    error = None
    try:
        f = QueueFilter.model_validate(_non_blank(dict(request.query_params)))
    except ValidationError as e:
        first = e.errors()[0]
        error = {"code": "INVALID_REQUEST", "message": f"filter {'.'.join(map(str, first['loc']))}: {first['msg']}; "
                 "showing the default view"}
        f = QueueFilter()
    try:
        data = await asyncio.to_thread(queue_page, request.app.state.store, f)
    except Exception as e:
        logger.error("console: reading the review queue failed: %s", type(e).__name__)
        data = {"rows": [], "total": 0, "pages": 1, "counts": None}
        error = {"code": "NOT_READY", "message": "the store cannot be read; retry shortly"}
    done = request.query_params.get("done")
    return await render(request, session, "antrean.html", f=f, error=error, done=done,
                        channels=await _channels(request), **data)


@router.post("/antrean/{item}/feedback")
async def queue_feedback(request: Request, item: int, form: Annotated[FeedbackForm, Form()]) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    if not check_csrf(session, form.csrf):
        return await _csrf_failed(request, session)
    back = form.back if not form.back.startswith(("/", "\\")) and "//" not in form.back else ""
    row = await asyncio.to_thread(scored_item, request.app.state.store, item)
    if row is None:
        return await render(request, session, "error.html", status=404, title="Tidak ditemukan (not found)",
                            message=f"No stored item #{item}; it may have been removed.")
    risk, action = form.action.split(":")
    flagged = (row["decisions"] or {}).get(risk) in FLAGGED
    label = int(flagged) if action == "confirm" else int(not flagged)
    note = (f"console: {'confirmed' if action == 'confirm' else 'corrected'} the {risk} decision "
            f"{(row['decisions'] or {}).get(risk)} (score {(row['scores'] or {}).get(risk)}) of stored item {item}")
    body = {"text": row["text"], "risk": risk, "label": label, "note": note,
            "model_version": row["model_version"], "id": row["item_id"] or f"scored-{item}"}
    if row["parent_text"]:
        body["parent_text"] = row["parent_text"]
    answer = await call_api(request, session, "POST", "/v1/feedback", body=body)
    if not answer.ok:
        return await render(request, session, "error.html", status=answer.status,
                            title="Umpan balik tidak tersimpan (feedback not stored)",
                            message=f"{answer.error['code']}: {answer.error['message']}")
    logger.info("console: %s %s of stored item %d (label %d) by %s", action, risk, item, label,
                session.caller or "an anonymous caller")
    sep = "&" if back else ""
    return _redirect(session, f"/console/antrean?{back}{sep}" + urlencode({"done": f"{item}:{risk}:{label}"}))


# -- Klaim ----------------------------------------------------------------------------------------------


async def _claims_view(request: Request, session: Session, *, status: int = 200, notice: str | None = None,
                       error: dict[str, Any] | None = None, form: ClaimForm | None = None) -> Response:
    try:
        f = ClaimsFilter.model_validate(dict(request.query_params))
    except ValidationError:
        f = ClaimsFilter()
    results = claims = None
    total = 0
    if f.q.strip():
        answer = await call_api(request, session, "GET", "/v1/claims/search", params={"q": f.q, "top": 20})
        if answer.ok:
            results = answer.body["results"]
    else:
        answer = await call_api(request, session, "GET", "/v1/claims",
                                params={"limit": PAGE_SIZE, "offset": (f.page - 1) * PAGE_SIZE,
                                        "verdict": f.verdict or None})
        if answer.ok:
            claims, total = answer.body["claims"], answer.body["total"]
    if not answer.ok and error is None:
        error = answer.error
        status = answer.status if status == 200 else status
    pages = max(1, -(-total // PAGE_SIZE))
    return await render(request, session, "klaim.html", status=status, f=f, results=results, claims=claims,
                        total=total, pages=pages, notice=notice, error=error, form=form or ClaimForm(),
                        max_import_bytes=MAX_IMPORT_BYTES)


@router.get("/klaim")
async def claims_page(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    return await _claims_view(request, session, notice=request.query_params.get("notice"))


def _import_notice(body: dict[str, Any]) -> str:
    return (f"{body['added']} ditambahkan (added), {body['updated']} diperbarui (updated), {body['unchanged']} "
            f"tidak berubah (unchanged); {body['total_claims']} klaim tersimpan (claims stored)")


@router.post("/klaim/tambah")
async def add_claim(request: Request, form: Annotated[ClaimForm, Form()]) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    if not check_csrf(session, form.csrf):
        return await _csrf_failed(request, session)
    record = {k: v.strip() for k, v in form.model_dump(exclude={"csrf"}).items() if v.strip()}
    answer = await call_api(request, session, "POST", "/v1/claims", body=[record])
    if not answer.ok:
        return await _claims_view(request, session, status=answer.status, error=answer.error, form=form)
    logger.info("console: a claim was added by %s", session.caller or "an anonymous caller")
    return _redirect(session, "/console/klaim?" + urlencode({"notice": _import_notice(answer.body)}))


IMPORT_SUFFIXES = (".json", ".jsonld", ".jsonl", ".ndjson", ".csv", ".tsv")


def upload_name(filename: str | None) -> str:
    """A safe file name for an uploaded claims file, keeping its extension (it tells the format)."""
    base = Path(filename or "").name
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(base).stem).strip("._")[:80] or "claims"
    suffix = Path(base).suffix.lower()
    return stem + (suffix if suffix in IMPORT_SUFFIXES else ".json")


class UploadError(ValueError):
    """A claims file refused by model.claims, its message naming the uploaded file (not the server's path)."""


def import_upload(index: Any, name: str, data: bytes) -> Any:
    """Import an uploaded file exactly as `saring claims import FILE` does (model.claims, all or nothing)."""
    with tempfile.TemporaryDirectory(prefix="saring-console-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            return index.import_file(path, defaults=ImportDefaults(source=f"console:{name}"))
        except DataError as e:  # ClaimImportError included: every bad record listed, nothing stored
            raise UploadError(str(e).replace(str(path), name)) from e


@router.post("/klaim/impor")
async def import_claims(request: Request, file: Annotated[UploadFile, File()],
                        csrf: Annotated[str, Form()] = "") -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    if not check_csrf(session, csrf):
        return await _csrf_failed(request, session)
    name = upload_name(file.filename)
    data = await file.read(MAX_IMPORT_BYTES + 1)
    try:
        if len(data) > MAX_IMPORT_BYTES:
            raise ApiError("INVALID_REQUEST", f"the file is larger than {MAX_IMPORT_BYTES} bytes; import it with "
                           "`saring claims import FILE`")
        client = request.client.host if request.client else "unknown"
        request.app.state.limiter.check(session.caller or f"addr:{client}")  # the API's limits
        index = await asyncio.to_thread(get_claims, request)  # the claims routes' store
        report = await asyncio.to_thread(import_upload, index, name, data)
    except ApiError as e:
        return await _claims_view(request, session, status=e.status,
                                  error={"code": e.code, "message": e.message})
    except UploadError as e:
        return await _claims_view(request, session, status=422, error={"code": "INVALID_REQUEST",
                                                                       "message": str(e)})
    logger.info("console: a claim file was imported by %s (%d added, %d updated)",
                session.caller or "an anonymous caller", report.added, report.updated)
    notice = _import_notice({"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                             "total_claims": len(index)})
    return _redirect(session, "/console/klaim?" + urlencode({"notice": notice}))


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
        return _login_redirect(request, session)
    answer = await call_api(request, session, "GET", "/v1/model")
    configured = console_settings(request).eval_report
    report = report_file(request)
    return await render(request, session, "model.html", status=200 if answer.ok else answer.status,
                        card=answer.body if answer.ok else None, error=None if answer.ok else answer.error,
                        report_configured=configured is not None, report=report,
                        report_time=datetime.fromtimestamp(report.stat().st_mtime, UTC) if report else None)


@router.get("/model/laporan")
async def model_report(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return _login_redirect(request, session)
    report = report_file(request)
    if report is None:
        return await render(request, session, "error.html", status=404, title="Tidak ada laporan (no report)",
                            message="No evaluation report is configured: set SARING_EVAL_REPORT to the "
                            "report.html written by `saring eval --out DIR`.")
    response = FileResponse(report, media_type="text/html; charset=utf-8")
    _security_headers(response, REPORT_CSP)
    return response
