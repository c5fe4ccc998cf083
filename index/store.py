"""Write and read index versions on disk, switching the live one atomically.

Layout of an index folder:
    versions/<version>/manifest.json   model, dimension, counts, documents, file checksums
    versions/<version>/documents.json  canonical document texts
    versions/<version>/sentences.json  sentence offsets and context windows
    versions/<version>/vectors.faiss   one vector per sentence, then one per context window
    current                            symlink to versions/<version>, replaced by an atomic rename
A version is written in a hidden temporary folder beside the others and renamed into place whole,
so a reader never sees a half-written index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import CorruptIndexError, IndexNotFoundError
from index.ingest.corpus import INGESTION_VERSION, Document
from index.ingest.segment import Sentence
from index.vectors import IndexType, VectorIndex

FORMAT = 1
CURRENT = "current"
VERSIONS = "versions"
KEEP_VERSIONS = 2
DATA_FILES = ("documents.json", "sentences.json", "vectors.faiss")


@dataclass(frozen=True)
class StoredIndex:
    """A loaded index version: documents, sentences and their vectors."""

    version: str
    path: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    sentences: list[Sentence]
    vectors: VectorIndex

    @property
    def ingestion_outdated(self) -> bool:
        """Whether an older ingestion cleaned or embedded its text; a rebuild applies the current one."""
        return ingestion_outdated(self.manifest)

    def text(self, sentence: Sentence) -> str:
        """The exact text of a sentence."""
        return self.documents[sentence.doc_id].text[sentence.start : sentence.end]

    def context(self, sentence: Sentence) -> str:
        """The exact text of a sentence's context window."""
        return self.documents[sentence.doc_id].text[sentence.context_start : sentence.context_end]


def new_version_id(documents: list[Document]) -> str:
    """A sortable, unique version id: build time plus a digest of the documents."""
    digest = hashlib.sha256("".join(d.sha256 for d in documents).encode()).hexdigest()[:8]
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + digest


def write_version(
    index_dir: Path,
    documents: list[Document],
    sentences: list[Sentence],
    vectors: np.ndarray,
    model: dict[str, Any],
    index_type: IndexType = "flat",
) -> Path:
    """Write a complete version folder atomically and return its path (not yet made current)."""
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    version = new_version_id(documents)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=versions))
    try:
        _write_json(staging / "documents.json", [asdict(d) for d in documents])
        _write_json(staging / "sentences.json", _sentences_to_columns(sentences))
        searchable = VectorIndex.new(vectors.shape[1], index_type)
        searchable.add(vectors)
        searchable.save(staging / "vectors.faiss")
        manifest = {
            "format": FORMAT,
            "version": version,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "model": model,
            "ingestion": INGESTION_VERSION,
            "counts": {
                "documents": len(documents),
                "sentences": len(sentences),
                "vectors": searchable.count,
                "characters": sum(len(d.text) for d in documents),
            },
            "documents": [
                {
                    "doc_id": d.doc_id,
                    "title": d.title,
                    "source": d.source,
                    "sha256": d.sha256,
                    "chars": len(d.text),
                }
                for d in documents
            ],
            "index_type": index_type,
            "files": {name: _sha256(staging / name) for name in DATA_FILES},
        }
        _write_json(staging / "manifest.json", manifest)
        _fsync_dir(staging)
        final = versions / version
        os.rename(staging, final)
        _fsync_dir(versions)
        return final
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def make_current(index_dir: Path, version_path: Path) -> None:
    """Point `current` at a version with one atomic rename, then drop all but the newest versions."""
    link = index_dir / CURRENT
    temporary = index_dir / f".{CURRENT}-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(Path(VERSIONS) / version_path.name, temporary)
    os.replace(temporary, link)
    _fsync_dir(index_dir)
    prune_versions(index_dir, keep={version_path.name})


