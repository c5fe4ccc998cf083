"""Composition and abstention logic on a small corpus with the fake embedder (milliseconds, no model).

The real-model twins of these are in test_compose.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from answering import NOT_COVERED, answer_question
from answering.abstain import RESTATES
from index import Searcher
from tests.conftest import FakeEmbedder, fake_searcher

NOTES = {
    "harbour.txt": (
        "The harbour authority was founded by Marta Kovac.\n\n"
        "The breakwater protects the inner harbour from winter storms. "
        "Fishing boats unload at the northern quay every morning.\n\n"
        "The lighthouse keeper rings the fog bell to warn passing ships."
    ),
}


@pytest.fixture
def searcher(tmp_path: Path, fake_embedder: FakeEmbedder) -> Searcher:
    return fake_searcher(NOTES, tmp_path, fake_embedder)


def test_a_question_its_sentence_answers_is_answered_with_exact_citations(searcher: Searcher) -> None:
    answer = answer_question(searcher, "Who founded the harbour authority?")
    assert answer.answered and answer.reason == ""
    first = answer.citations[0]
    assert first.excerpt == "The harbour authority was founded by Marta Kovac."
    assert searcher.documents[first.doc_id].text[first.start : first.end] == first.excerpt
    assert answer.answer.startswith(f"{first.excerpt} [1]")


def test_a_question_on_nothing_the_corpus_says_is_declined_with_the_closest_passages(searcher: Searcher) -> None:
    answer = answer_question(searcher, "How is sourdough bread baked?")
    assert not answer.answered and answer.answer == NOT_COVERED
    assert answer.reason == "no passage is close enough in meaning and wording to the question"
    assert answer.citations and not answer.related  # the closest passages, offered for checking


def test_a_number_the_passages_never_mention_is_declined(searcher: Searcher) -> None:
    assert answer_question(searcher, "What do fishing boats do at the northern quay every morning?").answered
    answer = answer_question(searcher, "What did fishing boats do at the northern quay in 1887?")
    assert not answer.answered and answer.reason == "the passages do not mention 1887"
    answer = answer_question(searcher, "What did fishing boats do at the northern quay in Regatta XIV?")
    assert not answer.answered and answer.reason == "the passages do not mention XIV"


def test_a_kind_of_answer_the_passages_lack_is_declined(searcher: Searcher) -> None:
    answer = answer_question(searcher, "When does the lighthouse keeper ring the fog bell?")
    assert not answer.answered and answer.reason == "the passages hold no date, which the question asks for"
    assert answer_question(searcher, "Why does the lighthouse keeper ring the fog bell?").answered


def test_a_further_sentence_is_cited_only_when_it_adds_something(searcher: Searcher) -> None:
    answer = answer_question(searcher, "What protects the harbour from winter storms?", top_k=3)
    excerpts = [c.excerpt for c in answer.citations]
    assert excerpts[0].startswith("The breakwater protects the inner harbour from winter storms.")
    assert len(set(excerpts)) == len(excerpts)
    assert [c.n for c in [*answer.citations, *answer.related]] == list(
        range(1, 1 + len(excerpts) + len(answer.related))
    )


def test_a_number_in_the_documents_title_is_mentioned_by_each_of_its_sentences(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    searcher = fake_searcher(
        {
            "final.txt": "The final was played at the new stadium in Lund.\n\nThe home side won by two goals.",
            "final.meta.json": '{"title": "Cup Final 50"}',
        },
        tmp_path,
        fake_embedder,
    )
    answer = answer_question(searcher, "Where was Cup Final 50 played?")
    assert answer.answered and answer.citations[0].excerpt.startswith("The final was played")
    declined = answer_question(searcher, "Where was Cup Final 51 played?")
    assert not declined.answered and declined.reason == "the passages do not mention 51"


def test_a_passage_that_only_restates_the_question_is_declined_unless_the_question_offers_alternatives(
    searcher: Searcher,
) -> None:
    # "Fishing boats unload at the northern quay every morning." holds every word of the first
    # question and nothing else: which boats, it does not say.
    restated = answer_question(searcher, "Which fishing boats unload at the northern quay every morning?")
    assert not restated.answered and restated.reason == RESTATES
    assert answer_question(searcher, "What do fishing boats do at the northern quay every morning?").answered
    chosen = answer_question(searcher, "Do fishing boats unload at the northern quay or the southern one?")
    assert chosen.answered and "northern quay" in chosen.answer


class MeaningEmbedder(FakeEmbedder):
    """The fake embedder, reading each question in `means` as partly saying what its sentence says.

    The stand-in for a model that finds a question asked in other words: the question's vector leans
    towards the sentence's, though they share no word.
    """

    def __init__(self, means: dict[str, str], lean: float) -> None:
        self.means = means
        self.lean = lean

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        vectors = super().embed(texts, progress)
        for row, text in enumerate(texts):
            if text in self.means:
                blend = vectors[row] + self.lean * super().embed([self.means[text]])[0]
                vectors[row] = blend / np.linalg.norm(blend)
        return vectors


def test_a_sentence_closer_in_meaning_than_the_lead_joins_the_answer_sharing_no_word(tmp_path: Path) -> None:
    question = "What shields the boats in the harbour during winter storms?"
    meant = "The breakwater shelters the moorings."
    notes = {
        "harbour.txt": f"Winter storms often close the harbour to the fishing boats.\n\n{meant}\n\n"
        "The lighthouse keeper rings the fog bell."
    }
    searcher = fake_searcher(notes, tmp_path, MeaningEmbedder({question: meant}, lean=0.7))
    answer = answer_question(searcher, question, top_k=3)
    excerpts = [c.excerpt for c in answer.citations]
    # The lead shares the question's words; the breakwater is what the question means.
    assert excerpts == ["Winter storms often close the harbour to the fishing boats.", meant]
