"""Request and response bodies of the OpenAI-compatible chat API (`/v1`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.schemas import CitationOut, ContextOut


class ContentPart(BaseModel):
    """One part of a message's content; only text parts are read."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """A message of the conversation, as chat clients send it."""

    model_config = ConfigDict(extra="allow")  # name, tool_calls, ...: accepted, not read

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        """The message's text, its text parts joined."""
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content if part.type == "text" and part.text)
        return self.content or ""


class ChatRequest(BaseModel):
    """A chat completion request; sampling parameters (temperature, top_p, max_tokens, ...) are accepted, unread."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage]
    stream: bool = False
    n: int | None = None


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    """A `chat.completion`, with this service's structured citations beside the text."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    citations: list[CitationOut] = Field(description="The cited passages, offsets included, as /ask returns them.")
    context: ContextOut = Field(description="How the last question was read with the earlier messages.")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "cited-answers"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class OpenAIError(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIProblem(BaseModel):
    """An error in OpenAI's shape, so that client libraries raise their typed exceptions."""

    error: OpenAIError


CHAT_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": OpenAIProblem, "description": description}
    for status, description in {
        400: "The request is malformed; `error.message` says what to fix.",
        401: "API keys are set and the request carries none, or a wrong one.",
        404: "No such model; see GET /v1/models.",
        413: "The request body is too large.",
        429: "Too many requests from this address; see Retry-After.",
        503: "No index is loaded, or answering took too long.",
    }.items()
}
