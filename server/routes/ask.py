"""POST /ask: a question in, a cited answer (or an honest "not covered") out."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request

from answering import Turn
from server.dependencies import AnswererDep, MetricsDep, SearcherDep, SettingsDep, rate_limited, request_timing
from server.schemas import ERRORS, AskRequest, AskResponse, CitationOut, ContextOut

router = APIRouter()


@router.post("/ask", response_model=AskResponse, responses=ERRORS, dependencies=[Depends(rate_limited)])
async def ask(
    body: AskRequest,
    request: Request,
    searcher: SearcherDep,
    answerer: AnswererDep,
    metrics: MetricsDep,
    settings: SettingsDep,
) -> AskResponse:
    """Answer a question from the documents, citing the exact sentences, or say they do not cover it."""
    timing = request_timing(request)
    started = timing.handler_start()
    request.state.question = body.question  # for the request's log line, when questions are logged
    history = tuple(Turn(turn.question, turn.answer) for turn in body.history)
    top_k = body.top_k or settings.default_top_k
    answer, cached = await answerer.answer(searcher, body.question, top_k, history, timing)
    timing.handler_finish()
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
        context=ContextOut.model_validate(answer.reading),
        index_version=searcher.version,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )
