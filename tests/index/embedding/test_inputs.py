"""What is embedded for each sentence."""

from __future__ import annotations

from index.embedding.inputs import sentence_inputs
from index.ingest.corpus import Document
from index.ingest.segment import segment

KOVAC = Document("kovac", "Anton Kovac", "kovac.txt", "", "He rebuilt the pier. He retired in 1910.")
SOL = Document("sol", "Lena Sol", "sol.txt", "", "She designed the ferry.")


def test_a_lone_documents_sentences_are_embedded_as_they_are() -> None:
    sentences = segment("kovac", KOVAC.text)
    assert sentence_inputs(sentences, {"kovac": KOVAC}) == ["He rebuilt the pier.", "He retired in 1910."]


def test_with_several_documents_each_sentence_follows_its_documents_title() -> None:
    sentences = [*segment("kovac", KOVAC.text), *segment("sol", SOL.text)]
    assert sentence_inputs(sentences, {"kovac": KOVAC, "sol": SOL}) == [
        "Anton Kovac: He rebuilt the pier.",
        "Anton Kovac: He retired in 1910.",
        "Lena Sol: She designed the ferry.",
    ]
