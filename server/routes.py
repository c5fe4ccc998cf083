"""HTTP routes: each is glue around one call into the index library."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from index.search import Searcher
from server.admin import get_holder
from server.answering import Answerer
from server.observability import Metrics
from server.ratelimit import rate_limited
from server.schemas import AskRequest, AskResponse, CitationOut, DocumentList, DocumentOut, Problem
from server.settings import Settings
from server.state import IndexHolder

api = APIRouter()
pages = APIRouter(include_in_schema=False)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The request is not well-formed HTTP (e.g. a bad Content-Length)."},
    408: {"model": Problem, "description": "The request body did not arrive in time."},
    413: {"model": Problem, "description": "The request body is too large."},
    422: {"model": Problem, "description": "The request is malformed; `detail` says what to fix."},
    429: {"model": Problem, "description": "Too many questions from this address; see Retry-After."},
    503: {"model": Problem, "description": "No index is loaded, or answering took too long."},
}


async def get_settings(request: Request) -> Settings:
    return request.state.settings


async def get_searcher(request: Request, holder: Annotated[IndexHolder, Depends(get_holder)]) -> Searcher:
    searcher = holder.current()
    request.state.index_version = searcher.stored.version  # for the request's log line
    return searcher


SearcherDep = Annotated[Searcher, Depends(get_searcher)]


@api.post("/ask", response_model=AskResponse, responses=ERRORS, dependencies=[Depends(rate_limited)])
async def ask(
    body: AskRequest, searcher: SearcherDep, request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> AskResponse:
    """Answer a question from the documents, citing the exact sentences, or say they do not cover it."""
    started = time.perf_counter()
    request.state.question = body.question
    answerer: Answerer = request.state.answerer
    answer, cached = await answerer.answer(searcher, body.question, body.top_k or settings.default_top_k)
    metrics: Metrics = request.state.metrics
    metrics.answers.labels("answered" if answer.answered else "abstained").inc()
    if cached:
        metrics.cache_hits.inc()
    return AskResponse(
        question=answer.question,
        answered=answer.answered,
        answer=answer.answer,
        citations=[CitationOut.model_validate(c) for c in answer.citations],
        reason=answer.reason,
        related=[CitationOut.model_validate(c) for c in answer.related],
        index_version=searcher.stored.version,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


@api.get("/documents", response_model=DocumentList, responses={503: ERRORS[503]})
def list_documents(searcher: SearcherDep) -> DocumentList:
    """The documents of the live index."""
    return DocumentList.model_validate(
        {
            "documents": [
                {"doc_id": d.doc_id, "title": d.title, "chars": len(d.text)} for d in searcher.stored.documents.values()
            ]
        }
    )


@api.get(
    "/documents/{doc_id}",
    response_model=DocumentOut,
    responses={404: {"model": Problem, "description": "No such document."}, 503: ERRORS[503]},
)
def get_document(doc_id: str, searcher: SearcherDep) -> DocumentOut:
    """One document's canonical text, which citations' offsets point into."""
    document = searcher.stored.documents.get(doc_id)
    if document is None:
        raise HTTPException(404, detail=f"No document with id '{doc_id}'; GET /documents lists them.")
    return DocumentOut(doc_id=document.doc_id, title=document.title, text=document.text)


@api.get("/healthz")
async def healthz() -> dict[str, str]:
    """200 while the process is up."""
    return {"status": "ok"}


@api.get("/readyz", responses={503: ERRORS[503]})
async def readyz(holder: Annotated[IndexHolder, Depends(get_holder)]) -> JSONResponse:
    """200 when an index is loaded, else 503 with the reason."""
    searcher = holder.searcher
    if searcher is None:
        return JSONResponse(status_code=503, content={"detail": f"No index is loaded: {holder.problem}"})
    return JSONResponse({"status": "ready", "index_version": searcher.stored.version})


@api.get("/metrics", response_class=PlainTextResponse)
def metrics_endpoint(request: Request, holder: Annotated[IndexHolder, Depends(get_holder)]) -> PlainTextResponse:
    """Prometheus metrics: requests, latency, answers and abstentions, index version, builds."""
    metrics: Metrics = request.state.metrics
    metrics.set_index_version(holder.searcher.stored.version if holder.searcher else None)
    sizes = list(request.state.answerer.batcher.batch_sizes)
    metrics.batch_size.set(sum(sizes) / len(sizes) if sizes else 0)
    return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


@pages.get("/", response_class=HTMLResponse)
def chat_page(request: Request, holder: Annotated[IndexHolder, Depends(get_holder)]) -> HTMLResponse:
    """The chat page."""
    titles = [d.title for d in holder.searcher.stored.documents.values()] if holder.searcher else []
    return request.app.state.templates.TemplateResponse(request, "index.html", {"titles": titles})
