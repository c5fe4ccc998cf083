"""Paragraph and sentence spans round-trip exactly into the text."""

from __future__ import annotations

from index.ingest.corpus import load_document
from index.ingest.segment import paragraph_spans, segment, sentence_spans
from tests.conftest import CORPUS

TEXT = (
    "Dr. Smith met Mr. Jones in the U.S. capital. They spoke for 2.5 hours! Was it enough? "
    "“Yes,” said J. Doe.\n\nA second paragraph. It ends here."
)


def test_paragraph_spans() -> None:
    spans = paragraph_spans(TEXT)
    assert [TEXT[a:b] for a, b in spans] == [TEXT.split("\n\n")[0], "A second paragraph. It ends here."]


def test_sentence_spans_respect_abbreviations_and_decimals() -> None:
    start, end = paragraph_spans(TEXT)[0]
    sentences = [TEXT[a:b] for a, b in sentence_spans(TEXT, start, end)]
    assert sentences == [
        "Dr. Smith met Mr. Jones in the U.S. capital.",
        "They spoke for 2.5 hours!",
        "Was it enough?",
        "“Yes,” said J. Doe.",
    ]


def test_essay_sentences_round_trip_and_stay_in_their_paragraph() -> None:
    document = load_document(CORPUS / "uk-japan-security-cooperation.txt")
    sentences = segment(document.doc_id, document.text)
    paragraphs = paragraph_spans(document.text)
    assert len(paragraphs) == 8 and len(sentences) > 40
    for s in sentences:
        excerpt = document.text[s.start : s.end]
        assert excerpt == excerpt.strip() and excerpt
        p_start, p_end = paragraphs[s.paragraph]
        assert p_start <= s.context_start <= s.start < s.end <= s.context_end <= p_end
    joined = " ".join(document.text[s.start : s.end] for s in sentences if s.paragraph == 0)
    assert joined == document.text[paragraphs[0][0] : paragraphs[0][1]]
