"""Load the documents of a corpus folder, with titles from sidecar metadata."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import EmptyCorpusError, UnreadableDocumentError
from index.repair import clean_text

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
SIDECAR_SUFFIX = ".meta.json"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


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
    """Load every .txt and .md file in `folder`; warn about and skip anything else."""
    if not folder.is_dir():
        raise EmptyCorpusError(f"corpus folder not found: {folder}")
    documents = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith(SIDECAR_SUFFIX) or path.is_dir():
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES:
            log.warning("skipping %s: only %s files are ingested", path.name, " and ".join(TEXT_SUFFIXES))
            continue
        documents.append(load_document(path))
    if not any(doc.text for doc in documents):
        raise EmptyCorpusError(f"no readable text in corpus folder {folder}")
    return [doc for doc in documents if doc.text]


def load_document(path: Path) -> Document:
    """Read, decode and clean one text document."""
    try:
        raw_bytes = path.read_bytes()
        raw = raw_bytes.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableDocumentError(f"cannot read {path.name}: {exc}") from exc
    title, body = _title_and_body(path, raw)
    return Document(
        doc_id=doc_id_for(path),
        title=title,
        source=path.name,
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        text=clean_text(body),
    )


def _title_and_body(path: Path, raw: str) -> tuple[str, str]:
    title = path.stem.replace("-", " ").replace("_", " ").capitalize()
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if sidecar.is_file():
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UnreadableDocumentError(f"cannot read {sidecar.name}: {exc}") from exc
        if isinstance(meta, dict) and isinstance(meta.get("title"), str):
            title = meta["title"].strip() or title
    front = _FRONT_MATTER.match(raw.replace("\r\n", "\n"))
    if front:
        raw = raw.replace("\r\n", "\n")[front.end() :]
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "title" and value.strip():
                title = value.strip().strip("\"'")
    return title, raw
