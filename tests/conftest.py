"""Shared fixtures: the real model, a real index of the real essay, and the app over real HTTP; and a fake
embedder for logic tests that must not wait for the model."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI

from bench.processes import free_port
from index import (
    PROJECT_ROOT,
    Embedder,
    IndexSettings,
    Searcher,
    SentenceTransformerEmbedder,
    build_index,
    open_index,
)
from index.embedding.precision import Precision
from index.terms import content_terms
from server.app import create_app
from server.protocol import guarded_protocol
from server.settings import Settings

CORPUS = PROJECT_ROOT / "corpus"
ESSAY_ID = "uk-japan-security-cooperation"
SHARED = PROJECT_ROOT.parent / "shared"  # the eval sets and documents beside the checkout, as CI lays them
MODEL_NAME = "all-MiniLM-L6-v2"


def shared_file(relative: str) -> Path:
    """A file of ../shared; a test that needs it fails, never skips, when it is missing."""
    path = SHARED / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: the tests need ../shared beside the checkout, as CI lays it out")
    return path


class FakeEmbedder:
    """A deterministic stand-in for the model: a text's vector is the normalised sum of its stemmed terms' own.

    Texts that share terms point alike and texts that share none are near orthogonal, which is all that
    logic tests of search, composition and abstention need; it embeds thousands of texts a millisecond.
    """

    dimension = 256
    precision: Precision = "float32"

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in content_terms(text):
                vectors[row] += _term_vector(term, self.dimension)
        if progress:
            progress(len(texts))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def _term_vector(term: str, dimension: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(term.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)


@pytest.fixture(scope="session")
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def searcher_over(corpus: dict[str, str], folder: Path, embedder: Embedder) -> Searcher:
    """A searcher over `corpus` (file name -> text), its files and index written in `folder`."""
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    for name, text in corpus.items():
        (folder / "corpus" / name).write_text(text, encoding="utf-8")
    build_index(folder / "corpus", folder / "index", embedder, "m")
    return open_index(folder / "index", embedder, "m")


def fake_searcher(corpus: dict[str, str], folder: Path, embedder: FakeEmbedder | None = None) -> Searcher:
    """A searcher over `corpus` (file name -> text) built in `folder` with the fake embedder: milliseconds."""
    return searcher_over(corpus, folder, embedder or FakeEmbedder())


def pdf_excerpt(target: Path, pages: list[int]) -> Path:
    """A PDF at `target` of some pages (0-based) of the real Debian maintainers' guide in ../shared/docs."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(shared_file("docs/debmake-doc.en.pdf"))
    excerpt = pdfium.PdfDocument.new()
    try:
        excerpt.import_pages(source, pages)
        target.parent.mkdir(parents=True, exist_ok=True)
        excerpt.save(target)
    finally:
        excerpt.close()
        source.close()
    return target


def copy_of_the_model(target: Path) -> Path:
    """A writable copy of the packaged model's folder at `target`, its weights linked, not copied."""
    source = IndexSettings().model_path
    target.mkdir(parents=True, exist_ok=True)
    for path in Path(source).rglob("*"):
        copied = target / path.relative_to(source)
        if path.is_dir():
            copied.mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".safetensors":
            copied.symlink_to(path)
        else:
            copied.write_bytes(path.read_bytes())
    return target


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(IndexSettings().model_path, precision="float32")


@pytest.fixture(scope="session")
def essay_index(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Path:
    """An index of the real essay, built once with the real model."""
    index_dir = tmp_path_factory.mktemp("essay-index")
    build_index(CORPUS, index_dir, embedder, MODEL_NAME)
    return index_dir


@pytest.fixture(scope="session")
def searcher(essay_index: Path, embedder: SentenceTransformerEmbedder) -> Searcher:
    return open_index(essay_index, embedder, MODEL_NAME)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@contextmanager
def serve(app: FastAPI, limits: Settings | None = None, timeout_keep_alive: int = 5) -> Iterator[str]:
    """Run `app` under uvicorn on a free loopback port, with `limits`' head limits; yield its base URL."""
    port = free_port()
    limits = limits or Settings()
    protocol = guarded_protocol(limits.head_timeout_s, limits.max_head_bytes)  # as `python -m server` serves
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", http=protocol, timeout_keep_alive=timeout_keep_alive
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_url(essay_index: Path) -> Iterator[str]:
    """The real app, serving the essay index over real HTTP."""
    with serve(create_app(Settings(index_dir=essay_index, rate_limit_per_minute=0))) as url:
        yield url


@pytest.fixture
def client(live_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=30) as http:
        yield http
