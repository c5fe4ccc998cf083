"""Where a request's time goes, stage by stage, sent back in a Server-Timing header.

Browsers' devtools show the header beside the request; `make bench` reads it to tabulate the stages
at 1 and at 16 clients. What the header cannot see (the client, the network, the HTTP server's own
parsing and writing) is the client's latency less the header's `total`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

HEADER = "Server-Timing"
# The stages in the order a request meets them, each with the words devtools show for it.
STAGES = {
    "validation": "body read, validated, limits checked",
    "queue": "waiting for the answerer's worker, and behind its batch",
    "embedding": "the question's batch through the model",
    "answering": "search and composition",
    "handoff": "back to the event loop",
    "serialisation": "response built, validated, encoded",
    "total": "in the app",
}


@dataclass
class RequestTiming:
    """The moments and durations (seconds) of one request; stages a request never met stay unset."""

    started: float = field(default_factory=time.perf_counter)
    handler_started: float | None = None
    handler_finished: float | None = None
    answered: float | None = None  # when the answerer's worker finished this request's answer
    seconds: dict[str, float] = field(default_factory=dict)  # queue, embedding, answering, handoff

    def handler_start(self) -> float:
        """Mark the route's handler starting, and return the moment: what came before was reading and validating."""
        self.handler_started = time.perf_counter()
        return self.handler_started

    def handler_finish(self) -> None:
        """Mark the handler's work done: what comes after is building and encoding the response."""
        self.handler_finished = time.perf_counter()

    def header(self, now: float | None = None) -> str:
        """The Server-Timing value at the response's start: `name;dur=ms;desc="..."`, stage by stage."""
        now = time.perf_counter() if now is None else now
        seconds = dict(self.seconds)
        if self.handler_started is not None:
            seconds["validation"] = self.handler_started - self.started
        if self.handler_finished is not None:
            seconds["serialisation"] = now - self.handler_finished
        seconds["total"] = now - self.started
        return ", ".join(
            f'{name};dur={seconds[name] * 1000:.2f};desc="{description}"'
            for name, description in STAGES.items()
            if name in seconds
        )


def parse(header: str) -> dict[str, float]:
    """Milliseconds by stage from a Server-Timing value (the bench reads responses with it)."""
    stages = {}
    for entry in header.split(","):
        name, *parameters = (part.strip() for part in entry.split(";"))
        for parameter in parameters:
            if parameter.startswith("dur="):
                stages[name] = float(parameter[4:])
    return stages
