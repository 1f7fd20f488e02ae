"""The console's constants (paths, cookie, page sizes, display names, content security policies) and its
settings (SARING_EVAL_REPORT), besides the server's own Settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from serving.settings import Settings

HERE = Path(__file__).resolve().parents[2]  # serving/
TEMPLATES_DIR = HERE / "templates" / "console"
STATIC_DIR = HERE / "static"
STATIC_FILES = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}

COOKIE = "saring_console"
COOKIE_PATH = "/console"
PAGE_SIZE = 25
IMPORT_PATH = "/console/klaim/impor"
# The largest claims file the import takes is the server's body limit, SARING_MAX_BODY_BYTES (limits.py); a
# console POST may be this much larger, for the multipart headers and the form's other fields around it.
FORM_ROOM_BYTES = 64 * 1024

RISK_NAMES = {"hoax": ("Hoaks", "hoax"), "slander": ("Fitnah", "slander"), "incitement": ("Hasutan", "incitement")}
DECISION_NAMES = {"allow": ("Izinkan", "allow"), "review": ("Tinjau", "review"), "block": ("Blokir", "block")}
FLAGGED = ("review", "block")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The evaluation report is a self-contained page with inline styles and data: images; it runs no script.
REPORT_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox allow-same-origin"
)


class ConsoleSettings(BaseSettings):
    """Settings of the console only (environment variables with the prefix SARING_)."""

    model_config = SettingsConfigDict(env_prefix="SARING_", extra="ignore")

    eval_report: Path | None = Field(
        None,
        description="The latest evaluation report: the report.html written by "
        "`saring eval --out DIR`, or DIR itself. Shown on the Model page.",
    )


def console_settings(request: Request) -> ConsoleSettings:
    state = request.app.state
    found = getattr(state, "console_settings", None)
    if found is None:
        found = ConsoleSettings()
        state.console_settings = found
    return found


def app_settings(request: Request) -> Settings:
    """The server's settings (serving.settings)."""
    return request.app.state.settings
