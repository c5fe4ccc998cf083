"""The OpenAI-compatible chat API: GET /v1/models and POST /v1/chat/completions, citations kept."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from server.chat import ChatRequestError, completion_id, content_pieces, read_messages, stream_events
from server.chat_schemas import (
    CHAT_ERRORS,
    ChatChoice,
    ChatChoiceMessage,
    ChatCompletion,
    ChatRequest,
    ModelCard,
    ModelList,
)
from server.dependencies import (
    AnswererDep,
    MetricsDep,
    SearcherDep,
    SettingsDep,
    rate_limited,
    request_timing,
    require_api_key,
)
from server.schemas import CitationOut, ContextOut

router = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)], responses=CHAT_ERRORS)
STARTED = int(time.time())


@router.get("/models", response_model=ModelList)
async def models(settings: SettingsDep) -> ModelList:
    """The one model this service answers as."""
    return ModelList(data=[ModelCard(id=settings.chat_model, created=STARTED)])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    dependencies=[Depends(rate_limited)],
    responses={200: {"content": {"text/event-stream": {}}, "description": "With `stream: true`, SSE chunks."}},
)
async def chat_completions(
    body: ChatRequest,
    request: Request,
    searcher: SearcherDep,
    answerer: AnswererDep,
    metrics: MetricsDep,
    settings: SettingsDep,
) -> ChatCompletion | StreamingResponse:
    """Answer the last user message from the documents, the earlier messages as its history."""
    if body.model != settings.chat_model:
        unknown = f"The model '{body.model[:80]}' does not exist; use '{settings.chat_model}'."
        raise ChatRequestError(unknown, "model", 404, "model_not_found")
    if body.n not in (None, 1):
        raise ChatRequestError("n must be 1: one answer is given per question.", "n")
    timing = request_timing(request)
    timing.handler_start()
    conversation = read_messages(body.messages)
    request.state.question = conversation.question
    top_k = settings.default_top_k
    answer, _ = await answerer.answer(searcher, conversation.question, top_k, conversation.history, timing)
    timing.handler_finish()
    metrics.answers.labels("answered" if answer.answered else "abstained").inc()
    pieces = content_pieces(answer)
    completion = completion_id()
    if body.stream:
        return StreamingResponse(stream_events(pieces, body.model, completion), media_type="text/event-stream")
    return ChatCompletion(
        id=completion,
        created=int(time.time()),
        model=body.model,
        choices=[ChatChoice(message=ChatChoiceMessage(content="".join(pieces)))],
        citations=[CitationOut.model_validate(c) for c in answer.citations],
        context=ContextOut.model_validate(answer.reading),
    )
