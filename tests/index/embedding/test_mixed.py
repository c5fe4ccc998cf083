"""Linear layers in bfloat16 inside the float32 model, on the real model."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import torch

from index.embedding.embed import SentenceTransformerEmbedder
from index.embedding.mixed import BFloat16Linear, padded_rows
from index.settings import IndexSettings

# Questions of 5 to 27 tokens: a lone one of under 16 tokens went another way before rows were padded.
QUESTIONS = [
    "What is JNAAM?",
    "Who is William Tow?",
    "When was the trilateral naval agreement signed?",
    "Which share of total British trade crosses the South China Sea?",
    "What do the new security groupings lack that keeps most of them from being defined as actual alliances?",
    "Why is a UK-Japan-US trilateral harder for Washington to run than an Indo-Pacific one?",
    "How does Tokyo view Russia?",
    "Which Australian scholar described the quasi-alliances as a 'unique theoretical challenge' for theorists?",
]
SENTENCES = [
    "The two navies exercised together in the Pacific in 2021, and their coastguards met twice.",
    "UK",
    "A UK-Japan study on a new Joint New Air-to-Air Missile (JNAAM) Phase 2 promises to put a Japanese engine "
    "in British Meteor missiles, creating what some experts predict will be the best missile in allied inventories.",
]


@pytest.fixture(scope="module")
def half() -> Iterator[SentenceTransformerEmbedder]:
    embedder = SentenceTransformerEmbedder(IndexSettings().model_path, precision="bfloat16")
    yield embedder
    embedder.close()  # a second live torch thread would slow every later test's forward passes


def test_padded_row_counts_are_few_and_close_above_the_count() -> None:
    sizes = {padded_rows(n) for n in range(1, 2049)}
    assert len(sizes) == 40
    for n in range(1, 5000):
        assert n <= padded_rows(n) <= n + max(15, n // 8)


def test_each_row_of_a_bfloat16_product_is_the_same_whatever_rows_share_the_call() -> None:
    torch.manual_seed(0)
    linear = torch.nn.Linear(384, 1536)
    layer = BFloat16Linear(linear)
    rows = torch.randn(1, 300, 384)
    together = layer(rows)
    for count in (1, 12, 17, 64, 257):
        assert torch.equal(layer(rows[:, :count]), together[:, :count])
    assert together.dtype == torch.float32
    assert torch.allclose(together, linear(rows), rtol=0, atol=0.05)


def test_only_the_linear_layers_compute_in_bfloat16(half: SentenceTransformerEmbedder) -> None:
    assert half.packed is not None
    layers = list(half.packed.transformer.modules())
    kinds = [_kind(m) for m in layers]
    assert "Linear" not in kinds
    assert kinds.count(BFloat16Linear.__name__) == 36  # six in each of six layers
    for module, kind in zip(layers, kinds, strict=True):
        for name, parameter in module.named_parameters(recurse=False):
            expected = torch.bfloat16 if kind == BFloat16Linear.__name__ and name == "weight" else torch.float32
            assert parameter.dtype == expected, (kind, name)


def _kind(module: torch.nn.Module) -> str:
    """The class a module was written as, whether it runs from Python or compiled by TorchScript."""
    return str(getattr(module, "original_name", type(module).__name__))


def test_a_question_gets_the_same_bits_alone_or_in_any_batch(half: SentenceTransformerEmbedder) -> None:
    # Fails with attention rows as long as the longest text: short texts then come out otherwise alone.
    texts = QUESTIONS + SENTENCES
    together = half.embed(texts)
    for size in (1, 2, 3, 16):
        batched = np.vstack([half.embed(texts[i : i + size]) for i in range(0, len(texts), size)])
        assert np.array_equal(batched, together), f"batches of {size}"
    assert np.array_equal(half.embed(texts[::-1])[::-1], together)


def test_bfloat16_vectors_stay_close_to_float32_ones(
    half: SentenceTransformerEmbedder, embedder: SentenceTransformerEmbedder
) -> None:
    texts = QUESTIONS + SENTENCES
    vectors, reference = half.embed(texts), embedder.embed(texts)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert (vectors * reference).sum(axis=1).min() > 0.9999
    assert not np.array_equal(vectors, reference)
