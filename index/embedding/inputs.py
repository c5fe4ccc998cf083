"""What is embedded for each sentence: its text, read in the light of its document's title when there are several.

"In 1501, at the age of 19, he entered the University of Erfurt" says neither whom it is about nor
that it is about Luther's life; "Martin Luther: In 1501, ..." does, and is found by "Which college
did Martin Luther attend?". In a corpus of one document every sentence would carry the same title,
which tells them from nothing and only draws short sentences together, so a lone document's
sentences are embedded as they are. Context windows are embedded as they are: they carry their
neighbours' words already.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from index.ingest.corpus import Document
from index.ingest.segment import Sentence


def sentence_inputs(sentences: Sequence[Sentence], documents: Mapping[str, Document]) -> list[str]:
    """The text embedded for each sentence: `title: sentence` when the corpus holds several documents."""
    titled = len(documents) > 1
    inputs = []
    for s in sentences:
        document = documents[s.doc_id]
        text = document.text[s.start : s.end]
        inputs.append(f"{document.title}: {text}" if titled else text)
    return inputs
