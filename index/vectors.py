"""FAISS behind one small class: the only module of the service that touches it.

An index holds one unit vector per sentence, then one per context window, and finds the nearest
by inner product (cosine, as the vectors are normalised): exactly (flat), or approximately (HNSW)
for large corpora.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Literal

import faiss
import numpy as np

IndexType = Literal["flat", "hnsw"]
HNSW_M = 32  # links per node: recall near flat's at this corpus scale, for 2x the memory of the vectors
HNSW_EF_SEARCH = 256  # the search asks for 64 candidates; a wider beam keeps recall of all 64 high
_threads = threading.local()  # whether this thread's FAISS searches are single-threaded yet


class VectorIndex:
    """Vectors in a FAISS inner-product index: add, search, count, save and load."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def new(cls, dimension: int, index_type: IndexType = "flat") -> VectorIndex:
        """An empty index: exact flat, or approximate HNSW for large corpora."""
        if index_type == "hnsw":
            return cls(faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT))
        return cls(faiss.IndexFlatIP(dimension))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        """Read an index written by `save`; RuntimeError when FAISS cannot read it."""
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index)

    def save(self, path: Path) -> None:
        """Write the index to one file."""
        faiss.write_index(self._index, str(path))

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors; their ids continue from `count`."""
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @property
    def count(self) -> int:
        """How many vectors the index holds."""
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return int(self._index.d)

    @property
    def index_type(self) -> IndexType:
        """'hnsw' for the approximate graph index, 'flat' for exact search."""
        return "hnsw" if isinstance(self._index, faiss.IndexHNSW) else "flat"

    def stored(self) -> np.ndarray:
        """All vectors as a read-only [count, dimension] view of FAISS's own storage, not a copy.

        Search scores every candidate exactly against both of its vectors (sentence and context);
        reading them here keeps one copy of the vectors in memory instead of two.
        """
        # An HNSW index keeps its vectors in a flat index of its own; a flat index is that storage itself.
        flat = faiss.downcast_index(self._index.storage) if isinstance(self._index, faiss.IndexHNSW) else self._index
        assert isinstance(flat, faiss.IndexFlat)
        view = faiss.rev_swig_ptr(flat.get_xb(), self.count * self.dimension).reshape(self.count, self.dimension)
        view.flags.writeable = False
        return view

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and ids of the `k` nearest vectors to each query, searched on the calling thread alone.

        FAISS brings an OpenMP runtime of its own, apart from torch's; its workers spin after each
        search on the core the next forward pass needs, and one query searches faster on one thread
        anyway (bench/results.md). OpenMP keeps the thread count per calling thread, so each thread
        that searches sets its own, once.
        """
        if not getattr(_threads, "single", False):
            faiss.omp_set_num_threads(1)
            _threads.single = True
        return self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
