"""Console forms must be UTF-8, and are checked while their raw bytes are still at hand.

Starlette decodes forms without ever failing: in a URL-encoded form a `%XX` sequence that is not UTF-8
becomes U+FFFD and a raw byte above 0x7F is read as Latin-1; in a multipart form a field that is not UTF-8
is read as Latin-1. Either way a moderator's text would be scored and stored changed, with no notice. So
every console route (:class:`Utf8FormRoute`) reads the body of a POST first (Starlette keeps it for the form
parser) and refuses, with the console's error page, a form holding bytes that are not UTF-8. Uploaded files
are left to the route that reads them (the claims import checks its file the same way, see claims_page.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from serving.routes.console.limits import refuse
from serving.routes.console.session import read_session

logger = logging.getLogger(__name__)

FORM_FIX = (
    "Fix: send the form from the console page (browsers send it as UTF-8), or encode the text as UTF-8 before "
    "sending it."
)
FILE_FIX = (
    "Fix: save the file as UTF-8 (in a text editor: Save As, encoding UTF-8; in a spreadsheet: CSV UTF-8) and "
    "import it again, or import it on the server with `saring claims import FILE --encoding cp1252` (its encoding)."
)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,40}")


@dataclass(frozen=True)
class NotUtf8:
    """Where a form or file stops being UTF-8."""

    where: str  # "the field `text`", "the file `cek.csv`"
    offset: int  # bytes from the start of that field's value (after %XX decoding) or file
    byte: int
    raw: bool = False  # a raw byte above 0x7F in a URL-encoded body (`offset` counts from the body's start)
    fix: str = FORM_FIX

    @property
    def message(self) -> str:
        if self.raw:
            return (
                "Expected a URL-encoded form, with every byte above 0x7F written as %XX (as browsers send it); "
                f"found the raw byte 0x{self.byte:02X} in {self.where} at byte offset {self.offset} of the body, "
                "which would be read as a different character. Nothing was checked or stored. Fix: send the form "
                "from the console page, or percent-encode the UTF-8 bytes of each value."
            )
        return (
            f"Expected UTF-8 text; found a byte that is not UTF-8 (0x{self.byte:02X}) in {self.where} at byte "
            f"offset {self.offset}. Nothing was checked or stored, so no text is changed. {self.fix}"
        )


def _field(name: bytes) -> str:
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        return "a field"
    return f"the field `{text}`" if _PLAIN_NAME.fullmatch(text) else "a field"


def first_bad_byte(data: bytes) -> tuple[int, int] | None:
    """(offset, byte) of the first byte where `data` stops being UTF-8; None when all of it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start, data[e.start]
    return None


def urlencoded_problem(body: bytes) -> NotUtf8 | None:
    """The first field name or value of an application/x-www-form-urlencoded body that is not UTF-8 once
    its %XX sequences are decoded, or the first raw byte above 0x7F (Starlette would read it as Latin-1)."""
    start = 0
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        plain_name = unquote_to_bytes(name.replace(b"+", b" "))
        for i, b in enumerate(pair):
            if b > 0x7F:
                return NotUtf8(_field(plain_name), start + i, b, raw=True)
        for part, where in ((plain_name, "a field name"), (unquote_to_bytes(value.replace(b"+", b" ")), None)):
            bad = first_bad_byte(part)
            if bad is not None:
                return NotUtf8(where or _field(plain_name), *bad)
        start += len(pair) + 1
    return None


def multipart_problem(content_type: str, body: bytes) -> NotUtf8 | None:
    """The first text field of a multipart/form-data body that is not UTF-8. Parts with a file name are
    files, checked by the route that reads them. A body that does not parse is left to Starlette's parser
    (and its error)."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        return None
    found: list[NotUtf8] = []
    part: dict[str, Any] = {}

    def on_part_begin() -> None:
        part.clear()
        part.update(header=b"", value=b"", disposition=b"", data=bytearray(), file=False, name=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part["header"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part["value"] += data[start:end]

    def on_header_end() -> None:
        if part["header"].lower() == b"content-disposition":
            part["disposition"] = part["value"]
        part["header"] = part["value"] = b""

    def on_headers_finished() -> None:
        _, options = parse_options_header(part["disposition"])
        part["name"] = options.get(b"name", b"")
        part["file"] = b"filename" in options

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if not part["file"]:
            part["data"] += data[start:end]

    def on_part_end() -> None:
        if part["file"] or found:
            return
        bad = first_bad_byte(bytes(part["data"]))
        if bad is not None:
            found.append(NotUtf8(_field(part["name"]), *bad))

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except Exception:  # malformed after the fields read so far: Starlette's parser answers it
        pass
    return found[0] if found else None


def form_problem(content_type: str, body: bytes) -> NotUtf8 | None:
    """Where a console form's body stops being UTF-8, for the two form encodings browsers send."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        return urlencoded_problem(body)
    if media == "multipart/form-data":
        return multipart_problem(content_type, body)
    return None


async def not_utf8_page(request: Request, problem: NotUtf8) -> Response:
    logger.info("console: refused a form that is not UTF-8 (%s, %s)", request.url.path, problem.where)
    return await refuse(request, read_session(request), 400, "Bukan teks UTF-8 (not UTF-8 text)", problem.message)


class Utf8FormRoute(APIRoute):
    """A console route: a POST whose form is not UTF-8 gets the console's error page before FastAPI parses
    it (so the route never sees, scores or stores a changed text)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            if request.method == "POST":
                body = await request.body()  # kept on the request: the form parser reads it from there
                problem = form_problem(request.headers.get("content-type", ""), body)
                if problem is not None:
                    return await not_utf8_page(request, problem)
            return await handler(request)

        return checked
