"""Load the documents of a corpus folder, with titles from sidecar metadata."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from index.errors import EmptyCorpusError, UnreadableDocumentError
from index.ingest.readers import SUFFIXES, read_raw
from index.ingest.repair import clean_text

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
# Raised whenever cleaning changes the text a corpus yields, so an index built before is known stale.
# 2: ligatures are re-inserted only where the document shows them lost.
INGESTION_VERSION = 2


@dataclass(frozen=True)
class Document:
    """One cleaned document: `text` is what citations' offsets point into."""

    doc_id: str
    title: str
    source: str
    sha256: str
    text: str


def doc_id_for(path: Path) -> str:
    """The stable id of a document: its file name without the suffix."""
    return path.stem


def load_corpus(folder: Path) -> list[Document]:
    """Load every readable document in `folder`; warn about, and skip, other and unreadable files."""
    documents, problems = [], []
    for path in corpus_files(folder):
        try:
            document = load_document(path)
        except UnreadableDocumentError as exc:
            log.warning("skipping %s", exc)
            problems.append(str(exc))
            continue
        if document.text:
            documents.append(document)
        else:
            log.warning("skipping %s: it holds no text", path.name)
    if not documents:
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise EmptyCorpusError(f"no readable document in corpus folder {folder}{detail}")
    return documents


def corpus_files(folder: Path) -> list[Path]:
    """The files of `folder` that are ingested, in name order; warns about the others it skips."""
    if not folder.is_dir():
        raise EmptyCorpusError(f"corpus folder not found: {folder}")
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith(SIDECAR_SUFFIX) or path.is_dir():
            continue
        if path.suffix.lower() not in SUFFIXES:
            log.warning("skipping %s: only %s files are ingested", path.name, ", ".join(SUFFIXES))
            continue
        files.append(path)
    return files


def load_document(path: Path) -> Document:
    """Read and clean one document; its title comes from a sidecar, the file itself, or its name."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot read {path.name}: {exc.strerror}") from exc
    raw, declared_title = read_raw(path, data)
    return Document(
        doc_id=doc_id_for(path),
        title=_sidecar_title(path) or declared_title or path.stem.replace("-", " ").replace("_", " ").capitalize(),
        source=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        text=clean_text(raw),
    )


def _sidecar_title(path: Path) -> str | None:
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return None
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnreadableDocumentError(f"cannot read {sidecar.name}: {exc}") from exc
    title = meta.get("title") if isinstance(meta, dict) else None
    return title.strip() or None if isinstance(title, str) else None


def raw_texts(folder: Path) -> list[str]:
    """Each corpus file's text as its reader gives it, before any repair (what a naive pipeline would index)."""
    return [read_raw(path, path.read_bytes())[0] for path in corpus_files(folder)]
