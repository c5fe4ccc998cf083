"""Answer questions off the event loop, in micro-batches, within a time limit, from a small cache."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from cachetools import LRUCache

from answering import Answer, Turn, answer_question, read_in_context
from index import Embedder, LanedEmbedder, Searcher
from server.batching import MicroBatcher
from server.timing import RequestTiming

CacheKey = tuple[str, str, int, tuple[Turn, ...]]  # index version, question, top_k, history


class AnswerTimeoutError(Exception):
    """Answering took longer than the configured limit."""


@dataclass(frozen=True)
class Job:
    """One question to answer from the searcher (index version) its request started with."""

    searcher: Searcher
    question: str
    top_k: int
    history: tuple[Turn, ...]  # the conversation's earlier turns, oldest first
    timing: RequestTiming | None = None  # where the request's stages are recorded, if anywhere
    submitted: float = 0.0  # perf_counter when queued


class Answerer:
    """Answers concurrent questions together: one forward pass embeds a whole batch, then each is composed.

    All CPU work happens off the event loop (composition on the batcher's worker thread, the forward pass
    on the embedder's torch thread), so the event loop only does HTTP. Cache keys
    carry the index version, so an answer is never served from a version other than the one the
    request took; the cache empties itself when a new version appears.
    """

    def __init__(
        self, embedder: Embedder, cache_size: int, timeout_s: float, max_batch: int = 32, max_wait_ms: float = 2.0
    ) -> None:
        self.embedder = embedder
        self.timeout_s = timeout_s
        # Checked once here: a runtime protocol check costs attribute lookups, on every batch otherwise.
        self._laned = embedder if isinstance(embedder, LanedEmbedder) and embedder.lanes > 1 else None
        self.batcher: MicroBatcher[Job, Answer] = MicroBatcher(
            self._answer_batch, max_batch, max_wait_ms, "answerer", self._laned.lanes if self._laned else 1
        )
        self._cache: LRUCache[CacheKey, Answer] | None = LRUCache(cache_size) if cache_size else None
        self._version = ""
        self._lock = threading.Lock()

    async def answer(
        self,
        searcher: Searcher,
        question: str,
        top_k: int,
        history: tuple[Turn, ...] = (),
        timing: RequestTiming | None = None,
    ) -> tuple[Answer, bool]:
        """The answer to `question`, read with its `history`, from `searcher`'s version, and whether it was cached.

        `timing`, when given, receives the time spent queued, embedding, answering and handed back.
        """
        key = (searcher.version, question, top_k, history)
        cached = self._lookup(key)
        if cached is not None:
            return cached, True
        future = self.batcher.submit(Job(searcher, question, top_k, history, timing, time.perf_counter()))
        try:
            answer = await asyncio.wait_for(asyncio.wrap_future(future), timeout=self.timeout_s)
        except TimeoutError:
            raise AnswerTimeoutError(
                f"Answering took longer than {self.timeout_s:g} s; the service is busy, try again shortly."
            ) from None
        if timing is not None and timing.answered is not None:
            timing.seconds["handoff"] = time.perf_counter() - timing.answered
        self._store(key, answer)
        return answer, False

    def close(self) -> None:
        """Finish the queued questions and stop the worker."""
        self.batcher.close()

    def _answer_batch(self, jobs: list[Job]) -> Iterator[Answer | BaseException]:
        # A follow-up is embedded as asked: the words it carries from earlier turns weigh in the word
        # search, where they count for less than its own (embedding it after the earlier question was worse).
        batch_started = time.perf_counter()
        vectors = self._embed([job.question for job in jobs])
        embedded = time.perf_counter()
        for job, vector in zip(jobs, vectors, strict=True):
            started = time.perf_counter()
            result: Answer | BaseException
            try:
                reading = read_in_context(job.question, job.history)
                result = answer_question(job.searcher, job.question, job.top_k, vector, reading)
            except Exception as exc:  # one bad question must not fail the others in its batch
                result = exc
            if job.timing is not None:
                # Waiting behind the batch's earlier questions is queueing too.
                job.timing.seconds["queue"] = batch_started - job.submitted + started - embedded
                job.timing.seconds["embedding"] = embedded - batch_started
                job.timing.answered = time.perf_counter()
                job.timing.seconds["answering"] = job.timing.answered - started
            yield result  # its caller has it now, while the batch's next questions are composed

    def _embed(self, questions: list[str]) -> np.ndarray:
        """The questions' vectors, from the model lane of the batch when there are several."""
        if self._laned is not None:
            return self._laned.embed_on(self.batcher.lane(), questions, shared=not self.batcher.alone())
        return self.embedder.embed(questions)

    def _lookup(self, key: CacheKey) -> Answer | None:
        if self._cache is None:
            return None
        with self._lock:
            if key[0] != self._version:
                self._cache.clear()
                self._version = key[0]
            return self._cache.get(key)

    def _store(self, key: CacheKey, answer: Answer) -> None:
        if self._cache is None:
            return
        with self._lock:
            if key[0] == self._version:
                self._cache[key] = answer
