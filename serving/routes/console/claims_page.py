"""The Klaim (claims) page: search and browse the claim memory, add a claim, import a ClaimReview file."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from model.claims import ImportDefaults
from model.examples import DataError
from serving.deps import get_claims
from serving.errors import ApiError
from serving.routes.console.api import call_api
from serving.routes.console.encoding import FILE_FIX, NotUtf8, Utf8FormRoute, first_bad_byte
from serving.routes.console.forms import ClaimForm, ClaimsFilter
from serving.routes.console.limits import import_limit, size_text, too_large
from serving.routes.console.render import csrf_failed, login_redirect, redirect, render
from serving.routes.console.session import Session, check_csrf, needs_login, read_session
from serving.routes.console.settings import PAGE_SIZE

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console", include_in_schema=False, route_class=Utf8FormRoute)


async def _claims_view(
    request: Request,
    session: Session,
    *,
    status: int = 200,
    notice: str | None = None,
    error: dict[str, Any] | None = None,
    form: ClaimForm | None = None,
) -> Response:
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
        answer = await call_api(
            request,
            session,
            "GET",
            "/v1/claims",
            params={"limit": PAGE_SIZE, "offset": (f.page - 1) * PAGE_SIZE, "verdict": f.verdict or None},
        )
        if answer.ok:
            claims, total = answer.body["claims"], answer.body["total"]
    if not answer.ok and error is None:
        error = answer.error
        status = answer.status if status == 200 else status
    pages = max(1, -(-total // PAGE_SIZE))
    return await render(
        request,
        session,
        "klaim.html",
        status=status,
        f=f,
        results=results,
        claims=claims,
        total=total,
        pages=pages,
        notice=notice,
        error=error,
        form=form or ClaimForm(),
        max_import=size_text(import_limit(request)),
    )


@router.get("/klaim")
async def claims_page(request: Request) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    return await _claims_view(request, session, notice=request.query_params.get("notice"))


def _import_notice(body: dict[str, Any]) -> str:
    return (
        f"{body['added']} ditambahkan (added), {body['updated']} diperbarui (updated), {body['unchanged']} "
        f"tidak berubah (unchanged); {body['total_claims']} klaim tersimpan (claims stored)"
    )


@router.post("/klaim/tambah")
async def add_claim(request: Request, form: Annotated[ClaimForm, Form()]) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    if not check_csrf(session, form.csrf):
        return await csrf_failed(request, session)
    record = {k: v.strip() for k, v in form.model_dump(exclude={"csrf"}).items() if v.strip()}
    answer = await call_api(request, session, "POST", "/v1/claims", body=[record])
    if not answer.ok:
        return await _claims_view(request, session, status=answer.status, error=answer.error, form=form)
    logger.info("console: a claim was added by %s", session.caller or "an anonymous caller")
    return redirect(session, "/console/klaim?" + urlencode({"notice": _import_notice(answer.body)}))


IMPORT_SUFFIXES = (".json", ".jsonld", ".jsonl", ".ndjson", ".csv", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")


# what an uploaded file's name may keep when it is written to disk or shown back in a message
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def upload_name(filename: str | None) -> str:
    """A safe file name for an uploaded claims file, keeping its extension (it tells the format)."""
    base = Path(filename or "").name
    stem = _UNSAFE_NAME.sub("_", Path(base).stem).strip("._")[:80] or "claims"
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
async def import_claims(
    request: Request, file: Annotated[UploadFile, File()], csrf: Annotated[str, Form()] = ""
) -> Response:
    session = read_session(request)
    if needs_login(request, session):
        return login_redirect(request, session)
    if not check_csrf(session, csrf):
        return await csrf_failed(request, session)
    name = upload_name(file.filename)
    data = await file.read()  # at most the body limit and a little more (limits.ConsoleAwareBodyLimit)
    limit = import_limit(request)
    if len(data) > limit:
        over = len(data) - limit
        found = f"the file {name} is {size_text(len(data))}, {over:,} byte{'s' * (over > 1)} over"
        return await too_large(request, found)
    if Path(file.filename or "").suffix.lower() in WORKBOOK_SUFFIXES or data.startswith(b"PK\x03\x04"):
        # A workbook is unpacked and parsed by openpyxl, which the console does not do with uploaded bytes: XML and
        # ZIP archives can expand far beyond the body limit. On the server, `saring claims import` reads them.
        shown = _UNSAFE_NAME.sub("_", Path(file.filename or "").name)[:80] or "FILE.xlsx"
        message = (
            f"Expected UTF-8 text (ClaimReview JSON, JSON lines, CSV or TSV); found an Excel workbook ({shown}). "
            "Fix: save the sheet as 'CSV UTF-8 (Comma delimited)' and import that, or import the workbook on the "
            f"server with `saring claims import {shown}`."
        )
        logger.info("console: refused a claims file that is a workbook")
        return await _claims_view(request, session, status=422, error={"code": "INVALID_REQUEST", "message": message})
    bad = first_bad_byte(data)
    if bad is not None:
        problem = NotUtf8(f"the file {name}", *bad, fix=FILE_FIX)
        logger.info("console: refused a claims file that is not UTF-8 (%s)", problem.where)
        return await _claims_view(
            request, session, status=422, error={"code": "INVALID_REQUEST", "message": problem.message}
        )
    try:
        client = request.client.host if request.client else "unknown"
        request.app.state.limiter.check(session.caller or f"addr:{client}")  # the API's limits
        index = await asyncio.to_thread(get_claims, request)  # the claims routes' store
        report = await asyncio.to_thread(import_upload, index, name, data)
    except ApiError as e:
        return await _claims_view(request, session, status=e.status, error={"code": e.code, "message": e.message})
    except UploadError as e:
        return await _claims_view(request, session, status=422, error={"code": "INVALID_REQUEST", "message": str(e)})
    logger.info(
        "console: a claim file was imported by %s (%d added, %d updated)",
        session.caller or "an anonymous caller",
        report.added,
        report.updated,
    )
    notice = _import_notice(
        {"added": report.added, "updated": report.updated, "unchanged": report.unchanged, "total_claims": len(index)}
    )
    return redirect(session, "/console/klaim?" + urlencode({"notice": notice}))
