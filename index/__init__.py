"""The ingestion job and the index: read, repair, segment, embed, store versioned FAISS indexes, search.

This module is the library's public interface; code outside `index/` imports from here only.
"""

from index.base_forms import WORDNET_NOTICE
from index.build import BuildReport, build_index
from index.embedding.embed import Embedder, LanedEmbedder, SentenceTransformerEmbedder
from index.embedding.precision import Precision
from index.errors import (
    BuildCancelledError,
    BuildFailedError,
    BuildInProgressError,
    CorruptIndexError,
    EmptyCorpusError,
    IndexError_,
    IndexNotFoundError,
    ModelMismatchError,
    ModelNotFoundError,
    UnreadableDocumentError,
)
from index.ingest.corpus import Document, raw_texts
from index.ingest.segment import Sentence
from index.opening import index_outdated, live_version_path, load_embedder, open_index, open_version
from index.search import CANDIDATES, Hit, Searcher
from index.settings import PROJECT_ROOT, IndexSettings
from index.terms import STOPWORDS, TOKEN, content_terms, stem
from index.vectors import IndexType

__all__ = [
    "CANDIDATES",
    "PROJECT_ROOT",
    "STOPWORDS",
    "TOKEN",
    "WORDNET_NOTICE",
    "BuildCancelledError",
    "BuildFailedError",
    "BuildInProgressError",
    "BuildReport",
    "CorruptIndexError",
    "Document",
    "Embedder",
    "EmptyCorpusError",
    "Hit",
    "IndexError_",
    "IndexNotFoundError",
    "IndexSettings",
    "IndexType",
    "LanedEmbedder",
    "ModelMismatchError",
    "ModelNotFoundError",
    "Precision",
    "Searcher",
    "Sentence",
    "SentenceTransformerEmbedder",
    "UnreadableDocumentError",
    "build_index",
    "content_terms",
    "index_outdated",
    "live_version_path",
    "load_embedder",
    "open_index",
    "open_version",
    "raw_texts",
    "stem",
]
