"""Translate domain and validation errors into HTTP answers with a message a user can act on."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from server.state import IndexUnavailableError

EXAMPLE = 'send a JSON object like {"question": "What is JNAAM?", "top_k": 3}'


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
        elif kind == "extra_forbidden":
            parts.append(f"unknown field '{location[-1]}': only 'question' and 'top_k' are accepted")
        else:
            parts.append(f"{'.'.join(location)}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


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
