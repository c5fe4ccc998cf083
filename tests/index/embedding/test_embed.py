"""The embedder over the real model."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from index import IndexSettings
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


@pytest.fixture(scope="module")
def laned() -> Iterator[SentenceTransformerEmbedder]:
    """The served embedder: packed bfloat16, two lanes."""
    embedder = SentenceTransformerEmbedder(IndexSettings().model_path, precision="bfloat16", lanes=2)
    yield embedder
    embedder.close()


def test_every_lane_gives_the_same_vectors_to_the_bit(laned: SentenceTransformerEmbedder) -> None:
    texts = ["What is JNAAM?", "Who signed the agreement?", "Why do the UK and Japan cooperate on security?"]
    reference = laned.embed(texts)
    for lane, shared in [(0, False), (0, True), (1, True)]:
        assert np.array_equal(laned.embed_on(lane, texts, shared), reference), (lane, shared)


def test_lanes_embed_at_the_same_time_each_with_its_own_threads(
    laned: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Side by side, the lanes share the cores out; alone, lane 0 and every build take them all.
    threads: list[tuple[str, int]] = []
    encode = laned._encode

    def recording(texts: list[str]) -> torch.Tensor:
        threads.append((threading.current_thread().name, torch.get_num_threads()))
        return encode(texts)

    monkeypatch.setattr(laned, "_encode", recording)
    questions = [[f"What happened in {year}?", f"Who led the talks of {year}?"] for year in range(1990, 2014)]
    reference = [laned.embed(pair) for pair in questions]
    with ThreadPoolExecutor(2) as pool:
        vectors = list(pool.map(lambda i: laned.embed_on(i % 2, questions[i], shared=True), range(len(questions))))
    assert all(np.array_equal(v, r) for v, r in zip(vectors, reference, strict=True))
    laned.embed_on(0, questions[0], shared=False)
    laned.embed(questions[0])  # as a build does
    side_by_side = threads[len(questions) : 2 * len(questions)]
    assert {name.rsplit("_", 1)[0] for name, _ in side_by_side} == {"torch", "torch-lane1"}
    assert {count for _, count in side_by_side} == {laned.shared_threads}
    assert [count for _, count in threads[-2:]] == [laned.all_threads] * 2
    assert laned.all_threads == torch.get_num_threads() and laned.shared_threads == max(1, laned.all_threads // 2)
