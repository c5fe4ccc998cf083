"""Serve the app: `python -m server [--host H] [--port P] [--index DIR]`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from server.allocator import restart_on_jemalloc


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, restart on jemalloc if need be, build the settings and serve."""
    parser = argparse.ArgumentParser(prog="python -m server", description="Serve the cited-answer service.")
    parser.add_argument("--host", default=os.environ.get("HOST"), help="address to bind (default 127.0.0.1, or HOST)")
    parser.add_argument("--port", type=int, default=os.environ.get("PORT"), help="port to bind (default 8000, or PORT)")
    parser.add_argument("--index", type=Path, help="index folder (default data/index)")
    args = parser.parse_args(argv)
    restart_on_jemalloc()
    # Imported only now: they load torch, and the restart above must come first, to be cheap.
    from server.serve import serve

    overrides = {"host": args.host, "port": args.port, "index_dir": args.index}
    serve({k: v for k, v in overrides.items() if v is not None})


if __name__ == "__main__":
    main()
