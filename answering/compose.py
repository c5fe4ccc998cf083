"""Compose a short extractive answer, every sentence cited, or abstain when the corpus is silent."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from itertools import takewhile

import numpy as np

from answering.abstain import abstention_reason, holds_type, mentions_numbers
from answering.continuity import (
    Anchors,
    continuity_reason,
    find_anchors,
    in_conversation,
    nearness_bonus,
    past_empty_leads,
)
from answering.conversation import Reading
from answering.question import QuestionProfile, analyze, has_answer_type
from index import Hit, Searcher

MAX_SENTENCES = 3
MAX_WORDS = 90
SUPPORT_RATIO = 0.85  # a further sentence must score this close to the best one
# A sentence whose context mentions the numbers the question names may lead from this share of the best
# score: the question is about the passage that mentions them. Chosen on the even SQuAD articles'
# questions that name a number (see README).
NUMBER_LEAD_RATIO = 0.7
NEAR_DUPLICATE = 0.6  # token overlap above which two sentences say the same thing
TYPE_BONUS = 0.08  # ranking bonus for a sentence holding the kind of answer asked for
# A sentence opening with one of these needs the sentence before it to say whom or what it is about.
_OPENS_WITH_PRONOUN = re.compile(r"^(?:It|Its|He|His|Him|She|Her|They|Their|Them|This|These|Those)\b")
NOT_COVERED = "The documents do not cover this question."
NO_CONTENT_WORD = "the question holds no word to search for: ask about something the documents may say"
MAX_QUESTION_CHARS = 1000  # the longest question the service takes, after trimming
DEFAULT_TOP_K = 3  # passages an answer cites and shows at most, unless the caller asks otherwise


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
    page: int | None = None  # the PDF page (1-based) the excerpt starts on; None for other documents


@dataclass(frozen=True)
class Answer:
    """An answer whose every sentence is followed by the [n] of its citation."""

    question: str
    answered: bool
    answer: str
    citations: list[Citation]
    reason: str
    related: list[Citation] = field(default_factory=list)  # further passages, not part of the answer
    reading: Reading = field(default_factory=Reading)  # how the question was read in its conversation


def answer_question(
    searcher: Searcher,
    question: str,
    top_k: int = DEFAULT_TOP_K,
    vector: np.ndarray | None = None,
    reading: Reading | None = None,
) -> Answer:
    """Answer from the index: choose 1-3 sentences that together answer, or abstain with the closest.

    `vector` is the question's embedding when the caller has it already (batched with others);
    `reading` says how a follow-up is read with its conversation's earlier turns (None: alone).
    """
    reading = reading or Reading()
    profile = analyze(question, dict(reading.carried))
    if not (profile.terms or profile.numbers or profile.carried):
        # Without a word to search for, every passage is as close as any other: none answers.
        return Answer(question, False, NOT_COVERED, [], NO_CONTENT_WORD, reading=reading)
    anchors = find_anchors(searcher, reading)
    found = searcher.search(question, limit=max(20, top_k), vector=vector, carried=profile.carried)
    typed = frozenset(hit.row for hit in found if holds_type(searcher, profile, hit))
    hits = _rerank(searcher, profile, found, anchors, typed)
    candidates = past_empty_leads(searcher, profile, anchors, hits)
    chosen = _choose(searcher, profile, candidates, min(top_k, MAX_SENTENCES), anchors, typed)
    reason = abstention_reason(searcher, profile, chosen) or continuity_reason(searcher, profile, anchors, chosen)
    if reason:
        closest = [_citation(searcher, n, hit) for n, hit in enumerate(hits[:top_k], start=1)]
        return Answer(question, False, NOT_COVERED, closest, reason, reading=reading)
    chosen = _continued(searcher, profile, chosen)
    citations = [_citation(searcher, n, hit) for n, hit in enumerate(chosen, start=1)]
    text = " ".join(f"{c.excerpt} [{c.n}]" for c in citations)
    further = _related(searcher, hits, chosen, top_k - len(chosen))
    related = [_citation(searcher, n, hit) for n, hit in enumerate(further, start=len(chosen) + 1)]
    return Answer(question, True, text, citations, "", related, reading)


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


def _rerank(
    searcher: Searcher, profile: QuestionProfile, hits: list[Hit], anchors: Anchors, typed: AbstractSet[int]
) -> list[Hit]:
    """Favour sentences holding the kind asked for (`typed` rows) and, for a follow-up, those near its conversation."""
    if profile.expects is None and not anchors.documents:
        return hits

    def score(hit: Hit) -> float:
        return hit.score + (TYPE_BONUS if hit.row in typed else 0.0) + nearness_bonus(searcher, anchors, hit)

    return sorted(hits, key=score, reverse=True)


def _choose(
    searcher: Searcher,
    profile: QuestionProfile,
    hits: list[Hit],
    limit: int,
    anchors: Anchors,
    typed: AbstractSet[int],
) -> list[Hit]:
    """A lead sentence, then others close in score that add a key term, the missing answer type, or meaning.

    The lead is the best sentence holding the kind of answer asked for, when one scores close to the
    best of all: a sentence without it cannot answer, however many of the question's words it shares.
    When the question names numbers its context does not mention, a sentence that holds the kind and
    mentions them leads instead, from further down ("in 1901" asks about the passage on 1901).
    A sentence closer in meaning to the question than every chosen one joins them, even sharing none
    of its words: a question asked in other words is answered so. In a follow-up it must stand in the
    conversation's documents, as a bare "Where did she move later?" means anyone's move.
    """
    if not hits:
        return []
    best = hits[0].score
    supported = list(takewhile(lambda hit: hit.score >= SUPPORT_RATIO * best, hits))
    lead = next((hit for hit in supported if hit.row in typed), hits[0])
    if not mentions_numbers(searcher, profile, lead):
        reach = takewhile(lambda hit: hit.score >= NUMBER_LEAD_RATIO * best, hits)
        lead = next((hit for hit in reach if hit.row in typed and mentions_numbers(searcher, profile, hit)), lead)
    chosen = [lead]
    covered = _covered_terms(searcher, profile, lead)
    words = _words(searcher, lead)
    for hit in supported:
        if len(chosen) >= limit:
            break
        if hit is lead or any(_near_duplicate(searcher, hit, other) for other in chosen):
            continue
        adds_terms = _covered_terms(searcher, profile, hit) - covered
        adds_type = hit.row in typed and not any(c.row in typed for c in chosen)
        closer = hit.dense_sentence > max(c.dense_sentence for c in chosen) and in_conversation(anchors, hit)
        if (adds_terms or adds_type or closer) and words + _words(searcher, hit) <= MAX_WORDS:
            chosen.append(hit)
            covered |= adds_terms
            words += _words(searcher, hit)
    return chosen


def _continued(searcher: Searcher, profile: QuestionProfile, chosen: list[Hit]) -> list[Hit]:
    """The lead quoted with the sentences next to it that it needs, as one excerpt.

    - The next sentence of its paragraph, when the question does not say what kind of answer it
      wants: a lead found by the question's subject often sets the scene for the next sentence,
      which holds what was asked ("By far the most famous work of Norman art is the Bayeux
      Tapestry ..." before "It was commissioned by Odo ..."). When the question does say, the next
      sentence joins only if it goes on about the lead's subject (it opens with a pronoun) and holds
      that kind: "Who commissioned the Tapestry?" is answered by Odo, not by "Norman".
    - The sentence before it, when it opens with a pronoun ("It", "He", "Their"): that sentence
      says whom or what the pronoun stands for.
    The excerpt still counts as one passage. A sentence is not joined when another citation quotes
    it, when it repeats a chosen one, or when the answer would grow longer than its sentences or
    words allow. Whether to answer at all was decided without them.
    """
    if not chosen:
        return chosen
    lead, others = chosen[0], chosen[1:]
    joined: list[int] = []
    if _goes_on(searcher, profile, lead) and _may_join(searcher, chosen, lead.row + 1, joined):
        joined.append(lead.row + 1)
    if _OPENS_WITH_PRONOUN.match(searcher.text(lead.sentence)) and _may_join(searcher, chosen, lead.row - 1, joined):
        joined.append(lead.row - 1)
    span = searcher.span(min(lead.row, *joined), max(lead.row, *joined)) if joined else None
    return [replace(lead, sentence=span), *others] if span else chosen


def _goes_on(searcher: Searcher, profile: QuestionProfile, lead: Hit) -> bool:
    """Whether the lead's next sentence may join it: any when no kind is asked for, else one going on with the kind."""
    if profile.expects is None:
        return True
    if lead.row + 1 >= searcher.size:
        return False
    following = searcher.text(searcher.sentence(lead.row + 1))
    return _OPENS_WITH_PRONOUN.match(following) is not None and has_answer_type(profile, following)


def _may_join(searcher: Searcher, chosen: list[Hit], row: int, joined: list[int]) -> bool:
    """Whether the sentence at `row`, next to the lead, may join it besides the rows `joined` already."""
    lead, others = chosen[0], chosen[1:]
    if searcher.span(min(row, lead.row), max(row, lead.row)) is None or any(hit.row == row for hit in others):
        return False
    added = [Hit(other, searcher.sentence(other), 0.0, 0.0, 0.0, 0.0) for other in [*joined, row]]
    if any(_near_duplicate(searcher, added[-1], hit) for hit in others):
        return False
    words = sum(_words(searcher, hit) for hit in [*chosen, *added])
    return len(chosen) + len(added) <= MAX_SENTENCES and words <= MAX_WORDS


def _citation(searcher: Searcher, n: int, hit: Hit) -> Citation:
    document = searcher.documents[hit.sentence.doc_id]
    return Citation(
        n=n,
        doc_id=document.doc_id,
        title=document.title,
        excerpt=searcher.text(hit.sentence),
        start=hit.sentence.start,
        end=hit.sentence.end,
        context=searcher.context(hit.sentence),
        score=round(hit.score, 4),
        page=document.page_at(hit.sentence.start),
    )


def _covered_terms(searcher: Searcher, profile: QuestionProfile, hit: Hit) -> set[str]:
    return set(profile.terms) & searcher.sentence_terms(hit)


def _words(searcher: Searcher, hit: Hit) -> int:
    return len(searcher.text(hit.sentence).split())


def _near_duplicate(searcher: Searcher, a: Hit, b: Hit) -> bool:
    """Whether `a` says little beyond `b`: most of its terms are in `b` (not the reverse, which adds detail)."""
    ta, tb = searcher.sentence_terms(a), searcher.sentence_terms(b)
    return bool(ta and tb) and len(ta & tb) / len(ta) > NEAR_DUPLICATE
