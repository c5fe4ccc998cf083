"""Batched answering with the real model and index gives exactly the answers of one-by-one answering."""

from __future__ import annotations

import asyncio
from pathlib import Path

from answering import answer_question
from index import Searcher, SentenceTransformerEmbedder
from server.answerer import Answerer
from tests.conftest import FakeEmbedder, fake_searcher

QUESTIONS = [
    "What is JNAAM?",
    "When was the Hiroshima Accord signed?",
    "What are the challenges to UK-Japan cooperation?",
    "How do I bake sourdough bread at home?",
    "Which countries are developing GCAP together?",
    "How does post-Brexit Britain view China?",
]


def test_batched_answers_equal_single_answers(searcher: Searcher, embedder: SentenceTransformerEmbedder) -> None:
    answerer = Answerer(embedder, cache_size=0, timeout_s=60, max_wait_ms=20)

    async def ask_all() -> list[tuple[object, bool]]:
        return await asyncio.gather(*(answerer.answer(searcher, q, 3) for q in QUESTIONS))

    results = asyncio.run(ask_all())
    answerer.close()
    assert max(answerer.batcher.batch_sizes) > 1  # they really were embedded together
    for question, (answer, cached) in zip(QUESTIONS, results, strict=True):
        expected = answer_question(searcher, question, 3)
        assert not cached
        assert answer.answer == expected.answer and answer.answered == expected.answered
        assert [c.start for c in answer.citations] == [c.start for c in expected.citations]


def test_the_cache_serves_repeats_and_forgets_on_a_new_version(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    corpus = {"notes.txt": "JNAAM is a joint naval exercise. It began in 2021."}
    searcher = fake_searcher(corpus, tmp_path / "old", fake_embedder)
    newer = fake_searcher(corpus, tmp_path / "new", fake_embedder)
    assert newer.version != searcher.version
    answerer = Answerer(fake_embedder, cache_size=8, timeout_s=60)

    async def ask(source: Searcher) -> tuple[object, bool]:
        return await answerer.answer(source, "What is JNAAM?", 3)

    first, again, after_switch = asyncio.run(ask(searcher)), asyncio.run(ask(searcher)), asyncio.run(ask(newer))
    answerer.close()
    assert first[1] is False and again[1] is True and first[0] is again[0]
    assert after_switch[1] is False
