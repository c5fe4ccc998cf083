"""Read a PDF as clean raw text, page by page, with PDFium (pypdfium2).

PDFium keeps the spaces between words that naive extractors lose in LaTeX-made PDFs, and marks a
word hyphenated at a line end with U+FFFE, so the word is joined back whole. Around that:
- page furniture is left out: running heads and feet (the first and last lines of a page that recur
  on other pages once digits are ignored, or that hold no lower-case letter), bare page numbers, and
  table-of-contents lines with dot leaders;
- a footnote's number is parted from its first word ("2If you" -> "2 If you");
- lines are grouped into paragraphs: a paragraph ends at a short line ending a sentence, and
  headings, labels, bullets and numbered sections stand on their own.
Each page's text starts with PAGE_MARK, which cleaning carries through, so that the canonical
text's page starts are known (take_page_marks).
"""

from __future__ import annotations

import re
from collections import Counter

PAGE_MARK = "\ue000"  # a private-use character: never in real text, never whitespace, never a letter
FURNITURE_LINES = 2  # lines at the top and at the bottom of a page that may be running heads or feet
MIN_RECURRENCE = 3  # pages a line must recur on, at the top or bottom, to be page furniture
WIDTH_PERCENTILE = 0.75  # the line length taken as a page's full line
SHORT_LINE = 0.6  # of the page's full line (_width): a line this short ends its paragraph
ENDING_LINE = 0.85  # a line ending a sentence and shorter than this ends its paragraph
_LEADERS = re.compile(r"(?:\.\s?){4,}\s*\S*\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^(\d{1,2})([A-Z][a-z])")
_FOOTNOTE_NUMBER = re.compile(r"^\d{1,2}$")
_OPENS_BLOCK = re.compile(
    r"^\s*(?:[•◦▪‣∙*–—-]\s|\d+(?:\.\d+)+\.?\s+\S|(?:Chapter|Appendix|Section|Part)\s+\w+\s*$)", re.IGNORECASE
)
_ENDS_SENTENCE = re.compile(r"[.!?:][\"”’)\]]*$")
_CONTINUES = re.compile(r"[,;(\-–]$|\b(?:and|or|the|a|an|of|to|in|for|with)$", re.IGNORECASE)


def read_pdf(data: bytes) -> tuple[str, str | None]:
    """The raw text of a PDF, each page opened by PAGE_MARK, and its declared title."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages = [_page_lines(document[n].get_textpage().get_text_range()) for n in range(len(document))]
        title = (document.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        document.close()
    furniture = _recurring(pages)
    text, last, width, marks = "", "", 0, ""
    for lines in pages:
        kept = [line for i, line in enumerate(lines) if not _is_furniture(line, i, len(lines), furniture)]
        marks += PAGE_MARK + " "  # a page without text starts where the next page with text does
        if not kept:
            continue
        # A paragraph runs on over the page break unless it would have ended there within a page.
        if text:
            text += "\n\n" if _breaks(last, kept[0], width) else "\n"
        text += marks + _paragraphs(kept)
        last, width, marks = kept[-1], _width(kept), ""
    return text + (" " + marks.strip() if marks else ""), title


def take_page_marks(text: str) -> tuple[str, list[int]]:
    """The text without its page marks, and where each page starts in it."""
    starts: list[int] = []
    parts: list[str] = []
    length = 0
    for n, part in enumerate(text.split(PAGE_MARK)):
        if n:
            if part.startswith(" "):
                part = part[1:]
            elif parts and parts[-1].endswith(" "):
                parts[-1] = parts[-1][:-1]
                length -= 1
            starts.append(length)
        parts.append(part)
        length += len(part)
    text = "".join(parts).rstrip(" ")  # marks of empty last pages leave a space behind
    return text, [min(start, len(text)) for start in starts]


def _page_lines(text: str) -> list[str]:
    # U+FFFE (and U+0002 in older PDFium) stands where a word was hyphenated at a line end.
    text = text.replace("\ufffe", "").replace("\x02", "").replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in text.split("\n") if line.strip()]


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _edges(lines: list[str]) -> list[str]:
    return [*lines[:FURNITURE_LINES], *lines[-FURNITURE_LINES:]]


def _recurring(pages: list[list[str]]) -> set[str]:
    """Lines found at a page's top or bottom on several pages: running heads and feet."""
    counts = Counter(key for lines in pages for key in {_key(line) for line in _edges(lines)})
    return {key for key, count in counts.items() if count >= MIN_RECURRENCE}


def _is_furniture(line: str, index: int, count: int, recurring: set[str]) -> bool:
    if _LEADERS.search(line):
        return True
    at_edge = index < FURNITURE_LINES or index >= count - FURNITURE_LINES
    if not at_edge:
        return False
    if _PAGE_NUMBER.match(line) or _key(line) in recurring:
        return True
    # A running head in capitals ("CHAPTER 2. PREREQUISITES 2.3. SOCIAL DYNAMICS"): no lower-case letter.
    letters = [ch for ch in line if ch.isalpha()]
    return index < FURNITURE_LINES and len(letters) >= 6 and not any(ch.islower() for ch in letters)


def _paragraphs(lines: list[str]) -> str:
    """The page's lines (at least one), paragraphs parted by a blank line, the lines of each by a line break."""
    width = _width(lines)
    out: list[str] = []
    previous = ""
    mark = ""
    for line in lines:
        if _FOOTNOTE_NUMBER.match(line):  # a footnote's number on a line of its own: it opens the footnote
            mark = line.strip() + " "
            continue
        footnote = bool(mark) or bool(_FOOTNOTE.match(line))
        line = mark + _FOOTNOTE.sub(r"\1 \2", line)
        mark = ""
        if previous:
            out.append("\n\n" if footnote or _breaks(previous, line, width) else "\n")
        out.append(line)
        previous = line
    return "".join(out) + mark.rstrip()


def _width(lines: list[str]) -> int:
    """A full line's length on this page, in characters.

    Not the longest line: PDFium puts the two halves of a hyphenated word on one line, and footnotes
    in a smaller font hold more characters, so the longest lines are not the page's measure.
    """
    lengths = sorted(len(line) for line in lines)
    return lengths[int(WIDTH_PERCENTILE * (len(lengths) - 1))]


def _breaks(previous: str, line: str, width: int) -> bool:
    """Whether a paragraph ends between two lines."""
    if _OPENS_BLOCK.match(line) or (_OPENS_BLOCK.match(previous) and len(previous) < SHORT_LINE * width):
        return True
    if _CONTINUES.search(previous):
        return False
    if len(previous) < SHORT_LINE * width:
        return True
    return bool(_ENDS_SENTENCE.search(previous)) and len(previous) < ENDING_LINE * width
