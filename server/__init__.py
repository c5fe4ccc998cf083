"""The HTTP service: FastAPI app over the index library (`server.app.create_app`).

Nothing is imported here: `python -m server` must choose its allocator before torch is loaded
(server/allocator.py).
"""
