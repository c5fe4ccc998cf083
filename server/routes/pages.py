"""The chat page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.dependencies import HolderDep, ServicesDep

router = APIRouter(include_in_schema=False)
EXAMPLES_SHOWN = 3


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, holder: HolderDep, services: ServicesDep) -> HTMLResponse:
    """The chat page."""
    documents = list(holder.searcher.documents.values()) if holder.searcher else []
    titles = [d.title for d in documents]
    # The corpus's own sidecars suggest what to ask; without them the page suggests nothing.
    examples = list(dict.fromkeys(e for d in documents for e in d.examples))[:EXAMPLES_SHOWN]
    return services.templates.TemplateResponse(request, "index.html", {"titles": titles, "examples": examples})
