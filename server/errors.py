"""Translate domain and validation errors into HTTP answers with a message a user can act on."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.answerer import AnswerTimeoutError
from server.chat import ChatRequestError
from server.chat_errors import chat_error, is_chat_path, validation_param
from server.schemas import ASK_EXAMPLE, AskRequest, TurnIn
from server.state import IndexUnavailableError

log = logging.getLogger("server")


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(f"'{name}'" for name in model.model_fields)


ACCEPTED_FIELDS = _fields(AskRequest)
TURN_FIELDS = _fields(TurnIn)
EXAMPLE = f"send a JSON object like {json.dumps(ASK_EXAMPLE)}"


def validation_message(errors: list[dict[str, Any]]) -> str:
    """One readable sentence from pydantic's validation errors."""
    parts = []
    for error in errors:
        location = [str(p) for p in error.get("loc", ()) if p != "body"]
        kind = error.get("type", "")
        if kind == "json_invalid":
            cause = error.get("ctx", {}).get("error", "parse error")
            parts.append(f"the request body is not valid JSON ({cause}): {EXAMPLE}")
        elif not location:
            parts.append(f"the request body is missing or not an object: {EXAMPLE}")
        elif kind == "extra_forbidden" and location[0] == "history":
            turn = ".".join(location[:-1])
            parts.append(f"unknown field '{location[-1]}' in {turn}: a turn holds only {TURN_FIELDS}")
        elif kind == "extra_forbidden":
            parts.append(f"unknown field '{location[-1]}': only {ACCEPTED_FIELDS} are accepted")
        else:
            parts.append(f"{'.'.join(location)}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def shortened(text: str, limit: int = 80) -> str:
    """`text` as an error message may quote it: at most `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unparsable_body(cause: BaseException | None) -> str | None:
    """What is wrong with a body FastAPI could not parse as JSON for a reason other than its syntax."""
    if isinstance(cause, UnicodeDecodeError):
        return f"the request body is not UTF-8 text ({cause.reason} at byte {cause.start}): {EXAMPLE}"
    if isinstance(cause, RecursionError):
        return f"the request body nests JSON too deeply to read: {EXAMPLE}"
    return None


def routes_hint(app: FastAPI) -> str:
    """The routes the app answers, read from its OpenAPI schema so the hint never falls behind."""
    paths = app.openapi()["paths"]
    routes = [f"{method.upper()} {path}" for path, operations in paths.items() for method in operations]
    return f"The service answers {', '.join(routes)}; GET / is the chat page."


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into JSON problems: OpenAI's shape on /v1, `detail` elsewhere."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if is_chat_path(request.url.path):
            message, param = validation_param(errors)
            return chat_error(400, message, param)
        safe = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in errors]
        return JSONResponse(status_code=422, content={"detail": validation_message(errors), "errors": safe})

    @app.exception_handler(ChatRequestError)
    async def bad_chat_request(_: Request, exc: ChatRequestError) -> JSONResponse:
        return chat_error(exc.status, str(exc), exc.param, exc.code)

    @app.exception_handler(IndexUnavailableError)
    async def index_unavailable(request: Request, exc: IndexUnavailableError) -> JSONResponse:
        return problem(request, 503, f"No index is loaded: {exc}")

    @app.exception_handler(AnswerTimeoutError)
    async def answer_timeout(request: Request, exc: AnswerTimeoutError) -> JSONResponse:
        return problem(request, 503, str(exc), {"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        unparsable = unparsable_body(exc.__cause__) if exc.status_code == 400 else None
        if unparsable:
            return problem(request, 422, unparsable)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No such path: {shortened(request.url.path)}. {routes_hint(request.app)}"
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "")
            detail = (
                f"{request.method} is not allowed on {shortened(request.url.path)}; use {allowed or 'another method'}."
            )
        return problem(request, exc.status_code, str(detail), exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(request, 500, "Something went wrong on our side; it is logged.")


def problem(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """An error response in the shape the path's clients expect."""
    if is_chat_path(request.url.path):
        status = 400 if status == 422 else status  # OpenAI's clients expect 400 for a malformed request
        return chat_error(status, message, headers=headers)
    return JSONResponse(status_code=status, content={"detail": message}, headers=headers)
