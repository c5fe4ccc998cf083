"""Reading a question in its conversation: when it points back, and which words it carries."""

from __future__ import annotations

import pytest

from answering import NOT_COVERED, conversation
from answering.conversation import (
    MAX_ANSWER_CHARS,
    MAX_HISTORY,
    Turn,
    cited_sentences,
    points_back,
    read_in_context,
)
from index import content_terms

BORN = Turn(
    "Where was Martin Luther born?",
    "Martin Luther was born to Hans Luder on 10 November 1483 in Eisleben, Saxony. [1]",
)


@pytest.mark.parametrize(
    "question",
    [
        "Where did his family move the following year?",
        "When did it open?",
        "Who commanded the militiamen in that fight?",
        "What could messaging like that achieve?",
        "Why is that?",
        "And in 1915?",
        "What about Britain?",
        "Why?",
        "How many people lived there back then?",
        "Which thesis says it can be solved by one?",
        "Why are the two countries teaming up?",
        "How long did the Huguenots keep its provisions?",  # "its" cannot stand for a plural name
        "Could Japan join it?",  # an object pronoun never stands for its clause's subject
        "When did Sophocles write it?",
        "Where did Kublai send them?",
    ],
)
def test_questions_that_point_back(question: str) -> None:
    assert points_back(question)


@pytest.mark.parametrize(
    "question",
    [
        "Who headlined the Super Bowl 50 halftime show?",
        "What title did Jacksonville earn for its silent film studios?",  # "its" is Jacksonville
        "Which treaty that ended the war was signed in Paris?",  # a relative "that"
        "Was there a treaty between Britain and Japan?",  # an existential "there"
        "In what year did Malaysia receive its independence?",
        "Who bought the NBC Blue Network before it became ABC?",  # "it", the subject of "became", is the network
        "How large was Abercrombie's army when it was beaten at Carillon?",
    ],
)
def test_questions_that_stand_alone(question: str) -> None:
    assert not points_back(question)


def test_a_follow_up_carries_the_earlier_question_and_the_names_in_its_answer() -> None:
    reading = read_in_context("Where did his family move the following year?", [BORN])
    assert reading.turns == (0,)
    assert {"Martin", "Luther", "Eisleben", "1483"} <= set(reading.terms)
    carried = dict(reading.carried)
    assert carried["luther"] > carried["eisleben"]  # the question's words count more than the answer's names
    assert max(carried.values()) < 1  # and all less than the follow-up's own words
    assert "famili" not in carried  # the follow-up's own words are not carried
    assert reading.repeated == frozenset(
        {"Martin Luther was born to Hans Luder on 10 November 1483 in Eisleben, Saxony."}
    )


def test_a_question_that_stands_alone_is_read_alone() -> None:
    reading = read_in_context("Who headlined the Super Bowl 50 halftime show?", [BORN])
    assert reading.turns == () and reading.terms == () and reading.carried == ()


def test_a_chain_of_follow_ups_keeps_its_subject() -> None:
    moved = Turn("Where did his family move the following year?", "His family moved to Mansfeld in 1484. [1]")
    reading = read_in_context("What career did his father want for him?", [BORN, moved])
    carried = dict(reading.carried)
    assert reading.turns == (0, 1)
    assert carried["mansfeld"] > carried["luther"] > 0  # the latest turn counts most, the subject still counts


def test_a_declined_turn_passes_on_only_its_question() -> None:
    declined = Turn("Who founded the harbour authority?", NOT_COVERED)
    reading = read_in_context("When was it founded?", [declined])
    assert set(reading.terms) == {"harbour", "authority"} and reading.repeated == frozenset()


def test_cited_sentences_are_read_back_from_an_answer() -> None:
    answer = "JNAAM is a missile. [1] It is joint. [2]"
    assert cited_sentences(answer) == ["JNAAM is a missile.", "It is joint."]
    assert cited_sentences(NOT_COVERED) == []


def test_a_full_history_is_read_through_a_bounded_number_of_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    long_answer = ("Tokyo and London met in Osaka in 2017. [1] " * 200)[:MAX_ANSWER_CHARS]
    history = [Turn(f"What did they agree on in that round {n}?", long_answer) for n in range(MAX_HISTORY)]
    readings: list[str] = []
    counted = conversation.points_back
    monkeypatch.setattr(conversation, "points_back", lambda q: readings.append(q) or counted(q))
    reading = read_in_context("And what did it change?", history)
    assert reading.turns == (MAX_HISTORY - 2, MAX_HISTORY - 1)
    # Each turn looks two turns back, and a chain is followed twice at most: not every path through twenty turns.
    assert len(readings) <= 1 + 2 + 4 + 8
    assert all(term in content_terms(" ".join(reading.terms)) for term, _ in reading.carried)
