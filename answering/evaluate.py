"""Measure answers against gold questions, beside the LangChain-style baseline in the same run."""

from __future__ import annotations

import json
import random
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from answering.baseline import BaselinePipeline
from answering.compose import Answer, answer_question
from index import Searcher

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212-]")


@dataclass(frozen=True)
class Question:
    """A gold question: `answers` is empty when the corpus does not answer it."""

    qid: str
    question: str
    answers: tuple[str, ...]
    kind: str = "factoid"  # factoid, paraphrase, synthesis or unanswerable
    article: int | None = None  # the SQuAD article it asks about; None for other corpora
    page: int | None = None  # the PDF page (1-based) the answer stands on, when the gold says


@dataclass
class Scores:
    """Running totals for one system."""

    evidence1: int = 0
    evidence3: int = 0
    correct: int = 0
    answerable: int = 0
    abstained_right: int = 0
    unanswerable: int = 0
    false_abstentions: int = 0
    right_pages: int = 0
    paged: int = 0
    lengths: list[int] = field(default_factory=list)

    def add(self, gold: Question, answered: bool, answer: str, evidence: list[str], page: int | None = None) -> None:
        """Count one question's outcome; `page` is the first citation's, compared when the gold names one."""
        self.lengths.append(len(answer.split()) if answered else 0)
        if answered and gold.page is not None:
            self.paged += 1
            self.right_pages += page == gold.page
        if not gold.answers:
            self.unanswerable += 1
            self.abstained_right += not answered
            return
        self.answerable += 1
        self.evidence1 += contains_gold(evidence[:1], gold.answers)
        self.evidence3 += contains_gold(evidence[:3], gold.answers)
        self.correct += answered and contains_gold([answer], gold.answers)
        self.false_abstentions += not answered

    def summary(self) -> dict[str, float | None]:
        """The reported figures."""

        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        answered_lengths = [n for n in self.lengths if n] or [0]
        return {
            "evidence@1": ratio(self.evidence1, self.answerable),
            "evidence@3": ratio(self.evidence3, self.answerable),
            "answer_accuracy": ratio(self.correct, self.answerable),
            "abstention_accuracy": ratio(self.abstained_right, self.unanswerable),
            "false_abstention_rate": ratio(self.false_abstentions, self.answerable),
            "median_answer_words": statistics.median(answered_lengths),
            "first_citation_on_gold_page": ratio(self.right_pages, self.paged),
        }


def normalize(text: str) -> str:
    """Fold case, whitespace, hyphens and dashes, as the eval sets' matching rule says."""
    return " ".join(_DASHES.sub("-", text).casefold().split())


def contains_gold(texts: Iterable[str], answers: Iterable[str]) -> bool:
    """Whether any gold answer occurs in any of the texts."""
    folded = [normalize(t) for t in texts]
    return any(normalize(a) in t for a in answers for t in folded)


def shown_evidence(answer: Answer) -> list[str]:
    """What a reader sees of each cited and related passage, in order: its excerpt and its context."""
    return [f"{c.excerpt}\n{c.context}" for c in [*answer.citations, *answer.related]]


def read_jsonl(path: Path) -> list[Question]:
    """Questions in the essay-dev.jsonl format, or squad-pn-dev.jsonl's (the same, with `article`)."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            answers = tuple(row.get("answers", []))
            kind = row.get("kind") or ("factoid" if answers else "unanswerable")
            article = row.get("article")
            questions.append(Question(row["id"], row["question"], answers, kind, article, row.get("page")))
    return questions


def read_squad(path: Path) -> tuple[dict[str, tuple[str, str]], list[Question]]:
    """SQuAD v1.1: one document per article (title, paragraphs joined by blank lines), and its questions."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    documents, questions = {}, []
    for number, article in enumerate(data):
        doc_id = f"squad-{number:02d}"
        title = article["title"].replace("_", " ")
        documents[doc_id] = (title, "\n\n".join(p["context"].strip() for p in article["paragraphs"]))
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                questions.append(Question(qa["id"], qa["question"], answers, "factoid", number))
    return documents, questions


def write_squad_corpus(documents: dict[str, tuple[str, str]], corpus_dir: Path) -> None:
    """Write SQuAD articles as a corpus folder: one text file and one title sidecar each, touched only if changed."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, text) in documents.items():
        _write_if_changed(corpus_dir / f"{doc_id}.txt", text)
        _write_if_changed(corpus_dir / f"{doc_id}.meta.json", json.dumps({"title": title}))


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def sample(questions: list[Question], size: int | None, seed: int) -> list[Question]:
    """A fixed, seeded sample of the questions (all of them when size is None or larger)."""
    if size is None or size >= len(questions):
        return questions
    return sorted(random.Random(seed).sample(questions, size), key=lambda q: q.qid)


def evaluation_articles(questions: list[Question]) -> list[Question]:
    """The questions on odd-numbered SQuAD articles: the ones figures are reported on (even ones are for tuning)."""
    return [q for q in questions if q.article is not None and q.article % 2 == 1]


def development_articles(questions: list[Question]) -> list[Question]:
    """The questions on even-numbered SQuAD articles: the only ones anything may be tuned or fitted on."""
    return [q for q in questions if q.article is not None and q.article % 2 == 0]


Results = dict[str, dict[str, dict[str, float | None]]]  # group ("all" or a kind) -> system -> figures


def evaluate(searcher: Searcher, baseline: BaselinePipeline, questions: list[Question], top_k: int = 3) -> Results:
    """Run every question through the /ask code path and through the baseline; figures overall and per kind."""
    kinds = sorted({q.kind for q in questions})
    groups = ["all", *kinds] if len(kinds) > 1 else ["all"]
    ours = {group: Scores() for group in groups}
    theirs = {group: Scores() for group in groups}
    for gold in questions:
        answer = answer_question(searcher, gold.question, top_k=top_k)
        chunks = baseline.retrieve(gold.question)
        first_page = answer.citations[0].page if answer.citations else None
        for group in ("all", gold.kind) if len(groups) > 1 else ("all",):
            ours[group].add(gold, answer.answered, answer.answer, shown_evidence(answer), first_page)
            theirs[group].add(gold, True, chunks[0] if chunks else "", chunks)
    return {group: {"ours": ours[group].summary(), "baseline": theirs[group].summary()} for group in groups}
