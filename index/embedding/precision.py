"""Which precision the model computes in: as set, or by itself from the index and the CPU."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast, get_args

from index.errors import IndexError_
from index.store import current_version_path, embedded_precision, read_manifest

Precision = Literal["float32", "bfloat16"]
PrecisionSetting = Literal["auto", "float32", "bfloat16"]
# Flags /proc/cpuinfo shows for native bfloat16 products.
BFLOAT16_FLAGS = {"avx512_bf16", "amx_bf16"}


def native_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies bfloat16 natively; without, bfloat16 is emulated and slower than float32."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return not BFLOAT16_FLAGS.isdisjoint(flags)


def resolve_precision(setting: PrecisionSetting, index_dir: Path) -> Precision:
    """`setting`, unless 'auto': then the live index's precision, or bfloat16 when the CPU has it natively.

    Following the index keeps a server or a rebuild in step with the vectors already built (an index
    built on another machine still loads); only a new index chooses by the CPU.
    """
    if setting != "auto":
        return setting
    try:
        built_in = embedded_precision(read_manifest(current_version_path(index_dir)))
    except (IndexError_, KeyError, TypeError):
        built_in = None
    if built_in in get_args(Precision):
        return cast(Precision, built_in)
    return "bfloat16" if native_bfloat16() else "float32"
