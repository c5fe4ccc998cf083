"""The chat page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.dependencies import HolderDep, ServicesDep

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, holder: HolderDep, services: ServicesDep) -> HTMLResponse:
    """The chat page."""
    titles = [d.title for d in holder.searcher.documents.values()] if holder.searcher else []
    return services.templates.TemplateResponse(request, "index.html", {"titles": titles})
