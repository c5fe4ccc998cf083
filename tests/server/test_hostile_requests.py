"""Hostile and broken requests over real HTTP: raw header bytes, stalled and oversized heads, bad bodies."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from server.app import create_app
from server.settings import Settings
from tests.conftest import serve


def _raw(url: str, request: bytes, timeout: float = 30) -> bytes:
    """Send raw bytes to the server and read its whole reply (it closes, or `timeout` passes)."""
    address = urlparse(url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
            if b"\r\n\r\n" in reply and b"content-length" in reply.lower():
                head, _, body = reply.partition(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
        return reply


def _admin(url: str, authorization: bytes) -> int:
    request = b"POST /index/reload HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization + b"\r\n"
    reply = _raw(url, request + b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    return int(reply.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def open_admin(essay_index: Path) -> Iterator[str]:
    """The app with ADMIN_TOKEN set to the empty string, as `ADMIN_TOKEN=` in a shell sets it."""
    with serve(create_app(Settings(index_dir=essay_index, admin_token="", rate_limit_per_minute=0))) as url:  # type: ignore[call-arg]
        yield url


@pytest.mark.parametrize("token", [b"Bearer \xa0", b"Bearer \x85", b"Bearer", b"Bearer  ", b"Bearer \t"])
def test_an_empty_admin_token_means_no_admin_for_anyone(open_admin: str, token: bytes) -> None:
    assert _admin(open_admin, token) == 403


def test_a_whitespace_admin_token_means_no_admin(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, admin_token="  \t ")  # type: ignore[call-arg]
    assert settings.admin_token is None


def test_the_admin_token_is_compared_exactly_as_sent(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, admin_token="s3cret", rate_limit_per_minute=0)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url:
        assert _admin(url, b"Bearer s3cret") == 200
        assert _admin(url, b"Bearer  s3cret ") == 200  # ASCII spaces around it are not part of it
        assert _admin(url, b"Bearer s3cret\xa0") == 403
        assert _admin(url, b"Bearer \xa0s3cret") == 403


@pytest.mark.parametrize("question", ["?", "?!?!.,;:--", "the of and a to is it"])
def test_a_question_without_a_content_word_is_declined(client: httpx.Client, question: str) -> None:
    body = client.post("/ask", json={"question": question}).json()
    assert body["answered"] is False and body["citations"] == [] and body["related"] == []
    assert "no word to search for" in body["reason"]


def test_a_head_that_does_not_arrive_in_time_is_answered_408_and_closed(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, head_timeout_s=1)  # type: ignore[call-arg]
    with serve(create_app(settings), settings) as url:
        address = urlparse(url)
        stalled = [socket.create_connection((address.hostname, address.port)) for _ in range(50)]
        for number, connection in enumerate(stalled):
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + str(number).encode())
        silent = socket.create_connection((address.hostname, address.port))  # sends nothing at all
        started = time.monotonic()
        for connection in [*stalled, silent]:
            connection.settimeout(10)
            reply = connection.recv(4096)
            assert reply.startswith(b"HTTP/1.1 408") and b"did not arrive within 1 s" in reply
            assert connection.recv(4096) == b""  # closed by the server
            connection.close()
        assert time.monotonic() - started < 5
        assert httpx.get(f"{url}/healthz").status_code == 200


def test_a_head_over_the_limit_gets_431(client: httpx.Client, live_url: str) -> None:
    huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (64 * 1024) + b"\r\n\r\n"
    reply = _raw(live_url, huge)
    assert reply.startswith(b"HTTP/1.1 431")
    assert "fewer or shorter headers" in json.loads(reply.partition(b"\r\n\r\n")[2])["detail"]
    assert client.get("/healthz", headers={"X-Fine": "a" * 8000}).status_code == 200


def test_a_body_larger_than_the_head_limit_is_still_read(client: httpx.Client) -> None:
    # Only the head counts toward its limit, even when the body arrives in the same packet.
    question = "What is JNAAM? " + "x" * 20_000
    response = client.post("/ask", json={"question": question[:990]}, headers={"X-Pad": "p" * 100})
    assert response.status_code == 200
    body = json.dumps({"question": "What is JNAAM?", "pad": "x" * 30_000})
    long_body = client.post("/ask", content=body, headers={"Content-Type": "application/json"})
    assert long_body.status_code == 422 and "unknown field 'pad'" in long_body.json()["detail"]


def test_invalid_utf8_and_deeply_nested_json_get_422_saying_why(client: httpx.Client) -> None:
    invalid = client.post("/ask", content=b'{"question": "caf\xe9?"}', headers={"Content-Type": "application/json"})
    assert invalid.status_code == 422 and "not UTF-8" in invalid.json()["detail"]
    nested = client.post("/ask", content=b"[" * 50_000, headers={"Content-Type": "application/json"})
    assert nested.status_code == 422
    assert "nests JSON too deeply" in nested.json()["detail"] or "not valid JSON" in nested.json()["detail"]


@pytest.mark.parametrize("path", ["/", "/healthz", "/readyz", "/documents", "/static/app.js", "/index"])
def test_head_works_wherever_get_does(client: httpx.Client, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
    assert int(head.headers["content-length"]) == len(got.content) or path == "/readyz"


@pytest.mark.parametrize("top_k", [True, "3", 2.5])
def test_top_k_must_be_a_whole_number_not_coerced(client: httpx.Client, top_k: object) -> None:
    response = client.post("/ask", json={"question": "What is JNAAM?", "top_k": top_k})
    assert response.status_code == 422 and "top_k" in response.json()["detail"]


def test_top_k_written_as_an_integral_number_is_accepted(client: httpx.Client) -> None:
    # JSON Schema's "integer" includes 2.0, so a client generating from the OpenAPI schema may send it.
    response = client.post("/ask", json={"question": "What is JNAAM?", "top_k": 2.0})
    assert response.status_code == 200 and len(response.json()["citations"]) <= 2


def test_a_404_does_not_echo_a_long_id(client: httpx.Client) -> None:
    response = client.get("/documents/" + "x" * 10_000)
    assert response.status_code == 404
    assert len(response.json()["detail"]) < 200 and "GET /documents" in response.json()["detail"]
    path = client.get("/" + "y" * 5_000)
    assert path.status_code == 404 and len(path.json()["detail"]) < 1000
