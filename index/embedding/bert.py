"""A BERT encoder in plain torch, over packed texts: the forward pass of transformers' BertModel, op for op.

Importing transformers and building its BertModel took about 1.5 s of every start, and the service uses
none of what it adds (configs of every family, hub access, masks, caches, the pooler's unused dense
layer). This module reads the weights from the folder's safetensors file and computes the same
operations in the same order, so that the vectors are equal to the bit: embeddings summed as
(word + token type) + position, then per layer query/key/value, attention by sdpa, dense, residual and
layer norm, intermediate dense with exact GELU, dense, residual and layer norm. Only the absolute-position,
encoder-only BERT is read; `is_plain_bert` says whether a config is one.

The texts of a pack lie side by side in one sequence (index/embedding/packing.py); attention alone lays
them out one per row, each seeing only its own tokens (`TextLayout`). The modules are written so that
TorchScript compiles them, as the packed encoder does (a NamedTuple layout, no closures).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch.nn import functional

# Attention rows are padded to a multiple of this: sdpa's vector width in floats (index/embedding/packing.py).
ROW_MULTIPLE = 16
# What a config must say (or leave at this default) to be the BERT this module computes.
_PLAIN = {
    "hidden_act": "gelu",
    "position_embedding_type": "absolute",
    "is_decoder": False,
    "add_cross_attention": False,
    "chunk_size_feed_forward": 0,
}
_SHAPE_KEYS = (
    "hidden_size",
    "num_attention_heads",
    "num_hidden_layers",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
    "type_vocab_size",
    "layer_norm_eps",
)


class TextLayout(NamedTuple):
    """Where each text of a pack lies: one row per text, as long as the longest, rounded up to ROW_MULTIPLE."""

    tokens: torch.Tensor  # [texts, width]: the pack position of each row's tokens (0 past the text's end)
    real: torch.Tensor  # [texts, width]: whether the row holds a token there
    real_flat: torch.Tensor  # positions of the real tokens among the rows laid end to end, in pack order

    @classmethod
    def of(cls, lengths: torch.Tensor) -> TextLayout:
        """The layout of texts of these token lengths, packed in this order."""
        width = -(-int(lengths.max()) // ROW_MULTIPLE) * ROW_MULTIPLE
        columns = torch.arange(width)
        real = columns[None, :] < lengths[:, None]
        starts = torch.cumsum(lengths, 0) - lengths
        tokens = torch.where(real, starts[:, None] + columns[None, :], 0)
        return cls(tokens, real, real.reshape(-1).nonzero().squeeze(1))


def is_plain_bert(config: dict[str, Any]) -> bool:
    """Whether a transformers config.json describes the encoder-only, absolute-position BERT this module computes."""
    return (
        config.get("model_type") == "bert"
        and all(config.get(key, default) == default for key, default in _PLAIN.items())
        and all(isinstance(config.get(key), int | float) for key in _SHAPE_KEYS)
        and config["hidden_size"] % config["num_attention_heads"] == 0
    )


class LayerNorm(torch.nn.Module):
    """Layer normalisation over the last dimension, with its weight, bias and epsilon."""

    def __init__(self, size: int, eps: float) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(size), requires_grad=False)
        self.bias = torch.nn.Parameter(torch.zeros(size), requires_grad=False)
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return functional.layer_norm(x, [x.shape[-1]], self.weight, self.bias, self.eps)


def _linear(inputs: int, outputs: int) -> torch.nn.Linear:
    return torch.nn.Linear(inputs, outputs).requires_grad_(False)


class BertLayer(torch.nn.Module):
    """One transformer layer: self-attention within each text, then the feed-forward block."""

    def __init__(self, hidden: int, heads: int, intermediate: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.head_size = hidden // heads
        self.query, self.key, self.value = (_linear(hidden, hidden) for _ in range(3))
        self.attention_output = _linear(hidden, hidden)
        self.attention_norm = LayerNorm(hidden, eps)
        self.intermediate = _linear(hidden, intermediate)
        self.output = _linear(intermediate, hidden)
        self.output_norm = LayerNorm(hidden, eps)

    def forward(self, hidden: torch.Tensor, layout: TextLayout) -> torch.Tensor:
        """[tokens, hidden] -> [tokens, hidden]."""
        keys_of_own_text = layout.real[:, None, None, :]
        attended = functional.scaled_dot_product_attention(
            self._rows(self.query(hidden), layout.tokens),
            self._rows(self.key(hidden), layout.tokens),
            self._rows(self.value(hidden), layout.tokens),
            attn_mask=keys_of_own_text,
            scale=self.head_size**-0.5,
        )
        # [texts, heads, width, head size] -> the real tokens, back in pack order: [tokens, hidden]
        attended = attended.transpose(1, 2).contiguous().flatten(0, 1)[layout.real_flat].reshape(hidden.shape)
        attention = self.attention_norm(self.attention_output(attended) + hidden)
        return self.output_norm(self.output(functional.gelu(self.intermediate(attention))) + attention)

    def _rows(self, states: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """[tokens, hidden] -> [texts, heads, width, head size]."""
        return states.view(-1, self.heads, self.head_size)[tokens].transpose(1, 2)


class BertEncoder(torch.nn.Module):
    """BERT's embeddings and encoder layers: last hidden states of packed texts."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        hidden, eps = int(config["hidden_size"]), float(config["layer_norm_eps"])
        self.hidden_size = hidden
        self.word_embeddings = torch.nn.Embedding(int(config["vocab_size"]), hidden).requires_grad_(False)
        self.position_embeddings = torch.nn.Embedding(int(config["max_position_embeddings"]), hidden)
        self.token_type_embeddings = torch.nn.Embedding(int(config["type_vocab_size"]), hidden)
        self.position_embeddings.requires_grad_(False)
        self.token_type_embeddings.requires_grad_(False)
        self.embedding_norm = LayerNorm(hidden, eps)
        self.layers = torch.nn.ModuleList(
            BertLayer(hidden, int(config["num_attention_heads"]), int(config["intermediate_size"]), eps)
            for _ in range(int(config["num_hidden_layers"]))
        )

    def forward(self, input_ids: torch.Tensor, positions: torch.Tensor, layout: TextLayout) -> torch.Tensor:
        """Hidden states [tokens, hidden] of texts packed side by side; positions restart at each text."""
        token_types = self.token_type_embeddings(torch.zeros_like(input_ids))
        embedded = self.word_embeddings(input_ids) + token_types + self.position_embeddings(positions)
        hidden = self.embedding_norm(embedded)
        for layer in self.layers:
            hidden = layer(hidden, layout)
        return hidden


