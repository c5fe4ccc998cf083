"""Micro-batching of question embeddings: shared forward passes, each caller gets its own vector."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from index.batching import BatchingEmbedder
from index.embed import SentenceTransformerEmbedder


class SlowFakeEmbedder:
    """Maps text i to basis vector i, taking 20 ms per call whatever the batch size, like a forward pass."""

    dimension = 64

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[int] = []
        self.fail = fail

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        self.calls.append(len(texts))
        time.sleep(0.02)
        if self.fail:
            raise RuntimeError("model exploded")
        return np.eye(self.dimension, dtype=np.float32)[[int(t) for t in texts]]


def test_concurrent_callers_share_batches_and_each_gets_its_own_vector() -> None:
    fake = SlowFakeEmbedder()
    batcher = BatchingEmbedder(fake, max_batch=32, max_wait_ms=5)
    start = threading.Barrier(24)

    def ask(i: int) -> int:
        start.wait()
        return int(np.argmax(batcher.embed([str(i)])[0]))

    with ThreadPoolExecutor(24) as pool:
        assert list(pool.map(ask, range(24))) == list(range(24))
    batcher.close()
    assert sum(fake.calls) == 24
    assert len(fake.calls) < 12 and max(fake.calls) > 1


def test_a_lone_caller_is_never_held_back_for_company() -> None:
    fake = SlowFakeEmbedder()
    batcher = BatchingEmbedder(fake, max_batch=32, max_wait_ms=50)
    for i in range(5):
        assert batcher.embed([str(i)]).shape == (1, 64)
    batcher.close()
    assert list(batcher.batch_sizes) == [1] * 5


def test_bulk_embedding_bypasses_the_queue() -> None:
    fake = SlowFakeEmbedder()
    batcher = BatchingEmbedder(fake)
    assert batcher.embed(["1", "2", "3"]).shape == (3, 64)
    batcher.close()
    assert fake.calls == [3] and list(batcher.batch_sizes) == []


def test_a_model_failure_reaches_every_waiting_caller() -> None:
    batcher = BatchingEmbedder(SlowFakeEmbedder(fail=True))
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(batcher.embed, [str(i)]) for i in range(4)]
        for future in futures:
            with pytest.raises(RuntimeError, match="model exploded"):
                future.result(timeout=10)
    batcher.close()


def test_batched_vectors_equal_single_encodes_with_the_real_model(embedder: SentenceTransformerEmbedder) -> None:
    questions = [f"What did the essay say about topic number {i}?" for i in range(12)]
    expected = embedder.embed(questions)
    batcher = BatchingEmbedder(embedder, max_wait_ms=5)
    with ThreadPoolExecutor(12) as pool:
        vectors = list(pool.map(lambda q: batcher.embed([q])[0], questions))
    batcher.close()
    np.testing.assert_allclose(np.vstack(vectors), expected, atol=1e-5)
