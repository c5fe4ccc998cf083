"""Read the raw text of a corpus file, by kind: plain text, Markdown, PDF or HTML."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from index.errors import UnreadableDocumentError
from index.ingest.pdf import read_pdf

SUFFIXES = (".txt", ".md", ".pdf", ".html", ".htm")
BINARY_SHARE = 0.1  # of control characters in a single-byte decoding, above which a file is binary
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_SKIPPED_HTML = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg")
_BLOCK_HTML = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "dd",
    "dt",
    "figcaption",
    "br",
)


def read_raw(path: Path, data: bytes) -> tuple[str, str | None]:
    """The raw text of a file and the title it declares, if any."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return read_pdf(data)
        if suffix in (".html", ".htm"):
            return _read_html(data)
        text = decode_text(data).replace("\r\n", "\n")
    except UnreadableDocumentError as exc:
        raise UnreadableDocumentError(f"cannot read {path.name}: {exc}") from None
    except Exception as exc:  # a parser's failure on a hostile or broken file is that file's problem
        raise UnreadableDocumentError(f"cannot read {path.name}: {type(exc).__name__}: {exc}") from exc
    if suffix == ".md":
        return _read_markdown(text)
    return text, None


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252/Latin-1.

    Single-byte text decodes whatever the bytes, so a file that decodes to mostly control characters
    is refused as binary rather than ingested as noise.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
                text = data.decode("latin-1")
    # NUL is left out: ingestion drops it, and a text that only carries NULs is still text.
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\x00\t\n\r\f\v")
    if controls > BINARY_SHARE * max(len(text), 1):
        raise UnreadableDocumentError("it is neither UTF-8, UTF-16 nor Latin-1 text (binary?)")
    return text


def _read_markdown(text: str) -> tuple[str, str | None]:
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        text = text[front.end() :]
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "title" and value.strip():
                title = value.strip().strip("\"'")
    return text, title


def _read_html(data: bytes) -> tuple[str, str | None]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(_SKIPPED_HTML):
        tag.decompose()
    if soup.head:
        soup.head.decompose()
    for tag in soup.find_all(_BLOCK_HTML):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    body = soup.body or soup
    return body.get_text(), title or None
