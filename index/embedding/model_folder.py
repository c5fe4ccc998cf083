"""Load a sentence-transformers model folder of the common kind with torch, safetensors and tokenizers alone.

A folder that holds a plain BERT transformer, mean pooling and at most a normalisation (all-MiniLM-L6-v2
and most sentence-transformers models) needs neither sentence-transformers nor transformers to run:
the packed encoder (index/embedding/packing.py) tokenizes with the folder's tokenizer.json, runs the
BERT of index/embedding/bert.py and pools by itself. Importing those two libraries was most of every
start (sentence-transformers' utilities import scikit-learn and SciPy; the README's Performance section
has the figures), so such a folder is read here. A folder with any module, option, prompt or model
this reader does not know is left to sentence-transformers, which the tests also hold these vectors against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.embedding.bert import BertEncoder, is_plain_bert, load_bert_encoder

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_MODULES = "sentence_transformers.models."
# transformers' model_max_length when a tokenizer sets none.
_UNLIMITED = int(1e30)
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

    transformer: BertEncoder
    tokenizer: Tokenizer  # truncates to max_length, adds [CLS] and [SEP], never pads
    max_length: int
    lower_case: bool

    @property
    def dimension(self) -> int:
        """Length of the pooled vectors: the transformer's hidden size."""
        return self.transformer.hidden_size


def is_mean_pooled_bert(folder: Path) -> bool:
    """Whether `folder` is a plain BERT with tokenizer.json, mean pooling, at most a normalisation, no other options."""
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
        tokenizer = _read(transformer_dir / "tokenizer.json")
        tokenizer_options = _read_optional(transformer_dir / "tokenizer_config.json")
        prompts = _read_optional(folder / "config_sentence_transformers.json")
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
    return (
        set(options) <= _KNOWN_TRANSFORMER_OPTIONS
        and all(pooling.get(key, default) == default for key, default in _MEAN_ONLY.items())
        and set(pooling) <= {*_MEAN_ONLY, "word_embedding_dimension"}
        and is_plain_bert(config)
        and isinstance(tokenizer.get("post_processor"), dict)
        and _lower_cases_alike(tokenizer, tokenizer_options)
        and (transformer_dir / "model.safetensors").is_file()
        and not prompts.get("prompts")
        and prompts.get("default_prompt_name") is None
    )


def load_mean_pooled_bert(folder: Path) -> MeanPooledBert:
    """The transformer and tokenizer of a folder `is_mean_pooled_bert` accepts, as sentence-transformers loads them."""
    from tokenizers import Tokenizer

    transformer_dir = folder / _read(folder / "modules.json")[0]["path"]
    options = _read(transformer_dir / "sentence_bert_config.json")
    config = _read(transformer_dir / "config.json")
    tokenizer_options = _read_optional(transformer_dir / "tokenizer_config.json")
    transformer = load_bert_encoder(transformer_dir, config)
    max_length = options.get("max_seq_length") or min(
        tokenizer_options.get("model_max_length", _UNLIMITED), config["max_position_embeddings"]
    )
    tokenizer = Tokenizer.from_file(str(transformer_dir / "tokenizer.json"))
    # tokenizer.json may carry a fixed padding and a shorter truncation of its own; a call to the
    # transformers tokenizer replaces both, and so does this.
    tokenizer.no_padding()
    tokenizer.enable_truncation(int(max_length))
    return MeanPooledBert(transformer, tokenizer, int(max_length), bool(options.get("do_lower_case", False)))


def _lower_cases_alike(tokenizer: dict[str, Any], options: dict[str, Any]) -> bool:
    """Whether tokenizer.json lower-cases exactly when tokenizer_config.json says to (transformers obeys the latter)."""
    normalizer = tokenizer.get("normalizer") or {}
    if "do_lower_case" not in options:
        return True
    return normalizer.get("type") == "BertNormalizer" and normalizer.get("lowercase") == options["do_lower_case"]


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _read_optional(path: Path) -> dict[str, Any]:
    return _read(path) if path.is_file() else {}
