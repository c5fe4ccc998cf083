"""What the app holds while it runs: the live index's searcher, and every long-lived service, typed."""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from fastapi.templating import Jinja2Templates

from index import Embedder, IndexError_, Searcher, live_version_path, open_version

if TYPE_CHECKING:
    from server.answerer import Answerer
    from server.observability import Metrics
    from server.ratelimit import RateLimiter
    from server.rebuild import Rebuilder
    from server.settings import Settings

log = logging.getLogger("server")


class IndexUnavailableError(Exception):
    """No index is loaded; the message says why."""


def settle_heap() -> None:
    """Take every object alive now out of the garbage collector's walks (`gc.freeze`), after collecting the rest.

    A loaded index is a few hundred thousand long-lived objects (each sentence's terms, BM25's rows),
    and a full collection walked them all: about 0.1 s, with every request waiting behind it, a few
    times a minute under load. Frozen, they are never walked again, and what requests make is collected
    as before. The objects frozen at the last load are unfrozen and collected first, so that the
    version a reload replaces can still be freed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@dataclass
class IndexHolder:
    """Holds the searcher of the live index version and follows `current` when it moves.

    A request takes the searcher once, at its start, and keeps that reference to its end, so a
    switch never changes the version under a request in flight.
    """

    index_dir: Path
    model_name: str
    embedder: Embedder
    searcher: Searcher | None = None
    problem: str = "index not loaded yet"
    loaded_path: Path | None = None
    refused_path: Path | None = None
    refused_reason: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, retry_refused: bool = False) -> bool:
        """Load the version `current` points at if it is new; keep the old one if it cannot load.

        A version refused before is not tried again on every periodic check, only when
        `retry_refused` asks (an operator's reload: the fault may have been mended since).
        """
        with self._lock:
            if retry_refused:
                self.refused_path = None
            try:
                target = live_version_path(self.index_dir)
            except IndexError_ as exc:
                if self.searcher is None:
                    self._refuse(None, str(exc))
                return False
            if target in (self.loaded_path, self.refused_path):
                return False
            try:
                searcher = open_version(target, self.embedder, self.model_name)
            except IndexError_ as exc:
                self._refuse(target, str(exc))
                return False
            self.searcher, self.loaded_path, self.problem = searcher, target, ""
            self.refused_path, self.refused_reason = None, ""
            settle_heap()
            log.info("serving index %s", searcher.version)
            if searcher.ingestion_outdated:
                log.warning("index %s was made by an older ingestion: rebuild it to apply the current one", target)
            return True

    def _refuse(self, target: Path | None, reason: str) -> None:
        if self.searcher is None and (target, reason) == (self.refused_path, self.problem):
            return  # said once already; the periodic check must not repeat it every few seconds
        self.refused_path, self.refused_reason = target, reason
        if self.searcher is None:
            self.problem = reason
            log.error("index unavailable: %s", reason)
        else:
            log.error("index %s refused, still serving %s: %s", target, self.searcher.version, reason)

    def refused(self) -> dict[str, str] | None:
        """The version `current` names that could not be loaded, and why; None when there is none."""
        if self.refused_path is None:
            return None
        return {"version": self.refused_path.name, "reason": self.refused_reason}

    def current(self) -> Searcher:
        """The live searcher, or IndexUnavailableError with the reason."""
        searcher = self.searcher
        if searcher is None:
            raise IndexUnavailableError(self.problem)
        return searcher


@dataclass(frozen=True)
class Services:
    """Everything a request may use, built once by the lifespan; the one place a request reads settings from."""

    settings: Settings
    holder: IndexHolder
    answerer: Answerer
    rebuilder: Rebuilder
    rate_limiter: RateLimiter
    metrics: Metrics
    templates: Jinja2Templates


class LifespanState(TypedDict):
    """What the lifespan yields; Starlette hands it to every request as `request.state`."""

    services: Services
