"""Compose a short extractive answer, every sentence cited, or abstain when the corpus is silent."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from index.question import QuestionProfile, analyze, has_answer_type
from index.search import Hit, Searcher

MAX_SENTENCES = 3
MAX_WORDS = 90
SUPPORT_RATIO = 0.85  # a further sentence must score this close to the best one
NEAR_DUPLICATE = 0.6  # token overlap above which two sentences say the same thing
TYPE_BONUS = 0.08  # ranking bonus for a sentence holding the kind of answer asked for
COVERAGE_WEIGHT = 0.5
MIN_CONFIDENCE = 0.4  # calibrated on the dev set and eval/essay-negatives.jsonl: see README
NOT_COVERED = "The documents do not cover this question."


@dataclass(frozen=True)
class Citation:
    """One cited excerpt: document text[start:end] == excerpt."""

    n: int
    doc_id: str
    title: str
    excerpt: str
    start: int
    end: int
    context: str
    score: float


@dataclass(frozen=True)
class Answer:
    """An answer whose every sentence is followed by the [n] of its citation."""

    question: str
    answered: bool
    answer: str
    citations: list[Citation]
    reason: str
    related: list[Citation] = field(default_factory=list)  # further passages, not part of the answer


def answer_question(searcher: Searcher, question: str, top_k: int = 3, vector: np.ndarray | None = None) -> Answer:
    """Answer from the index: choose 1-3 sentences that together answer, or abstain with the closest.

    `vector` is the question's embedding when the caller has it already (batched with others).
    """
    profile = analyze(question)
    hits = _rerank(searcher, profile, searcher.search(question, limit=max(20, top_k), vector=vector))
    chosen = _choose(searcher, profile, hits, min(top_k, MAX_SENTENCES))
    reason = _abstention_reason(searcher, profile, chosen)
    if reason:
        closest = [_citation(searcher, n, hit) for n, hit in enumerate(hits[:top_k], start=1)]
        return Answer(question, False, NOT_COVERED, closest, reason)
    citations = [_citation(searcher, n, hit) for n, hit in enumerate(chosen, start=1)]
    text = " ".join(f"{c.excerpt} [{c.n}]" for c in citations)
    further = _related(searcher, hits, chosen, top_k - len(chosen))
    related = [_citation(searcher, n, hit) for n, hit in enumerate(further, start=len(chosen) + 1)]
    return Answer(question, True, text, citations, "", related)


def _related(searcher: Searcher, hits: list[Hit], chosen: list[Hit], limit: int) -> list[Hit]:
    """The next best passages that repeat neither the answer nor each other, up to `limit`.

    A sentence already shown inside a chosen passage's context adds nothing to read, so it is skipped.
    """
    picked: list[Hit] = []
    for hit in hits:
        if len(picked) >= limit:
            break
        shown = [*chosen, *picked]
        if any(_within_context(hit, other) or _near_duplicate(searcher, hit, other) for other in shown):
            continue
        picked.append(hit)
    return picked


def _within_context(hit: Hit, other: Hit) -> bool:
    a, b = hit.sentence, other.sentence
    return a.doc_id == b.doc_id and b.context_start <= a.start and a.end <= b.context_end


def _rerank(searcher: Searcher, profile: QuestionProfile, hits: list[Hit]) -> list[Hit]:
    if profile.expects is None:
        return hits
    bonus = {h.row: TYPE_BONUS if has_answer_type(profile, searcher.stored.text(h.sentence)) else 0.0 for h in hits}
    return sorted(hits, key=lambda h: h.score + bonus[h.row], reverse=True)


def _choose(searcher: Searcher, profile: QuestionProfile, hits: list[Hit], limit: int) -> list[Hit]:
    """The best sentence, then others close in score that add a key term or the missing answer type."""
    if not hits:
        return []
    chosen = [hits[0]]
    covered = _covered_terms(searcher, profile, hits[0])
    words = _words(searcher, hits[0])
    for hit in hits[1:]:
        if len(chosen) >= limit or hit.score < SUPPORT_RATIO * hits[0].score:
            break
        if any(_near_duplicate(searcher, hit, other) for other in chosen):
            continue
        adds_terms = _covered_terms(searcher, profile, hit) - covered
        adds_type = not any(_holds_type(searcher, profile, c) for c in chosen) and _holds_type(searcher, profile, hit)
        if (adds_terms or adds_type) and words + _words(searcher, hit) <= MAX_WORDS:
            chosen.append(hit)
            covered |= adds_terms
            words += _words(searcher, hit)
    return chosen


@dataclass(frozen=True)
class Support:
    """How well the chosen sentences support an answer to the question."""

    dense: float  # best cosine between the question and a chosen sentence
    coverage: float  # IDF-weighted share of the question's terms found in the chosen contexts
    missing_numbers: tuple[str, ...]
    holds_type: bool

    @property
    def confidence(self) -> float:
        """One score from meaning and wording; neither alone separates answerable questions."""
        return self.dense + COVERAGE_WEIGHT * self.coverage


def measure_support(searcher: Searcher, profile: QuestionProfile, chosen: list[Hit]) -> Support:
    """The evidence for and against answering from `chosen`."""
    contexts = [searcher.stored.context(h.sentence) for h in chosen]
    context_terms = frozenset().union(*(searcher.context_terms[h.row] for h in chosen))
    return Support(
        dense=max((h.dense_sentence for h in chosen), default=0.0),
        coverage=searcher.coverage(searcher.term_weights(profile.terms), context_terms),
        missing_numbers=tuple(n for n in profile.numbers if not any(n in c for c in contexts)),
        holds_type=any(_holds_type(searcher, profile, h) for h in chosen),
    )


def _abstention_reason(searcher: Searcher, profile: QuestionProfile, chosen: list[Hit]) -> str:
    """Why the corpus does not answer, or '' when it does."""
    if not chosen:
        return "the index holds no passage for this question"
    support = measure_support(searcher, profile, chosen)
    if support.missing_numbers:
        return "the passages do not mention " + ", ".join(support.missing_numbers)
    if not support.holds_type:
        return f"the passages hold no {profile.expects}, which the question asks for"
    if support.confidence < MIN_CONFIDENCE:
        return "no passage is close enough in meaning and wording to the question"
    return ""


def _citation(searcher: Searcher, n: int, hit: Hit) -> Citation:
    stored = searcher.stored
    document = stored.documents[hit.sentence.doc_id]
    return Citation(
        n=n,
        doc_id=document.doc_id,
        title=document.title,
        excerpt=stored.text(hit.sentence),
        start=hit.sentence.start,
        end=hit.sentence.end,
        context=stored.context(hit.sentence),
        score=round(hit.score, 4),
    )


def _covered_terms(searcher: Searcher, profile: QuestionProfile, hit: Hit) -> set[str]:
    return set(profile.terms) & searcher.sentence_terms[hit.row]


def _holds_type(searcher: Searcher, profile: QuestionProfile, hit: Hit) -> bool:
    return has_answer_type(profile, searcher.stored.text(hit.sentence))


def _words(searcher: Searcher, hit: Hit) -> int:
    return len(searcher.stored.text(hit.sentence).split())


def _near_duplicate(searcher: Searcher, a: Hit, b: Hit) -> bool:
    """Whether `a` says little beyond `b`: most of its terms are in `b` (not the reverse, which adds detail)."""
    ta, tb = searcher.sentence_terms[a.row], searcher.sentence_terms[b.row]
    return bool(ta and tb) and len(ta & tb) / len(ta) > NEAR_DUPLICATE
