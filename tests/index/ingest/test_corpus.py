"""Loading a corpus folder: titles, skipped files and errors."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from index.errors import EmptyCorpusError
from index.ingest.corpus import load_corpus
from tests.conftest import CORPUS, ESSAY_ID, shared_file

# The essay as extracted from its PDF (../shared/seed/000_9b739786177e4718.txt): repairing it is ingestion's
# work, never an edit of the shipped file.
ESSAY_SHA256 = "2539e02eec0a66f4e49b3da42ced0501b31a20e21f51a5f19a8f72713554dfbb"


def test_essay_is_shipped_byte_for_byte_with_its_title() -> None:
    shipped = (CORPUS / f"{ESSAY_ID}.txt").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == ESSAY_SHA256
    assert shipped == shared_file("seed/000_9b739786177e4718.txt").read_bytes()
    [essay] = load_corpus(CORPUS)
    assert essay.doc_id == ESSAY_ID
    assert essay.title == "UK–Japan and UK–Japan–US security cooperation"
    assert "written" in essay.text and "wri en" not in essay.text and "\u2010" not in essay.text


def test_txt_and_md_are_ingested_and_others_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: Bravo notes\n---\nBravo text.", encoding="utf-8")
    (tmp_path / "c.csv").write_text("x,y", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        documents = load_corpus(tmp_path)
    assert [(d.doc_id, d.title, d.text) for d in documents] == [
        ("a", "A", "Alpha text."),
        ("b", "Bravo notes", "Bravo text."),
    ]
    assert "c.csv" in caplog.text


def test_empty_corpus_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EmptyCorpusError):
        load_corpus(tmp_path)


def test_undecodable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(bytes(range(32)) * 10)
    with pytest.raises(EmptyCorpusError, match=r"bad\.txt"):
        load_corpus(tmp_path)


def test_a_sidecar_suggests_example_questions(tmp_path: Path) -> None:
    (tmp_path / "guide.txt").write_text("The harbour was dredged in 1902.", encoding="utf-8")
    examples = ["  When was the harbour   dredged? ", "", 42, "x" * 1001, *[f"Question {n}?" for n in range(9)]]
    (tmp_path / "guide.meta.json").write_text(json.dumps({"title": "Guide", "examples": examples}), encoding="utf-8")
    (tmp_path / "other.txt").write_text("Nothing suggested here.", encoding="utf-8")
    (tmp_path / "other.meta.json").write_text(json.dumps({"examples": "not a list"}), encoding="utf-8")
    documents = {d.doc_id: d for d in load_corpus(tmp_path)}
    assert documents["guide"].examples == ["When was the harbour dredged?", *[f"Question {n}?" for n in range(4)]]
    assert documents["other"].examples == []
    essay = load_corpus(CORPUS)[0]
    assert essay.examples and essay.examples[0] == "What is JNAAM?"
