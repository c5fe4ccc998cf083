"""The vector search on the request path."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import faiss
import numpy as np
import pytest

from index.search import Searcher, nearest


def test_faiss_searches_on_the_calling_thread_alone(searcher: Searcher) -> None:
    # FAISS's own OpenMP workers would spin on the core torch's forward passes need (see `nearest`).
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: OpenMP runs one thread anyway")
    query = searcher.matrix[:1]
    with ThreadPoolExecutor(max_workers=1) as fresh:
        assert fresh.submit(faiss.omp_get_max_threads).result() > 1
    with ThreadPoolExecutor(max_workers=1) as answering:
        scores, ids = answering.submit(nearest, searcher.stored.vectors, query, 2).result()
        assert answering.submit(faiss.omp_get_max_threads).result() == 1
    assert ids[0][0] == 0 and np.isclose(scores[0][0], 1.0, atol=1e-5)
