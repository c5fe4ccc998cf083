"""Split canonical document text into paragraphs and sentences with exact character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH_BREAK = "\n\n"
CONTEXT_SENTENCES = 1  # sentences of context on each side of a sentence, within its paragraph

_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof st sr jr vs etc e.g i.e cf al gen col lt sgt capt gov sen rep rev fig no "
        "nos vol inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec approx est dept "
        "univ mt ft u.s u.k"
    ).split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document: text[start:end], with its paragraph and context window."""

    doc_id: str
    start: int
    end: int
    paragraph: int
    context_start: int
    context_end: int


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs of canonical text."""
    spans, position = [], 0
    for block in text.split(PARAGRAPH_BREAK):
        stripped = block.strip()
        if stripped:
            start = position + block.index(stripped)
            spans.append((start, start + len(stripped)))
        position += len(block) + len(PARAGRAPH_BREAK)
    return spans


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.start() + len(match.group().rstrip())
        if _is_abbreviation(text, cursor, match.start()):
            continue
        spans.append((cursor, stop))
        cursor = match.end()
    if cursor < end and text[cursor:end].strip():
        spans.append((cursor, end - (len(text[cursor:end]) - len(text[cursor:end].rstrip()))))
    return [(a, b) for a, b in spans if b > a]


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = text[sentence_start:dot].rsplit(None, 1)[-1].lstrip("(\"“'‘").lower() if dot > sentence_start else ""
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def segment(doc_id: str, text: str) -> list[Sentence]:
    """All sentences of a document, each with a context window inside its paragraph."""
    sentences = []
    for paragraph, (p_start, p_end) in enumerate(paragraph_spans(text)):
        spans = sentence_spans(text, p_start, p_end)
        for i, (start, end) in enumerate(spans):
            first = spans[max(0, i - CONTEXT_SENTENCES)]
            last = spans[min(len(spans) - 1, i + CONTEXT_SENTENCES)]
            sentences.append(Sentence(doc_id, start, end, paragraph, first[0], last[1]))
    return sentences
