"""The ingestion job: corpus folder in, new live index version out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.corpus import Document, load_corpus
from index.embed import Embedder
from index.errors import CorruptIndexError
from index.segment import segment
from index.store import load_version, make_current, write_version


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    version: str
    path: Path
    documents: int
    sentences: int
    characters: int
    embedded: int
    seconds: float


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    model_name: str,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Clean, segment and embed a corpus folder, write a new version, validate it and make it current."""
    return build_from_documents(load_corpus(corpus_dir), index_dir, embedder, model_name, on_total, on_progress)


def build_from_documents(
    documents: list[Document],
    index_dir: Path,
    embedder: Embedder,
    model_name: str,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Segment and embed loaded documents, write a new version, validate it and make it current."""
    started = time.perf_counter()
    sentences = [s for doc in documents for s in segment(doc.doc_id, doc.text)]
    texts = {doc.doc_id: doc.text for doc in documents}
    sentence_texts = [texts[s.doc_id][s.start : s.end] for s in sentences]
    context_texts = [texts[s.doc_id][s.context_start : s.context_end] for s in sentences]
    if on_total:
        on_total(2 * len(sentences))
    vectors = embedder.embed(sentence_texts + context_texts, progress=on_progress)
    model = {"name": model_name, "dimension": embedder.dimension}
    path = write_version(index_dir, documents, sentences, vectors, model)
    validate_version(path, embedder)
    make_current(index_dir, path)
    return BuildReport(
        version=path.name,
        path=path,
        documents=len(documents),
        sentences=len(sentences),
        characters=sum(len(t) for t in texts.values()),
        embedded=len(sentence_texts) + len(context_texts),
        seconds=time.perf_counter() - started,
    )


def validate_version(path: Path, embedder: Embedder) -> None:
    """Refuse a version whose files, counts or vectors do not hold up."""
    stored = load_version(path)
    if stored.manifest["model"]["dimension"] != embedder.dimension:
        raise CorruptIndexError(f"index {path.name} has dimension {stored.vectors.d}, model has {embedder.dimension}")
    first = stored.sentences[0]
    probe = embedder.embed([stored.text(first)])
    scores, ids = stored.vectors.search(np.asarray(probe, dtype=np.float32), 1)
    if ids[0][0] % len(stored.sentences) != 0 or scores[0][0] < 0.99:
        raise CorruptIndexError(f"index {path.name}: a smoke query did not find its own sentence")
