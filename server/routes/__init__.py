"""HTTP routes, one module per concern; each route is glue around one call into a library."""

from fastapi import APIRouter

from server.routes import ask, chat, documents, health, index_admin, pages

ROUTERS: tuple[APIRouter, ...] = (
    ask.router,
    chat.router,
    documents.router,
    health.router,
    index_admin.router,
    pages.router,
)

__all__ = ["ROUTERS"]
