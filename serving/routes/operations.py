"""GET /healthz (liveness), /readyz (the model is loaded and answers a test text), /metrics (Prometheus)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse

from serving.batcher import BatcherClosed
from serving.deps import BatcherDep, HolderDep, MetricsDep, require_scorer
from serving.engine import WorkItem
from serving.errors import ApiError
from serving.lifespan import CANARY_TEXT
from serving.schemas import ErrorResponse

READY_TIMEOUT_S = 10.0

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz", summary="Readiness: the model is loaded and answering", responses={503: {"model": ErrorResponse}}
)
async def readyz(holder: HolderDep, batcher: BatcherDep) -> dict[str, Any]:
    scorer = require_scorer(holder)
    try:
        _, used = await asyncio.wait_for(batcher.submit([WorkItem(CANARY_TEXT)]), READY_TIMEOUT_S)
    except (BatcherClosed, TimeoutError) as e:
        raise ApiError(
            "NOT_READY",
            f"the model did not answer a test text ({type(e).__name__}); retry shortly",
            headers={"Retry-After": "5"},
        ) from e
    return {"status": "ready", "model": {"name": used.name, "version": used.version, "kind": scorer.kind}}


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
async def metrics(metrics: MetricsDep) -> Response:
    data, content_type = metrics.render()
    return Response(data, media_type=content_type)
