"""Load the documents of a corpus folder, with titles from sidecar metadata."""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import EmptyCorpusError, UnreadableDocumentError
from index.ingest.pdf import take_page_marks
from index.ingest.readers import SUFFIXES, read_raw
from index.ingest.repair import clean_text

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
# Raised whenever cleaning changes the text a corpus yields, or what is embedded of it, so an index
# built before is known stale.
# 2: ligatures are re-inserted only where the document shows them lost. 3: NUL characters removed.
# 4: PDFs read with PDFium, page furniture left out, pages recorded. 5: in a corpus of several
# documents, each sentence is embedded with its document's title in front (index/embedding/inputs.py).
INGESTION_VERSION = 5
MAX_DOCUMENT_BYTES = 10_000_000  # of extracted text; larger documents are skipped (QA_MAX_DOCUMENT_BYTES)
READ_FACTOR = 4  # a file is read at all only up to this many times the text limit (PDF and HTML hold more)
MAX_TITLE_CHARS = 300
MAX_SIDECAR_BYTES = 64 * 1024
MAX_EXAMPLES = 5  # example questions kept from a sidecar


@dataclass(frozen=True)
class Document:
    """One cleaned document: `text` is what citations' offsets point into."""

    doc_id: str
    title: str
    source: str
    sha256: str
    text: str
    pages: list[int] = field(default_factory=list)  # where each page of a PDF starts in `text`; else empty
    examples: list[str] = field(default_factory=list)  # questions its sidecar suggests asking

    def page_at(self, offset: int) -> int | None:
        """The 1-based PDF page an offset of the text falls on; None for a document without pages."""
        page = bisect.bisect_right(self.pages, offset)  # pages starting at or before the offset
        return page or None


def doc_id_for(path: Path) -> str:
    """The stable id of a document: its file name without the suffix."""
    return path.stem


def load_corpus(folder: Path, max_document_bytes: int = MAX_DOCUMENT_BYTES) -> list[Document]:
    """Load every readable document in `folder`; warn about, and skip, other and unreadable files."""
    documents, problems = [], []
    for path in corpus_files(folder):
        try:
            document = load_document(path, max_document_bytes)
        except UnreadableDocumentError as exc:
            log.warning("skipping %s", exc)
            problems.append(str(exc))
            continue
        if any(character.isalnum() for character in document.text):
            documents.append(document)
        else:
            log.warning("skipping %s: it holds no words", path.name)
            problems.append(f"{path.name} holds no words")
    if not documents:
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise EmptyCorpusError(f"no readable document in corpus folder {folder}{detail}")
    return documents


def corpus_files(folder: Path) -> list[Path]:
    """The files of `folder` that are ingested, in name order; warns about the others it skips.

    Only regular files inside the folder are read: a link that leads outside it, a folder, a FIFO,
    a device or a socket is skipped unopened (opening a FIFO would wait forever, a device never ends).
    """
    if not folder.is_dir():
        raise EmptyCorpusError(f"corpus folder not found: {folder}")
    root = folder.resolve()
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith(SIDECAR_SUFFIX):
            continue
        problem = outside_or_irregular(path, root)
        if problem:
            log.warning("skipping %s: %s", path.name, problem)
        elif path.suffix.lower() not in SUFFIXES:
            log.warning("skipping %s: only %s files are ingested", path.name, ", ".join(SUFFIXES))
        else:
            files.append(path)
    return files


def outside_or_irregular(path: Path, root: Path) -> str | None:
    """Why `path` must not be read as a corpus file, or None for a regular file inside `root`."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return f"it links to {target}, outside the corpus folder"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"it cannot be examined ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return "it is a folder (linked)" if path.is_symlink() else "it is a folder; subfolders are not ingested"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        return f"it is {kind}, not a regular file"
    return None


def load_document(path: Path, max_document_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """Read and clean one document; its title comes from a sidecar, the file itself, or its name."""
    try:
        size = path.stat().st_size
        if size > READ_FACTOR * max_document_bytes:
            raise UnreadableDocumentError(f"{path.name}: {_megabytes(size)} is over the size limit")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(f"cannot read {path.name}: {exc.strerror}") from exc
    raw, declared_title = read_raw(path, data)
    text_bytes = len(raw.encode("utf-8", errors="replace"))
    if text_bytes > max_document_bytes:
        raise UnreadableDocumentError(
            f"{path.name}: {_megabytes(text_bytes)} of text, over the limit of {_megabytes(max_document_bytes)} "
            "(QA_MAX_DOCUMENT_BYTES)"
        )
    text, pages = take_page_marks(clean_text(raw))
    meta = _sidecar(path)
    title = _sidecar_title(meta) or declared_title or path.stem.replace("-", " ").replace("_", " ").capitalize()
    return Document(
        doc_id=doc_id_for(path),
        title=_capped(title),
        source=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        pages=pages,
        examples=_sidecar_examples(meta),
    )


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _capped(title: str) -> str:
    """A title on one line, of at most MAX_TITLE_CHARS characters, an ellipsis marking a cut."""
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def _sidecar(path: Path) -> dict[str, Any]:
    """The document's sidecar metadata (`NAME.meta.json`), or {} when it has none to read."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists() and not sidecar.is_symlink():
        return {}
    problem = outside_or_irregular(sidecar, path.parent.resolve())
    if problem:
        log.warning("ignoring %s: %s", sidecar.name, problem)
        return {}
    if sidecar.stat().st_size > MAX_SIDECAR_BYTES:
        log.warning("ignoring %s: over %d bytes", sidecar.name, MAX_SIDECAR_BYTES)
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnreadableDocumentError(f"cannot read {sidecar.name}: {exc}") from exc
    return meta if isinstance(meta, dict) else {}


def _sidecar_title(meta: dict[str, Any]) -> str | None:
    title = meta.get("title")
    return title.strip() or None if isinstance(title, str) else None


def _sidecar_examples(meta: dict[str, Any]) -> list[str]:
    """Example questions the corpus owner suggests for this document (strings of 1-1000 characters)."""
    examples = meta.get("examples")
    if not isinstance(examples, list):
        return []
    kept = [" ".join(e.split()) for e in examples if isinstance(e, str) and 0 < len(e.strip()) <= 1000]
    return kept[:MAX_EXAMPLES]


def raw_texts(folder: Path) -> list[str]:
    """Each corpus file's text as its reader gives it, before any repair (what a naive pipeline would index)."""
    return [take_page_marks(read_raw(path, path.read_bytes())[0])[0] for path in corpus_files(folder)]
