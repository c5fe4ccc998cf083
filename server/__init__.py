"""The HTTP service: FastAPI app over the index library."""

from server.app import create_app

__all__ = ["create_app"]
