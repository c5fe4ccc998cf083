"""Repair text damaged by PDF extraction into clean, canonical document text.

Three kinds of damage are repaired, all generically:
- typographic hyphens (U+2010, U+2011, soft hyphens) and non-breaking spaces;
- hard line breaks inside paragraphs, including words split across lines;
- ligature glyphs (ti, tt, ft, fi, fl, ff, ffi, ffl) that the extractor dropped, leaving a space:
  "wri en" -> "written", "security es" -> "security ties".

Ligature repair is its own module (index/ingest/ligatures.py); a word split by a line-end hyphen is
joined when the unigram model (index/ingest/language.py) finds the joined word far more likely.
"""

from __future__ import annotations

import re
import unicodedata

from index.ingest.language import CHANGE_PENALTY, WORD, word_log10
from index.ingest.ligatures import reinsert_lost_ligatures

_HYPHENS = {"\u2010": "-", "\u2011": "-", "\u00ad": "", "\u00a0": " ", "\u202f": " ", "\x00": ""}
_HYPHENS_TABLE = str.maketrans(_HYPHENS)
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n\s*")


def normalize_characters(text: str) -> str:
    """Unify line endings, typographic hyphens and odd spaces; drop NUL characters."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.translate(_HYPHENS_TABLE)


def split_paragraphs(text: str) -> list[str]:
    """Split raw text into paragraphs at blank lines, joining the hard-wrapped lines of each."""
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        joined = _join_lines(block.split("\n"))
        if joined:
            paragraphs.append(joined)
    return paragraphs


def _join_lines(lines: list[str]) -> str:
    out = ""
    for raw_line in lines:
        line = " ".join(raw_line.split())
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and line[:1].islower():
            out = _join_hyphenated(out, line)
        elif out.endswith(("–", "—", "/")) and out[-2:-1].isalpha():
            out += line
        else:
            out += " " + line
    return out


def _join_hyphenated(head: str, tail: str) -> str:
    """Join a line ending in a hyphen to the next: drop the hyphen only for a word split by the wrap."""
    left = WORD.findall(head)[-1:] or [""]
    right = WORD.match(tail)
    if left[0] and right:
        a, b = left[0].lower(), right.group().lower()
        if word_log10(a + b) > word_log10(a) + word_log10(b) + CHANGE_PENALTY and word_log10(a + b) > word_log10(
            a + "-" + b
        ):
            return head[:-1] + tail
    return head + tail


def clean_text(raw: str) -> str:
    """Turn raw extracted text into canonical document text: paragraphs separated by blank lines."""
    paragraphs = split_paragraphs(normalize_characters(raw))
    return "\n\n".join(reinsert_lost_ligatures(paragraphs))
