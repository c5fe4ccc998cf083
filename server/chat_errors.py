"""Errors on /v1 in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, so client libraries raise
their typed exceptions (BadRequestError, AuthenticationError, NotFoundError, RateLimitError, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

CHAT_PREFIX = "/v1/"
_TYPES = {429: "rate_limit_error"}
_CODES = {401: "invalid_api_key", 429: "rate_limit_exceeded", 413: "request_too_large"}


def is_chat_path(path: str) -> bool:
    """Whether a path belongs to the OpenAI-compatible API."""
    return path.startswith(CHAT_PREFIX) or path == CHAT_PREFIX.rstrip("/")


def chat_error_body(status: int, message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    """The error body OpenAI's API sends for `status`."""
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code or _CODES.get(status)}}


def chat_error(
    status: int,
    message: str,
    param: str | None = None,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error response in OpenAI's shape."""
    return JSONResponse(status_code=status, content=chat_error_body(status, message, param, code), headers=headers)


def validation_param(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    """A message for pydantic's errors on a /v1 request, and the parameter the first one names."""
    parts, param = [], None
    for error in errors:
        location = [str(p) for p in error.get("loc", ()) if p != "body"]
        where = ".".join(location)
        param = param or (location[0] if location else None)
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else "the request body is not a JSON object")
    return "; ".join(parts) or "invalid request", param
