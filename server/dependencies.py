"""Every dependency a route declares, in one place: each reads the lifespan's typed services.

They are `async def` because they only read request state: FastAPI runs a plain `def` dependency in
its thread pool, a thread hop per request for nothing.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from index import Searcher
from server.answerer import Answerer
from server.observability import Metrics
from server.rebuild import Rebuilder
from server.settings import Settings
from server.state import IndexHolder, Services
from server.timing import RequestTiming


async def get_services(request: Request) -> Services:
    """The services the lifespan built."""
    services: Services = request.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    """The service's settings."""
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_holder(services: ServicesDep) -> IndexHolder:
    """The holder of the live index version."""
    return services.holder


HolderDep = Annotated[IndexHolder, Depends(get_holder)]


async def get_searcher(request: Request, services: ServicesDep) -> Searcher:
    """The live searcher, taken once for the whole request; 503 when no index is loaded."""
    searcher = services.holder.current()
    request.state.index_version = searcher.version  # for the request's log line
    return searcher


SearcherDep = Annotated[Searcher, Depends(get_searcher)]


async def get_answerer(services: ServicesDep) -> Answerer:
    """The batching answerer."""
    return services.answerer


AnswererDep = Annotated[Answerer, Depends(get_answerer)]


async def get_rebuilder(services: ServicesDep) -> Rebuilder:
    """The background rebuilder."""
    return services.rebuilder


RebuilderDep = Annotated[Rebuilder, Depends(get_rebuilder)]


async def get_metrics(services: ServicesDep) -> Metrics:
    """The Prometheus metrics."""
    return services.metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]


async def rate_limited(request: Request, services: ServicesDep) -> None:
    """Apply the rate limit to this request's client address (429 past it)."""
    services.rate_limiter.check(request.client.host if request.client else "unknown")


async def require_admin(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Let the request through only with `Authorization: Bearer <ADMIN_TOKEN>`."""
    if settings.admin_token is None:
        raise HTTPException(403, detail="Index administration is disabled: start the server with ADMIN_TOKEN set.")
    token = bearer_token(authorization)
    if token is None:
        raise HTTPException(
            401,
            detail="Send the admin token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(token, settings.admin_token.get_secret_value().encode()):
        raise HTTPException(403, detail="The admin token is not valid.")


async def require_api_key(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """When API keys are set, let /v1 requests through only with `Authorization: Bearer <one of them>`."""
    keys = settings.chat_keys()
    if not keys:
        return
    token = bearer_token(authorization)
    if token is None:
        raise HTTPException(
            401, detail="Send your API key as 'Authorization: Bearer <key>'.", headers={"WWW-Authenticate": "Bearer"}
        )
    # Every key is compared, in constant time, so the time taken does not tell which one came close.
    matches = [hmac.compare_digest(token, key) for key in keys]
    if not any(matches):
        raise HTTPException(401, detail="The API key is not valid.", headers={"WWW-Authenticate": "Bearer"})


def bearer_token(authorization: str | None) -> bytes | None:
    """The token of an `Authorization: Bearer <token>` header as the client sent its bytes, or None.

    Only the scheme and ASCII spaces around the token are removed: a Unicode-aware strip would also
    remove characters such as U+00A0 that the HTTP parser keeps, and turn them into an empty token.
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    # Starlette decodes header bytes as Latin-1; encoding back gives exactly the bytes sent.
    return token.encode("latin-1")


def request_timing(request: Request) -> RequestTiming:
    """The request's stage timings, started by the request log middleware (a fresh one without it)."""
    timing = getattr(request.state, "timing", None)
    if not isinstance(timing, RequestTiming):
        timing = RequestTiming()
        request.state.timing = timing
    return timing
