"""The JSON API over real HTTP against the real app, model and index."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from index import SentenceTransformerEmbedder, build_index
from server.app import create_app
from server.settings import Settings
from tests.conftest import ESSAY_ID, MODEL_NAME, pdf_excerpt, serve


def test_ask_contract_and_offsets_against_documents(client: httpx.Client) -> None:
    response = client.post("/ask", json={"question": "  What is JNAAM?  "})
    assert response.status_code == 200
    body = response.json()
    assert body["question"] == "What is JNAAM?"
    assert body["answered"] is True
    assert set(body) >= {"question", "answered", "answer", "citations", "index_version", "took_ms"}
    assert body["index_version"] and body["took_ms"] >= 0
    assert "Joint New Air-to-Air Missile" in body["citations"][0]["excerpt"]
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", body["answer"])]
    assert sorted(set(markers)) == [c["n"] for c in body["citations"]]
    documents: dict[str, str] = {}
    for citation in body["citations"]:
        assert set(citation) >= {"n", "doc_id", "title", "excerpt", "start", "end", "context", "score"}
        if citation["doc_id"] not in documents:
            documents[citation["doc_id"]] = client.get(f"/documents/{citation['doc_id']}").json()["text"]
        assert documents[citation["doc_id"]][citation["start"] : citation["end"]] == citation["excerpt"]
        assert citation["excerpt"] in citation["context"]


def test_related_passages_continue_the_numbering_and_repeat_nothing(client: httpx.Client) -> None:
    body = client.post("/ask", json={"question": "What is JNAAM?", "top_k": 5}).json()
    citations, related = body["citations"], body["related"]
    assert related and len(citations) + len(related) <= 5
    assert [c["n"] for c in citations + related] == list(range(1, len(citations) + len(related) + 1))
    assert len({(c["start"], c["doc_id"]) for c in citations + related}) == len(citations) + len(related)
    assert all(f"[{c['n']}]" not in body["answer"] for c in related)
    text = client.get(f"/documents/{ESSAY_ID}").json()["text"]
    assert all(text[c["start"] : c["end"]] == c["excerpt"] for c in related)


def test_top_k_limits_citations(client: httpx.Client) -> None:
    body = client.post("/ask", json={"question": "What are the challenges to UK-Japan cooperation?", "top_k": 1}).json()
    assert len(body["citations"]) == 1 and body["related"] == []


def test_unanswerable_question_says_so_and_offers_closest(client: httpx.Client) -> None:
    body = client.post("/ask", json={"question": "How do I bake sourdough bread at home?"}).json()
    assert body["answered"] is False
    assert "do not cover" in body["answer"]
    assert "[" not in body["answer"]


def test_documents(client: httpx.Client) -> None:
    listing = client.get("/documents").json()["documents"]
    assert listing == [
        {"doc_id": ESSAY_ID, "title": "UK–Japan and UK–Japan–US security cooperation", "chars": listing[0]["chars"]}
    ]
    document = client.get(f"/documents/{ESSAY_ID}").json()
    assert len(document["text"]) == listing[0]["chars"]
    assert "comparatively little has been written" in document["text"]
    missing = client.get("/documents/no-such-doc")
    assert missing.status_code == 404 and "no-such-doc" in missing.json()["detail"]


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["index_version"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({}, "question"),
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "x" * 1001}, "question"),
        ({"question": 42}, "question"),
        ({"question": "What is JNAAM?", "top_k": 0}, "top_k"),
        ({"question": "What is JNAAM?", "top_k": 11}, "top_k"),
        ({"question": "What is JNAAM?", "top_k": "many"}, "top_k"),
        ({"question": "What is JNAAM?", "colour": "blue"}, "colour"),
        ([1, 2], "object"),
    ],
)
def test_bad_input_is_422_with_a_message(client: httpx.Client, payload: object, fragment: str) -> None:
    response = client.post("/ask", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_body_that_is_not_json_is_422(client: httpx.Client) -> None:
    response = client.post("/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    limit = Settings().max_body_bytes
    big = b'{"question": "' + b"a" * limit + b'"}'
    assert client.post("/ask", content=big, headers={"content-type": "application/json"}).status_code == 413

    def chunks() -> object:
        for _ in range(limit // 1024 + 2):
            yield b"a" * 1024

    streamed = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})  # type: ignore[arg-type]
    assert streamed.status_code == 413


def test_missing_index_gives_503_on_readyz_and_ask(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(index_dir=tmp_path / "nothing-here", reload_interval_s=0.1)
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz")
        assert ready.status_code == 503 and "no index" in ready.json()["detail"].lower()
        ask = http.post("/ask", json={"question": "What is JNAAM?"})
        assert ask.status_code == 503 and "index build" in ask.json()["detail"]
        assert http.get("/").status_code == 200
        time.sleep(0.5)  # several periodic checks
    said = [r for r in caplog.records if r.name == "server" and "index unavailable" in r.getMessage()]
    assert len(said) == 1 and "nothing-here" in said[0].getMessage()


def test_an_index_of_another_model_is_not_served(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, model_name="another-model")
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        ready = http.get("/readyz")
        assert ready.status_code == 503
        assert "all-MiniLM-L6-v2" in ready.json()["detail"] and "rebuild the index" in ready.json()["detail"]
        assert http.post("/ask", json={"question": "What is JNAAM?"}).status_code == 503


def test_citations_of_a_pdf_carry_their_page(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    pdf_excerpt(tmp_path / "corpus" / "debmake-excerpt.pdf", [11, 12])  # the people around Debian, its dynamics
    build_index(tmp_path / "corpus", tmp_path / "index", embedder, MODEL_NAME)
    with serve(create_app(Settings(index_dir=tmp_path / "index", rate_limit_per_minute=0))) as url:
        body = httpx.post(f"{url}/ask", json={"question": "What is a sponsor?"}, timeout=30).json()
        social = httpx.post(f"{url}/ask", json={"question": "What are Debian's social dynamics?"}, timeout=30).json()
    assert body["answered"] and "helps maintainers to upload packages" in body["answer"]
    assert body["citations"][0]["page"] == 1
    assert 2 in {c["page"] for c in social["citations"]}
