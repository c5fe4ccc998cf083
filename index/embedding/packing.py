"""Encode several texts in one forward pass without padding: their tokens side by side, each text seeing only its own.

A padded batch computes every text at the length of its longest: for a micro-batch of questions of 10
to 27 tokens, about 40% of the work is padding. Packing drops it. sentence-transformers does the same
on GPUs with flash attention's variable-length kernels. CPU torch has no such kernel, so here the
layers that work token by token (the linear layers, three quarters of the time) run over the packed
tokens, positions restart at each text, and attention alone lays the texts out one per row, padded to
the longest, with the padding masked. Attending across a whole pack under a block-diagonal mask costs
the pack's length squared: seven times the work, for sixteen questions of 10 to 27 tokens. The
vectors equal the padded ones to float precision. The layers themselves are index/embedding/bert.py.

Attention rows are padded to a multiple of 16 tokens (the CPU's vector width in floats), and a lone
text is laid out like a pack of one. With rows as long as the longest text, the same text came out a
few ulps apart alone and in a pack, or in packs whose longest texts differed; the linear layers'
bfloat16 roundings (index/embedding/mixed.py) turned those ulps into differences of up to 7e-4 in a unit
vector. With the padding, a text's bfloat16 vector is the same to the bit whatever else shares its
pack (tested; float32's small products still differ by 1e-7), so a question gets the same answer
whoever else is asking at the time.
"""

from __future__ import annotations

import copy
import threading
import warnings
from collections.abc import Iterator, Sequence

import torch
from tokenizers import Tokenizer

from index.embedding.bert import BertEncoder, TextLayout
from index.embedding.model_folder import MeanPooledBert

# Tokens per forward pass: builds ran fastest here (README, Performance).
PACK_TOKENS = 2048


class PackedEncoder:
    """Mean-pooled sentence vectors from a BERT model, computed over packed, unpadded token sequences."""

    def __init__(self, model: MeanPooledBert, max_tokens: int = PACK_TOKENS) -> None:
        self.transformer = scripted(model.transformer)
        self.tokenizer = model.tokenizer
        self._local = threading.local()  # a fast tokenizer must not be called from two threads at once
        self.lower_case = model.lower_case
        self.max_tokens = max_tokens

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        # As sentence-transformers prepares text: stripped, lower-cased when the folder says so.
        return [text.strip().lower() if self.lower_case else text.strip() for text in texts]

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """One float32 mean-pooled vector per text, in order, not normalised."""
        ids = [encoding.ids for encoding in self._tokenizer().encode_batch(self._prepare(texts))]
        return torch.cat([self._forward(pack) for pack in packs(ids, self.max_tokens)])

    def _tokenizer(self) -> Tokenizer:
        """The calling thread's copy of the tokenizer."""
        if not hasattr(self._local, "tokenizer"):
            self._local.tokenizer = copy.deepcopy(self.tokenizer)
        tokenizer: Tokenizer = self._local.tokenizer
        return tokenizer

    def _forward(self, pack: list[list[int]]) -> torch.Tensor:
        lengths = torch.tensor([len(ids) for ids in pack])
        owner = torch.repeat_interleave(torch.arange(len(pack)), lengths)
        input_ids = torch.tensor([token for ids in pack for token in ids])
        positions = torch.cat([torch.arange(int(n)) for n in lengths])
        layout = TextLayout.of(lengths)  # a lone text too: alone or not, it must go the same way
        with torch.inference_mode():
            hidden = self.transformer(input_ids, positions, layout)
        sums = torch.zeros(len(pack), hidden.shape[1]).index_add_(0, owner, hidden.float())
        return sums / lengths[:, None]


def scripted(encoder: BertEncoder) -> torch.jit.ScriptModule:
    """The encoder compiled by TorchScript: the same operations, to the bit, run by torch's own interpreter.

    Run from Python, each of a forward pass's few hundred operations takes the GIL back between
    kernels, so the service's other threads (the event loop, composition) held up the pass, while
    torch's OpenMP worker spun waiting. The compiled pass does not wait for the GIL between
    operations: beside a busy Python thread it slows only by the CPU they share (README, Performance).
    TorchScript is deprecated in favour of torch.compile, which needs a C++ compiler at run time, and
    torch.export, whose programs run in Python again; torch is pinned, so it is used, and its warning
    silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.* is deprecated", category=DeprecationWarning)
        return torch.jit.script(encoder)


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
