"""A persistent embedding cache keyed by model and text, so unchanged text is never embedded twice."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.embedding.embed import Embedder

log = logging.getLogger(__name__)
STORE_EVERY = 2048


@dataclass(frozen=True)
class CacheStats:
    """How many texts were found in the cache and how many had to be embedded."""

    reused: int
    embedded: int


class EmbeddingCache:
    """SQLite table of float32 vectors keyed by sha256(model, text)."""

    def __init__(self, path: Path, model_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.model_key = model_key
        try:
            self._create()
        except sqlite3.DatabaseError as exc:
            # A cache is only ever a shortcut: one that cannot be read is set aside (kept for a look) and
            # started anew, so this and every later build embeds instead of failing.
            aside = path.with_name(f"{path.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S}")
            path.rename(aside)
            path.with_name(path.name + "-journal").unlink(missing_ok=True)
            log.warning("the embedding cache %s could not be read (%s): set aside as %s", path, exc, aside.name)
            self._create()

    def _create(self) -> None:
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            db.execute("SELECT key, vector FROM vectors LIMIT 1").fetchall()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # sqlite3's own context manager commits but never closes; this one does both.
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def key(self, text: str) -> str:
        """The cache key of one text under this model."""
        return hashlib.sha256(f"{self.model_key}\0{text}".encode()).hexdigest()

    def embed(
        self, texts: Sequence[str], embedder: Embedder, progress: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, CacheStats]:
        """Vectors for `texts`, embedding only those the cache does not hold."""
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            for first in range(0, len(keys), 500):
                batch = keys[first : first + 500]
                rows = db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
                ).fetchall()
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if progress and len(missing) < len(keys):
            progress(len(keys) - len(missing))
        text_of = dict(zip(keys, texts, strict=True))
        # Stored a slice at a time, so a build that is killed midway resumes where it stopped.
        for first in range(0, len(missing), STORE_EVERY):
            chunk = missing[first : first + STORE_EVERY]
            fresh = embedder.embed([text_of[k] for k in chunk], progress=progress)
            with self._connect() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for k, v in zip(chunk, fresh, strict=True)],
                )
            found.update(zip(chunk, fresh, strict=True))
        vectors = np.vstack([found[k] for k in keys]) if keys else np.zeros((0, embedder.dimension), np.float32)
        return vectors.astype(np.float32), CacheStats(reused=len(keys) - len(missing), embedded=len(missing))
