"""Micro-batching: questions embedded from many threads at once share one forward pass."""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from index.embed import Embedder


@dataclass
class _Request:
    text: str
    result: Future[np.ndarray] = field(default_factory=Future)


class BatchingEmbedder:
    """An Embedder that gathers single texts from concurrent callers into one batch.

    One worker thread encodes. While it runs a batch, new texts queue up and form the next one,
    so under load batches grow by themselves. After a batch of more than one text (traffic is
    concurrent) the worker also waits up to `max_wait_ms` for company; a lone caller never waits.
    Bulk calls (index builds) bypass the queue.
    """

    def __init__(self, inner: Embedder, max_batch: int = 32, max_wait_ms: float = 2.0) -> None:
        self.inner = inner
        self.dimension = inner.dimension
        self.max_batch = max_batch
        self.max_wait = max_wait_ms / 1000
        self.batch_sizes: deque[int] = deque(maxlen=1000)  # recent batch sizes, for tests and the benchmark
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._run, name="embed-batcher", daemon=True)
        self._worker.start()

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed `texts`; a single text joins the shared batch, more go straight to the model."""
        if len(texts) != 1:
            return self.inner.embed(texts, progress)
        request = _Request(texts[0])
        self._queue.put(request)
        vector = request.result.result()
        if progress:
            progress(1)
        return vector[None, :]

    def close(self) -> None:
        """Stop the worker once the queued texts are done."""
        self._queue.put(None)
        self._worker.join(timeout=5)

    def _run(self) -> None:
        concurrent, stopping = False, False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = self._gather(first, wait=concurrent)
            stopping = None in batch
            requests = [r for r in batch if r is not None]
            self._encode(requests)
            concurrent = len(requests) > 1

    def _gather(self, first: _Request, wait: bool) -> list[_Request | None]:
        batch: list[_Request | None] = [first]
        deadline = time.monotonic() + (self.max_wait if wait else 0.0)
        while len(batch) < self.max_batch and batch[-1] is not None:
            remaining = deadline - time.monotonic()
            try:
                batch.append(self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _encode(self, batch: list[_Request]) -> None:
        self.batch_sizes.append(len(batch))
        try:
            vectors = self.inner.embed([r.text for r in batch])
        except Exception as exc:  # every waiting caller must learn of the failure, not hang
            for request in batch:
                request.result.set_exception(exc)
            return
        for request, vector in zip(batch, vectors, strict=True):
            request.result.set_result(vector)
