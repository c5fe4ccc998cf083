"""GET /documents and /documents/{id}: the canonical texts that citations' offsets point into."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from server.dependencies import SearcherDep
from server.errors import shortened
from server.schemas import ERRORS, DocumentList, DocumentOut, DocumentSummary, Problem

router = APIRouter()


@router.get("/documents", response_model=DocumentList, responses={503: ERRORS[503]})
def list_documents(searcher: SearcherDep) -> DocumentList:
    """The documents of the live index."""
    return DocumentList(
        documents=[
            DocumentSummary(doc_id=d.doc_id, title=d.title, chars=len(d.text)) for d in searcher.documents.values()
        ]
    )


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentOut,
    responses={404: {"model": Problem, "description": "No such document."}, 503: ERRORS[503]},
)
def get_document(doc_id: str, searcher: SearcherDep) -> DocumentOut:
    """One document's canonical text, which citations' offsets point into."""
    document = searcher.documents.get(doc_id)
    if document is None:
        raise HTTPException(404, detail=f"No document with id '{shortened(doc_id)}'; GET /documents lists them.")
    return DocumentOut(doc_id=document.doc_id, title=document.title, text=document.text)
