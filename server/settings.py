"""Service settings: the index settings plus what the HTTP edge needs."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr

from index.settings import PROJECT_ROOT, IndexSettings


class Settings(IndexSettings):
    """Everything the service is configured with; built once and passed to create_app."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    web_dir: Path = PROJECT_ROOT / "web"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_question_chars: int = 1000
    default_top_k: int = Field(default=3, ge=1, le=10)
    # Enables POST /index/rebuild; read from ADMIN_TOKEN. A SecretStr never shows in logs or reprs.
    admin_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("admin_token", "ADMIN_TOKEN", "QA_ADMIN_TOKEN")
    )
    reload_interval_s: float = Field(default=2.0, gt=0, le=3600)
