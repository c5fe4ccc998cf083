"""Limits, headers, logs and metrics of the served app, over real HTTP with the real model and index."""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from server.app import create_app
from server.settings import Settings
from tests.conftest import serve

QUESTIONS = [
    "What is JNAAM?",
    "What are the challenges to UK-Japan cooperation?",
    "When was the Hiroshima Accord signed?",
    "What does GCAP stand for?",
]


def test_unknown_paths_and_wrong_methods_are_json_with_a_hint(client: httpx.Client) -> None:
    missing = client.get("/no/such/path")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/json"
    assert all(route in missing.json()["detail"] for route in ("POST /ask", "GET /readyz", "POST /index/rebuild"))
    wrong = client.get("/ask")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/json"
    assert "use POST" in wrong.json()["detail"]
    assert wrong.headers["allow"] == "POST"


def test_pages_carry_a_strict_content_security_policy(client: httpx.Client) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"


def test_json_is_never_sniffed_and_cors_is_off_by_default(client: httpx.Client) -> None:
    response = client.post("/ask", json={"question": "What is JNAAM?"}, headers={"Origin": "https://evil.example"})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/ask", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_configured_origins(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, cors_origins=["https://app.example"])
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        allowed = http.get("/healthz", headers={"Origin": "https://app.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        other = http.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        # A browser-based chat client sends its /v1 key in Authorization: the preflight lets it.
        preflight = http.options(
            "/v1/chat/completions",
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()


def test_rate_limit_answers_429_with_retry_after(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, rate_limit_per_minute=3)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        statuses = [http.post("/ask", json={"question": "What is JNAAM?"}).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = http.post("/ask", json={"question": "What is JNAAM?"})
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert "per minute" in limited.json()["detail"]
        assert http.get("/healthz").status_code == 200  # only /ask is limited


def test_a_request_over_the_time_limit_gets_503_not_a_hang(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, request_timeout_s=0.001, rate_limit_per_minute=0)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=10) as http:
        response = http.post("/ask", json={"question": "What is the Hiroshima Accord about?"})
        assert response.status_code == 503
        assert "took longer than" in response.json()["detail"]
        assert http.get("/healthz").status_code == 200


def test_a_stalled_half_request_does_not_block_others_and_times_out(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, request_timeout_s=2, rate_limit_per_minute=0)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url:
        address = urlparse(url)
        stalled = socket.create_connection((address.hostname, address.port))
        stalled.sendall(
            b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            b'{"question": "Wh'
        )
        with httpx.Client(base_url=url, timeout=5) as http:
            started = time.monotonic()
            assert http.post("/ask", json={"question": "What is JNAAM?"}).status_code == 200
            assert time.monotonic() - started < 2
        stalled.settimeout(10)
        reply = stalled.recv(4096)
        stalled.close()
        assert reply.startswith(b"HTTP/1.1 408")


def test_64_concurrent_clients_for_20_seconds_get_no_5xx_and_lose_nothing(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, rate_limit_per_minute=0)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url:
        deadline = time.monotonic() + 20

        def client(n: int) -> tuple[int, list[str]]:
            """Questions sent, and what went wrong: a failed request, a 5xx, or an answer to another question."""
            sent, wrong = 0, []
            with httpx.Client(base_url=url, timeout=30) as http:
                while time.monotonic() < deadline:
                    question = QUESTIONS[(n + sent) % len(QUESTIONS)]
                    sent += 1
                    try:
                        response = http.post("/ask", json={"question": question})
                    except httpx.TransportError as exc:
                        wrong.append(f"lost: {exc!r}")
                        continue
                    if response.status_code != 200:
                        wrong.append(f"status {response.status_code}")
                    elif response.json()["question"] != question or not response.json()["citations"]:
                        wrong.append(f"answer to another question: {response.json()['question']}")
            return sent, wrong

        with ThreadPoolExecutor(64) as pool:
            results = list(pool.map(client, range(64)))
    assert [problem for _, problems in results for problem in problems] == []
    assert sum(sent for sent, _ in results) >= 64


def test_one_json_log_line_per_request_without_secrets(essay_index: Path, caplog: pytest.LogCaptureFixture) -> None:
    token = "s3cret-admin-token-value"
    settings = Settings(index_dir=essay_index, admin_token=token, rate_limit_per_minute=0)  # type: ignore[call-arg]
    caplog.set_level(logging.INFO, logger="server.access")
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        answer = http.post("/ask", json={"question": "What is JNAAM?"}, headers={"X-Request-ID": "abc-123"})
        http.post("/index/reload", headers={"Authorization": f"Bearer {token}"})
    records = [r for r in caplog.records if r.name == "server.access"]
    ask = next(r for r in records if r.__dict__["path"] == "/ask")
    assert ask.__dict__["request_id"] == "abc-123" == answer.headers["x-request-id"]
    assert ask.__dict__["status"] == 200 and ask.__dict__["duration_ms"] > 0
    assert ask.__dict__["index_version"] == answer.json()["index_version"]
    assert "question" not in ask.__dict__  # questions are logged only when configured
    assert any(r.__dict__["path"] == "/index/reload" for r in records)
    assert token not in caplog.text and all(token not in json.dumps(r.__dict__, default=str) for r in records)


def test_questions_are_logged_when_configured(essay_index: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(index_dir=essay_index, log_questions=True, rate_limit_per_minute=0)  # type: ignore[call-arg]
    caplog.set_level(logging.INFO, logger="server.access")
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as http:
        http.post("/ask", json={"question": "What is JNAAM?"})
    ask = next(r for r in caplog.records if r.name == "server.access" and r.__dict__["path"] == "/ask")
    assert ask.__dict__["question"] == "What is JNAAM?"


def test_metrics_count_requests_answers_and_the_index_version(client: httpx.Client) -> None:
    before = _counters(client.get("/metrics").text)
    client.post("/ask", json={"question": "What is JNAAM?"})
    client.post("/ask", json={"question": "How do I bake sourdough bread at home?"})
    version = client.get("/readyz").json()["index_version"]
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    after = _counters(metrics.text)
    ask_200 = 'qa_http_requests_total{method="POST",route="/ask",status="200"}'
    assert after[ask_200] - before.get(ask_200, 0) == 2
    for outcome in ("answered", "abstained"):
        name = f'qa_answers_total{{outcome="{outcome}"}}'
        assert after[name] - before.get(name, 0) == 1
    assert 'qa_http_request_duration_seconds_bucket{le="0.1",route="/ask"}' in metrics.text
    assert after[f'qa_index_info{{version="{version}"}}'] == 1.0


def _counters(text: str) -> dict[str, float]:
    """Each sample line of a Prometheus text page, name and labels to value."""
    samples = (line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {name: float(value) for name, value in samples}


def test_repeated_questions_come_from_the_cache_and_match(client: httpx.Client) -> None:
    question = {"question": "Which countries are developing GCAP together?"}
    first, second = client.post("/ask", json=question).json(), client.post("/ask", json=question).json()
    assert {k: v for k, v in first.items() if k != "took_ms"} == {k: v for k, v in second.items() if k != "took_ms"}
    hits = re.search(r"^qa_answer_cache_hits_total (\S+)$", client.get("/metrics").text, re.MULTILINE)
    assert hits is not None and float(hits.group(1)) >= 1


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/documents/..%2f..%2fpyproject.toml",
        "/documents/%2e%2e%2fcorpus",
    ],
)
def test_no_request_reads_outside_the_corpus_and_index(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and "[project]" not in response.text
