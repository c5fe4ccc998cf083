"""Chat messages in, cited answers out: the OpenAI chat format read as a question with its history, and an
answer written so that any chat client shows where each sentence comes from."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from answering import MAX_ANSWER_CHARS, MAX_HISTORY, MAX_QUESTION_CHARS, Answer, Citation, Turn
from server.chat_schemas import ChatMessage

# Every reply's own text ends where its passages begin: this heading opens them, so an earlier reply sent
# back as history is cut here and its quoted passages are not read as what the conversation said.
SOURCES_HEADING = "\n\n**Sources**\n"
CLOSEST_HEADING = "\n\n**Closest passages (not an answer)**\n"


class ChatRequestError(ValueError):
    """A chat request this service cannot answer: what to fix, which parameter, and the HTTP status."""

    def __init__(self, message: str, param: str, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.param = param
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Conversation:
    """The last user message, and the user/assistant pairs before it."""

    question: str
    history: tuple[Turn, ...]


def read_messages(messages: list[ChatMessage]) -> Conversation:
    """The question and its history; system and tool messages are read past."""
    if not messages:
        raise ChatRequestError("messages is empty: send at least one message with role 'user'.", "messages")
    if messages[-1].role != "user":
        raise ChatRequestError(
            f"the last message is from '{messages[-1].role}': it must be the user's question.", "messages"
        )
    question = messages[-1].text().strip()
    if not question:
        raise ChatRequestError("the last user message holds no text: send a question.", "messages")
    if len(question) > MAX_QUESTION_CHARS:
        raise ChatRequestError(f"the question is longer than {MAX_QUESTION_CHARS} characters.", "messages")
    turns: list[Turn] = []
    asked: str | None = None
    for message in messages[:-1]:
        if message.role == "user":
            asked = message.text().strip() or None
        elif message.role == "assistant" and asked is not None:
            turns.append(Turn(asked[:MAX_QUESTION_CHARS], _own_text(message.text())[:MAX_ANSWER_CHARS]))
            asked = None
    return Conversation(question, tuple(turns[-MAX_HISTORY:]))


def _own_text(reply: str) -> str:
    """A reply without the passages listed under it."""
    for heading in (SOURCES_HEADING, CLOSEST_HEADING):
        reply = reply.split(heading, 1)[0]
    return reply.strip()


def content_pieces(answer: Answer) -> list[str]:
    """The reply's text in the pieces a stream sends: each cited excerpt, then the passages list."""
    if answer.answered:
        sentences = [f"{c.excerpt} [{c.n}]" for c in answer.citations]
        pieces = [sentence if i == 0 else f" {sentence}" for i, sentence in enumerate(sentences)]
        return [*pieces, SOURCES_HEADING, *_listed(answer.citations)]
    pieces = [f"{answer.answer} Why: {answer.reason}."]
    if answer.citations:
        pieces += [CLOSEST_HEADING, *_listed(answer.citations)]
    return pieces


def _listed(citations: list[Citation]) -> list[str]:
    # A Markdown list, so that every client shows one passage a line.
    return [f"\n- [{c.n}] “{c.excerpt}” — *{c.title}*{f', p. {c.page}' if c.page else ''}" for c in citations]


def completion_id() -> str:
    """A new id for a completion, in OpenAI's style."""
    return f"chatcmpl-{uuid.uuid4().hex}"


async def stream_events(pieces: list[str], model: str, completion: str) -> AsyncIterator[str]:
    """Server-sent `chat.completion.chunk` events: the role, each piece, the finish, then [DONE].

    An async generator: Starlette runs a plain one in its thread pool, a thread hop for every event.
    """
    created = int(time.time())

    def chunk(delta: dict[str, str], finish: str | None = None) -> str:
        body = {
            "id": completion,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in pieces:
        yield chunk({"content": piece})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"
