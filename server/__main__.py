"""Serve the app: `python -m server [--host H] [--port P] [--index DIR]`."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import uvicorn

from server.app import create_app
from server.observability import configure_logging
from server.protocol import guarded_protocol
from server.settings import Settings


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, build the settings and serve."""
    parser = argparse.ArgumentParser(prog="python -m server", description="Serve the cited-answer service.")
    parser.add_argument("--host", default=os.environ.get("HOST"), help="address to bind (default 127.0.0.1, or HOST)")
    parser.add_argument("--port", type=int, default=os.environ.get("PORT"), help="port to bind (default 8000, or PORT)")
    parser.add_argument("--index", type=Path, help="index folder (default data/index)")
    args = parser.parse_args(argv)
    overrides = {"host": args.host, "port": args.port, "index_dir": args.index}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    configure_logging(logging.INFO)
    # Our RequestLog writes the access lines (as JSON, with request id and index version).
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        http=guarded_protocol(settings.head_timeout_s, settings.max_head_bytes),
    )


if __name__ == "__main__":
    main()
