"""The embedder over the real model."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from index.embedding.embed import SentenceTransformerEmbedder


def test_embedding_writes_no_progress_bar_when_the_service_logs_at_info(
    embedder: SentenceTransformerEmbedder, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # sentence-transformers draws a bar per encode call whenever its logger is at INFO, as the server's is;
    # on a server that is one stray line per micro-batch in a JSON log.
    caplog.set_level(logging.INFO)
    vectors = embedder.embed(["What is JNAAM?", "Who signed the agreement?"])
    assert vectors.shape == (2, embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    captured = capfd.readouterr()
    assert "Batches" not in captured.err + captured.out


def test_every_batch_runs_on_the_embedders_one_torch_thread(
    embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second thread running torch gets an OpenMP pool of its own, and two pools on two cores make
    # every forward pass slower; so callers on any thread hand their batches to the same one.
    ran_on: set[str] = set()
    encode = embedder._encode

    def recording(texts: list[str]) -> torch.Tensor:
        ran_on.add(threading.current_thread().name)
        return encode(texts)

    monkeypatch.setattr(embedder, "_encode", recording)
    embedder.embed(["asked from the main thread"])
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda text: embedder.embed([text] * 70), ["one", "two", "three"]))
    assert len(ran_on) == 1
    assert ran_on.pop().startswith("torch")
