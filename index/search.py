"""Hybrid sentence search: dense (FAISS) and lexical (BM25) scores and term coverage fused per sentence.

Each sentence is searchable by itself and by its context window, so a sentence is found by the
words around it too.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import bm25s
import faiss
import numpy as np

from index.embed import Embedder
from index.question import content_terms
from index.segment import Sentence
from index.store import StoredIndex

CANDIDATES = 64
DENSE_SENTENCE_WEIGHT = 0.7  # the rest goes to the context window's similarity
LEXICAL_WEIGHT = 0.15  # BM25 relative to the best lexical match, added to the dense cosine
# The IDF-weighted share of the question's terms found in the context window, added too. BM25 ranks
# passages against each other; this says how much of this question a passage speaks to. The weight
# was chosen on 2,000 SQuAD dev questions outside the eval sample (see README).
TERM_COVERAGE_WEIGHT = 0.3
_threads = threading.local()  # whether this thread's FAISS searches are single-threaded yet


@dataclass(frozen=True)
class Hit:
    """A sentence found for a question, with the scores that ranked it."""

    row: int
    sentence: Sentence
    score: float
    dense: float
    dense_sentence: float
    lexical: float


class Searcher:
    """Searches one loaded index version; holds no mutable state, so threads may share it."""

    def __init__(self, stored: StoredIndex, embedder: Embedder) -> None:
        self.stored = stored
        self.embedder = embedder
        self.size = len(stored.sentences)
        self.matrix = stored.vectors.reconstruct_n(0, stored.vectors.ntotal)
        # Each text is tokenized once, here: BM25, IDF and answer composition all read these.
        sentence_tokens = [content_terms(stored.text(s)) for s in stored.sentences]
        context_tokens = [content_terms(stored.context(s)) for s in stored.sentences]
        self.sentence_terms = [frozenset(tokens) for tokens in sentence_tokens]
        self.context_terms = [frozenset(tokens) for tokens in context_tokens]
        self.bm25_sentences = _bm25(sentence_tokens)
        self.bm25_contexts = _bm25(context_tokens)
        # The context windows each term occurs in: its document frequency, and coverage at a glance.
        rows_of: defaultdict[str, list[int]] = defaultdict(list)
        for row, terms in enumerate(self.context_terms):
            for term in terms:
                rows_of[term].append(row)
        self.context_rows = {term: np.array(rows, dtype=np.int64) for term, rows in rows_of.items()}

    def idf(self, term: str) -> float:
        """Inverse frequency of a stemmed term over context windows; unseen terms weigh most."""
        frequency = len(self.context_rows[term]) if term in self.context_rows else 0
        return float(np.log((self.size + 1) / (frequency + 0.5)))

    def term_weights(self, terms: Iterable[str]) -> dict[str, float]:
        """The IDF weight of each distinct question term."""
        return {term: self.idf(term) for term in set(terms)}

    def coverage(self, weights: dict[str, float], terms: AbstractSet[str]) -> float:
        """The share of the weighted question terms among `terms`; 1.0 for a question without terms."""
        total = sum(weights.values())
        return sum(w for term, w in weights.items() if term in terms) / total if total else 1.0

    def embed_question(self, question: str) -> np.ndarray:
        """The question's unit vector."""
        return self.embedder.embed([question])[0]

    def search(self, question: str, limit: int = 20, vector: np.ndarray | None = None) -> list[Hit]:
        """The best sentences for a question, best first."""
        query = self.embed_question(question) if vector is None else vector
        terms = content_terms(question)
        lexical = self._lexical(terms)
        _, ids = nearest(self.stored.vectors, query[None, :], min(CANDIDATES, self.size * 2))
        rows = {int(i) % self.size for i in ids[0] if i >= 0}
        rows.update(int(i) for i in np.argsort(-lexical)[:CANDIDATES] if lexical[i] > 0)
        candidates = np.fromiter(rows, dtype=np.int64)
        dense_sentence = self.matrix[candidates] @ query
        dense_context = self.matrix[candidates + self.size] @ query
        dense = DENSE_SENTENCE_WEIGHT * dense_sentence + (1 - DENSE_SENTENCE_WEIGHT) * dense_context
        coverage = self._context_coverage(self.term_weights(terms))[candidates]
        score = dense + LEXICAL_WEIGHT * lexical[candidates] + TERM_COVERAGE_WEIGHT * coverage
        order = np.argsort(-score)[:limit]
        return [
            Hit(
                row=int(candidates[i]),
                sentence=self.stored.sentences[int(candidates[i])],
                score=float(score[i]),
                dense=float(dense[i]),
                dense_sentence=float(dense_sentence[i]),
                lexical=float(lexical[candidates[i]]),
            )
            for i in order
        ]

    def _context_coverage(self, weights: dict[str, float]) -> np.ndarray:
        """`coverage` of every context window at once, from the rows each term occurs in."""
        total = sum(weights.values())
        if not total:
            return np.ones(self.size, dtype=np.float32)
        covered = np.zeros(self.size, dtype=np.float32)
        for term, weight in weights.items():
            if term in self.context_rows:
                covered[self.context_rows[term]] += weight
        return covered / total

    def _lexical(self, terms: list[str]) -> np.ndarray:
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        combined = 0.5 * self.bm25_sentences.get_scores(terms) + 0.5 * self.bm25_contexts.get_scores(terms)
        best = float(combined.max())
        return (combined / best if best > 0 else combined).astype(np.float32)


def nearest(vectors: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores and ids of the `k` nearest vectors to each query, searched on the calling thread alone.

    FAISS brings an OpenMP runtime of its own, apart from torch's. Its workers spin after each search
    on the core torch's forward passes need: on the SQuAD index a question's embedding took 16-17 ms
    instead of 8-12, and its composition 5-7 ms instead of 2.1-2.5. One query also searches faster on
    one thread (flat, 20,378 vectors: 0.96 ms against 3.55 on two). OpenMP keeps the thread count
    per calling thread, so each thread that searches sets its own, once.
    """
    if not getattr(_threads, "single", False):
        faiss.omp_set_num_threads(1)
        _threads.single = True
    return vectors.search(np.ascontiguousarray(queries, dtype=np.float32), k)


def _bm25(tokenized: list[list[str]]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index([tokens or [""] for tokens in tokenized], show_progress=False)
    return retriever
