"""PDF and HTML documents, on small files the tests make."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.ingest.corpus import load_corpus, load_document


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal one-page PDF with one text line per entry (Helvetica)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 11 Tf 72 740 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in escaped) + " ET"
    info = f"<< /Title ({title}) >>" if title else "<< >>"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_is_extracted_repaired_and_titled(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(["The naval agreement was wri en in 2016 and", "signed in London."], "Naval report"))
    document = load_document(path)
    assert document.title == "Naval report"
    assert document.text == "The naval agreement was written in 2016 and signed in London."


def test_html_keeps_readable_text_without_scripts_or_navigation(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Missiles &amp; more</title><script>var secret = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        "<header>Site banner</header>"
        "<main><h1>Meteor</h1><p>The Meteor missile is a <b>joint</b> project.</p>"
        "<p>It has a Japanese seeker.</p></main>"
        "<footer>Copyright</footer><style>p { color: red }</style></body></html>",
        encoding="utf-8",
    )
    document = load_document(path)
    assert document.title == "Missiles & more"
    assert document.text == "Meteor\n\nThe Meteor missile is a joint project.\n\nIt has a Japanese seeker."


def test_unreadable_files_are_skipped_by_name_while_others_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "good.txt").write_text("A good document.", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "binary.txt").write_bytes(bytes(range(1, 32)) * 4)
    with caplog.at_level(logging.WARNING):
        documents = load_corpus(tmp_path)
    assert [d.doc_id for d in documents] == ["good"]
    assert "broken.pdf" in caplog.text and "binary.txt" in caplog.text
