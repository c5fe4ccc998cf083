"""Build the FastAPI app: settings in, app out; heavy objects load in lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from index.embed import SentenceTransformerEmbedder
from server.admin import admin
from server.errors import install_error_handlers
from server.limits import BodySizeLimit
from server.rebuild import Rebuilder
from server.routes import api, pages
from server.settings import Settings
from server.state import IndexHolder

log = logging.getLogger("server")


def create_app(settings: Settings) -> FastAPI:
    """The service app for `settings`; the model and index load when it starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        embedder = SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size)
        holder = IndexHolder(settings, embedder)
        holder.refresh()
        watcher = asyncio.create_task(_follow_current(holder, settings.reload_interval_s))
        try:
            yield {"holder": holder, "settings": settings, "rebuilder": Rebuilder(holder)}
        finally:
            watcher.cancel()

    app = FastAPI(
        title="Cited answers",
        summary="Answers questions only from its documents, citing the exact sentences.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.templates = Jinja2Templates(directory=settings.web_dir / "templates")
    app.mount("/static", StaticFiles(directory=settings.web_dir / "static"), name="static")
    app.include_router(api)
    app.include_router(admin)
    app.include_router(pages)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


async def _follow_current(holder: IndexHolder, interval: float) -> None:
    """Check every `interval` seconds whether `current` moved, and load the new version off the loop."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(holder.refresh)
        except Exception:  # the watcher must outlive any one failed check
            log.exception("checking for a new index version failed")
