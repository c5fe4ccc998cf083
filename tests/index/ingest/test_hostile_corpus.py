"""A corpus folder as a careless operator or an attacker leaves it: links out, FIFOs, devices, huge files,
other encodings, files without words. Each is skipped with a warning naming it, or read correctly."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index import PROJECT_ROOT
from index.ingest.corpus import MAX_TITLE_CHARS, load_corpus, load_document
from tests.conftest import CORPUS, ESSAY_ID

GOOD = "The harbour authority was founded in 1901."


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_a_link_out_of_the_corpus_is_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _folder(tmp_path)
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "inside.txt").symlink_to(folder / "good.txt")  # a link within the corpus is fine
    with caplog.at_level(logging.WARNING):
        documents = load_corpus(folder)
    assert [d.doc_id for d in documents] == ["good", "inside"]
    assert "passwd.txt" in caplog.text and "outside the corpus folder" in caplog.text
    assert all("root:" not in d.text for d in documents)


def test_a_linked_or_plain_folder_is_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _folder(tmp_path)
    (folder / "notes").mkdir()
    (folder / "notes" / "inner.txt").write_text("Inner text.", encoding="utf-8")
    (folder / "linked.txt").symlink_to(folder / "notes")
    with caplog.at_level(logging.WARNING):
        assert [d.doc_id for d in load_corpus(folder)] == ["good"]
    assert "linked.txt: it is a folder (linked)" in caplog.text and "notes: it is a folder" in caplog.text


def test_fifos_devices_and_sockets_are_skipped_unopened(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _folder(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    inside_device = folder / "null.txt"
    inside_device.symlink_to("/dev/null")
    with caplog.at_level(logging.WARNING):
        assert [d.doc_id for d in load_corpus(folder)] == ["good"]  # returns: nothing waited on the FIFO
    assert "pipe.txt: it is a FIFO" in caplog.text
    assert "zero.txt" in caplog.text and "null.txt" in caplog.text


def test_a_document_over_the_size_limit_is_skipped_naming_its_size(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _folder(tmp_path)
    (folder / "huge.txt").write_text("word " * 600_000, encoding="utf-8")  # 3.0 MB
    with caplog.at_level(logging.WARNING):
        assert [d.doc_id for d in load_corpus(folder, max_document_bytes=1_000_000)] == ["good"]
    assert "huge.txt: 3.0 MB of text, over the limit of 1.0 MB" in caplog.text


def test_a_title_is_capped_wherever_it_comes_from(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "good.meta.json").write_text('{"title": "%s"}' % ("Long title " * 1000), encoding="utf-8")
    (folder / "front.md").write_text("---\ntitle: " + "Front " * 1000 + "\n---\nBody text here.", encoding="utf-8")
    titles = {d.doc_id: d.title for d in load_corpus(folder)}
    assert all(len(title) <= MAX_TITLE_CHARS and title.endswith("…") for title in titles.values())


def test_utf16_and_latin1_text_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "utf16.txt").write_bytes("Café déjà vu in Zürich.".encode("utf-16"))  # with its BOM
    (tmp_path / "latin1.txt").write_bytes("Café déjà vu in Zürich.".encode("latin-1"))
    (tmp_path / "cp1252.txt").write_bytes("“Quoted” café.".encode("cp1252"))
    assert load_document(tmp_path / "utf16.txt").text == "Café déjà vu in Zürich."
    assert load_document(tmp_path / "latin1.txt").text == "Café déjà vu in Zürich."
    assert load_document(tmp_path / "cp1252.txt").text == "“Quoted” café."


def test_nul_characters_are_removed_and_wordless_documents_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _folder(tmp_path)
    (folder / "nul.txt").write_text("Nul\x00 bytes\x00 vanish.", encoding="utf-8")
    (folder / "blank.txt").write_text("  \n\n \t ", encoding="utf-8")
    (folder / "dots.txt").write_text("... --- !!! ???", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        documents = {d.doc_id: d.text for d in load_corpus(folder)}
    assert documents == {"good": GOOD, "nul": "Nul bytes vanish."}
    assert "blank.txt: it holds no words" in caplog.text and "dots.txt: it holds no words" in caplog.text


def test_binary_noise_is_refused_not_ingested(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _folder(tmp_path)
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 8)
    with caplog.at_level(logging.WARNING):
        assert [d.doc_id for d in load_corpus(folder)] == ["good"]
    assert "noise.txt" in caplog.text and "binary" in caplog.text


def test_the_build_cli_skips_a_fifo_and_links_out_instead_of_hanging(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{ESSAY_ID}.txt").write_bytes((CORPUS / f"{ESSAY_ID}.txt").read_bytes())
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    command = [sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--out", str(tmp_path / "idx")]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "built index" in result.stdout and "1 documents" in result.stdout
    for name in ("pipe.txt", "passwd.txt", "zero.txt"):
        assert name in result.stderr
    assert "Traceback" not in result.stderr