def prune_versions(index_dir: Path, keep: set[str]) -> None:
    """Remove all but the KEEP_VERSIONS most recently built versions, and abandoned staging folders.

    Age is the build time a version's manifest records (a folder's name or date can lie: copied,
    restored, renamed); a version without a readable manifest counts as oldest. The live version and
    those in `keep` are never removed.
    """
    versions = index_dir / VERSIONS
    if not versions.is_dir():
        return
    live = {(index_dir / CURRENT).resolve().name} if (index_dir / CURRENT).exists() else set()
    finished = sorted(
        (p for p in versions.iterdir() if not p.name.startswith(".")), key=lambda p: (_built_at(p), p.name)
    )
    for old in finished[:-KEEP_VERSIONS]:
        if old.name not in keep | live:
            shutil.rmtree(old, ignore_errors=True)
    for staging in versions.glob(".building-*"):
        # A staging folder untouched for an hour belongs to a build that was killed.
        if staging.stat().st_mtime < datetime.now().timestamp() - 3600:
            shutil.rmtree(staging, ignore_errors=True)


def _built_at(version: Path) -> str:
    """The build time a version's manifest records, as ISO text that sorts in time order; '' if unreadable."""
    try:
        built_at = json.loads((version / "manifest.json").read_text(encoding="utf-8")).get("built_at", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return built_at if isinstance(built_at, str) else ""


def current_version_path(index_dir: Path) -> Path:
    """The folder of the live version, or IndexNotFoundError."""
    link = index_dir / CURRENT
    if not link.exists():
        raise IndexNotFoundError(f"no index at {index_dir}: build one with `python -m index build`")
    return link.resolve()


def ingestion_outdated(manifest: dict[str, Any]) -> bool:
    """Whether a manifest's text came from an older ingestion than this code's (unrecorded: the first)."""
    return int(manifest.get("ingestion", 1)) < INGESTION_VERSION


def embedded_precision(manifest: dict[str, Any]) -> str:
    """The precision a manifest's vectors were embedded in; float32 for manifests from before it was recorded."""
    return str(manifest["model"].get("precision", "float32"))


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a version folder, unchecked."""
    try:
        manifest: dict[str, Any] = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorruptIndexError(f"index {path.name}: manifest cannot be read: {exc}") from exc
    return manifest


def load_version(path: Path, verify: bool = True) -> StoredIndex:
    """Load one version folder, checking its files against the manifest."""
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise IndexNotFoundError(f"no index manifest at {path}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise CorruptIndexError(f"index {path.name} has format {manifest.get('format')}, expected {FORMAT}")
        if verify:
            for name, expected in manifest["files"].items():
                if _sha256(path / name) != expected:
                    raise CorruptIndexError(f"index {path.name}: {name} does not match its checksum")
        documents = [Document(**d) for d in json.loads((path / "documents.json").read_text(encoding="utf-8"))]
        sentences = _sentences_from_columns(json.loads((path / "sentences.json").read_text(encoding="utf-8")))
        vectors = VectorIndex.load(path / "vectors.faiss")
    except CorruptIndexError:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise CorruptIndexError(f"index {path.name} cannot be read: {exc}") from exc
    counts = manifest["counts"]
    if not (
        counts["documents"] == len(documents)
        and counts["sentences"] == len(sentences)
        and counts["vectors"] == vectors.count == 2 * len(sentences)
        and vectors.dimension == manifest["model"]["dimension"]
    ):
        raise CorruptIndexError(f"index {path.name}: counts disagree between manifest, metadata and vectors")
    return StoredIndex(
        version=manifest["version"],
        path=path,
        manifest=manifest,
        documents={d.doc_id: d for d in documents},
        sentences=sentences,
        vectors=vectors,
    )


def load_current(index_dir: Path) -> StoredIndex:
    """Load the live version of an index folder."""
    return load_version(current_version_path(index_dir))


_SENTENCE_FIELDS = ("doc_id", "start", "end", "paragraph", "context_start", "context_end")


def _sentences_to_columns(sentences: list[Sentence]) -> dict[str, list[Any]]:
    return {f: [getattr(s, f) for s in sentences] for f in _SENTENCE_FIELDS}


def _sentences_from_columns(columns: dict[str, list[Any]]) -> list[Sentence]:
    return [Sentence(*row) for row in zip(*(columns[f] for f in _SENTENCE_FIELDS), strict=True)]


def _write_json(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
