"""Answer questions off the event loop, within a time limit, from a small cache per index version."""

from __future__ import annotations

import asyncio
import threading

from cachetools import LRUCache
from fastapi.concurrency import run_in_threadpool

from index.answer import Answer, answer_question
from index.search import Searcher


class AnswerTimeoutError(Exception):
    """Answering took longer than the configured limit."""


class Answerer:
    """Runs `answer_question` in a worker thread and remembers recent answers.

    Keys carry the index version, so an answer is never served from a version other than the
    one the request took; the cache empties itself when a new version appears.
    """

    def __init__(self, cache_size: int, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._cache: LRUCache[tuple[str, str, int], Answer] | None = LRUCache(cache_size) if cache_size else None
        self._version = ""
        self._lock = threading.Lock()
        self.hits = 0

    async def answer(self, searcher: Searcher, question: str, top_k: int) -> tuple[Answer, bool]:
        """The answer to `question` from `searcher`'s version, and whether it came from the cache."""
        key = (searcher.stored.version, question, top_k)
        cached = self._lookup(key)
        if cached is not None:
            return cached, True
        try:
            answer = await asyncio.wait_for(
                run_in_threadpool(answer_question, searcher, question, top_k), timeout=self.timeout_s
            )
        except TimeoutError:
            raise AnswerTimeoutError(
                f"Answering took longer than {self.timeout_s:g} s; the service is busy, try again shortly."
            ) from None
        self._store(key, answer)
        return answer, False

    def _lookup(self, key: tuple[str, str, int]) -> Answer | None:
        if self._cache is None:
            return None
        with self._lock:
            if key[0] != self._version:
                self._cache.clear()
                self._version = key[0]
            answer = self._cache.get(key)
            if answer is not None:
                self.hits += 1
            return answer

    def _store(self, key: tuple[str, str, int], answer: Answer) -> None:
        if self._cache is None:
            return
        with self._lock:
            if key[0] == self._version:
                self._cache[key] = answer
