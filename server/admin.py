"""Operator routes: the live index, its rebuild and reload. Changing state needs the admin token."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from index.errors import BuildInProgressError
from server.rebuild import Rebuilder
from server.schemas import Problem
from server.settings import Settings
from server.state import IndexHolder

admin = APIRouter(tags=["index"])
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No bearer token was sent."},
    403: {"model": Problem, "description": "The token is wrong, or rebuilds are disabled."},
}


# Dependencies that only read request state are `async def`: FastAPI runs a plain `def` dependency in
# its thread pool, a thread hop per request for nothing.
async def get_holder(request: Request) -> IndexHolder:
    return request.state.holder


async def get_rebuilder(request: Request) -> Rebuilder:
    return request.state.rebuilder


def require_admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Let the request through only with `Authorization: Bearer <ADMIN_TOKEN>`."""
    settings: Settings = request.state.settings
    if settings.admin_token is None:
        raise HTTPException(403, detail="Index administration is disabled: start the server with ADMIN_TOKEN set.")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(
            401,
            detail="Send the admin token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(token.strip().encode(), settings.admin_token.get_secret_value().encode()):
        raise HTTPException(403, detail="The admin token is not valid.")


@admin.get("/index")
def index_status(
    holder: Annotated[IndexHolder, Depends(get_holder)], rebuilder: Annotated[Rebuilder, Depends(get_rebuilder)]
) -> dict[str, Any]:
    """The live index version, its manifest, and the state of the last or running build."""
    searcher = holder.searcher
    return {
        "live": {"version": searcher.stored.version, "manifest": searcher.stored.manifest} if searcher else None,
        "problem": holder.problem,
        "build": rebuilder.last.public() if rebuilder.last else None,
    }


@admin.post(
    "/index/rebuild",
    status_code=202,
    dependencies=[Depends(require_admin)],
    responses={**AUTH_ERRORS, 409: {"model": Problem, "description": "A build is already running."}},
)
def rebuild(rebuilder: Annotated[Rebuilder, Depends(get_rebuilder)]) -> JSONResponse:
    """Start rebuilding the index from the corpus in the background; poll GET /index for its state."""
    try:
        job = rebuilder.start()
    except BuildInProgressError as exc:
        raise HTTPException(409, detail=f"A build is already running: {exc}.") from None
    return JSONResponse(status_code=202, content={"job_id": job.job_id, "state": job.state, "status_url": "/index"})


@admin.post("/index/reload", dependencies=[Depends(require_admin)], responses=AUTH_ERRORS)
async def reload(holder: Annotated[IndexHolder, Depends(get_holder)]) -> dict[str, Any]:
    """Switch to the version `current` names now, instead of at the next periodic check."""
    switched = await run_in_threadpool(holder.refresh)
    searcher = holder.searcher
    return {"switched": switched, "version": searcher.stored.version if searcher else None, "problem": holder.problem}
