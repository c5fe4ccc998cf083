"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from server.dependencies import AnswererDep, HolderDep, MetricsDep
from server.schemas import ERRORS

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """200 while the process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: ERRORS[503]})
async def readyz(holder: HolderDep) -> JSONResponse:
    """200 when an index is loaded, else 503 with the reason."""
    searcher = holder.searcher
    if searcher is None:
        return JSONResponse(status_code=503, content={"detail": f"No index is loaded: {holder.problem}"})
    return JSONResponse({"status": "ready", "index_version": searcher.version})


@router.get("/metrics", response_class=PlainTextResponse)
def metrics_endpoint(holder: HolderDep, metrics: MetricsDep, answerer: AnswererDep) -> PlainTextResponse:
    """Prometheus metrics: requests, latency, answers and abstentions, batches, index version, builds."""
    metrics.set_index_version(holder.searcher.version if holder.searcher else None)
    sizes = list(answerer.batcher.batch_sizes)
    metrics.batch_size.set(sum(sizes) / len(sizes) if sizes else 0)
    for lane, batches in enumerate(answerer.batcher.lane_batches):
        metrics.lane_batches.labels(lane=str(lane)).set(batches)
    return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
