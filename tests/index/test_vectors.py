"""The FAISS wrapper: exact and approximate search, its storage read without a copy, single-threaded search."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.vectors import IndexType, VectorIndex


def _unit_rows(count: int, dimension: int = 32) -> np.ndarray:
    rows = np.random.default_rng(7).standard_normal((count, dimension)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _saved_and_loaded(folder: Path, index_type: IndexType, rows: np.ndarray) -> VectorIndex:
    vectors = VectorIndex.new(rows.shape[1], index_type)
    vectors.add(rows)
    vectors.save(folder / "v.faiss")
    return VectorIndex.load(folder / "v.faiss")


@pytest.mark.parametrize("index_type", ["flat", "hnsw"])
def test_saved_vectors_load_and_find_themselves(tmp_path: Path, index_type: IndexType) -> None:
    rows = _unit_rows(200)
    loaded = _saved_and_loaded(tmp_path, index_type, rows)
    assert (loaded.count, loaded.dimension, loaded.index_type) == (200, 32, index_type)
    scores, ids = loaded.search(rows[[5, 17]], 3)
    assert list(ids[:, 0]) == [5, 17] and np.allclose(scores[:, 0], 1.0, atol=1e-5)


@pytest.mark.parametrize("index_type", ["flat", "hnsw"])
def test_stored_vectors_are_faiss_own_memory_not_a_copy(tmp_path: Path, index_type: IndexType) -> None:
    rows = _unit_rows(50)
    loaded = _saved_and_loaded(tmp_path, index_type, rows)
    first, second = loaded.stored(), loaded.stored()
    assert np.array_equal(first, rows)
    assert not first.flags.owndata and not first.flags.writeable
    assert np.shares_memory(first, second)  # both views read the one buffer FAISS holds


def test_faiss_searches_on_the_calling_thread_alone() -> None:
    # FAISS's own OpenMP workers would spin on the core torch's forward passes need (see VectorIndex.search).
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: OpenMP runs one thread anyway")
    rows = _unit_rows(10)
    vectors = VectorIndex.new(32)
    vectors.add(rows)
    with ThreadPoolExecutor(max_workers=1) as fresh:
        assert fresh.submit(faiss.omp_get_max_threads).result() > 1
    with ThreadPoolExecutor(max_workers=1) as answering:
        scores, ids = answering.submit(vectors.search, rows[:1], 2).result()
        assert answering.submit(faiss.omp_get_max_threads).result() == 1
    assert ids[0][0] == 0 and np.isclose(scores[0][0], 1.0, atol=1e-5)
