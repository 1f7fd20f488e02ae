"""GET /v1/model (the model card) and POST /admin/reload (swap in a model directory without downtime)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from serving.deps import HolderDep, PoliciesDep, ScorerDep, SettingsDep, admin_caller, authorized_caller
from serving.errors import ApiError
from serving.lifespan import reload_model
from serving.schemas import ERROR_RESPONSES, ErrorResponse, ReloadRequest

router = APIRouter()


@router.get(
    "/v1/model",
    tags=["model"],
    summary="The model card",
    responses=ERROR_RESPONSES,
    dependencies=[Depends(authorized_caller)],
)
async def model_card(scorer: ScorerDep, settings: SettingsDep, policies: PoliciesDep) -> dict[str, Any]:
    """Name, version, labels, thresholds, test metrics, training data and their licences, and the
    server's limits and channel policies."""
    card = scorer.card()
    card["data_licences"] = licences(card.get("data"))
    card["policies"] = {p: policies.describe(scorer, p) for p in policies.names}
    card["limits"] = {
        "max_items": settings.max_items,
        "max_text_chars": settings.max_text_chars,
        "max_body_bytes": settings.max_body_bytes,
        "rate_limit_per_minute": settings.rate_limit_per_minute,
    }
    return card


@router.post(
    "/admin/reload",
    tags=["operations"],
    summary="Swap in a model directory without downtime",
    responses={
        **ERROR_RESPONSES,
        403: {"model": ErrorResponse, "description": "FORBIDDEN: no admin keys are configured"},
        422: {
            "model": ErrorResponse,
            "description": "RELOAD_FAILED: the directory could not be loaded (the old model keeps serving); "
            "INVALID_REQUEST: the body does not match the schema, or model_dir is empty or blank",
        },
    },
    dependencies=[Depends(admin_caller)],
)
async def admin_reload(
    request: Request,
    settings: SettingsDep,
    holder: HolderDep,
    body: Annotated[ReloadRequest | None, Body()] = None,
) -> JSONResponse:
    """Load `model_dir` (default: the configured one) in the background, check it answers, swap it in.
    On failure the old model keeps serving and the answer says why (422 RELOAD_FAILED). An empty or blank
    `model_dir` is refused (422 INVALID_REQUEST): leave the field out to reload the configured directory."""
    if body is not None and body.model_dir is not None and not body.model_dir.strip():
        raise ApiError(
            "INVALID_REQUEST",
            f"model_dir is {'an empty string' if not body.model_dir else 'only whitespace'}; expected the path "
            "of a model directory on the server. To reload the configured directory (SARING_MODEL_DIR), leave "
            "model_dir out (or send no body). Nothing was reloaded",
            status=422,
        )
    target = Path(body.model_dir) if body is not None and body.model_dir is not None else settings.model_dir
    try:
        info = await reload_model(request.app, target)
    except Exception as e:
        keep = f"model {holder.scorer.version} keeps serving" if holder.scorer else "no model is serving"
        raise ApiError("RELOAD_FAILED", f"could not load {target}: {e}. {keep}", status=422) from e
    return JSONResponse(info)


def licences(data: Any) -> dict[str, Any]:
    """{source: licence} from the manifest's sources, whatever their layout."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for name, src in data.items():
            if isinstance(src, dict):
                lic = src.get("licence") or src.get("license")
                if lic is not None:
                    out[name] = lic
    elif isinstance(data, list):
        for src in data:
            if isinstance(src, dict):
                name = src.get("name") or src.get("id")
                lic = src.get("licence") or src.get("license")
                if name and lic is not None:
                    out[str(name)] = lic
    return out
