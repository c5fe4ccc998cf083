"""The plain-torch BERT and its tokenizer against transformers' own, on the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from index.embedding.bert import BertEncoder, TextLayout, is_plain_bert, load_bert_encoder
from index.embedding.embed import SentenceTransformerEmbedder
from index.embedding.model_folder import load_mean_pooled_bert
from index.errors import ModelNotFoundError
from index.settings import IndexSettings
from tests.conftest import copy_of_the_model

TEXTS = [
    "When was the agreement signed?",
    "",
    "The UK\u2010Japan Reciprocal Access Agreement (RAA) was signed in January 2023 \u2013 ﬁnally.",
    "Caf\u00e9 na\u00efve \u65e5\u672c \U0001f600 \u00a0tabs\tand\nnewlines",
    "The two navies exercised together in the Pacific in 2021, and their coastguards met twice. " * 30,
]


@pytest.fixture(scope="module")
def config() -> dict[str, object]:
    return json.loads((IndexSettings().model_path / "config.json").read_text(encoding="utf-8"))


def test_the_tokenizer_gives_the_ids_transformers_gives(config: dict[str, object]) -> None:
    from transformers import AutoTokenizer

    model = load_mean_pooled_bert(IndexSettings().model_path)
    reference = AutoTokenizer.from_pretrained(str(IndexSettings().model_path), local_files_only=True)
    expected = reference(TEXTS, truncation=True, max_length=model.max_length)["input_ids"]
    assert [encoding.ids for encoding in model.tokenizer.encode_batch(TEXTS)] == expected
    assert max(len(ids) for ids in expected) == model.max_length == 256  # the long text is truncated alike


def test_hidden_states_equal_transformers_bert_model(config: dict[str, object]) -> None:
    from transformers import AutoModel

    folder = IndexSettings().model_path
    ours = load_bert_encoder(folder, config)
    theirs = AutoModel.from_pretrained(str(folder), local_files_only=True, dtype=torch.float32).eval()
    tokenizer = load_mean_pooled_bert(folder).tokenizer
    for text in TEXTS:
        ids = torch.tensor(tokenizer.encode(text).ids)
        with torch.inference_mode():
            expected = theirs(input_ids=ids[None]).last_hidden_state[0]
            got = ours(ids, torch.arange(len(ids)), TextLayout.of(torch.tensor([len(ids)])))
        # Attention rows padded to 16 under a mask move float32 sums by an ulp or so; a wrong operation
        # (another GELU, a missing residual, positions that do not restart) moves them by far more.
        assert (got - expected).abs().max() < 2e-5, text[:30]


@pytest.mark.parametrize(
    "change",
    [
        {"position_embedding_type": "relative_key"},
        {"hidden_act": "gelu_new"},
        {"is_decoder": True},
        {"model_type": "roberta"},
        {"num_attention_heads": 5},
        {"hidden_size": None},
    ],
)
def test_a_config_this_encoder_does_not_compute_is_refused(config: dict[str, object], change: dict) -> None:
    assert is_plain_bert(config)
    assert not is_plain_bert(config | change)


def test_each_text_of_a_pack_sees_only_itself(config: dict[str, object]) -> None:
    encoder = BertEncoder(config)
    torch.manual_seed(0)
    encoder.load_state_dict({name: torch.randn_like(p) * 0.05 for name, p in encoder.state_dict().items()})
    first, second = torch.tensor([101, 2054, 102]), torch.tensor([101, 7592, 2088, 2003, 102])
    positions = torch.cat([torch.arange(3), torch.arange(5)])
    packed = encoder(torch.cat([first, second]), positions, TextLayout.of(torch.tensor([3, 5])))
    alone = encoder(first, torch.arange(3), TextLayout.of(torch.tensor([3])))
    assert torch.allclose(packed[:3], alone, atol=1e-5)


def test_unreadable_or_missing_weights_are_named_in_the_load_error(tmp_path: Path) -> None:
    folder = copy_of_the_model(tmp_path / "truncated")
    weights = folder / "model.safetensors"
    data = weights.read_bytes()
    weights.unlink()  # the copy links the packaged weights; write a broken file of its own
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelNotFoundError, match=r"model\.safetensors"):
        SentenceTransformerEmbedder(folder)

    from safetensors.torch import save_file

    folder = copy_of_the_model(tmp_path / "missing")
    (folder / "model.safetensors").unlink()
    save_file({"embeddings.word_embeddings.weight": torch.zeros(2, 2)}, str(folder / "model.safetensors"))
    with pytest.raises(ModelNotFoundError, match="lacks"):
        SentenceTransformerEmbedder(folder)
