"""What a question asks for."""

from __future__ import annotations

import pytest

from answering.question import analyze


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("Who signed the agreement?", "name"),
        ("Who is the author of the essay?", "name"),
        ("Who is the President of France?", "name"),
        ("Where is the Guardian North exercise held?", "name"),
        ("When was the naval agreement signed?", "date"),
        ("How many Eurofighters visited Japan?", "number"),
        ("Who is William Tow?", None),
        ("Who were the Five Eyes", None),
        ("What is JNAAM?", None),
    ],
)
def test_the_kind_of_answer_a_question_expects(question: str, expects: str | None) -> None:
    assert analyze(question).expects == expects
