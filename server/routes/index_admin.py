"""Operator routes: the live index, its rebuild and reload. Changing state needs the admin token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from index import BuildInProgressError
from server.dependencies import HolderDep, RebuilderDep, require_admin
from server.schemas import AUTH_ERRORS, Problem

router = APIRouter(tags=["index"])


@router.get("/index")
def index_status(holder: HolderDep, rebuilder: RebuilderDep) -> dict[str, Any]:
    """The live index version, its manifest, a version refused on load and why, and the last or running build."""
    searcher = holder.searcher
    return {
        "live": {"version": searcher.version, "manifest": searcher.manifest} if searcher else None,
        "problem": holder.problem,
        "refused": holder.refused(),
        "build": rebuilder.last.public() if rebuilder.last else None,
    }


@router.post(
    "/index/rebuild",
    status_code=202,
    dependencies=[Depends(require_admin)],
    responses={**AUTH_ERRORS, 409: {"model": Problem, "description": "A build is already running."}},
)
def rebuild(rebuilder: RebuilderDep) -> JSONResponse:
    """Start rebuilding the index from the corpus in the background; poll GET /index for its state."""
    try:
        job = rebuilder.start()
    except BuildInProgressError as exc:
        raise HTTPException(409, detail=f"A build is already running: {exc}.") from None
    return JSONResponse(status_code=202, content={"job_id": job.job_id, "state": job.state, "status_url": "/index"})


@router.post("/index/reload", dependencies=[Depends(require_admin)], responses=AUTH_ERRORS)
async def reload(holder: HolderDep) -> dict[str, Any]:
    """Switch to the version `current` names now, instead of at the next periodic check; a refused one is retried."""
    switched = await run_in_threadpool(holder.refresh, True)
    searcher = holder.searcher
    return {
        "switched": switched,
        "version": searcher.version if searcher else None,
        "problem": holder.problem,
        "refused": holder.refused(),
    }
