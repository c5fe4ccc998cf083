"""The LangChain-style pipeline people would otherwise build, reproduced for comparison.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) over the raw files, the same
embedding model, a flat FAISS index, top 4, and the first chunk taken as the answer. The splitter
follows langchain_text_splitters' algorithm step for step (keep_separator=True, strip_whitespace=True).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import faiss
import numpy as np

from index import Embedder

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
SEPARATORS = ("\n\n", "\n", " ", "")
TOP_K = 4


def split_text(text: str, separators: tuple[str, ...] = SEPARATORS) -> list[str]:
    """Split text as RecursiveCharacterTextSplitter does with its defaults."""
    separator: str = separators[-1]
    remaining: tuple[str, ...] = ()
    for i, candidate in enumerate(separators):
        if candidate == "":
            separator = candidate
            break
        if re.search(re.escape(candidate), text):
            separator, remaining = candidate, separators[i + 1 :]
            break
    chunks: list[str] = []
    good: list[str] = []
    for piece in _split_keeping_separator(text, separator):
        if len(piece) < CHUNK_SIZE:
            good.append(piece)
            continue
        if good:
            chunks.extend(_merge(good))
            good = []
        chunks.extend(split_text(piece, remaining) if remaining else [piece])
    if good:
        chunks.extend(_merge(good))
    return chunks


def _split_keeping_separator(text: str, separator: str) -> list[str]:
    if not separator:
        return [c for c in text if c]
    parts = re.split(f"({re.escape(separator)})", text)
    pieces = [parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2)]
    if len(parts) % 2 == 0:
        pieces += parts[-1:]
    return [p for p in [parts[0], *pieces] if p]


def _merge(pieces: list[str]) -> list[str]:
    docs: list[str] = []
    current: list[str] = []
    total = 0
    for piece in pieces:
        if total + len(piece) > CHUNK_SIZE and current:
            joined = "".join(current).strip()
            if joined:
                docs.append(joined)
            while total > CHUNK_OVERLAP or (total + len(piece) > CHUNK_SIZE and total > 0):
                total -= len(current[0])
                current = current[1:]
        current.append(piece)
        total += len(piece)
    joined = "".join(current).strip()
    if joined:
        docs.append(joined)
    return docs


@dataclass
class BaselinePipeline:
    """Chunks of raw text in a flat inner-product FAISS index."""

    chunks: list[str]
    index: faiss.Index
    embedder: Embedder

    @classmethod
    def build(cls, raw_texts: list[str], embedder: Embedder) -> BaselinePipeline:
        """Split and embed the raw documents."""
        chunks = [c for text in raw_texts for c in split_text(text)]
        index = faiss.IndexFlatIP(embedder.dimension)
        index.add(embedder.embed(chunks))
        return cls(chunks, index, embedder)

    def retrieve(self, question: str, k: int = TOP_K) -> list[str]:
        """The top-k chunks for a question."""
        query = np.asarray(self.embedder.embed([question]), dtype=np.float32)
        _, ids = self.index.search(query, min(k, self.index.ntotal))
        return [self.chunks[i] for i in ids[0] if i >= 0]