def load_bert_encoder(folder: Path, config: dict[str, Any]) -> BertEncoder:
    """The encoder of `config` with `folder`'s model.safetensors weights, in float32; ValueError if unreadable."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    encoder = BertEncoder(config)
    try:
        weights = load_file(str(folder / "model.safetensors"))
    except SafetensorError as exc:
        raise ValueError(f"model.safetensors: {exc}") from exc
    prefix = "bert." if any(name.startswith("bert.") for name in weights) else ""
    names = {ours: prefix + theirs for ours, theirs in _weight_names(encoder).items()}
    missing = [theirs for theirs in names.values() if theirs not in weights]
    if missing:
        raise ValueError(f"model.safetensors lacks {len(missing)} of BERT's weights, such as {missing[0]}")
    state = {ours: weights[theirs].float() for ours, theirs in names.items()}
    try:
        encoder.load_state_dict(state, strict=True)
    except RuntimeError as exc:  # a weight of another shape than the config gives
        raise ValueError(f"model.safetensors does not fit config.json: {exc}") from exc
    return encoder.eval()


def _weight_names(encoder: BertEncoder) -> dict[str, str]:
    """Each parameter of `encoder` by the name transformers' BertModel gives it in a checkpoint."""
    names = {
        "word_embeddings.weight": "embeddings.word_embeddings.weight",
        "position_embeddings.weight": "embeddings.position_embeddings.weight",
        "token_type_embeddings.weight": "embeddings.token_type_embeddings.weight",
        "embedding_norm.weight": "embeddings.LayerNorm.weight",
        "embedding_norm.bias": "embeddings.LayerNorm.bias",
    }
    theirs = {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "attention_output": "attention.output.dense",
        "attention_norm": "attention.output.LayerNorm",
        "intermediate": "intermediate.dense",
        "output": "output.dense",
        "output_norm": "output.LayerNorm",
    }
    for index in range(len(encoder.layers)):
        for ours, their_module in theirs.items():
            for part in ("weight", "bias"):
                names[f"layers.{index}.{ours}.{part}"] = f"encoder.layer.{index}.{their_module}.{part}"
    return names
