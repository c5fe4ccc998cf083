"""What the app holds: the live index, kept out of the garbage collector's walks, and freed when replaced."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import SentenceTransformerEmbedder, build_index
from server.state import IndexHolder
from tests.conftest import MODEL_NAME


@pytest.fixture
def unfrozen_after() -> Iterator[None]:
    """Unfreeze the heap once the test is done, so the rest of the run collects as usual."""
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_after")
def test_the_live_index_is_frozen_out_of_collections_and_a_replaced_one_is_freed(
    corpus_copy: Path, tmp_path: Path, embedder: SentenceTransformerEmbedder
) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, embedder, MODEL_NAME)
    holder = IndexHolder(index_dir, MODEL_NAME, embedder)
    assert holder.refresh()
    first = holder.current()
    assert gc.get_freeze_count() > 0
    assert not any(tracked is first for tracked in gc.get_objects())  # in no generation: never walked

    (corpus_copy / "accord.txt").write_text("The Zephyr Accord was signed in 2031.", encoding="utf-8")
    build_index(corpus_copy, index_dir, embedder, MODEL_NAME)
    gone = weakref.ref(first)
    del first
    assert holder.refresh()
    gc.collect()
    assert gone() is None
    assert not any(tracked is holder.current() for tracked in gc.get_objects())
