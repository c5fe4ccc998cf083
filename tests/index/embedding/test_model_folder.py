"""Reading a sentence-transformers folder of the common kind without sentence-transformers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.embedding.model_folder import is_mean_pooled_bert, load_mean_pooled_bert
from index.settings import PROJECT_ROOT, IndexSettings
from tests.conftest import copy_of_the_model


def _edit(path: Path, **changes: object) -> None:
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) | changes), encoding="utf-8")


def test_the_default_model_is_read_with_its_length_limit_and_case() -> None:
    folder = IndexSettings().model_path
    assert is_mean_pooled_bert(folder)
    model = load_mean_pooled_bert(folder)
    assert (model.dimension, model.max_length, model.lower_case) == (384, 256, False)


@pytest.mark.parametrize(
    ("file", "changes"),
    [
        ("sentence_bert_config.json", {"model_args": {"trust_remote_code": True}}),
        ("1_Pooling/config.json", {"pooling_mode_max_tokens": True}),
        ("1_Pooling/config.json", {"include_prompt": False}),
        ("config_sentence_transformers.json", {"prompts": {"query": "query: "}, "default_prompt_name": "query"}),
        ("config.json", {"model_type": "roberta"}),
        ("config.json", {"position_embedding_type": "relative_key"}),
        ("tokenizer_config.json", {"do_lower_case": False}),
    ],
)
def test_a_folder_with_anything_this_reader_does_not_reproduce_is_left_to_sentence_transformers(
    tmp_path: Path, file: str, changes: dict[str, object]
) -> None:
    folder = copy_of_the_model(tmp_path / "model")
    assert is_mean_pooled_bert(folder)
    _edit(folder / file, **changes)
    assert not is_mean_pooled_bert(folder)


def test_a_folder_with_another_module_or_unreadable_files_is_not_read(tmp_path: Path) -> None:
    folder = copy_of_the_model(tmp_path / "model")
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    dense = {"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"}
    (folder / "modules.json").write_text(json.dumps([*modules, dense]), encoding="utf-8")
    assert not is_mean_pooled_bert(folder)
    (folder / "modules.json").write_text("{not json", encoding="utf-8")
    assert not is_mean_pooled_bert(folder)
    assert not is_mean_pooled_bert(tmp_path / "nothing-here")
    folder = copy_of_the_model(tmp_path / "slow-tokenizer-only")
    (folder / "tokenizer.json").unlink()
    assert not is_mean_pooled_bert(folder)


def test_embedding_with_the_default_model_never_imports_sentence_transformers_or_transformers() -> None:
    # Importing them costs over two seconds of every start (transformers, scikit-learn, SciPy); the
    # service has no use for them.
    script = (
        "import sys; from index import IndexSettings, SentenceTransformerEmbedder; "
        "e = SentenceTransformerEmbedder(IndexSettings().model_path, precision='float32'); "
        "assert e.packed is not None and e.embed(['What is JNAAM?']).shape == (1, 384); "
        "print('sentence_transformers' in sys.modules, 'sklearn' in sys.modules, 'transformers' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False"]
