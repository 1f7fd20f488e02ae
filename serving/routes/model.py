"""GET /v1/model (the model card), GET /v1/model/thresholds (threshold queries answered from the model's measured
operating points) and POST /admin/reload (swap in a model directory without downtime)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from model.labels import RISKS
from model.operating import ThresholdUnreachable, query
from serving.deps import HolderDep, PoliciesDep, ScorerDep, SettingsDep, TermsDep, admin_caller, authorized_caller
from serving.errors import ApiError
from serving.lifespan import TermListsUnreadable, reload_model
from serving.schemas import ERROR_RESPONSES, ErrorResponse, ReloadRequest

router = APIRouter()


@router.get(
    "/v1/model",
    tags=["model"],
    summary="The model card",
    responses=ERROR_RESPONSES,
    dependencies=[Depends(authorized_caller)],
)
async def model_card(
    scorer: ScorerDep, settings: SettingsDep, policies: PoliciesDep, terms: TermsDep
) -> dict[str, Any]:
    """Name, version, labels, thresholds, test metrics, training data and their licences, and the
    server's limits, channel policies and term lists (how many terms per list and risk, not the terms)."""
    card = scorer.card()
    card["data_licences"] = licences(card.get("data"))
    card["policies"] = {p: policies.describe(scorer, p) for p in policies.names}
    card["term_lists"] = terms.describe() if terms is not None else {}
    card["limits"] = {
        "max_items": settings.max_items,
        "max_text_chars": settings.max_text_chars,
        "max_body_bytes": settings.max_body_bytes,
        "rate_limit_per_minute": settings.rate_limit_per_minute,
    }
    return card


MEASURED_ON = (
    "validation split (where thresholds are chosen) and test split of the model's training data, scored as in "
    "training: what a threshold does on posts like the training corpora; posts unlike them may differ"
)


@router.get(
    "/v1/model/thresholds",
    tags=["model"],
    summary="Threshold queries: the threshold for a precision or recall you need",
    responses={
        **ERROR_RESPONSES,
        404: {
            "model": ErrorResponse,
            "description": "NOT_FOUND: the model was trained before saring recorded its operating points",
        },
    },
    dependencies=[Depends(authorized_caller)],
)
async def model_thresholds(
    scorer: ScorerDep,
    risk: Annotated[
        Literal["hoax", "slander", "incitement"] | None, Query(description="One risk; leave out for all three.")
    ] = None,
    min_precision: Annotated[
        float | None,
        Query(gt=0, le=1, description="The threshold with the highest recall whose precision is at least this."),
    ] = None,
    min_recall: Annotated[
        float | None,
        Query(gt=0, le=1, description="The threshold with the highest precision whose recall is at least this."),
    ] = None,
) -> dict[str, Any]:
    """Ask for a threshold by what it must achieve, as Wikimedia ORES answers "maximum recall @ precision >= 0.9":
    the threshold is chosen on the validation split, and `test` says what the untouched test split measured at
    it; with both targets, the highest recall among thresholds that meet both. Each result carries `policy`,
    ready for SARING_CHANNEL_POLICIES. A target no threshold reaches gives `threshold: null` and the reason.
    Without a target, each risk's whole table (precision, recall and the share flagged at every threshold of the
    grid) for plotting or for choosing by hand."""
    points = scorer.operating_points
    if points is None:
        raise ApiError(
            "NOT_FOUND",
            f"model {scorer.version} was trained before saring recorded operating points (operating_points.json); "
            "retrain it with `saring train` to answer threshold queries, or read the threshold tables of its "
            "`saring eval` report",
        )
    risks = [risk] if risk is not None else list(RISKS)
    results: list[dict[str, Any]] = []
    for r in risks:
        current = vars(scorer.thresholds[r])
        model_threshold = {"flag": current["flag"], "block": current["block"]}
        if min_precision is None and min_recall is None:
            tables = {split: t[r].model_dump(exclude={"threshold"}) for split, t in points.splits.items()}
            results.append({"risk": r, "model_threshold": model_threshold, "tables": tables})
            continue
        try:
            answer = query(points, r, min_precision=min_precision, min_recall=min_recall)
        except ThresholdUnreachable as e:
            results.append({"risk": r, "threshold": None, "reason": str(e)})
            continue
        answer["model_threshold"] = model_threshold
        answer["policy"] = {r: {"flag": answer["threshold"]}}
        results.append(answer)
    out: dict[str, Any] = {"model": {"name": scorer.name, "version": scorer.version}, "measured_on": MEASURED_ON}
    if min_precision is None and min_recall is None:
        out["grid"] = points.grid
    out["results"] = results
    return out


@router.post(
    "/admin/reload",
    tags=["operations"],
    summary="Swap in a model directory without downtime",
    responses={
        **ERROR_RESPONSES,
        403: {"model": ErrorResponse, "description": "FORBIDDEN: no admin keys are configured"},
        422: {
            "model": ErrorResponse,
            "description": "RELOAD_FAILED: the directory or the term lists could not be loaded (the old model and "
            "term lists keep serving); "
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
    """Load `model_dir` (default: the configured one) in the background, check it answers, swap it in, with the
    term lists (SARING_TERM_LISTS) read again. On failure the old model and lists keep serving and the answer
    says why (422 RELOAD_FAILED). An empty or blank `model_dir` is refused (422 INVALID_REQUEST): leave the field
    out to reload the configured directory."""
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
        info = await reload_model(request.app, target, with_terms=True)
    except TermListsUnreadable as e:
        keep = (
            f"model {holder.scorer.version} and the term lists read before keep serving"
            if holder.scorer
            else "no model is serving; the term lists read before stay"
        )
        raise ApiError("RELOAD_FAILED", f"{e}. {keep}", status=422) from e
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
