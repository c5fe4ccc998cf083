"""The ingestion job: corpus folder in, new validated live index version out."""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedding.cache import EmbeddingCache
from index.embedding.embed import Embedder
from index.embedding.inputs import sentence_inputs
from index.errors import BuildFailedError, BuildInProgressError, CorruptIndexError
from index.ingest.corpus import MAX_DOCUMENT_BYTES, Document, load_corpus
from index.ingest.segment import segment
from index.opening import check_model
from index.store import load_version, make_current, write_version
from index.vectors import IndexType

SMOKE_QUERIES = 3
CACHE_FILE = Path("cache") / "embeddings.sqlite"
LOCK_FILE = ".build.lock"


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    version: str
    path: Path
    documents: int
    sentences: int
    characters: int
    embedded: int
    reused: int
    seconds: float


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock, or raise BuildInProgressError at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgressError(f"another build of {index_dir} is running") from None
        yield


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    model_name: str,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    index_type: IndexType = "flat",
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
) -> BuildReport:
    """Clean, segment and embed a corpus folder, write a new version, validate it and make it current."""
    with build_lock(index_dir):
        documents = load_corpus(corpus_dir, max_document_bytes)
        return build_locked(documents, index_dir, embedder, model_name, on_total, on_progress, index_type)


def build_locked(
    documents: list[Document],
    index_dir: Path,
    embedder: Embedder,
    model_name: str,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    index_type: IndexType = "flat",
) -> BuildReport:
    """Segment and embed loaded documents, write a new version, validate it and make it current.

    The caller holds `build_lock` (taken before it read the corpus); every failure is an IndexError_.
    """
    started = time.perf_counter()
    try:
        sentences = [s for doc in documents for s in segment(doc.doc_id, doc.text)]
        by_id = {doc.doc_id: doc for doc in documents}
        sentence_texts = sentence_inputs(sentences, by_id)
        context_texts = [by_id[s.doc_id].text[s.context_start : s.context_end] for s in sentences]
        if on_total:
            on_total(2 * len(sentences))
        cache = EmbeddingCache(index_dir / CACHE_FILE, f"{model_name}/{embedder.dimension}/{embedder.precision}")
        vectors, stats = cache.embed(sentence_texts + context_texts, embedder, progress=on_progress)
        model = {"name": model_name, "dimension": embedder.dimension, "precision": embedder.precision}
        path = write_version(index_dir, documents, sentences, vectors, model, index_type)
        validate_version(path, embedder, model_name)
        make_current(index_dir, path)
    except (OSError, RuntimeError, sqlite3.Error, MemoryError) as exc:
        # A full disk, a failed write or a FAISS error: the live index is untouched (versions are staged).
        raise BuildFailedError(
            f"the build of {index_dir} failed, the live index is unchanged: {one_line(exc)}"
        ) from exc
    return BuildReport(
        version=path.name,
        path=path,
        documents=len(documents),
        sentences=len(sentences),
        characters=sum(len(doc.text) for doc in documents),
        embedded=stats.embedded,
        reused=stats.reused,
        seconds=time.perf_counter() - started,
    )


def one_line(exc: BaseException) -> str:
    """An exception as one line: its first line of text (FAISS's run to several), or its type."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def validate_version(path: Path, embedder: Embedder, model_name: str) -> None:
    """Refuse a version whose model, files, counts or vectors do not hold up."""
    stored = load_version(path)
    check_model(stored, embedder, model_name)
    size = len(stored.sentences)
    probes = [stored.sentences[i] for i in np.linspace(0, size - 1, min(SMOKE_QUERIES, size)).astype(int)]
    queries = embedder.embed(sentence_inputs(probes, stored.documents))
    scores, ids = stored.vectors.search(queries, 2)
    for probe, found, score in zip(probes, ids, scores, strict=True):
        if stored.text(probe) not in {stored.text(stored.sentences[int(i) % size]) for i in found} or score[0] < 0.98:
            raise CorruptIndexError(f"index {path.name}: a smoke query did not find its own sentence")
