"""Packed, unpadded encoding against the model's own padded vectors, on the real model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from index.embedding.embed import SentenceTransformerEmbedder
from index.embedding.model_folder import is_mean_pooled_bert, load_mean_pooled_bert
from index.embedding.packing import PackedEncoder, packs
from tests.conftest import copy_of_the_model

TEXTS = [
    "When was the agreement signed?",
    "",
    "   Who leads the Reciprocal Access Agreement talks?   ",
    "The two navies exercised together in the Pacific in 2021, and their coastguards met twice. " * 30,
    "UK",
    "Which fighter jet are Britain, Japan and Italy building together under GCAP?",
]


def test_packs_keep_order_and_stay_within_the_token_budget() -> None:
    sequences = [[1] * n for n in (3, 3, 3, 5, 10, 2)]
    grouped = list(packs(sequences, 8))
    assert [[len(s) for s in pack] for pack in grouped] == [[3, 3], [3, 5], [10], [2]]
    assert [s for pack in grouped for s in pack] == sequences


def _unit(vectors: torch.Tensor | np.ndarray) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_packed_vectors_equal_the_models_padded_ones(embedder: SentenceTransformerEmbedder) -> None:
    # A small budget forces several packs, one text longer than the model's 256 tokens is truncated
    # alone, and the empty and space-padded texts are prepared as sentence-transformers prepares them.
    encoder = PackedEncoder(load_mean_pooled_bert(embedder.model_path), max_tokens=40)
    padded = embedder.sentence_transformer().encode(TEXTS, convert_to_numpy=True)
    packed = _unit(encoder.encode(TEXTS))
    assert np.min(np.sum(packed * _unit(padded), axis=1)) > 0.99999


def test_a_text_sees_only_itself_inside_a_pack(embedder: SentenceTransformerEmbedder) -> None:
    encoder = PackedEncoder(load_mean_pooled_bert(embedder.model_path))
    together = _unit(encoder.encode(TEXTS))
    alone = _unit(np.vstack([encoder.encode([text]).numpy() for text in TEXTS]))
    assert np.abs(together - alone).max() < 1e-5


def test_the_embedder_packs_the_default_model(embedder: SentenceTransformerEmbedder) -> None:
    assert embedder.packed is not None
    vectors = embedder.embed(TEXTS)
    assert np.min(np.sum(vectors * _unit(embedder.sentence_transformer().encode(TEXTS)), axis=1)) > 0.99999


def test_the_packed_encoder_runs_compiled_and_equals_the_python_encoder_to_the_bit(
    embedder: SentenceTransformerEmbedder,
) -> None:
    packed = embedder.packed
    assert packed is not None and isinstance(packed.transformer, torch.jit.ScriptModule)
    model = load_mean_pooled_bert(embedder.model_path)
    embedder._in_precision(model.transformer)  # the same linear layers the service computes with
    in_python = PackedEncoder(model)
    in_python.transformer = model.transformer  # the module as written, run op by op from Python
    texts = TEXTS * 3  # a pack of several texts, one of them long
    assert torch.equal(embedder.run(packed.encode, texts), embedder.run(in_python.encode, texts))


@pytest.fixture(scope="module")
def cls_pooled_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model's folder, but pooling the [CLS] token instead of the mean: not packable."""
    folder = copy_of_the_model(tmp_path_factory.mktemp("cls-model"))
    config = folder / "1_Pooling" / "config.json"
    settings = json.loads(config.read_text())
    settings |= {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}
    config.write_text(json.dumps(settings))
    return folder


def test_a_model_that_is_not_mean_pooled_is_padded_as_before(cls_pooled_model: Path) -> None:
    assert not is_mean_pooled_bert(cls_pooled_model)
    embedder = SentenceTransformerEmbedder(cls_pooled_model)
    assert embedder.packed is None
    try:
        vectors = embedder.embed(TEXTS)
        assert np.min(np.sum(vectors * _unit(embedder.sentence_transformer().encode(TEXTS)), axis=1)) > 0.99999
    finally:
        embedder.close()
