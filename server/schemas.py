"""Request and response bodies of the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue, StrictInt, StringConstraints

from answering import DEFAULT_TOP_K, MAX_ANSWER_CHARS, MAX_HISTORY, MAX_QUESTION_CHARS

ASK_EXAMPLE: dict[str, JsonValue] = {"question": "What is JNAAM?", "top_k": DEFAULT_TOP_K}
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)]


def _integral(value: object) -> object:
    """3.0 is an integer to JSON Schema, so it is read as 3; 3.5 is left for StrictInt to refuse."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Strict: `true` and "3" are refused, not read as 1 and 3.
TopK = Annotated[StrictInt, BeforeValidator(_integral)]


class TurnIn(BaseModel):
    """An earlier turn of the conversation, as the service answered it."""

    model_config = ConfigDict(extra="forbid")

    question: Question = Field(description=f"The earlier question, 1-{MAX_QUESTION_CHARS} characters after trimming.")
    answer: str = Field(
        max_length=MAX_ANSWER_CHARS,
        description=f"The service's answer to it ([n] markers included), at most {MAX_ANSWER_CHARS} characters.",
    )


class AskRequest(BaseModel):
    """A question, how many citations at most to return, and the conversation so far."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ASK_EXAMPLE]})

    question: Question = Field(description=f"The question, 1-{MAX_QUESTION_CHARS} characters after trimming.")
    top_k: TopK | None = Field(default=None, ge=1, le=10, description="Citations to return at most (1-10).")
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description=f"Earlier turns, oldest first (at most {MAX_HISTORY}): a follow-up question is read with them.",
    )


class CitationOut(BaseModel):
    """A cited excerpt: the document's text[start:end] equals `excerpt` exactly."""

    model_config = ConfigDict(from_attributes=True)  # read straight from answering.Citation

    n: int
    doc_id: str
    title: str
    excerpt: str
    start: int
    end: int
    context: str
    score: float
    page: int | None = Field(description="The PDF page (1-based) the excerpt starts on; null for other documents.")


class ContextOut(BaseModel):
    """How the question was read: with which earlier turns, and which of their words."""

    model_config = ConfigDict(from_attributes=True)  # read straight from answering.Reading

    turns: list[int] = Field(description="Indexes into `history` of the turns it was read with; empty: alone.")
    terms: list[str] = Field(description="The words carried over from those turns.")


class AskResponse(BaseModel):
    """An answer whose sentences each carry an [n] that names a citation."""

    question: str
    answered: bool
    answer: str
    citations: list[CitationOut]
    reason: str = Field(description="Why the documents do not answer; empty when answered.")
    related: list[CitationOut] = Field(
        default_factory=list,
        description="Further passages worth reading, up to top_k in all with the citations; not part of the answer.",
    )
    context: ContextOut
    index_version: str
    took_ms: float


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    chars: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    text: str


class Problem(BaseModel):
    """An error: `detail` says what is wrong and what to do."""

    detail: str


# Documented error responses, shared by the routes.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The request is not well-formed HTTP (e.g. a bad Content-Length)."},
    408: {"model": Problem, "description": "The request body did not arrive in time."},
    413: {"model": Problem, "description": "The request body is too large."},
    422: {"model": Problem, "description": "The request is malformed; `detail` says what to fix."},
    429: {"model": Problem, "description": "Too many questions from this address; see Retry-After."},
    503: {"model": Problem, "description": "No index is loaded, or answering took too long."},
}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No bearer token was sent."},
    403: {"model": Problem, "description": "The token is wrong, or rebuilds are disabled."},
}
