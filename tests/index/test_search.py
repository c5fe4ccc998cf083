"""Hybrid search logic on small corpora: the fake embedder (milliseconds), the real model where meaning decides."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.search as search_module
from index import Searcher, Sentence, SentenceTransformerEmbedder
from index.terms import content_terms, name_terms
from tests.conftest import FakeEmbedder, fake_searcher, searcher_over

NOTES = {
    "stars.txt": (
        "The observatory opened in 1901 on a hill outside the town.\n\n"
        "Astronomers there surveyed variable stars for forty years. "
        "The survey catalogued nine thousand variable stars.\n\n"
        "The dome was rebuilt after a storm in 1950."
    ),
    "bread.txt": "Sourdough bread rises slowly. A starter of flour and water leavens it.",
}


def _searcher(tmp_path: Path, fake_embedder: FakeEmbedder) -> Searcher:
    return fake_searcher(NOTES, tmp_path, fake_embedder)


def test_the_sentence_that_shares_the_question_terms_comes_first(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    searcher = _searcher(tmp_path, fake_embedder)
    best = searcher.search("When was the dome rebuilt after the storm?")[0]
    assert searcher.text(best.sentence) == "The dome was rebuilt after a storm in 1950."
    assert best.score > best.dense > 0 and best.lexical == 1.0


def test_hits_are_ranked_best_first_and_limited(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    hits = _searcher(tmp_path, fake_embedder).search("variable stars survey", limit=3)
    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_public_accessors_read_the_version(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    searcher = _searcher(tmp_path, fake_embedder)
    assert set(searcher.documents) == {"stars", "bread"}
    assert searcher.manifest["version"] == searcher.version and searcher.index_type == "flat"
    hit = searcher.search("sourdough starter")[0]
    assert searcher.sentence_terms(hit) == frozenset(content_terms(searcher.text(hit.sentence)))
    assert searcher.context_terms(hit) >= searcher.sentence_terms(hit)
    assert searcher.text(hit.sentence) in searcher.context(hit.sentence)


def test_coverage_weighs_rare_terms_most(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    searcher = _searcher(tmp_path, fake_embedder)
    weights = searcher.term_weights(content_terms("observatory variable"))
    assert 0 < weights["variabl"] < weights["observatori"] < searcher.idf("zorblax")  # unseen terms weigh most
    alone = searcher.coverage(weights, frozenset({"observatori"}))
    assert 0.5 < alone < 1 and searcher.coverage(weights, frozenset({"observatori", "variabl"})) == pytest.approx(1)
    assert searcher.coverage({}, frozenset()) == 1.0  # a question without terms is fully covered


def _survey_joined(searcher: Searcher) -> tuple[int, Sentence]:
    """The row of the survey's first sentence, and that sentence joined with the next."""
    row = searcher.find("Astronomers there surveyed variable stars for forty years.")
    assert row is not None
    joined = searcher.span(row, row + 1)
    assert joined is not None
    return row, joined


def test_sentences_in_a_row_are_joined_within_their_paragraph_only(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    searcher = _searcher(tmp_path, fake_embedder)
    row, joined = _survey_joined(searcher)
    assert searcher.text(joined) == (
        "Astronomers there surveyed variable stars for forty years. The survey catalogued nine thousand variable stars."
    )
    assert searcher.context(joined).startswith("Astronomers") and searcher.context(joined).endswith("stars.")
    assert searcher.span(row + 1, row + 2) is None  # the paragraph ends there
    assert searcher.span(row - 1, row) is None  # and begins there
    assert searcher.span(row, row) == searcher.sentence(row)
    assert searcher.span(searcher.size - 1, searcher.size) is None and searcher.span(-1, 0) is None


def test_an_excerpt_quoting_sentences_in_a_row_gives_their_rows(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    searcher = _searcher(tmp_path, fake_embedder)
    first, joined = _survey_joined(searcher)
    assert searcher.quoted_rows(searcher.text(joined)) == [first, first + 1]
    assert searcher.quoted_rows("Sourdough bread rises slowly.") == [searcher.find("Sourdough bread rises slowly.")]
    assert searcher.quoted_rows("Astronomers there surveyed variable stars. The survey catalogued stars.") == []
    # A client's history may quote anything: a megabyte that is no sentence is searched sentence-long at a time.
    assert searcher.quoted_rows(f"{searcher.text(joined)} " + "stars " * 200_000) == []


def test_in_a_corpus_of_several_documents_a_sentence_is_found_by_its_documents_subject(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    # Two lives told alike: the sentence that answers names neither person, only its document's title does.
    lives = {
        f"{name.lower().replace(' ', '-')}.txt": (
            f"{name} was born in Velmar in 1861 and studied at its naval school.\n\n"
            f"After school {pronoun} sailed for ten years on cargo ships along the coast.\n\n"
            f"The harbour board later hired {object_pronoun} as an engineer.\n\n"
            f"In 1902 {pronoun} rebuilt the {pier} pier."
        )
        for name, pronoun, object_pronoun, pier in (
            ("Anton Kovac", "he", "him", "southern"),
            ("Lena Sol", "she", "her", "northern"),
        )
    }
    searcher = searcher_over(lives, tmp_path, embedder)
    best = searcher.search("Which pier did Anton Kovac rebuild?", limit=1)[0]
    assert searcher.text(best.sentence) == "In 1902 he rebuilt the southern pier."


def test_names_alone_do_not_let_lexical_evidence_outrank_meaning(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = {
        "kovac.txt": (
            "Marta Kovac was terrified of flying and never once boarded an aeroplane.\n\n"
            "Marta Kovac kept a diary of every trip she made along the Adriatic coast.\n\n"
            "Her students founded an engineering school in her name."
        ),
        "bakery.txt": (
            "The bakery opened a second shop near the station in 1952. Its rye bread sold out each morning.\n\n"
            "The owners put a radio in the shop window for the football final."
        ),
        "railway.txt": (
            "The railway built a line to the quarry in 1888. Stone trains ran on it until the quarry closed.\n\n"
            "The old station now holds a museum of signals."
        ),
    }
    searcher = searcher_over(corpus, tmp_path, embedder)
    # The rare name, in both sentences, makes most of the question's weight; of what it asks, only
    # "trip" stands in a passage, the diary's. Read over the name too, the diary would lead.
    question = "Which trip scared Marta Kovac?"
    assert searcher.text(searcher.search(question)[0].sentence).startswith("Marta Kovac was terrified")
    monkeypatch.setattr(search_module, "name_terms", lambda text: frozenset())
    assert searcher.text(searcher.search(question)[0].sentence).startswith("Marta Kovac kept a diary")


def test_a_questions_names_are_its_capitalised_words_after_the_first() -> None:
    assert name_terms("Which trip scared Marta Kovac?") == frozenset(content_terms("Marta Kovac"))
    assert name_terms("When did the Black Death reach Norway?") == frozenset(content_terms("Black Death Norway"))
    assert name_terms("Where did she go next?") == frozenset()
