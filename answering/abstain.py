"""Abstention: whether the chosen sentences really answer the question, and why not when they do not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from answering.question import QuestionProfile, has_answer_type
from index import Hit, Searcher

COVERAGE_WEIGHT = 0.5
MIN_CONFIDENCE = 0.4  # calibrated on the dev set and eval/essay-negatives.jsonl: see README
RESTATES = "the passages hold only the question's own words, nothing that answers it"
# "Was it built in stone or in wood?" is answered in its own words.
_ALTERNATIVES = re.compile(r"\bor\b", re.IGNORECASE)
_ROUND_HUNDRED = re.compile(r"1[0-9]00")  # a year that names a century ("the 1300s")


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
    contexts = [_titled_context(searcher, h) for h in chosen] if profile.numbers else []
    context_terms = frozenset().union(*(searcher.context_terms(h) for h in chosen))
    return Support(
        dense=max((h.dense_sentence for h in chosen), default=0.0),
        coverage=searcher.coverage(searcher.term_weights(profile.terms, profile.carried), context_terms),
        missing_numbers=tuple(n for n in profile.numbers if not any(_mentions(c, n) for c in contexts)),
        holds_type=any(holds_type(searcher, profile, h) for h in chosen),
    )


def abstention_reason(searcher: Searcher, profile: QuestionProfile, chosen: list[Hit]) -> str:
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
    if only_restates(searcher, profile, chosen):
        return RESTATES
    return ""


def only_restates(searcher: Searcher, profile: QuestionProfile, chosen: list[Hit]) -> bool:
    """Whether the chosen sentences hold no content word beyond the question's (and its conversation's).

    "IRC such as #debian-mentors." names what "On which IRC network is #debian-mentors?" names and
    nothing else: whatever the question asks is not there. A question offering alternatives is the
    exception, as its answer is one of them.
    """
    if _ALTERNATIVES.search(profile.text):
        return False
    asked = profile.asked_terms
    return all(searcher.sentence_terms(hit) <= asked for hit in chosen)


def mentions_numbers(searcher: Searcher, profile: QuestionProfile, hit: Hit) -> bool:
    """Whether a hit's context (or its document's title) mentions every number the question names."""
    if not profile.numbers:
        return True  # most questions name none: no context to build
    context = _titled_context(searcher, hit)
    return all(_mentions(context, number) for number in profile.numbers)


def _mentions(text: str, number: str) -> bool:
    """Whether `text` mentions a number: digits anywhere ("1901" in "1901s"), a Roman numeral as a word.

    A round hundred is a century too: "the 1300s" and "around 1600" are the 14th and 17th centuries.
    """
    if _ROUND_HUNDRED.fullmatch(number) and _century(int(number) // 100 + 1).search(text):
        return True
    if not number.isalpha():
        return number in text
    return re.search(rf"\b{number}\b", text) is not None


@cache
def _century(ordinal: int) -> re.Pattern[str]:
    """How a text names a century: "14th century", "the 21st-century", "the 16th and 17th centuries"."""
    return re.compile(rf"\b{ordinal}(?:st|nd|rd|th)[ -]centur(?:y|ies)\b", re.IGNORECASE)


def _titled_context(searcher: Searcher, hit: Hit) -> str:
    # A document's title speaks for each of its sentences: "Super Bowl 50" is rarely repeated in its article.
    return f"{searcher.documents[hit.sentence.doc_id].title}\n{searcher.context(hit.sentence)}"


def holds_type(searcher: Searcher, profile: QuestionProfile, hit: Hit) -> bool:
    """Whether a hit's sentence holds the kind of answer the question asks for."""
    return has_answer_type(profile, searcher.text(hit.sentence))
