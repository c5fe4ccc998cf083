"""Open an index for searching: load the model, load a version, check the model built it, make its searcher."""

from __future__ import annotations

from pathlib import Path

from index.embedding.embed import Embedder, SentenceTransformerEmbedder
from index.errors import ModelMismatchError
from index.search import Searcher
from index.settings import IndexSettings
from index.store import (
    StoredIndex,
    current_version_path,
    embedded_precision,
    ingestion_outdated,
    load_version,
    read_manifest,
)


def live_version_path(index_dir: Path) -> Path:
    """The folder of the version `current` names, or IndexNotFoundError."""
    return current_version_path(index_dir)


def open_version(path: Path, embedder: Embedder, model_name: str) -> Searcher:
    """A searcher over one version folder, refused (IndexError_) if corrupt or from another model."""
    stored = load_version(path)
    check_model(stored, embedder, model_name)
    return Searcher(stored, embedder)


def open_index(index_dir: Path, embedder: Embedder, model_name: str) -> Searcher:
    """A searcher over the live version of an index folder."""
    return open_version(live_version_path(index_dir), embedder, model_name)


def index_outdated(index_dir: Path, embedder: Embedder, corpus_dir: Path) -> bool:
    """Whether the index folder needs a build: none yet, older ingestion, another precision, or newer corpus files."""
    if not (index_dir / "current").exists():
        return True
    version = live_version_path(index_dir)
    manifest = read_manifest(version)
    if ingestion_outdated(manifest) or embedded_precision(manifest) != embedder.precision:
        return True
    return any(p.stat().st_mtime > version.stat().st_mtime for p in corpus_dir.iterdir())


def check_model(stored: StoredIndex, embedder: Embedder, model_name: str) -> None:
    """Refuse an index whose vectors come from another model, or precision, than the configured one."""
    model = stored.manifest["model"]
    if model["name"] != model_name or model["dimension"] != embedder.dimension:
        raise ModelMismatchError(
            f"index {stored.version} was built with {model['name']}/{model['dimension']}, "
            f"the configured model is {model_name}/{embedder.dimension}: rebuild the index"
        )
    # Questions embedded in one precision and sentences in the other score slightly apart, and an
    # answer would then depend on which precision built the index.
    built_in = embedded_precision(stored.manifest)
    if built_in != embedder.precision:
        raise ModelMismatchError(
            f"index {stored.version} was embedded in {built_in}, the model runs in {embedder.precision}: "
            f"rebuild the index, or set QA_MODEL_PRECISION={built_in}"
        )


def load_embedder(settings: IndexSettings, lanes: int = 1) -> SentenceTransformerEmbedder:
    """The configured embedding model, loaded, in the precision the settings resolve to for their index.

    `lanes` is how many batches of questions it may embed side by side (`SentenceTransformerEmbedder`).
    """
    return SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size, settings.precision(), lanes)
