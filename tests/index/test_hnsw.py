"""The approximate (HNSW) index against exact flat search, on SQuAD articles with the real model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

from index.build import build_index
from index.embed import SentenceTransformerEmbedder
from index.evaluate import read_squad, write_squad_corpus
from index.search import CANDIDATES, Searcher
from index.settings import PROJECT_ROOT
from index.store import load_current

SQUAD = PROJECT_ROOT.parent / "shared" / "eval" / "squad-dev-v1.1.json"
ARTICLES = 5


def test_hnsw_finds_what_flat_finds_on_squad_articles(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    if not SQUAD.is_file():
        pytest.skip(f"SQuAD dev set not found at {SQUAD}")
    documents, _ = read_squad(SQUAD)
    kept = dict(list(documents.items())[:ARTICLES])
    articles = json.loads(SQUAD.read_text(encoding="utf-8"))["data"][:ARTICLES]
    asked = [qa["question"] for a in articles for p in a["paragraphs"] for qa in p["qas"]][::5][:150]
    corpus = tmp_path / "corpus"
    write_squad_corpus(kept, corpus)
    build_index(corpus, tmp_path / "flat", embedder, "m")
    shutil.copytree(tmp_path / "flat" / "cache", tmp_path / "hnsw" / "cache")
    report = build_index(corpus, tmp_path / "hnsw", embedder, "m", index_type="hnsw")
    assert report.embedded == 0  # the approximate index reuses every cached embedding

    flat, hnsw = (
        Searcher(load_current(tmp_path / "flat"), embedder),
        Searcher(load_current(tmp_path / "hnsw"), embedder),
    )
    assert isinstance(hnsw.stored.vectors, faiss.IndexHNSW) and hnsw.stored.manifest["index_type"] == "hnsw"
    vectors = embedder.embed(asked)
    _, exact = flat.stored.vectors.search(vectors, CANDIDATES)
    _, approx = hnsw.stored.vectors.search(vectors, CANDIDATES)
    recall = np.mean([len(set(e) & set(a)) / CANDIDATES for e, a in zip(exact, approx, strict=True)])
    same = sum(flat.search(q, 1, v)[0].row == hnsw.search(q, 1, v)[0].row for q, v in zip(asked, vectors, strict=True))
    assert recall >= 0.95
    assert same >= 0.97 * len(asked)
