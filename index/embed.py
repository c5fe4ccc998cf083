"""Turn text into unit vectors with a local sentence-transformers model."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from index.errors import ModelNotFoundError

if TYPE_CHECKING:
    import torch

# Never reach for a model hub: every model is a local folder.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


Precision = Literal["float32", "bfloat16"]


class Embedder(Protocol):
    """Anything that maps texts to L2-normalised float32 vectors of a fixed dimension."""

    dimension: int
    precision: Precision  # the dtype the model computes in; vectors of two precisions differ slightly

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Embedder over a sentence-transformers model folder on disk."""

    def __init__(self, model_path: Path, batch_size: int = 64, precision: Precision = "float32") -> None:
        if not (Path(model_path) / "modules.json").is_file():
            raise ModelNotFoundError(f"embedding model not found at {model_path} (no modules.json)")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        from index.packing import packed_encoder_for

        transformers_logging.disable_progress_bar()
        self.precision = precision
        try:
            self.model = SentenceTransformer(
                str(model_path),
                device="cpu",
                local_files_only=True,
                model_kwargs={"dtype": getattr(torch, self.precision)},
            )
        except (OSError, ValueError) as exc:
            raise ModelNotFoundError(f"cannot load embedding model at {model_path}: {exc}") from exc
        self.batch_size = batch_size
        # A fast tokenizer is not safe to call from two threads at once ("Already borrowed"); builds and
        # questions share the model, so their batches take turns.
        self._lock = threading.Lock()
        self.dimension = int(self.model.get_embedding_dimension() or 0)
        self.packed = packed_encoder_for(self.model)  # None: this model's batches are padded

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed `texts` in batches, calling `progress(n)` after each batch of n texts."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Texts of similar length fill packs evenly and pad little; the order is restored on the way out.
        by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for first in range(0, len(texts), self.batch_size):
            rows = by_length[first : first + self.batch_size]
            with self._lock:
                vectors[rows] = self._encode([texts[i] for i in rows]).numpy()
            if progress:
                progress(len(rows))
        # Normalised in float32: a bfloat16 norm is off by up to half a percent.
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def _encode(self, texts: list[str]) -> torch.Tensor:
        if self.packed is not None:
            return self.packed.encode(texts)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_tensor=True,
            show_progress_bar=False,  # its default draws one whenever logging is at INFO
        ).float()
