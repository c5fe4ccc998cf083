"""The ingestion job on the real essay with the real model, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from index.build import build_index, validate_version
from index.cli import app
from index.embedding.embed import SentenceTransformerEmbedder
from index.errors import CorruptIndexError, ModelMismatchError
from index.settings import IndexSettings
from index.store import CURRENT, current_version_path, load_current, load_version
from tests.conftest import CORPUS


def test_built_index_has_manifest_vectors_and_exact_offsets(essay_index: Path) -> None:
    stored = load_current(essay_index)
    manifest = stored.manifest
    assert manifest["model"] == {"name": "all-MiniLM-L6-v2", "dimension": 384, "precision": "float32"}
    assert manifest["counts"]["sentences"] == len(stored.sentences) > 40
    assert manifest["counts"]["vectors"] == stored.vectors.count == 2 * len(stored.sentences)
    assert manifest["documents"][0]["sha256"] and manifest["version"] == stored.version
    for sentence in stored.sentences:
        assert stored.text(sentence) in stored.context(sentence)


def test_vectors_are_the_real_model_embeddings(essay_index: Path, embedder: SentenceTransformerEmbedder) -> None:
    stored = load_current(essay_index)
    sentence = stored.sentences[5]
    expected = embedder.embed([stored.text(sentence)])[0]
    assert np.allclose(stored.vectors.stored()[5], expected, atol=1e-5)


def test_in_a_corpus_of_several_documents_a_sentence_is_embedded_with_its_documents_title(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "anton-kovac.txt").write_text("He rebuilt the southern pier in 1902.", encoding="utf-8")
    (corpus / "lena-sol.txt").write_text("She designed the northern ferry in 1905.", encoding="utf-8")
    build_index(corpus, tmp_path / "idx", embedder, "all-MiniLM-L6-v2")
    stored = load_current(tmp_path / "idx")
    size = len(stored.sentences)
    for row, sentence in enumerate(stored.sentences):
        title = stored.documents[sentence.doc_id].title
        titled = embedder.embed([f"{title}: {stored.text(sentence)}"])[0]
        assert np.allclose(stored.vectors.stored()[row], titled, atol=1e-5)
        context = embedder.embed([stored.context(sentence)])[0]  # a context window is embedded as it is
        assert np.allclose(stored.vectors.stored()[size + row], context, atol=1e-5)


def test_bfloat16_vectors_are_unit_length_and_never_mixed_with_float32_ones(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    half = SentenceTransformerEmbedder(IndexSettings().model_path, precision="bfloat16")
    try:
        texts = ["The UK and Japan signed a reciprocal access agreement.", "Cats sleep in the sun."]
        vectors, reference = half.embed(texts), embedder.embed(texts)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
        assert (vectors * reference).sum(axis=1).min() > 0.99
        assert not np.allclose(vectors, reference, atol=1e-5)
        first = build_index(CORPUS, tmp_path, embedder, "m")
        second = build_index(CORPUS, tmp_path, half, "m")
        assert second.reused == 0 and second.embedded == first.embedded
        assert load_current(tmp_path).manifest["model"]["precision"] == "bfloat16"
        assert build_index(CORPUS, tmp_path, half, "m").embedded == 0
        with pytest.raises(ModelMismatchError, match="embedded in bfloat16, the model runs in float32"):
            validate_version(current_version_path(tmp_path), embedder, "m")
    finally:
        half.close()  # a second live torch thread would slow every later test's forward passes


def test_a_version_built_with_another_model_is_refused(
    essay_index: Path, embedder: SentenceTransformerEmbedder
) -> None:
    version = current_version_path(essay_index)
    validate_version(version, embedder, "all-MiniLM-L6-v2")
    with pytest.raises(ModelMismatchError, match=r"built with all-MiniLM-L6-v2/384.*rebuild the index"):
        validate_version(version, embedder, "another-model")


def test_a_rebuild_switches_current_and_keeps_two_versions(
    tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    reports = [build_index(CORPUS, tmp_path, embedder, "m") for _ in range(3)]
    assert (tmp_path / CURRENT).resolve().name == reports[-1].version
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == [r.version for r in reports[1:]]


def test_a_corrupted_version_is_refused(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    report = build_index(CORPUS, tmp_path, embedder, "m")
    documents = report.path / "documents.json"
    data = json.loads(documents.read_text(encoding="utf-8"))
    data[0]["text"] = data[0]["text"].replace("Japan", "Japon")
    documents.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="checksum"):
        load_version(report.path)


runner = CliRunner()


def test_cli_build_prints_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    assert "1 documents" in result.output and "sentences" in result.output
    assert (tmp_path / "idx" / CURRENT).is_symlink()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("empty", "no readable document"),
        ("unreadable", "cannot read bad.txt"),
        ("no-model", "embedding model not found"),
    ],
)
def test_cli_build_errors_exit_non_zero_with_one_line(tmp_path: Path, setup: str, message: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    args = ["build", "--corpus", str(corpus), "--out", str(tmp_path / "idx")]
    if setup == "unreadable":
        (corpus / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    if setup == "no-model":
        (corpus / "a.txt").write_text("Some text.", encoding="utf-8")
        args += ["--model", str(tmp_path / "missing-model")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.strip().count("\n") == 0
    assert not (tmp_path / "idx" / CURRENT).exists()
