"""Answering from the index: what a question asks for, answer composition, abstention and evaluation.

This module is the package's public interface; it uses `index` only through `index`'s own.
"""

from answering.compose import DEFAULT_TOP_K, NOT_COVERED, Answer, Citation, answer_question

__all__ = ["DEFAULT_TOP_K", "NOT_COVERED", "Answer", "Citation", "answer_question"]
