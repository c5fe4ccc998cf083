"""What is embedded for each sentence."""

from __future__ import annotations

from index.embedding.inputs import sentence_inputs
from index.ingest.segment import segment

TEXTS = {"kovac": "He rebuilt the pier. He retired in 1910.", "sol": "She designed the ferry."}
TITLES = {"kovac": "Anton Kovac", "sol": "Lena Sol"}


def test_a_lone_documents_sentences_are_embedded_as_they_are() -> None:
    sentences = segment("kovac", TEXTS["kovac"])
    lone = {"kovac": "Anton Kovac"}
    assert sentence_inputs(sentences, TEXTS, lone) == ["He rebuilt the pier.", "He retired in 1910."]


def test_with_several_documents_each_sentence_follows_its_documents_title() -> None:
    sentences = [*segment("kovac", TEXTS["kovac"]), *segment("sol", TEXTS["sol"])]
    assert sentence_inputs(sentences, TEXTS, TITLES) == [
        "Anton Kovac: He rebuilt the pier.",
        "Anton Kovac: He retired in 1910.",
        "Lena Sol: She designed the ferry.",
    ]
