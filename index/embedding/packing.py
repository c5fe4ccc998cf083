"""Encode several texts in one forward pass without padding: their tokens side by side, each text seeing only its own.

A padded batch computes every text at the length of its longest: for a micro-batch of questions of 10
to 27 tokens, about 40% of the work is padding. Packing drops it. sentence-transformers does the same
on GPUs with flash attention's variable-length kernels. CPU torch has no such kernel, so here the
layers that work token by token (the linear layers, three quarters of the time) run over the packed
tokens, positions restart at each text, and attention alone lays the texts out one per row, padded to
the longest, with the padding masked. Attending across a whole pack under a block-diagonal mask costs
the pack's length squared: seven times the work, for sixteen questions of 10 to 27 tokens. The
vectors equal the padded ones to float precision.

Attention rows are padded to a multiple of 16 tokens (the CPU's vector width in floats), and a lone
text is laid out like a pack of one. With rows as long as the longest text, the same text came out a
few ulps apart alone and in a pack, or in packs whose longest texts differed; the linear layers'
bfloat16 roundings (index/embedding/mixed.py) turned those ulps into differences of up to 7e-4 in a unit
vector. With the padding, a text's bfloat16 vector is the same to the bit whatever else shares its
pack (tested; float32's small products still differ by 1e-7), so a question gets the same answer
whoever else is asking at the time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from transformers import AttentionInterface, AttentionMaskInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import sdpa_mask

from index.embedding.model_folder import MeanPooledBert

log = logging.getLogger(__name__)

# Tokens per forward pass: builds ran fastest here (README, Performance).
PACK_TOKENS = 2048
# Attention rows are padded to a multiple of this: sdpa's vector width in floats (see the module docstring).
ROW_MULTIPLE = 16
# The name transformers' attention registry knows `per_text_attention` by.
PER_TEXT_ATTENTION = "per_text_sdpa"
# Texts of different lengths, so that a probe pack exercises the padded rows and the restarted positions.
_PROBE = (
    "When was the agreement signed?",
    "Reciprocal access lets each country's forces train on the other's soil.",
    "Cooperation between the two navies grew after 2012, with joint exercises in the Pacific and visits.",
)


@dataclass(frozen=True)
class TextLayout:
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


def per_text_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    text_layout: TextLayout | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """Attention within each text of a pack, at the text's own length; plain sdpa when not packed."""
    if text_layout is None:
        return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)

    def rows(states: torch.Tensor) -> torch.Tensor:  # [1, heads, pack, dim] -> [texts, heads, width, dim]
        return states[0].transpose(0, 1)[text_layout.tokens].transpose(1, 2)

    keys_of_own_text = text_layout.real[:, None, None, :]
    output, _ = sdpa_attention_forward(module, rows(query), rows(key), rows(value), keys_of_own_text, **kwargs)
    # [texts, width, heads, dim] -> the real tokens, back in pack order: [1, pack, heads, dim]
    return output.flatten(0, 1)[text_layout.real_flat].unsqueeze(0), None


def _register_per_text_attention() -> None:
    AttentionInterface.register(PER_TEXT_ATTENTION, per_text_attention)
    # The model's own padded batches go through the same function and need sdpa's mask.
    AttentionMaskInterface.register(PER_TEXT_ATTENTION, sdpa_mask)


class PackedEncoder:
    """Mean-pooled sentence vectors from a BERT model, computed over packed, unpadded token sequences."""

    def __init__(self, model: MeanPooledBert, max_tokens: int = PACK_TOKENS) -> None:
        self.transformer = model.transformer
        self.tokenizer = model.tokenizer
        self.max_length = model.max_length
        self.lower_case = model.lower_case
        self.max_tokens = max_tokens

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        # As sentence-transformers prepares text: stripped, lower-cased when the folder says so.
        return [text.strip().lower() if self.lower_case else text.strip() for text in texts]

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """One float32 mean-pooled vector per text, in order, not normalised."""
        ids = self.tokenizer(self._prepare(texts), truncation=True, max_length=self.max_length)["input_ids"]
        return torch.cat([self._forward(pack) for pack in packs(ids, self.max_tokens)])

    def encode_padded(self, texts: Sequence[str]) -> torch.Tensor:
        """`encode` as sentence-transformers computes it: one padded batch, its padding masked and left out."""
        batch = self.tokenizer(
            self._prepare(texts), padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        with torch.inference_mode():
            hidden = self.transformer(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)

    def _forward(self, pack: list[list[int]]) -> torch.Tensor:
        lengths = torch.tensor([len(ids) for ids in pack])
        owner = torch.repeat_interleave(torch.arange(len(pack)), lengths)
        input_ids = torch.tensor([token for ids in pack for token in ids]).unsqueeze(0)
        positions = torch.cat([torch.arange(int(n)) for n in lengths]).unsqueeze(0)
        layout = TextLayout.of(lengths)  # a lone text too: alone or not, it must go the same way
        with torch.inference_mode():
            hidden = self.transformer(
                input_ids=input_ids,
                position_ids=positions,
                token_type_ids=torch.zeros_like(input_ids),
                text_layout=layout,
            ).last_hidden_state[0]
        sums = torch.zeros(len(pack), hidden.shape[1]).index_add_(0, owner, hidden.float())
        return sums / lengths[:, None]


def packs(sequences: Sequence[list[int]], max_tokens: int) -> Iterator[list[list[int]]]:
    """Consecutive runs of `sequences` of at most `max_tokens` tokens in all; a longer one goes alone."""
    pack: list[list[int]] = []
    size = 0
    for sequence in sequences:
        if pack and size + len(sequence) > max_tokens:
            yield pack
            pack, size = [], 0
        pack.append(sequence)
        size += len(sequence)
    if pack:
        yield pack


def packed_encoder_for(model: MeanPooledBert, max_tokens: int = PACK_TOKENS) -> PackedEncoder | None:
    """A PackedEncoder for `model` when its packed vectors match its padded ones on a probe, else None."""
    _register_per_text_attention()
    encoder = PackedEncoder(model, max_tokens)
    own_attention = encoder.transformer.config._attn_implementation
    encoder.transformer.set_attn_implementation(PER_TEXT_ATTENTION)
    expected = torch.nn.functional.normalize(encoder.encode_padded(_PROBE), dim=1)
    packed = torch.nn.functional.normalize(encoder.encode(_PROBE), dim=1)
    # Both precisions agree to within 1e-5. Text that sees another's, or padding, falls far below.
    agreement = float((expected * packed).sum(dim=1).min())
    if agreement < 0.99:
        log.warning("packed vectors disagree with the model's own (cosine %.4f); packing is off", agreement)
        encoder.transformer.set_attn_implementation(own_attention)
        return None
    return encoder
