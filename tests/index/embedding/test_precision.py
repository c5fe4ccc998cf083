"""Which precision the model runs in: as set, as the index was built, or as the CPU does best."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.embedding import precision
from index.embedding.precision import native_bfloat16, resolve_precision
from index.store import current_version_path


def _cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 {flags}\n\n", encoding="utf-8")
    return path


def test_native_bfloat16_is_read_from_the_cpu_flags(tmp_path: Path) -> None:
    assert native_bfloat16(_cpuinfo(tmp_path, "avx512f avx512_bf16"))
    assert native_bfloat16(_cpuinfo(tmp_path, "amx_bf16 amx_tile"))
    assert not native_bfloat16(_cpuinfo(tmp_path, "avx512f avx512bw"))
    assert not native_bfloat16(tmp_path / "no-such-file")


def test_a_set_precision_is_used_as_set(essay_index: Path) -> None:
    assert resolve_precision("bfloat16", essay_index) == "bfloat16"
    assert resolve_precision("float32", essay_index) == "float32"


def test_auto_follows_the_index_whatever_the_cpu(essay_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precision, "native_bfloat16", lambda: True)
    assert resolve_precision("auto", essay_index) == "float32"  # the test index is built in float32


def test_auto_reads_an_index_from_before_precision_was_recorded_as_float32(
    essay_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(precision, "native_bfloat16", lambda: True)
    old = tmp_path / "old"
    shutil.copytree(essay_index, old, symlinks=True)
    manifest_path = current_version_path(old) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["model"]["precision"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert resolve_precision("auto", old) == "float32"


@pytest.mark.parametrize(("native", "expected"), [(True, "bfloat16"), (False, "float32")])
def test_auto_chooses_by_the_cpu_for_a_new_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, native: bool, expected: str
) -> None:
    monkeypatch.setattr(precision, "native_bfloat16", lambda: native)
    assert resolve_precision("auto", tmp_path / "none-yet") == expected
