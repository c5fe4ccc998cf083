"""Answering from the index: what a question asks for, answer composition, abstention and evaluation.

This module is the package's public interface; it uses `index` only through `index`'s own.
"""

from answering.compose import DEFAULT_TOP_K, MAX_QUESTION_CHARS, NOT_COVERED, Answer, Citation, answer_question
from answering.conversation import MAX_ANSWER_CHARS, MAX_HISTORY, Reading, Turn, read_in_context

__all__ = [
    "DEFAULT_TOP_K",
    "MAX_ANSWER_CHARS",
    "MAX_HISTORY",
    "MAX_QUESTION_CHARS",
    "NOT_COVERED",
    "Answer",
    "Citation",
    "Reading",
    "Turn",
    "answer_question",
    "read_in_context",
]
