"""Run the app under uvicorn with the service's settings, logging and HTTP protocol."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from server.allocator import allocator_in_use
from server.app import create_app
from server.observability import configure_logging
from server.protocol import guarded_protocol
from server.settings import Settings

logger = logging.getLogger(__name__)


def serve(overrides: dict[str, Any]) -> None:
    """Build the settings (environment, then `overrides`) and serve until interrupted."""
    settings = Settings(**overrides)
    configure_logging(logging.INFO)
    logger.info("starting", extra={"allocator": allocator_in_use()})
    # Our RequestLog writes the access lines (as JSON, with request id and index version).
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        http=guarded_protocol(settings.head_timeout_s, settings.max_head_bytes),
    )
