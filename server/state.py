"""What the app holds while it runs: the model and the searcher of the live index version."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from index.embed import Embedder
from index.errors import IndexError_
from index.search import Searcher
from index.store import load_current
from server.settings import Settings

log = logging.getLogger("server")


class IndexUnavailableError(Exception):
    """No index is loaded; the message says why."""


@dataclass
class IndexHolder:
    """Holds the searcher of the live index, or the reason there is none."""

    settings: Settings
    embedder: Embedder
    searcher: Searcher | None = None
    problem: str = field(default="index not loaded yet")

    def load(self) -> None:
        """Load the live version; on failure keep serving what was loaded before and say why."""
        try:
            stored = load_current(self.settings.index_dir)
            built_with = stored.manifest["model"]["dimension"]
            if built_with != self.embedder.dimension:
                raise IndexUnavailableError(
                    f"index {stored.version} was built with dimension {built_with}, "
                    f"the model gives {self.embedder.dimension}: rebuild it"
                )
            self.searcher = Searcher(stored, self.embedder)
            self.problem = ""
            log.info("loaded index %s from %s", stored.version, stored.path)
        except (IndexError_, IndexUnavailableError) as exc:
            self.problem = str(exc)
            log.error("index unavailable: %s", exc)

    def current(self) -> Searcher:
        """The live searcher, or IndexUnavailableError with the reason."""
        if self.searcher is None:
            raise IndexUnavailableError(self.problem)
        return self.searcher
