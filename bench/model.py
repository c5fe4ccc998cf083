"""The model alone, in-process: the floor a request is measured against, and how batching scales it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from index import SentenceTransformerEmbedder


def floor_times(embedder: SentenceTransformerEmbedder, questions: list[str]) -> list[float]:
    """Milliseconds of the bare model.encode of one question, in-process, for each question three times."""
    model = embedder.sentence_transformer()

    def timed(question: str) -> float:
        started = time.perf_counter()
        model.encode([question])
        return (time.perf_counter() - started) * 1000

    # On the embedder's own torch thread: a second thread running torch would slow both (index/embedding/embed.py).
    for question in questions[:5]:
        embedder.run(timed, question)
    return [embedder.run(timed, question) for question in questions * 3]


def batch_scalings(
    embedder: SentenceTransformerEmbedder, questions: list[str]
) -> dict[tuple[str, str], dict[int, float]]:
    """Batch scaling of the embedder's packed batches and of the model's own padded ones, on its torch thread."""
    return {
        (embedder.precision, "packed (`embed`)"): _batch_scaling(embedder.embed, questions),
        (embedder.precision, "padded (`model.encode`)"): _batch_scaling(
            lambda batch: embedder.run(embedder.sentence_transformer().encode, batch), questions
        ),
    }


def model_rates(embedder: SentenceTransformerEmbedder, questions: list[str]) -> dict[int, float]:
    """Questions per second of the embedder's packed batches of 1 and of 16, measured now (a few seconds)."""
    return rates(_batch_scaling(embedder.embed, questions, (1, 16)))


def rates(batch_ms: dict[int, float]) -> dict[int, float]:
    """Questions per second of each batch size, from its milliseconds per batch."""
    return {size: size / ms * 1000 for size, ms in batch_ms.items()}


def _batch_scaling(
    encode: Callable[[list[str]], object], questions: list[str], sizes: tuple[int, ...] = (1, 4, 16, 32)
) -> dict[int, float]:
    """Median ms of `encode` on a batch of b questions, for each size b.

    The sizes take turns, a few batches each, so that drift in the machine's speed touches them alike.
    """
    cycled = questions * 40
    times: dict[int, list[float]] = {size: [] for size in sizes}
    for turn in range(5):
        for size, taken in times.items():
            for first in range(4 * turn * size, 4 * (turn + 1) * size, size):
                started = time.perf_counter()
                encode(cycled[first : first + size])
                taken.append((time.perf_counter() - started) * 1000)
    return {size: statistics.median(taken) for size, taken in times.items()}


def scaling_lines(precision: str, scaling: dict[tuple[str, str], dict[int, float]]) -> list[str]:
    """The results section on the model alone."""
    lines = [
        "",
        "## The model alone: questions per second by batch size (in-process)",
        "",
        "This bounds what micro-batching can win on this machine, before any HTTP. The service runs "
        f"in {precision} (`QA_MODEL_PRECISION`) and packs each batch's questions into one unpadded "
        "sequence (`index/embedding/packing.py`); the other precision and the model's own padded batches are "
        "shown for comparison.",
        "",
        "| precision | batches | size | ms per batch | questions/s | vs size 1 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {precision} | {path} | {b} | {ms:.1f} | {b / ms * 1000:.0f} | {b / ms / (1 / times[1]):.2f}x |"
        for (precision, path), times in scaling.items()
        for b, ms in times.items()
    ]
