"""Rebuilding while the service answers: hot reload, the admin endpoint, and refused versions."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from index.build import build_index
from index.embedding.embed import SentenceTransformerEmbedder
from index.ingest.corpus import INGESTION_VERSION
from index.settings import PROJECT_ROOT
from index.store import load_current
from server.app import create_app
from server.settings import Settings
from tests.conftest import serve

TOKEN = "test-admin-token"
QUESTIONS = ["What is JNAAM?", "How does post-Brexit Britain view China?", "Who signed the Zephyr Accord?"]


class Askers:
    """Client threads that ask questions without pause and record every outcome."""

    def __init__(self, url: str, threads: int) -> None:
        self.url = url
        self.stop = threading.Event()
        self.statuses: Counter[int | str] = Counter()
        self.versions: set[str] = set()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def _run(self, number: int) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as http:
            i = number
            while not self.stop.is_set():
                try:
                    response = http.post("/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
                    outcome: int | str = response.status_code
                    version = response.json().get("index_version") if response.status_code == 200 else None
                except httpx.HTTPError as exc:
                    outcome, version = type(exc).__name__, None
                with self.lock:
                    self.statuses[outcome] += 1
                    if version:
                        self.versions.add(version)
                i += 1

    def __enter__(self) -> Askers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture
def live_index(
    corpus_copy: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> Iterator[tuple[str, Path, Path]]:
    index_dir = tmp_path / "idx"
    build_index(corpus_copy, index_dir, embedder, "all-MiniLM-L6-v2")
    settings = Settings(
        corpus_dir=corpus_copy,
        index_dir=index_dir,
        admin_token=TOKEN,
        reload_interval_s=0.5,
        rate_limit_per_minute=0,  # type: ignore[arg-type]
    )
    with serve(create_app(settings)) as url:
        yield url, corpus_copy, index_dir


def wait_for(predicate: object, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_rebuilds_by_cli_and_endpoint_under_load_lose_no_request(live_index: tuple[str, Path, Path]) -> None:
    url, corpus, index_dir = live_index
    http = httpx.Client(base_url=url, timeout=60)
    first = http.get("/readyz").json()["index_version"]
    # 64 clients: an adversarial run once saw 2 read errors in 430 requests at this load (not reproduced since).
    with Askers(url, threads=64) as askers:
        time.sleep(1)
        (corpus / "accord.txt").write_text(
            "The Zephyr Accord was signed by Norway and Japan in 2031.", encoding="utf-8"
        )
        cli = subprocess.run(
            [sys.executable, "-m", "index", "build", "--corpus", str(corpus), "--out", str(index_dir)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert cli.returncode == 0, cli.stderr
        wait_for(lambda: http.get("/readyz").json()["index_version"] != first)
        second = http.get("/readyz").json()["index_version"]
        answer = http.post("/ask", json={"question": "Who signed the Zephyr Accord?"}).json()
        assert answer["index_version"] == second and "Norway and Japan in 2031" in answer["answer"]

        (corpus / "accord.txt").write_text("The Zephyr Accord was signed by Chile and Japan in 2033.", encoding="utf-8")
        started = http.post("/index/rebuild", headers={"Authorization": f"Bearer {TOKEN}"})
        assert started.status_code == 202 and started.json()["job_id"]
        wait_for(lambda: http.get("/index").json()["build"]["state"] != "running")
        status = http.get("/index").json()
        assert status["build"]["state"] == "succeeded", status["build"]
        assert status["build"]["embedded"] > 0 and status["build"]["reused"] > 0
        wait_for(lambda: http.get("/readyz").json()["index_version"] == status["build"]["version"])
        answer = http.post("/ask", json={"question": "Who signed the Zephyr Accord?"}).json()
        assert "Chile and Japan in 2033" in answer["answer"] and "Norway" not in answer["answer"]
        citation = answer["citations"][0]
        text = http.get(f"/documents/{citation['doc_id']}").json()["text"]
        assert text[citation["start"] : citation["end"]] == citation["excerpt"]
        time.sleep(1)
    assert set(askers.statuses) == {200}, askers.statuses
    assert sum(askers.statuses.values()) > 50
    assert len(askers.versions) >= 3 and first in askers.versions


def test_a_corrupt_new_version_is_refused_while_the_old_one_serves(
    corpus_copy: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "idx"
    build_index(corpus_copy, index_dir, embedder, "all-MiniLM-L6-v2")
    # The periodic check is off here, so the corrupted version is seen only by the explicit reload.
    settings = Settings(index_dir=index_dir, admin_token=TOKEN, reload_interval_s=3600)  # type: ignore[arg-type]
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as http:
        before = http.get("/readyz").json()["index_version"]
        (corpus_copy / "extra.txt").write_text("An extra note about frigates.", encoding="utf-8")
        report = build_index(corpus_copy, index_dir, embedder, "all-MiniLM-L6-v2")
        documents = report.path / "documents.json"
        documents.write_text(json.dumps(json.loads(documents.read_text(encoding="utf-8"))[:0]), encoding="utf-8")
        with caplog.at_level(logging.ERROR, logger="server"):
            reload = http.post("/index/reload", headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert reload["switched"] is False and reload["version"] == before
        assert any("refused" in r.getMessage() and "checksum" in r.getMessage() for r in caplog.records)
        assert http.get("/readyz").json()["index_version"] == before
        answer = http.post("/ask", json={"question": "What is JNAAM?"}).json()
        assert answer["answered"] and answer["index_version"] == before


def test_server_started_on_a_corrupt_index_says_so(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    report = build_index(PROJECT_ROOT / "corpus", tmp_path, embedder, "all-MiniLM-L6-v2")
    (report.path / "vectors.faiss").write_bytes(b"garbage")
    with serve(create_app(Settings(index_dir=tmp_path))) as url, httpx.Client(base_url=url) as http:
        ready = http.get("/readyz")
        assert ready.status_code == 503 and "vectors.faiss" in ready.json()["detail"]
        ask = http.post("/ask", json={"question": "What is JNAAM?"})
        assert ask.status_code == 503 and "checksum" in ask.json()["detail"]


def test_an_index_cleaned_by_an_older_ingestion_is_served_with_a_warning(
    tmp_path: Path, embedder: SentenceTransformerEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    report = build_index(PROJECT_ROOT / "corpus", tmp_path, embedder, "all-MiniLM-L6-v2")
    manifest_path = report.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest.pop("ingestion") == INGESTION_VERSION
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="server"), serve(create_app(Settings(index_dir=tmp_path))) as url:
        assert httpx.post(f"{url}/ask", json={"question": "What is JNAAM?"}).json()["answered"]
    assert any("older ingestion" in r.getMessage() and report.path.name in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Basic abc"}, 401), ({"Authorization": "Bearer wrong"}, 403)],
)
def test_rebuild_needs_the_admin_token(
    live_index: tuple[str, Path, Path], headers: dict[str, str], status: int
) -> None:
    url, _, _ = live_index
    response = httpx.post(f"{url}/index/rebuild", headers=headers)
    assert response.status_code == status and response.json()["detail"]


def test_rebuild_is_disabled_without_a_token(live_url: str) -> None:
    response = httpx.post(f"{live_url}/index/rebuild", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403 and "ADMIN_TOKEN" in response.json()["detail"]


def test_a_second_rebuild_while_one_runs_is_409(live_index: tuple[str, Path, Path]) -> None:
    url, _, _ = live_index
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=url, timeout=60) as http:
        assert http.post("/index/rebuild", headers=auth).status_code == 202
        second = http.post("/index/rebuild", headers=auth)
        assert second.status_code == 409 and "already running" in second.json()["detail"]
        wait_for(lambda: http.get("/index").json()["build"]["state"] != "running")


def test_shutting_down_during_a_rebuild_cancels_it_and_keeps_the_live_index(
    corpus_copy: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "idx"
    build_index(corpus_copy, index_dir, embedder, "all-MiniLM-L6-v2")
    live = load_current(index_dir).version
    # Twenty retellings of the essay: about two thousand texts no cache holds, seconds of embedding.
    essay = next(corpus_copy.glob("*.txt")).read_text(encoding="utf-8")
    (corpus_copy / "retellings.txt").write_text(
        "\n\n".join(f"Telling {n}. " + essay.replace(". ", f". In telling {n}, ") for n in range(20)),
        encoding="utf-8",
    )
    settings = Settings(corpus_dir=corpus_copy, index_dir=index_dir, admin_token=TOKEN)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="server"), serve(create_app(settings)) as url:
        started = httpx.post(f"{url}/index/rebuild", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        assert started.status_code == 202
    # The build stopped after its batch in flight. Before, shutdown did not wait for it: the build ran
    # on past the server into a closed model, and no line about it came while the server stopped.
    build_lines = [r for r in caplog.records if r.getMessage().startswith("build ")]
    assert [r.levelno for r in build_lines] == [logging.WARNING], [r.getMessage() for r in build_lines]
    assert "cancelled" in build_lines[0].getMessage() and build_lines[0].exc_info is None
    assert load_current(index_dir).version == live
    assert not list((index_dir / "versions").glob(".building-*"))


def test_a_refused_version_is_reported_and_a_reload_tries_it_again(
    corpus_copy: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    index_dir = tmp_path / "idx"
    build_index(corpus_copy, index_dir, embedder, "all-MiniLM-L6-v2")
    settings = Settings(index_dir=index_dir, admin_token=TOKEN, reload_interval_s=3600)  # type: ignore[arg-type]
    admin = {"Authorization": f"Bearer {TOKEN}"}
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as http:
        before = http.get("/readyz").json()["index_version"]
        (corpus_copy / "extra.txt").write_text("An extra note about frigates.", encoding="utf-8")
        report = build_index(corpus_copy, index_dir, embedder, "all-MiniLM-L6-v2")
        documents = report.path / "documents.json"
        intact = documents.read_bytes()
        documents.write_bytes(intact[:-10])
        assert http.post("/index/reload", headers=admin).json()["switched"] is False
        status = http.get("/index").json()
        assert status["live"]["version"] == before
        assert status["refused"]["version"] == report.version and "checksum" in status["refused"]["reason"]

        documents.write_bytes(intact)  # the operator mends the file; the periodic check would not look again
        reload = http.post("/index/reload", headers=admin).json()
        assert reload["switched"] is True and reload["version"] == report.version and reload["refused"] is None
        assert http.get("/index").json()["refused"] is None
        assert http.post("/ask", json={"question": "What is JNAAM?"}).json()["index_version"] == report.version
