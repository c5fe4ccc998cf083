"""Hybrid sentence search: dense (FAISS) and lexical (BM25) scores and term coverage fused per sentence.

Each sentence is searchable by itself and by its context window, so a sentence is found by the
words around it too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import Any

import bm25s
import numpy as np

from index.embedding.embed import Embedder
from index.ingest.corpus import Document
from index.ingest.segment import Sentence
from index.store import StoredIndex
from index.terms import content_terms, name_terms

CANDIDATES = 64
DENSE_SENTENCE_WEIGHT = 0.7  # the rest goes to the context window's similarity
LEXICAL_WEIGHT = 0.15  # BM25 relative to the best lexical match, added to the dense cosine
# The IDF-weighted share of the question's terms found in the context window, added too. BM25 ranks
# passages against each other; this says how much of this question a passage speaks to. The weight
# was chosen on 2,000 SQuAD dev questions outside the eval sample (see README).
TERM_COVERAGE_WEIGHT = 0.3
# Lexical evidence counts in proportion to how much of the question the best-covered passage holds:
# not at all below LEXICAL_GATE[0], fully from LEXICAL_GATE[1]. A question asked in other words than
# its passage shares only incidental words (a name) with any passage, and those would outrank the
# passage that means the same; dense similarity decides then. Chosen on the development data of all
# corpora together (even SQuAD articles' questions, squad-pn-dev, essay-dev), see README.
# How much is held is read twice, over all the question's terms and over those outside its names
# (a follow-up's carried terms count in both), and the gate opens by the mean: names say what a
# question is about, which every passage on that subject shares, not what it asks ("When did the
# Acme Company branch out into television?").
LEXICAL_GATE = (0.3, 0.7)
_SPACE = re.compile(r"\s+")  # what may stand between two sentences of a span


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
        self._stored = stored
        self.embedder = embedder
        self.size = len(stored.sentences)
        self._vectors = stored.vectors.stored()  # rows: each sentence, then each context window
        # Each text is tokenized once, here: BM25, IDF and answer composition all read these.
        sentence_tokens = [content_terms(stored.text(s)) for s in stored.sentences]
        context_tokens = [content_terms(stored.context(s)) for s in stored.sentences]
        self._sentence_terms = [frozenset(tokens) for tokens in sentence_tokens]
        self._context_terms = [frozenset(tokens) for tokens in context_tokens]
        self._bm25_sentences = _bm25(sentence_tokens)
        self._bm25_contexts = _bm25(context_tokens)
        # The context windows each term occurs in: its document frequency, and coverage at a glance.
        rows_of: defaultdict[str, list[int]] = defaultdict(list)
        for row, terms in enumerate(self._context_terms):
            for term in terms:
                rows_of[term].append(row)
        self._context_rows = {term: np.array(rows, dtype=np.int64) for term, rows in rows_of.items()}
        # Sentences by the hash of their exact text, sorted: finding a quoted sentence costs no copy of the texts.
        hashes = np.fromiter((hash(stored.text(s)) for s in stored.sentences), dtype=np.int64, count=self.size)
        self._hash_order = np.argsort(hashes, kind="stable")
        self._sorted_hashes = hashes[self._hash_order]
        self._longest = max((s.end - s.start for s in stored.sentences), default=0)

    @property
    def version(self) -> str:
        """The id of the index version this searcher reads."""
        return self._stored.version

    @property
    def manifest(self) -> dict[str, Any]:
        """The version's manifest: model, counts, documents, build time."""
        return self._stored.manifest

    @property
    def documents(self) -> dict[str, Document]:
        """The version's documents by id."""
        return self._stored.documents

    @property
    def ingestion_outdated(self) -> bool:
        """Whether an older ingestion cleaned or embedded this version's text; a rebuild applies the current one."""
        return self._stored.ingestion_outdated

    def text(self, sentence: Sentence) -> str:
        """The exact text of a sentence."""
        return self._stored.text(sentence)

    def context(self, sentence: Sentence) -> str:
        """The exact text of a sentence's context window."""
        return self._stored.context(sentence)

    def find(self, text: str) -> int | None:
        """The row of the sentence whose exact text this is (as an answer quoted it), or None."""
        key = hash(text)
        at = int(np.searchsorted(self._sorted_hashes, key))
        while at < self.size and self._sorted_hashes[at] == key:
            row = int(self._hash_order[at])
            if self._stored.text(self._stored.sentences[row]) == text:
                return row
            at += 1
        return None

    def quoted_rows(self, excerpt: str) -> list[int]:
        """The rows of the sentences an excerpt quotes whole, in order (one, or several in a row); [] if it does not."""
        rows: list[int] = []
        at = 0
        while at < len(excerpt):
            whole = self.find(excerpt[at:]) if len(excerpt) - at <= self._longest else None
            if whole is not None:
                return [*rows, whole]
            step = self._opening(excerpt, at)
            if step is None:
                return []
            row, at = step
            rows.append(row)
        return rows

    def _opening(self, excerpt: str, at: int) -> tuple[int, int] | None:
        """The row of the shortest sentence that `excerpt` opens with from `at`, and where the rest starts."""
        # No sentence is longer than the longest: an excerpt of any length costs a bounded search per sentence.
        for gap in _SPACE.finditer(excerpt, at, at + self._longest + 1):
            row = self.find(excerpt[at : gap.start()])
            if row is not None:
                return row, gap.end()
        return None

    def sentence(self, row: int) -> Sentence:
        """The sentence at a row; rows follow each document's sentences in order."""
        return self._stored.sentences[row]

    def span(self, first: int, last: int) -> Sentence | None:
        """The sentences at rows `first` to `last` as one, when they exist and stand in one paragraph; else None."""
        if not 0 <= first <= last < self.size:
            return None
        opening, closing = self._stored.sentences[first], self._stored.sentences[last]
        if (opening.doc_id, opening.paragraph) != (closing.doc_id, closing.paragraph):
            return None
        return replace(opening, end=closing.end, context_end=closing.context_end)

    def sentence_terms(self, hit: Hit) -> frozenset[str]:
        """The content terms of a hit's sentence."""
        return self._sentence_terms[hit.row]

    def context_terms(self, hit: Hit) -> frozenset[str]:
        """The content terms of a hit's context window."""
        return self._context_terms[hit.row]

    def idf(self, term: str) -> float:
        """Inverse frequency of a stemmed term over context windows; unseen terms weigh most."""
        frequency = len(self._context_rows[term]) if term in self._context_rows else 0
        return float(np.log((self.size + 1) / (frequency + 0.5)))

    def term_weights(self, terms: Iterable[str], carried: Mapping[str, float] | None = None) -> dict[str, float]:
        """The IDF weight of each distinct question term, and of each carried term scaled by its share.

        `carried` maps terms brought in from elsewhere (a conversation's earlier turns) to how much
        they count beside the question's own words (0-1].
        """
        weights = {term: self.idf(term) * share for term, share in (carried or {}).items()}
        weights.update((term, self.idf(term)) for term in set(terms))
        return weights

    def coverage(self, weights: dict[str, float], terms: AbstractSet[str]) -> float:
        """The share of the weighted question terms among `terms`; 1.0 for a question without terms."""
        total = sum(weights.values())
        return sum(w for term, w in weights.items() if term in terms) / total if total else 1.0

    def embed_question(self, question: str) -> np.ndarray:
        """The question's unit vector."""
        return self.embedder.embed([question])[0]

    @property
    def index_type(self) -> str:
        """'flat' (exact) or 'hnsw' (approximate): how the version's vectors are searched."""
        return self._stored.vectors.index_type

    def nearest(self, vector: np.ndarray, k: int) -> np.ndarray:
        """Ids of the `k` vectors nearest to `vector`, best first: a sentence's row, or size + row for its context."""
        return self._stored.vectors.search(vector[None, :], k)[1][0]

    def search(
        self,
        question: str,
        limit: int = 20,
        vector: np.ndarray | None = None,
        carried: Mapping[str, float] | None = None,
    ) -> list[Hit]:
        """The best sentences for a question, best first.

        `carried` adds terms from outside the question, each counting its share (0-1] of a question word.
        """
        query = self.embed_question(question) if vector is None else vector
        terms = content_terms(question)
        lexical = self._lexical(terms, carried or {})
        ids = self.nearest(query, min(CANDIDATES, self.size * 2))
        rows = {int(i) % self.size for i in ids if i >= 0}
        rows.update(int(i) for i in np.argsort(-lexical)[:CANDIDATES] if lexical[i] > 0)
        candidates = np.fromiter(rows, dtype=np.int64)
        dense_sentence = self._vectors[candidates] @ query
        dense_context = self._vectors[candidates + self.size] @ query
        dense = DENSE_SENTENCE_WEIGHT * dense_sentence + (1 - DENSE_SENTENCE_WEIGHT) * dense_context
        coverage = self._context_coverage(self.term_weights(terms, carried))[candidates]
        gate = _gate(coverage)
        names = name_terms(question)
        unnamed = [term for term in terms if term not in names]
        if names and unnamed:
            gate = (gate + _gate(self._context_coverage(self.term_weights(unnamed, carried))[candidates])) / 2
        score = dense + gate * (LEXICAL_WEIGHT * lexical[candidates] + TERM_COVERAGE_WEIGHT * coverage)
        order = np.argsort(-score)[:limit]
        return [
            Hit(
                row=int(candidates[i]),
                sentence=self._stored.sentences[int(candidates[i])],
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
            if term in self._context_rows:
                covered[self._context_rows[term]] += weight
        return covered / total

    def _lexical(self, terms: list[str], carried: Mapping[str, float]) -> np.ndarray:
        groups: defaultdict[float, list[str]] = defaultdict(list)  # BM25 sums its terms: one call per share
        for term, share in carried.items():
            if term not in terms:
                groups[share].append(term)
        if terms:
            groups[1.0] = [*groups[1.0], *terms]
        if not groups:
            return np.zeros(self.size, dtype=np.float32)
        combined = sum(
            share * (0.5 * self._bm25_sentences.get_scores(group) + 0.5 * self._bm25_contexts.get_scores(group))
            for share, group in groups.items()
        )
        best = float(combined.max())
        return (combined / best if best > 0 else combined).astype(np.float32)


def _gate(coverage: np.ndarray) -> float:
    """How far lexical evidence counts (0-1), from the best coverage among the candidates (LEXICAL_GATE)."""
    low, high = LEXICAL_GATE
    best = float(coverage.max()) if coverage.size else 0.0
    return float(np.clip((best - low) / (high - low), 0.0, 1.0))


def _bm25(tokenized: list[list[str]]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index([tokens or [""] for tokens in tokenized], show_progress=False)
    return retriever
