"""Translate domain and validation errors into HTTP answers with a message a user can act on."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.answerer import AnswerTimeoutError
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
    """Register the handlers that turn exceptions into JSON problems."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        safe = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in errors]
        return JSONResponse(status_code=422, content={"detail": validation_message(errors), "errors": safe})

    @app.exception_handler(IndexUnavailableError)
    async def index_unavailable(_: Request, exc: IndexUnavailableError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"No index is loaded: {exc}"})

    @app.exception_handler(AnswerTimeoutError)
    async def answer_timeout(_: Request, exc: AnswerTimeoutError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)}, headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        unparsable = unparsable_body(exc.__cause__) if exc.status_code == 400 else None
        if unparsable:
            return JSONResponse(status_code=422, content={"detail": unparsable})
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No such path: {shortened(request.url.path)}. {routes_hint(request.app)}"
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "")
            detail = (
                f"{request.method} is not allowed on {shortened(request.url.path)}; use {allowed or 'another method'}."
            )
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "Something went wrong on our side; it is logged."})
