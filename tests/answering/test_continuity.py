"""Follow-ups answered in their conversation, on a small two-document corpus with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from answering import Turn, answer_question, read_in_context
from answering.abstain import only_restates
from answering.continuity import (
    NOTHING_NEW,
    OFF_SUBJECT,
    REPEAT_COVERAGE,
    continuity_reason,
    find_anchors,
    past_empty_leads,
)
from answering.conversation import Reading
from answering.question import analyze
from index import Searcher
from tests.conftest import fake_searcher

LIGHTHOUSE = (
    "The Harwick lighthouse was built by the engineer Elena Sorn in 1871.\n\n"
    "Sorn later moved to Bergen, where she taught engineering for twenty years. "
    "Her lighthouse still guides ships into the northern harbour.\n\n"
    "The harbour itself was dredged in 1902 to take larger steamers."
)
OBSERVATORY = (
    "The Vell observatory stands on a hill above the town.\n\n"
    "Its founder, the astronomer Marcus Vell, was buried in Oslo after his death in 1911. "
    "Vell surveyed variable stars from the observatory for forty years. "
    "Later he moved to Trondheim, where he taught astronomy."
)
EMPIRES = (
    "There are formal and informal empires.\n\n"
    "A formal empire is defined as direct rule over a territory.\n\n"
    "An informal empire rules less directly, through trade and influence."
)
BUILT = "Who built the Harwick lighthouse?"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    corpus = {"lighthouse.txt": LIGHTHOUSE, "observatory.txt": OBSERVATORY}
    return fake_searcher(corpus, tmp_path_factory.mktemp("continuity"))


def _asked(searcher: Searcher, question: str) -> Turn:
    return Turn(question, answer_question(searcher, question).answer)


def test_a_follow_up_is_answered_about_the_earlier_subject(searcher: Searcher) -> None:
    first = _asked(searcher, BUILT)
    assert "Elena Sorn" in first.answer
    question = "Where did she move later?"
    assert "Trondheim" in answer_question(searcher, question).answer  # alone, it could be anyone
    answer = answer_question(searcher, question, reading=read_in_context(question, [first]))
    assert answer.answered and "Bergen" in answer.answer and "Trondheim" not in answer.answer
    assert answer.reading.turns == (0,) and "Harwick" in answer.reading.terms


def test_a_follow_up_the_conversation_s_documents_do_not_answer_is_declined(searcher: Searcher) -> None:
    first = _asked(searcher, BUILT)
    question = "Where was she buried after her death?"
    alone = answer_question(searcher, question)
    assert alone.answered and "Oslo" in alone.answer  # on its own, someone else's burial answers it
    followed = answer_question(searcher, question, reading=read_in_context(question, [first]))
    assert not followed.answered and followed.reason == OFF_SUBJECT


def test_a_question_that_stands_alone_is_not_dragged_to_the_old_subject(searcher: Searcher) -> None:
    first = _asked(searcher, BUILT)
    question = "What did Marcus Vell survey from the observatory?"
    answer = answer_question(searcher, question, reading=read_in_context(question, [first]))
    assert answer.answered and "variable stars" in answer.answer
    assert answer.reading.turns == () and answer.reading.terms == ()


def test_repeating_the_earlier_sentence_answers_only_when_it_holds_the_new_question_s_words(
    searcher: Searcher,
) -> None:
    first = _asked(searcher, BUILT)
    earlier = [h for h in searcher.search(BUILT) if "Elena Sorn" in searcher.text(h.sentence)][:1]

    def reason(question: str) -> str:
        anchors = find_anchors(searcher, read_in_context(question, [first]))
        return continuity_reason(searcher, analyze(question), anchors, earlier)

    assert reason("What colour was it painted?") == NOTHING_NEW
    assert reason("In which year was it built by that engineer?") == ""


def test_repeating_the_earlier_sentence_answers_a_new_aspect_it_names_but_not_the_one_already_asked(
    searcher: Searcher,
) -> None:
    # "throw them a lifeline" against "an urgently needed lifeline": a paraphrase holds few of the
    # question's words, but one the earlier question did not ask about is the new aspect, answered.
    first = _asked(searcher, BUILT)
    earlier = [h for h in searcher.search(BUILT) if "Elena Sorn" in searcher.text(h.sentence)][:1]

    def reason_and_coverage(question: str) -> tuple[str, float]:
        reading = read_in_context(question, [first])
        profile = analyze(question, dict(reading.carried))
        coverage = searcher.coverage(searcher.term_weights(profile.terms), searcher.sentence_terms(earlier[0]))
        return continuity_reason(searcher, profile, find_anchors(searcher, reading), earlier), coverage

    new_aspect, coverage = reason_and_coverage("What salary did that engineer get from the harbour board?")
    assert new_aspect == "" and coverage < REPEAT_COVERAGE
    asked_before, coverage = reason_and_coverage("Who paid for it to be built?")
    assert asked_before == NOTHING_NEW and coverage < REPEAT_COVERAGE  # "built" was asked already


def test_an_earlier_sentence_that_says_nothing_new_gives_way_to_one_naming_what_it_found(searcher: Searcher) -> None:
    first = _asked(searcher, BUILT)
    question = "What did she teach?"
    reading = read_in_context(question, [first])
    profile, anchors = analyze(question, dict(reading.carried)), find_anchors(searcher, reading)
    by_text = {searcher.text(h.sentence): h for h in searcher.search(question, limit=20)}
    earlier = by_text["The Harwick lighthouse was built by the engineer Elena Sorn in 1871."]
    bergen = by_text["Sorn later moved to Bergen, where she taught engineering for twenty years."]
    trondheim = by_text["Later he moved to Trondheim, where he taught astronomy."]
    assert continuity_reason(searcher, profile, anchors, [earlier]) == NOTHING_NEW
    # Sorn is what the earlier answer found; the Trondheim sentence names nothing of it, and may be anyone's.
    assert past_empty_leads(searcher, profile, anchors, [earlier, bergen, trondheim]) == [bergen, trondheim]
    assert past_empty_leads(searcher, profile, anchors, [earlier, trondheim, bergen]) == [earlier, trondheim, bergen]
    assert past_empty_leads(searcher, profile, anchors, [bergen, earlier]) == [bergen, earlier]


def test_a_sentence_holding_only_the_conversation_s_words_gives_way_in_a_follow_up(tmp_path: Path) -> None:
    searcher = fake_searcher({"empires.txt": EMPIRES}, tmp_path)
    defined = "How is a formal empire defined?"
    first = Turn(defined, answer_question(searcher, defined).answer)
    question = "And the informal kind?"
    by_text = {searcher.text(h.sentence): h for h in searcher.search(question, limit=20)}
    restating = by_text["There are formal and informal empires."]
    informal = by_text["An informal empire rules less directly, through trade and influence."]
    reading = read_in_context(question, [first])
    followed, anchors = analyze(question, dict(reading.carried)), find_anchors(searcher, reading)
    assert only_restates(searcher, followed, [restating])
    assert past_empty_leads(searcher, followed, anchors, [restating, informal]) == [informal]
    # Read alone, a first sentence adding nothing means the corpus does not say: it stays, to be declined.
    alone = analyze("Which empires are formal and informal?")
    assert only_restates(searcher, alone, [restating])
    assert past_empty_leads(searcher, alone, find_anchors(searcher, Reading()), [restating, informal]) == [
        restating,
        informal,
    ]


def test_anchors_are_found_by_the_exact_sentence_an_answer_quoted(searcher: Searcher) -> None:
    first = _asked(searcher, BUILT)
    anchors = find_anchors(searcher, read_in_context("When did she build it?", [first]))
    assert anchors.documents == {"lighthouse"} and len(anchors.paragraphs) == 1
    assert searcher.find("The Harwick lighthouse was built by the engineer Elena Sorn in 1871.") is not None
    assert searcher.find("The Harwick lighthouse was built by someone else.") is None


def test_anchors_are_found_for_each_sentence_of_an_excerpt_that_quotes_two(searcher: Searcher) -> None:
    quoted = (
        "Sorn later moved to Bergen, where she taught engineering for twenty years. "
        "Her lighthouse still guides ships into the northern harbour."
    )
    earlier = Turn("What became of Sorn?", f"{quoted} [1]")
    anchors = find_anchors(searcher, read_in_context("How long did she teach there?", [earlier]))
    assert anchors.documents == {"lighthouse"} and len(anchors.paragraphs) == 1
    assert "Her lighthouse still guides ships into the northern harbour." in anchors.sentences
