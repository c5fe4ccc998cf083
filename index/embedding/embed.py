"""Turn text into unit vectors with a local sentence-transformers model."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import numpy as np

from index.embedding.precision import Precision
from index.errors import ModelNotFoundError

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

# Never reach for a model hub: every model is a local folder.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

Result = TypeVar("Result")


class Embedder(Protocol):
    """Anything that maps texts to L2-normalised float32 vectors of a fixed dimension."""

    dimension: int
    precision: Precision  # what the model's products compute in; vectors of two precisions differ slightly

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray: ...


@runtime_checkable
class LanedEmbedder(Embedder, Protocol):
    """An embedder that can run several forward passes side by side, one per lane."""

    lanes: int

    def embed_on(self, lane: int, texts: Sequence[str], shared: bool) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Embedder over a sentence-transformers model folder on disk.

    A folder of the common kind (a mean-pooled BERT, `index/embedding/model_folder.py`) runs on the packed
    encoder without sentence-transformers; any other runs on sentence-transformers itself.

    All its torch work runs on one thread of its own. torch's OpenMP (libgomp) gives every thread that
    starts parallel work a pool of its own; once the pools' threads outnumber the cores, libgomp stops
    spinning between parallel regions, and every forward pass pays for waking its workers (a question
    took markedly longer after a single probe encode on a second thread; README, Performance). One thread also
    keeps the fast tokenizer, which is not safe to call from two threads at once, to itself; builds and
    questions take turns on it.

    With `lanes` above one, more threads run the model beside it, for concurrent questions
    (`embed_on`): the cores are shared out between the lanes, so that one lane's forward pass runs
    while another's questions are composed, instead of the cores idling then. Lane 0 is the thread
    above; the others always run on their share of the threads, and every thread tokenizes with a
    copy of the tokenizer of its own.
    """

    def __init__(
        self, model_path: Path, batch_size: int = 64, precision: Precision = "float32", lanes: int = 1
    ) -> None:
        if not (Path(model_path) / "modules.json").is_file():
            raise ModelNotFoundError(f"embedding model not found at {model_path} (no modules.json)")
        self.model_path = Path(model_path)
        self.precision = precision
        self.batch_size = batch_size
        self._sentence_transformer: SentenceTransformer | None = None
        self._torch_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="torch")
        self.all_threads = self.run(self._load)
        self.lanes = lanes if self.packed is not None else 1
        self.shared_threads = max(1, self.all_threads // self.lanes)
        self._lanes = [self._torch_thread] + [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"torch-lane{lane}") for lane in range(1, self.lanes)
        ]

    def run(self, work: Callable[..., Result], *args: Any) -> Result:
        """Run `work(*args)` on the embedder's torch thread and return its result; use it for any model call."""
        return self._torch_thread.submit(work, *args).result()

    def embed_on(self, lane: int, texts: Sequence[str], shared: bool) -> np.ndarray:
        """Embed one batch of `texts` on `lane`: lane 0 on all its threads unless `shared` (other lanes at work)."""
        threads = self.all_threads if lane == 0 and not shared else self.shared_threads
        return _unit(self._lanes[lane].submit(self._encode_on, list(texts), threads).result().numpy())

    def close(self) -> None:
        """Let the torch threads end once their queued work is done; their OpenMP pools go with them."""
        for lane in self._lanes:
            lane.shutdown(wait=True)

    def _encode_on(self, texts: list[str], threads: int) -> torch.Tensor:
        """`_encode` on `threads` of torch's threads."""
        import torch

        # Set before the thread's first parallel work: a lane of one thread never starts an OpenMP pool.
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        return self._encode(texts)

    def sentence_transformer(self) -> SentenceTransformer:
        """The model as sentence-transformers loads and runs it, in this precision; call it off the torch thread.

        A folder the packed encoder reads by itself never needs it to embed: this is for comparing
        with the reference, as the tests and the benchmark's floor do. It is loaded on the first call.
        """
        if self._sentence_transformer is None:
            self._sentence_transformer = self.run(self._load_sentence_transformer)
        return self._sentence_transformer

    def _load(self) -> int:
        """Load the model on the torch thread; the number of threads torch gives it."""
        import torch

        from index.embedding.model_folder import is_mean_pooled_bert, load_mean_pooled_bert
        from index.embedding.packing import PackedEncoder

        self.packed: PackedEncoder | None = None
        if is_mean_pooled_bert(self.model_path):
            try:
                model = load_mean_pooled_bert(self.model_path)
            except (OSError, ValueError) as exc:
                raise ModelNotFoundError(f"cannot load embedding model at {self.model_path}: {exc}") from exc
            self._in_precision(model.transformer)
            self.packed = PackedEncoder(model)
            self.dimension = model.dimension
        else:
            self._sentence_transformer = self._load_sentence_transformer()
            self.dimension = int(self._sentence_transformer.get_embedding_dimension() or 0)
        return torch.get_num_threads()

    def _load_sentence_transformer(self) -> SentenceTransformer:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        try:
            model = SentenceTransformer(
                str(self.model_path), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.float32}
            )
        except (OSError, ValueError) as exc:
            raise ModelNotFoundError(f"cannot load embedding model at {self.model_path}: {exc}") from exc
        self._in_precision(model)
        return model

    def _in_precision(self, model: torch.nn.Module) -> None:
        """Make `model` compute in this embedder's precision: float32 as loaded, or bfloat16 linear layers."""
        from index.embedding.mixed import bfloat16_linears

        if self.precision == "bfloat16":
            bfloat16_linears(model)

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed `texts` in batches, calling `progress(n)` after each batch of n texts."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Texts of similar length fill packs evenly and pad little; the order is restored on the way out.
        by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for first in range(0, len(texts), self.batch_size):
            rows = by_length[first : first + self.batch_size]
            vectors[rows] = self.run(self._encode_on, [texts[i] for i in rows], self.all_threads).numpy()
            if progress:
                progress(len(rows))
        return _unit(vectors)

    def _encode(self, texts: list[str]) -> torch.Tensor:
        if self.packed is not None:
            return self.packed.encode(texts)
        assert self._sentence_transformer is not None  # loaded whenever packing is off
        return self._sentence_transformer.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_tensor=True,
            show_progress_bar=False,  # its default draws one whenever logging is at INFO
        ).float()


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
