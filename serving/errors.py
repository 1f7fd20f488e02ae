"""One error shape for every failure: {"error": {"code": ..., "message": ..., "item": index or null}}.

Codes (stable; clients branch on them): TEXT_EMPTY, TEXT_TOO_LONG, TOO_MANY_ITEMS, INVALID_REQUEST (400, 413 or
422), UNAUTHORIZED (401), FORBIDDEN (403), NOT_FOUND (404), METHOD_NOT_ALLOWED (405), RELOAD_FAILED (422, admin),
RATE_LIMITED (429, with
Retry-After), NOT_READY (503, with Retry-After), INTERNAL (500, logged, never expected).
Messages say what was expected, what was found and how to fix it; they never echo the submitted text.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

# The codes and their default status; exported for docs and tests.
ERROR_CODES: dict[str, int] = {
    "TEXT_EMPTY": 400,
    "TEXT_TOO_LONG": 400,
    "TOO_MANY_ITEMS": 400,
    "INVALID_REQUEST": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "RATE_LIMITED": 429,
    "RELOAD_FAILED": 422,
    "NOT_READY": 503,
    "INTERNAL": 500,
}


class ApiError(Exception):
    """Raised anywhere in the app; rendered in the one error shape."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        item: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or ERROR_CODES.get(code, 400)
        self.item = item
        self.headers = headers


def error_body(code: str, message: str, item: int | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "item": item}}


def error_response(
    code: str, message: str, status: int, item: int | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, item), status_code=status, headers=headers)


# A body that may take several shapes (POST /v1/claims: one record, a list, or {"claims": [...]}) is validated as
# the shape it has (a pydantic Discriminator); its tags start with this and are not part of the field's path.
SHAPE_TAG = "$"


def _loc_str(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p != "body" and not str(p).startswith(SHAPE_TAG)]
    return ".".join(parts) or "body"


def _item_index(loc: tuple[Any, ...] | list[Any]) -> int | None:
    """The item (or record) an error is in, counted from 0: items.N, claims.N, N of a list body, 0 for a body of
    one record; None for an error in the request as a whole."""
    parts = [p for p in loc if p != "body"]
    tags = [p for p in parts if isinstance(p, str) and p.startswith(SHAPE_TAG)]
    parts = [p for p in parts if not (isinstance(p, str) and p.startswith(SHAPE_TAG))]
    if len(parts) >= 2 and parts[0] in ("items", "claims") and isinstance(parts[1], int):
        return parts[1]
    if parts and isinstance(parts[0], int):
        return parts[0]
    if tags == [f"{SHAPE_TAG}one"] and parts:
        return 0
    return None


def _found(err: dict[str, Any]) -> str:
    """A short description of what was found, without echoing user text."""
    if "input" not in err:
        return ""
    value = err["input"]
    if value is None:
        return "; found null"
    if isinstance(value, bool):
        return f"; found {str(value).lower()}"
    if isinstance(value, int | float):
        return f"; found the number {value}"
    kinds = {str: "a string", list: "a list", dict: "an object", bytes: "raw bytes"}
    for t, name in kinds.items():
        if isinstance(value, t):
            return f"; found {name}"
    return ""


# Where a parameter that is not in the body sits, as its error names it.
_PARAMETER_PLACES = {"query": "query parameter", "path": "path parameter", "header": "header", "cookie": "cookie"}
# The longest parameter value an error quotes back (a query string is the caller's URL, not a post's text).
MAX_QUOTED_CHARS = 40
# The parameters of one operation: (place, name) -> the parameter as /openapi.json documents it (its `schema`,
# whether it is `required`).
Parameters = dict[tuple[str, str], dict[str, Any]]


def _quoted(value: str) -> str:
    """The value, quoted; cut to MAX_QUOTED_CHARS characters when longer (saying so)."""
    if len(value) <= MAX_QUOTED_CHARS:
        return json.dumps(value, ensure_ascii=False)
    return f"{json.dumps(value[:MAX_QUOTED_CHARS], ensure_ascii=False)}... ({len(value)} characters)"


