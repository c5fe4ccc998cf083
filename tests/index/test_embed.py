"""The embedder over the real model."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from index.embed import SentenceTransformerEmbedder


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
