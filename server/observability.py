"""Request logs as JSON lines and Prometheus metrics, both kept per app rather than in globals."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.timing import HEADER as TIMING_HEADER
from server.timing import RequestTiming

access_log = logging.getLogger("server.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def configure_logging(level: int = logging.INFO) -> None:
    """Send every log record to stderr as one JSON object per line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_drop_terminal_colours)
    handler.setFormatter(
        JsonFormatter("{asctime}{levelname}{name}{message}", style="{", rename_fields={"levelname": "level"})
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def _drop_terminal_colours(record: logging.LogRecord) -> bool:
    record.__dict__.pop("color_message", None)  # uvicorn's copy of the message with ANSI colours
    return True


class Metrics:
    """The service's Prometheus metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "qa_http_requests", "HTTP requests served.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "qa_http_request_duration_seconds",
            "Time to serve an HTTP request.",
            ["route"],
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
            registry=self.registry,
        )
        self.answers = Counter("qa_answers", "Questions answered or abstained.", ["outcome"], registry=self.registry)
        self.cache_hits = Counter("qa_answer_cache_hits", "Answers served from the cache.", registry=self.registry)
        self.batch_size = Gauge(
            "qa_answer_batch_size_mean",
            "Mean size of the last 1000 micro-batches of questions embedded together.",
            registry=self.registry,
        )
        self.lane_batches = Gauge(
            "qa_answer_lane_batches",
            "Micro-batches of questions each model lane has run since the start (QA_MODEL_LANES).",
            ["lane"],
            registry=self.registry,
        )
        self.index_info = Gauge(
            "qa_index_info", "The live index version (value 1).", ["version"], registry=self.registry
        )
        self.builds = Histogram(
            "qa_index_build_duration_seconds",
            "Duration of index builds started by this server.",
            ["outcome"],
            buckets=(1, 5, 10, 30, 60, 120, 300, 600),
            registry=self.registry,
        )

    def set_index_version(self, version: str | None) -> None:
        """Show `version` as the live index version."""
        self.index_info.clear()
        if version:
            self.index_info.labels(version=version).set(1)


class RequestLog:
    """Logs one JSON line per request and counts it; gives each request an X-Request-ID.

    It also times the request's stages (`request.state.timing`, filled in by the routes that answer)
    and, unless `server_timing` is off, sends them back in a Server-Timing header.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, log_questions: bool = False, server_timing: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.log_questions = log_questions
        self.server_timing = server_timing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        timing = RequestTiming()
        scope.setdefault("state", {})["timing"] = timing
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                if self.server_timing:
                    headers[TIMING_HEADER] = timing.header()
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - timing.started)

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or (
            "/static" if scope["path"].startswith("/static/") else "-"
        )
        self.metrics.requests.labels(scope["method"], route, str(status)).inc()
        self.metrics.latency.labels(route).observe(seconds)
        state = scope.get("state", {})
        fields = {
            "request_id": request_id,
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "index_version": state.get("index_version"),
            "client": scope["client"][0] if scope.get("client") else None,
        }
        if self.log_questions and "question" in state:
            fields["question"] = state["question"]
        access_log.info("request", extra=fields)
