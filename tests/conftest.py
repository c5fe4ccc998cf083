"""Shared fixtures: the real model, a real index of the real essay, and the app over real HTTP."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from bench.processes import free_port
from index.build import build_index
from index.embed import SentenceTransformerEmbedder
from index.search import Searcher
from index.settings import PROJECT_ROOT, IndexSettings
from index.store import load_current
from server.app import create_app
from server.settings import Settings

CORPUS = PROJECT_ROOT / "corpus"
ESSAY_ID = "uk-japan-security-cooperation"


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
    build_index(CORPUS, index_dir, embedder, "all-MiniLM-L6-v2")
    return index_dir


@pytest.fixture(scope="session")
def searcher(essay_index: Path, embedder: SentenceTransformerEmbedder) -> Searcher:
    return Searcher(load_current(essay_index), embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` under uvicorn on a free loopback port; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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
