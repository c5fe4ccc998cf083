"""Load a sentence-transformers model folder of the common kind with transformers alone.

A folder that holds a BERT transformer, mean pooling and at most a normalisation (all-MiniLM-L6-v2
and most sentence-transformers models) needs nothing of sentence-transformers to run: the packed
encoder (index/embedding/packing.py) tokenizes, runs the transformer and pools by itself. Importing
sentence-transformers is a large share of every start (its utilities import scikit-learn and SciPy;
the README's Performance section has the figure), so such a folder is read here. A folder with any
module, option or prompt this reader does not know is left to sentence-transformers, which the
tests also hold these vectors against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

_MODULES = "sentence_transformers.models."
# sentence_bert_config.json keys whose meaning the packed encoder reproduces.
_KNOWN_TRANSFORMER_OPTIONS = {"max_seq_length", "do_lower_case"}
_MEAN_ONLY = {
    "pooling_mode_cls_token": False,
    "pooling_mode_mean_tokens": True,
    "pooling_mode_max_tokens": False,
    "pooling_mode_mean_sqrt_len_tokens": False,
    "pooling_mode_weightedmean_tokens": False,
    "pooling_mode_lasttoken": False,
    "include_prompt": True,
}


@dataclass(frozen=True)
class MeanPooledBert:
    """What the packed encoder needs of a mean-pooled BERT folder."""

    transformer: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    max_length: int
    lower_case: bool

    @property
    def dimension(self) -> int:
        """Length of the pooled vectors: the transformer's hidden size."""
        return int(self.transformer.config.hidden_size)


def is_mean_pooled_bert(folder: Path) -> bool:
    """Whether `folder` is a BERT transformer, mean pooling and at most a normalisation, with no other options."""
    try:
        modules = _read(folder / "modules.json")
        kinds = [module["type"] for module in modules]
        if kinds[:2] != [f"{_MODULES}Transformer", f"{_MODULES}Pooling"] or any(
            kind != f"{_MODULES}Normalize" for kind in kinds[2:]
        ):
            return False
        transformer_dir = folder / modules[0]["path"]
        options = _read(transformer_dir / "sentence_bert_config.json")
        pooling = _read(folder / modules[1]["path"] / "config.json")
        config = _read(transformer_dir / "config.json")
        prompts = _read_optional(folder / "config_sentence_transformers.json")
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
    return (
        set(options) <= _KNOWN_TRANSFORMER_OPTIONS
        and all(pooling.get(key, default) == default for key, default in _MEAN_ONLY.items())
        and set(pooling) <= {*_MEAN_ONLY, "word_embedding_dimension"}
        and config.get("model_type") == "bert"
        and not prompts.get("prompts")
        and prompts.get("default_prompt_name") is None
    )


def load_mean_pooled_bert(folder: Path) -> MeanPooledBert:
    """The transformer and tokenizer of a folder `is_mean_pooled_bert` accepts, as sentence-transformers loads them."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    transformer_dir = folder / _read(folder / "modules.json")[0]["path"]
    options = _read(transformer_dir / "sentence_bert_config.json")
    transformer = AutoModel.from_pretrained(str(transformer_dir), local_files_only=True, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(str(transformer_dir), local_files_only=True)
    transformer.eval()
    max_length = options.get("max_seq_length") or min(
        tokenizer.model_max_length, transformer.config.max_position_embeddings
    )
    return MeanPooledBert(transformer, tokenizer, int(max_length), bool(options.get("do_lower_case", False)))


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _read_optional(path: Path) -> dict[str, Any]:
    return _read(path) if path.is_file() else {}
