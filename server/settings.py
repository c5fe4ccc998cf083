"""Service settings: the index settings plus what the HTTP edge needs."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator

from answering import DEFAULT_TOP_K
from index import PROJECT_ROOT, IndexSettings


class Settings(IndexSettings):
    """Everything the service is configured with; built once and passed to create_app."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    web_dir: Path = PROJECT_ROOT / "web"
    # Room for a question with a full history (20 turns of 1,000 + 5,000 characters), even \u-escaped.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    default_top_k: int = Field(default=DEFAULT_TOP_K, ge=1, le=10)
    # Enables POST /index/rebuild; read from ADMIN_TOKEN. A SecretStr never shows in logs or reprs.
    admin_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("admin_token", "ADMIN_TOKEN", "QA_ADMIN_TOKEN")
    )
    # Comma-separated keys that /v1 (the OpenAI-compatible API) requires as `Authorization: Bearer <key>`;
    # unset or blank, /v1 is open like /ask.
    api_keys: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("api_keys", "API_KEYS", "QA_API_KEYS")
    )
    # The model name chat clients pick, listed by GET /v1/models.
    chat_model: str = Field(default="cited-answers", min_length=1)
    # A request's head (request line and headers) must arrive within this and be no larger (408, 431).
    head_timeout_s: float = Field(default=5.0, gt=0, le=300)
    max_head_bytes: int = Field(default=16 * 1024, ge=1024)
    reload_interval_s: float = Field(default=2.0, gt=0, le=3600)
    # Requests per minute per client address on /ask; 0 turns the limit off.
    rate_limit_per_minute: int = Field(
        default=60, ge=0, validation_alias=AliasChoices("rate_limit_per_minute", "RATE_LIMIT_PER_MINUTE")
    )
    request_timeout_s: float = Field(default=10.0, gt=0, le=300)
    answer_cache_size: int = Field(default=1024, ge=0)
    # Questions from concurrent requests share one forward pass; see server/batching.py.
    embed_max_batch: int = Field(default=32, ge=1, le=256)
    embed_max_wait_ms: float = Field(default=2.0, ge=0, le=100)
    # A lone batch of questions uses every one of torch's threads; concurrent batches run side by side
    # on `model_lanes` lanes, sharing the threads out (index/embedding/embed.py, README Performance).
    torch_threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    model_lanes: int = Field(default=2, ge=1, le=8)
    cors_origins: list[str] = Field(default_factory=list)
    log_questions: bool = False
    # A Server-Timing header on each response: where its time went (validation, queue, embedding, ...).
    server_timing: bool = True

    @field_validator("admin_token", "api_keys")
    @classmethod
    def _blank_token_is_unset(cls, token: SecretStr | None) -> SecretStr | None:
        """An empty or whitespace-only token means no token: admin routes closed to all, /v1 open to all."""
        return None if token is None or not token.get_secret_value().strip() else token

    def chat_keys(self) -> list[bytes]:
        """The API keys /v1 accepts, as bytes; empty when /v1 is open."""
        if self.api_keys is None:
            return []
        return [key.strip().encode() for key in self.api_keys.get_secret_value().split(",") if key.strip()]
