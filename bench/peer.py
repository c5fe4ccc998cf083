"""The peer: the LangChain RAG app people would otherwise build, served by a minimal FastAPI app.

RecursiveCharacterTextSplitter(1000, 200) over the corpus files, the same embedding model, a
LangChain FAISS vector store, top 4 chunks returned as the answer. Run: `python -m bench.peer CORPUS PORT`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import uvicorn
from fastapi import FastAPI
from langchain_community.vectorstores import FAISS
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel

from index import IndexSettings, SentenceTransformerEmbedder


class LocalEmbeddings(Embeddings):
    """LangChain's embeddings interface over the same local model, at the same precision as ours."""

    def __init__(self) -> None:
        settings = IndexSettings()
        self.model = SentenceTransformerEmbedder(settings.model_path, precision=settings.precision())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return np.asarray(self.model.embed(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self.model.embed([text])[0]).tolist()


class Question(BaseModel):
    question: str


def create_peer(corpus: Path) -> FastAPI:
    """The peer app over every .txt file in `corpus`."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts = [chunk for path in sorted(corpus.glob("*.txt")) for chunk in splitter.split_text(path.read_text())]
    store = FAISS.from_texts(texts, LocalEmbeddings())
    app = FastAPI()

    @app.post("/ask")
    def ask(body: Question) -> dict[str, object]:
        chunks = store.similarity_search(body.question, k=4)
        return {"answer": chunks[0].page_content, "chunks": [c.page_content for c in chunks]}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    uvicorn.run(create_peer(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
