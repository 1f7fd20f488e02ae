"""The request-body limit, with an HTML page for the console.

The server has one body limit, `SARING_MAX_BODY_BYTES` (Settings.max_body_bytes, 2 MiB by default). The API
answers a body over it with 413 in its JSON error shape (serving.errors.BodyLimitMiddleware). The console's
import form states the same number as the largest file it accepts, and a moderator who picks a larger
file gets the console's HTML page, saying the limit, the size found and what to do, instead of raw JSON.

:class:`ConsoleAwareBodyLimit` is that limit for the whole app: every request outside /console goes
through BodyLimitMiddleware unchanged; a POST to /console may hold the limit plus FORM_ROOM_BYTES (the
multipart headers and the form's other fields around a file of exactly the limit), and a larger one is
answered with the HTML page. The import route then checks the file itself against the limit.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from serving.errors import BodyLimitMiddleware
from serving.routes.console.render import back_link, redirect, render
from serving.routes.console.session import Session, needs_login, read_session
from serving.routes.console.settings import FORM_ROOM_BYTES, IMPORT_PATH, app_settings

MIB = 1024 * 1024
KIB = 1024


def size_short(n: int) -> str:
    """A size in binary units, to two decimals: `2 MiB`, `2.5 MiB`, `640 KiB`, `512 bytes`."""
    unit, name = (MIB, "MiB") if n >= MIB else (KIB, "KiB") if n >= KIB else (1, "bytes")
    amount = f"{n / unit:.2f}".rstrip("0").rstrip(".")
    return f"{amount} {name}"


def size_text(n: int) -> str:
    """A size with its exact bytes: `2 MiB (2,097,152 bytes)`; the one way the console states sizes."""
    return f"{size_short(n)} ({n:,} bytes)" if n >= KIB else size_short(n)


def import_limit(request: Request) -> int:
    """The largest claims file the console imports: the server's body limit, SARING_MAX_BODY_BYTES."""
    return app_settings(request).max_body_bytes


def is_console(path: str) -> bool:
    return path == "/console" or path.startswith("/console/")


async def refuse(request: Request, session: Session, status: int, title: str, message: str) -> Response:
    """The console's error page for a refused form (or the login page first, when a key is needed)."""
    back = back_link(request.url.path)
    if needs_login(request, session):
        return redirect(session, "/console/login?" + urlencode({"next": back}))
    return await render(request, session, "error.html", status=status, title=title, message=message, back=back)


def too_large_message(path: str, found: str, limit: int) -> str:
    """What was expected, what was found and how to fix it, for a console form or file over the limit."""
    expected = f"at most {size_text(limit)}, the server's request limit SARING_MAX_BODY_BYTES"
    if path == IMPORT_PATH:
        return (
            f"Expected a claims file of {expected}; {found}. Fix: split the file into parts under "
            f"{size_short(limit)} and import them one by one, or import the whole file on the server with "
            "`saring claims import FILE` (no size limit), or POST its records to /v1/claims in batches under "
            "the limit."
        )
    return (
        f"Expected a form of {expected}; {found}. Fix: shorten the text, or send it to the API "
        "(POST /v1/score) in several requests."
    )


async def too_large(request: Request, found: str) -> Response:
    session = read_session(request)
    message = too_large_message(request.url.path, found, app_settings(request).max_body_bytes)
    return await refuse(request, session, 413, "Terlalu besar (too large)", message)


class ConsoleAwareBodyLimit(BodyLimitMiddleware):
    """The app's body limit (see the module's docstring): JSON 413 for the API, an HTML page for the console."""

    @staticmethod
    def _console_form(scope: Scope) -> bool:
        return scope.get("method") == "POST" and is_console(scope.get("path", ""))

    def limit_for(self, scope: Scope) -> int:
        return self.max_bytes + FORM_ROOM_BYTES if self._console_form(scope) else self.max_bytes

    async def reject(self, scope: Scope, receive: Receive, send: Send, size: int, complete: bool) -> None:
        if not self._console_form(scope):
            await super().reject(scope, receive, send, size, complete)
            return
        shown = size_text(size) if complete else f"more than {size_text(self.limit_for(scope))}"
        what = "the upload (the file with the form around it)" if scope["path"] == IMPORT_PATH else "the form"
        response = await too_large(Request(scope, receive), f"{what} is {shown}")
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)