def _number(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _expected(schema: dict[str, Any], err: dict[str, Any]) -> tuple[str, str]:
    """(what the parameter takes, its type's JSON schema name): from the parameter's schema when known, else
    from the pydantic error (its type and context)."""
    options = [a for a in schema.get("anyOf", []) if a.get("type") != "null"]
    if options:
        schema = {**schema, **options[0]}
    ctx = err.get("ctx") or {}
    kind = schema.get("type") or {
        "int_parsing": "integer",
        "int_type": "integer",
        "int_from_float": "integer",
        "float_parsing": "number",
        "float_type": "number",
        "bool_parsing": "boolean",
        "bool_type": "boolean",
    }.get(str(err.get("type")), "")
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"]), "enum"
    if kind == "boolean":
        return "true or false", kind
    if err.get("type") == "literal_error" and "expected" in ctx:
        return f"one of {ctx['expected']}", "enum"
    if kind == "string":
        shortest, longest = schema.get("minLength"), schema.get("maxLength")
        if shortest is not None and longest is not None:
            return f"a text of {shortest} to {longest} characters", kind
        if longest is not None:
            return f"a text of at most {longest} characters", kind
        return "a text", kind
    if kind not in ("integer", "number"):
        return "a value as /docs describes it", kind or "unknown"
    low = schema.get("minimum", ctx.get("ge"))
    high = schema.get("maximum", ctx.get("le"))
    above = schema.get("exclusiveMinimum", ctx.get("gt"))
    below = schema.get("exclusiveMaximum", ctx.get("lt"))
    bounds = []
    if low is not None and high is not None:
        bounds.append(f"from {_number(low)} to {_number(high)}")
    elif low is not None:
        bounds.append(f"of at least {_number(low)}")
    elif high is not None:
        bounds.append(f"of at most {_number(high)}")
    if above is not None:
        bounds.append(f"greater than {_number(above)}")
    if below is not None:
        bounds.append(f"less than {_number(below)}")
    noun = "an integer (a whole number)" if kind == "integer" else "a number"
    return " ".join([noun, " and ".join(bounds)]).strip(), kind


def _example(schema: dict[str, Any], kind: str) -> str | None:
    """A value the parameter takes, for the message's fix."""
    options = [a for a in schema.get("anyOf", []) if a.get("type") != "null"]
    if options:
        schema = {**schema, **options[0]}
    if schema.get("default") is not None:
        value = schema["default"]
    elif schema.get("enum"):
        value = schema["enum"][0]
    elif kind in ("integer", "number"):
        value = schema.get("minimum", schema.get("maximum", 1))
    elif kind == "boolean":
        value = True
    elif kind == "string":
        return "..."
    else:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return _number(value) if isinstance(value, int | float) else str(value)


def _parameter_message(err: dict[str, Any], parameters: Parameters) -> str | None:
    """The message for an error in a query, path, header or cookie parameter (None for one in the body): what the
    parameter takes (its type and bounds, from the schema in /openapi.json), the value found, quoted, and how to
    fix the URL. Parameter values are the caller's URL, never a post's text; a text parameter's value is not
    quoted all the same."""
    loc = tuple(err.get("loc", ()))
    if len(loc) < 2 or loc[0] not in _PARAMETER_PLACES:
        return None
    place, name = str(loc[0]), str(loc[1])
    parameter = parameters.get((place, name), {})
    schema = dict(parameter.get("schema") or {})
    expected, kind = _expected(schema, err)
    where = f"the {_PARAMETER_PLACES[place]} {name}"
    example = _example(schema, kind)
    usage = {
        "query": ("the URL", f"?{name}={example}"),
        "header": ("the header", f"{name}: {example}"),
        "cookie": ("the cookie", f"{name}={example}"),
    }
    if example is None or place not in usage:
        fix = f"Fix {where} as /docs describes it"
    else:
        what, sample = usage[place]
        fix = f"Fix {what}, e.g. {sample}"
    default = schema.get("default")
    if place != "path" and default is not None:
        shown_default = str(default).lower() if isinstance(default, bool) else str(default)
        fix += f", or leave {name} out for its default ({shown_default})"
    elif place != "path" and parameter and not parameter.get("required"):
        fix += f", or leave {name} out"
    if err.get("type") == "missing":
        return f"{where} is missing; expected {expected}. {fix}"
    value = err.get("input")
    if isinstance(value, str) and (kind != "string" or "enum" in schema):
        found = f"found {_quoted(value)}"
    else:
        found = _found(err).removeprefix("; ") or "found an invalid value"
    return f"{where} must be {expected}; {found}. {fix}"


def parameters_of(request: Request) -> Parameters:
    """The parameters of the operation that answered `request`, as /openapi.json documents them; empty for a
    route outside the schema."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if not path:
        return {}
    try:
        operation = request.app.openapi().get("paths", {}).get(path, {}).get(request.method.lower(), {})
    except Exception:  # a schema that cannot be built still leaves the pydantic error to describe
        logger.debug("no OpenAPI schema for %s %s", request.method, path, exc_info=True)
        return {}
    return {(str(p.get("in")), str(p.get("name"))): p for p in operation.get("parameters", [])}


def validation_message(errors: list[dict[str, Any]], parameters: Parameters | None = None) -> tuple[str, int | None]:
    """Turn pydantic errors into one readable message, and the item index of the first error. `parameters`: the
    operation's parameters as its schema documents them (parameters_of), which name a bad parameter's type and
    bounds."""
    if not errors:
        return "the request does not match the schema; see /docs", None
    first = errors[0]
    if first.get("type") == "json_invalid":
        detail = (first.get("ctx") or {}).get("error", "invalid JSON")
        pos = first["loc"][1] if len(first.get("loc", ())) > 1 else "?"
        return (
            f"the body is not valid JSON ({detail} at character {pos}); expected a JSON object such as "
            '{"items": [{"text": "..."}]}, encoded as UTF-8'
        ), None
    if list(first.get("loc", ())) == ["body"] and isinstance(first.get("input"), bytes | bytearray):
        return (
            "the body was not read as JSON; send it with the header Content-Type: application/json "
            '(a JSON object such as {"items": [{"text": "..."}]})'
        ), None
    msgs = []
    for err in errors[:5]:
        where = _loc_str(err.get("loc", ()))
        msg = err.get("msg", "invalid value")
        parameter = _parameter_message(err, parameters or {})
        if parameter is not None:
            msgs.append(parameter)
        elif err.get("type") == "missing":
            msgs.append(f"{where}: this field is required")
        elif err.get("type") == "extra_forbidden":
            msgs.append(f"{where}: unknown field; check its spelling against /docs")
        else:
            msgs.append(f"{where}: {msg}{_found(err)}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    item = next((i for i in (_item_index(e.get("loc", ())) for e in errors) if i is not None), None)
    return "; ".join(msgs) + more + ". See /docs for the schema.", item


def allowed_methods(request: Request, first: str | None = None) -> list[str]:
    """The methods of every documented operation on the request's path (HEAD wherever GET is), with those of
    `first` (the Allow header of the route that answered 405)."""
    methods = {m.strip().upper() for m in (first or "").split(",") if m.strip()}
    path = request.url.path
    for template, ops in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            methods |= {m.upper() for m in ops if m.lower() in _HTTP_METHODS}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def install_error_handlers(app: FastAPI) -> None:
    # Starlette calls a handler as handler(request, exc); these answer from the exception alone.
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.code, exc.message, exc.status, exc.item, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        message, item = validation_message(errors, parameters_of(request))
        json_error = bool(errors) and errors[0].get("type") == "json_invalid"
        return error_response("INVALID_REQUEST", message, 400 if json_error else 422, item)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        if status == 404:
            code, message = "NOT_FOUND", f"no route {request.url.path}; see /docs for the routes"
        elif status == 405:
            allowed = allowed_methods(request, (exc.headers or {}).get("Allow"))
            code, message = (
                "METHOD_NOT_ALLOWED",
                (f"{request.method} is not allowed on {request.url.path}; allowed: {', '.join(allowed)}"),
            )
            # Every route of the path, not only the first one matched (GET and POST /v1/claims are two routes).
            exc = StarletteHTTPException(405, headers={**(exc.headers or {}), "Allow": ", ".join(allowed)})
        elif status == 400:
            code, message = (
                "INVALID_REQUEST",
                ("the body could not be parsed; expected UTF-8 encoded JSON with Content-Type: application/json"),
            )
        elif status == 401:
            code, message = "UNAUTHORIZED", str(exc.detail)
        elif status == 503:
            code, message = "NOT_READY", str(exc.detail)
        else:
            code, message = ("INVALID_REQUEST" if status < 500 else "INTERNAL"), str(exc.detail)
        headers = dict(exc.headers) if exc.headers else None
        return error_response(code, message, status, None, headers)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover - see middleware
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response("INTERNAL", "internal error; it has been logged. Retry later or report it.", 500)


class CatchAllMiddleware:
    """Turns any exception that escaped the handlers into a 500 in the error shape (and logs it), so the
    outer middlewares (metrics, CORS) see a normal response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def _send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, _send)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = json.dumps(
                error_body("INTERNAL", "internal error; it has been logged. Retry later or report it.")
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})


