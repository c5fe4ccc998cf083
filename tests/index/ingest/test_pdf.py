"""Real PDF manuals read as clean text with pages: the two Debian manuals in ../shared/docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.ingest.corpus import Document, load_document
from index.ingest.language import UNKNOWN_LOG10, word_log10
from index.ingest.pdf import PAGE_MARK, take_page_marks
from tests.conftest import shared_file

GLUED_LENGTH = 12  # letters: a token this long that no dictionary knows is words glued together


@pytest.fixture(scope="module")
def debmake() -> Document:
    return load_document(shared_file("docs/debmake-doc.en.pdf"))


@pytest.fixture(scope="module")
def fhs() -> Document:
    return load_document(shared_file("docs/fhs-3.0.pdf"))


def glued_share(text: str) -> float:
    """Share of tokens that are all letters, long, and unknown to wordfreq: words glued together."""
    tokens = [token.strip(".,;:!?()[]{}<>\"'“”‘’*") for token in text.split()]
    tokens = [token for token in tokens if token]
    glued = [t for t in tokens if t.isalpha() and len(t) >= GLUED_LENGTH and word_log10(t.lower()) == UNKNOWN_LOG10]
    return len(glued) / len(tokens)


def test_words_keep_their_spaces(debmake: Document, fhs: Document) -> None:
    assert glued_share(debmake.text) <= 0.005
    assert glued_share(fhs.text) <= 0.005
    assert "The author felt limitations of updating the original" in " ".join(debmake.text.split())


def test_page_furniture_is_left_out(debmake: Document) -> None:
    assert "CHAPTER 2. PREREQUISITES" not in debmake.text  # a running head
    assert not re.search(r"(?:\. ){4,}", debmake.text)  # table-of-contents leaders
    assert not re.search(r"^\d{1,3}$", debmake.text, re.MULTILINE)  # bare page numbers, footnote numbers
    assert PAGE_MARK not in debmake.text


def test_hyphenation_is_joined_and_real_hyphens_kept(debmake: Document) -> None:
    text = " ".join(debmake.text.split())
    assert "lacks meaningful package description" in text and "mean-ingful" not in text
    assert "GNU Coding Standards" in text
    assert "dpkg-dev" in text


def test_headings_and_footnotes_stand_apart(debmake: Document) -> None:
    paragraphs = debmake.text.split("\n\n")
    assert "2.3 Social dynamics of Debian" in paragraphs
    assert "1 The deb-make command was popular" in debmake.text  # the footnote's mark parted from its word
    assert "1The deb-make" not in debmake.text


def test_each_page_is_known(debmake: Document) -> None:
    assert len(debmake.pages) == 143 and debmake.pages == sorted(debmake.pages)
    heading = debmake.text.index("2.3 Social dynamics of Debian")
    assert debmake.page_at(heading) == 13
    assert debmake.page_at(0) == 2  # the cover, page 1, holds no text


def test_page_marks_are_taken_out_with_their_space() -> None:
    text, starts = take_page_marks(f"{PAGE_MARK} One page.\n\n{PAGE_MARK} Two, and a run-on {PAGE_MARK} three.")
    assert text == "One page.\n\nTwo, and a run-on three."
    assert starts == [0, text.index("Two"), text.index("three")]


def test_other_documents_have_no_pages(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("A note.", encoding="utf-8")
    document = load_document(path)
    assert document.pages == [] and document.page_at(0) is None
