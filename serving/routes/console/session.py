"""The console's session (a cookie holding a random id and, after login, the API key), the login rule and the
CSRF token of its forms."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request

from serving.routes.console.settings import COOKIE, app_settings
from serving.security import hash_key, matches_any

logger = logging.getLogger(__name__)


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


def new_session(key: str | None = None) -> Session:
    return Session(secrets.token_hex(16), key, True)


def read_session(request: Request) -> Session:
    """The session in the cookie; a fresh one when it is missing, unreadable, or holds a key no longer valid."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return new_session()
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        sid, key = data["sid"], data.get("key")
        if not isinstance(sid, str) or len(sid) != 32 or not (key is None or isinstance(key, str)):
            raise ValueError("bad session")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        return new_session()
    if key is not None and not matches_any(key, app_settings(request).api_key_hashes):
        logger.info("console session with a key that is no longer valid; logged out")
        return new_session()
    return Session(sid, key, False)


def needs_login(request: Request, session: Session) -> bool:
    """The API's rule: a key is needed when the server requires keys (beyond loopback, or configured so)."""
    return session.key is None and app_settings(request).keys_required


def check_csrf(session: Session, token: str) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, token)


def safe_next(target: str) -> str:
    """Only paths inside the console: never another host (no open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or "\\" in target:
        return "/console/periksa"
    return target
