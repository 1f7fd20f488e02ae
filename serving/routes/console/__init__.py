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

The package, one module per concern:

    settings.py      constants (paths, cookie, page size, display names, CSPs) and ConsoleSettings
    session.py       the session cookie, the login rule and the CSRF token
    forms.py         the input schemas: forms and list filters
    api.py           call_api: the API's own routes, called in process
    render.py        templates, security headers, redirects, highlighting
    limits.py        the body limit: the API's JSON 413, or the console's page for its forms and imports
    encoding.py      forms (and imported files) must be UTF-8: checked on the raw bytes, before parsing
    review_queue.py  the review queue's reads of the store
    pages.py         /console, /static, /login, /logout, /periksa, /antrean, /model
    claims_page.py   /klaim (search, browse, add, import)
"""

from __future__ import annotations

from fastapi import APIRouter

from serving.routes.console import claims_page, pages
from serving.routes.console.api import ApiAnswer, call_api
from serving.routes.console.claims_page import import_upload, upload_name
from serving.routes.console.render import highlight
from serving.routes.console.review_queue import queue_page
from serving.routes.console.session import Session, read_session
from serving.routes.console.settings import COOKIE, ConsoleSettings

router = APIRouter()
router.include_router(pages.router)
router.include_router(claims_page.router)

__all__ = [
    "COOKIE",
    "ApiAnswer",
    "ConsoleSettings",
    "Session",
    "call_api",
    "highlight",
    "import_upload",
    "queue_page",
    "read_session",
    "router",
    "upload_name",
]
