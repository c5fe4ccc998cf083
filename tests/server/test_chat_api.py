"""The OpenAI-compatible chat API, driven by the official `openai` client against the app over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from server.app import create_app
from server.chat import SOURCES_HEADING
from server.settings import Settings
from tests.conftest import ESSAY_ID, serve

MODEL = "cited-answers"
JNAAM = "What is JNAAM?"
LACKING = "Where does the essay say sustained interest in UK-Japan-US trilateralism is lacking?"
KEY = "sk-test-key"


@pytest.fixture(scope="module")
def keyed_url(essay_index: Path) -> Iterator[str]:
    """The app with API keys set and a tight rate limit, over real HTTP."""
    settings = Settings(index_dir=essay_index, api_keys=f"other-key, {KEY}", rate_limit_per_minute=5)
    with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
def client(live_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{live_url}/v1", api_key="unused", max_retries=0)


def test_models_lists_the_configured_model(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == [MODEL]


def test_a_question_is_answered_with_readable_sources_and_structured_citations(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": JNAAM}],
        temperature=0.2,
        max_tokens=50,
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    content = choice.message.content or ""
    answer, sources = content.split(SOURCES_HEADING)
    assert "Joint New Air-to-Air Missile" in answer and "[1]" in answer
    citations = (completion.model_extra or {})["citations"]
    assert citations and citations[0]["doc_id"] == ESSAY_ID
    for citation in citations:  # each [n] is listed with its exact excerpt and its document's title
        assert f"\n- [{citation['n']}] “{citation['excerpt']}” — *{citation['title']}*" in sources
        assert citation["end"] - citation["start"] == len(citation["excerpt"])


def test_the_streamed_answer_joins_to_the_whole(client: openai.OpenAI) -> None:
    whole = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": JNAAM}])
    chunks = list(
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": JNAAM}], stream=True)
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert len(pieces) >= 3  # sentence by sentence, then the sources
    assert "".join(pieces) == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])


def test_a_follow_up_is_read_through_the_message_history(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": LACKING}])
    reply = first.choices[0].message.content or ""
    messages = [
        {"role": "user", "content": LACKING},
        {"role": "assistant", "content": reply},  # sent back whole, sources list included, as clients do
        {"role": "user", "content": [{"type": "text", "text": "Why is that?"}]},
    ]
    followed = client.chat.completions.create(model=MODEL, messages=messages)
    assert "American policymakers are yet to grasp the benefits" in (followed.choices[0].message.content or "")
    assert (followed.model_extra or {})["context"]["turns"] == [0]


def test_a_question_the_documents_do_not_answer_says_so_and_lists_the_closest(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "How do I bake sourdough bread at home?"}]
    )
    content = completion.choices[0].message.content or ""
    assert content.startswith("The documents do not cover this question. Why:")
    assert "Closest passages (not an answer)" in content


def test_typed_errors(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": JNAAM}])
    assert unknown.value.code == "model_not_found" and "cited-answers" in unknown.value.message
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(model=MODEL, messages=[])
    assert "messages" in empty.value.message
    with pytest.raises(openai.BadRequestError, match="must be the user's question"):
        client.chat.completions.create(model=MODEL, messages=[{"role": "assistant", "content": "Hello"}])
    with pytest.raises(openai.BadRequestError, match="n must be 1"):
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": JNAAM}], n=2)


def test_keys_are_required_when_set_and_the_rate_limit_applies(keyed_url: str) -> None:
    wrong = openai.OpenAI(base_url=f"{keyed_url}/v1", api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    keyed = openai.OpenAI(base_url=f"{keyed_url}/v1", api_key=KEY, max_retries=0)
    assert [m.id for m in keyed.models.list()] == [MODEL]
    with pytest.raises(openai.RateLimitError):
        for _ in range(6):
            keyed.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": JNAAM}])


def test_errors_keep_each_api_s_shape(live_url: str, keyed_url: str) -> None:
    with httpx.Client(base_url=live_url) as http:
        assert "detail" in http.post("/ask", json={}).json()  # /ask keeps its own shape
        bad = http.post("/v1/chat/completions", json={"model": MODEL})
        assert bad.status_code == 400
        assert bad.json()["error"] == {
            "message": "messages: Field required",
            "type": "invalid_request_error",
            "param": "messages",
            "code": None,
        }
        big = http.post("/v1/chat/completions", content=b"x" * (Settings().max_body_bytes + 1))
        assert big.status_code == 413 and big.json()["error"]["code"] == "request_too_large"
        nowhere = http.get("/v1/engines")
        assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] is None
        assert "/v1/chat/completions" in nowhere.json()["error"]["message"]
    with httpx.Client(base_url=keyed_url) as http:
        missing = http.get("/v1/models")
        assert missing.status_code == 401 and missing.json()["error"]["code"] == "invalid_api_key"
        assert KEY not in missing.text


def test_messages_clients_send_are_read_or_refused_plainly(live_url: str) -> None:
    def post(messages: object) -> httpx.Response:
        return httpx.post(f"{live_url}/v1/chat/completions", json={"model": MODEL, "messages": messages}, timeout=30)

    image_only = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]
    assert post(image_only).status_code == 400 and "no text" in post(image_only).json()["error"]["message"]
    assert post([{"role": "user", "content": 42}]).status_code == 400
    assert post([{"role": "robot", "content": "hi"}]).json()["error"]["param"] == "messages"
    long_chat = [{"role": r, "content": f"turn {n}"} for n in range(30) for r in ("user", "assistant")]
    tools = [{"role": "assistant", "content": None, "tool_calls": []}, {"role": "tool", "content": "{}"}]
    asked = post([*long_chat, *tools, {"role": "user", "content": JNAAM}])
    assert (
        asked.status_code == 200 and "Joint New Air-to-Air Missile" in asked.json()["choices"][0]["message"]["content"]
    )
