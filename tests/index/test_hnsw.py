"""The approximate (HNSW) index against exact flat search, on SQuAD articles with the real model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from answering.evaluate import read_squad, write_squad_corpus
from index import CANDIDATES, SentenceTransformerEmbedder, build_index, open_index
from tests.conftest import shared_file

ARTICLES = 5


def test_hnsw_finds_what_flat_finds_on_squad_articles(tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    squad = shared_file("eval/squad-dev-v1.1.json")
    documents, _ = read_squad(squad)
    kept = dict(list(documents.items())[:ARTICLES])
    articles = json.loads(squad.read_text(encoding="utf-8"))["data"][:ARTICLES]
    asked = [qa["question"] for a in articles for p in a["paragraphs"] for qa in p["qas"]][::5][:150]
    corpus = tmp_path / "corpus"
    write_squad_corpus(kept, corpus)
    build_index(corpus, tmp_path / "flat", embedder, "m")
    shutil.copytree(tmp_path / "flat" / "cache", tmp_path / "hnsw" / "cache")
    report = build_index(corpus, tmp_path / "hnsw", embedder, "m", index_type="hnsw")
    assert report.embedded == 0  # the approximate index reuses every cached embedding

    flat, hnsw = open_index(tmp_path / "flat", embedder, "m"), open_index(tmp_path / "hnsw", embedder, "m")
    assert hnsw.index_type == "hnsw" == hnsw.manifest["index_type"] and flat.index_type == "flat"
    vectors = embedder.embed(asked)
    exact = [flat.nearest(v, CANDIDATES) for v in vectors]
    approx = [hnsw.nearest(v, CANDIDATES) for v in vectors]
    recall = np.mean([len(set(e) & set(a)) / CANDIDATES for e, a in zip(exact, approx, strict=True)])
    same = sum(flat.search(q, 1, v)[0].row == hnsw.search(q, 1, v)[0].row for q, v in zip(asked, vectors, strict=True))
    assert recall >= 0.95
    assert same >= 0.97 * len(asked)
