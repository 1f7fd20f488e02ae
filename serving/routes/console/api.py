"""The API, called in process: the console sends its requests through the app's own routes."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from serving.routes.console.session import Session


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


async def call_api(
    request: Request,
    session: Session,
    method: str,
    path: str,
    *,
    body: Any = None,
    params: dict[str, Any] | None = None,
) -> ApiAnswer:
    """Send one request to this app's own API route (full middleware stack, the session's key as X-API-Key)
    and return its status and JSON body."""
    payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers: list[tuple[bytes, bytes]] = [
        (b"host", request.headers.get("host", "localhost").encode("latin-1")),
        (b"accept", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if body is not None:
        headers.append((b"content-type", b"application/json"))
    if session.key:
        headers.append((b"x-api-key", session.key.encode("utf-8")))
    query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": request.url.scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": request.scope.get("root_path", ""),
        "headers": headers,
        "client": request.scope.get("client"),
        "server": request.scope.get("server"),
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
