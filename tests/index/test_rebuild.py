"""Rebuilding: the embedding cache, and a build killed midway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from index.build import build_index
from index.embedding.embed import SentenceTransformerEmbedder
from index.settings import PROJECT_ROOT
from index.store import CURRENT, VERSIONS, load_current
from tests.conftest import CORPUS


def test_unchanged_rebuild_embeds_nothing(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    first = build_index(CORPUS, tmp_path, embedder, "m")
    second = build_index(CORPUS, tmp_path, embedder, "m")
    assert first.embedded == 2 * first.sentences and first.reused == 0
    assert second.embedded == 0 and second.reused == 2 * second.sentences
    assert second.version != first.version


def test_a_one_document_change_embeds_only_that_documents_new_text(
    corpus_copy: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    (corpus_copy / "notes.txt").write_text(
        "Port visits are planned.\n\nThe first visit is in May. The second is in June. A third may follow.",
        encoding="utf-8",
    )
    build_index(corpus_copy, tmp_path / "idx", embedder, "m")
    (corpus_copy / "notes.txt").write_text(
        "Port visits are planned.\n\nThe first visit is in April. The second is in June. A third may follow.",
        encoding="utf-8",
    )
    report = build_index(corpus_copy, tmp_path / "idx", embedder, "m")
    # The first sentence of a paragraph changed: it, its own context window and its neighbour's.
    assert report.embedded == 3
    assert "first visit is in April" in load_current(tmp_path / "idx").documents["notes"].text


def test_a_build_killed_midway_leaves_current_serving_and_the_next_build_succeeds(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    index_dir = tmp_path / "idx"
    old = build_index(CORPUS, index_dir, embedder, "all-MiniLM-L6-v2")
    big = tmp_path / "big"
    big.mkdir()
    essay = (CORPUS / "uk-japan-security-cooperation.txt").read_text(encoding="utf-8")
    for n in range(30):  # distinct texts, so the cache cannot shortcut the embedding
        (big / f"copy-{n}.txt").write_text(essay.replace("Japan", f"Japan{n}"), encoding="utf-8")
    command = [sys.executable, "-m", "index", "build", "--corpus", str(big), "--out", str(index_dir)]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(10)  # imports and model load take a few seconds; embedding 6,000 texts takes far longer
    assert process.poll() is None, "the build finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert (index_dir / CURRENT).resolve().name == old.version
    assert load_current(index_dir).version == old.version
    finished = [p.name for p in (index_dir / VERSIONS).iterdir() if not p.name.startswith(".")]
    assert finished == [old.version]
    again = build_index(CORPUS, index_dir, embedder, "all-MiniLM-L6-v2")
    assert load_current(index_dir).version == again.version != old.version
