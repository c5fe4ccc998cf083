"""POST /ask with `history`: the contract, every bad shape of it, and a follow-up over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from answering import MAX_ANSWER_CHARS, MAX_HISTORY

LACKING = "Where does the essay say sustained interest in UK-Japan-US trilateralism is lacking?"
WHY = "Why is that?"
REASON = "American policymakers are yet to grasp the benefits"


def _turn(question: str = "What is JNAAM?", answer: str = "A missile. [1]") -> dict[str, Any]:
    return {"question": question, "answer": answer}


def test_a_question_without_history_is_read_alone(client: httpx.Client) -> None:
    body = client.post("/ask", json={"question": "What is JNAAM?"}).json()
    assert body["context"] == {"turns": [], "terms": []}


def test_a_follow_up_is_read_with_the_turn_it_points_back_to(client: httpx.Client) -> None:
    first = client.post("/ask", json={"question": LACKING}).json()
    assert first["answered"] and "Washington" in first["answer"]
    history = [_turn("What is JNAAM?", "The documents do not cover this question."), _turn(LACKING, first["answer"])]
    followed = client.post("/ask", json={"question": WHY, "history": history}).json()
    assert followed["answered"] and REASON in followed["answer"]
    assert followed["context"]["turns"] == [0, 1]
    assert {"Washington", "trilateralism"} <= set(followed["context"]["terms"])
    alone = client.post("/ask", json={"question": WHY}).json()
    assert REASON not in alone["answer"]  # on its own, "Why is that?" asks about nothing


def test_a_question_that_stands_alone_ignores_the_history(client: httpx.Client) -> None:
    first = client.post("/ask", json={"question": LACKING}).json()
    switch = "How many British Eurofighters went to Japan for the Guardian North 16 exercise?"
    body = client.post("/ask", json={"question": switch, "history": [_turn(LACKING, first["answer"])]}).json()
    assert body["answered"] and "four" in body["answer"].lower()
    assert body["context"] == {"turns": [], "terms": []}
    assert body["answer"] == client.post("/ask", json={"question": switch}).json()["answer"]


def test_a_full_history_of_the_longest_turns_is_accepted(client: httpx.Client) -> None:
    history = [_turn("é" * 1000, "字" * MAX_ANSWER_CHARS) for _ in range(MAX_HISTORY)]
    response = client.post("/ask", json={"question": "And what about JNAAM?", "history": history})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("history", "fragment"),
    [
        ("What is JNAAM?", "history: Input should be a valid list"),
        ({"question": "What is JNAAM?"}, "history: Input should be a valid list"),
        ([_turn()] * (MAX_HISTORY + 1), f"history: List should have at most {MAX_HISTORY} items"),
        (["What is JNAAM?"], "history.0: Input should be a valid dictionary"),
        ([{"question": "What is JNAAM?"}], "history.0.answer: Field required"),
        ([{"answer": "A missile."}], "history.0.question: Field required"),
        ([_turn(question="   ")], "history.0.question: String should have at least 1 character"),
        ([_turn(question="x" * 1001)], "history.0.question: String should have at most 1000 characters"),
        (
            [_turn(), _turn(answer="x" * (MAX_ANSWER_CHARS + 1))],
            f"history.1.answer: String should have at most {MAX_ANSWER_CHARS}",
        ),
        ([_turn(answer=None)], "history.0.answer: Input should be a valid string"),
        (
            [{**_turn(), "citations": []}],
            "unknown field 'citations' in history.0: a turn holds only 'question', 'answer'",
        ),
    ],
)
def test_bad_history_is_422_saying_what_to_fix(client: httpx.Client, history: object, fragment: str) -> None:
    response = client.post("/ask", json={"question": WHY, "history": history})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]
