"""Build the FastAPI app: settings in, app out; heavy objects load in the lifespan, into typed services."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import torch
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from index import load_embedder
from server.answerer import Answerer
from server.errors import install_error_handlers
from server.headers import SecurityHeaders
from server.limits import BodySizeLimit
from server.methods import HeadAsGet
from server.observability import Metrics, RequestLog
from server.ratelimit import RateLimiter
from server.rebuild import BuildJob, Rebuilder
from server.routes import ROUTERS
from server.settings import Settings
from server.state import IndexHolder, LifespanState, Services

log = logging.getLogger("server")
# How long shutdown waits for a running build to stop: it stops after the batch it is embedding.
BUILD_STOP_TIMEOUT_S = 30.0


def create_app(settings: Settings) -> FastAPI:
    """The service app for `settings`; the model and index load when it starts."""
    metrics = Metrics()
    templates = Jinja2Templates(directory=settings.web_dir / "templates")
    app = FastAPI(
        title="Cited answers",
        summary="Answers questions only from its documents, citing the exact sentences.",
        version="0.1.0",
        lifespan=_lifespan(settings, metrics, templates),
        # The interactive docs load scripts from a CDN and inline code; offline and under a strict CSP they
        # cannot work. The schema itself stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=settings.web_dir / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    _add_middleware(app, settings, metrics)
    return app


def _lifespan(
    settings: Settings, metrics: Metrics, templates: Jinja2Templates
) -> Callable[[FastAPI], AbstractAsyncContextManager[LifespanState]]:
    """Load the model and the live index, start the watcher; on the way out stop builds, then the model."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[LifespanState]:
        torch.set_num_threads(settings.torch_threads)
        embedder = load_embedder(settings, settings.model_lanes)
        holder = IndexHolder(settings.index_dir, settings.model_name, embedder)
        answerer = Answerer(
            embedder,
            settings.answer_cache_size,
            settings.request_timeout_s,
            settings.embed_max_batch,
            settings.embed_max_wait_ms,
        )
        holder.refresh()
        watcher = asyncio.create_task(_follow_current(holder, settings.reload_interval_s))

        def record_build(job: BuildJob) -> None:
            metrics.builds.labels(job.state).observe((job.finished_at or job.started_at) - job.started_at)

        rebuilder = Rebuilder(settings, holder, on_finished=record_build)
        rate_limiter = RateLimiter(settings.rate_limit_per_minute)
        try:
            yield {"services": Services(settings, holder, answerer, rebuilder, rate_limiter, metrics, templates)}
        finally:
            watcher.cancel()
            rebuilder.stop(BUILD_STOP_TIMEOUT_S)
            answerer.close()
            embedder.close()

    return lifespan


def _add_middleware(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """The last added runs first: log everything, secure every response, refuse large bodies, answer HEAD as GET."""
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization"],  # /v1 keys, sent by browser-based chat clients
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.request_timeout_s)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        RequestLog, metrics=metrics, log_questions=settings.log_questions, server_timing=settings.server_timing
    )


async def _follow_current(holder: IndexHolder, interval: float) -> None:
    """Check every `interval` seconds whether `current` moved, and load the new version off the loop."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(holder.refresh)
        except Exception:  # the watcher must outlive any one failed check
            log.exception("checking for a new index version failed")
