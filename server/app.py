"""Build the FastAPI app: settings in, app out; heavy objects load in lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import torch
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from index.embed import SentenceTransformerEmbedder
from server.admin import admin
from server.answering import Answerer
from server.errors import install_error_handlers
from server.headers import SecurityHeaders
from server.limits import BodySizeLimit
from server.observability import Metrics, RequestLog
from server.ratelimit import RateLimiter
from server.rebuild import BuildJob, Rebuilder
from server.routes import api, pages
from server.settings import Settings
from server.state import IndexHolder

log = logging.getLogger("server")
# How long shutdown waits for a running build to stop: it stops after the batch it is embedding.
BUILD_STOP_TIMEOUT_S = 30.0


def create_app(settings: Settings) -> FastAPI:
    """The service app for `settings`; the model and index load when it starts."""
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        torch.set_num_threads(settings.torch_threads)
        embedder = SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size, settings.precision())
        holder = IndexHolder(settings, embedder)
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

        rebuilder = Rebuilder(holder, on_finished=record_build)
        try:
            yield {
                "holder": holder,
                "settings": settings,
                "rebuilder": rebuilder,
                "answerer": answerer,
                "rate_limiter": RateLimiter(settings.rate_limit_per_minute),
                "metrics": metrics,
            }
        finally:
            watcher.cancel()
            rebuilder.stop(BUILD_STOP_TIMEOUT_S)
            answerer.close()
            embedder.close()

    app = FastAPI(
        title="Cited answers",
        summary="Answers questions only from its documents, citing the exact sentences.",
        version="0.1.0",
        lifespan=lifespan,
        # The interactive docs load scripts from a CDN and inline code; offline and under a strict CSP they
        # cannot work. The schema itself stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.templates = Jinja2Templates(directory=settings.web_dir / "templates")
    app.mount("/static", StaticFiles(directory=settings.web_dir / "static"), name="static")
    app.include_router(api)
    app.include_router(admin)
    app.include_router(pages)
    install_error_handlers(app)
    # The last added runs first: log everything, secure every response, then refuse large bodies.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.request_timeout_s)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog, metrics=metrics, log_questions=settings.log_questions)
    return app


async def _follow_current(holder: IndexHolder, interval: float) -> None:
    """Check every `interval` seconds whether `current` moved, and load the new version off the loop."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(holder.refresh)
        except Exception:  # the watcher must outlive any one failed check
            log.exception("checking for a new index version failed")
