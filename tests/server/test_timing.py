"""Where a request's time goes: the Server-Timing header, over real HTTP with the real model and index."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.settings import Settings
from server.timing import STAGES, RequestTiming, parse
from tests.conftest import serve

ANSWER_STAGES = ["validation", "queue", "embedding", "answering", "handoff", "serialisation", "total"]


def test_an_answer_reports_every_stage_in_order_and_they_fit_in_the_total(client: httpx.Client) -> None:
    # A question no other test asks, so the answer cache cannot hold it.
    response = client.post("/ask", json={"question": "Which exercise did the Typhoons fly in Japan in 2016?"})
    assert response.status_code == 200
    header = response.headers["server-timing"]
    stages = parse(header)
    assert list(stages) == ANSWER_STAGES
    assert all(ms >= 0 for ms in stages.values())
    assert stages["embedding"] > 0 and stages["answering"] > 0
    assert sum(ms for name, ms in stages.items() if name != "total") <= stages["total"] + 0.1  # rounding
    assert 'desc="the question\'s batch through the model"' in header


def test_a_cached_answer_and_a_chat_completion_report_what_they_went_through(client: httpx.Client) -> None:
    question = {"question": "What does GCAP stand for, in the essay's words?"}
    client.post("/ask", json=question)
    assert list(parse(client.post("/ask", json=question).headers["server-timing"])) == [
        "validation",
        "serialisation",
        "total",
    ]
    chat = client.post(
        "/v1/chat/completions",
        json={"model": "cited-answers", "messages": [{"role": "user", "content": "Who wrote about minilateralism?"}]},
    )
    assert chat.status_code == 200
    assert {"queue", "embedding", "answering"} <= set(parse(chat.headers["server-timing"]))
    assert list(parse(client.get("/healthz").headers["server-timing"])) == ["total"]


def test_the_header_can_be_turned_off(essay_index: Path) -> None:
    settings = Settings(index_dir=essay_index, rate_limit_per_minute=0, server_timing=False)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=30) as http:
        response = http.post("/ask", json={"question": "What is JNAAM?"})
        assert response.status_code == 200 and "server-timing" not in response.headers


def test_the_header_names_only_the_stages_a_request_met() -> None:
    timing = RequestTiming(started=10.0)
    timing.handler_started = 10.002
    timing.seconds["embedding"] = 0.005
    assert parse(timing.header(now=10.010)) == pytest.approx({"validation": 2.0, "embedding": 5.0, "total": 10.0})
    assert set(STAGES) == set(ANSWER_STAGES)