class HeadAsGetMiddleware:
    """HEAD wherever GET is (what `allowed_methods` and the Allow header of a 405 promise): a HEAD request to a
    path that a GET route answers is answered by that route as a GET, with the same status and headers
    (Content-Length included) and an empty body. Monitoring tools and load balancers probe with HEAD.

    FastAPI's routes take only the methods they are declared with (a GET route answers HEAD with 405), and
    declaring HEAD on each would add an operation per route to the OpenAPI schema; this does it once, for
    every route. A HEAD to a path without a GET route goes on unchanged (405 or 404, naming HEAD). The routes
    see a GET; the middlewares outside this one see the HEAD (the metrics count it as HEAD) and the route that
    answered."""

    def __init__(self, app: ASGIApp, routes: Callable[[], list[BaseRoute]]) -> None:
        self.app = app
        self.routes = routes  # read at each request: routers are included after the middleware is added

    def _answered_by_get(self, scope: Scope) -> bool:
        probe = {**scope, "method": "GET"}
        return any(route.matches(probe)[0] == Match.FULL for route in self.routes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD" or not self._answered_by_get(scope):
            await self.app(scope, receive, send)
            return
        inner = {**scope, "method": "GET"}

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(inner, receive, _send)
        finally:
            # what routing added (the route, the endpoint, path parameters), for the metrics outside
            scope.update({k: v for k, v in inner.items() if k != "method"})


class BodyLimitMiddleware:
    """Rejects bodies above `max_bytes` before anything parses them: by Content-Length when present, and by
    counting the bytes of chunked bodies. Accepted bodies are buffered and replayed to the app.

    A subclass may give some requests another limit (`limit_for`) and another refusal (`reject`): the console's
    forms get an HTML page (serving.routes.console.limits); the reading stays here."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def limit_for(self, scope: Scope) -> int:  # noqa: ARG002 (a hook: subclasses read the request)
        """The largest body this request may send."""
        return self.max_bytes

    async def reject(self, scope: Scope, receive: Receive, send: Send, size: int, complete: bool) -> None:  # noqa: ARG002
        """Answer a body over the limit: `size` is its declared length (`complete`) or the bytes received so far."""
        found = f"Content-Length {size} bytes" if complete else f"more than {self.max_bytes} bytes received"
        body = json.dumps(
            error_body(
                "INVALID_REQUEST",
                f"the body is too large: {found}, the limit is {self.max_bytes} bytes. Send fewer or shorter items "
                "per request (or raise SARING_MAX_BODY_BYTES on the server).",
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    body = json.dumps(
                        error_body("INVALID_REQUEST", "the Content-Length header is not a non-negative integer")
                    ).encode()
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 400,
                            "headers": [(b"content-type", b"application/json")],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
                if declared > limit:
                    await self.reject(scope, receive, send, declared, complete=True)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self.reject(scope, receive, send, size, complete=False)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class StartupErrorMiddleware:
    """Shortens the report of a failed start-up. Starlette sends uvicorn the whole traceback as the
    `lifespan.startup.failed` message, which uvicorn logs; an operator needs the one line that says what is
    wrong and how to fix it (set by the lifespan handler as `app.state.startup_error`). With
    SARING_LOG_LEVEL=DEBUG the traceback is kept."""

    def __init__(self, app: ASGIApp, state: Any, debug: bool) -> None:
        self.app = app
        self.state = state
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" or self.debug:
            await self.app(scope, receive, send)
            return

        async def _send(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                why = getattr(self.state, "startup_error", None)
                if not why:
                    lines = [ln for ln in str(message.get("message", "")).strip().splitlines() if ln.strip()]
                    why = lines[-1] if lines else "unknown error"
                message = {
                    **message,
                    "message": f"saring could not start: {why} (set SARING_LOG_LEVEL=DEBUG for the traceback)",
                }
            await send(message)

        await self.app(scope, receive, _send)
